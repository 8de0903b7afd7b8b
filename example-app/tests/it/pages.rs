//! The home page, rendered by React in the embedded engine.

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use serde_json::Value;

use crate::service;

async fn get(path: &str) -> (StatusCode, actix_web::http::header::HeaderMap, String) {
    let app = service().await;
    let response = test::call_service(&app, TestRequest::get().uri(path).to_request()).await;
    let (status, headers) = (response.status(), response.headers().clone());
    let body = test::read_body(response).await;
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn ssr_data(html: &str) -> Value {
    let start =
        html.find("window.__MIZAN_SSR_DATA__ = ").expect("SSR data script") + "window.__MIZAN_SSR_DATA__ = ".len();
    let end = start + html[start..].find(";</script>").expect("end of the SSR data script");
    serde_json::from_str(&html[start..end]).unwrap()
}

#[actix_web::test]
async fn the_home_page_is_server_rendered_with_its_data() {
    let (status, headers, html) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/html"));
    assert!(html.starts_with("<!doctype html>"), "{html}");
    let data = ssr_data(&html);
    let iso = data["server_time"]["iso"].as_str().unwrap();
    assert!(html.contains(&format!(">{iso}<")), "React rendered the context value into the markup: {html}");
    assert_eq!(data["$local"], serde_json::json!({}));
    assert!(html.contains(r#"data-testid="echo-input""#), "{html}");
    assert!(client_script(&html).starts_with("/static/"), "{html}");
}

/// The `src` of the page's module script, with minijinja's attribute escaping undone.
fn client_script(html: &str) -> String {
    let start =
        html.find(r#"<script type="module" src=""#).expect("a module script") + r#"<script type="module" src=""#.len();
    html[start..start + html[start..].find('"').unwrap()].replace("&#x2f;", "/")
}

#[actix_web::test]
async fn pages_set_the_csrf_cookie() {
    let (_, headers, _) = get("/").await;
    let cookie = headers.get("set-cookie").expect("a CSRF cookie").to_str().unwrap();
    assert!(cookie.starts_with("mizan_csrf="), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[actix_web::test]
async fn the_client_bundle_is_served() {
    let (_, _, html) = get("/").await;
    let src = client_script(&html);
    let (status, headers, body) = get(&src).await;
    assert_eq!(status, StatusCode::OK, "{src}");
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/javascript"));
    assert!(body.contains("hydrateRoot") || body.len() > 10_000, "the client bundle");
    // Only the build's own files are served.
    let (status, _, _) = get("/static/Cargo.toml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in ["/static/../Cargo.toml", "/static/..%2FCargo.toml", "/static/%2e%2e%2fCargo.toml"] {
        let (_, _, body) = get(path).await;
        assert!(!body.contains("[package]"), "{path} leaked a file");
    }
}

#[actix_web::test]
async fn local_contexts_a_page_uses_are_resolved_on_the_server() {
    let (status, _, html) = get("/greet?name=Zo%C3%AB").await;
    assert_eq!(status, StatusCode::OK);
    let data = ssr_data(&html);
    assert_eq!(
        data["$local"],
        serde_json::json!({
            "greet?{\"name\":\"Ann\"}": { "greeting": "Hello, Ann!", "waves": 0 },
            "greet?{\"name\":\"Bob\"}": { "greeting": "Hello, Bob!", "waves": 0 },
            "greet?{\"name\":\"Zoë\"}": { "greeting": "Hello, Zoë!", "waves": 0 },
        }),
        "every <GreetProvider> of the page, keyed by canonical arguments"
    );
    for name in ["Ann", "Bob", "Zoë"] {
        assert!(html.contains(&format!(">Hello, {name}!</strong>")), "rendered with the data, not loading: {html}");
    }
    assert!(!html.contains("Loading"), "{html}");
    assert!(data["counter"].is_number(), "global contexts are still there: {data}");
}

#[actix_web::test]
async fn a_failing_local_context_is_marked_and_the_page_still_renders() {
    let long = "x".repeat(41);
    let (status, _, html) = get(&format!("/greet?name={long}")).await;
    assert_eq!(status, StatusCode::OK);
    let data = ssr_data(&html);
    let key = format!("greet?{{\"name\":\"{long}\"}}");
    assert_eq!(data["$local"][&key]["$error"]["code"], "VALIDATION", "{data}");
    assert!(html.contains(r#"data-testid="greeting-typed-error""#), "the card shows the error: {html}");
    assert!(html.contains(">Hello, Ann!</strong>"), "the other providers are unaffected: {html}");
}

#[actix_web::test]
async fn unknown_paths_get_the_apps_not_found_page_with_status_404() {
    let (status, headers, html) = get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.get("content-type").unwrap().to_str().unwrap().starts_with("text/html"));
    assert!(html.contains(r#"data-testid="not-found""#), "{html}");
    assert!(html.contains("<title>Not found · Mizan example</title>"), "{html}");
    assert_eq!(html.matches("<title>").count(), 1, "the app's title replaces the default: {html}");
    assert!(ssr_data(&html)["counter"].is_number(), "a 404 page still carries its data for hydration");
    for path in ["/Greet", "/greet/more", "/contact.html"] {
        assert_eq!(get(path).await.0, StatusCode::NOT_FOUND, "{path}: the router matches whole, case-sensitive paths");
    }
}

#[actix_web::test]
async fn every_page_sets_its_own_title() {
    for (path, title) in [
        ("/", "Mizan example"),
        ("/greet", "Greetings · Mizan example"),
        ("/chat?room=lobby", "Chat · Mizan example"),
        ("/contact", "Contact · Mizan example"),
        ("/signup", "Sign up · Mizan example"),
    ] {
        let (status, _, html) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains(&format!("<title>{title}</title>")), "{path}: {html}");
    }
}
