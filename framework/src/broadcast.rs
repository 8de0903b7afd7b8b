//! The seam between server functions and the channel layer: [`Ctx::broadcast`](crate::Ctx::broadcast)
//! hands a message for a group to the app's [`Broadcaster`].

use futures_util::future::LocalBoxFuture;

use crate::Error;

/// Delivers messages to every subscriber of a group (the channel layer implements it).
pub trait Broadcaster: Send + Sync + 'static {
    /// Sends `message` (JSON) to the subscribers of `group`.
    fn broadcast<'a>(&'a self, group: &'a str, message: serde_json::Value) -> LocalBoxFuture<'a, Result<(), Error>>;
}
