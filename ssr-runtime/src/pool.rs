use std::cell::RefCell;

use crate::{Bundle, RenderOutput, Renderer, SsrError};

thread_local! {
    static RENDERER: RefCell<Option<Renderer>> = const { RefCell::new(None) };
}

/// Renders on this thread's renderer, creating it on first use and recreating it when
/// `bundle` is not the bundle it loaded.
///
/// Every thread that renders (each actix worker) owns one runtime: no locks on the hot path.
/// If loading the bundle fails, the error is returned and the next call tries again.
pub fn render(bundle: &Bundle, request_json: &str) -> Result<RenderOutput, SsrError> {
    RENDERER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|renderer| renderer.bundle_id() != bundle.id()) {
            *slot = None;
            *slot = Some(Renderer::new(bundle)?);
        }
        let renderer = slot.as_mut().expect("renderer was just created");
        renderer.render(request_json)
    })
}
