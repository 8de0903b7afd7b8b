//! `GET /api/mizan/ws`: one WebSocket per browser tab, multiplexing channel subscriptions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, ProtocolError, Session};
use futures_util::StreamExt as _;
use serde_json::{json, Value};
use tokio::sync::{mpsc, Notify};

use super::hub::{Outbox, Outgoing};
use super::{AnyParams, ChannelDef};
use crate::app::Shared;
use crate::{Ctx, Error, ErrorCode};

/// Close code for a client that does not read its messages fast enough ("try again later").
const TOO_SLOW: u16 = 1013;

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// The WebSocket handshake: the origin rules of calls, then the upgrade.
pub(crate) async fn websocket(request: HttpRequest, body: web::Payload, shared: web::Data<Shared>) -> HttpResponse {
    let Some(channels) = shared.channels.clone() else {
        return Error::not_found("this app has no channels").error_response();
    };
    if let Err(error) = crate::csrf::check_origin(&request, &shared.trusted_origins) {
        return error.error_response();
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
    let connection = Connection {
        id: NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed),
        shared: shared.into_inner(),
        channels,
        ctx,
        user,
        session,
        subscriptions: HashMap::new(),
    };
    actix_web::rt::spawn(connection.run(stream));
    response
}

/// The channels of an app: definitions by name, the layer, the socket's settings.
#[derive(Clone)]
pub(crate) struct ChannelSet {
    pub(crate) definitions: Arc<HashMap<&'static str, ChannelDef>>,
    pub(crate) layer: Arc<dyn super::ChannelLayer>,
    pub(crate) settings: super::ChannelSettings,
}

struct Subscription {
    channel: ChannelDef,
    group: String,
    params: AnyParams,
}

struct Connection {
    id: u64,
    shared: Arc<Shared>,
    channels: ChannelSet,
    ctx: Ctx,
    user: Option<i32>,
    session: Session,
    subscriptions: HashMap<u64, Subscription>,
}

/// Why the loop ended, and how to close.
enum End {
    /// The peer closed or vanished: nothing to send.
    Gone,
    Close(u16, &'static str),
}

impl Connection {
    async fn run(mut self, mut stream: actix_ws::AggregatedMessageStream) {
        let settings = self.channels.settings;
        let (queue, mut outgoing) = mpsc::channel::<Outgoing>(settings.send_queue.max(1));
        let overflowed = Arc::new(Notify::new());
        let outbox = Outbox { queue, overflowed: Arc::clone(&overflowed) };
        let mut heartbeat = tokio::time::interval(settings.heartbeat);
        heartbeat.tick().await;
        let mut last_seen = Instant::now();
        let end = loop {
            tokio::select! {
                () = overflowed.notified() => break End::Close(TOO_SLOW, "too slow: messages were not read in time"),
                message = stream.next() => {
                    last_seen = Instant::now();
                    match message {
                        None | Some(Ok(AggregatedMessage::Close(_))) => break End::Gone,
                        Some(Err(ProtocolError::Overflow)) => {
                            break End::Close(1009, "message too big");
                        }
                        Some(Err(_)) => break End::Close(1002, "protocol error"),
                        Some(Ok(AggregatedMessage::Text(text))) => {
                            if let Err(end) = self.handle(&text, &outbox).await {
                                break end;
                            }
                        }
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            let error = Error::bad_request("send JSON text messages");
                            if self.send(json!({ "type": "error", "id": null, "error": error.logged_body() })).await.is_err() {
                                break End::Gone;
                            }
                        }
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            if self.session.pong(&bytes).await.is_err() {
                                break End::Gone;
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
                    if self.deliver(batch).await.is_err() {
                        break End::Gone;
                    }
                }
                _ = heartbeat.tick() => {
                    if last_seen.elapsed() > settings.heartbeat * 3 {
                        break End::Close(1001, "no answer to pings");
                    }
                    if self.session.ping(b"").await.is_err() {
                        break End::Gone;
                    }
                    if let Some(end) = self.session_ended().await {
                        break end;
                    }
                }
            }
        };
        self.leave_all().await;
        if let End::Close(code, reason) = end {
            let reason = CloseReason { code: CloseCode::from(code), description: Some(reason.to_owned()) };
            let _ = self.session.close(Some(reason)).await;
        }
    }

    /// A logged-in socket whose session ended (logout, password change, expiry) is closed.
    async fn session_ended(&self) -> Option<End> {
        let user = self.user?;
        match self.shared.authenticator.authenticate(self.ctx.request()).await {
            Ok(Some(current)) if current.id == user && current.is_active => None,
            Ok(_) => Some(End::Close(1008, "the session ended")),
            // A failing check (database down) does not close sockets.
            Err(_) => None,
        }
    }

    async fn send(&mut self, message: Value) -> Result<(), actix_ws::Closed> {
        self.session.text(message.to_string()).await
    }

    async fn deliver(&mut self, batch: Vec<Outgoing>) -> Result<(), actix_ws::Closed> {
        for message in batch {
            if !self.subscriptions.contains_key(&message.subscription) {
                continue; // unsubscribed meanwhile
            }
            let mut text = String::with_capacity(message.data.len() + 40);
            text.push_str(r#"{"type":"message","id":"#);
            text.push_str(&message.subscription.to_string());
            text.push_str(r#","data":"#);
            text.push_str(&message.data);
            text.push('}');
            self.session.text(text).await?;
        }
        Ok(())
    }

    /// One client message. Mistakes are answered with an `error` message; only a closed
    /// socket ends the loop.
    async fn handle(&mut self, text: &str, outbox: &Outbox) -> Result<(), End> {
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
            "subscribe" => self.subscribe(id, &message, outbox).await,
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
            Ok(Some(reply)) => self.send(reply).await.map_err(|_| End::Gone),
            Ok(None) => Ok(()),
            Err(error) => self.reply_error(Some(id), error).await,
        }
    }

    async fn reply_error(&mut self, id: Option<u64>, error: Error) -> Result<(), End> {
        self.send(json!({ "type": "error", "id": id, "error": error.logged_body() })).await.map_err(|_| End::Gone)
    }

    async fn subscribe(&mut self, id: u64, message: &Value, outbox: &Outbox) -> Result<Option<Value>, Error> {
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
        crate::auth::authorize(channel.auth(), None, &self.ctx).await?;
        let params = message.get("params").cloned().unwrap_or_else(|| json!({}));
        let hooks = Arc::clone(&channel.hooks);
        let (group, params) = guard(hooks.subscribe(&self.ctx, params)).await?;
        self.channels.layer.hub().join(&group, self.id, id, outbox.clone());
        if let Err(error) = guard(hooks.join(&self.ctx, &params)).await {
            tracing::warn!(channel = channel.name(), %error, "a channel's on_join failed");
        }
        self.subscriptions.insert(id, Subscription { channel, group, params });
        Ok(Some(json!({ "type": "subscribed", "id": id })))
    }

    async fn unsubscribe(&mut self, id: u64) {
        if let Some(subscription) = self.subscriptions.remove(&id) {
            self.end(id, subscription).await;
        }
    }

    async fn end(&self, id: u64, subscription: Subscription) {
        self.channels.layer.hub().leave(&subscription.group, self.id, id);
        let hooks = Arc::clone(&subscription.channel.hooks);
        let _ = crate::rpc::catch_panic(hooks.leave(&self.ctx, &subscription.params)).await;
    }

    async fn leave_all(&mut self) {
        for (id, subscription) in std::mem::take(&mut self.subscriptions) {
            self.end(id, subscription).await;
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
        let hooks = Arc::clone(&subscription.channel.hooks);
        guard(hooks.receive(&self.ctx, &subscription.params, data)).await
    }
}

/// Runs a hook; a panic becomes an `INTERNAL` error (logged), not a dead socket.
async fn guard<T>(future: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
    match crate::rpc::catch_panic(future).await {
        Ok(result) => result,
        Err(panic) => Err(Error::internal(std::io::Error::other(format!("a channel hook panicked: {panic}")))),
    }
}
