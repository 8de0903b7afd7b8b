//! The one path every client-triggered run takes: a call, a context (fetched alone, in the
//! global bundle or for a server render), a form's functions, and a channel's subscription,
//! message and re-check.
//!
//! [`invoke`] does, in this order: **authorize** (the auth level and its predicate),
//! **limits** (size and nesting of the input), then runs the step that **decodes** the input
//! (with [`codec`](crate::core::codec)), **validates** it (with
//! [`validation`](crate::core::validation)) and **runs** the user's code, under the app's
//! time limit and a panic guard. Callers differ only in where the input comes from and where
//! the answer goes.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::FutureExt;

use crate::core::codec;
use crate::core::error::Error;
use crate::core::function::AuthLevel;
use crate::core::protocol::ErrorCode;
use crate::engine::auth::Predicate;
use crate::engine::ctx::Ctx;

/// Bounds of one run, from the app's settings (and a function's own body limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Largest input in bytes.
    pub(crate) body: usize,
    /// Deepest nesting of arrays and objects in the input.
    pub(crate) depth: usize,
    /// How long the run may take; `None` for no limit.
    pub(crate) timeout: Option<Duration>,
}

/// What runs, as errors and logs name it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Label<'a> {
    /// A server function (a call, a context, a form's function).
    Function(&'a str),
    /// A channel's hook.
    Channel(&'a str),
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Label::Function(name) => write!(f, "server function `{name}`"),
            Label::Channel(name) => write!(f, "channel `{name}`"),
        }
    }
}

/// Who may run something: an auth level, and the predicate of a custom one.
#[derive(Clone, Copy)]
pub(crate) struct Access<'a> {
    pub(crate) level: AuthLevel,
    pub(crate) predicate: Option<&'a Predicate>,
}

impl Access<'_> {
    /// Everyone.
    pub(crate) const ANYONE: Access<'static> = Access { level: AuthLevel::Anonymous, predicate: None };
}

/// What a run is given: checked against the [`Limits`] before it is decoded. Pass a ready
/// one with [`given`].
pub(crate) trait Input {
    /// Refuses an input past the limits.
    fn check(&self, limits: &Limits) -> Result<(), Error>;
}

impl Input for &[u8] {
    fn check(&self, limits: &Limits) -> Result<(), Error> {
        if self.len() > limits.body {
            return Err(too_large(limits.body));
        }
        codec::check_depth(self, limits.depth)
    }
}

/// A request body.
impl Input for actix_web::web::Bytes {
    fn check(&self, limits: &Limits) -> Result<(), Error> {
        self.as_ref().check(limits)
    }
}

impl Input for serde_json::Value {
    fn check(&self, limits: &Limits) -> Result<(), Error> {
        codec::check_value_depth(self, limits.depth)
    }
}

/// No input (a re-check of kept parameters).
impl Input for () {
    fn check(&self, _limits: &Limits) -> Result<(), Error> {
        Ok(())
    }
}

/// An input that is already there (parsed from a socket message, or no input at all).
pub(crate) fn given<I>(input: I) -> std::future::Ready<Result<I, Error>> {
    std::future::ready(Ok(input))
}

/// `PAYLOAD_TOO_LARGE` for a limit of `limit` bytes.
pub(crate) fn too_large(limit: usize) -> Error {
    Error::new(ErrorCode::PayloadTooLarge, format!("the request body exceeds {limit} bytes"))
}

/// Authorizes, then awaits the input (a request body is read only once the caller may send
/// it) and checks it against the limits, then runs `step` on it (which decodes, validates and
/// runs the user's code) under the time limit and the panic guard.
pub(crate) async fn invoke<I, T, F>(
    name: Label<'_>,
    access: Access<'_>,
    ctx: &Ctx,
    limits: &Limits,
    input: impl Future<Output = Result<I, Error>>,
    step: impl FnOnce(I) -> F,
) -> Result<T, Error>
where
    I: Input,
    F: Future<Output = Result<T, Error>>,
{
    crate::engine::auth::authorize(access.level, access.predicate, ctx).await?;
    let input = input.await?;
    input.check(limits)?;
    guarded(name, limits.timeout, step(input)).await
}

/// Runs `future` under `timeout` (past it: `UNAVAILABLE`, and the future is dropped, so a
/// transaction it holds rolls back) and the panic guard (a panic: `INTERNAL`, and the worker
/// keeps serving).
pub(crate) async fn guarded<T>(
    name: Label<'_>,
    timeout: Option<Duration>,
    future: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let guarded = catch_panic(future);
    let outcome = match timeout {
        None => guarded.await,
        Some(limit) => match tokio::time::timeout(limit, guarded).await {
            Ok(outcome) => outcome,
            Err(_) => {
                tracing::warn!(run = %name, timeout_ms = limit.as_millis() as u64, "request timed out");
                return Err(Error::new(
                    ErrorCode::Unavailable,
                    format!("{name} did not finish within {limit:?}; try again later"),
                ));
            }
        },
    };
    match outcome {
        Ok(result) => result,
        Err(panic) => Err(Error::internal(std::io::Error::other(format!("{name} panicked: {panic}")))),
    }
}

/// Awaits `future`; a panic inside it becomes `Err` with the panic message.
pub(crate) async fn catch_panic<F: Future>(future: F) -> Result<F::Output, String> {
    AssertUnwindSafe(future).catch_unwind().await.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_owned())
    })
}
