// Small DOM helpers shared by the dashboard's modules.

export const $ = (id) => document.getElementById(id);

// An element whose text is set as text: visitors' words are never parsed as HTML.
export function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value == null ? "" : String(value);
  if (className) el.className = className;
  return el;
}

// The page's one status line (role=status), for progress, results and errors.
export function say(kind, message) {
  const status = $("dash-status");
  status.hidden = !message;
  status.className = `status ${kind}`;
  status.textContent = message || "";
}

export const when = (iso) => new Date(iso).toLocaleString();
export const fullName = (item) => `${item.first_name || ""} ${item.last_name || ""}`.trim();
