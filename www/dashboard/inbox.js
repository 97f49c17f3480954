// The enquiries: a page of a view or of a search, newest first, with paging; one enquiry's detail and its
// actions; exporting the view (export.js).

import { apiJson } from "./api.js";
import { drawChart } from "./chart.js";
import { $, fullName, say, text, when } from "./dom.js";
import { unicodeAddress } from "./idn.js";

const config = window.CTD_CONFIG;
const PAGE_SIZE = config.pageSize; // the API's default page, from config.js
const LABELS = [
  ["created_at", "Received"], ["status", "Status"], ["first_name", "First name"], ["last_name", "Last name"],
  ["email", "Email"], ["phone_number", "Phone number"], ["company", "Company"], ["job_title", "Job title"],
  ["subject", "Subject"], ["message", "Message"], ["spam_reason", "Why it is spam"], ["id", "Reference"],
];
// Why the site kept a post as spam (table_schema.SPAM_REASONS and bot_check.REASONS): a short name for the list, and
// words for the detail. A person may have sent it: "Mark new" rescues it.
const SPAM_REASONS = {
  "honeypot": ["hidden field", "A field people never see, which bots fill in, was filled in."],
  "visitor-limit": ["per-visitor limit", "More posts came from its address in one hour than the site's per-visitor limit; offices and mobile networks share addresses, so check it."],
  "bot-check-missing": ["bot check: no token", "The form arrived without the bot check's token: a bot, or a person whose browser ran no JavaScript or blocked the check."],
  "bot-check-failed": ["bot check: refused", "Cloudflare Turnstile did not confirm the bot check's token, or it was solved on another site."],
  "bot-check-spent": ["bot check: spent token", "The bot check's token was used before or was over five minutes old when checked."],
  "bot-check-unavailable": ["bot check: no answer", "Cloudflare Turnstile did not answer when the post was checked; a person may well have sent it."],
};

let cursors = [null]; // cursors[i] opens page i; the last page's "next" is pushed when known
let page = 0;
let searching = ""; // the words searched for; "" lists the view
let current = null; // the item open in the detail view

const filter = () => $("status-filter");
const detail = () => $("detail");
const badge = (value) => text("span", value, `badge badge-${value}`);

// The fields a form sent beyond this site's own (extraFields: keep), by the names it used.
function extraFields(item) {
  try { return Object.entries(JSON.parse(item.extra_fields || "{}")); } catch { return []; }
}

function row(item) {
  const tr = document.createElement("tr");
  tr.tabIndex = 0;
  const status = text("td", "", "cell-status");
  status.append(badge(item.status));
  if (SPAM_REASONS[item.spam_reason]) status.append(text("span", SPAM_REASONS[item.spam_reason][0], "spam-reason"));
  tr.append(
    text("td", when(item.created_at), "cell-received"),
    text("td", fullName(item), "cell-name"),
    text("td", unicodeAddress(item.email), "cell-email"),
    text("td", item.company, "cell-company"),
    status,
    text("td", (item.message || "").split("\n")[0], "cell-message"),
  );
  const open = () => openDetail(item.id);
  tr.addEventListener("click", open);
  tr.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
  return tr;
}

export async function loadPage() {
  const query = new URLSearchParams({ limit: PAGE_SIZE });
  if (filter().value) query.set("status", filter().value);
  if (cursors[page]) query.set("cursor", cursors[page]);
  if (searching) query.set("q", searching);
  let body;
  try { body = await apiJson(`/submissions${searching ? "/search" : ""}?${query}`); } catch (error) {
    if (error.message !== "signed out") say("error", error.message);
    return;
  }
  cursors[page + 1] = body.cursor;
  $("submissions").querySelector("tbody").replaceChildren(...body.items.map(row));
  $("submissions").hidden = body.items.length === 0;
  $("empty").hidden = body.items.length > 0;
  $("empty").textContent = searching
    ? `No enquiries ${body.cursor ? "on this page " : ""}match “${searching}”${filter().value ? ` among ${filter().value} ones` : ""}.${filter().value === "spam" ? "" : " Search finds whole words."}`
    : "No enquiries here yet.";
  if (page === 0) spamSummary();
  // Emptying is for the whole spam view, not a search within it.
  $("spam-actions").hidden = filter().value !== "spam" || Boolean(searching) || body.items.length === 0;
  $("results-title").hidden = !searching;
  $("results-title").textContent = searching ? `Results for “${searching}”` : "";
  $("clear-search").hidden = !searching;
  $("prev-page").disabled = page === 0;
  $("next-page").disabled = !body.cursor;
}

// How many posts each check held back in the whole spam view (since it was last emptied), not only this page:
// offices and mobile networks share an address, so a limit's catch is worth a look.
async function spamSummary() {
  const summary = $("spam-summary");
  if (filter().value !== "spam" || searching) { summary.hidden = true; return; }
  let body;
  try { body = await apiJson("/submissions/spam-held"); } catch { summary.hidden = true; return; }
  const parts = Object.entries(body.held).filter(([reason]) => SPAM_REASONS[reason])
    .map(([reason, count]) => `${count.toLocaleString()} by the ${SPAM_REASONS[reason][0]}`);
  summary.hidden = parts.length === 0;
  summary.textContent = parts.length
    ? `Held back, of ${body.total.toLocaleString()} in spam${body.complete ? "" : " (counting stopped early)"}: ${parts.join(", ")}.`
    : "";
}

function restart() {
  cursors = [null];
  page = 0;
  return loadPage();
}

async function openDetail(id) {
  let body;
  try { body = await apiJson(`/submissions/${encodeURIComponent(id)}`); } catch (error) { say("error", error.message); return; }
  current = body.item;
  const fields = LABELS.filter(([key]) => current[key]).flatMap(([key, label]) => {
    const dd = document.createElement("dd");
    if (key === "email") {
      // Shown as people write it; the link keeps the stored ASCII form, which every mail program can send to.
      const shown = unicodeAddress(current.email);
      const link = text("a", shown);
      link.href = `mailto:${encodeURIComponent(current.email).replace("%40", "@")}`;
      dd.append(link);
      if (shown !== current.email) dd.append(text("span", ` (${current.email} as sent)`, "small"));
    } else {
      dd.textContent = key === "created_at" ? when(current[key])
        : key === "spam_reason" ? (SPAM_REASONS[current[key]] || [, current[key]])[1] : current[key];
    }
    return [text("dt", label), dd];
  });
  const extra = extraFields(current).flatMap(([name, value]) => [text("dt", name), text("dd", value)]);
  $("detail-fields").replaceChildren(...fields, ...extra);
  $("detail-title").textContent = `Enquiry from ${fullName(current)}`;
  for (const button of detail().querySelectorAll("[data-status]")) button.hidden = button.dataset.status === current.status;
  detail().hidden = false;
  detail().focus();
}

export function setUpInbox() {
  for (const button of detail().querySelectorAll("[data-status]")) {
    button.addEventListener("click", async () => {
      try {
        await apiJson(`/submissions/${encodeURIComponent(current.id)}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ status: button.dataset.status }),
        });
      } catch (error) { say("error", error.message); return; }
      say("ok", `Marked ${button.dataset.status}.`);
      detail().hidden = true;
      // The chart counts the inbox: only moving into or out of spam changes it.
      const inboxChanged = [current.status, button.dataset.status].includes("spam");
      await Promise.all([loadPage(), inboxChanged ? drawChart() : null]);
    });
  }
  $("delete-button").addEventListener("click", async () => {
    if (!window.confirm(`Delete the enquiry from ${fullName(current)}? This cannot be undone.`)) return;
    try { await apiJson(`/submissions/${encodeURIComponent(current.id)}`, { method: "DELETE" }); } catch (error) { say("error", error.message); return; }
    say("ok", "Deleted.");
    detail().hidden = true;
    await Promise.all([loadPage(), drawChart()]);
  });
  $("close-detail").addEventListener("click", () => { detail().hidden = true; });
  filter().addEventListener("change", restart);
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    searching = $("search-input").value.trim();
    say("ok", searching ? "Searching…" : "");
    restart().then(() => { if (searching) say("ok", ""); });
  });
  $("clear-search").addEventListener("click", () => {
    $("search-input").value = "";
    searching = "";
    restart();
    $("search-input").focus();
  });
  $("next-page").addEventListener("click", () => { page += 1; loadPage(); });
  $("prev-page").addEventListener("click", () => { page = Math.max(0, page - 1); loadPage(); });
  // Exports, like one person's data below, load their code when asked for.
  $("export-button").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    (await import("./export.js")).exportView(filter().value, searching, button);
  });
  $("empty-spam").addEventListener("click", emptySpam);
  $("export-person").addEventListener("click", async () => (await import("./person.js")).downloadTheirs(current.email));
  $("erase-person").addEventListener("click", async () => {
    if (!(await (await import("./person.js")).eraseTheirs(current.email))) return;
    detail().hidden = true;
    await Promise.all([loadPage(), drawChart()]);
  });
}


// One request however much spam there is: everything that became spam until now leaves the view.
async function emptySpam() {
  if (!window.confirm("Empty spam? Everything in the spam view leaves it now and is deleted within "
    + "its spam retention (30 days by default). Enquiries marked spam later will show here again.")) return;
  try { await apiJson("/submissions/empty-spam", { method: "POST" }); } catch (error) { say("error", error.message); return; }
  say("ok", "Spam emptied.");
  detail().hidden = true;
  await restart();
}

export function openInboxView() {
  detail().hidden = true;
  searching = "";
  $("search-input").value = "";
  return Promise.all([restart(), drawChart()]);
}
