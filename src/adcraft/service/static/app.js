// adcraft web UI: plain JS, no libraries. Every value from the server is shown with textContent,
// never as HTML. Files are fetched with the API key header and shown or saved through blob URLs.
"use strict";

const $ = (id) => document.getElementById(id);
const KEY_STORE = "adcraft-api-key";
const SIZE = /^\s*(\d{1,5})\s*[xX×*]\s*(\d{1,5})\s*$/;
// the checker's message: "copy breaks advertising rules (N hit(s)): headline: '最' (rule) -> '更'; ..."
const COMPLIANCE = /^copy breaks advertising rules \(\d+ hit\(s\)\): /;
const QUOTED = String.raw`(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")`; // a Python repr of a str
const HIT = new RegExp(String.raw`([\w.]+): ${QUOTED} \((.+?)\) -> ${QUOTED}`, "g");

let OPTIONS = null;
let LAST = null; // the last generation's response, re-rendered when the language changes

class ApiError extends Error {
  constructor(status, body, headers) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.retryAfter = headers.get("Retry-After");
  }
}

function headers(json) {
  const h = {};
  const key = $("api-key").value.trim();
  if (key) h["X-API-Key"] = key;
  if (json) h["Content-Type"] = "application/json";
  return h;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function setStatus(text, kind) {
  $("status").textContent = text;
  $("status").className = kind || "";
}

async function request(path, options) {
  let response;
  try {
    const extra = (options && options.headers) || {};
    response = await fetch(path, { ...options, headers: { ...headers(false), ...extra } });
  } catch (_err) {
    throw new ApiError(0, { detail: t("network") }, new Headers());
  }
  if (!response.ok) {
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json().catch(() => null) : null;
    throw new ApiError(response.status, body, response.headers);
  }
  return response;
}

async function call(path, options) {
  return (await request(path, options)).json();
}

// One line in the current language: what kind of problem (from its code), then the server's words.
function errorText(err) {
  if (!(err instanceof ApiError)) return `${t("error")}${t("colon")}${err.message}`;
  const body = err.body;
  if (err.status === 401) return `${t("error")}${t("colon")}${t("wrong_key")}`;
  if (err.status === 0) return `${t("error")}${t("colon")}${t("network")}`;
  if (err.status === 429) return `${t("error")}${t("colon")}${t("busy", err.retryAfter || "?")}`;
  const kind = (STRINGS[LANG].codes || {})[body.code] || t("http", err.status);
  let detail = body.detail || "";
  if (Array.isArray(body.errors) && body.errors.length) {
    const c = t("colon");
    detail = body.errors.map((e) => `${t("field")} ${fieldLabel(e.field)}${c}${e.message}`).join("; ");
  } else {
    // the field a domain error is about: the body's `field`, else the detail's first word ("title is empty")
    const lead = /^(?:products\[\d+\]: )?(?:product\.)?(\w+)\b/.exec(detail);
    const field = body.field || (lead && FIELD_KEYS.includes(lead[1]) ? lead[1] : null);
    if (field) detail = `${t("field")} ${fieldLabel(field)}${t("colon")}${detail}`;
  }
  if (body.job_id) detail += ` ${t("still_running")} ${body.job_id}`;
  return `${t("error")}${t("colon")}${kind} — ${detail}`;
}

function complianceHits(err) {
  const detail = err instanceof ApiError ? String(err.body.detail || "") : "";
  if (!COMPLIANCE.test(detail)) return null;
  return [...detail.matchAll(HIT)].map((m) => ({
    name: m[1], matched: m[2] ?? m[3], rule: m[4], suggestion: m[5] ?? m[6],
  }));
}

function hitLine(name, hit) {
  const rewrite = hit.suggestion ? `“${hit.suggestion}”` : t("delete_term");
  const c = t("colon");
  const what = `${textLabel(name)}${c}“${hit.matched || hit.term}”`;
  return `${what} — ${t("rule")}${c}${hit.rule} — ${t("rewrite")}${c}${rewrite}`;
}

function showHits(hits) {
  $("hits").replaceChildren(...hits.map((h) => el("li", hitLine(h.name, h))));
}

// files ------------------------------------------------------------------------------------------
async function blobUrl(url) {
  return URL.createObjectURL(await (await request(url)).blob());
}

async function save(url, filename) {
  try {
    const a = el("a");
    a.href = await blobUrl(url);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } catch (err) {
    setStatus(errorText(err), "error");
  }
}

async function openFull(url) {
  try {
    $("viewer-img").src = await blobUrl(url);
    $("viewer").showModal();
  } catch (err) {
    setStatus(errorText(err), "error");
  }
}

// options: audiences with their labels, every placement -------------------------------------------
function segmentLabel(name) {
  if (!name) return t("generic");
  const seg = OPTIONS && OPTIONS.segments.find((s) => s.name === name);
  return seg ? (LANG === "zh" ? seg.label_zh : seg.label_en) : name;
}

function placementLabel(name, size) {
  const label = t("placement_names")[name] || name;
  return size && size !== name ? `${label} ${size.replace("x", "×")}` : label;
}

function checkbox(value, text, checked) {
  const label = el("label");
  const box = el("input");
  box.type = "checkbox";
  box.value = value;
  box.checked = checked;
  label.append(box, " ", el("span", text));
  return label;
}

function renderOptions() {
  if (!OPTIONS) return;
  const picked = (id) => new Set([...document.querySelectorAll(`#${id} input:checked`)].map((c) => c.value));
  const audiences = picked("audiences");
  const placements = $("placements").children.length ? picked("placements") : new Set(["feed-square"]);
  $("audiences").replaceChildren(
    ...OPTIONS.segments.map((s) => checkbox(s.name, segmentLabel(s.name), audiences.has(s.name))));
  $("placements").replaceChildren(...OPTIONS.placements.map((p) =>
    checkbox(p.name, placementLabel(p.name, `${p.width}x${p.height}`), placements.has(p.name))));
  const theme = $("theme").value;
  const none = el("option", t("no_theme"));
  none.value = "";
  $("theme").replaceChildren(none, ...(OPTIONS.themes || []).map((th) => {
    const option = el("option", LANG === "zh" ? th.label_zh : th.label_en);
    option.value = th.name;
    return option;
  }));
  $("theme").value = theme;
  $("allow-warnings-label").hidden = !OPTIONS.allow_warnings;
}

async function loadOptions() {
  OPTIONS = await call("/v1/options");
  renderOptions();
}

// results ----------------------------------------------------------------------------------------
function complianceList(manifest) {
  const box = el("details");
  const reports = Object.entries((manifest && manifest.compliance) || {});
  const hits = reports.reduce((n, [, r]) => n + (r.hits || []).length, 0);
  box.append(el("summary", hits ? t("compliance_hits", hits) : t("compliance_none")));
  const list = el("ul");
  for (const [name, report] of reports) {
    const mark = (report.hits || []).length ? "" : " ✓";
    const item = el("li", `${textLabel(name)}${t("colon")}${report.text || ""}${mark}`);
    const sub = el("ul");
    for (const hit of report.hits || []) sub.append(el("li", hitLine(name, hit), hit.severity));
    if (sub.children.length) item.append(sub);
    list.append(item);
  }
  box.append(list);
  box.open = hits > 0;
  return box;
}

function card(creative) {
  const node = $("card").content.firstElementChild.cloneNode(true);
  node.dataset.id = creative.id;
  const size = (creative.notes && creative.notes.size) || creative.placement;
  const img = node.querySelector("img");
  img.alt = placementLabel(creative.placement, size);
  blobUrl(creative.image_url).then((url) => { img.src = url; }, (err) => setStatus(errorText(err), "error"));
  const open = node.querySelector(".open");
  open.title = t("open_full");
  open.addEventListener("click", () => openFull(creative.image_url));
  node.querySelector(".placement").textContent = placementLabel(creative.placement, size);
  const qa = node.querySelector(".qa");
  qa.textContent = `${t("qa")} ${creative.qa_status}`;
  qa.classList.add(creative.qa_status);
  const n = creative.notes || {};
  node.querySelector(".notes").replaceChildren(
    ...(n.qa_failures || []).map((x) => el("li", `${t("qa_failed")}${t("colon")}${x}`)),
    ...(n.qa_warnings || []).map((x) => el("li", `${t("qa_note")}${t("colon")}${x}`)));
  const base = `adcraft-${creative.placement}-${creative.segment || "generic"}-${creative.id.slice(0, 8)}`;
  const image = node.querySelector(".dl-image");
  image.textContent = t("download_image");
  image.href = "#";
  image.addEventListener("click", (e) => { e.preventDefault(); save(creative.image_url, `${base}.png`); });
  const manifest = node.querySelector(".dl-manifest");
  manifest.textContent = t("download_manifest");
  manifest.href = "#";
  manifest.addEventListener("click", (e) => {
    e.preventDefault();
    save(creative.manifest_url, `${base}.json`);
  });
  call(creative.manifest_url).then(
    (m) => node.querySelector(".compliance").replaceChildren(complianceList(m)),
    (err) => setStatus(errorText(err), "error"));
  return node;
}

// one section per audience, cards in placement order
function showResults(creatives) {
  const order = (OPTIONS ? OPTIONS.placements.map((p) => p.name) : []);
  const rank = (c) => (order.includes(c.placement) ? order.indexOf(c.placement) : order.length);
  const groups = new Map();
  for (const c of creatives) {
    const key = c.segment || "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  const sections = [...groups].map(([segment, items]) => {
    const section = el("section", undefined, "audience");
    section.dataset.segment = segment;
    const grid = el("div", undefined, "grid");
    grid.append(...items.sort((a, b) => rank(a) - rank(b)).map(card));
    section.append(el("h3", segmentLabel(segment)), grid);
    return section;
  });
  $("results").replaceChildren(...sections);
}

async function refreshHistory() {
  try {
    $("history").replaceChildren(...(await call("/v1/creatives?limit=24")).map(card));
  } catch (err) {
    setStatus(errorText(err), "error");
  }
}

// the form ---------------------------------------------------------------------------------------
function productFromForm() {
  const product = { title: $("title").value.trim() };
  for (const name of ["description", "price", "original_price", "brand"]) {
    const value = $(name).value.trim();
    if (value) product[name] = value;
  }
  product.currency = $("currency").value;
  const lists = { selling_points: /\n/, brand_colors: /[,，\s]+/, banned_terms: /[,，\n]/ };
  for (const [name, separator] of Object.entries(lists)) {
    const items = $(name).value.split(separator).map((s) => s.trim()).filter(Boolean);
    if (items.length) product[name] = items;
  }
  return product;
}

function customSizes() {
  const range = (OPTIONS && OPTIONS.custom_size) || { min_side: 100, max_side: 4096 };
  const sizes = $("custom_size").value.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean);
  for (const size of sizes) {
    const m = SIZE.exec(size);
    const ok = m && [m[1], m[2]].every((v) => Number(v) >= range.min_side && Number(v) <= range.max_side);
    if (!ok) throw new Error(t("bad_custom", size, range.min_side, range.max_side));
  }
  return sizes.map((s) => s.replace(/\s/g, "").replace(/[X×*]/, "x"));
}

async function uploadPhoto() {
  const file = $("photo").files[0];
  if (!file) return null;
  const form = new FormData();
  form.append("file", file);
  return (await call("/v1/uploads", { method: "POST", body: form })).photo;
}

async function generate(event) {
  event.preventDefault();
  const button = $("generate");
  button.disabled = true;
  $("download").hidden = true;
  $("hits").replaceChildren();
  try {
    const product = productFromForm();
    const checked = (id) => [...document.querySelectorAll(`#${id} input:checked`)].map((c) => c.value);
    const placements = [...checked("placements"), ...customSizes()];
    const audiences = checked("audiences");
    if ($("photo").files[0]) setStatus(t("uploading"));
    const photo = await uploadPhoto();
    if (photo) product.photo = photo;
    setStatus(t("generating"));
    const body = { product, placements: placements.length ? placements : null,
      audiences: audiences.length ? audiences : null, theme: $("theme").value || null };
    if (OPTIONS && OPTIONS.allow_warnings && $("allow_warnings").checked) body.allow_warnings = true;
    const post = { method: "POST", headers: headers(true), body: JSON.stringify(body) };
    LAST = await call("/v1/creatives", post);
    showResults(LAST.creatives);
    prepareDownload(LAST.zip_url, LAST.product_id);
    setStatus(t("ready", LAST.creatives.length));
    refreshHistory();
  } catch (err) {
    const hits = complianceHits(err);
    if (hits) {
      showHits(hits);
      const allow = OPTIONS && OPTIONS.allow_warnings ? ` ${t("compliance_hint_allow")}` : "";
      setStatus(`${t("error")}${t("colon")}${t("compliance_block")}${allow}`, "error");
    } else {
      setStatus(errorText(err), "error");
    }
  } finally {
    button.disabled = false;
  }
}

function prepareDownload(url, productId) {
  const link = $("download");
  link.href = "#";
  link.onclick = (e) => { e.preventDefault(); save(url, `adcraft-${productId.slice(0, 12)}.zip`); };
  link.hidden = false;
}

function previewPhoto() {
  const file = $("photo").files[0];
  const img = $("photo-preview");
  img.hidden = !file;
  if (file) img.src = URL.createObjectURL(file);
}

// start: the language, the stored key, then what the server offers --------------------------------
async function start() {
  setStatus("");
  try {
    await loadOptions();
    await refreshHistory();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      const entered = Boolean($("api-key").value.trim());
      setStatus(entered ? errorText(err) : t("need_key"), entered ? "error" : "hint");
      $("api-key").focus();
    } else {
      setStatus(errorText(err), "error");
    }
  }
}

function switchLanguage() {
  LANG = LANG === "zh" ? "en" : "zh";
  localStorage.setItem("adcraft-lang", LANG);
  applyLanguage();
  renderOptions();
  if (LAST) showResults(LAST.creatives);
  refreshHistory();
  setStatus("");
}

$("api-key").value = sessionStorage.getItem(KEY_STORE) || "";
$("api-key").addEventListener("change", () => {
  sessionStorage.setItem(KEY_STORE, $("api-key").value.trim());
  start();
});
$("lang").addEventListener("click", switchLanguage);
$("photo").addEventListener("change", previewPhoto);
$("product-form").addEventListener("submit", generate);
$("refresh").addEventListener("click", refreshHistory);
applyLanguage();
start();
