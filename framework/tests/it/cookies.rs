//! Cookie names over TLS: `__Host-mizan_session` and `__Host-mizan_csrf` (`Secure`, `Path=/`,
//! no `Domain`) for a client on https behind a trusted proxy, the plain names over http, and
//! only the name of the request's scheme is read.

use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use serde_json::{json, Value};

use crate::fixtures;

/// The app's trusted reverse proxy, which terminates TLS.
const PROXY: &str = "10.0.0.1:40000";
/// A client talking to the app directly over plain http.
const DIRECT: &str = "10.0.0.9:40000";

async fn service() -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let db = crate::support::database_with_ann().await;
    let app = mizan::Mizan::new()
        .database(db)
        .trusted_proxies(["10.0.0.1".parse().unwrap()])
        .functions(mizan::auth::functions())
        .functions(mizan::fns![fixtures::for_users])
        .build()
        .unwrap();
    test::init_service(App::new().configure(move |cfg| app.configure(cfg))).await
}

/// A request from `peer`, as a browser on https sends it through the proxy when `tls`.
fn request(request: TestRequest, peer: &str, tls: bool) -> TestRequest {
    let request = request.peer_addr(peer.parse().unwrap());
    match tls {
        true => request.insert_header(("x-forwarded-proto", "https")),
        false => request,
    }
}

/// A call with `cookies` and the CSRF header `token`.
fn call(name: &str, body: Value, cookies: &str, token: &str) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/mizan/call/{name}"))
        .insert_header(("content-type", "application/json"))
        .insert_header(("cookie", cookies.to_owned()))
        .insert_header(("x-csrf-token", token.to_owned()))
        .set_payload(body.to_string())
}

/// Sends `request`: the status, the body and the cookies set.
async fn send(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    request: TestRequest,
) -> (StatusCode, Value, Vec<Cookie<'static>>) {
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let cookies = response
        .headers()
        .get_all("set-cookie")
        .map(|value| Cookie::parse(value.to_str().unwrap().to_owned()).unwrap())
        .collect();
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null), cookies)
}

fn named<'a>(cookies: &'a [Cookie<'static>], name: &str) -> &'a Cookie<'static> {
    cookies.iter().find(|cookie| cookie.name() == name).unwrap_or_else(|| panic!("no {name} among {cookies:?}"))
}

/// What browsers require of a `__Host-` cookie.
fn assert_host_cookie(cookie: &Cookie<'static>) {
    assert!(cookie.name().starts_with("__Host-"), "{cookie}");
    assert_eq!((cookie.secure(), cookie.path(), cookie.domain()), (Some(true), Some("/"), None), "{cookie}");
}

#[actix_web::test]
async fn over_tls_the_cookies_are_host_prefixed_and_only_those_are_read() {
    let app = service().await;

    // A page or context fetch over https hands out `__Host-mizan_csrf`.
    let (status, _, cookies) = send(&app, request(TestRequest::get().uri("/api/mizan/context"), PROXY, true)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(cookies.iter().all(|cookie| cookie.name() != "mizan_csrf"), "{cookies:?}");
    let csrf = named(&cookies, "__Host-mizan_csrf");
    assert_host_cookie(csrf);
    let token = csrf.value().to_owned();

    // The unprefixed CSRF cookie (which a sibling subdomain could plant) does not pass the check.
    let login = json!({"username": "ann", "password": "pass word 1"});
    let planted = call("auth.login", login.clone(), &format!("mizan_csrf={token}"), &token);
    let (status, body, _) = send(&app, request(planted, PROXY, true)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Login with `__Host-mizan_csrf` passes, and sets `__Host-mizan_session` and a new CSRF token.
    let (status, body, cookies) =
        send(&app, request(call("auth.login", login, &format!("__Host-mizan_csrf={token}"), &token), PROXY, true))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let session = named(&cookies, "__Host-mizan_session");
    assert_host_cookie(session);
    assert_eq!(session.http_only(), Some(true));
    let session = session.value().to_owned();
    let csrf = named(&cookies, "__Host-mizan_csrf");
    assert_host_cookie(csrf);
    let token = csrf.value().to_owned();
    assert!(cookies.iter().all(|cookie| !cookie.name().starts_with("mizan_")), "no plain names: {cookies:?}");

    // The prefixed session authenticates; the same token under the plain name does not.
    let prefixed = format!("__Host-mizan_session={session}; __Host-mizan_csrf={token}");
    let (status, body, _) = send(&app, request(call("for_users", json!({}), &prefixed, &token), PROXY, true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let unprefixed = format!("mizan_session={session}; __Host-mizan_csrf={token}");
    let (status, body, _) = send(&app, request(call("for_users", json!({}), &unprefixed, &token), PROXY, true)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // Logout removes `__Host-mizan_session` (a removal is only honoured under the same name).
    let (status, _, cookies) =
        send(&app, request(call("auth.logout", json!({}), &prefixed, &token), PROXY, true)).await;
    assert_eq!(status, StatusCode::OK);
    let removal = named(&cookies, "__Host-mizan_session");
    assert_host_cookie(removal);
    assert_eq!(removal.max_age(), Some(actix_web::cookie::time::Duration::ZERO));
}

#[actix_web::test]
async fn over_plain_http_the_names_are_unchanged() {
    let app = service().await;
    for (peer, what) in [(DIRECT, "a direct client"), (PROXY, "the proxy without X-Forwarded-Proto")] {
        let (_, _, cookies) = send(&app, request(TestRequest::get().uri("/api/mizan/context"), peer, false)).await;
        let csrf = named(&cookies, "mizan_csrf");
        assert_ne!(csrf.secure(), Some(true), "{what}");
        let token = csrf.value().to_owned();
        let login = json!({"username": "ann", "password": "pass word 1"});
        let (status, body, cookies) =
            send(&app, request(call("auth.login", login, &format!("mizan_csrf={token}"), &token), peer, false)).await;
        assert_eq!(status, StatusCode::OK, "{what}: {body}");
        assert!(cookies.iter().all(|cookie| !cookie.name().starts_with("__Host-")), "{what}: {cookies:?}");
        let session = named(&cookies, "mizan_session").value().to_owned();
        let token = named(&cookies, "mizan_csrf").value().to_owned();
        let plain = format!("mizan_session={session}; mizan_csrf={token}");
        let (status, body, _) = send(&app, request(call("for_users", json!({}), &plain, &token), peer, false)).await;
        assert_eq!(status, StatusCode::OK, "{what}: {body}");
        // Prefixed names are the TLS ones: over http they are not read.
        let prefixed = format!("__Host-mizan_session={session}; mizan_csrf={token}");
        let (status, _, _) = send(&app, request(call("for_users", json!({}), &prefixed, &token), peer, false)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: no session cookie under the http name");
        let prefixed = format!("mizan_session={session}; __Host-mizan_csrf={token}");
        let (status, _, _) = send(&app, request(call("for_users", json!({}), &prefixed, &token), peer, false)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}: no CSRF cookie under the http name");
    }
    // `X-Forwarded-Proto: https` from a client that is not a trusted proxy changes nothing.
    let (_, _, cookies) = send(&app, request(TestRequest::get().uri("/api/mizan/context"), DIRECT, true)).await;
    assert_ne!(named(&cookies, "mizan_csrf").secure(), Some(true));
}
