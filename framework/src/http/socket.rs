//! `GET /api/mizan/ws`: one WebSocket per browser tab, multiplexing channel subscriptions.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, ProtocolError, Session};
use futures_util::StreamExt as _;
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use crate::core::error::Error;
use crate::core::protocol::ErrorCode;
use crate::engine::auth::User;
use crate::engine::channels::hub::{Outbox, Outgoing, Overflow, FRAME};
use crate::engine::channels::{AnyParams, ChannelDef, ChannelSet};
use crate::engine::ctx::Ctx;
use crate::engine::invoke::{catch_panic, given, guarded, invoke, Access};
use crate::http::state::Shared;

/// Close code for a client that does not read its messages fast enough ("try again later").
const TOO_SLOW: u16 = 1013;

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// The WebSocket handshake: the origin rules of calls, then the upgrade.
pub(crate) async fn websocket(request: HttpRequest, body: web::Payload, shared: web::Data<Shared>) -> HttpResponse {
    let Some(channels) = shared.channels.clone() else {
        return Error::not_found("this app has no channels").error_response();
    };
    if let Err(error) = crate::http::csrf::check_origin(&request, &shared.trusted_origins) {
        return error.error_response();
    }
    let shutdown = shared.shutdown.subscribe();
    if *shutdown.borrow() {
        return Error::new(ErrorCode::Unavailable, "the server is shutting down").error_response();
    }
    let ctx = shared.ctx(request.clone());
    // Who the socket belongs to, to notice when that session ends.
    let user = match ctx.user().await {
        Ok(user) => user.map(|user| user.id),
        Err(error) => return error.error_response(),
    };
    let (response, session, stream) = match actix_ws::handle(&request, body) {
        Ok(parts) => parts,
        Err(error) => return error.error_response(),
    };
    let settings = channels.settings;
    let stream = stream
        .max_frame_size(settings.max_message_bytes)
        .aggregate_continuations()
        .max_continuation_size(settings.max_message_bytes);
    let (queue, outgoing) = mpsc::channel::<Outgoing>(settings.send_queue.max(1));
    let id = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
    // Woken when the user's sessions or permissions change (`Channels::user_changed`).
    let recheck = Arc::new(Notify::new());
    if let Some(user) = user {
        channels.layer.hub().watch_user(user, id, Arc::clone(&recheck));
    }
    let outbox = Outbox { queue, overflow: Arc::new(Overflow::default()) };
    let name = channels.layer.hub().open_socket(id, user, outbox.clone());
    let connection = Connection {
        id,
        shared: shared.into_inner(),
        channels,
        ctx,
        user,
        recheck,
        session,
        outbox,
        stall: settings.heartbeat * 3,
        subscriptions: HashMap::new(),
        ids: HashMap::new(),
        next_key: 0,
    };
    actix_web::rt::spawn(connection.run(stream, outgoing, shutdown, name));
    response
}

struct Subscription {
    /// The subscription's key in the hub: the client may reuse its id after unsubscribing,
    /// and messages still queued for the old subscription must not pass for the new one's.
    key: u64,
    channel: ChannelDef,
    group: String,
    params: AnyParams,
}

struct Connection {
    id: u64,
    shared: Arc<Shared>,
    channels: ChannelSet,
    /// The context of the socket's hooks: its user is the one found at the handshake or at the
    /// latest re-check.
    ctx: Ctx,
    /// The id of the user the socket belongs to, for its whole life.
    user: Option<i32>,
    /// Notified when that user changed.
    recheck: Arc<Notify>,
    session: Session,
    outbox: Outbox,
    /// How long a write may wait for a client that reads nothing before it counts as too slow
    /// (three heartbeats, like a peer that stopped answering pings).
    stall: Duration,
    /// Subscriptions by the client's id.
    subscriptions: HashMap<u64, Subscription>,
    /// The client's ids by subscription key.
    ids: HashMap<u64, u64>,
    next_key: u64,
}

/// Why the loop ended, and how to close.
enum End {
    /// The peer vanished: nothing to send.
    Gone,
    /// The peer closed: its close frame is answered.
    Closed(Option<CloseReason>),
    Close(u16, &'static str),
}

const TOO_SLOW_END: End = End::Close(TOO_SLOW, "too slow: messages were not read in time");

/// Sends one frame unless the client turns out too slow meanwhile: a message it should have
/// received was dropped (its queue overflowed), or the frame could not be handed to the
/// connection for `stall` (the client reads nothing). Waiting on the session alone would let
/// such a client hold the connection, unnoticed, for as long as it does not read.
async fn bounded(
    send: impl Future<Output = Result<(), actix_ws::Closed>>,
    overflow: &Overflow,
    stall: Duration,
) -> Result<(), End> {
    if overflow.happened() {
        return Err(TOO_SLOW_END);
    }
    tokio::select! {
        biased;
        sent = send => sent.map_err(|_| End::Gone),
        () = overflow.wait() => Err(TOO_SLOW_END),
        () = tokio::time::sleep(stall) => Err(TOO_SLOW_END),
    }
}

impl Connection {
    async fn run(
        mut self,
        mut stream: actix_ws::AggregatedMessageStream,
        mut outgoing: mpsc::Receiver<Outgoing>,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
        name: String,
    ) {
        let settings = self.channels.settings;
        let overflow = Arc::clone(&self.outbox.overflow);
        let recheck = Arc::clone(&self.recheck);
        let mut heartbeat = tokio::time::interval(settings.heartbeat);
        heartbeat.tick().await;
        let mut last_seen = Instant::now();
        // The socket's name, which the client sends with its calls so that what they push to
        // everyone skips this socket (the call's answer has it).
        let welcome = self.send(json!({ "type": "welcome", "socket": name })).await;
        let end = loop {
            if let Err(end) = welcome {
                break end;
            }
            // A dropped message closes the connection before anything else goes out.
            if overflow.happened() {
                break TOO_SLOW_END;
            }
            tokio::select! {
                () = overflow.wait() => break TOO_SLOW_END,
                // The server is stopping: clients reconnect (to another instance, or this one
                // once it is back).
                _ = shutdown.changed() => break End::Close(1001, "the server is shutting down"),
                // The user's sessions or permissions changed.
                () = recheck.notified() => {
                    if let Err(end) = self.recheck(Recheck::Always).await {
                        break end;
                    }
                }
                message = stream.next() => {
                    last_seen = Instant::now();
                    match message {
                        None => break End::Gone,
                        Some(Ok(AggregatedMessage::Close(reason))) => break End::Closed(reason),
                        Some(Err(ProtocolError::Overflow)) => {
                            break End::Close(1009, "message too big");
                        }
                        Some(Err(_)) => break End::Close(1002, "protocol error"),
                        Some(Ok(AggregatedMessage::Text(text))) => {
                            if let Err(end) = self.handle(&text).await {
                                break end;
                            }
                        }
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            let error = Error::bad_request("send JSON text messages");
                            if let Err(end) = self.send(json!({ "type": "error", "id": null, "error": error.logged_body() })).await {
                                break end;
                            }
                        }
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            if let Err(end) = bounded(self.session.pong(&bytes), &overflow, self.stall).await {
                                break end;
                            }
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                    }
                }
                Some(first) = outgoing.recv() => {
                    // Everything already queued goes out in this turn.
                    let mut batch = vec![first];
                    while batch.len() < 256 {
                        match outgoing.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    if let Err(end) = self.deliver(batch).await {
                        break end;
                    }
                }
                _ = heartbeat.tick() => {
                    if last_seen.elapsed() > settings.heartbeat * 3 {
                        break End::Close(1001, "no answer to pings");
                    }
                    if let Err(end) = bounded(self.session.ping(b""), &overflow, self.stall).await {
                        break end;
                    }
                    if let Err(end) = self.recheck(Recheck::IfUserDiffers).await {
                        break end;
                    }
                }
            }
        };
        if let Some(user) = self.user {
            self.channels.layer.hub().unwatch_user(user, self.id);
        }
        self.channels.layer.hub().close_socket(self.id);
        self.leave_all().await;
        let reason = match end {
            End::Gone => return,
            End::Closed(reason) => reason.map(|reason| CloseReason { code: reason.code, description: None }),
            End::Close(code, reason) => {
                Some(CloseReason { code: CloseCode::from(code), description: Some(reason.to_owned()) })
            }
        };
        // The close frame goes out after what the session already holds; a client that reads
        // nothing at all gets `stall` to take it, then the connection is dropped without it.
        let _ = tokio::time::timeout(self.stall, self.session.close(reason)).await;
    }

    /// Finds a logged-in socket's user again. A socket whose session ended (logout, password
    /// change, expiry, deactivation) is closed with 1008. Otherwise the subscriptions are
    /// checked again with the current user (always after a change was announced; at a
    /// heartbeat only when the user differs from the one the socket knew), and those that no
    /// longer pass end with an `error` message.
    async fn recheck(&mut self, when: Recheck) -> Result<(), End> {
        let Some(id) = self.user else { return Ok(()) };
        let current = match self.shared.services.authenticator.authenticate(self.ctx.request()).await {
            Ok(Some(current)) if current.id == id && current.is_active => current,
            Ok(_) => return Err(End::Close(1008, "the session ended")),
            // A failing check (database down) does not close sockets; the next heartbeat
            // checks again.
            Err(error) => {
                tracing::warn!(%error, "could not re-check a channel socket's user; keeping it open");
                return Ok(());
            }
        };
        let known = self.ctx.user().await.ok().flatten().cloned();
        if when == Recheck::IfUserDiffers && known.as_ref() == Some(&current) {
            return Ok(());
        }
        self.ctx = self.fresh_ctx(current);
        let mut ids: Vec<u64> = self.subscriptions.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let Some(subscription) = self.subscriptions.get(&id) else { continue };
            let Err(error) = still_allowed(&subscription.channel, &self.ctx, &subscription.params, &self.shared).await
            else {
                continue;
            };
            if let Some(subscription) = self.subscriptions.remove(&id) {
                self.ids.remove(&subscription.key);
                self.end(subscription).await;
            }
            // `ended`: the subscription is over (a refused `send` leaves it in place).
            self.send(json!({ "type": "error", "id": id, "ended": true, "error": error.logged_body() })).await?;
        }
        Ok(())
    }

    /// A context for the socket's request whose user is `user`, found by a re-check.
    fn fresh_ctx(&self, user: User) -> Ctx {
        let ctx = self.shared.ctx(self.ctx.request().clone());
        ctx.preset_user(Some(user));
        ctx
    }

    async fn send(&mut self, message: Value) -> Result<(), End> {
        bounded(self.session.text(message.to_string()), &self.outbox.overflow, self.stall).await
    }

    async fn deliver(&mut self, batch: Vec<Outgoing>) -> Result<(), End> {
        for message in batch {
            if message.subscription == FRAME {
                bounded(self.session.text(message.data.to_string()), &self.outbox.overflow, self.stall).await?;
                continue;
            }
            let Some(id) = self.ids.get(&message.subscription) else {
                continue; // unsubscribed meanwhile
            };
            let id = id.to_string();
            let mut text = String::with_capacity(message.data.len() + 40);
            text.push_str(r#"{"type":"message","id":"#);
            text.push_str(&id);
            text.push_str(r#","data":"#);
            text.push_str(&message.data);
            text.push('}');
            bounded(self.session.text(text), &self.outbox.overflow, self.stall).await?;
        }
        Ok(())
    }

    /// One client message. Mistakes are answered with an `error` message; only a closed
    /// socket ends the loop.
    async fn handle(&mut self, text: &str) -> Result<(), End> {
        let message: Value = match serde_json::from_str(text) {
            Ok(message) => message,
            Err(_) => return self.reply_error(None, Error::bad_request("the message is not valid JSON")).await,
        };
        let id = message.get("id").and_then(Value::as_u64);
        let kind = message.get("type").and_then(Value::as_str).unwrap_or_default();
        let Some(id) = id else {
            return self.reply_error(None, Error::bad_request("every message needs a numeric `id`")).await;
        };
        let outcome = match kind {
            "subscribe" => self.subscribe(id, &message).await,
            "unsubscribe" => {
                self.unsubscribe(id).await;
                Ok(None)
            }
            "send" => self.receive(id, message.get("data").cloned().unwrap_or(Value::Null)).await.map(|()| None),
            other => Err(Error::bad_request(format!(
                "unknown message type `{other}`; use `subscribe`, `send` or `unsubscribe`"
            ))),
        };
        match outcome {
            Ok(Some(reply)) => self.send(reply).await,
            Ok(None) => Ok(()),
            Err(error) => self.reply_error(Some(id), error).await,
        }
    }

    async fn reply_error(&mut self, id: Option<u64>, error: Error) -> Result<(), End> {
        self.send(json!({ "type": "error", "id": id, "error": error.logged_body() })).await
    }

    async fn subscribe(&mut self, id: u64, message: &Value) -> Result<Option<Value>, Error> {
        if self.subscriptions.contains_key(&id) {
            return Err(Error::bad_request(format!("subscription id {id} is already in use on this socket")));
        }
        if self.subscriptions.len() >= self.channels.settings.max_subscriptions {
            return Err(Error::bad_request("too many subscriptions on this socket"));
        }
        let name = message.get("channel").and_then(Value::as_str).unwrap_or_default();
        let Some(channel) = self.channels.definitions.get(name).cloned() else {
            return Err(Error::not_found(format!("no channel named `{name}`")));
        };
        if !self.channels.layer.is_available() {
            return Err(Error::new(ErrorCode::Unavailable, "the channel layer is unavailable; try again shortly"));
        }
        let params = message.get("params").cloned().unwrap_or_else(|| json!({}));
        let hooks = Arc::clone(&channel.hooks);
        let (group, params) =
            invoke(channel.label(), channel.access(), &self.ctx, &self.shared.limits, given(params), |params| {
                hooks.subscribe(&self.ctx, params)
            })
            .await?;
        let key = self.next_key;
        self.next_key += 1;
        self.channels.layer.hub().join(&group, self.id, key, self.outbox.clone());
        if let Err(error) = guarded(channel.label(), self.shared.limits.timeout, hooks.join(&self.ctx, &params)).await {
            tracing::warn!(channel = channel.name(), %error, "a channel's on_join failed");
        }
        self.ids.insert(key, id);
        self.subscriptions.insert(id, Subscription { key, channel, group, params });
        Ok(Some(json!({ "type": "subscribed", "id": id })))
    }

    async fn unsubscribe(&mut self, id: u64) {
        if let Some(subscription) = self.subscriptions.remove(&id) {
            self.ids.remove(&subscription.key);
            self.end(subscription).await;
        }
    }

    async fn end(&self, subscription: Subscription) {
        self.channels.layer.hub().leave(&subscription.group, self.id, subscription.key);
        let hooks = Arc::clone(&subscription.channel.hooks);
        let _ = catch_panic(hooks.leave(&self.ctx, &subscription.params)).await;
    }

    async fn leave_all(&mut self) {
        self.ids.clear();
        for (_, subscription) in std::mem::take(&mut self.subscriptions) {
            self.end(subscription).await;
        }
    }

    async fn receive(&mut self, id: u64, data: Value) -> Result<(), Error> {
        let Some(subscription) = self.subscriptions.get(&id) else {
            return Err(Error::not_found(format!("no subscription {id} on this socket")));
        };
        if !subscription.channel.accepts_messages() {
            return Err(Error::bad_request(format!(
                "the channel `{}` does not accept messages",
                subscription.channel.name()
            )));
        }
        let (channel, params) = (&subscription.channel, &subscription.params);
        let hooks = Arc::clone(&channel.hooks);
        // The auth level was checked at the subscription and is re-checked when the user changes.
        invoke(channel.label(), Access::ANYONE, &self.ctx, &self.shared.limits, given(data), |data| {
            hooks.receive(&self.ctx, params, data)
        })
        .await
    }
}

/// When [`Connection::recheck`] checks the subscriptions again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recheck {
    /// A change of the user was announced: permissions an app keeps elsewhere may have changed.
    Always,
    /// The heartbeat: only when the user (flags included) is not the one the socket knew.
    IfUserDiffers,
}

/// Whether the user of `ctx` may still follow a subscription: the channel's auth level, then
/// its `authorize` (a hook that fails or panics ends the subscription too).
async fn still_allowed(channel: &ChannelDef, ctx: &Ctx, params: &AnyParams, shared: &Shared) -> Result<(), Error> {
    let hooks = Arc::clone(&channel.hooks);
    let allowed =
        invoke(channel.label(), channel.access(), ctx, &shared.limits, given(()), |()| hooks.authorize(ctx, params))
            .await?;
    if allowed {
        Ok(())
    } else {
        Err(Error::forbidden(format!("you may no longer subscribe to `{}` with these parameters", channel.name())))
    }
}
