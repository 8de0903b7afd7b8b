//! The channel socket end to end: a real server on loopback and a WebSocket client speaking the
//! wire protocol (`subscribe` / `subscribed` / `message` / `send` / `unsubscribe` / `error`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use actix_web::HttpRequest;
use futures_util::future::LocalBoxFuture;
use futures_util::{SinkExt as _, StreamExt as _};
use mizan::channels::{Channel, ChannelSettings, NoMessages, RedisLayer};
use mizan::{AuthLevel, Ctx, ErrorCode, Mizan, MizanApp, User};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use validator::Validate;

use crate::fixtures::{self, Announcements};
use crate::support::TOKEN;

/// Upper bound for anything that should happen "soon"; only there so that a failure does not
/// hang the run.
const PATIENCE: Duration = Duration::from_secs(10);

// --- The channels under test -------------------------------------------------------------------

/// Chat rooms: anyone may join (but not the room named "secret") and talk.
struct Room;

#[derive(Debug, Serialize, Deserialize, JsonSchema, Validate)]
struct RoomParams {
    #[validate(length(min = 1, max = 32, message = "name the room"))]
    room: String,
}

fn room(name: &str) -> RoomParams {
    RoomParams { room: name.to_owned() }
}

#[derive(Debug, Serialize, Deserialize, JsonSchema, Validate)]
struct Line {
    #[validate(length(max = 1000, message = "keep it under 1000 characters"))]
    text: String,
}

/// The texts `Room::on_receive` was given.
static RECEIVED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn line(text: impl Into<String>) -> Line {
    Line { text: text.into() }
}

/// The rooms whose subscriptions ended (`on_leave`), one entry per subscription.
static LEFT: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn left(room: &str) -> usize {
    LEFT.lock().unwrap().iter().filter(|left| *left == room).count()
}

impl Channel for Room {
    const NAME: &'static str = "room";
    type Params = RoomParams;
    type ServerMessage = Line;
    type ClientMessage = Line;

    fn group(params: &RoomParams) -> String {
        params.room.clone()
    }

    async fn authorize(_ctx: &Ctx, params: &RoomParams) -> mizan::Result<bool> {
        Ok(params.room != "secret")
    }

    async fn on_receive(ctx: &Ctx, params: &RoomParams, message: Line) -> mizan::Result<()> {
        match message.text.as_str() {
            "take your time" => tokio::time::sleep(Duration::from_secs(30)).await,
            "fall over" => panic!("on_receive fell over"),
            _ => {}
        }
        RECEIVED.lock().unwrap().push(message.text.clone());
        let who = ctx.user().await?.map_or_else(|| "anonymous".to_owned(), |user| user.username.clone());
        ctx.broadcast::<Room>(params, &line(format!("{who}: {}", message.text))).await
    }

    async fn on_leave(_ctx: &Ctx, params: &RoomParams) {
        LEFT.lock().unwrap().push(params.room.clone());
    }
}

/// Members-only rooms: logged-in users only; nobody may send.
struct Members;

impl Channel for Members {
    const NAME: &'static str = "members";
    const AUTH: AuthLevel = AuthLevel::Authenticated;
    type Params = RoomParams;
    type ServerMessage = Line;
    type ClientMessage = NoMessages;

    fn group(params: &RoomParams) -> String {
        params.room.clone()
    }
}

/// A feed anyone may follow and nobody may write to.
struct News;

impl Channel for News {
    const NAME: &'static str = "news";
    type Params = RoomParams;
    type ServerMessage = Line;
    type ClientMessage = NoMessages;

    fn group(params: &RoomParams) -> String {
        params.room.clone()
    }
}

/// The ops room of staff users: `authorize` reads the user's staff flag.
struct StaffRoom;

impl Channel for StaffRoom {
    const NAME: &'static str = "staff-room";
    type Params = RoomParams;
    type ServerMessage = Line;
    type ClientMessage = NoMessages;

    fn group(params: &RoomParams) -> String {
        params.room.clone()
    }

    async fn authorize(ctx: &Ctx, _params: &RoomParams) -> mizan::Result<bool> {
        Ok(ctx.user().await?.is_some_and(|user| user.is_staff))
    }
}

/// Staff only, by auth level.
struct StaffOnly;

impl Channel for StaffOnly {
    const NAME: &'static str = "staff-only";
    const AUTH: AuthLevel = AuthLevel::Staff;
    type Params = RoomParams;
    type ServerMessage = Line;
    type ClientMessage = NoMessages;

    fn group(params: &RoomParams) -> String {
        params.room.clone()
    }
}

/// The fixtures' app (functions, `HeaderUsers`) with the channels above.
#[test]
fn a_channel_without_client_messages_says_so() {
    assert!(!mizan::channels::ChannelDef::of::<News>().accepts_messages());
    assert!(mizan::channels::ChannelDef::of::<Room>().accepts_messages());
}

fn app() -> Mizan {
    fixtures::app().channels(mizan::channels![Room, Members, News, Announcements, StaffRoom, StaffOnly])
}

// --- A real server ------------------------------------------------------------------------------

struct Server {
    address: SocketAddr,
    app: MizanApp,
    handle: actix_web::dev::ServerHandle,
}

impl Server {
    fn start(mizan: Mizan) -> Self {
        let app = mizan.build().expect("the test app builds");
        let factory = app.clone();
        let server = actix_web::HttpServer::new(move || {
            let app = factory.clone();
            actix_web::App::new().configure(move |cfg| app.configure(cfg))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .bind(("127.0.0.1", 0))
        .expect("a free port on loopback");
        let address = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self { address, app, handle }
    }

    fn channels(&self) -> mizan::channels::Channels {
        self.app.channels().expect("the app has channels")
    }

    /// This server's own origin, as a browser on one of its pages sends it.
    fn origin(&self) -> String {
        format!("http://{}", self.address)
    }

    async fn connect(&self, user: Option<&str>) -> Socket {
        handshake(self.address, Some(&self.origin()), user).await.expect("the handshake succeeds")
    }

    /// A socket of the browser whose cookies are `cookies` (`name=value; ...`).
    async fn connect_with_cookies(&self, cookies: &str) -> Socket {
        let mut request = format!("ws://{}/api/mizan/ws", self.address).into_client_request().unwrap();
        request.headers_mut().insert("origin", HeaderValue::from_str(&self.origin()).unwrap());
        request.headers_mut().insert("cookie", HeaderValue::from_str(cookies).unwrap());
        let connecting = tokio_tungstenite::connect_async(request);
        let (stream, _) = tokio::time::timeout(PATIENCE, connecting).await.expect("the handshake is answered").unwrap();
        Socket(stream, None)
    }

    async fn stop(self) {
        self.handle.stop(false).await;
    }
}

/// A POST to `/api/mizan/call/{name}` over the network, passing the CSRF checks; the status and
/// the JSON body.
async fn call(address: SocketAddr, name: &str, arguments: Value) -> (u16, Value) {
    call_with(address, name, arguments, "").await
}

/// [`call`] with more header lines (`Name: value\r\n` each).
async fn call_with(address: SocketAddr, name: &str, arguments: Value, headers: &str) -> (u16, Value) {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let body = arguments.to_string();
        let request = format!(
            "POST /api/mizan/call/{name} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
             Cookie: mizan_csrf={TOKEN}\r\nX-CSRF-Token: {TOKEN}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        response
    };
    let response = tokio::time::timeout(PATIENCE, exchange).await.expect("the call is answered");
    let response = String::from_utf8(response).expect("a UTF-8 response");
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head.split(' ').nth(1).and_then(|status| status.parse().ok()).expect("a status line");
    let body = serde_json::from_str(body).unwrap_or_else(|_| panic!("{head}: not JSON: {body}"));
    (status, body)
}

// --- A WebSocket client -------------------------------------------------------------------------

type Stream = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A client socket, and the name its `welcome` frame gave it.
struct Socket(Stream, Option<String>);

/// Opens `/api/mizan/ws` with the given `Origin` and `x-test-user` headers.
async fn handshake(
    address: SocketAddr,
    origin: Option<&str>,
    user: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    let mut request = format!("ws://{address}/api/mizan/ws").into_client_request().unwrap();
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    if let Some(user) = user {
        request.headers_mut().insert("x-test-user", HeaderValue::from_str(user).unwrap());
    }
    let connecting = tokio_tungstenite::connect_async(request);
    let (stream, _) = tokio::time::timeout(PATIENCE, connecting).await.expect("the handshake is answered")?;
    Ok(Socket(stream, None))
}

/// What the server sent next.
#[derive(Debug)]
enum Received {
    Json(Value),
    Closed(Option<CloseFrame>),
}

impl Socket {
    async fn send(&mut self, message: Value) {
        self.send_text(&message.to_string()).await;
    }

    async fn send_text(&mut self, text: &str) {
        self.0.send(Message::text(text)).await.expect("the socket is open");
    }

    /// The next JSON message or the close frame; `None` when nothing came within `wait`.
    /// Pings are answered (by the client library) and skipped, and so is the `welcome` frame,
    /// whose socket name is kept.
    async fn next_within(&mut self, wait: Duration) -> Option<Received> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let received = tokio::time::timeout_at(deadline, Self::next_frame(&mut self.0)).await.ok()?;
            if let Received::Json(json) = &received {
                if json["type"] == "welcome" {
                    self.1 = Some(json["socket"].as_str().expect("the welcome names the socket").to_owned());
                    continue;
                }
            }
            return Some(received);
        }
    }

    /// The socket's name, from its `welcome` frame (the first the server sends).
    async fn name(&mut self) -> String {
        if self.1.is_none() {
            let json = match tokio::time::timeout(PATIENCE, Self::next_frame(&mut self.0)).await {
                Ok(Received::Json(json)) => json,
                other => panic!("expected the welcome frame, got {other:?}"),
            };
            assert_eq!(json["type"], "welcome", "{json}");
            self.1 = json["socket"].as_str().map(str::to_owned);
        }
        self.1.clone().expect("the welcome names the socket")
    }

    async fn next_frame(stream: &mut Stream) -> Received {
        {
            loop {
                match stream.next().await {
                    Some(Ok(Message::Text(text))) => {
                        let json = serde_json::from_str(text.as_str())
                            .unwrap_or_else(|error| panic!("not JSON ({error}): {text}"));
                        return Received::Json(json);
                    }
                    Some(Ok(Message::Close(frame))) => return Received::Closed(frame),
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(other)) => panic!("unexpected frame {other:?}"),
                    Some(Err(error)) => panic!("the connection failed without a close frame: {error}"),
                    None => panic!("the connection ended without a close frame"),
                }
            }
        }
    }

    /// The next JSON message (a close frame fails the test).
    async fn recv(&mut self) -> Value {
        match self.next_within(PATIENCE).await {
            Some(Received::Json(json)) => json,
            Some(Received::Closed(frame)) => panic!("the server closed the socket: {frame:?}"),
            None => panic!("nothing arrived within {PATIENCE:?}"),
        }
    }

    /// Reads until the server's close frame: the messages before it, and its code.
    async fn until_closed(&mut self) -> (Vec<Value>, u16) {
        let mut messages = Vec::new();
        loop {
            match self.next_within(PATIENCE).await {
                Some(Received::Json(json)) => messages.push(json),
                Some(Received::Closed(Some(frame))) => return (messages, u16::from(frame.code)),
                Some(Received::Closed(None)) => panic!("a close frame without a code"),
                None => panic!("the socket was not closed within {PATIENCE:?}"),
            }
        }
    }

    /// Asserts that nothing arrives for `wait` (while answering pings).
    async fn assert_quiet(&mut self, wait: Duration) {
        if let Some(received) = self.next_within(wait).await {
            panic!("expected silence, got {received:?}");
        }
    }

    /// Subscribes and returns the server's answer.
    async fn subscribe(&mut self, id: u64, channel: &str, params: Value) -> Value {
        self.send(json!({ "type": "subscribe", "id": id, "channel": channel, "params": params })).await;
        self.recv().await
    }

    /// Subscribes and asserts that it worked.
    async fn subscribed(&mut self, id: u64, channel: &str, params: Value) {
        let reply = self.subscribe(id, channel, params).await;
        assert_eq!(reply, json!({ "type": "subscribed", "id": id }));
    }
}

/// Asserts an `error` message for subscription `id` with `code` and a message.
fn assert_error(reply: &Value, id: Value, code: &str) {
    assert_eq!(reply["type"], "error", "{reply}");
    assert_eq!(reply["id"], id, "{reply}");
    assert_eq!(reply["error"]["code"], code, "{reply}");
    assert!(reply["error"]["message"].as_str().is_some_and(|message| !message.is_empty()), "{reply}");
}

fn message(id: u64, text: &str) -> Value {
    json!({ "type": "message", "id": id, "data": { "text": text } })
}

/// Polls `condition` every 20 ms until it holds; fails the test after [`PATIENCE`].
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// --- The tests ----------------------------------------------------------------------------------

#[actix_web::test]
async fn a_subscription_receives_broadcasts_from_server_functions_and_from_the_app_handle() {
    let server = Server::start(app());
    let mut socket = server.connect(None).await;
    socket.subscribed(1, "announcements", json!({ "room": "lobby" })).await;
    socket.subscribed(2, "room", json!({ "room": "lobby" })).await;

    let (status, body) = call(server.address, "announce", json!({ "room": "lobby", "text": "doors open" })).await;
    assert_eq!((status, &body), (200, &json!({ "result": null })));
    assert_eq!(socket.recv().await, message(1, "doors open"), "the broadcast of the server function");

    server.channels().broadcast::<Room>(&room("lobby"), &line("from a background task")).await.unwrap();
    assert_eq!(
        socket.recv().await,
        message(2, "from a background task"),
        "the same group of another channel is not reached"
    );
    server.stop().await;
}

#[actix_web::test]
async fn a_refused_subscription_is_an_error_and_the_socket_stays_usable() {
    let server = Server::start(app());
    let mut socket = server.connect(Some("user")).await;
    let reply = socket.subscribe(1, "room", json!({ "room": "secret" })).await;
    assert_error(&reply, json!(1), "FORBIDDEN");

    socket.subscribed(2, "room", json!({ "room": "open" })).await;
    server.channels().broadcast::<Room>(&room("secret"), &line("classified")).await.unwrap();
    server.channels().broadcast::<Room>(&room("open"), &line("hello")).await.unwrap();
    assert_eq!(socket.recv().await, message(2, "hello"), "the refused subscription receives nothing");
    server.stop().await;
}

#[actix_web::test]
async fn authenticated_channels_refuse_anonymous_sockets() {
    let server = Server::start(app());
    let mut anonymous = server.connect(None).await;
    let reply = anonymous.subscribe(1, "members", json!({ "room": "club" })).await;
    assert_error(&reply, json!(1), "UNAUTHENTICATED");

    let mut user = server.connect(Some("user")).await;
    user.subscribed(1, "members", json!({ "room": "club" })).await;
    // The anonymous socket is still usable for open channels.
    anonymous.subscribed(2, "news", json!({ "room": "club" })).await;

    server.channels().broadcast::<Members>(&room("club"), &line("members only")).await.unwrap();
    server.channels().broadcast::<News>(&room("club"), &line("for everyone")).await.unwrap();
    assert_eq!(user.recv().await, message(1, "members only"));
    assert_eq!(anonymous.recv().await, message(2, "for everyone"), "the refused subscription received nothing");
    server.stop().await;
}

#[actix_web::test]
async fn broadcasts_reach_only_their_group() {
    let server = Server::start(app());
    let mut in_a = server.connect(None).await;
    let mut in_b = server.connect(None).await;
    in_a.subscribed(1, "room", json!({ "room": "a" })).await;
    in_b.subscribed(1, "room", json!({ "room": "b" })).await;
    // Same group name, other channel: groups of different channels never mix.
    in_b.subscribed(2, "news", json!({ "room": "a" })).await;

    let channels = server.channels();
    channels.broadcast::<Room>(&room("a"), &line("for a")).await.unwrap();
    assert_eq!(in_a.recv().await, message(1, "for a"));
    channels.broadcast::<Room>(&room("b"), &line("for b")).await.unwrap();
    assert_eq!(in_b.recv().await, message(1, "for b"), "room b saw nothing of room a before this");
    channels.broadcast::<News>(&room("a"), &line("news for a")).await.unwrap();
    assert_eq!(in_b.recv().await, message(2, "news for a"));
    channels.broadcast::<Room>(&room("a"), &line("again for a")).await.unwrap();
    assert_eq!(in_a.recv().await, message(1, "again for a"), "room a saw nothing of the news group `a`");
    server.stop().await;
}

#[actix_web::test]
async fn client_messages_run_on_receive_and_reach_the_whole_room() {
    let server = Server::start(app());
    let mut ann = server.connect(Some("user")).await;
    let mut bob = server.connect(None).await;
    ann.subscribed(1, "room", json!({ "room": "chat" })).await;
    bob.subscribed(7, "room", json!({ "room": "chat" })).await;

    ann.send(json!({ "type": "send", "id": 1, "data": { "text": "hi" } })).await;
    assert_eq!(ann.recv().await, message(1, "user: hi"), "the sender is in the room too");
    assert_eq!(bob.recv().await, message(7, "user: hi"));
    bob.send(json!({ "type": "send", "id": 7, "data": { "text": "hello" } })).await;
    assert_eq!(ann.recv().await, message(1, "anonymous: hello"));
    assert_eq!(bob.recv().await, message(7, "anonymous: hello"));

    // A message that does not decode as the channel's client message.
    ann.send(json!({ "type": "send", "id": 1, "data": { "words": "hi" } })).await;
    assert_error(&ann.recv().await, json!(1), "BAD_REQUEST");
    // A channel that accepts no messages.
    ann.subscribed(2, "news", json!({ "room": "chat" })).await;
    ann.send(json!({ "type": "send", "id": 2, "data": { "text": "hi" } })).await;
    let reply = ann.recv().await;
    assert_error(&reply, json!(2), "BAD_REQUEST");
    assert!(reply["error"]["message"].as_str().unwrap().contains("does not accept messages"), "{reply}");
    // No such subscription.
    ann.send(json!({ "type": "send", "id": 99, "data": { "text": "hi" } })).await;
    assert_error(&ann.recv().await, json!(99), "NOT_FOUND");

    // None of the refused messages reached the room; the socket still works.
    ann.send(json!({ "type": "send", "id": 1, "data": { "text": "still here" } })).await;
    assert_eq!(bob.recv().await, message(7, "user: still here"));
    assert_eq!(ann.recv().await, message(1, "user: still here"));
    server.stop().await;
}

#[actix_web::test]
async fn a_client_message_breaking_a_rule_gets_its_field_errors_and_never_reaches_on_receive() {
    let server = Server::start(app());
    let mut ann = server.connect(Some("user")).await;
    let mut bob = server.connect(None).await;
    ann.subscribed(1, "room", json!({ "room": "rules" })).await;
    bob.subscribed(2, "room", json!({ "room": "rules" })).await;

    let long = "y".repeat(1001);
    ann.send(json!({ "type": "send", "id": 1, "data": { "text": long } })).await;
    let reply = ann.recv().await;
    assert_error(&reply, json!(1), "VALIDATION");
    assert_eq!(reply.get("ended"), None, "the subscription stays: {reply}");
    assert_eq!(reply["error"]["fields"], json!({ "text": ["keep it under 1000 characters"] }));
    bob.assert_quiet(Duration::from_millis(200)).await;
    assert!(!RECEIVED.lock().unwrap().iter().any(|text| *text == long), "on_receive never ran");

    // A valid message is delivered, on the same subscription.
    ann.send(json!({ "type": "send", "id": 1, "data": { "text": "short and sweet" } })).await;
    assert_eq!(bob.recv().await, message(2, "user: short and sweet"));
    assert_eq!(ann.recv().await, message(1, "user: short and sweet"));
    assert!(RECEIVED.lock().unwrap().iter().any(|text| text == "short and sweet"));
    server.stop().await;
}

/// Channel hooks run on the path calls take: the app's time limit, JSON depth limit and panic
/// guard hold for a subscription's messages too, and the socket outlives each failure.
#[actix_web::test]
async fn channel_hooks_have_the_time_limit_depth_limit_and_panic_guard_of_calls() {
    let server = Server::start(app().request_timeout(Some(Duration::from_millis(300))).max_json_depth(4));
    let mut ann = server.connect(Some("user")).await;
    let mut bob = server.connect(None).await;
    ann.subscribed(1, "room", json!({ "room": "limits" })).await;
    bob.subscribed(2, "room", json!({ "room": "limits" })).await;

    ann.send(json!({ "type": "send", "id": 1, "data": { "text": "take your time" } })).await;
    let reply = ann.recv().await;
    assert_error(&reply, json!(1), "UNAVAILABLE");
    assert!(reply["error"]["message"].as_str().unwrap().contains("channel `room` did not finish within"), "{reply}");

    ann.send(json!({ "type": "send", "id": 1, "data": { "text": "fall over" } })).await;
    let reply = ann.recv().await;
    assert_error(&reply, json!(1), "INTERNAL");
    assert!(!reply.to_string().contains("fell over"), "the panic stays in the log: {reply}");

    let deep = json!({ "text": "deep", "extra": [[[[["five levels"]]]]] });
    ann.send(json!({ "type": "send", "id": 1, "data": deep })).await;
    let reply = ann.recv().await;
    assert_error(&reply, json!(1), "BAD_REQUEST");
    assert!(reply["error"]["message"].as_str().unwrap().contains("nested more than 4 levels"), "{reply}");
    let deep_params = json!({ "room": "x", "extra": [[[[[1]]]]] });
    ann.send(json!({ "type": "subscribe", "id": 3, "channel": "room", "params": deep_params })).await;
    assert_error(&ann.recv().await, json!(3), "BAD_REQUEST");
    bob.assert_quiet(Duration::from_millis(200)).await;

    // The subscription and the socket are still there.
    ann.send(json!({ "type": "send", "id": 1, "data": { "text": "still standing" } })).await;
    assert_eq!(bob.recv().await, message(2, "user: still standing"));
    assert_eq!(ann.recv().await, message(1, "user: still standing"));
    server.stop().await;
}

#[actix_web::test]
async fn after_unsubscribe_no_more_messages_arrive() {
    let server = Server::start(app());
    let mut socket = server.connect(None).await;
    socket.subscribed(1, "room", json!({ "room": "unsub-1" })).await;
    socket.subscribed(2, "room", json!({ "room": "unsub-2" })).await;
    let channels = server.channels();
    channels.broadcast::<Room>(&room("unsub-1"), &line("before")).await.unwrap();
    assert_eq!(socket.recv().await, message(1, "before"));

    socket.send(json!({ "type": "unsubscribe", "id": 1 })).await;
    // Messages are handled in order: once this is answered, the unsubscribe was handled.
    socket.subscribed(3, "news", json!({ "room": "unsub-3" })).await;
    assert_eq!(left("unsub-1"), 1, "on_leave ran for the ended subscription");
    channels.broadcast::<Room>(&room("unsub-1"), &line("after")).await.unwrap();
    channels.broadcast::<Room>(&room("unsub-2"), &line("marker")).await.unwrap();
    assert_eq!(socket.recv().await, message(2, "marker"), "nothing arrived for the ended subscription");

    socket.send(json!({ "type": "send", "id": 1, "data": { "text": "hi" } })).await;
    assert_error(&socket.recv().await, json!(1), "NOT_FOUND");
    // The id is free again, for a new subscription.
    socket.subscribed(1, "room", json!({ "room": "unsub-4" })).await;
    channels.broadcast::<Room>(&room("unsub-4"), &line("new")).await.unwrap();
    assert_eq!(socket.recv().await, message(1, "new"));
    server.stop().await;
}

#[actix_web::test]
async fn malformed_messages_are_answered_with_errors_and_the_socket_stays_open() {
    let server = Server::start(app());
    let mut socket = server.connect(None).await;

    socket.send_text("this is not JSON").await;
    assert_error(&socket.recv().await, Value::Null, "BAD_REQUEST");

    socket.send(json!({ "type": "dance", "id": 3 })).await;
    assert_error(&socket.recv().await, json!(3), "BAD_REQUEST");

    socket.send(json!({ "type": "subscribe", "channel": "room", "params": { "room": "x" } })).await;
    assert_error(&socket.recv().await, Value::Null, "BAD_REQUEST");

    let reply = socket.subscribe(4, "room", json!({ "room": "" })).await;
    assert_error(&reply, json!(4), "VALIDATION");
    assert_eq!(reply["error"]["fields"], json!({ "room": ["name the room"] }));

    let reply = socket.subscribe(5, "room", json!({ "room": 5 })).await;
    assert_error(&reply, json!(5), "BAD_REQUEST");

    let reply = socket.subscribe(6, "no-such-channel", json!({})).await;
    assert_error(&reply, json!(6), "NOT_FOUND");

    socket.0.send(Message::binary(b"{}".to_vec())).await.unwrap();
    assert_error(&socket.recv().await, Value::Null, "BAD_REQUEST");

    socket.subscribed(7, "room", json!({ "room": "fine" })).await;
    let reply = socket.subscribe(7, "room", json!({ "room": "other" })).await;
    assert_error(&reply, json!(7), "BAD_REQUEST");

    // Still open, and none of the failed subscriptions exists.
    server.channels().broadcast::<Room>(&room("x"), &line("x")).await.unwrap();
    server.channels().broadcast::<Room>(&room("other"), &line("other")).await.unwrap();
    server.channels().broadcast::<Room>(&room("fine"), &line("fine")).await.unwrap();
    assert_eq!(socket.recv().await, message(7, "fine"));
    server.stop().await;
}

#[actix_web::test]
async fn a_message_over_the_size_limit_closes_the_socket_with_1009() {
    let settings = ChannelSettings { max_message_bytes: 1024, ..ChannelSettings::default() };
    let server = Server::start(app().channel_settings(settings));
    let mut socket = server.connect(None).await;
    socket.subscribed(1, "room", json!({ "room": "big" })).await;
    // Just under the limit is fine.
    let text = "x".repeat(900);
    socket.send(json!({ "type": "send", "id": 1, "data": { "text": text } })).await;
    assert_eq!(socket.recv().await, message(1, &format!("anonymous: {text}")));

    let text = "x".repeat(4096);
    socket.send(json!({ "type": "send", "id": 1, "data": { "text": text } })).await;
    let (messages, code) = socket.until_closed().await;
    assert_eq!((messages, code), (vec![], 1009));
    eventually("the subscription ended", || left("big") == 1).await;
    server.stop().await;
}

#[actix_web::test]
async fn the_handshake_checks_the_origin() {
    let server = Server::start(app());
    match handshake(server.address, Some("https://evil.example"), Some("user")).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        Err(error) => panic!("expected a 403, got {error}"),
        Ok(_) => panic!("a cross-origin handshake was accepted"),
    }
    let mut socket =
        handshake(server.address, Some(&server.origin()), Some("user")).await.expect("same origin is fine");
    socket.subscribed(1, "room", json!({ "room": "home" })).await;
    // Clients that send no Origin at all (not browsers) are not cross-site requests.
    let mut socket = handshake(server.address, None, None).await.expect("no origin is fine");
    socket.subscribed(1, "room", json!({ "room": "home" })).await;
    server.stop().await;
}

#[actix_web::test]
async fn a_client_that_does_not_read_is_disconnected_without_holding_up_the_others() {
    let settings = ChannelSettings { send_queue: 8, ..ChannelSettings::default() };
    let server = Server::start(app().channel_settings(settings));
    let mut reader = server.connect(None).await;
    let mut sleeper = server.connect(None).await;
    reader.subscribed(1, "room", json!({ "room": "burst" })).await;
    sleeper.subscribed(1, "room", json!({ "room": "burst" })).await;

    // 2,000 messages of 16 KiB (32 MiB, far more than the socket buffers hold). The publisher
    // runs at the pace of the client that reads; the other one reads nothing.
    const COUNT: usize = 2000;
    let padding = "x".repeat(16 * 1024);
    let channels = server.channels();
    for n in 0..COUNT {
        channels.broadcast::<Room>(&room("burst"), &line(format!("{n} {padding}"))).await.unwrap();
        let received = reader.recv().await;
        assert_eq!(received["id"], 1);
        let text = received["data"]["text"].as_str().unwrap();
        assert_eq!(text.split_once(' ').unwrap().0, n.to_string(), "the reader gets every message, in order");
    }

    // The server gave up on the sleeper by itself: its subscription ended while it read nothing.
    eventually("the sleeper's subscription ended", || left("burst") == 1).await;

    // What the sleeper finds when it finally reads: the start of the stream, without gaps, then
    // the close frame saying it was too slow.
    let (messages, code) = sleeper.until_closed().await;
    assert_eq!(code, 1013);
    assert!(!messages.is_empty() && messages.len() < COUNT, "{} messages", messages.len());
    for (n, message) in messages.iter().enumerate() {
        let text = message["data"]["text"].as_str().unwrap();
        assert_eq!(text.split_once(' ').unwrap().0, n.to_string(), "no message is skipped before the close");
    }

    // The reader is unaffected.
    channels.broadcast::<Room>(&room("burst"), &line("after")).await.unwrap();
    assert_eq!(reader.recv().await, message(1, "after"));
    server.stop().await;
}

#[actix_web::test]
async fn a_client_that_stops_reading_is_disconnected_even_when_nothing_more_is_broadcast() {
    // The queue (1,024) holds everything broadcast here: only the blocked writes can tell.
    let settings = ChannelSettings { heartbeat: Duration::from_secs(1), ..ChannelSettings::default() };
    let server = Server::start(app().channel_settings(settings));
    let mut sleeper = server.connect(None).await;
    sleeper.subscribed(1, "room", json!({ "room": "stuck" })).await;
    const COUNT: usize = 600;
    let padding = "x".repeat(16 * 1024);
    for n in 0..COUNT {
        server.channels().broadcast::<Room>(&room("stuck"), &line(format!("{n} {padding}"))).await.unwrap();
    }
    eventually("the sleeper's subscription ended", || left("stuck") == 1).await;

    let (messages, code) = sleeper.until_closed().await;
    assert!(code == 1013 || code == 1001, "closed as too slow or silent, not with {code}");
    for (n, message) in messages.iter().enumerate() {
        let text = message["data"]["text"].as_str().unwrap();
        assert_eq!(text.split_once(' ').unwrap().0, n.to_string(), "in order, without gaps");
    }
    server.stop().await;
}

#[actix_web::test]
async fn a_close_from_the_client_is_answered_and_ends_its_subscriptions() {
    let server = Server::start(app());
    let mut socket = server.connect(None).await;
    socket.subscribed(1, "room", json!({ "room": "goodbye" })).await;
    socket.subscribed(2, "room", json!({ "room": "goodbye" })).await;
    let frame = CloseFrame { code: tungstenite::protocol::frame::coding::CloseCode::Normal, reason: "bye".into() };
    socket.0.close(Some(frame)).await.unwrap();
    let (messages, code) = socket.until_closed().await;
    assert_eq!((messages, code), (vec![], 1000), "the server answers the close handshake");
    eventually("both subscriptions ended", || left("goodbye") == 2).await;
    server.stop().await;
}

/// Whether [`Flip`] still knows the user.
static SIGNED_IN: AtomicBool = AtomicBool::new(true);

/// `x-test-user: user` is a user while [`SIGNED_IN`] holds.
struct Flip;

impl mizan::Authenticator for Flip {
    fn authenticate<'a>(&'a self, request: &'a HttpRequest) -> LocalBoxFuture<'a, mizan::Result<Option<User>>> {
        let claims = request.headers().get("x-test-user").is_some_and(|user| user == "user");
        let user = (claims && SIGNED_IN.load(Ordering::SeqCst)).then(|| User {
            id: 1,
            username: "user".to_owned(),
            email: "user@example.com".to_owned(),
            is_active: true,
            is_staff: false,
            is_superuser: false,
        });
        Box::pin(async move { Ok(user) })
    }
}

#[actix_web::test]
async fn a_socket_whose_session_ended_is_closed_with_1008() {
    let settings = ChannelSettings { heartbeat: Duration::from_millis(200), ..ChannelSettings::default() };
    let server = Server::start(app().authenticator(Flip).channel_settings(settings));
    let mut socket = server.connect(Some("user")).await;
    socket.subscribed(1, "members", json!({ "room": "session" })).await;
    let mut anonymous = server.connect(None).await;
    anonymous.subscribed(1, "room", json!({ "room": "session" })).await;

    // While the session lasts (and the clients answer pings), heartbeats keep the sockets open.
    tokio::join!(socket.assert_quiet(Duration::from_secs(1)), anonymous.assert_quiet(Duration::from_secs(1)));
    server.channels().broadcast::<Members>(&room("session"), &line("still open")).await.unwrap();
    assert_eq!(socket.recv().await, message(1, "still open"));

    SIGNED_IN.store(false, Ordering::SeqCst);
    // Anonymous sockets have no session to end: the other one stays open meanwhile.
    let ((messages, code), ()) = tokio::join!(socket.until_closed(), anonymous.assert_quiet(Duration::from_secs(1)));
    assert_eq!((messages, code), (vec![], 1008));
    server.channels().broadcast::<Room>(&room("session"), &line("anyone")).await.unwrap();
    assert_eq!(anonymous.recv().await, message(1, "anyone"));
    server.stop().await;
}

#[actix_web::test]
async fn a_graceful_shutdown_closes_sockets_with_1001_and_turns_health_to_503() {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    let server = Server::start(app().database(db.clone()));
    let mut socket = server.connect(None).await;
    socket.subscribed(1, "room", json!({ "room": "bye" })).await;
    let health = |address| async move {
        let (status, body) = get(address, "/api/mizan/health").await;
        (status, body)
    };
    assert_eq!(health(server.address).await, (200, json!({ "status": "ok", "database": "ok", "channels": "ok" })));
    db.close_by_ref().await.unwrap();
    assert_eq!(
        health(server.address).await,
        (503, json!({ "status": "unavailable", "database": "unavailable", "channels": "ok" })),
        "a database that does not answer makes the instance unhealthy"
    );

    server.app.begin_shutdown();
    let (messages, code) = socket.until_closed().await;
    assert_eq!((messages, code), (vec![], 1001), "clients are told to go away, not dropped");
    assert_eq!(health(server.address).await.0, 503, "load balancers stop sending traffic");
    assert!(handshake(server.address, Some(&server.origin()), None).await.is_err(), "no new sockets");
    server.stop().await;
}

/// A GET over the network; the status and the JSON body.
async fn get(address: SocketAddr, path: &str) -> (u16, Value) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

// --- Redis --------------------------------------------------------------------------------------

/// A `redis-server` of the test's own, killed when dropped (also when the test fails).
struct Redis {
    port: u16,
    child: Option<std::process::Child>,
}

impl Redis {
    async fn start(port: u16) -> Self {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("`redis-server` on PATH");
        let redis = Self { port, child: Some(child) };
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(tokio::time::Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Broadcasts to `room` through `channels` every 100 ms until `socket` receives one of them;
/// returns it.
async fn broadcast_until_received(channels: &mizan::channels::Channels, room_name: &str, socket: &mut Socket) -> Value {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    for attempt in 0.. {
        assert!(tokio::time::Instant::now() < deadline, "no broadcast reached the subscriber");
        if channels.broadcast::<Room>(&room(room_name), &line(format!("attempt {attempt}"))).await.is_ok() {
            if let Some(received) = socket.next_within(Duration::from_millis(100)).await {
                match received {
                    Received::Json(json) => return json,
                    Received::Closed(frame) => panic!("the socket was closed: {frame:?}"),
                }
            }
        } else {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    unreachable!()
}

#[actix_web::test]
async fn the_redis_layer_connects_processes_and_survives_an_outage() {
    let port = free_port();
    let mut redis = Redis::start(port).await;
    let url = redis.url();
    let a = Server::start(app().channel_layer(RedisLayer::connect(&url).unwrap()));
    let b = Server::start(app().channel_layer(RedisLayer::connect(&url).unwrap()));
    eventually("both layers are connected", || a.channels().is_available() && b.channels().is_available()).await;

    let mut socket = a.connect(None).await;
    socket.subscribed(1, "room", json!({ "room": "across" })).await;
    b.channels().broadcast::<Room>(&room("across"), &line("from b")).await.unwrap();
    assert_eq!(socket.recv().await, message(1, "from b"), "a broadcast in one process reaches the other's subscribers");
    // A server function in process b, called over HTTP, too.
    let mut announcements = a.connect(None).await;
    announcements.subscribed(1, "announcements", json!({ "room": "across" })).await;
    let (status, _) = call(b.address, "announce", json!({ "room": "across", "text": "via b" })).await;
    assert_eq!(status, 200);
    assert_eq!(announcements.recv().await, message(1, "via b"));

    redis.kill();
    let channels = b.channels();
    let mut outcome = Ok(());
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while tokio::time::Instant::now() < deadline {
        outcome = channels.broadcast::<Room>(&room("across"), &line("into the void")).await;
        if outcome.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let error = outcome.expect_err("broadcasts fail while Redis is down");
    assert_eq!(error.code(), ErrorCode::Unavailable, "{error}");
    eventually("process a noticed too", || !a.channels().is_available()).await;
    // HTTP keeps working; new subscriptions are refused for now; the open socket stays open.
    let (status, body) = call(a.address, "transfer", json!({ "amount": 30 })).await;
    assert_eq!((status, &body), (200, &json!({ "result": 70 })));
    let (status, body) = call(b.address, "announce", json!({ "room": "across", "text": "lost" })).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "UNAVAILABLE", "{body}");
    let reply = socket.subscribe(2, "room", json!({ "room": "later" })).await;
    assert_error(&reply, json!(2), "UNAVAILABLE");

    // Redis returns: the layers reconnect by themselves and the existing subscription receives
    // broadcasts again.
    let _redis = Redis::start(port).await;
    let received = broadcast_until_received(&channels, "across", &mut socket).await;
    assert_eq!(received["type"], "message", "{received}");
    assert_eq!(received["id"], 1, "{received}");
    assert!(received["data"]["text"].as_str().unwrap().starts_with("attempt "), "{received}");
    eventually("process a is available again", || a.channels().is_available()).await;
    socket.send(json!({ "type": "subscribe", "id": 2, "channel": "room", "params": { "room": "later" } })).await;
    let reply = loop {
        // Earlier attempts may still be arriving.
        let reply = socket.recv().await;
        if reply["type"] != "message" {
            break reply;
        }
        assert_eq!(reply["id"], 1, "{reply}");
    };
    assert_eq!(reply, json!({ "type": "subscribed", "id": 2 }), "new subscriptions work again");
    a.stop().await;
    b.stop().await;
}

// --- Re-checking users --------------------------------------------------------------------------

/// Users that are staff now, for [`Flags`].
static STAFF: Mutex<Vec<i32>> = Mutex::new(Vec::new());

fn set_staff(user: i32, staff: bool) {
    let mut users = STAFF.lock().unwrap();
    users.retain(|known| *known != user);
    if staff {
        users.push(user);
    }
}

/// `x-test-user: flags-<id>` is user `<id>`, staff while [`STAFF`] lists it.
struct Flags;

impl mizan::Authenticator for Flags {
    fn authenticate<'a>(&'a self, request: &'a HttpRequest) -> LocalBoxFuture<'a, mizan::Result<Option<User>>> {
        let id = request
            .headers()
            .get("x-test-user")
            .and_then(|user| user.to_str().ok())
            .and_then(|user| user.strip_prefix("flags-"))
            .and_then(|id| id.parse::<i32>().ok());
        let user = id.map(|id| User {
            id,
            username: format!("flags-{id}"),
            email: format!("flags-{id}@example.com"),
            is_active: true,
            is_staff: STAFF.lock().unwrap().contains(&id),
            is_superuser: false,
        });
        Box::pin(async move { Ok(user) })
    }
}

/// Heartbeats a minute apart: within a test, only an announced change explains a re-check.
fn slow_heartbeats() -> ChannelSettings {
    ChannelSettings { heartbeat: Duration::from_secs(60), ..ChannelSettings::default() }
}

/// Well below the heartbeat: what "promptly" means in these tests.
const PROMPTLY: Duration = Duration::from_secs(3);

/// Asserts an `error` message that ended subscription `id` with `code`.
fn assert_ended(reply: &Value, id: u64, code: &str) {
    assert_error(reply, json!(id), code);
    assert_eq!(reply["ended"], true, "{reply}");
}

#[actix_web::test]
async fn subscriptions_a_user_may_no_longer_have_end_as_soon_as_the_change_is_announced() {
    let server = Server::start(app().authenticator(Flags).channel_settings(slow_heartbeats()));
    set_staff(21, true);
    set_staff(22, true);
    let mut socket = server.connect(Some("flags-21")).await;
    socket.subscribed(1, "staff-room", json!({ "room": "ops" })).await;
    socket.subscribed(2, "room", json!({ "room": "ops" })).await;
    socket.subscribed(3, "staff-only", json!({ "room": "ops" })).await;
    let mut colleague = server.connect(Some("flags-22")).await;
    colleague.subscribed(1, "staff-room", json!({ "room": "ops" })).await;

    // A change that leaves the permissions as they were ends nothing.
    server.channels().user_changed(21).await.unwrap();
    server.channels().broadcast::<StaffRoom>(&room("ops"), &line("still staff")).await.unwrap();
    assert_eq!(socket.recv().await, message(1, "still staff"));
    assert_eq!(colleague.recv().await, message(1, "still staff"));

    set_staff(21, false);
    let announced = tokio::time::Instant::now();
    server.channels().user_changed(21).await.unwrap();
    assert_ended(&socket.recv().await, 1, "FORBIDDEN");
    assert_ended(&socket.recv().await, 3, "FORBIDDEN");
    assert!(announced.elapsed() < PROMPTLY, "ended after {:?}", announced.elapsed());

    // The ended subscriptions receive nothing more; the open one and the colleague's do.
    server.channels().broadcast::<StaffRoom>(&room("ops"), &line("staff only")).await.unwrap();
    server.channels().broadcast::<StaffOnly>(&room("ops"), &line("staff only too")).await.unwrap();
    server.channels().broadcast::<Room>(&room("ops"), &line("for everyone")).await.unwrap();
    assert_eq!(socket.recv().await, message(2, "for everyone"));
    assert_eq!(colleague.recv().await, message(1, "staff only"));
    // Subscribing again is refused; the ids of the ended subscriptions are free.
    assert_error(&socket.subscribe(1, "staff-room", json!({ "room": "ops" })).await, json!(1), "FORBIDDEN");
    socket.subscribed(3, "news", json!({ "room": "ops" })).await;
    server.stop().await;
}

/// A POST to `/api/mizan/call/{name}` from a browser with the session cookie `session`; the
/// status, the JSON body and the session cookie the response sets, if any.
async fn call_with_session(
    address: SocketAddr,
    name: &str,
    arguments: Value,
    session: Option<&str>,
) -> (u16, Value, Option<String>) {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let body = arguments.to_string();
        let session = session.map(|session| format!("; mizan_session={session}")).unwrap_or_default();
        let request = format!(
            "POST /api/mizan/call/{name} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
             Cookie: mizan_csrf={TOKEN}{session}\r\nX-CSRF-Token: {TOKEN}\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        response
    };
    let response = tokio::time::timeout(PATIENCE, exchange).await.expect("the call is answered");
    let response = String::from_utf8(response).expect("a UTF-8 response");
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head.split(' ').nth(1).and_then(|status| status.parse().ok()).expect("a status line");
    let session = head
        .lines()
        .filter_map(|line| line.split_once(": "))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, cookie)| cookie.strip_prefix("mizan_session="))
        .map(|cookie| cookie.split(';').next().unwrap_or_default().to_owned());
    (status, serde_json::from_str(body).unwrap_or(Value::Null), session)
}

/// Logs `username` in: a new session.
async fn log_in(server: &Server, username: &str, password: &str) -> String {
    let arguments = json!({ "username": username, "password": password });
    let (status, body, session) = call_with_session(server.address, "auth.login", arguments, None).await;
    assert_eq!(status, 200, "{body}");
    session.expect("a session cookie")
}

#[actix_web::test]
async fn logout_password_changes_and_deactivation_close_the_users_sockets_promptly() {
    use mizan::auth::users::{create_user, set_active, NewUser};

    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    Mizan::new().migrate(&db).await.unwrap();
    let ann = NewUser {
        username: "ann",
        email: "ann@example.com",
        password: "correct horse",
        is_staff: false,
        is_superuser: false,
    };
    let ann = create_user(&db, ann).await.unwrap();
    let bob = NewUser {
        username: "bob",
        email: "bob@example.com",
        password: "correct horse",
        is_staff: false,
        is_superuser: false,
    };
    create_user(&db, bob).await.unwrap();
    let server = Server::start(
        Mizan::new()
            .database(db.clone())
            .functions(mizan::auth::functions())
            .channels(mizan::channels![Members])
            .channel_settings(slow_heartbeats()),
    );
    let ann_laptop = log_in(&server, "ann", "correct horse").await;
    let ann_phone = log_in(&server, "ann", "correct horse").await;
    let bob_laptop = log_in(&server, "bob", "correct horse").await;
    let bob_phone = log_in(&server, "bob", "correct horse").await;
    let mut sockets = Vec::new();
    for session in [&ann_laptop, &ann_phone, &bob_laptop, &bob_phone] {
        let mut socket = server.connect_with_cookies(&format!("mizan_session={session}")).await;
        socket.subscribed(1, "members", json!({ "room": "club" })).await;
        sockets.push(socket);
    }
    let [ann_laptop_socket, ann_phone_socket, bob_laptop_socket, bob_phone_socket] = &mut sockets[..] else {
        unreachable!()
    };

    // Logging out closes the sockets of that session, at once; the user's other session and
    // other users keep theirs.
    let started = tokio::time::Instant::now();
    let (status, body, _) = call_with_session(server.address, "auth.logout", json!({}), Some(&ann_laptop)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ann_laptop_socket.until_closed().await, (vec![], 1008));
    assert!(started.elapsed() < PROMPTLY, "closed after {:?}", started.elapsed());
    server.channels().broadcast::<Members>(&room("club"), &line("after the logout")).await.unwrap();
    for socket in [&mut *ann_phone_socket, &mut *bob_laptop_socket, &mut *bob_phone_socket] {
        assert_eq!(socket.recv().await, message(1, "after the logout"));
    }

    // A password change ends the user's other sessions, and closes their sockets.
    let started = tokio::time::Instant::now();
    let arguments = json!({ "old_password": "correct horse", "new_password": "battery staple" });
    let (status, body, _) =
        call_with_session(server.address, "auth.change_password", arguments, Some(&bob_laptop)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(bob_phone_socket.until_closed().await, (vec![], 1008));
    assert!(started.elapsed() < PROMPTLY, "closed after {:?}", started.elapsed());

    // Deactivating a user (no request, only the database at hand) closes all of their sockets.
    let started = tokio::time::Instant::now();
    set_active(&db, ann.id, false).await.unwrap();
    assert_eq!(ann_phone_socket.until_closed().await, (vec![], 1008));
    assert!(started.elapsed() < PROMPTLY, "closed after {:?}", started.elapsed());

    server.channels().broadcast::<Members>(&room("club"), &line("bob stays")).await.unwrap();
    assert_eq!(bob_laptop_socket.recv().await, message(1, "bob stays"));
    server.stop().await;
}

#[actix_web::test]
async fn channel_parameter_and_message_errors_name_the_field_but_no_rust_type() {
    let server = Server::start(app());
    let mut socket = server.connect(None).await;
    let reply = socket.subscribe(1, "room", json!({ "room": 5 })).await;
    assert_error(&reply, json!(1), "BAD_REQUEST");
    let text = reply["error"]["message"].as_str().unwrap();
    assert!(text.contains("`room`") && text.contains("expected a string"), "{text}");
    for params in [json!("lobby"), json!(7), json!(null)] {
        let reply = socket.subscribe(2, "room", params).await;
        assert_error(&reply, json!(2), "BAD_REQUEST");
        let text = reply["error"]["message"].as_str().unwrap();
        assert!(!text.contains("RoomParams") && !text.contains("struct"), "{text}");
        assert!(text.contains("expected an object"), "{text}");
    }

    socket.subscribed(3, "room", json!({ "room": "lobby" })).await;
    for (data, field) in [(json!({ "text": 5 }), "`text`"), (json!({ "words": "hi" }), "`text`")] {
        socket.send(json!({ "type": "send", "id": 3, "data": data })).await;
        let reply = socket.recv().await;
        assert_error(&reply, json!(3), "BAD_REQUEST");
        let text = reply["error"]["message"].as_str().unwrap();
        assert!(text.contains(field), "{text}");
        assert!(!text.contains("Line") && !text.contains("struct"), "{text}");
    }
    socket.send(json!({ "type": "send", "id": 3, "data": "hi" })).await;
    let reply = socket.recv().await;
    let text = reply["error"]["message"].as_str().unwrap();
    assert!(text.contains("expected an object") && !text.contains("Line"), "{text}");
    server.stop().await;
}

// --- Re-checks and prefixes over Redis ----------------------------------------------------------

#[actix_web::test]
async fn user_changes_reach_other_processes_and_redis_prefixes_keep_apps_apart() {
    let redis = Redis::start(free_port()).await;
    let url = redis.url();
    let server = |prefix: &str| {
        let layer = RedisLayer::connect_with_prefix(&url, prefix).unwrap();
        assert_eq!(layer.prefix(), prefix);
        Server::start(app().authenticator(Flags).channel_settings(slow_heartbeats()).channel_layer(layer))
    };
    let a = server("shop:");
    let b = server("shop:");
    let other_app = server("blog:");
    eventually("the layers are connected", || {
        a.channels().is_available() && b.channels().is_available() && other_app.channels().is_available()
    })
    .await;
    set_staff(31, true);
    let mut socket = a.connect(Some("flags-31")).await;
    socket.subscribed(1, "staff-room", json!({ "room": "ops" })).await;
    socket.subscribed(2, "room", json!({ "room": "ops" })).await;

    // Another app on the same Redis server neither reaches this one's subscribers nor its
    // users' sockets; the same app's other process does.
    other_app.channels().broadcast::<Room>(&room("ops"), &line("from the other app")).await.unwrap();
    set_staff(31, false);
    other_app.channels().user_changed(31).await.unwrap();
    socket.assert_quiet(Duration::from_millis(500)).await;
    b.channels().broadcast::<Room>(&room("ops"), &line("from b")).await.unwrap();
    assert_eq!(socket.recv().await, message(2, "from b"));

    let announced = tokio::time::Instant::now();
    b.channels().user_changed(31).await.unwrap();
    assert_ended(&socket.recv().await, 1, "FORBIDDEN");
    assert!(announced.elapsed() < PROMPTLY, "ended after {:?}", announced.elapsed());
    b.channels().broadcast::<Room>(&room("ops"), &line("still here")).await.unwrap();
    assert_eq!(socket.recv().await, message(2, "still here"));
    a.stop().await;
    b.stop().await;
    other_app.stop().await;
}

// --- Pushed invalidation ---------------------------------------------------------------------------

#[mizan::client]
async fn bump_for_everyone(ctx: &Ctx) -> mizan::Result<()> {
    ctx.invalidate_for_all("counter");
    Ok(())
}

#[mizan::client]
async fn tell_user(ctx: &Ctx, user: i32) -> mizan::Result<()> {
    ctx.invalidate_for_user(user, "inbox");
    ctx.invalidate_for_user(user, r#"thread?{"id":7}"#);
    Ok(())
}

#[mizan::client]
async fn push_then_fail(ctx: &Ctx) -> mizan::Result<()> {
    ctx.invalidate_for_all("counter");
    Err(mizan::Error::bad_request("nothing changed"))
}

fn invalidate(keys: &[&str]) -> Value {
    json!({ "type": "invalidate", "keys": keys })
}

#[actix_web::test]
async fn invalidations_are_pushed_to_every_client_or_to_one_users_but_not_back_to_the_caller() {
    let server = Server::start(app().functions(mizan::fns![bump_for_everyone, tell_user, push_then_fail]));
    let mut caller = server.connect(None).await;
    let mut anonymous = server.connect(None).await;
    let mut staff = server.connect(Some("staff")).await;
    let mut user = server.connect(Some("user")).await;
    let name = caller.name().await;
    assert_ne!(name, anonymous.name().await, "every socket has its own name");

    let own = format!("X-Mizan-Socket: {name}\r\n");
    let (status, body) = call_with(server.address, "bump_for_everyone", json!({}), &own).await;
    assert_eq!((status, &body["invalidate"]), (200, &json!(["counter"])), "the caller's own answer: {body}");
    for socket in [&mut anonymous, &mut staff, &mut user] {
        assert_eq!(socket.recv().await, invalidate(&["counter"]));
    }
    caller.assert_quiet(Duration::from_millis(300)).await;

    // One user's clients only; the caller is not that user.
    let (status, body) = call_with(server.address, "tell_user", json!({ "user": 3 }), &own).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body.get("invalidate"), None, "{body}");
    assert_eq!(staff.recv().await, invalidate(&["inbox", r#"thread?{"id":7}"#]));
    for socket in [&mut caller, &mut anonymous, &mut user] {
        socket.assert_quiet(Duration::from_millis(200)).await;
    }

    // A failed call pushes nothing.
    let (status, _) = call(server.address, "push_then_fail", json!({})).await;
    assert_eq!(status, 400);
    for socket in [&mut caller, &mut anonymous, &mut staff, &mut user] {
        socket.assert_quiet(Duration::from_millis(200)).await;
    }

    // Without the header (or with a name from elsewhere) the caller's socket is told too.
    let forged = "X-Mizan-Socket: 0000.1\r\n";
    call_with(server.address, "bump_for_everyone", json!({}), forged).await;
    for socket in [&mut caller, &mut anonymous, &mut staff, &mut user] {
        assert_eq!(socket.recv().await, invalidate(&["counter"]));
    }
    server.stop().await;
}

#[actix_web::test]
async fn pushed_invalidations_reach_the_clients_of_the_other_processes() {
    let redis = Redis::start(free_port()).await;
    let url = redis.url();
    let server = || {
        Server::start(
            app()
                .functions(mizan::fns![bump_for_everyone, tell_user])
                .channel_layer(RedisLayer::connect_with_prefix(&url, "push:").unwrap()),
        )
    };
    let (a, b) = (server(), server());
    eventually("the layers are connected", || a.channels().is_available() && b.channels().is_available()).await;
    let mut caller = a.connect(None).await;
    let mut here = a.connect(Some("user")).await;
    let mut there = b.connect(Some("user")).await;
    let mut staff_there = b.connect(Some("staff")).await;
    let own = format!("X-Mizan-Socket: {}\r\n", caller.name().await);

    call_with(a.address, "bump_for_everyone", json!({}), &own).await;
    assert_eq!(here.recv().await, invalidate(&["counter"]));
    assert_eq!(there.recv().await, invalidate(&["counter"]));
    assert_eq!(staff_there.recv().await, invalidate(&["counter"]));
    caller.assert_quiet(Duration::from_millis(300)).await;

    call_with(a.address, "tell_user", json!({ "user": 1 }), &own).await;
    assert_eq!(here.recv().await, invalidate(&["inbox", r#"thread?{"id":7}"#]));
    assert_eq!(there.recv().await, invalidate(&["inbox", r#"thread?{"id":7}"#]));
    staff_there.assert_quiet(Duration::from_millis(300)).await;

    // From a background task, without a call.
    b.channels().invalidate_for_all(&["site".to_owned()]).await.unwrap();
    for socket in [&mut caller, &mut here, &mut there, &mut staff_there] {
        assert_eq!(socket.recv().await, invalidate(&["site"]));
    }
    a.stop().await;
    b.stop().await;
}
