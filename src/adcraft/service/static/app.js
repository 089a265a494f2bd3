// adcraft web UI: plain JS, no libraries. Every value from the server is shown with textContent.
"use strict";

const $ = (id) => document.getElementById(id);

function headers(json) {
  const h = {};
  const key = $("api-key").value.trim();
  if (key) h["X-API-Key"] = key;
  if (json) h["Content-Type"] = "application/json";
  return h;
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", Boolean(isError));
}

async function call(path, options) {
  const response = await fetch(path, options);
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    let detail = body && body.detail;
    if (Array.isArray(detail)) detail = detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
    if (response.status === 429) detail = `busy, retry in ${response.headers.get("Retry-After")} s (${detail})`;
    throw new Error(detail || `HTTP ${response.status}`);
  }
  return body;
}

// Images need the API key header too, so they are fetched and shown through object URLs.
async function loadImage(img, url) {
  const response = await fetch(url, { headers: headers(false) });
  if (response.ok) img.src = URL.createObjectURL(await response.blob());
}

function card(creative) {
  const node = $("card").content.firstElementChild.cloneNode(true);
  node.dataset.id = creative.id;
  const img = node.querySelector("img");
  img.alt = `${creative.placement} creative`;
  loadImage(img, creative.image_url);
  node.querySelector(".open").href = creative.image_url;
  node.querySelector(".manifest").href = creative.manifest_url;
  node.querySelector(".placement").textContent =
    creative.placement + (creative.segment ? ` · ${creative.segment}` : "");
  const qa = node.querySelector(".qa");
  qa.textContent = `QA ${creative.qa_status}`;
  qa.classList.add(creative.qa_status);
  const notes = node.querySelector(".notes");
  const n = creative.notes || {};
  const lines = [
    ...(n.compliance || []).map((t) => `compliance: ${t}`),
    ...(n.qa_failures || []).map((t) => `QA failed: ${t}`),
    ...(n.qa_warnings || []).map((t) => `QA note: ${t}`),
  ];
  if (!lines.length) lines.push("compliance: no hits");
  for (const line of lines) {
    const li = document.createElement("li");
    li.textContent = line;
    notes.appendChild(li);
  }
  return node;
}

function show(container, creatives) {
  container.replaceChildren(...creatives.map(card));
}

async function uploadPhoto() {
  const file = $("photo").files[0];
  if (!file) return null;
  const form = new FormData();
  form.append("file", file);
  const out = await call("/v1/uploads", { method: "POST", headers: headers(false), body: form });
  return out.photo;
}

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

async function generate(event) {
  event.preventDefault();
  const button = $("generate");
  button.disabled = true;
  $("download").hidden = true;
  try {
    setStatus("Uploading…");
    const product = productFromForm();
    const photo = await uploadPhoto();
    if (photo) product.photo = photo;
    const placements = [...document.querySelectorAll("#placements input:checked")].map((c) => c.value);
    const audiences = $("audiences").value.split(",").map((s) => s.trim()).filter(Boolean);
    setStatus("Generating… (this takes a while on a CPU)");
    const out = await call("/v1/creatives", {
      method: "POST", headers: headers(true),
      body: JSON.stringify({
        product, placements, audiences: audiences.length ? audiences : null, theme: $("theme").value || null,
      }),
    });
    show($("results"), out.creatives);
    await prepareDownload(out.zip_url, out.product_id);
    setStatus(`${out.creatives.length} creative(s) ready.`);
    refreshHistory();
  } catch (err) {
    setStatus(`Error: ${err.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function prepareDownload(url, productId) {
  const response = await fetch(url, { headers: headers(false) });
  if (!response.ok) throw new Error(`zip: HTTP ${response.status}`);
  const link = $("download");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `adcraft-${productId.slice(0, 12)}.zip`;
  link.hidden = false;
}

async function refreshHistory() {
  try {
    show($("history"), await call("/v1/creatives?limit=48", { headers: headers(false) }));
  } catch (err) {
    setStatus(`Error: ${err.message}`, true);
  }
}

$("product-form").addEventListener("submit", generate);
$("refresh").addEventListener("click", refreshHistory);
refreshHistory();
