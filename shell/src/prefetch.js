// When to prefetch micro-frontends (docs/decisions/0010-shipping-one-mfe.md): when the shopper
// points at or focuses an in-app link (the shell's header and MFEs' own links alike: one
// listener on the document), and once, when the browser is first idle after the first page
// is shown, for the header's links. Which MFEs a path needs is the shell's (Rust) decision,
// the same one navigation makes; fetching and compiling is loader.js's.
//
// `?prefetch=off` turns prefetching off for the page's lifetime, `?prefetch=intent` keeps only
// the link triggers (no idle prefetch); a browser asking to save data gets none.

const PREFETCH_EVENT = "mercado-prefetch";
let mode = "off";
let lastPath = null;
let idleScheduled = false;

// The in-app path a link leads to, or null: the rule router.rs applies to clicks (same
// origin, not an API or asset path, no target, not a download).
function routedPath(anchor) {
  if (!anchor || anchor.origin !== location.origin || anchor.target || anchor.hasAttribute("download")) return null;
  const path = anchor.pathname;
  return path.startsWith("/api/") || path.startsWith("/mfe/") ? null : path;
}

// Asks the shell (prefetch.rs) to prefetch what `path` needs.
function prefetchPath(path, lowPriority) {
  dispatchEvent(new CustomEvent(PREFETCH_EVENT, { detail: { path, lowPriority } }));
}

function onIntent(event) {
  const path = routedPath(event.target.closest?.("a[href]"));
  // Moving within one link (its image, its title) asks once.
  if (path === lastPath) return;
  lastPath = path;
  if (path) prefetchPath(path, false);
}

// Installs the link triggers. `pointerover` rather than `pointerenter`, which does not bubble
// to a listener on the document; it comes for mouse, pen and touch (there just before the tap).
export function startPrefetch() {
  const asked = new URL(location.href).searchParams.get("prefetch");
  mode = navigator.connection?.saveData ? "off" : asked === "off" || asked === "intent" ? asked : "on";
  if (mode === "off") return;
  document.addEventListener("pointerover", onIntent, { passive: true });
  document.addEventListener("focusin", onIntent);
}

// Called after each navigation's slots are settled; acts on the first only: at the next idle
// time, prefetches the MFEs behind the header's links, at low network priority.
export function prefetchWhenIdle() {
  if (mode !== "on" || idleScheduled) return;
  idleScheduled = true;
  const run = () => {
    const links = document.querySelectorAll("header.site-header a[href]");
    for (const path of new Set([...links].map(routedPath).filter(Boolean))) prefetchPath(path, true);
  };
  if ("requestIdleCallback" in window) requestIdleCallback(run);
  else setTimeout(run, 200);
}
