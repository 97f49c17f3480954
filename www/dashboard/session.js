// The owner's Cognito session: the calls the page makes (as the AWS SDK would: JSON over POST) and the
// tokens it keeps in this tab only (sessionStorage).

const config = window.CTD_CONFIG;
const TOKENS = "ctd.tokens";
let whenEnded = () => {};

// What the page does when the session ends on its own (a refresh refused): set once by main.js.
export function onSessionEnded(handler) { whenEnded = handler; }

export async function cognito(action, body) {
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

export function keepTokens(result, refreshToken, username) {
  const tokens = {
    access: result.AccessToken,
    refresh: result.RefreshToken || refreshToken,
    expiresAt: Date.now() + (result.ExpiresIn || 3600) * 1000,
    username, // shown as "Signed in as"; the page never decodes tokens
  };
  sessionStorage.setItem(TOKENS, JSON.stringify(tokens));
  return tokens;
}

export function storedTokens() {
  try { return JSON.parse(sessionStorage.getItem(TOKENS)); } catch { return null; }
}

export function forgetTokens() { sessionStorage.removeItem(TOKENS); }

async function refreshTokens(tokens) {
  const data = await cognito("InitiateAuth", {
    AuthFlow: "REFRESH_TOKEN_AUTH",
    ClientId: config.clientId,
    AuthParameters: { REFRESH_TOKEN: tokens.refresh },
  });
  return keepTokens(data.AuthenticationResult, tokens.refresh, tokens.username);
}

// A valid access token, renewed a minute before it expires; null when signed out.
export async function accessToken(forceRefresh = false) {
  let tokens = storedTokens();
  if (!tokens) return null;
  if (forceRefresh || tokens.expiresAt - Date.now() < 60000) {
    try { tokens = await refreshTokens(tokens); } catch { whenEnded("Your session ended: please sign in again."); return null; }
  }
  return tokens.access;
}

// The button, unlike an ended session, also signs out at Cognito: the refresh token in this tab (or a copy
// of it) can then mint no more access tokens. Forgotten here even if Cognito cannot be reached.
export async function signOutEverywhere() {
  const token = await accessToken();
  if (token) await cognito("GlobalSignOut", { AccessToken: token }).catch(() => {});
  forgetTokens();
}
