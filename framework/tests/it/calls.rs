//! Arguments, results, typed errors, failures and invalidation.

use actix_web::http::StatusCode;
use serde_json::json;

use crate::support::{app, assert_error, call, send};

#[actix_web::test]
async fn structs_enums_options_vecs_and_maps_round_trip() {
    let app = app().await;
    let arguments = json!({
        "address": { "city": "Oslo", "zip": null },
        "shapes": [{ "circle": { "r": 1.5 } }, { "square": 2.0 }, "empty"],
        "tags": { "a": 1, "b": 2 },
    });
    let (status, body) = send(&app, call("complex", arguments.to_string())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["address"], json!({ "city": "Oslo", "zip": null }));
    assert_eq!(body["result"]["shapes"], arguments["shapes"]);
    assert_eq!(body["result"]["tags"], json!({ "a": 1, "b": 2 }));
    assert_eq!(body["result"]["note"], json!(null), "a missing Option argument is None");
}

#[actix_web::test]
async fn the_context_can_sit_anywhere_and_be_taken_by_value() {
    let app = app().await;
    let (status, body) = send(&app, call("ctx_in_the_middle", r#"{"a": 2, "b": 3}"#)).await;
    assert_eq!((status, &body["result"]), (StatusCode::OK, &json!("5 /api/mizan/call/ctx_in_the_middle")));
    let (status, body) = send(&app, call("ctx_by_value", "{}")).await;
    assert_eq!((status, &body["result"]), (StatusCode::OK, &json!(true)));
}

#[actix_web::test]
async fn dotted_names_are_callable() {
    let (status, body) = send(&app().await, call("contact.submit", "{}")).await;
    assert_eq!((status, &body), (StatusCode::OK, &json!({ "result": true })));
}

#[actix_web::test]
async fn validation_failures_name_every_field() {
    let app = app().await;
    let (status, body) = send(&app, call("signup", r#"{"email": "nope", "password": "short", "age": 7}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "VALIDATION");
    assert_eq!(
        body["error"]["fields"],
        json!({
            "email": ["must be a valid email address"],
            "password": ["use at least 8 characters"],
            "age": ["must be between 13 and 130"],
        })
    );
    let (status, body) =
        send(&app, call("signup", r#"{"email": "a@b.co", "password": "long enough", "age": 30}"#)).await;
    assert_eq!((status, &body["result"]), (StatusCode::OK, &json!("a@b.co 11 30")));
}

#[actix_web::test]
async fn arguments_whose_type_has_rules_are_validated_too() {
    let arguments = json!({ "address": { "city": "X" }, "shapes": [], "tags": {} });
    let (status, body) = send(&app().await, call("complex", arguments.to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "VALIDATION");
    assert_eq!(body["error"]["fields"], json!({ "address.city": ["city is too short"] }));
}

#[actix_web::test]
async fn typed_errors_reach_the_client_with_code_status_and_data() {
    let app = app().await;
    let (status, body) = send(&app, call("transfer", r#"{"amount": 500}"#)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "INSUFFICIENT_FUNDS");
    assert_eq!(body["error"]["message"], "Not enough money");
    assert_eq!(body["error"]["data"], json!({ "balance": 100 }));

    let (status, body) = send(&app, call("transfer", r#"{"amount": 0}"#)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a variant named like a protocol code takes its status");
    assert_error(&body, "NOT_FOUND");
    assert!(body["error"].get("data").is_none(), "{body}");

    let (status, body) = send(&app, call("transfer", r#"{"amount": 30}"#)).await;
    assert_eq!((status, &body["result"]), (StatusCode::OK, &json!(70)));
}

#[actix_web::test]
async fn a_panic_is_a_500_without_details_and_the_server_keeps_serving() {
    let app = app().await;
    let (status, body) = send(&app, call("boom", "{}")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_error(&body, "INTERNAL");
    let text = body.to_string();
    assert!(!text.contains("secret") && !text.contains("/home/") && !text.contains("lib.rs"), "{text}");
    let (status, _) = send(&app, call("contact.submit", "{}")).await;
    assert_eq!(status, StatusCode::OK, "the worker survived the panic");
}

#[actix_web::test]
async fn a_database_error_is_a_500_without_sql() {
    let (status, body) = send(&app().await, call("bad_sql", "{}")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_error(&body, "INTERNAL");
    let text = body.to_string();
    assert!(!text.contains("SELECT") && !text.contains("no_such_table") && !text.contains("secret"), "{text}");
}

#[actix_web::test]
async fn declared_and_runtime_invalidations_are_merged_without_duplicates() {
    let (status, body) = send(&app().await, call("bump", "{}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "result": null, "invalidate": ["counter", "greet", "greet?{\"name\":\"Ann\"}"] }));
}

#[actix_web::test]
async fn error_bodies_never_name_rust_types() {
    let app = app().await;
    for (function, body) in [
        ("complex", r#"{"address": "Oslo", "shapes": [], "tags": {}}"#),
        ("complex", r#"{"address": {"city": "Oslo"}, "shapes": [{"hexagon": 1}], "tags": {}}"#),
        ("transfer", r#"{"amount": "many"}"#),
        ("transfer", r#"{"amount": 99999999999}"#),
    ] {
        let (status, body) = send(&app, call(function, body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let text = body.to_string();
        for leak in ["Address", "Shape", "Arguments", "struct", "serde", "i32"] {
            assert!(!text.contains(leak), "{leak} leaked: {text}");
        }
    }
}

mod duplicates {
    #[mizan::client(name = "same")]
    pub(crate) async fn first() -> mizan::Result<u8> {
        Ok(1)
    }

    #[mizan::client(name = "same")]
    pub(crate) async fn second() -> mizan::Result<u8> {
        Ok(2)
    }
}

#[test]
fn duplicate_names_fail_at_startup_naming_both_definitions() {
    let error = mizan::Mizan::new().functions(mizan::fns![duplicates::first, duplicates::second]).build().unwrap_err();
    let message = error.to_string();
    assert!(message.contains("`same` is registered twice"), "{message}");
    let first = format!("framework/tests/it/calls.rs:{}", line_of("pub(crate) async fn first"));
    let second = format!("framework/tests/it/calls.rs:{}", line_of("pub(crate) async fn second"));
    assert!(message.contains(&first) && message.contains(&second), "{message} should name {first} and {second}");
}

/// The line of this file that contains `needle`.
fn line_of(needle: &str) -> usize {
    include_str!("calls.rs").lines().position(|line| line.contains(needle)).unwrap() + 1
}

#[actix_web::test]
async fn functions_broadcast_through_the_channel_layer() {
    use crate::fixtures::{Recorder, BROADCASTS};
    use crate::support::app_with;
    let (status, body) = send(&app().await, call("announce", r#"{"room": "lobby", "text": "hi"}"#)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "no channel layer: {body}");
    assert_error(&body, "UNAVAILABLE");

    let app = app_with(|mizan| {
        mizan.channels(mizan::channels![crate::fixtures::Announcements]).channel_layer(Recorder::default())
    })
    .await;
    let (status, _) = send(&app, call("announce", r#"{"room": "kitchen", "text": "dinner"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    let sent = BROADCASTS.lock().unwrap().clone();
    assert!(
        sent.iter().any(|(group, message)| group.starts_with("announcements")
            && group.ends_with("kitchen")
            && message == &json!({ "text": "dinner" })),
        "{sent:?}"
    );
}

mod shared_user {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use actix_web::HttpRequest;
    use futures_util::future::LocalBoxFuture;
    use mizan::{Ctx, Error, User};

    pub(crate) static LOOKUPS: AtomicUsize = AtomicUsize::new(0);

    /// Counts lookups; each one yields once, so concurrent callers really overlap.
    pub(crate) struct Counting;

    impl mizan::Authenticator for Counting {
        fn authenticate<'a>(&'a self, _request: &'a HttpRequest) -> LocalBoxFuture<'a, Result<Option<User>, Error>> {
            LOOKUPS.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {
                tokio::task::yield_now().await;
                let user = User {
                    id: 1,
                    username: "ann".into(),
                    email: "ann@example.com".into(),
                    is_active: true,
                    is_staff: false,
                    is_superuser: false,
                };
                Ok(Some(user))
            })
        }
    }

    #[mizan::client(context = "global")]
    pub(crate) async fn first_name(ctx: &Ctx) -> mizan::Result<String> {
        Ok(ctx.user().await?.map(|user| user.username.clone()).unwrap_or_default())
    }

    #[mizan::client(context = "global")]
    pub(crate) async fn user_email(ctx: &Ctx) -> mizan::Result<String> {
        Ok(ctx.user().await?.map(|user| user.email.clone()).unwrap_or_default())
    }
}

#[actix_web::test]
async fn global_contexts_of_one_request_look_the_user_up_once() {
    use std::sync::atomic::Ordering;
    let app = mizan::Mizan::new()
        .authenticator(shared_user::Counting)
        .functions(mizan::fns![shared_user::first_name, shared_user::user_email])
        .build()
        .unwrap();
    let app = actix_web::test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await;
    let request = actix_web::test::TestRequest::get().uri("/api/mizan/context").to_request();
    let bundle: serde_json::Value = actix_web::test::call_and_read_body_json(&app, request).await;
    assert_eq!(bundle, json!({ "first_name": "ann", "user_email": "ann@example.com" }));
    assert_eq!(shared_user::LOOKUPS.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn every_response_carries_a_request_id_that_errors_repeat() {
    let app = app().await;
    let bundle = actix_web::test::TestRequest::get().uri("/api/mizan/context").to_request();
    let response = actix_web::test::call_service(&app, bundle).await;
    assert_eq!(response.status(), StatusCode::OK);
    let first = response.headers().get("x-request-id").expect("a request id").to_str().unwrap().to_owned();
    assert_eq!(first.len(), 32, "{first}");
    let response = actix_web::test::call_service(&app, call("no_such_function", "{}").to_request()).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let id = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
    let body: serde_json::Value = actix_web::test::read_body_json(response).await;
    assert_eq!(body["error"]["id"], id.as_str(), "the envelope's id is the request's, as logged");
    assert_ne!(id, first, "each request has its own");
}

mod slow {
    /// Sleeps `ms` milliseconds.
    #[mizan::client]
    pub(crate) async fn nap(ms: u64) -> mizan::Result<u64> {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(ms)).await;
        Ok(ms)
    }

    /// A local context that sleeps `ms` milliseconds.
    #[mizan::client(context = "local")]
    pub(crate) async fn nap_context(ms: u64) -> mizan::Result<u64> {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(ms)).await;
        Ok(ms)
    }
}

#[actix_web::test]
async fn calls_and_contexts_past_the_request_timeout_are_answered_unavailable() {
    let app = crate::support::app_with(|mizan| {
        mizan
            .functions(mizan::fns![slow::nap, slow::nap_context])
            .request_timeout(Some(std::time::Duration::from_millis(300)))
    })
    .await;
    let (status, body) = send(&app, call("nap", r#"{"ms": 5}"#)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "result": 5 })), "a quick call is unaffected");
    let (status, body) = send(&app, call("nap", r#"{"ms": 60000}"#)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_error(&body, "UNAVAILABLE");
    assert!(body["error"]["message"].as_str().unwrap().contains("did not finish within"), "{body}");
    let request = actix_web::test::TestRequest::get().uri("/api/mizan/context/nap_context?args=%7B%22ms%22%3A60000%7D");
    let (status, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_error(&body, "UNAVAILABLE");
    let (status, _) = send(&app, call("nap", r#"{"ms": 1}"#)).await;
    assert_eq!(status, StatusCode::OK, "the worker keeps serving");

    let unlimited =
        crate::support::app_with(|mizan| mizan.functions(mizan::fns![slow::nap]).request_timeout(None)).await;
    let (status, _) = send(&unlimited, call("nap", r#"{"ms": 400}"#)).await;
    assert_eq!(status, StatusCode::OK, "no limit");
}

#[actix_web::test]
async fn dev_mode_shows_the_cause_of_an_internal_error_and_production_does_not() {
    let dev = crate::support::app_with(|mizan| mizan.dev(true)).await;
    let (status, body) = send(&dev, call("boom", "{}")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body["error"]["message"].as_str().unwrap().contains("secret panic detail"), "{body}");
    let (_, body) = send(&app().await, call("boom", "{}")).await;
    assert!(!body.to_string().contains("secret panic detail"), "{body}");
}
