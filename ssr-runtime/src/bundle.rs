use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What one render may use before it is stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest a render may run; a render still running then is terminated
    /// ([`SsrError::Timeout`](crate::SsrError::Timeout)) and the runtime reused.
    pub time_budget: Duration,
    /// Largest JavaScript heap of a runtime, in bytes; a render that needs more is stopped
    /// ([`SsrError::HeapLimit`](crate::SsrError::HeapLimit)) and the runtime replaced.
    pub heap_limit: usize,
}

impl Default for Limits {
    /// One second and 256 MiB: far above what a page needs (a few ms, a few MiB).
    fn default() -> Self {
        Self { time_budget: Duration::from_secs(1), heap_limit: 256 * 1024 * 1024 }
    }
}

/// A server bundle: the JavaScript source the renderer evaluates once per runtime.
///
/// Cloning is cheap. Each bundle gets a process-unique id, so a thread's cached renderer is
/// rebuilt when it is handed a different bundle (e.g. after the file changed in dev mode).
#[derive(Clone, Debug)]
pub struct Bundle {
    id: u64,
    name: Arc<str>,
    source: Arc<str>,
    limits: Limits,
}

impl Bundle {
    /// A bundle named `name` (shown in stack traces) with the given source.
    pub fn new(name: impl Into<Arc<str>>, source: impl Into<Arc<str>>) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: name.into(),
            source: source.into(),
            limits: Limits::default(),
        }
    }

    /// The same bundle rendered within `limits`.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits of every render of this bundle.
    pub fn limits(&self) -> Limits {
        self.limits
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
