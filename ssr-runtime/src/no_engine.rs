//! The renderer of a build without a JavaScript engine: loading any bundle fails with
//! [`SsrError::NoEngine`].

use crate::{Bundle, RenderOutput, SsrError};

/// A renderer; without an engine none can be created.
#[derive(Debug)]
pub struct Renderer {
    bundle_id: u64,
}

impl Renderer {
    /// Always fails with [`SsrError::NoEngine`].
    pub fn new(_bundle: &Bundle) -> Result<Self, SsrError> {
        Err(SsrError::NoEngine)
    }

    /// The id of the bundle this renderer loaded.
    pub fn bundle_id(&self) -> u64 {
        self.bundle_id
    }

    /// Never: no renderer exists.
    pub fn is_spent(&self) -> bool {
        false
    }

    /// Always fails with [`SsrError::NoEngine`].
    pub fn render(&mut self, _request_json: &str) -> Result<RenderOutput, SsrError> {
        Err(SsrError::NoEngine)
    }
}
