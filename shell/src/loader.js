// Loads and drives micro-frontends for the shell (see docs/decisions/0001-mfe-runtime.md).
//
// The glue is fetched with its SRI hash and imported from a Blob URL: import() cannot check
// integrity itself, and a fresh Blob URL also guarantees a fresh module instance on retry.

export async function loadMfe(jsUrl, jsIntegrity, wasmUrl, wasmIntegrity) {
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
  await module.default({ module_or_path: wasmResponse });
  if (typeof module.mount !== "function") throw new Error(`${jsUrl} does not export mount()`);
  return module;
}

export function mountMfe(module, element, context) {
  const handle = module.mount(element, context);
  if (!handle || typeof handle.unmount !== "function") throw new Error("mount() returned no handle");
  return handle;
}

export function unmountMfe(handle) {
  handle.unmount();
}

export function makeContext(basePath, apiBase, slot, user, authFetch) {
  return { basePath, apiBase, user, slot, authFetch };
}
