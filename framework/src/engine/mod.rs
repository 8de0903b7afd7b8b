//! The engine layer: running what the core describes. The request context ([`Ctx`](ctx::Ctx)),
//! users and sessions, the one [`invoke`](invoke::invoke) path every run takes, the registry of
//! functions, forms, channels and the database.
//!
//! It imports the core only; what it needs of a request it reads from actix-web's
//! `HttpRequest` itself (its [`request`] module), never from the HTTP layer.

pub mod auth;
pub mod channels;
pub(crate) mod ctx;
pub mod db;
pub mod forms;
pub(crate) mod invoke;
pub mod registry;
pub(crate) mod request;
