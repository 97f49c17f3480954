// Enquiries per day, from the API's daily counts (GET /submissions/daily): bars with their counts and dates
// in view, a summary in words, and the same numbers as a table.

import { apiJson } from "./api.js";
import { $, text } from "./dom.js";

const config = window.CTD_CONFIG;
const PHONE = window.matchMedia("(max-width: 40rem)"); // style.css's phone layout starts here too
const PHONE_DAYS = 14; // 30 bars do not fit a phone with their numbers
const LABEL_EVERY = 7; // a date under every 7th bar, counting back from today

const dayName = (date, style) => new Date(`${date}T12:00:00`).toLocaleDateString(undefined, style);

// The owner's own days: each local midnight of the window and the next one, so a day keeps its enquiries across
// a daylight-saving change (23 or 25 hours long) and in zones with half- and quarter-hour offsets.
function localDays(days) {
  const midnight = (back) => { const d = new Date(); d.setHours(0, 0, 0, 0); d.setDate(d.getDate() - back); return d; };
  const starts = [];
  for (let back = days - 1; back >= -1; back--) starts.push(Math.floor(midnight(back).getTime() / 1000));
  const first = midnight(days - 1);
  const pad = (n) => String(n).padStart(2, "0");
  const from = `${first.getFullYear()}-${pad(first.getMonth() + 1)}-${pad(first.getDate())}`;
  return new URLSearchParams({ starts: starts.join(","), from });
}

export async function drawChart() {
  const days = PHONE.matches ? PHONE_DAYS : Number(config.chartDays); // the API's default window, from config.js
  let body;
  try { body = await apiJson(`/submissions/daily?${localDays(days)}`); } catch (error) {
    $("chart-summary").textContent = error.message === "signed out" ? "" : `The counts could not be loaded: ${error.message}`;
    return;
  }
  const counts = body.days;
  const total = counts.reduce((sum, day) => sum + day.count, 0);
  const busiest = counts.reduce((best, day) => (day.count > best.count ? day : best), counts[0]);
  $("chart-title").textContent = `Enquiries per day, last ${days} days`;
  let summary = total === 0
    ? `No enquiries in the last ${days} days yet.`
    : `${total} in all; the busiest day was ${dayName(busiest.date, { weekday: "long", day: "numeric", month: "long" })} with ${busiest.count}.`;
  if (!body.complete) summary += " Counting took too long, so some days may show fewer than arrived.";
  $("chart-summary").textContent = summary;

  const max = Math.max(1, ...counts.map((day) => day.count));
  const bars = counts.map((day, i) => {
    const column = text("div", "", "bar-column");
    column.dataset.count = String(day.count);
    column.dataset.date = day.date;
    const bar = text("span", "", "bar");
    bar.style.height = `${(day.count / max) * 100}%`; // CSSOM, which the page's CSP allows (no inline styles)
    const labelled = (counts.length - 1 - i) % LABEL_EVERY === 0;
    column.append(
      text("span", day.count > 0 ? day.count : "", "bar-count"),
      bar,
      text("span", labelled ? dayName(day.date, { day: "numeric", month: "short" }) : "", "bar-date"),
    );
    return column;
  });
  $("chart-bars").replaceChildren(...bars);
  $("chart-bars").hidden = total === 0;
  $("chart-table").querySelector("tbody").replaceChildren(...counts.map((day) => {
    const tr = document.createElement("tr");
    tr.append(text("th", dayName(day.date, { weekday: "short", day: "numeric", month: "short" })), text("td", day.count));
    tr.firstChild.scope = "row";
    return tr;
  }));
}
