// The owner dashboard's entry point: which view shows, who is signed in, and signing out.
// Modules: session (Cognito and tokens), api, signin (the sign-in steps), inbox (lists, search, detail,
// export) and chart (daily counts).

import { onTokenRefused } from "./api.js";
import { $, say } from "./dom.js";
import { openInboxView, setUpInbox } from "./inbox.js";
import { forgetTokens, onSessionEnded, signOutEverywhere, storedTokens } from "./session.js";
import { setUpSignIn } from "./signin.js";

const config = window.CTD_CONFIG;
const FORMS = { signin: "signin-form", "new-password": "new-password-form", "mfa-setup": "mfa-setup-form", "mfa-code": "mfa-code-form" };

function show(view) {
  for (const [name, id] of Object.entries(FORMS)) $(id).hidden = view !== name;
  $("inbox").hidden = view !== "inbox";
  $("account").hidden = view !== "inbox";
  $("account-name").textContent = view === "inbox" ? (storedTokens() || {}).username || "" : "";
  // Signed in already: the footer (the same on every page) does not offer to sign in.
  document.querySelector('footer a[href="/dashboard.html"]').parentElement.hidden = view === "inbox";
}

function signedOut(message) {
  forgetTokens();
  show("signin");
  say(message ? "error" : "ok", message || "You are signed out.");
  $("signin-email").focus();
}

async function openInbox() {
  show("inbox");
  say("ok", "");
  await openInboxView();
}

onSessionEnded(signedOut);
onTokenRefused(signedOut);
setUpSignIn(show, openInbox);
setUpInbox();
$("signout-button").addEventListener("click", async () => {
  await signOutEverywhere();
  signedOut();
});

if (!config || !config.clientId) {
  say("error", "This site has no sign-in configured (config.js lacks the Cognito client).");
} else if (storedTokens()) {
  openInbox();
} else {
  show("signin");
}
