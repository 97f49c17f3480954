// Signing in: the password, the first sign-in's new password (with the pool's rules), and two-step codes.
// Cognito answers each step with tokens or with the next challenge; each challenge has its form.

import { $, say } from "./dom.js";
import { cognito, keepTokens } from "./session.js";

const config = window.CTD_CONFIG;
let challenge = null; // { username, name, session } while Cognito asks for another step

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

// Cognito's refusals in this site's words: what happened and what to do next.
function explain(error, isPasswordStep, restart) {
  switch (error.code) {
    case "NotAuthorizedException":
    case "UserNotFoundException":
      if (isPasswordStep) return "Wrong email or password.";
      restart();
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
    default:
      return error instanceof TypeError
        ? "The sign-in service cannot be reached: check your connection and try again."
        : `Sign-in failed: ${error.message}`;
  }
}

// A refusal found on the page, before any call: its words are shown as they are.
function refuse(message, focus) {
  const error = new Error(message);
  error.code = "local";
  error.focus = focus;
  return error;
}

// The key as a QR code, drawn here: the library (www/vendor/, pinned by vendor/package-lock.json) loads only on
// this step, and the key never leaves the page.
async function drawQrCode(uri) {
  const { encode } = await import("/vendor/uqr.js");
  const { size, data } = encode(uri, { border: 4 }); // the quiet zone the QR standard asks for
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "QR code of the key, for an authenticator app");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  const dark = [];
  data.forEach((row, y) => row.forEach((on, x) => { if (on) dark.push(`M${x} ${y}h1v1h-1z`); }));
  path.setAttribute("d", dark.join(""));
  svg.append(path);
  $("mfa-qr").replaceChildren(svg);
}

// `show(view)` switches the page's view; `signedIn()` opens the inbox once tokens are kept.
export function setUpSignIn(show, signedIn) {
  const signinForm = $("signin-form");
  const newPasswordForm = $("new-password-form");
  newPasswordForm.noValidate = true; // the page's own messages name each missing rule

  $("new-password").addEventListener("input", (event) => {
    const unmet = new Set(unmetRules(event.target.value));
    for (const li of ruleItems()) li.classList.toggle("met", !unmet.has(li));
  });

  async function advance(data) {
    if (data.AuthenticationResult) {
      keepTokens(data.AuthenticationResult, undefined, challenge.username);
      challenge = null;
      await signedIn();
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
      const uri = `otpauth://totp/${label}?secret=${setup.SecretCode}&issuer=Connecting%20The%20Dots`;
      $("mfa-uri").textContent = uri;
      await drawQrCode(uri);
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

  // Runs one sign-in step; on failure says why and puts focus back where the person can act.
  function step(form, focusId, work) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await work();
        form.reset();
      } catch (error) {
        const message = error.code === "local" ? error.message : explain(error, form === signinForm, () => show("signin"));
        say("error", message);
        (form.hidden ? $("signin-email") : $(error.focus || focusId)).focus();
      }
    });
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
}
