// The owner dashboard: Cognito sign-in (with the first-sign-in password change), then the enquiries.
"use strict";

(() => {
  const config = window.CTD_CONFIG;
  const $ = (id) => document.getElementById(id);
  const status = $("dash-status");
  const signinForm = $("signin-form");
  const newPasswordForm = $("new-password-form");
  const inbox = $("inbox");
  const tbody = document.querySelector("#submissions tbody");
  const filter = $("status-filter");
  const detail = $("detail");
  const TOKENS = "ctd.tokens";
  const PAGE_SIZE = config.pageSize; // the API's default page, from config.js
  let challenge = null; // { username, name, session } while Cognito asks for another sign-in step
  let cursors = [null]; // cursors[i] opens page i; the last page's "next" is pushed when known
  let page = 0;
  let current = null; // the item open in the detail view

  function say(kind, text) {
    status.hidden = !text;
    status.className = `status ${kind}`;
    status.textContent = text || "";
  }

  // --- Cognito: the two calls the page needs, made as the AWS SDK would (JSON over POST). ---
  async function cognito(action, body) {
    const response = await fetch(config.cognitoEndpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.message || data.Message || `sign-in failed (${response.status})`);
      error.code = (data.__type || "").split("#").pop();
      throw error;
    }
    return data;
  }

  function keepTokens(result, refreshToken, username) {
    const tokens = {
      access: result.AccessToken,
      refresh: result.RefreshToken || refreshToken,
      expiresAt: Date.now() + (result.ExpiresIn || 3600) * 1000,
      username, // shown as "Signed in as"; the page never decodes tokens
    };
    sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
    return tokens;
  }

  function storedTokens() {
    try { return JSON.parse(sessionStorage.getItem(TOKENS)); } catch { return null; }
  }

  async function refreshTokens(tokens) {
    const data = await cognito("InitiateAuth", {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: config.clientId,
      AuthParameters: { REFRESH_TOKEN: tokens.refresh },
    });
    return keepTokens(data.AuthenticationResult, tokens.refresh, tokens.username);
  }

  // A valid access token, renewed a minute before it expires; null when signed out.
  async function accessToken(forceRefresh = false) {
    let tokens = storedTokens();
    if (!tokens) return null;
    if (forceRefresh || tokens.expiresAt - Date.now() < 60000) {
      try { tokens = await refreshTokens(tokens); } catch { signOut("Your session ended: please sign in again."); return null; }
    }
    return tokens.access;
  }

  // --- The API, with one retry after a refresh when the gateway says the token is no longer good. ---
  async function api(path, options = {}) {
    for (const force of [false, true]) {
      const token = await accessToken(force);
      if (!token) throw new Error("signed out");
      const response = await fetch(`${config.apiBase}${path}`, {
        ...options,
        headers: { ...(options.headers || {}), authorization: `Bearer ${token}` },
      });
      if (response.status !== 401) return response;
    }
    signOut("Your session ended: please sign in again.");
    throw new Error("signed out");
  }

  async function apiJson(path, options) {
    const response = await api(path, options);
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error((body.error && body.error.message) || `request failed (${response.status})`);
    return body;
  }

  // --- Views ---
  const FORMS = { signin: signinForm, "new-password": newPasswordForm, "mfa-setup": $("mfa-setup-form"), "mfa-code": $("mfa-code-form") };
  function show(view) {
    for (const [name, form] of Object.entries(FORMS)) form.hidden = view !== name;
    inbox.hidden = view !== "inbox";
    $("account").hidden = view !== "inbox";
    $("account-name").textContent = view === "inbox" ? (storedTokens() || {}).username || "" : "";
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKENS);
    show("signin");
    say(message ? "error" : "ok", message || "You are signed out.");
    $("signin-email").focus();
  }

  // Cognito answers a sign-in step with tokens or with the next challenge; each challenge has its form.
  async function advance(data) {
    if (data.AuthenticationResult) {
      keepTokens(data.AuthenticationResult, undefined, challenge.username);
      challenge = null;
      await openInbox();
      return;
    }
    challenge = { ...challenge, name: data.ChallengeName, session: data.Session };
    if (data.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      $("new-password-username").value = challenge.username; // so a password manager saves it for this account
      show("new-password");
      say("ok", "Choose a new password to finish signing in.");
      $("new-password").focus();
    } else if (data.ChallengeName === "MFA_SETUP") {
      const setup = await cognito("AssociateSoftwareToken", { Session: challenge.session });
      challenge.session = setup.Session || challenge.session;
      $("mfa-secret").textContent = setup.SecretCode;
      const label = encodeURIComponent(`Connecting The Dots:${challenge.username}`);
      $("mfa-uri").textContent = `otpauth://totp/${label}?secret=${setup.SecretCode}&issuer=Connecting%20The%20Dots`;
      show("mfa-setup");
      say("ok", "Two-step sign-in is required: add this key to your authenticator app.");
      $("mfa-setup-code").focus();
    } else if (data.ChallengeName === "SOFTWARE_TOKEN_MFA") {
      show("mfa-code");
      say("ok", "Enter the code from your authenticator app.");
      $("mfa-code").focus();
    } else {
      throw new Error(`sign-in needs ${data.ChallengeName}, which this page does not support`);
    }
  }

  function respond(name, responses) {
    return cognito("RespondToAuthChallenge", {
      ChallengeName: name,
      ClientId: config.clientId,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.username, ...responses },
    });
  }

  // The pool's password rules (declarations/owner_pool_spec.py), as the list on the page names them.
  // Cognito's symbols: ^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + - and an inner space.
  const RULES = {
    length: (p) => p.length >= Number($("password-rules").dataset.minimumLength),
    lowercase: (p) => /[a-z]/.test(p),
    uppercase: (p) => /[A-Z]/.test(p),
    numbers: (p) => /[0-9]/.test(p),
    symbols: (p) => /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(p),
  };
  const ruleItems = () => [...$("password-rules").querySelectorAll("li")];
  const unmetRules = (password) => ruleItems().filter((li) => !RULES[li.dataset.rule](password));
  newPasswordForm.noValidate = true; // the page's own messages name each missing rule
  $("new-password").addEventListener("input", (event) => {
    const unmet = new Set(unmetRules(event.target.value));
    for (const li of ruleItems()) li.classList.toggle("met", !unmet.has(li));
  });

  // Cognito's refusals in this site's words: what happened and what to do next.
  function explain(error, form) {
    switch (error.code) {
      case "NotAuthorizedException":
        if (form === signinForm) return "Wrong email or password.";
        show("signin");
        return "This sign-in step took too long or was already used: please sign in again.";
      case "InvalidPasswordException":
        return "That password was refused: it needs every item in the list above, and not to be a recent password.";
      case "CodeMismatchException":
      case "EnableSoftwareTokenMFAException":
        return "That code is not right: enter the code your app shows now.";
      case "ExpiredCodeException":
        return "That code has expired: enter the code your app shows now.";
      case "TooManyRequestsException":
      case "LimitExceededException":
      case "TooManyFailedAttemptsException":
        return "Too many attempts: wait a few minutes, then try again.";
      case "PasswordResetRequiredException":
        return "This account's password must be reset by the site's administrator before you can sign in.";
      case "UserNotFoundException":
        return "Wrong email or password.";
      default:
        return error instanceof TypeError ? "The sign-in service cannot be reached: check your connection and try again." : `Sign-in failed: ${error.message}`;
    }
  }

  // Runs one sign-in step; on failure says why and puts focus back where the person can act.
  function step(form, focusId, work) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await work();
        form.reset();
      } catch (error) {
        say("error", error.code === "local" ? error.message : explain(error, form));
        const target = form.hidden ? $("signin-email") : $(error.focus || focusId);
        target.focus();
      }
    });
  }

  // A refusal found on the page, before any call: its words are shown as they are.
  function refuse(message, focus) {
    const error = new Error(message);
    error.code = "local";
    error.focus = focus;
    return error;
  }

  step(signinForm, "signin-password", async () => {
    const username = signinForm.elements.email.value.trim();
    say("ok", "Signing in…");
    challenge = { username };
    await advance(await cognito("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: config.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: signinForm.elements.password.value },
    }));
  });

  step(newPasswordForm, "new-password", async () => {
    const password = newPasswordForm.elements.new_password.value;
    const unmet = unmetRules(password).map((li) => li.textContent);
    if (unmet.length) throw refuse(`The new password still needs ${unmet.join(", ")}.`, "new-password");
    if (password !== newPasswordForm.elements.new_password_again.value) {
      throw refuse("The two passwords differ: type the same password twice.", "new-password-again");
    }
    await advance(await respond("NEW_PASSWORD_REQUIRED", { NEW_PASSWORD: password }));
  });

  step($("mfa-setup-form"), "mfa-setup-code", async () => {
    const verified = await cognito("VerifySoftwareToken", {
      Session: challenge.session,
      UserCode: $("mfa-setup-code").value.trim(),
      FriendlyDeviceName: "dashboard",
    });
    challenge.session = verified.Session || challenge.session;
    await advance(await respond("MFA_SETUP", {}));
  });

  step($("mfa-code-form"), "mfa-code", async () => {
    await advance(await respond("SOFTWARE_TOKEN_MFA", { SOFTWARE_TOKEN_MFA_CODE: $("mfa-code").value.trim() }));
  });

  // The button, unlike an ended session, also signs out at Cognito: the refresh token in this tab (or a copy
  // of it) can then mint no more access tokens. Signed out here even if Cognito cannot be reached.
  $("signout-button").addEventListener("click", async () => {
    const token = await accessToken();
    if (token) await cognito("GlobalSignOut", { AccessToken: token }).catch(() => {});
    signOut();
  });

  async function openInbox() {
    show("inbox");
    say("ok", "");
    cursors = [null];
    page = 0;
    await Promise.all([loadPage(), drawChart()]);
  }

  function text(tag, value, className) {
    const el = document.createElement(tag);
    el.textContent = value == null ? "" : String(value); // visitors' text is never parsed as HTML
    if (className) el.className = className;
    return el;
  }

  const fullName = (item) => `${item.first_name || ""} ${item.last_name || ""}`.trim();
  const when = (iso) => new Date(iso).toLocaleString();
  const badge = (value) => text("span", value, `badge badge-${value}`);

  async function loadPage() {
    const query = new URLSearchParams({ limit: PAGE_SIZE });
    if (filter.value) query.set("status", filter.value);
    if (cursors[page]) query.set("cursor", cursors[page]);
    let body;
    try { body = await apiJson(`/submissions?${query}`); } catch (error) {
      if (error.message !== "signed out") say("error", error.message);
      return;
    }
    cursors[page + 1] = body.cursor;
    tbody.replaceChildren(...body.items.map(row));
    $("empty").hidden = body.items.length > 0;
    $("prev-page").disabled = page === 0;
    $("next-page").disabled = !body.cursor;
  }

  function row(item) {
    const tr = document.createElement("tr");
    tr.tabIndex = 0;
    const status = document.createElement("td");
    status.append(badge(item.status));
    tr.append(
      text("td", when(item.created_at)),
      text("td", fullName(item)),
      text("td", item.email),
      text("td", item.company),
      status,
      text("td", (item.message || "").split("\n")[0], "message"),
    );
    const open = () => openDetail(item.id);
    tr.addEventListener("click", open);
    tr.addEventListener("keydown", (event) => { if (event.key === "Enter") open(); });
    return tr;
  }

  const LABELS = [
    ["created_at", "Received"], ["status", "Status"], ["first_name", "First name"], ["last_name", "Last name"],
    ["email", "Email"], ["phone_number", "Phone number"], ["company", "Company"], ["job_title", "Job title"],
    ["subject", "Subject"], ["message", "Message"], ["id", "Reference"],
  ];

  // The fields a form sent beyond this site's own (extraFields: keep), by the names it used.
  function extraFields(item) {
    try { return Object.entries(JSON.parse(item.extra_fields || "{}")); } catch { return []; }
  }

  async function openDetail(id) {
    let body;
    try { body = await apiJson(`/submissions/${encodeURIComponent(id)}`); } catch (error) { say("error", error.message); return; }
    current = body.item;
    const fields = LABELS.filter(([key]) => current[key]).flatMap(([key, label]) => {
      const dd = document.createElement("dd");
      if (key === "email") {
        const link = text("a", current.email);
        link.href = `mailto:${encodeURIComponent(current.email).replace("%40", "@")}`;
        dd.append(link);
      } else {
        dd.textContent = key === "created_at" ? when(current[key]) : current[key];
      }
      return [text("dt", label), dd];
    });
    const extra = extraFields(current).flatMap(([name, value]) => [text("dt", name), text("dd", value)]);
    $("detail-fields").replaceChildren(...fields, ...extra);
    $("detail-title").textContent = `Enquiry from ${fullName(current)}`;
    for (const button of detail.querySelectorAll("[data-status]")) button.hidden = button.dataset.status === current.status;
    detail.hidden = false;
    detail.focus();
  }

  for (const button of detail.querySelectorAll("[data-status]")) {
    button.addEventListener("click", async () => {
      try {
        await apiJson(`/submissions/${encodeURIComponent(current.id)}`, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ status: button.dataset.status }),
        });
      } catch (error) { say("error", error.message); return; }
      say("ok", `Marked ${button.dataset.status}.`);
      detail.hidden = true;
      // The chart counts the inbox: only moving into or out of spam changes it.
      const inboxChanged = [current.status, button.dataset.status].includes("spam");
      await Promise.all([loadPage(), inboxChanged ? drawChart() : null]);
    });
  }

  $("delete-button").addEventListener("click", async () => {
    if (!window.confirm(`Delete the enquiry from ${fullName(current)}? This cannot be undone.`)) return;
    try { await apiJson(`/submissions/${encodeURIComponent(current.id)}`, { method: "DELETE" }); } catch (error) {
      say("error", error.message);
      return;
    }
    say("ok", "Deleted.");
    detail.hidden = true;
    await Promise.all([loadPage(), drawChart()]);
  });

  $("close-detail").addEventListener("click", () => { detail.hidden = true; });
  filter.addEventListener("change", () => { cursors = [null]; page = 0; loadPage(); });
  $("next-page").addEventListener("click", () => { page += 1; loadPage(); });
  $("prev-page").addEventListener("click", () => { page = Math.max(0, page - 1); loadPage(); });

  $("export-button").addEventListener("click", async () => {
    const query = filter.value ? `?status=${encodeURIComponent(filter.value)}` : "";
    let response;
    try { response = await api(`/submissions/export.csv${query}`); } catch { return; }
    if (!response.ok) { say("error", `Export failed (${response.status}).`); return; }
    const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = name ? name[1] : "submissions.csv";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });

  // Enquiries per day for the last 30 days, from the inbox pages that reach back that far.
  async function drawChart() {
    const days = 30;
    const start = new Date();
    start.setUTCHours(0, 0, 0, 0);
    start.setUTCDate(start.getUTCDate() - (days - 1));
    const counts = new Array(days).fill(0);
    let cursor = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const query = new URLSearchParams({ limit: config.maxPageSize });
      if (cursor) query.set("cursor", cursor);
      let body;
      try { body = await apiJson(`/submissions?${query}`); } catch { return; }
      let older = false;
      for (const item of body.items) {
        const day = Math.floor((new Date(item.created_at) - start) / 86400000);
        if (day < 0) { older = true; break; }
        if (day < days) counts[day] += 1;
      }
      cursor = body.cursor;
      if (older || !cursor) break;
    }
    const svg = $("chart");
    const max = Math.max(1, ...counts);
    const width = 300 / days;
    const bars = counts.map((count, i) => {
      const bar = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      const height = (count / max) * 76;
      bar.setAttribute("x", String(i * width + 1));
      bar.setAttribute("y", String(80 - height));
      bar.setAttribute("width", String(width - 2));
      bar.setAttribute("height", String(height));
      const day = new Date(start.getTime() + i * 86400000).toISOString().slice(0, 10);
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `${day}: ${count}`;
      bar.append(title);
      bar.dataset.count = String(count);
      return bar;
    });
    svg.replaceChildren(...bars);
    $("chart-caption").textContent = `Enquiries per day, last 30 days (${counts.reduce((a, b) => a + b, 0)} in all)`;
  }

  if (!config || !config.clientId) {
    say("error", "This site has no sign-in configured (config.js lacks the Cognito client).");
  } else if (storedTokens()) {
    openInbox();
  } else {
    show("signin");
  }
})();
