// Loads and drives micro-frontends for the shell (see docs/decisions/0001-mfe-runtime.md).
//
// The glue is fetched with its SRI hash and imported from a Blob URL: import() cannot check
// integrity itself, and a fresh Blob URL also guarantees a fresh module instance on retry.

// How long each module took to fetch and instantiate, for the devtools panel.
const loadTimings = new WeakMap();
globalThis.__mercadoSlotTimings = {};

export async function loadMfe(jsUrl, jsIntegrity, wasmUrl, wasmIntegrity) {
  const started = performance.now();
  const base = document.baseURI;
  const jsResponse = await fetch(new URL(jsUrl, base), { integrity: jsIntegrity });
  if (!jsResponse.ok) throw new Error(`${jsUrl}: HTTP ${jsResponse.status}`);
  const source = await jsResponse.text();
  const blobUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  let module;
  try {
    module = await import(blobUrl);
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
  const wasmResponse = await fetch(new URL(wasmUrl, base), { integrity: wasmIntegrity });
  if (!wasmResponse.ok) throw new Error(`${wasmUrl}: HTTP ${wasmResponse.status}`);
  const fetched = performance.now();
  await module.default({ module_or_path: wasmResponse });
  if (typeof module.mount !== "function") throw new Error(`${jsUrl} does not export mount()`);
  loadTimings.set(module, { fetch: fetched - started, instantiate: performance.now() - fetched });
  return module;
}

export function mountMfe(module, element, context) {
  const started = performance.now();
  const handle = module.mount(element, context);
  if (!handle || typeof handle.unmount !== "function") throw new Error("mount() returned no handle");
  const load = loadTimings.get(module);
  globalThis.__mercadoSlotTimings[context.slot] = { ...load, mount: performance.now() - started, cached: load?.used };
  if (load) load.used = true;
  return handle;
}

export function unmountMfe(handle) {
  handle.unmount();
}

export function makeContext(basePath, apiBase, slot, user, authFetch) {
  return { basePath, apiBase, user, slot, authFetch };
}
