// adcraft web UI strings in English and Chinese. Every text the page shows comes from here
// (server details are shown as they come, behind a translated label).
"use strict";

const STRINGS = {
  en: {
    tagline: "ad creatives from product text",
    campaigns: "campaign reports",
    api_key: "API key (only if the server needs one)",
    product: "Product",
    title: "Title",
    description: "Description",
    price: "Price",
    original_price: "List price",
    currency: "Currency",
    more: "Selling points, brand, banned words, photo",
    selling_points: "Selling points (one per line; empty = taken from the description)",
    brand: "Brand",
    brand_colors: "Brand colours",
    banned_terms: "Never say (banned words, comma-separated)",
    photo: "Photo (optional)",
    audiences: "Audiences (none = generic)",
    placements: "Placements",
    custom_size: "Custom sizes (WxH, comma-separated)",
    allow_warnings: "Allow warnings (keep copy the law checker flags)",
    theme: "Campaign theme",
    no_theme: "none",
    generate: "Generate",
    creatives: "Creatives",
    download_zip: "Download all (zip)",
    earlier: "Earlier creatives",
    refresh: "Refresh",
    close: "Close",
    generic: "Generic audience",
    uploading: "Uploading the photo…",
    generating: "Generating… (this takes a while on a CPU)",
    ready: (n) => `${n} creative(s) ready.`,
    error: "Error",
    colon: ": ",
    need_key: "This server needs an API key: enter it above.",
    wrong_key: "The API key is missing or wrong.",
    busy: (s) => `The server is busy; try again in ${s} s.`,
    network: "The server cannot be reached.",
    http: (s) => `HTTP ${s}`,
    still_running: "Still running on the server as a job:",
    bad_custom: (v, lo, hi) => `custom size ${v}: use WxH with sides from ${lo} to ${hi} px, e.g. 640x960`,
    compliance_block: "The copy breaks advertising rules; rewrite these texts:",
    compliance_hint_allow: "or tick “Allow warnings” to keep them.",
    compliance_none: "Compliance: no hits",
    compliance_hits: (n) => `Compliance: ${n} hit(s)`,
    qa: "QA",
    qa_failed: "QA failed",
    qa_note: "QA note",
    rule: "rule",
    rewrite: "rewrite",
    delete_term: "(delete)",
    download_image: "image",
    download_manifest: "manifest",
    open_full: "Open at full size",
    field: "field",
    texts: { headline: "Headline", subline: "Subline", cta: "Call to action", point: "Selling point",
      price_text: "Price", original_price_text: "List price", discount_text: "Discount" },
    codes: {
      "invalid-input": "Invalid input",
      "malformed-body": "The request cannot be read",
      "too-large": "Too large",
      unauthorized: "Missing or wrong API key",
      "not-found": "Not found",
      capacity: "The server is busy",
      "still-running": "Still running",
      "model-unavailable": "The model cannot be loaded",
      internal: "Server error",
    },
    placement_names: {
      "feed-square": "Feed square", "feed-portrait": "Feed portrait", story: "Story",
      "link-landscape": "Link landscape", "product-square": "Product square",
      "medium-rectangle": "Medium rectangle", leaderboard: "Leaderboard",
      "wide-skyscraper": "Wide skyscraper",
      custom: "Custom",
    },
    switch_to: "中文",
  },
  zh: {
    tagline: "由商品文字生成广告素材",
    campaigns: "投放报告",
    api_key: "API 密钥（仅在服务器需要时填写）",
    product: "商品",
    title: "标题",
    description: "描述",
    price: "价格",
    original_price: "原价",
    currency: "币种",
    more: "卖点、品牌、禁用词、照片",
    selling_points: "卖点（每行一个；留空则从描述中提取）",
    brand: "品牌",
    brand_colors: "品牌色",
    banned_terms: "禁用词（逗号分隔）",
    photo: "商品照片（可选）",
    audiences: "目标人群（不选 = 通用）",
    placements: "广告位",
    custom_size: "自定义尺寸（宽x高，逗号分隔）",
    allow_warnings: "允许警告（保留合规检查标记的文案）",
    theme: "营销主题",
    no_theme: "无",
    generate: "生成",
    creatives: "素材",
    download_zip: "全部下载（zip）",
    earlier: "历史素材",
    refresh: "刷新",
    close: "关闭",
    generic: "通用人群",
    uploading: "正在上传照片…",
    generating: "正在生成…（CPU 上需要一些时间）",
    ready: (n) => `已生成 ${n} 个素材。`,
    error: "错误",
    colon: "：",
    need_key: "此服务器需要 API 密钥：请在上方填写。",
    wrong_key: "API 密钥缺失或错误。",
    busy: (s) => `服务器繁忙，请 ${s} 秒后重试。`,
    network: "无法连接服务器。",
    http: (s) => `HTTP ${s}`,
    still_running: "仍在服务器上作为任务运行：",
    bad_custom: (v, lo, hi) => `自定义尺寸 ${v}：请写成 宽x高，每边 ${lo} 到 ${hi} 像素，例如 640x960`,
    compliance_block: "文案违反广告法规则，请改写以下文字：",
    compliance_hint_allow: "或勾选“允许警告”保留。",
    compliance_none: "合规检查：无问题",
    compliance_hits: (n) => `合规检查：${n} 处问题`,
    qa: "质检",
    qa_failed: "质检未通过",
    qa_note: "质检提示",
    rule: "规则",
    rewrite: "改为",
    delete_term: "（删除）",
    download_image: "图片",
    download_manifest: "清单",
    open_full: "查看原图",
    field: "字段",
    texts: { headline: "主标题", subline: "副标题", cta: "行动号召", point: "卖点",
      price_text: "价格", original_price_text: "原价", discount_text: "折扣" },
    codes: {
      "invalid-input": "输入有误",
      "malformed-body": "请求无法读取",
      "too-large": "超出大小限制",
      unauthorized: "API 密钥缺失或错误",
      "not-found": "未找到",
      capacity: "服务器繁忙",
      "still-running": "仍在运行",
      "model-unavailable": "模型无法加载",
      internal: "服务器错误",
    },
    placement_names: {
      "feed-square": "信息流方图", "feed-portrait": "信息流竖图", story: "快拍全屏",
      "link-landscape": "链接横图", "product-square": "商品方图",
      "medium-rectangle": "中矩形", leaderboard: "通栏横幅", "wide-skyscraper": "宽擎天柱",
      custom: "自定义",
    },
    switch_to: "English",
  },
};

// Request field names (as problem details name them) shown with the form's own labels.
const FIELD_KEYS = ["title", "description", "price", "original_price", "currency", "selling_points",
  "brand", "brand_colors", "banned_terms", "photo", "audiences", "placements"];

function initialLanguage() {
  const saved = localStorage.getItem("adcraft-lang");
  if (saved === "zh" || saved === "en") return saved;
  const wanted = navigator.languages && navigator.languages.length
    ? navigator.languages : [navigator.language];
  return String(wanted[0] || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

let LANG = initialLanguage();

function t(key, ...args) {
  const value = STRINGS[LANG][key] ?? STRINGS.en[key] ?? key;
  return typeof value === "function" ? value(...args) : value;
}

function fieldLabel(field) {
  const last = String(field || "").replace(/\[\d+\]/g, "").split(".").pop();
  return FIELD_KEYS.includes(last) ? t(last) : field;
}

function textLabel(name) {
  const [base, index] = String(name).split(/_(?=\d+$)/);
  const label = (STRINGS[LANG].texts || {})[base];
  return label ? (index !== undefined ? `${label} ${Number(index) + 1}` : label) : name;
}

function applyLanguage() {
  document.documentElement.lang = LANG === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  const button = document.getElementById("lang");
  button.textContent = t("switch_to");
  button.lang = LANG === "zh" ? "en" : "zh";
}
