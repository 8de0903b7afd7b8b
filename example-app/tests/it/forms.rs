//! The example app's forms over HTTP: `contact` stores messages and refuses a resend; `signup`
//! creates an account through the framework's auth and logs it in.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::{json, Value};

use crate::service;

async fn post(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    function: &str,
    body: Value,
) -> (StatusCode, Value, Vec<String>) {
    let request = TestRequest::post()
        .uri(&format!("/api/mizan/call/{function}"))
        .insert_header(("content-type", "application/json"))
        .insert_header(("cookie", "mizan_csrf=token"))
        .insert_header(("x-csrf-token", "token"))
        .set_payload(body.to_string());
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let cookies = response.headers().get_all("set-cookie").map(|v| v.to_str().unwrap().to_owned()).collect();
    (status, test::read_body_json(response).await, cookies)
}

async fn stats(app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>) -> Value {
    let request = TestRequest::get().uri("/api/mizan/context/contact_stats?args=%7B%7D").to_request();
    test::read_body_json(test::call_service(app, request).await).await
}

fn message() -> Value {
    json!({ "name": "Ann", "email": "ann@example.com", "topic": "support", "message": "The counter is stuck at 7." })
}

#[actix_web::test]
async fn a_contact_message_is_stored_and_a_resend_refused() {
    let app = service().await;
    assert_eq!(stats(&app).await, json!({ "received": 0, "latest_topic": null }));
    let (status, body, _) = post(&app, "contact.submit", message()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["reply"], "Thanks, Ann! We will answer soon.");
    assert_eq!(body["invalidate"], json!(["contact_stats"]), "the page refetches its statistics");
    assert_eq!(stats(&app).await, json!({ "received": 1, "latest_topic": "support" }), "stored");

    let (status, body, _) = post(&app, "contact.submit", message()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["fields"], json!({ "message": ["we already received this message from you"] }));
    let (_, body, _) = post(&app, "contact.validate", message()).await;
    assert_eq!(body["result"]["valid"], false, "validate runs the same server check");
    assert_eq!(stats(&app).await["received"], 1, "nothing stored twice");
}

#[actix_web::test]
async fn contact_rules_are_the_declared_ones() {
    let app = service().await;
    let mut bad = message();
    bad["email"] = json!("ann@");
    bad["message"] = json!("short");
    bad["topic"] = json!("sales");
    let (status, body, _) = post(&app, "contact.submit", bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let fields = &body["error"]["fields"];
    assert_eq!(fields["topic"].as_array().map(Vec::len), Some(1), "{body}");
    let mut bad = message();
    bad["email"] = json!("ann@");
    bad["message"] = json!("short");
    let (_, body, _) = post(&app, "contact.submit", bad).await;
    assert_eq!(
        body["error"]["fields"],
        json!({ "email": ["enter a valid email address"], "message": ["write 10 to 2000 characters"] })
    );
    assert_eq!(stats(&app).await["received"], 0);
}

#[actix_web::test]
async fn signup_creates_an_account_and_logs_it_in() {
    let app = service().await;
    let values = json!({ "username": "zed", "email": "zed@example.com", "password": "long enough", "password_again": "long enough" });
    let (status, body, cookies) = post(&app, "signup.submit", values.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["username"], "zed");
    assert_eq!(body["invalidate"], json!(["current_user"]));
    assert!(cookies.iter().any(|cookie| cookie.starts_with("mizan_session=")), "{cookies:?}");

    // The username is now taken: reported on the field, by `validate` and by `submit`.
    let (_, body, _) = post(&app, "signup.validate", values.clone()).await;
    assert_eq!(body["result"]["fields"], json!({ "username": ["this username is taken"] }));
    let (status, body, _) = post(&app, "signup.submit", values).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["fields"], json!({ "username": ["this username is taken"] }));
}

#[actix_web::test]
async fn signup_checks_the_repeated_password() {
    let app = service().await;
    let values = json!({ "username": "amy", "email": "amy@example.com", "password": "long enough", "password_again": "long enuff" });
    let (status, body, cookies) = post(&app, "signup.submit", values).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["fields"], json!({ "password_again": ["the passwords differ"] }));
    assert!(!cookies.iter().any(|cookie| cookie.starts_with("mizan_session=")));
}

#[actix_web::test]
async fn the_username_check_cannot_list_the_accounts() {
    let app = service().await;
    // Each `signup.validate` tells whether a name exists: 60 checks per address in 10 minutes.
    for n in 0..60 {
        let values = json!({ "username": format!("guess{n}"), "email": "g@example.com", "password": "long enough", "password_again": "long enough" });
        let (status, body, _) = post(&app, "signup.validate", values).await;
        assert_eq!((status, &body["result"]["valid"]), (StatusCode::OK, &json!(true)), "check {n}: {body}");
    }
    let values = json!({ "username": "guess60", "email": "g@example.com", "password": "long enough", "password_again": "long enough" });
    let (status, body, _) = post(&app, "signup.validate", values).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
}
