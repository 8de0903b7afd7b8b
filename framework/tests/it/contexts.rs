//! Global and local contexts (`GET /context`, `GET /context/{name}?args=`) and the
//! invalidation lists of calls.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use mizan::{Ctx, Mizan};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{json, Value};

use crate::fixtures::HeaderUsers;
use crate::support::{assert_error, call, send};

/// A greeting.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct Greeting {
    greeting: String,
}

#[mizan::client(context = "global")]
async fn motd() -> mizan::Result<String> {
    Ok("welcome".into())
}

#[mizan::client(context = "global", auth = "staff")]
async fn staff_note() -> mizan::Result<String> {
    Ok("staff only".into())
}

#[mizan::client(context = "global")]
async fn broken(ctx: &Ctx) -> mizan::Result<i32> {
    Err(mizan::Error::internal(format!("secret detail of {}", ctx.request().path())))
}

#[mizan::client(context = "local")]
async fn greet(
    #[validate(length(min = 1, max = 10, message = "1 to 10 characters"))] name: String,
    punctuation: Option<String>,
) -> mizan::Result<Greeting> {
    Ok(Greeting { greeting: format!("Hello, {name}{}", punctuation.unwrap_or_else(|| "!".into())) })
}

#[mizan::client(context = "local", auth = true)]
async fn inbox(ctx: &Ctx, folder: String) -> mizan::Result<String> {
    let user = ctx.user().await?.map(|user| user.username.clone()).unwrap_or_default();
    Ok(format!("{user}/{folder}"))
}

#[mizan::client(invalidates = ["motd", "greet"])]
async fn rename(ctx: &Ctx, name: String) -> mizan::Result<()> {
    ctx.invalidate("motd");
    ctx.invalidate(mizan::context_key("greet", &json!({ "punctuation": "?", "name": name }))?);
    Ok(())
}

/// Invalidates a context with a misspelt name.
#[mizan::client(invalidates = ["mtod"])]
async fn misspelt() -> mizan::Result<()> {
    Ok(())
}

#[test]
fn invalidating_an_unregistered_context_fails_the_build_naming_both() {
    let error = Mizan::new().functions(mizan::fns![motd, greet, misspelt]).build().unwrap_err().to_string();
    assert!(error.starts_with("`misspelt` (at framework/tests/it/contexts.rs:"), "{error}");
    assert!(
        error.ends_with(
            "invalidates `mtod`, but no context `mtod` is registered (list it in `fns!`); did you mean `motd`?"
        ),
        "{error}"
    );
    // The same in codegen, which reads the registry without building.
    let error = Mizan::new().functions(mizan::fns![misspelt]).registry().unwrap_err().to_string();
    assert!(error.contains("no context `mtod` is registered"), "{error}");
    // A local instance of a registered context is fine.
    assert!(Mizan::new().functions(mizan::fns![motd, greet, rename]).build().is_ok());
}

async fn app() -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let app = Mizan::new()
        .authenticator(HeaderUsers)
        .functions(mizan::fns![motd, staff_note, broken, greet, inbox, rename])
        .build()
        .unwrap();
    test::init_service(actix_web::App::new().configure(move |cfg| app.configure(cfg))).await
}

fn local(name: &str, args: &str) -> TestRequest {
    let query: String = url_encode(args);
    TestRequest::get().uri(&format!("/api/mizan/context/{name}?args={query}"))
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[actix_web::test]
async fn the_bundle_keeps_going_when_one_context_fails_or_is_refused() {
    let app = app().await;
    let (status, bundle) = send(&app, TestRequest::get().uri("/api/mizan/context")).await;
    assert_eq!(status, StatusCode::OK, "one failure does not fail the bundle: {bundle}");
    assert_eq!(bundle["motd"], "welcome");
    assert_eq!(bundle["broken"], json!({ "$error": { "code": "INTERNAL", "message": "internal server error" } }));
    assert!(!bundle.to_string().contains("secret"), "internals stay in the log: {bundle}");
    assert_eq!(bundle["staff_note"]["$error"]["code"], "UNAUTHENTICATED", "auth applies to global contexts too");
    assert!(bundle.get("greet").is_none(), "local contexts are not in the bundle: {bundle}");

    let (_, bundle) =
        send(&app, TestRequest::get().uri("/api/mizan/context").insert_header(("x-test-user", "user"))).await;
    assert_eq!(bundle["staff_note"]["$error"]["code"], "FORBIDDEN");
    let (_, bundle) =
        send(&app, TestRequest::get().uri("/api/mizan/context").insert_header(("x-test-user", "staff"))).await;
    assert_eq!(bundle["staff_note"], "staff only");
}

#[actix_web::test]
async fn a_local_context_is_served_raw_with_its_arguments() {
    let app = app().await;
    let response = test::call_service(&app, local("greet", r#"{"name": "Ann"}"#).to_request()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers().get("cache-control").unwrap(), "no-store", "context values are per session");
    assert!(response.headers().get("set-cookie").is_some_and(|c| c.to_str().unwrap().starts_with("mizan_csrf=")));
    let body: Value = test::read_body_json(response).await;
    assert_eq!(body, json!({ "greeting": "Hello, Ann!" }), "no wrapper");

    let (_, body) = send(&app, local("greet", r#"{"punctuation": "?", "name": "Bo & Cy"}"#)).await;
    assert_eq!(body, json!({ "greeting": "Hello, Bo & Cy?" }));
}

#[actix_web::test]
async fn global_contexts_can_be_fetched_one_at_a_time() {
    let (status, body) = send(&app().await, TestRequest::get().uri("/api/mizan/context/motd")).await;
    assert_eq!((status, body), (StatusCode::OK, json!("welcome")), "no `args` means no arguments");
}

#[actix_web::test]
async fn local_context_arguments_are_checked_like_call_arguments() {
    let app = app().await;
    let (status, body) = send(&app, local("greet", r#"{"name": ""}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error(&body, "VALIDATION");
    assert_eq!(body["error"]["fields"], json!({ "name": ["1 to 10 characters"] }));

    for (args, needle) in
        [("{}", "name"), (r#"{"name": 7}"#, "name"), ("not json", "`args`"), ("[\"Ann\"]", "object"), ("", "`args`")]
    {
        let (status, body) = send(&app, local("greet", args)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{args}: {body}");
        assert_error(&body, "BAD_REQUEST");
        assert!(body["error"]["message"].as_str().unwrap().contains(needle), "{args}: {body}");
    }
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let (status, body) = send(&app, local("greet", &format!(r#"{{"name": {deep}}}"#))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("nested"), "{body}");

    let (status, body) = send(&app, TestRequest::get().uri("/api/mizan/context/greet?args=%ZZ")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[actix_web::test]
async fn local_contexts_apply_their_auth_level() {
    let app = app().await;
    let (status, body) = send(&app, local("inbox", r#"{"folder": "spam"}"#)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&body, "UNAUTHENTICATED");
    let (status, body) =
        send(&app, local("inbox", r#"{"folder": "spam"}"#).insert_header(("x-test-user", "user"))).await;
    assert_eq!((status, body), (StatusCode::OK, json!("user/spam")));
}

#[actix_web::test]
async fn only_registered_contexts_are_served() {
    let app = app().await;
    let (status, body) = send(&app, local("rename", r#"{"name": "x"}"#)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "calls are POST-only: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("POST"), "{body}");
    let (status, body) = send(&app, local("nothing", "{}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "NOT_FOUND");

    let response = test::call_service(&app, TestRequest::post().uri("/api/mizan/context/greet").to_request()).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers().get("allow").unwrap(), "GET");
    let (status, _) = send(&app, call("greet", r#"{"name": "Ann"}"#)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "contexts are not calls");
}

#[actix_web::test]
async fn declared_and_run_time_invalidations_are_merged_once_each() {
    let (status, body) = send(&app().await, call("rename", r#"{"name": "Ann"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "result": null, "invalidate": ["motd", "greet", "greet?{\"name\":\"Ann\",\"punctuation\":\"?\"}"] }),
        "declared keys first, then run-time ones; `motd` once; arguments in canonical order"
    );
}

#[actix_web::test]
async fn an_invalidation_key_fetches_the_instance_it_names() {
    // The client turns `name?{json}` back into a request for that instance.
    let app = app().await;
    let (_, body) = send(&app, call("rename", r#"{"name": "Ann"}"#)).await;
    let key = body["invalidate"][2].as_str().unwrap();
    let (name, args) = key.split_once('?').unwrap();
    let (status, value) = send(&app, local(name, args)).await;
    assert_eq!((status, value), (StatusCode::OK, json!({ "greeting": "Hello, Ann?" })));
}
