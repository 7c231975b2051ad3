// The devtools panel (docs/decisions/0010-shipping-one-mfe.md): `?devtools` or Alt+Shift+D
// opens an overlay listing each slot's MFE, version, build, status, failures and load timings,
// the last storefront:* events, and Unmount / Remount buttons. It reads only what the page
// already shows (the slots' data attributes, the loader's timings, window events) and asks the
// shell for changes with a `mercado-devtools:slot` event, so it costs nothing while closed.
// A load that used a prefetched module says "(prefetched)"; its fetch time is then only what
// was left of the prefetch when the navigation came.

// The storefront:* event names, from contracts/src/events.rs (JS cannot import Rust).
const EVENTS = [
  "add-to-cart", "cart-changed", "auth-changed", "auth-required", "navigate", "toast",
  "order-updated", "page-shown", "review-posted", "mfe-crashed",
];
const KEPT_EVENTS = 12;
const PANEL = "mercado-devtools";
export const SLOT_ACTION_EVENT = "mercado-devtools:slot";

const recent = [];
let panel = null;

function ms(value) {
  return value === undefined ? "–" : `${value.toFixed(1)} ms`;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text ?? "–";
  row.append(td);
  return td;
}

function slotButton(td, label, slot, action) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.dataset.action = action;
  button.addEventListener("click", () =>
    dispatchEvent(new CustomEvent(SLOT_ACTION_EVENT, { detail: { slot, action } })));
  td.append(button);
}

function render() {
  if (!panel) return;
  const rows = [...document.querySelectorAll("section.slot")].map((section) => {
    const d = section.dataset;
    const t = globalThis.__mercadoSlotTimings?.[d.slot] ?? {};
    const row = document.createElement("tr");
    row.dataset.slot = d.slot;
    [d.slot, d.mfe, d.mfeVersion, d.mfeBuild, d.state, d.failures].forEach((v) => cell(row, v));
    const how = t.cached ? " (cached module)" : t.prefetched ? " (prefetched)" : "";
    cell(row, `${ms(t.fetch)} / ${ms(t.instantiate)} / ${ms(t.mount)}${how}`);
    const actions = cell(row, "");
    slotButton(actions, "Remount", d.slot, "remount");
    slotButton(actions, "Unmount", d.slot, "unmount");
    return row;
  });
  const table = panel.querySelector("tbody");
  table.replaceChildren(...rows);
  const log = panel.querySelector("ol");
  log.replaceChildren(...recent.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
}

function open() {
  if (panel) return;
  panel = document.createElement("aside");
  panel.id = PANEL;
  panel.setAttribute("aria-label", "Micro-frontend devtools");
  panel.style.cssText =
    "position:fixed;top:0;right:0;z-index:1001;max-width:min(56rem,100vw);max-height:70vh;overflow:auto;" +
    "background:#111;color:#eee;font:12px ui-monospace,monospace;padding:.75rem;box-shadow:0 0 1rem #0008";
  panel.innerHTML =
    "<strong>Micro-frontends</strong> <button type=button data-action=close>Close</button>" +
    "<table><thead><tr><th>slot</th><th>MFE</th><th>version</th><th>build</th><th>status</th>" +
    "<th>failures</th><th>fetch / instantiate / mount</th><th></th></tr></thead><tbody></tbody></table>" +
    "<strong>Last events</strong><ol></ol>";
  panel.querySelector("[data-action=close]").addEventListener("click", close);
  document.body.append(panel);
  render();
}

function close() {
  panel?.remove();
  panel = null;
}

export function startDevtools() {
  for (const name of EVENTS) {
    addEventListener(`storefront:${name}`, (event) => {
      recent.unshift(`${new Date().toISOString().slice(11, 23)} storefront:${name} ${JSON.stringify(event.detail)}`);
      recent.length = Math.min(recent.length, KEPT_EVENTS);
      render();
    });
  }
  addEventListener("keydown", (event) => {
    if (event.altKey && event.shiftKey && event.code === "KeyD") panel ? close() : open();
  });
  new MutationObserver(render).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-state", "data-mfe-build", "data-failures"] });
  if (new URL(location.href).searchParams.has("devtools")) open();
}
