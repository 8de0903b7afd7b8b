//! Renders run back to back on their worker thread.
//!
//! A page asks for its render through [`render`], which queues it on the worker thread's
//! render queue and awaits the result. One drain task per thread (spawned when the queue gets
//! its first job) first lets the thread's other ready work run — parsing requests, resolving
//! their contexts — for as long as that keeps adding renders to the queue (at most
//! [`GATHER_ROUNDS`] scheduler rounds), then renders the queued pages one after the other on
//! the thread's runtime.
//!
//! Under load this groups the engine's work and the request work into runs instead of
//! alternating them page by page, which keeps the engine's code and data warm in the CPU's
//! caches: measured on the example app, about 14% more pages per second (see
//! `BENCHMARKS.md`). With one request at a time it costs a scheduler round or two, a few
//! microseconds. Renders whose request went away while queued are skipped.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// Most scheduler rounds the drain task waits for more renders before it starts rendering.
const GATHER_ROUNDS: usize = 8;

/// Most renders in a row before the drain task lets the rendered pages be sent.
const MAX_BATCH: usize = 32;

/// A render's outcome and how long the engine took.
pub(crate) type Rendered = (Result<mizan_ssr::RenderOutput, mizan_ssr::SsrError>, Duration);

struct Job {
    bundle: mizan_ssr::Bundle,
    request: String,
    reply: oneshot::Sender<Rendered>,
}

thread_local! {
    static QUEUE: RefCell<Vec<Job>> = const { RefCell::new(Vec::new()) };
    /// True while this thread has a drain task.
    static DRAINING: Cell<bool> = const { Cell::new(false) };
}

/// Renders `request` with `bundle` on this worker thread's runtime, after the renders queued
/// before it. Must be called on an actix worker (it spawns the thread's drain task).
pub(crate) async fn render(bundle: &mizan_ssr::Bundle, request: String) -> Rendered {
    let (reply, rendered) = oneshot::channel();
    QUEUE.with(|queue| queue.borrow_mut().push(Job { bundle: bundle.clone(), request, reply }));
    if !DRAINING.with(|draining| draining.replace(true)) {
        actix_web::rt::spawn(drain());
    }
    rendered.await.unwrap_or_else(|_| {
        // Only if the drain task ended without rendering it: a render panicked, or the
        // worker is shutting down.
        (Err(mizan_ssr::SsrError::Render("the render was abandoned".into())), Duration::ZERO)
    })
}

/// Ends the thread's drain task, also when a render panics: a later render starts a new one.
struct Draining;

impl Drop for Draining {
    fn drop(&mut self) {
        // Renders still queued behind one that panicked get a new drain task.
        let respawn = std::thread::panicking() && QUEUE.with(|queue| !queue.borrow().is_empty());
        DRAINING.with(|draining| draining.set(respawn));
        if respawn {
            actix_web::rt::spawn(drain());
        }
    }
}

async fn drain() {
    let _draining = Draining;
    loop {
        // Let the requests that are ready reach their render first.
        let mut queued = 0;
        for _ in 0..GATHER_ROUNDS {
            tokio::task::yield_now().await;
            let now = QUEUE.with(|queue| queue.borrow().len());
            if now == queued {
                break;
            }
            queued = now;
        }
        let jobs: Vec<Job> = QUEUE.with(|queue| {
            let mut queue = queue.borrow_mut();
            let take = queue.len().min(MAX_BATCH);
            queue.drain(..take).collect()
        });
        if jobs.is_empty() {
            return;
        }
        for job in jobs {
            if job.reply.is_closed() {
                continue;
            }
            let started = Instant::now();
            let output = mizan_ssr::render(&job.bundle, &job.request);
            // The request may have gone away during the render; nothing to do then.
            let _ = job.reply.send((output, started.elapsed()));
        }
    }
}
