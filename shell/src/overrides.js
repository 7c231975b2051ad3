// Development overrides of single MFEs, as single-spa's import-map-overrides does for import
// maps (docs/decisions/0010-shipping-one-mfe.md): `?mfe-override=catalog=http://127.0.0.1:8091`
// runs the catalog from that `trunk serve` (its Trunk.toml keeps file names unhashed and lets
// this origin read them), kept in localStorage across reloads, shown in a banner with a
// one-click reset. Only honoured when the gateway allows it (manifest header).

const KEY = "mercado:mfe-overrides";
const PARAM = "mfe-override";
const BANNER = "mfe-override-banner";

function stored() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "{}");
  } catch {
    return {};
  }
}

// Reads `?mfe-override=name=url[,name=url…]` (or `=reset`) into the stored overrides.
function takeFromUrl() {
  const values = new URL(location.href).searchParams.getAll(PARAM);
  if (!values.length) return;
  let overrides = stored();
  for (const part of values.flatMap((v) => v.split(","))) {
    if (part === "reset") {
      overrides = {};
      continue;
    }
    const at = part.indexOf("=");
    if (at < 1) continue;
    try {
      const base = new URL(part.slice(at + 1));
      if (base.protocol === "http:" || base.protocol === "https:") {
        overrides[part.slice(0, at)] = base.href.replace(/\/$/, "");
      }
    } catch {
      console.warn(`ignoring ${PARAM} ${part}: not a URL`);
    }
  }
  localStorage.setItem(KEY, JSON.stringify(overrides));
}

function reset() {
  localStorage.removeItem(KEY);
  const url = new URL(location.href);
  url.searchParams.delete(PARAM);
  location.replace(url.href);
}

function showBanner(active) {
  document.getElementById(BANNER)?.remove();
  if (!active.length) return;
  const banner = document.createElement("div");
  banner.id = BANNER;
  banner.setAttribute("role", "status");
  banner.style.cssText =
    "position:fixed;left:0;right:0;bottom:0;z-index:1000;display:flex;gap:1rem;align-items:center;" +
    "padding:.5rem 1rem;background:#ffd54a;color:#111;font:14px system-ui,sans-serif";
  const text = document.createElement("span");
  text.textContent = "Development override: " + active.map(([name, base]) => `${name} from ${base}`).join(", ");
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Reset overrides";
  button.addEventListener("click", reset);
  banner.append(text, button);
  document.body.append(banner);
}

// The glue and wasm URLs of the build a `trunk serve` at `base` serves: its page imports the
// glue (`import init … from '/<package>.js'`), and wasm-bindgen names the module beside it.
async function localBuild(base) {
  const page = await fetch(`${base}/`, { cache: "no-store" });
  const found = /from\s+'([^']+\.js)'/.exec(await page.text());
  if (!found) throw new Error(`${base} serves no wasm-bindgen page`);
  const js = new URL(found[1], `${base}/`).href;
  return { js, wasm: js.replace(/\.js$/, "_bg.wasm") };
}

// Returns the manifest text with overridden entries pointing at their local builds.
export async function applyOverrides(text, allowed) {
  takeFromUrl();
  const overrides = stored();
  if (!Object.keys(overrides).length || !allowed) {
    if (!allowed && Object.keys(overrides).length) {
      console.warn("MFE overrides are not enabled on this storefront; ignoring them");
    }
    showBanner([]);
    return text;
  }
  const manifest = JSON.parse(text);
  const active = [];
  for (const entry of manifest.mfes) {
    const base = overrides[entry.name];
    if (!base) continue;
    try {
      Object.assign(entry, await localBuild(base));
    } catch (error) {
      // Loading the entry as given then fails visibly in its slot, naming the dev server.
      console.error(`MFE override ${entry.name} from ${base}: ${error}`);
      entry.js = `${base}/`;
    }
    // A local build changes as the developer works: no integrity to check it against.
    entry.integrity = { js: "", wasm: "" };
    entry.build = `override:${base}`;
    active.push([entry.name, base]);
  }
  showBanner(active);
  return JSON.stringify(manifest);
}
