/// Why a bundle could not be loaded or a page could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum SsrError {
    /// Evaluating the server bundle failed (syntax error, exception at load time).
    #[error("loading the server bundle `{bundle}` failed: {message}")]
    Load {
        /// The bundle's name.
        bundle: String,
        /// The JavaScript error.
        message: String,
    },
    /// The bundle does not define `globalThis.__mizanRender`.
    #[error(
        "the server bundle `{0}` does not install `__mizanRender`; call `installRenderer` from `@mizan/react/server`"
    )]
    MissingEntry(String),
    /// The render threw.
    #[error("rendering failed: {0}")]
    Render(String),
    /// The render ran past its time budget and was terminated; the runtime stays usable.
    #[error("the render ran longer than its {0:?} budget and was stopped")]
    Timeout(std::time::Duration),
    /// The render needed more than the heap limit and was stopped; its runtime is replaced.
    #[error("the render exceeded the {0}-byte heap limit and was stopped")]
    HeapLimit(usize),
    /// The crate was built without a JavaScript engine.
    #[error("server-side rendering is unavailable: built without a JavaScript engine (enable the `quickjs` or `v8` feature)")]
    NoEngine,
    /// The render returned something that is not a render output.
    #[error("the renderer returned an invalid result: {0}")]
    InvalidOutput(String),
}
