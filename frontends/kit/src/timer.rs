//! Waiting in the browser without blocking it: a sleep on `setTimeout`, for polling.

/// Resolves after `ms` milliseconds (for polling; the caller stops when its MFE unmounts).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
