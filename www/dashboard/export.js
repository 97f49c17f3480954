// Exporting the view on screen (the inbox or one status, and the search in it) as one CSV file of any size: the
// site writes the file in the background; this shows how far it is, then downloads it. Loaded when asked for.

import { apiJson } from "./api.js";
import { say } from "./dom.js";

const POLL_MS = 1000;
const megabytes = (bytes) => (bytes / 1048576).toFixed(1);

export async function exportView(status, q, button) {
  button.disabled = true;
  try {
    let { export: job } = await apiJson("/submissions/exports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...(status && { status }), ...(q && { q }) }),
    });
    while (job.state === "running") {
      say("ok", `Exporting… ${job.rows.toLocaleString()} enquiries written so far (${megabytes(job.bytes)} MB).`);
      await new Promise((done) => setTimeout(done, POLL_MS));
      ({ export: job } = await apiJson(`/submissions/exports/${encodeURIComponent(job.id)}`));
    }
    if (job.state !== "done") { say("error", `The export failed: ${job.message}`); return; }
    say("ok", `Exported ${job.rows.toLocaleString()} enquiries (${megabytes(job.bytes)} MB) to ${job.file}.`);
    // The file is an attachment: the browser downloads it and the dashboard stays.
    window.location.assign(job.url);
  } catch (error) {
    if (error.message !== "signed out") say("error", error.message);
  } finally {
    button.disabled = false;
  }
}
