//! The call and context endpoints, as the wire protocol specifies them.

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::{json, Value};

use crate::service;

/// A JSON POST to `path` that passes the CSRF checks.
fn json_post(path: &str, body: &str) -> TestRequest {
    TestRequest::post()
        .uri(path)
        .insert_header(("content-type", "application/json"))
        .insert_header(("cookie", "mizan_csrf=token"))
        .insert_header(("x-csrf-token", "token"))
        .set_payload(body.to_owned())
}

async fn post(path: &str, body: &str) -> (StatusCode, Value) {
    let app = service().await;
    let response = test::call_service(&app, json_post(path, body).to_request()).await;
    let status = response.status();
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or_else(|_| panic!("JSON body: {}", String::from_utf8_lossy(&body))))
}

fn assert_envelope(body: &Value, code: &str) {
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(error["id"].as_str().is_some_and(|id| id.len() >= 16), "a correlation id: {body}");
}

#[actix_web::test]
async fn echo_answers_with_the_result_wrapper() {
    let (status, body) = post("/api/mizan/call/echo", r#"{"text":"hi ✓"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "result": { "message": "hi ✓" } }), "no `invalidate` when there is nothing to invalidate");
}

#[actix_web::test]
async fn unknown_functions_are_404_in_the_envelope() {
    let (status, body) = post("/api/mizan/call/nope", "{}").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "NOT_FOUND");
}

#[actix_web::test]
async fn malformed_json_is_400_in_the_envelope() {
    let (status, body) = post("/api/mizan/call/echo", r#"{"text": "#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "BAD_REQUEST");
}

#[actix_web::test]
async fn a_missing_argument_is_400_naming_it() {
    let (status, body) = post("/api/mizan/call/echo", "{}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "BAD_REQUEST");
    assert!(body["error"]["message"].as_str().unwrap().contains("`text`"), "{body}");
}

#[actix_web::test]
async fn a_mistyped_argument_is_400_without_rust_type_names() {
    let (status, body) = post("/api/mizan/call/echo", "[1, 2]").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "BAD_REQUEST");
    assert!(!body.to_string().contains("Arguments"), "{body}");
}

#[actix_web::test]
async fn calls_must_be_posts() {
    let app = service().await;
    let response = test::call_service(&app, TestRequest::get().uri("/api/mizan/call/echo").to_request()).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = test::read_body_json(response).await;
    assert_envelope(&body, "METHOD_NOT_ALLOWED");
}

#[actix_web::test]
async fn contexts_are_not_callable_as_calls() {
    let (status, body) = post("/api/mizan/call/server_time", "{}").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_envelope(&body, "NOT_FOUND");
}

#[actix_web::test]
async fn the_context_bundle_is_raw_and_keyed_by_name() {
    let app = service().await;
    let response = test::call_service(&app, TestRequest::get().uri("/api/mizan/context").to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = test::read_body_json(response).await;
    let object = body.as_object().expect("an object");
    assert_eq!(
        object.keys().collect::<Vec<_>>(),
        ["counter", "current_user", "server_time"],
        "no wrapper, one key per global context"
    );
    assert_eq!(body["counter"], 0);
    assert_eq!(body["current_user"], Value::Null, "anonymous");
    assert!(body["server_time"]["iso"].as_str().unwrap().ends_with('Z'), "{body}");
    assert!(body["server_time"]["unix_ms"].as_f64().unwrap() > 1.6e12, "{body}");
}

#[actix_web::test]
async fn unknown_api_paths_are_404_in_the_envelope() {
    let app = service().await;
    let response = test::call_service(&app, TestRequest::get().uri("/api/mizan/nothing/here").to_request()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = test::read_body_json(response).await;
    assert_envelope(&body, "NOT_FOUND");
}

#[actix_web::test]
async fn echo_limits_the_text_length() {
    let (status, body) =
        post("/api/mizan/call/echo", &serde_json::json!({ "text": "x".repeat(1001) }).to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_envelope(&body, "VALIDATION");
    assert_eq!(body["error"]["fields"]["text"], json!(["keep it under 1000 characters"]));
}

#[actix_web::test]
async fn the_staff_report_needs_a_staff_login() {
    let (status, body) = post("/api/mizan/call/staff_report", "{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_envelope(&body, "UNAUTHENTICATED");
}

#[actix_web::test]
async fn calls_without_the_csrf_token_are_refused() {
    let app = service().await;
    let request = TestRequest::post()
        .uri("/api/mizan/call/echo")
        .insert_header(("content-type", "application/json"))
        .set_payload(r#"{"text":"hi"}"#);
    let response = test::call_service(&app, request.to_request()).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn increment_updates_the_stored_counter_and_invalidates_it() {
    let app = service().await;
    let call = |by: i32| json_post("/api/mizan/call/increment", &json!({ "by": by }).to_string()).to_request();
    let body: Value = test::call_and_read_body_json(&app, call(2)).await;
    assert_eq!(body, json!({ "result": 2, "invalidate": ["counter"] }));
    let body: Value = test::call_and_read_body_json(&app, call(5)).await;
    assert_eq!(body["result"], 7);
    let bundle: Value =
        test::call_and_read_body_json(&app, TestRequest::get().uri("/api/mizan/context").to_request()).await;
    assert_eq!(bundle["counter"], 7, "the global context reads the stored value");
    let response = test::call_service(&app, call(1000)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body["error"]["fields"]["by"], json!(["add 1 to 100 at a time"]));
}

#[actix_web::test]
async fn waving_invalidates_only_that_greeting() {
    let app = service().await;
    let wave = json_post("/api/mizan/call/wave", r#"{"name":"Ann"}"#);
    let body: Value = test::call_and_read_body_json(&app, wave.to_request()).await;
    assert_eq!(body, json!({ "result": 1, "invalidate": ["greet?{\"name\":\"Ann\"}"] }));
    let greet = |args: &str| TestRequest::get().uri(&format!("/api/mizan/context/greet?args={args}")).to_request();
    let ann: Value = test::call_and_read_body_json(&app, greet("%7B%22name%22%3A%22Ann%22%7D")).await;
    assert_eq!(ann, json!({ "greeting": "Hello, Ann!", "waves": 1 }));
    let bob: Value = test::call_and_read_body_json(&app, greet("%7B%22name%22%3A%22Bob%22%7D")).await;
    assert_eq!(bob["waves"], 0);
}
