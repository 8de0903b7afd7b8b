//! Stops renders that run past their time budget.
//!
//! One watchdog thread per runtime terminates the isolate's execution from outside when an
//! armed deadline passes (the only way to stop `while (true) {}`). Arming and disarming only
//! take an uncontended mutex: the thread is never woken for them. It always sleeps at most one
//! budget, so it wakes before any deadline armed while it slept (a deadline is one budget after
//! arming), then sleeps exactly until that deadline; idle, it wakes once per budget.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use deno_core::v8;

#[derive(Default)]
struct State {
    deadline: Option<Instant>,
    fired: bool,
    shutdown: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub(crate) struct Watchdog {
    shared: Arc<Shared>,
    budget: Duration,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    /// Starts the thread that terminates `isolate`'s execution when a deadline passes.
    pub(crate) fn new(isolate: v8::IsolateHandle, budget: Duration) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let watched = Arc::clone(&shared);
        let thread = std::thread::Builder::new().name("mizan-ssr-watchdog".into()).spawn(move || {
            let mut state = watched.lock();
            loop {
                if state.shutdown {
                    return;
                }
                state = match state.deadline {
                    None => watched.wake.wait_timeout(state, budget).unwrap_or_else(PoisonError::into_inner).0,
                    Some(deadline) => {
                        let now = Instant::now();
                        if now >= deadline {
                            isolate.terminate_execution();
                            state.fired = true;
                            state.deadline = None;
                            state
                        } else {
                            watched.wake.wait_timeout(state, deadline - now).unwrap_or_else(PoisonError::into_inner).0
                        }
                    }
                };
            }
        })?;
        Ok(Self { shared, budget, thread: Some(thread) })
    }

    /// Starts a render's budget.
    pub(crate) fn arm(&self) {
        let mut state = self.shared.lock();
        state.deadline = Some(Instant::now() + self.budget);
        state.fired = false;
    }

    /// Ends a render's budget; true when the watchdog terminated it. No termination can
    /// happen for this render after this returns.
    pub(crate) fn disarm(&self) -> bool {
        let mut state = self.shared.lock();
        state.deadline = None;
        std::mem::take(&mut state.fired)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.shared.lock().shutdown = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
