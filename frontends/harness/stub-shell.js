// The stub shell every MFE's standalone page (`trunk serve` in frontends/<name>) runs in: the
// mount context with an `authFetch`, link clicks and `storefront:navigate` routed as the real
// shell routes them, an event log, Mount/Unmount buttons and, where the MFE needs a user, a
// sign-in bar. Nothing here runs in production; the real shell does the same through the
// contracts' mount ABI.
//
// Each index.html copies this file into its dist (`rel="copy-file"`) and calls
// `startHarness({...})` from an inline module script; see the options below.

const byId = (id) => document.getElementById(id);

/** The `storefront:*` events (names from contracts/src/events.rs) the log shows. */
const LOGGED_EVENTS = [
  "add-to-cart", "cart-changed", "auth-changed", "auth-required", "navigate", "toast",
  "order-updated", "page-shown", "review-posted", "mfe-crashed",
];

/**
 * Starts the stub shell.
 * @param {object} options
 * @param {string} options.slot - the slot name passed in the context ("main", "secondary").
 * @param {"remount"|"event"} [options.signIn] - show a sign-in bar; after signing in, remount
 *   the MFE with the user ("remount") or only announce `storefront:auth-changed` ("event").
 * @returns {{ mount: () => void, unmount: () => void }} to remount after a change the MFE
 *   cannot hear about (e.g. the cart harness's "Add product 1").
 */
export function startHarness({ slot, signIn }) {
  const root = byId("mfe-root");
  const log = (line) => {
    const el = byId("events");
    el.textContent = `${line}\n${el.textContent}`;
  };
  // The stub holds the access token the way the shell does: in memory, added by authFetch.
  let token = null;
  const context = {
    basePath: "",
    apiBase: "/api",
    user: null,
    slot,
    authFetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      return fetch(`/api${path}`, { ...init, headers });
    },
  };

  let handle = null;
  const status = (text) => (byId("status").textContent = text);
  const mount = () => {
    if (handle) return;
    const host = document.createElement("div");
    root.append(host);
    handle = window.wasmBindings.mount(host, context);
    status("mounted");
  };
  const unmount = () => {
    if (!handle) return;
    handle.unmount();
    handle = null;
    root.replaceChildren();
    status(`unmounted (nodes left in root: ${root.childNodes.length})`);
  };

  if (signIn) addSignInBar(async (email, password) => {
    const body = JSON.stringify({ email, password });
    const response = await fetch("/api/identity/sessions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
    });
    if (!response.ok) return log(`sign-in failed: HTTP ${response.status}`);
    const grant = await response.json();
    token = grant.accessToken;
    context.user = { id: grant.user.id, name: grant.user.name };
    if (signIn === "remount") {
      unmount();
      mount();
    }
    // With "event" the MFE stays mounted and follows the event, as it does in the shell when
    // the shopper signs in or out in another part of the page.
    dispatchEvent(new CustomEvent("storefront:auth-changed", { detail: { user: context.user } }));
  });

  const navigate = (to) => {
    if (location.pathname + location.search !== to) history.pushState(null, "", to);
    dispatchEvent(new PopStateEvent("popstate"));
  };
  document.addEventListener("click", (event) => {
    const a = event.target.closest && event.target.closest("a[href]");
    if (!a || a.origin !== location.origin || a.target || event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(a.pathname + a.search);
  });
  for (const name of LOGGED_EVENTS) {
    addEventListener(`storefront:${name}`, (e) => log(`storefront:${name} ${JSON.stringify(e.detail)}`));
  }
  addEventListener("storefront:navigate", (e) => navigate(e.detail.to));

  byId("mount").onclick = mount;
  byId("unmount").onclick = unmount;
  if (window.wasmBindings) mount();
  else addEventListener("TrunkApplicationStarted", mount, { once: true });
  return { mount, unmount };
}

/** Email, password and "Sign in", put before the Mount button; calls `onSignIn(email, password)`. */
function addSignInBar(onSignIn) {
  const email = Object.assign(document.createElement("input"), { id: "email", placeholder: "email", size: 18 });
  const password = Object.assign(document.createElement("input"), {
    id: "password", type: "password", placeholder: "password", size: 12,
  });
  const button = Object.assign(document.createElement("button"), { id: "sign-in", textContent: "Sign in" });
  button.onclick = () => onSignIn(email.value, password.value);
  byId("mount").before(email, password, button);
}
