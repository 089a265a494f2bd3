// Campaign report page: plain JS, no libraries. Every value from the server is shown with textContent.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const pct = (x, digits = 2) => `${(100 * x).toFixed(digits)}%`;

function headers() {
  const key = $("api-key").value.trim();
  return key ? { "X-API-Key": key } : {};
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", Boolean(isError));
}

async function get(path) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
    throw new Error((body && (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)))
      || `HTTP ${response.status}`);
  }
  return response;
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function drawChart(rows) {
  const chart = $("chart");
  chart.replaceChildren();
  const rowH = 22, left = 230, width = 640, plot = width - left - 20;
  const top = Math.max(0.0001, ...rows.map((r) => r.ctr_high));
  chart.setAttribute("height", String(rows.length * rowH + 30));
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const x = (v) => left + (plot * v) / top;
    chart.append(svg("text", { x: left - 6, y: y + 13, "text-anchor": "end", "font-size": 12 },
      `${r.segment} · ${r.variant}`));
    chart.append(svg("rect", { class: "bar", x: left, y, width: Math.max(1, x(r.ctr) - left), height: 16,
      fill: r.control ? "#999" : "#0a66c2" }));
    chart.append(svg("line", { class: "ci", x1: x(r.ctr_low), x2: x(r.ctr_high), y1: y + 8, y2: y + 8,
      stroke: "#222", "stroke-width": 2 }));
  });
  chart.append(svg("text", { x: left, y: rows.length * rowH + 24, "font-size": 11 }, "0"));
  chart.append(svg("text", { x: left + plot, y: rows.length * rowH + 24, "text-anchor": "end",
    "font-size": 11 }, pct(top)));
}

function fillTable(rows) {
  const body = $("table").querySelector("tbody");
  body.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement("tr");
    const lift = r.control ? "control"
      : `${pct(r.lift, 0)} [${pct(r.lift_low, 0)}, ${pct(r.lift_high, 0)}]`;
    for (const cell of [r.segment, r.variant, r.impressions, r.clicks, pct(r.ctr),
      `[${pct(r.ctr_low)}, ${pct(r.ctr_high)}]`, r.p_best.toFixed(2), lift]) {
      const td = document.createElement("td");
      td.textContent = String(cell);
      tr.append(td);
    }
    body.append(tr);
  }
}

async function load(event) {
  event?.preventDefault();
  const id = encodeURIComponent($("campaign").value.trim());
  try {
    setStatus("loading…");
    const report = await (await get(`/v1/campaigns/${id}/report`)).json();
    drawChart(report.variants);
    fillTable(report.variants);
    $("summary").textContent = `${report.impressions} impressions, ${report.clicks} clicks `
      + `(CTR ${pct(report.ctr)}), policy ${report.policy}, ${report.learned} learned`;
    const v = report.policy_value;
    $("value").textContent = v ? `current policy, estimated (${v.estimator}): ${pct(v.estimated_ctr)} `
      + `[${pct(v.estimated_ctr_low)}, ${pct(v.estimated_ctr_high)}] vs logged ${pct(v.logged_ctr)}` : "";
    $("csv").disabled = false;
    setStatus(`report for ${report.campaign_id}`);
  } catch (err) {
    setStatus(`Error: ${err.message}`, true);
  }
}

async function downloadCsv() {
  const id = encodeURIComponent($("campaign").value.trim());
  try {
    const blob = await (await get(`/v1/campaigns/${id}/report.csv`)).blob();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${decodeURIComponent(id)}-report.csv`;
    a.click();
    URL.revokeObjectURL(a.href);
  } catch (err) {
    setStatus(`Error: ${err.message}`, true);
  }
}

$("campaign-form").addEventListener("submit", load);
$("csv").addEventListener("click", downloadCsv);
const initial = new URLSearchParams(location.search).get("id");
if (initial) { $("campaign").value = initial; load(); }
