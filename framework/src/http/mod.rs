//! The HTTP layer: the routes of the API (calls, contexts, manifest, health, the channel
//! socket), the server-rendered pages, the CSRF defences and the request log. It hands every
//! run to the engine's [`invoke`](crate::engine::invoke::invoke).

mod call;
mod context;
pub(crate) mod csrf;
mod error;
mod manifest;
pub mod pages;
pub(crate) mod request_log;
pub(crate) mod router;
mod socket;
pub(crate) mod state;
