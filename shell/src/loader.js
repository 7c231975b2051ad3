// Loads and drives micro-frontends for the shell (see docs/decisions/0001-mfe-runtime.md).
//
// The glue is fetched with its SRI hash and imported from a Blob URL: import() cannot check
// integrity itself, and a fresh Blob URL also guarantees a fresh module instance on retry.
//
// Prefetch (docs/decisions/0010-shipping-one-mfe.md): `prefetchMfe` fetches a build's glue
// text and compiles (never instantiates) its wasm ahead of a navigation; the next `loadMfe`
// of that build takes both instead of downloading them. What it keeps can be shared safely:
// source text and a `WebAssembly.Module` hold no state, every load still imports a fresh
// glue module and makes a fresh instance from them.

// How long each module took to fetch and instantiate, for the devtools panel.
const loadTimings = new WeakMap();
globalThis.__mercadoSlotTimings = {};

// Prefetched builds: build → promise of { source, module, jsIntegrity, wasmIntegrity }, or
// of null when the prefetch failed (then it is forgotten, and the real load reports errors).
// A load takes its entry out, so a build that crashed and was evicted is fetched again.
const prefetched = new Map();
// Builds prefetched from a manifest that was replaced before the shopper went there are never
// taken: keep only the newest few.
const MAX_PREFETCHED = 6;
// Where each prefetch stands ("pending", "ready", "failed", "used"), for devtools and tests.
globalThis.__mercadoPrefetch = {};

async function fetchText(url, integrity, init) {
  const response = await fetch(new URL(url, document.baseURI), { ...init, integrity });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

// Starts fetching and compiling a build unless it is already prefetched. An entry without
// integrity (a development override: its files change as the developer works) is not.
export function prefetchMfe(build, jsUrl, jsIntegrity, wasmUrl, wasmIntegrity, lowPriority) {
  if (!jsIntegrity || !wasmIntegrity || prefetched.has(build)) return;
  const init = lowPriority ? { priority: "low" } : {};
  const wasm = fetch(new URL(wasmUrl, document.baseURI), { ...init, integrity: wasmIntegrity });
  const work = Promise.all([fetchText(jsUrl, jsIntegrity, init), WebAssembly.compileStreaming(wasm)]).then(
    ([source, module]) => {
      globalThis.__mercadoPrefetch[build] = "ready";
      return { source, module, jsIntegrity, wasmIntegrity };
    },
    () => {
      if (prefetched.get(build) === work) prefetched.delete(build);
      globalThis.__mercadoPrefetch[build] = "failed";
      return null;
    },
  );
  globalThis.__mercadoPrefetch[build] = "pending";
  prefetched.set(build, work);
  if (prefetched.size > MAX_PREFETCHED) prefetched.delete(prefetched.keys().next().value);
}

// The prefetched glue text and compiled module of `build` (waiting for a prefetch still under
// way), or null. Only for the same files: the integrity hashes name them.
async function takePrefetched(build, jsIntegrity, wasmIntegrity) {
  const pending = prefetched.get(build);
  if (!pending) return null;
  prefetched.delete(build);
  const ready = await pending;
  if (!ready || ready.jsIntegrity !== jsIntegrity || ready.wasmIntegrity !== wasmIntegrity) return null;
  globalThis.__mercadoPrefetch[build] = "used";
  return ready;
}

export async function loadMfe(build, jsUrl, jsIntegrity, wasmUrl, wasmIntegrity) {
  const started = performance.now();
  const ready = await takePrefetched(build, jsIntegrity, wasmIntegrity);
  const source = ready ? ready.source : await fetchText(jsUrl, jsIntegrity);
  const blobUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  let module;
  try {
    module = await import(blobUrl);
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
  let wasm = ready?.module;
  if (!wasm) {
    wasm = await fetch(new URL(wasmUrl, document.baseURI), { integrity: wasmIntegrity });
    if (!wasm.ok) throw new Error(`${wasmUrl}: HTTP ${wasm.status}`);
  }
  const fetched = performance.now();
  // A compiled WebAssembly.Module or a Response: wasm-bindgen's init takes either.
  await module.default({ module_or_path: wasm });
  if (typeof module.mount !== "function") throw new Error(`${jsUrl} does not export mount()`);
  loadTimings.set(module, { fetch: fetched - started, instantiate: performance.now() - fetched, prefetched: !!ready });
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
