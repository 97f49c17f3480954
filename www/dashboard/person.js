// One person's data, for a request to see or erase what the business holds about them. The address goes in the
// body, never the URL; each route answers a part and a cursor, followed to the end.

import { apiJson } from "./api.js";
import { say } from "./dom.js";
import { unicodeAddress } from "./idn.js";

async function everyPart(path, email, collect) {
  let cursor = null;
  do {
    const body = await apiJson(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(cursor ? { email, cursor } : { email }),
    });
    collect(body);
    cursor = body.cursor;
  } while (cursor);
}

async function theirEnquiries(email) {
  const items = [];
  await everyPart("/submissions/export-person", email, (body) => items.push(...body.items));
  return items;
}

const enquiries = (count) => `${count} ${count === 1 ? "enquiry" : "enquiries"}`;

export async function downloadTheirs(email) {
  say("ok", "Collecting every enquiry from this address…");
  let items;
  try { items = await theirEnquiries(email); } catch (error) { say("error", error.message); return; }
  const file = new Blob([JSON.stringify({ email, enquiries: items }, null, 2)], { type: "application/json" });
  const link = Object.assign(document.createElement("a"), {
    href: URL.createObjectURL(file), download: `enquiries-${unicodeAddress(email)}.json`,
  });
  link.click();
  URL.revokeObjectURL(link.href);
  say("ok", `Downloaded ${enquiries(items.length)} from ${unicodeAddress(email)}.`);
}

// True once everything from the address is erased (after a confirmation naming the count).
export async function eraseTheirs(email) {
  let count;
  try { count = (await theirEnquiries(email)).length; } catch (error) { say("error", error.message); return false; }
  const question = `Erase all ${enquiries(count)} from ${unicodeAddress(email)}, in every status? This cannot be undone.`;
  if (!window.confirm(question)) return false;
  let erased = 0;
  try { await everyPart("/submissions/erase", email, (body) => { erased += body.deleted; }); } catch (error) {
    say("error", `${error.message} (${erased} erased so far: erase again to finish)`);
    return false;
  }
  say("ok", `Erased ${enquiries(erased)} from ${unicodeAddress(email)}.`);
  return true;
}
