use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A server bundle: the JavaScript source the renderer evaluates once per runtime.
///
/// Cloning is cheap. Each bundle gets a process-unique id, so a thread's cached renderer is
/// rebuilt when it is handed a different bundle (e.g. after the file changed in dev mode).
#[derive(Clone, Debug)]
pub struct Bundle {
    id: u64,
    name: Arc<str>,
    source: Arc<str>,
}

impl Bundle {
    /// A bundle named `name` (shown in stack traces) with the given source.
    pub fn new(name: impl Into<Arc<str>>, source: impl Into<Arc<str>>) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Self { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), name: name.into(), source: source.into() }
    }

    /// The process-unique id of this bundle.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The name shown in stack traces.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The JavaScript source.
    pub fn source(&self) -> &str {
        &self.source
    }
}
