//! Accounts and sessions end to end over HTTP, on real SQLite and PostgreSQL databases:
//! signup, login, logout, session rotation and expiry, CSRF rotation, password changes,
//! enumeration parity, throttling, hash upgrades and the auth matrix with real logins.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use chrono::{Duration, Utc};
use mizan::auth::sessions::SessionConfig;
use mizan::auth::users::{create_user, find_by_username, set_active, NewUser};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::{json, Value};

use crate::database::Postgres;
use crate::fixtures;

/// A browser: a cookie jar and an address.
#[derive(Clone)]
struct Browser {
    cookies: BTreeMap<String, String>,
    addr: SocketAddr,
    /// `X-Forwarded-For`, as a reverse proxy at `addr` sends it.
    forwarded_for: Option<String>,
}

impl Browser {
    fn new(addr: &str) -> Self {
        let mut cookies = BTreeMap::new();
        cookies.insert("mizan_csrf".to_owned(), "initial-token".to_owned());
        Self { cookies, addr: addr.parse().unwrap(), forwarded_for: None }
    }

    /// A browser at `client` behind the reverse proxy at `proxy`.
    fn behind(proxy: &str, client: &str) -> Self {
        Self { forwarded_for: Some(client.to_owned()), ..Self::new(proxy) }
    }

    fn session(&self) -> Option<&String> {
        self.cookies.get("mizan_session")
    }

    async fn call(
        &mut self,
        app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
        name: &str,
        body: Value,
    ) -> (StatusCode, Value, Vec<String>) {
        let cookie_header = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let mut request = TestRequest::post()
            .uri(&format!("/api/mizan/call/{name}"))
            .peer_addr(self.addr)
            .insert_header(("content-type", "application/json"))
            .insert_header(("cookie", cookie_header))
            .insert_header(("x-csrf-token", self.cookies["mizan_csrf"].clone()))
            .set_payload(body.to_string());
        if let Some(client) = &self.forwarded_for {
            request = request.insert_header(("x-forwarded-for", client.clone()));
        }
        let response = test::call_service(app, request.to_request()).await;
        let status = response.status();
        let set_cookies: Vec<String> =
            response.headers().get_all("set-cookie").map(|value| value.to_str().unwrap().to_owned()).collect();
        for header in &set_cookies {
            let cookie = actix_web::cookie::Cookie::parse(header.clone()).unwrap();
            let removed = cookie.max_age().is_some_and(|age| age.is_zero() || age.is_negative());
            if removed || cookie.value().is_empty() {
                self.cookies.remove(cookie.name());
            } else {
                self.cookies.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        let body = test::read_body(response).await;
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null), set_cookies)
    }

    async fn current_user(
        &mut self,
        app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    ) -> Value {
        let cookie_header = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let request = TestRequest::get().uri("/api/mizan/context").insert_header(("cookie", cookie_header));
        let body: Value = test::call_and_read_body_json(app, request.to_request()).await;
        body["current_user"].clone()
    }
}

/// A clock tests move forward.
fn test_clock() -> (Arc<AtomicI64>, SessionConfig) {
    let minutes = Arc::new(AtomicI64::new(0));
    let offset = Arc::clone(&minutes);
    let clock = Arc::new(move || Utc::now() + Duration::minutes(offset.load(Ordering::SeqCst)));
    (
        minutes,
        SessionConfig {
            idle_timeout: Duration::days(7),
            absolute_timeout: Duration::days(30),
            secure: None,
            clock,
            secret_key: None,
        },
    )
}

async fn service(
    db: &DatabaseConnection,
    config: SessionConfig,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let app = mizan::Mizan::new()
        .database(db.clone())
        .sessions(config)
        .functions(mizan::auth::functions())
        .functions(mizan::fns![fixtures::for_users, fixtures::for_staff, fixtures::for_superusers])
        .build()
        .unwrap();
    test::init_service(App::new().configure(move |cfg| app.configure(cfg))).await
}

async fn scenario(db: &DatabaseConnection) {
    mizan::Mizan::new().migrate(db).await.unwrap();
    let (minutes, config) = test_clock();
    let app = service(db, config).await;
    let mut ann = Browser::new("10.0.0.1:4000");

    // Signup logs in: an HttpOnly, SameSite=Lax session cookie and a rotated CSRF token.
    let (status, body, set_cookies) = ann
        .call(&app, "auth.signup", json!({"username": "ann", "email": "ann@example.com", "password": "correct horse"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["username"], "ann");
    assert_eq!(body["invalidate"], json!(["current_user"]));
    let session_cookie = set_cookies.iter().find(|c| c.starts_with("mizan_session=")).expect("a session cookie");
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"), "{session_cookie}");
    assert!(ann.session().unwrap().len() >= 32, "at least 128 random bits");
    assert_ne!(ann.cookies["mizan_csrf"], "initial-token", "the CSRF token rotates at login");
    assert_eq!(ann.current_user(&app).await["username"], "ann");

    // Logout ends the session on the server: replaying the old cookie is anonymous.
    let stolen = ann.clone();
    let csrf_before = ann.cookies["mizan_csrf"].clone();
    let (status, _, _) = ann.call(&app, "auth.logout", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ann.session().is_none(), "the cookie is cleared");
    assert_ne!(ann.cookies["mizan_csrf"], csrf_before, "the CSRF token rotates at logout");
    assert_eq!(stolen.clone().current_user(&app).await, Value::Null);

    // Login replaces any session the browser had (no fixation).
    let mut planted = Browser::new("10.0.0.1:4000");
    planted.cookies.insert("mizan_session".into(), stolen.session().unwrap().clone());
    let (status, _, _) =
        planted.call(&app, "auth.login", json!({"username": "ann", "password": "correct horse"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(planted.session(), stolen.session(), "a new session id at login");
    let mut ann = planted;

    // Unknown users and wrong passwords get the same status and body.
    let mut eve = Browser::new("10.0.0.9:5000");
    let (status_a, mut body_a, _) = eve.call(&app, "auth.login", json!({"username": "nobody", "password": "x"})).await;
    let (status_b, mut body_b, _) = eve.call(&app, "auth.login", json!({"username": "ann", "password": "wrong"})).await;
    assert_eq!(status_a, StatusCode::UNAUTHORIZED);
    assert_eq!(status_a, status_b);
    body_a["error"]["id"] = Value::Null;
    body_b["error"]["id"] = Value::Null;
    assert_eq!(body_a, body_b);

    // Oversized passwords are refused before hashing.
    let (status, _, _) = eve.call(&app, "auth.login", json!({"username": "ann", "password": "x".repeat(5000)})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Throttling: five failures (one above, four here) lock this username from this address only.
    for _ in 0..4 {
        eve.call(&app, "auth.login", json!({"username": "ann", "password": "wrong"})).await;
    }
    let (status, body, _) = eve.call(&app, "auth.login", json!({"username": "ann", "password": "correct horse"})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    let mut elsewhere = Browser::new("10.0.0.2:4000");
    let (status, _, _) =
        elsewhere.call(&app, "auth.login", json!({"username": "ann", "password": "correct horse"})).await;
    assert_eq!(status, StatusCode::OK, "the real user, from another address, still logs in");

    // Changing the password ends the other sessions, keeps this one.
    let (status, body, _) = ann
        .call(&app, "auth.change_password", json!({"old_password": "wrong", "new_password": "battery staple"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["fields"]["old_password"], json!(["the current password is wrong"]));
    let (status, _, _) = ann
        .call(&app, "auth.change_password", json!({"old_password": "correct horse", "new_password": "battery staple"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ann.current_user(&app).await["username"], "ann", "this session lives on");
    assert_eq!(elsewhere.current_user(&app).await, Value::Null, "the other session ended");
    let (status, _, _) =
        elsewhere.call(&app, "auth.login", json!({"username": "ann", "password": "battery staple"})).await;
    assert_eq!(status, StatusCode::OK);

    // Idle expiry: 8 days without requests end the session.
    minutes.store(8 * 24 * 60, Ordering::SeqCst);
    assert_eq!(ann.current_user(&app).await, Value::Null);
    // Absolute expiry: a session used every day still ends after 30 days.
    minutes.store(0, Ordering::SeqCst);
    let mut daily = Browser::new("10.0.0.3:4000");
    daily.call(&app, "auth.login", json!({"username": "ann", "password": "battery staple"})).await;
    for day in 1..=29 {
        minutes.store(day * 24 * 60, Ordering::SeqCst);
        assert_eq!(daily.current_user(&app).await["username"], "ann", "day {day}");
    }
    minutes.store(31 * 24 * 60, Ordering::SeqCst);
    assert_eq!(daily.current_user(&app).await, Value::Null, "the absolute timeout");
    minutes.store(0, Ordering::SeqCst);

    // Deactivating a user ends their sessions.
    let mut active = Browser::new("10.0.0.4:4000");
    active.call(&app, "auth.login", json!({"username": "ann", "password": "battery staple"})).await;
    let id = find_by_username(db, "ann").await.unwrap().unwrap().id;
    set_active(db, id, false).await.unwrap();
    assert_eq!(active.current_user(&app).await, Value::Null);
    let (status, _, _) =
        active.call(&app, "auth.login", json!({"username": "ann", "password": "battery staple"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "inactive users cannot log in");

    // Hashes with older parameters are upgraded at the next successful login.
    let weak = {
        use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
        let salt = password_hash::SaltString::generate(&mut password_hash::rand_core::OsRng);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"old school", &salt)
            .unwrap()
            .to_string()
    };
    let bo = create_user(
        db,
        NewUser { username: "bo", email: "bo@example.com", password: "x", is_staff: false, is_superuser: false },
    )
    .await
    .unwrap();
    let mut model: mizan::auth::users::entity::ActiveModel = find_by_username(db, "bo").await.unwrap().unwrap().into();
    model.password_hash = Set(weak);
    model.update(db).await.unwrap();
    let mut bo_browser = Browser::new("10.0.0.5:4000");
    let (status, _, _) = bo_browser.call(&app, "auth.login", json!({"username": "bo", "password": "old school"})).await;
    assert_eq!(status, StatusCode::OK);
    let upgraded = find_by_username(db, "bo").await.unwrap().unwrap();
    assert!(upgraded.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", upgraded.password_hash);
    assert!(upgraded.last_login.is_some());
    assert_eq!(bo.username, "bo");
}

async fn auth_matrix_with_real_logins(db: &DatabaseConnection) {
    mizan::Mizan::new().migrate(db).await.unwrap();
    let (_, config) = test_clock();
    let app = service(db, config).await;
    for (username, is_staff, is_superuser) in
        [("user", false, false), ("staff", true, false), ("super", false, true), ("gone", true, true)]
    {
        let new = NewUser { username, email: "x@example.com", password: "pass word 1", is_staff, is_superuser };
        create_user(db, new).await.unwrap();
    }
    let mut browsers = vec![("anonymous", Browser::new("10.1.0.1:1"))];
    for username in ["user", "staff", "super", "gone"] {
        let mut browser = Browser::new("10.1.0.2:1");
        let (status, _, _) =
            browser.call(&app, "auth.login", json!({"username": username, "password": "pass word 1"})).await;
        assert_eq!(status, StatusCode::OK);
        browsers.push((username, browser));
    }
    let gone = find_by_username(db, "gone").await.unwrap().unwrap().id;
    set_active(db, gone, false).await.unwrap();
    // caller:         anonymous  user  staff  super  gone (deactivated after login)
    let matrix = [
        ("for_users", [401, 200, 200, 200, 401]),
        ("for_staff", [401, 403, 200, 200, 401]),
        ("for_superusers", [401, 403, 403, 200, 401]),
    ];
    for (function, expected) in matrix {
        for ((caller, browser), expected) in browsers.iter_mut().zip(expected) {
            let (status, body, _) = browser.call(&app, function, json!({})).await;
            assert_eq!(status.as_u16(), expected, "{function} by {caller}: {body}");
        }
    }
}

#[actix_web::test]
async fn behind_a_trusted_proxy_login_throttling_counts_each_client_and_spoofing_does_not_help() {
    let db = crate::support::database_with_ann().await;
    let (_, config) = test_clock();
    let app = mizan::Mizan::new()
        .database(db.clone())
        .sessions(config)
        .trusted_proxies(["10.0.0.1".parse().unwrap()])
        .functions(mizan::auth::functions())
        .build()
        .unwrap();
    let app = test::init_service(App::new().configure(move |cfg| app.configure(cfg))).await;
    let wrong = json!({"username": "ann", "password": "wrong"});
    let right = json!({"username": "ann", "password": "pass word 1"});

    // Five failures from one client behind the proxy lock that client out...
    let mut attacker = Browser::behind("10.0.0.1:5000", "203.0.113.7");
    for _ in 0..5 {
        attacker.call(&app, "auth.login", wrong.clone()).await;
    }
    let (status, _, _) = attacker.call(&app, "auth.login", right.clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // ...not everyone else behind the same proxy.
    let (status, body, _) =
        Browser::behind("10.0.0.1:5001", "198.51.100.2").call(&app, "auth.login", right.clone()).await;
    assert_eq!(status, StatusCode::OK, "another client of the proxy logs in: {body}");

    // A client that is not a trusted proxy cannot dodge the lock with a new X-Forwarded-For each time.
    for attempt in 0..5 {
        let mut spoofer = Browser::behind("10.0.0.9:6000", &format!("192.0.2.{attempt}"));
        spoofer.call(&app, "auth.login", wrong.clone()).await;
    }
    let (status, _, _) = Browser::behind("10.0.0.9:6000", "192.0.2.99").call(&app, "auth.login", right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "its own address is what counts");
}

#[actix_web::test]
async fn sqlite_accounts() {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    scenario(&db).await;
}

#[actix_web::test]
async fn postgres_accounts() {
    let postgres = Postgres::fresh().await;
    scenario(&postgres.db).await;
    postgres.drop().await;
}

#[actix_web::test]
async fn sqlite_auth_matrix_with_real_logins() {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    auth_matrix_with_real_logins(&db).await;
}

#[actix_web::test]
async fn postgres_auth_matrix_with_real_logins() {
    let postgres = Postgres::fresh().await;
    auth_matrix_with_real_logins(&postgres.db).await;
    postgres.drop().await;
}
