// Enhances the contact form: posts JSON, shows errors next to their fields, keeps what was typed.
"use strict";

(() => {
  const form = document.getElementById("contact-form");
  const status = document.getElementById("form-status");
  const button = form.querySelector("button[type=submit]");
  const idField = form.elements.namedItem("submission_id");
  // Without this script the browser's own validation runs; with it, errors show beside fields.
  form.noValidate = true;

  // One id per distinct message: a double click or a retry of the same text reuses it
  // (the server stores it once); editing the message after an attempt makes it a new one.
  // crypto.randomUUID is in every current browser in a secure context (HTTPS, and 127.0.0.1 for make dev).
  const newId = () => crypto.randomUUID();
  idField.value = newId();
  form.addEventListener("input", () => { idField.value = newId(); });

  function showStatus(kind, text) {
    status.hidden = false;
    status.className = `status ${kind}`;
    status.textContent = text;
  }

  function clearErrors() {
    for (const p of form.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
    for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  }

  // Shows each message under its field and moves focus to the first one.
  function showFieldErrors(errors) {
    let first = null;
    for (const el of form.elements) {
      if (!el.name || !(el.name in errors)) continue;
      const slot = document.getElementById(`${el.name}-error`);
      if (!slot) continue;
      slot.textContent = errors[el.name];
      slot.hidden = false;
      el.setAttribute("aria-invalid", "true");
      first = first || el;
    }
    if (first) first.focus();
    return first !== null;
  }

  // The browser's own checks, worded like the server's, so the page answers before the network.
  function localErrors() {
    const errors = {};
    for (const el of form.elements) {
      if (!el.name || el.type === "hidden" || el.closest(".hp") || el.validity.valid) continue;
      const label = form.querySelector(`label[for="${el.id}"]`).firstChild.textContent.trim();
      if (el.validity.valueMissing) errors[el.name] = `${label} is required`;
      else if (el.validity.typeMismatch || el.validity.patternMismatch) errors[el.name] = `${label} must be an address like name@example.com`;
      else errors[el.name] = `${label} is not valid`;
    }
    return errors;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (button.disabled) return;
    clearErrors();
    status.hidden = true;
    if (showFieldErrors(localErrors())) return;
    const payload = Object.fromEntries(new FormData(form));
    button.disabled = true;
    button.textContent = "Sending…";
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(payload),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        form.reset();
        idField.value = newId();
        showStatus("ok", "Thank you, your message reached us. We reply within one working day.");
        status.focus();
      } else if (response.status === 400 && body.error && body.error.fields && showFieldErrors(body.error.fields)) {
        showStatus("error", "Please correct the highlighted fields.");
      } else if (response.status === 429 || response.status >= 500) {  // throttled or unavailable: a retry works
        showStatus("error", "We could not save your message just now. Nothing was lost on your side: please press Send again in a moment.");
      } else {
        showStatus("error", (body.error && body.error.message) || `Your message was not sent (error ${response.status}).`);
      }
    } catch {
      showStatus("error", "Your message could not be sent: check your connection and press Send again.");
    } finally {
      button.disabled = false;
      button.textContent = "Send message";
    }
  });
})();
