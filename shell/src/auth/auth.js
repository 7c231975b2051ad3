// The shell's session (see docs/decisions/0004-identity-and-auth.md).
//
// The access token lives only in this module's memory: never in storage, never handed to an
// MFE. The refresh token is an HttpOnly cookie scripts cannot read; the browser sends it to
// the session endpoints only. One refresh runs at a time; everyone waiting shares it.

const SESSIONS = "/api/identity/sessions";

let token = null;
let timer = 0;
let refreshing = null;
let listener = () => {};

/** Registers the shell's callback: called with the user on every grant, null on sign-out. */
export function onSessionChange(callback) {
  listener = callback;
}

function accept(grant) {
  token = grant.accessToken;
  clearTimeout(timer);
  // Refresh ahead of expiry: a minute early, or at 80 % of a short lifetime.
  const lifetime = grant.expiresIn * 1000;
  timer = setTimeout(refreshSession, Math.max(1000, Math.min(lifetime - 60000, lifetime * 0.8)));
  listener(grant.user);
}

function end() {
  token = null;
  clearTimeout(timer);
  listener(null);
}

/** Trades the refresh cookie for a new access token; resolves to whether it worked. */
export function refreshSession() {
  if (!refreshing) {
    refreshing = fetch(`${SESSIONS}/refresh`, { method: "POST", credentials: "same-origin" })
      .then(async (response) => {
        if (response.ok) {
          accept(await response.json());
          return true;
        }
        end();
        return false;
      })
      // Offline: keep the current state and let the next call try again.
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

/** POSTs a sign-in or registration; a success starts the session. */
export async function submitCredentials(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const text = await response.text();
  if (response.ok) accept(JSON.parse(text));
  return { status: response.status, body: text, retryAfter: response.headers.get("Retry-After") };
}

/** Ends the session on the server (revoking the refresh token) and here. */
export async function signOut() {
  try {
    await fetch(`${SESSIONS}/current`, { method: "DELETE", credentials: "same-origin" });
  } finally {
    end();
  }
}

/** A W3C `traceparent` that starts a trace for one call (the gateway and services continue it). */
function newTraceparent() {
  const hex = (n) =>
    Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `00-${hex(16)}-${hex(8)}-01`;
}

/**
 * The `authFetch` given to MFEs: adds the token and a `traceparent` (one trace per call, kept
 * across the retry), and on a 401 refreshes once and retries.
 */
export function authFetchFor(apiBase) {
  return async (path, init = {}) => {
    const traceparent = new Headers(init.headers).get("traceparent") ?? newTraceparent();
    const send = () => {
      const headers = new Headers(init.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      headers.set("traceparent", traceparent);
      return fetch(apiBase + path, { ...init, headers });
    };
    const response = await send();
    if (response.status !== 401 || !(await refreshSession())) return response;
    return send();
  };
}

/**
 * Follows the server-sent event stream at `url` with the session's token, calling
 * `onEvent(name, data)` for each event, and reconnecting (after a refresh if the token ran out)
 * until the returned function is called. Plain `EventSource` cannot send the token.
 */
export function followEvents(url, onEvent) {
  const control = new AbortController();
  const send = authFetchFor("");
  (async () => {
    let delay = 1000;
    while (!control.signal.aborted && token) {
      try {
        const response = await send(url, {
          headers: { Accept: "text/event-stream" },
          signal: control.signal,
        });
        if (response.ok && response.body) {
          delay = 1000;
          await readEvents(response.body, onEvent);
        }
      } catch {
        // Offline or aborted: the loop decides.
      }
      if (control.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30000);
    }
  })();
  return () => control.abort();
}

/** Splits an event stream into events (the text/event-stream format, `event:` and `data:`). */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, data.join("\n"));
    }
  }
}
