// Building DOM nodes with text only: nothing a customer or a user wrote is ever parsed as markup.
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value === true) node.setAttribute(key, "");
      else node.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

const { gettext: _, format } = window.i18n;

export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return format(_("{s} s"), { s });
  const m = Math.floor(s / 60);
  if (m < 60) return format(_("{m} min {s} s"), { m, s: String(s % 60).padStart(2, "0") });
  const h = Math.floor(m / 60);
  if (h < 24) return format(_("{h} h {m} min"), { h, m: String(m % 60).padStart(2, "0") });
  return format(_("{d} d {h} h"), { d: Math.floor(h / 24), h: h % 24 });  // offline since last month
}

export function secondsSince(iso) {
  return iso ? (Date.now() - Date.parse(iso)) / 1000 : 0;
}

export function secondsUntil(iso) {
  return iso ? (Date.parse(iso) - Date.now()) / 1000 : 0;
}

export function timeOf(iso) {
  return iso ? window.i18n.time(iso) : "";  // the user's locale and time zone
}
