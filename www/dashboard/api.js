// The site's API with the owner's token, and one retry after a refresh when the gateway says it is no longer good.

import { accessToken } from "./session.js";

const config = window.CTD_CONFIG;
let whenRefused = () => {};

// What the page does when even a refreshed token is refused: set once by main.js.
export function onTokenRefused(handler) { whenRefused = handler; }

export async function api(path, options = {}) {
  for (const force of [false, true]) {
    const token = await accessToken(force);
    if (!token) throw new Error("signed out");
    const response = await fetch(`${config.apiBase}${path}`, {
      ...options,
      headers: { ...(options.headers || {}), authorization: `Bearer ${token}` },
    });
    if (response.status !== 401) return response;
  }
  whenRefused("Your session ended: please sign in again.");
  throw new Error("signed out");
}

export async function apiJson(path, options) {
  const response = await api(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((body.error && body.error.message) || `request failed (${response.status})`);
  return body;
}
