//! Channels: typed WebSocket channels with groups, in one process or across several over Redis.
//!
//! A channel is a type implementing [`Channel`]: its subscription parameters, the messages the
//! server sends, the messages clients may send, who may subscribe and which group a
//! subscription joins. Register channels with [`Mizan::channels`](crate::Mizan::channels) and
//! [`channels!`](macro@crate::channels). Every browser tab opens one WebSocket at
//! `/api/mizan/ws` and multiplexes its subscriptions on it (see the wire protocol in the
//! crate's README).
//!
//! ```
//! use mizan::channels::{Channel, NoMessages};
//! use mizan::Ctx;
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//! use validator::Validate;
//!
//! /// Score updates of one match.
//! pub struct Scores;
//!
//! #[derive(Serialize, Deserialize, JsonSchema, Validate)]
//! pub struct ScoresParams {
//!     #[validate(range(min = 1))]
//!     pub match_id: u32,
//! }
//!
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! pub struct Score {
//!     pub home: u32,
//!     pub away: u32,
//! }
//!
//! impl Channel for Scores {
//!     const NAME: &'static str = "scores";
//!     type Params = ScoresParams;
//!     type ServerMessage = Score;
//!     type ClientMessage = NoMessages;
//!
//!     fn group(params: &ScoresParams) -> String {
//!         params.match_id.to_string()
//!     }
//! }
//!
//! /// Anywhere on the server: `ctx.broadcast::<Scores>(&ScoresParams { match_id: 7 }, &score)`.
//! #[mizan::client]
//! pub async fn goal(ctx: &Ctx, match_id: u32) -> mizan::Result<()> {
//!     ctx.broadcast::<Scores>(&ScoresParams { match_id }, &Score { home: 1, away: 0 }).await
//! }
//!
//! let app = mizan::Mizan::new().functions(mizan::fns![goal]).channels(mizan::channels![Scores]).build().unwrap();
//! ```
//!
//! # Client messages
//!
//! A channel whose subscribers may talk names their message type as
//! [`Channel::ClientMessage`]. Like a function's arguments, it is decoded and checked with its
//! `#[validate]` rules before [`Channel::on_receive`] runs: a message that breaks a rule is
//! answered with `{"type":"error","id":<id>,"error":{"code":"VALIDATION","message":...,
//! "fields":{"text":[...]}}}` and the subscription stays. Put [`#[mizan::rules]`](crate::rules)
//! above the derives of the parameters and messages so the generated Zod schemas carry the
//! rules with the server's own messages.
//!
//! ```
//! #[mizan::rules]
//! #[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
//! pub struct Say {
//!     #[validate(length(min = 1, max = 500, message = "say 1 to 500 characters"))]
//!     pub text: String,
//! }
//! ```
//!
//! # Delivery
//!
//! Messages go to every subscription of the group, in the order they were broadcast from one
//! process. Each connection has a bounded send queue ([`ChannelSettings::send_queue`]); a
//! client that does not read its messages fast enough is **disconnected** (close code 1013)
//! rather than slowing the broadcast to everyone else or being silently skipped; the client
//! reconnects and resubscribes, and can refetch what it missed.
//!
//! # When a user changes
//!
//! A logged-in socket belongs to its user for its whole life. When that user's sessions or
//! permissions change ([`Channels::user_changed`], which `auth.logout`,
//! `auth.change_password` and [`set_active`](crate::auth::users::set_active) call), each of
//! the user's sockets, in every process, finds its user again at once: a socket whose session
//! ended is closed with code 1008; every other subscription is checked again
//! ([`Channel::AUTH`], then [`Channel::authorize`] with the current user), and one that no
//! longer passes (or whose check fails) ends with
//! `{"type":"error","id":<id>,"ended":true,"error":{...}}`. Hooks of the socket see the
//! current user from then on.

pub(crate) mod hub;
mod layer;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::LocalBoxFuture;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use hub::Hub;
pub use layer::{ChannelLayer, InProcessLayer, LayerFuture, RedisLayer};

/// The channels of an app: definitions by name, the layer, the socket's settings.
#[derive(Clone)]
pub(crate) struct ChannelSet {
    pub(crate) definitions: Arc<std::collections::HashMap<&'static str, ChannelDef>>,
    pub(crate) layer: Arc<dyn ChannelLayer>,
    pub(crate) settings: ChannelSettings,
}

use crate::core::codec::decode_value;
use crate::core::error::Error;
use crate::core::function::AuthLevel;
use crate::core::validation;
use crate::engine::ctx::Ctx;

/// A typed channel. Implement it for a marker type and register it with
/// [`channels!`](macro@crate::channels).
#[allow(async_fn_in_trait)] // Channel hooks run on one worker thread: their futures need not be `Send`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Mizan channel",
    label = "does not implement `mizan::channels::Channel`",
    note = "implement `Channel` for `{Self}` (with `#[mizan::channel]` on the impl)"
)]
pub trait Channel: Sized + 'static {
    /// The channel's name, as clients subscribe to it (`"chat"`).
    const NAME: &'static str;
    /// Who may subscribe at all (checked before [`Channel::authorize`]): `Authenticated` needs a
    /// logged-in user, and so on. Default: anyone. (`AuthLevel::Custom` is for functions; a
    /// channel decides with [`Channel::authorize`] instead, and `Custom` refuses everyone.)
    const AUTH: AuthLevel = AuthLevel::Anonymous;
    /// What a subscription is for (`{"room": "lobby"}`); validated with its `#[validate]` rules.
    type Params: DeserializeOwned + Serialize + JsonSchema + validator::Validate;
    /// What the server sends to subscribers.
    type ServerMessage: Serialize + JsonSchema;
    /// What subscribers may send ([`NoMessages`] when they may not); validated with its
    /// `#[validate]` rules before [`Channel::on_receive`] sees it, like a function's arguments:
    /// a message that breaks one is answered with a `VALIDATION` error for its subscription,
    /// with messages per field, and never reaches `on_receive`.
    type ClientMessage: DeserializeOwned + JsonSchema + validator::Validate;

    /// The group a subscription joins; broadcasts go to a group. Groups of different channels
    /// never mix.
    fn group(params: &Self::Params) -> String;

    /// Whether this user may subscribe with these parameters (default: yes). A refusal is an
    /// `error` message for that subscription; the socket stays open.
    async fn authorize(ctx: &Ctx, params: &Self::Params) -> crate::Result<bool> {
        let _ = (ctx, params);
        Ok(true)
    }

    /// A message a subscriber sent (only for channels with a [`Channel::ClientMessage`]), once
    /// it decoded and passed its `#[validate]` rules.
    async fn on_receive(ctx: &Ctx, params: &Self::Params, message: Self::ClientMessage) -> crate::Result<()> {
        let _ = (ctx, params, message);
        Err(Error::bad_request(format!("the channel `{}` does not accept messages", Self::NAME)))
    }

    /// After a subscription was accepted.
    async fn on_join(ctx: &Ctx, params: &Self::Params) -> crate::Result<()> {
        let _ = (ctx, params);
        Ok(())
    }

    /// After a subscription ended (unsubscribed, or the socket closed).
    async fn on_leave(ctx: &Ctx, params: &Self::Params) {
        let _ = (ctx, params);
    }
}

/// The client-message type of channels that accept none: nothing decodes into it, and the
/// generated `send` takes `never`.
#[derive(Debug, Clone, Copy)]
pub enum NoMessages {}

impl<'de> serde::Deserialize<'de> for NoMessages {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
        Err(serde::de::Error::custom("this channel does not accept messages"))
    }
}

impl validator::Validate for NoMessages {
    fn validate(&self) -> Result<(), validator::ValidationErrors> {
        match *self {}
    }
}

impl JsonSchema for NoMessages {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NoMessages".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        Schema::from(false)
    }

    fn inline_schema() -> bool {
        true
    }
}

/// What Mizan knows about one registered channel, with its hooks type-erased.
#[derive(Clone)]
pub struct ChannelDef {
    name: &'static str,
    auth: AuthLevel,
    accepts_messages: bool,
    params_schema: fn(&mut SchemaGenerator) -> Schema,
    server_schema: fn(&mut SchemaGenerator) -> Schema,
    client_schema: fn(&mut SchemaGenerator) -> Schema,
    pub(crate) hooks: Arc<dyn Hooks>,
}

impl ChannelDef {
    /// The definition of channel `C`.
    pub fn of<C: Channel>() -> Self {
        // The type's own schema: `false` for `NoMessages` (a generator would rewrite it).
        let probe = C::ClientMessage::json_schema(&mut SchemaGenerator::default());
        Self {
            name: C::NAME,
            auth: C::AUTH,
            accepts_messages: probe.as_bool() != Some(false),
            params_schema: |generator| generator.subschema_for::<C::Params>(),
            server_schema: |generator| generator.subschema_for::<C::ServerMessage>(),
            client_schema: |generator| generator.subschema_for::<C::ClientMessage>(),
            hooks: Arc::new(Typed::<C>(std::marker::PhantomData)),
        }
    }

    /// The channel's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Who may subscribe.
    pub fn auth(&self) -> AuthLevel {
        self.auth
    }

    /// Who may subscribe, for [`invoke`](crate::engine::invoke::invoke).
    pub(crate) fn access(&self) -> crate::engine::invoke::Access<'static> {
        crate::engine::invoke::Access { level: self.auth, predicate: None }
    }

    /// How the channel is named in errors and logs.
    pub(crate) fn label(&self) -> crate::engine::invoke::Label<'static> {
        crate::engine::invoke::Label::Channel(self.name)
    }

    /// Whether subscribers may send messages.
    pub fn accepts_messages(&self) -> bool {
        self.accepts_messages
    }

    /// JSON Schema of the subscription parameters.
    pub fn params_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.params_schema)(generator)
    }

    /// JSON Schema of the server's messages.
    pub fn server_message_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.server_schema)(generator)
    }

    /// JSON Schema of the clients' messages (`false` when there are none).
    pub fn client_message_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.client_schema)(generator)
    }
}

impl std::fmt::Debug for ChannelDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelDef").field("name", &self.name).finish_non_exhaustive()
    }
}

/// Lists channels for [`Mizan::channels`](crate::Mizan::channels).
#[macro_export]
macro_rules! channels {
    ($($channel:ty),* $(,)?) => {
        ::std::vec![$($crate::channels::ChannelDef::of::<$channel>()),*]
    };
}

/// A subscription's decoded parameters, kept for its lifetime.
pub(crate) type AnyParams = Box<dyn std::any::Any>;

/// The type-erased hooks of a channel.
pub(crate) trait Hooks: Send + Sync {
    /// Decodes and validates the parameters, checks `authorize`; the group (with the
    /// channel's namespace) and the parameters, or why not.
    fn subscribe<'a>(
        &'a self,
        ctx: &'a Ctx,
        params: serde_json::Value,
    ) -> LocalBoxFuture<'a, Result<(String, AnyParams), Error>>;
    /// [`Channel::authorize`] again, for a subscription's kept parameters.
    fn authorize<'a>(&'a self, ctx: &'a Ctx, params: &'a AnyParams) -> LocalBoxFuture<'a, Result<bool, Error>>;
    fn join<'a>(&'a self, ctx: &'a Ctx, params: &'a AnyParams) -> LocalBoxFuture<'a, Result<(), Error>>;
    fn receive<'a>(
        &'a self,
        ctx: &'a Ctx,
        params: &'a AnyParams,
        message: serde_json::Value,
    ) -> LocalBoxFuture<'a, Result<(), Error>>;
    fn leave<'a>(&'a self, ctx: &'a Ctx, params: &'a AnyParams) -> LocalBoxFuture<'a, ()>;
}

struct Typed<C>(std::marker::PhantomData<fn() -> C>);

/// The group key of a channel's group: channels never share groups.
pub(crate) fn group_key(channel: &str, group: &str) -> String {
    format!("{channel}\u{1f}{group}")
}

impl<C: Channel> Hooks for Typed<C> {
    fn subscribe<'a>(
        &'a self,
        ctx: &'a Ctx,
        params: serde_json::Value,
    ) -> LocalBoxFuture<'a, Result<(String, AnyParams), Error>> {
        Box::pin(async move {
            let params: C::Params = decode_value(params, "invalid channel parameters")?;
            validation::check(&params, "the channel parameters are not valid")?;
            if !C::authorize(ctx, &params).await? {
                return Err(Error::forbidden(format!("you may not subscribe to `{}` with these parameters", C::NAME)));
            }
            let group = group_key(C::NAME, &C::group(&params));
            Ok((group, Box::new(params) as AnyParams))
        })
    }

    fn authorize<'a>(&'a self, ctx: &'a Ctx, params: &'a AnyParams) -> LocalBoxFuture<'a, Result<bool, Error>> {
        Box::pin(async move {
            match params.downcast_ref::<C::Params>() {
                Some(params) => C::authorize(ctx, params).await,
                None => Ok(false),
            }
        })
    }

    fn join<'a>(&'a self, ctx: &'a Ctx, params: &'a AnyParams) -> LocalBoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            match params.downcast_ref::<C::Params>() {
                Some(params) => C::on_join(ctx, params).await,
                None => Ok(()),
            }
        })
    }

    fn receive<'a>(
        &'a self,
        ctx: &'a Ctx,
        params: &'a AnyParams,
        message: serde_json::Value,
    ) -> LocalBoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            let message: C::ClientMessage = decode_value(message, "invalid message")?;
            validation::check(&message, "the message is not valid")?;
            let Some(params) = params.downcast_ref::<C::Params>() else { return Ok(()) };
            C::on_receive(ctx, params, message).await
        })
    }

    fn leave<'a>(&'a self, ctx: &'a Ctx, params: &'a AnyParams) -> LocalBoxFuture<'a, ()> {
        Box::pin(async move {
            if let Some(params) = params.downcast_ref::<C::Params>() {
                C::on_leave(ctx, params).await;
            }
        })
    }
}

/// Limits and timings of the channel socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelSettings {
    /// Largest message a client may send, in bytes (default 64 KiB); a bigger one closes the
    /// socket with code 1009.
    pub max_message_bytes: usize,
    /// Messages queued for one connection before it counts as too slow and is closed with
    /// code 1013 (default 1024). A client that takes no data at all for three heartbeats while
    /// the server has some for it is closed the same way.
    pub send_queue: usize,
    /// How often the server pings (default 10 s); a peer silent for three intervals is closed.
    /// Logged-in sockets also find their user again this often, as a fallback for changes
    /// nobody announced with [`Channels::user_changed`]: a session that ended closes the
    /// socket with code 1008, and a user whose flags changed has the subscriptions checked
    /// again.
    pub heartbeat: Duration,
    /// Most subscriptions on one socket (default 100).
    pub max_subscriptions: usize,
}

impl Default for ChannelSettings {
    fn default() -> Self {
        Self {
            max_message_bytes: 64 * 1024,
            send_queue: 1024,
            heartbeat: Duration::from_secs(10),
            max_subscriptions: 100,
        }
    }
}

/// Broadcasts to channel groups from anywhere: server functions use
/// [`Ctx::broadcast`](crate::Ctx::broadcast); background tasks keep a clone of this handle
/// ([`MizanApp::channels`](crate::MizanApp::channels)).
#[derive(Clone)]
pub struct Channels {
    layer: Arc<dyn ChannelLayer>,
}

impl Channels {
    pub(crate) fn new(layer: Arc<dyn ChannelLayer>) -> Self {
        Self { layer }
    }

    /// Sends `message` to every subscriber of the group `params` select in channel `C`.
    ///
    /// Fails with `UNAVAILABLE` when the channel layer cannot deliver (Redis is down).
    pub fn broadcast<C: Channel>(
        &self,
        params: &C::Params,
        message: &C::ServerMessage,
    ) -> impl Future<Output = crate::Result<()>> + use<C> {
        let group = group_key(C::NAME, &C::group(params));
        self.broadcast_to(group, serde_json::to_string(message))
    }

    /// Sends `message` to the group named `group` of channel `C` (what [`Channel::group`]
    /// returns), without parameters at hand.
    pub fn broadcast_to_group<C: Channel>(
        &self,
        group: &str,
        message: &C::ServerMessage,
    ) -> impl Future<Output = crate::Result<()>> + use<C> {
        self.broadcast_to(group_key(C::NAME, group), serde_json::to_string(message))
    }

    fn broadcast_to(
        &self,
        group: String,
        data: serde_json::Result<String>,
    ) -> impl Future<Output = crate::Result<()>> + use<> {
        let data = data.map_err(Error::internal);
        let layer = Arc::clone(&self.layer);
        async move { layer.publish(&group, Arc::from(data?)).await }
    }

    /// Tells every channel socket of user `user_id`, in this process and (with the Redis
    /// layer) in every other, that the user's sessions or permissions changed. Each of those
    /// sockets promptly finds its user again through the authenticator: a socket whose session
    /// ended (or whose user is now inactive) is closed with code 1008; otherwise every
    /// subscription is checked again with the current user, [`Channel::AUTH`] and
    /// [`Channel::authorize`], and those that no longer pass end with an `error` message
    /// (`"ended": true`, usually `FORBIDDEN`).
    ///
    /// `auth.logout`, `auth.change_password` and [`users::set_active`](crate::auth::users::set_active)
    /// call it; apps call it after changing what a user may do (a staff flag, a membership that
    /// `authorize` reads). Without it, sockets notice an ended session only at the next
    /// heartbeat ([`ChannelSettings::heartbeat`]).
    ///
    /// This process's sockets are told even when it fails with `UNAVAILABLE` (Redis is down
    /// and the other processes could not be told).
    pub fn user_changed(&self, user_id: i32) -> impl Future<Output = crate::Result<()>> + use<> {
        let layer = Arc::clone(&self.layer);
        async move {
            let hub = layer.hub();
            hub.user_changed(user_id);
            let notice = hub.user_changed_notice(user_id);
            layer.publish(hub::USER_CHANGED, notice).await
        }
    }

    /// Makes every connected client, in this process and (with the Redis layer) in every
    /// other, refetch the contexts `keys` name (context names, or
    /// [`context_key`](crate::context_key)s of local instances): for data everyone sees, such
    /// as a shared counter. A client receives them on its channel socket, which
    /// `<MizanProvider live>` opens as the page loads.
    ///
    /// Fails with `UNAVAILABLE` when the layer cannot deliver (Redis is down).
    pub fn invalidate_for_all(&self, keys: &[String]) -> impl Future<Output = crate::Result<()>> + use<> {
        self.push(None, keys, None)
    }

    /// As [`invalidate_for_all`](Channels::invalidate_for_all), for the clients of user
    /// `user_id` only (all their tabs and devices).
    pub fn invalidate_for_user(
        &self,
        user_id: i32,
        keys: &[String],
    ) -> impl Future<Output = crate::Result<()>> + use<> {
        self.push(Some(user_id), keys, None)
    }

    pub(crate) fn push(
        &self,
        user: Option<i32>,
        keys: &[String],
        except: Option<&str>,
    ) -> impl Future<Output = crate::Result<()>> + use<> {
        let layer = Arc::clone(&self.layer);
        let data = serde_json::json!({ "user": user, "keys": keys, "except": except }).to_string();
        let empty = keys.is_empty();
        async move {
            match empty {
                true => Ok(()),
                false => layer.publish(hub::INVALIDATE, Arc::from(data)).await,
            }
        }
    }

    /// Whether broadcasts can be delivered now.
    pub fn is_available(&self) -> bool {
        self.layer.is_available()
    }
}

/// The layers of every app built in this process, for changes made without an app at hand
/// ([`users::set_active`](crate::auth::users::set_active) takes only a database).
static LAYERS: std::sync::Mutex<Vec<std::sync::Weak<dyn ChannelLayer>>> = std::sync::Mutex::new(Vec::new());

/// Remembers an app's layer for [`user_changed_everywhere`].
pub(crate) fn register_layer(layer: &Arc<dyn ChannelLayer>) {
    let mut layers = LAYERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    layers.retain(|known| known.strong_count() > 0);
    if !layers.iter().any(|known| std::ptr::addr_eq(known.as_ptr(), Arc::as_ptr(layer))) {
        layers.push(Arc::downgrade(layer));
    }
}

/// [`Channels::user_changed`] through the layer of every app of this process; failures are
/// logged (the heartbeat still notices ended sessions).
pub(crate) async fn user_changed_everywhere(user_id: i32) {
    let layers: Vec<_> = {
        let layers = LAYERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        layers.iter().filter_map(std::sync::Weak::upgrade).collect()
    };
    for layer in layers {
        if let Err(error) = Channels::new(layer).user_changed(user_id).await {
            tracing::warn!(user = user_id, %error, "could not tell other processes' channel sockets that a user changed");
        }
    }
}

/// Sends `pushed`, what the call of `ctx` asked for ([`Ctx::invalidate_for_all`],
/// [`Ctx::invalidate_for_user`]) to the other clients, skipping the caller's socket named in
/// `except`; failures are logged (the caller has its keys in the answer either way).
pub(crate) async fn push_invalidations(ctx: &Ctx, pushed: Vec<(Option<i32>, String)>, except: Option<&str>) {
    let Ok(channels) = ctx.channels() else {
        tracing::debug!("this app has no channel layer: pushed invalidations reach only the caller");
        return;
    };
    let mut audiences: Vec<(Option<i32>, Vec<String>)> = Vec::new();
    for (user, key) in pushed {
        match audiences.iter_mut().find(|(audience, _)| *audience == user) {
            Some((_, keys)) if !keys.contains(&key) => keys.push(key),
            Some(_) => {}
            None => audiences.push((user, vec![key])),
        }
    }
    for (user, keys) in audiences {
        if let Err(error) = channels.push(user, &keys, except).await {
            tracing::warn!(%error, "could not push invalidations to the other clients");
        }
    }
}

/// [`Channels::user_changed`] for the app of `ctx`, when it has channels and `user_id` is a
/// user; failures are logged (the heartbeat still notices ended sessions).
pub(crate) async fn user_changed(ctx: &Ctx, user_id: Option<i32>) {
    let (Some(user_id), Ok(channels)) = (user_id, ctx.channels()) else { return };
    if let Err(error) = channels.user_changed(user_id).await {
        tracing::warn!(user = user_id, %error, "could not tell other processes' channel sockets that a user changed");
    }
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels").field("available", &self.layer.is_available()).finish()
    }
}
