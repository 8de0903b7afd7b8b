use std::cell::RefCell;
use std::mem::ManuallyDrop;

use crate::{Bundle, RenderOutput, Renderer, SsrError};

thread_local! {
    // `ManuallyDrop`: a runtime must not be dropped by the thread-local destructor, because
    // the engine's own thread-locals may already be gone by then (QuickJS aborts the process).
    // A thread's runtime therefore lives until the thread ends; replacing it (a new bundle)
    // drops the old one normally.
    static RENDERER: RefCell<Option<ManuallyDrop<Renderer>>> = const { RefCell::new(None) };
}

/// Renders on this thread's renderer, creating it on first use and recreating it when
/// `bundle` is not the bundle it loaded.
///
/// Every thread that renders (each actix worker) owns one runtime: no locks on the hot path.
/// If loading the bundle fails, the error is returned and the next call tries again.
pub fn render(bundle: &Bundle, request_json: &str) -> Result<RenderOutput, SsrError> {
    RENDERER.with(|cell| {
        let mut slot = cell.borrow_mut();
        // A new bundle, or a runtime spent by a render that hit the heap limit: start afresh.
        if slot.as_ref().is_none_or(|renderer| renderer.bundle_id() != bundle.id() || renderer.is_spent()) {
            if let Some(old) = slot.take() {
                drop(ManuallyDrop::into_inner(old));
            }
            *slot = Some(ManuallyDrop::new(Renderer::new(bundle)?));
        }
        let renderer = slot.as_mut().expect("renderer was just created");
        renderer.render(request_json)
    })
}
