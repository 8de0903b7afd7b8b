//! The chat channel over a real WebSocket: the framework checks `ChatSend`'s rules before
//! `on_receive` stores anything.

use std::time::Duration;

use actix_web::test::{self, TestRequest};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

const PATIENCE: Duration = Duration::from_secs(10);

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::text(message.to_string())).await.unwrap();
}

/// The next JSON message, after the server's `welcome` (the socket's name).
async fn recv(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(PATIENCE, socket.next()).await.expect("a message in time");
        if let Message::Text(text) = frame.expect("the socket is open").unwrap() {
            let message: Value = serde_json::from_str(&text).unwrap();
            if message["type"] != "welcome" {
                return message;
            }
        }
    }
}

#[actix_web::test]
async fn chat_messages_are_checked_against_their_rules_before_they_are_stored() {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    let app = example_app::app();
    app.migrate(&db).await.unwrap();
    let app = app.database(db).build().expect("the example app builds; run `make frontend` first");

    // Sign up (which logs in) in-process; the session is in the shared database.
    let service = {
        let app = app.clone();
        test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await
    };
    let values = json!({ "username": "cleo", "email": "cleo@example.com", "password": "long enough", "password_again": "long enough" });
    let request = TestRequest::post()
        .uri("/api/mizan/call/signup.submit")
        .insert_header(("content-type", "application/json"))
        .insert_header(("cookie", "mizan_csrf=token"))
        .insert_header(("x-csrf-token", "token"))
        .set_payload(values.to_string())
        .to_request();
    let response = test::call_service(&service, request).await;
    assert!(response.status().is_success(), "{:?}", response.status());
    let session = response
        .response()
        .cookies()
        .find(|cookie| cookie.name().ends_with("mizan_session"))
        .map(|cookie| format!("{}={}", cookie.name(), cookie.value()))
        .expect("a session cookie");

    let factory = app.clone();
    let server = actix_web::HttpServer::new(move || {
        let app = factory.clone();
        actix_web::App::new().configure(move |cfg| app.configure(cfg))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let address = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let mut request = format!("ws://{address}/api/mizan/ws").into_client_request().unwrap();
    request.headers_mut().insert("origin", HeaderValue::from_str(&format!("http://{address}")).unwrap());
    request.headers_mut().insert("cookie", HeaderValue::from_str(&session).unwrap());
    let (mut socket, _) =
        tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(request)).await.unwrap().unwrap();

    send(&mut socket, json!({ "type": "subscribe", "id": 1, "channel": "chat", "params": { "room": "lobby" } })).await;
    assert_eq!(recv(&mut socket).await, json!({ "type": "subscribed", "id": 1 }));

    for text in [String::new(), "x".repeat(501)] {
        send(&mut socket, json!({ "type": "send", "id": 1, "data": { "text": text } })).await;
        let reply = recv(&mut socket).await;
        assert_eq!(reply["type"], "error", "{reply}");
        assert_eq!(reply["id"], 1, "{reply}");
        assert_eq!(reply["error"]["code"], "VALIDATION", "{reply}");
        assert_eq!(reply["error"]["fields"], json!({ "text": ["say 1 to 500 characters"] }), "{reply}");
    }

    // A valid message is stored and broadcast; the refused ones never were.
    send(&mut socket, json!({ "type": "send", "id": 1, "data": { "text": "hello" } })).await;
    let reply = recv(&mut socket).await;
    assert_eq!(
        (&reply["type"], &reply["data"]["user"], &reply["data"]["text"]),
        (&json!("message"), &json!("cleo"), &json!("hello")),
        "{reply}"
    );
    let request = TestRequest::get()
        .uri("/api/mizan/context/chat_history?args=%7B%22room%22%3A%22lobby%22%7D")
        .insert_header(("cookie", session.as_str()))
        .to_request();
    let history: Value = test::call_and_read_body_json(&service, request).await;
    let texts: Vec<&Value> = history.as_array().expect("the history").iter().map(|m| &m["text"]).collect();
    assert_eq!(texts, [&json!("hello")], "{history}");
    handle.stop(false).await;
}
