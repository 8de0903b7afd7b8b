//! The endpoint's defences: method, media type, body limits, JSON depth and CSRF. A refused
//! call never runs its function.

use std::io::{Read, Write};
use std::net::TcpStream;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;

use crate::fixtures::recorded;
use crate::support::{app, app_with, assert_error, call, send, serve, TOKEN};

#[actix_web::test]
async fn only_post_is_allowed() {
    let app = app().await;
    for request in [TestRequest::get(), TestRequest::put(), TestRequest::delete(), TestRequest::patch()] {
        let response = actix_web::test::call_service(&app, request.uri("/api/mizan/call/record").to_request()).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers().get("allow").unwrap(), "POST");
        let body: serde_json::Value = actix_web::test::read_body_json(response).await;
        assert_error(&body, "METHOD_NOT_ALLOWED");
    }
}

#[actix_web::test]
async fn only_json_is_accepted_and_nothing_runs_otherwise() {
    let app = app().await;
    for content_type in
        [None, Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data")]
    {
        let mut request = TestRequest::post()
            .uri("/api/mizan/call/record")
            .insert_header(("cookie", format!("mizan_csrf={TOKEN}")))
            .insert_header(("x-csrf-token", TOKEN))
            .set_payload(r#"{"text":"via-wrong-media-type"}"#);
        if let Some(content_type) = content_type {
            request = request.insert_header(("content-type", content_type));
        }
        let (status, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type:?}");
        assert_error(&body, "UNSUPPORTED_MEDIA_TYPE");
    }
    assert!(!recorded("via-wrong-media-type"));
    let request = call("record", r#"{"text":"json-with-charset"}"#)
        .insert_header(("content-type", "application/json; charset=utf-8"));
    assert_eq!(send(&app, request).await.0, StatusCode::OK);
    assert!(recorded("json-with-charset"));
}

#[actix_web::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let app = app_with(|mizan| mizan.body_limit(1024)).await;
    let big = format!(r#"{{"text":"{}"}}"#, "x".repeat(2000));
    let (status, body) = send(&app, call("record", big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&body, "PAYLOAD_TOO_LARGE");
    // A lie in Content-Length is caught before any byte of the body is read.
    let request =
        call("record", r#"{"text":"small-but-declared-huge"}"#).insert_header(("content-length", "999999999"));
    assert_eq!(send(&app, request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(!recorded("small-but-declared-huge"));
}

#[actix_web::test]
async fn a_function_can_override_the_limit() {
    let app = app().await;
    let (status, _) = send(&app, call("tiny", r#"{"text":"ok"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(&app, call("tiny", format!(r#"{{"text":"{}"}}"#, "x".repeat(100)))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "`tiny` accepts 64 bytes");
    let (status, _) = send(&app, call("record", format!(r#"{{"text":"{}"}}"#, "x".repeat(100)))).await;
    assert_eq!(status, StatusCode::OK, "other functions keep the app's limit");
}

#[test]
fn a_chunked_body_is_cut_off_as_it_streams_past_the_limit() {
    let addr = serve(|mizan| mizan);
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /api/mizan/call/tiny HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Cookie: mizan_csrf={TOKEN}\r\nX-CSRF-Token: {TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    // 3 chunks of 40 bytes pass `tiny`'s 64-byte limit; the body is never terminated, so only a
    // server that enforces the limit while streaming can answer.
    for _ in 0..3 {
        stream.write_all(format!("28\r\n{}\r\n", "x".repeat(40)).as_bytes()).unwrap();
        stream.flush().unwrap();
    }
    let mut response = vec![0; 4096];
    let read = stream.read(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response[..read]);
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("PAYLOAD_TOO_LARGE"), "{response}");
}

#[actix_web::test]
async fn deep_json_is_refused_without_a_crash() {
    let app = app().await;
    let deep = format!(r#"{{"text":"x","extra":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
    let (status, body) = send(&app, call("record", deep)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "BAD_REQUEST");
    assert!(body["error"]["message"].as_str().unwrap().contains("nested"), "{body}");
    let app = app_with(|mizan| mizan.max_json_depth(3)).await;
    let (status, _) = send(&app, call("record", r#"{"text":"depth-ok","extra":[[1]]}"#)).await;
    assert_eq!(status, StatusCode::OK, "3 levels are allowed");
    let (status, _) = send(&app, call("record", r#"{"text":"too-deep","extra":[[[1]]]}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!recorded("too-deep"));
}

fn post(text: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/mizan/call/record")
        .insert_header(("host", "app.test:8000"))
        .insert_header(("content-type", "application/json"))
        .set_payload(format!(r#"{{"text":"{text}"}}"#))
}

fn with_token(request: TestRequest) -> TestRequest {
    request.insert_header(("cookie", format!("mizan_csrf={TOKEN}"))).insert_header(("x-csrf-token", TOKEN))
}

#[actix_web::test]
async fn csrf_tokens_must_match() {
    let app = app().await;
    let cases = [
        ("no-token", post("no-token")),
        ("header-only", post("header-only").insert_header(("x-csrf-token", TOKEN))),
        ("cookie-only", post("cookie-only").insert_header(("cookie", format!("mizan_csrf={TOKEN}")))),
        (
            "mismatch",
            post("mismatch")
                .insert_header(("cookie", format!("mizan_csrf={TOKEN}")))
                .insert_header(("x-csrf-token", "other")),
        ),
        ("empty", post("empty").insert_header(("cookie", "mizan_csrf=")).insert_header(("x-csrf-token", ""))),
    ];
    for (text, request) in cases {
        let (status, body) = send(&app, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
        assert_error(&body, "FORBIDDEN");
        assert!(!recorded(text), "{text} ran");
    }
    assert_eq!(send(&app, with_token(post("token-ok"))).await.0, StatusCode::OK);
}

#[actix_web::test]
async fn foreign_null_malformed_and_look_alike_origins_are_refused() {
    let app = app().await;
    for origin in [
        "null",
        "http://evil.test",
        "http://app.test:8001",
        "https://app.test:8000",
        "http://app.test:8000.evil.test",
        "http://evil.test/http://app.test:8000",
        "http://app.test.evil.test:8000",
        "http//app.test:8000",
        "app.test:8000",
        "http://user@app.test:8000",
    ] {
        let text = format!("origin {origin}");
        let (status, body) = send(&app, with_token(post(&text)).insert_header(("origin", origin))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
        assert_error(&body, "FORBIDDEN");
        assert!(!recorded(&text), "{origin} ran");
    }
    let (status, _) =
        send(&app, with_token(post("same-origin")).insert_header(("origin", "http://APP.test:8000"))).await;
    assert_eq!(status, StatusCode::OK, "the server's own origin is allowed");
}

#[actix_web::test]
async fn trusted_origins_are_allowed() {
    let app = app_with(|mizan| mizan.trusted_origins(["https://admin.example.com"])).await;
    let (status, _) =
        send(&app, with_token(post("trusted")).insert_header(("origin", "https://admin.example.com"))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(&app, with_token(post("untrusted")).insert_header(("origin", "https://example.com"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn cross_site_fetches_are_refused() {
    let app = app().await;
    let (status, _) = send(&app, with_token(post("cross-site")).insert_header(("sec-fetch-site", "cross-site"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!recorded("cross-site"));
    for site in ["same-origin", "same-site", "none"] {
        let (status, _) = send(&app, with_token(post(site)).insert_header(("sec-fetch-site", site))).await;
        assert_eq!(status, StatusCode::OK, "{site}");
    }
}

/// A call as a TLS-terminating reverse proxy at `peer` forwards it: the browser used
/// `https://app.example.com` (where the CSRF cookie is `__Host-mizan_csrf`), the proxy talks
/// plain HTTP to the app.
fn proxied(peer: &str) -> TestRequest {
    call("ctx_by_value", "{}")
        .insert_header(("cookie", format!("__Host-mizan_csrf={TOKEN}")))
        .peer_addr(peer.parse().unwrap())
        .insert_header(("host", "10.0.0.5:8000"))
        .insert_header(("origin", "https://app.example.com"))
        .insert_header(("x-forwarded-proto", "https"))
        .insert_header(("x-forwarded-host", "app.example.com"))
        .insert_header(("x-forwarded-for", "203.0.113.7"))
}

#[actix_web::test]
async fn forwarding_headers_count_only_from_trusted_proxies() {
    let proxy: std::net::IpAddr = "10.0.0.1".parse().unwrap();
    let app = app_with(|mizan| mizan.trusted_proxies([proxy.into()])).await;
    let (status, body) = send(&app, proxied("10.0.0.1:40000")).await;
    assert_eq!(status, StatusCode::OK, "the browser's https origin is the app's own behind its proxy: {body}");

    // The same headers from anyone else are ignored: the origin is foreign again.
    let (status, body) = send(&app, proxied("10.0.0.9:40000")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "FORBIDDEN");

    // Cookies set for a client on https are `Secure` and `__Host-`; for a plain-http client
    // they are neither.
    let cookie_of = |request: TestRequest| {
        let app = &app;
        async move {
            let response = actix_web::test::call_service(app, request.to_request()).await;
            response
                .headers()
                .get_all("set-cookie")
                .map(|value| value.to_str().unwrap().to_owned())
                .find(|cookie| cookie.starts_with("mizan_csrf=") || cookie.starts_with("__Host-mizan_csrf="))
                .expect("a CSRF cookie")
        }
    };
    let https = TestRequest::get()
        .uri("/api/mizan/context")
        .peer_addr("10.0.0.1:40000".parse().unwrap())
        .insert_header(("x-forwarded-proto", "https"));
    let cookie = cookie_of(https).await;
    assert!(cookie.starts_with("__Host-mizan_csrf=") && cookie.contains("Secure"), "{cookie}");
    let spoofed = TestRequest::get()
        .uri("/api/mizan/context")
        .peer_addr("10.0.0.9:40000".parse().unwrap())
        .insert_header(("x-forwarded-proto", "https"));
    let cookie = cookie_of(spoofed).await;
    assert!(cookie.starts_with("mizan_csrf=") && !cookie.contains("Secure"), "{cookie}");
}
