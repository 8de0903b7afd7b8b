//! What every request handler of an app shares: built once by
//! [`Mizan::build`](crate::Mizan::build), kept in the app data of every actix worker.

use std::sync::Arc;

use crate::engine::channels::ChannelSet;
use crate::engine::ctx::{Ctx, Services};
use crate::engine::invoke::Limits;
use crate::engine::registry::Registry;
use crate::http::pages::Pages;

/// What every request handler shares.
pub(crate) struct Shared {
    pub(crate) registry: Registry,
    /// What every [`Ctx`] of the app is given.
    pub(crate) services: Arc<Services>,
    pub(crate) pages: Option<Pages>,
    pub(crate) prefix: String,
    /// The app's bounds of a run (a function may lower or raise the body limit).
    pub(crate) limits: Limits,
    pub(crate) dev: bool,
    pub(crate) trusted_origins: Vec<String>,
    pub(crate) channels: Option<ChannelSet>,
    /// Set when the server begins a graceful shutdown: sockets close, health answers 503.
    pub(crate) shutdown: tokio::sync::watch::Sender<bool>,
    /// How long a call's body may take to arrive; `None` for no limit.
    pub(crate) body_timeout: Option<std::time::Duration>,
}

impl Shared {
    /// A fresh context for one function run of `request`.
    pub(crate) fn ctx(&self, request: actix_web::HttpRequest) -> Ctx {
        Ctx::new(request, Arc::clone(&self.services))
    }
}
