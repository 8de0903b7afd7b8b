//! What an attacker tries first: parallel password guesses, guesses spread over addresses or
//! over processes, sign-up floods, look-alike usernames, trickled bodies, forged forwarding
//! headers and cached private pages.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use mizan::auth::throttle::{AccountLimits, RateLimit, Throttle};
use mizan::auth::users::{create_user, find_by_username, NewUser, UsernamePolicy};
use mizan::{Ctx, Mizan};
use sea_orm::DatabaseConnection;
use serde_json::json;

use crate::database::Postgres;
use crate::support::{assert_error, call, database_with_ann, send, serve, ANN_PASSWORD as PASSWORD, TOKEN};

async fn accounts_app(
    db: &DatabaseConnection,
    configure: impl FnOnce(Mizan) -> Mizan,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let app = configure(Mizan::new().database(db.clone()).functions(mizan::auth::functions())).build().unwrap();
    test::init_service(App::new().configure(move |cfg| app.configure(cfg))).await
}

fn login(username: &str, password: &str, peer: &str) -> TestRequest {
    call("auth.login", json!({ "username": username, "password": password }).to_string())
        .peer_addr(peer.parse().unwrap())
}

fn signup(username: &str, peer: &str) -> TestRequest {
    let body = json!({ "username": username, "email": "someone@example.com", "password": PASSWORD });
    call("auth.signup", body.to_string()).peer_addr(peer.parse().unwrap())
}

#[actix_web::test]
async fn parallel_wrong_guesses_are_counted_before_the_password_is_checked() {
    let db = database_with_ann().await;
    let app = accounts_app(&db, |mizan| mizan).await;
    // Twelve guesses at once: a check-then-record throttle lets every one of them through to
    // the password check, since none has failed yet when the others are checked.
    let guesses = (0..12).map(|_| send(&app, login("ann", "wrong", "203.0.113.7:4000")));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(guesses).await.into_iter().map(|(s, _)| s).collect();
    let checked = statuses.iter().filter(|status| **status == StatusCode::UNAUTHORIZED).count();
    let refused = statuses.iter().filter(|status| **status == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, refused), (5, 7), "{statuses:?}");
    let (status, body) = send(&app, login("ANN", PASSWORD, "203.0.113.7:4000")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the name's case does not make a new count: {body}");
    assert_error(&body, "RATE_LIMITED");
}

#[actix_web::test]
async fn a_guess_spread_over_many_addresses_meets_the_per_account_limit() {
    let db = database_with_ann().await;
    let limits = AccountLimits { login_per_account: RateLimit::new(6, Duration::from_secs(900)), ..Default::default() };
    let bo =
        NewUser { username: "bo", email: "bo@example.com", password: PASSWORD, is_staff: false, is_superuser: false };
    create_user(&db, bo).await.unwrap();
    let app = accounts_app(&db, |mizan| mizan.account_limits(limits)).await;
    // A successful login does not use up the account's allowance.
    assert_eq!(send(&app, login("ann", PASSWORD, "198.51.100.1:1")).await.0, StatusCode::OK);
    for n in 0..6 {
        let (status, _) = send(&app, login("ann", "wrong", &format!("203.0.113.{n}:4000"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {n} from its own address");
    }
    let (status, body) = send(&app, login("ann", PASSWORD, "198.51.100.1:1")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(
        send(&app, login("bo", PASSWORD, "198.51.100.1:1")).await.0,
        StatusCode::OK,
        "other accounts are not affected"
    );
}

#[actix_web::test]
async fn overlong_usernames_are_refused_without_a_count_or_a_lookup() {
    let db = database_with_ann().await;
    let app = accounts_app(&db, |mizan| mizan).await;
    let long = "a".repeat(100_000);
    for _ in 0..8 {
        let (status, body) = send(&app, login(&long, "wrong", "203.0.113.7:4000")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "never RATE_LIMITED: nothing is counted for such a name");
        assert_error(&body, "UNAUTHENTICATED");
    }
    let (status, body) = send(&app, signup(&long, "203.0.113.7:4000")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

#[actix_web::test]
async fn login_counts_are_shared_by_every_process_through_redis() {
    let prefix = format!("mizan-test-{}:", uuid::Uuid::new_v4().simple());
    let mut apps = Vec::new();
    for _ in 0..2 {
        // Two replicas: their own processes' memory, one Redis.
        let db = database_with_ann().await;
        let throttle = Throttle::redis("redis://127.0.0.1:6379", &prefix).unwrap();
        apps.push(accounts_app(&db, move |mizan| mizan.throttle(throttle)).await);
    }
    for n in 0..5 {
        let (status, _) = send(&apps[n % 2], login("ann", "wrong", "203.0.113.7:4000")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    for app in &apps {
        let (status, body) = send(app, login("ann", PASSWORD, "203.0.113.7:4000")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "five failures across both replicas: {body}");
    }
    let (status, _) = send(&apps[0], login("ann", PASSWORD, "198.51.100.1:1")).await;
    assert_eq!(status, StatusCode::OK, "another address is not locked out");

    // Redis down: refused, not waved through uncounted.
    let db = database_with_ann().await;
    let app = accounts_app(&db, |mizan| mizan.throttle(Throttle::redis("redis://127.0.0.1:1", &prefix).unwrap())).await;
    let (status, body) = send(&app, login("ann", PASSWORD, "198.51.100.1:1")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_error(&body, "UNAVAILABLE");
}

#[actix_web::test]
async fn sign_ups_are_limited_per_address() {
    let db = database_with_ann().await;
    let limits =
        AccountLimits { signup_per_address: RateLimit::new(3, Duration::from_secs(3600)), ..Default::default() };
    let app = accounts_app(&db, |mizan| mizan.account_limits(limits)).await;
    assert_eq!(send(&app, signup("cy", "203.0.113.7:1")).await.0, StatusCode::OK);
    assert_eq!(send(&app, signup("ANN", "203.0.113.7:2")).await.0, StatusCode::BAD_REQUEST, "taken");
    assert_eq!(send(&app, signup("di", "203.0.113.7:3")).await.0, StatusCode::OK);
    let (status, body) = send(&app, signup("ed", "203.0.113.7:4")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(find_by_username(&db, "ed").await.unwrap().is_none(), "a refused sign-up creates nothing");
    assert_eq!(send(&app, signup("ed", "198.51.100.1:1")).await.0, StatusCode::OK, "another address signs up");
}

/// One HTTP/1.1 request on its own connection; the connection is returned unread.
fn open(addr: SocketAddr, request: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    stream
}

fn response(mut stream: TcpStream) -> String {
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

fn post(addr: SocketAddr, name: &str, body: &str) -> String {
    format!(
        "POST /api/mizan/call/{name} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Cookie: mizan_csrf={TOKEN}\r\nX-CSRF-Token: {TOKEN}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_answered_408_and_the_connection_closed() {
    let addr = serve(|mizan| mizan.body_timeout(Some(Duration::from_millis(300))));
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /api/mizan/call/record HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Cookie: mizan_csrf={TOKEN}\r\nX-CSRF-Token: {TOKEN}\r\nContent-Length: 100\r\n\r\n{{\"text\":"
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The rest of the body never comes: only a deadline on the body ends the wait.
    let answer = response(stream);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "the error envelope: {answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");

    // A body that arrives in time is served.
    let ok = response(open(addr, &post(addr, "record", r#"{"text":"on time"}"#)));
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

#[mizan::client]
async fn client_address(ctx: &Ctx) -> mizan::Result<Option<String>> {
    Ok(ctx.client_ip().map(|address| address.to_string()))
}

#[mizan::client]
async fn limited(ctx: &Ctx) -> mizan::Result<()> {
    ctx.rate_limit("limited", RateLimit::new(2, Duration::from_secs(60))).await
}

#[actix_web::test]
async fn forwarded_addresses_are_read_from_every_header_line_with_ports_and_proxy_ranges() {
    let app = crate::support::app_with(|mizan| {
        mizan.functions(mizan::fns![client_address, limited]).trusted_proxies(["10.0.0.0/8".parse().unwrap()])
    })
    .await;
    let address = |peer: &str, lines: &[&str]| {
        let mut request = call("client_address", "{}").peer_addr(peer.parse().unwrap());
        for line in lines {
            request = request.append_header(("x-forwarded-for", *line));
        }
        let app = &app;
        async move { send(app, request).await.1["result"].clone() }
    };
    // Proxies anywhere in 10.0.0.0/8 are trusted; the nearest untrusted hop is the client.
    assert_eq!(address("10.1.2.3:80", &["198.51.100.9, 10.200.0.1"]).await, "198.51.100.9");
    // Two header lines are one list: the last line is the nearest hop.
    assert_eq!(address("10.1.2.3:80", &["192.0.2.1", "198.51.100.9"]).await, "198.51.100.9");
    assert_eq!(address("10.1.2.3:80", &["192.0.2.1", "10.9.9.9"]).await, "192.0.2.1");
    // Hops with ports, IPv6 in brackets.
    assert_eq!(address("10.1.2.3:80", &["198.51.100.9:51234"]).await, "198.51.100.9");
    assert_eq!(address("10.1.2.3:80", &["[2001:db8::7]:443"]).await, "2001:db8::7");
    // A hop that is not an address stops the walk at the last trusted one.
    assert_eq!(address("10.1.2.3:80", &["198.51.100.9, garbage"]).await, "10.1.2.3");
    // From outside the range the header is ignored.
    assert_eq!(address("192.0.2.50:80", &["198.51.100.9"]).await, "192.0.2.50");

    // The app's own limits count per client behind the proxy.
    let limited_from = |client: &str| {
        let request =
            call("limited", "{}").peer_addr("10.0.0.1:80".parse().unwrap()).insert_header(("x-forwarded-for", client));
        let app = &app;
        async move { send(app, request).await }
    };
    assert_eq!(limited_from("198.51.100.1").await.0, StatusCode::OK);
    assert_eq!(limited_from("198.51.100.1:2").await.0, StatusCode::OK);
    let (status, body) = limited_from("198.51.100.1:3").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the port does not make a new client: {body}");
    assert_error(&body, "RATE_LIMITED");
    assert_eq!(limited_from("198.51.100.2").await.0, StatusCode::OK);
}

async fn usernames_ignore_case_and_compatibility_forms(db: &DatabaseConnection) {
    Mizan::new().migrate(db).await.unwrap();
    let app = accounts_app(db, |mizan| mizan).await;
    assert_eq!(send(&app, signup("Ann", "203.0.113.7:1")).await.0, StatusCode::OK);
    for other in ["ann", "ANN"] {
        let (status, body) = send(&app, signup(other, "203.0.113.7:1")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{other}: {body}");
        assert_eq!(body["error"]["fields"]["username"][0], "this username is taken", "{body}");
    }
    let (status, body) = send(&app, signup("\u{ff21}nn", "203.0.113.7:1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "full-width letters are refused by default: {body}");
    assert!(body["error"]["fields"]["username"].is_array(), "{body}");
    let (status, body) = send(&app, login("aNN", PASSWORD, "203.0.113.7:1")).await;
    assert_eq!(status, StatusCode::OK, "logins ignore case: {body}");
    assert_eq!(body["result"]["username"], "Ann", "the name as chosen");

    let unicode = accounts_app(db, |mizan| mizan.username_policy(UsernamePolicy::Unicode)).await;
    assert_eq!(send(&unicode, signup("Jos\u{e9}", "203.0.113.7:1")).await.0, StatusCode::OK);
    let (status, body) = send(&unicode, signup("JOSE\u{301}", "203.0.113.7:1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the decomposed, upper-case spelling is the same name: {body}");
    let (status, body) = send(&unicode, signup("\u{ff21}NN", "203.0.113.7:1")).await;
    assert_eq!(body["error"]["fields"]["username"][0], "this username is taken", "NFKC: {status} {body}");
    let (status, body) = send(&unicode, signup("p\u{430}ypal", "203.0.113.7:1")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a Cyrillic а among Latin letters: {body}");
    assert!(body["error"]["fields"]["username"][0].as_str().unwrap().contains("one script"), "{body}");
    assert_eq!(send(&unicode, signup("\u{418}\u{432}\u{430}\u{43d}", "203.0.113.7:1")).await.0, StatusCode::OK);
}

#[actix_web::test]
async fn sqlite_usernames_ignore_case_and_compatibility_forms() {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    usernames_ignore_case_and_compatibility_forms(&db).await;
}

#[actix_web::test]
async fn postgres_usernames_ignore_case_and_compatibility_forms() {
    let postgres = Postgres::fresh().await;
    usernames_ignore_case_and_compatibility_forms(&postgres.db).await;
    postgres.drop().await;
}

async fn existing_users_get_their_keys(db: &DatabaseConnection, clash: bool) -> Result<(), sea_orm::DbErr> {
    use sea_orm::ConnectionTrait;
    use sea_orm_migration::MigratorTrait;
    mizan::db::FrameworkMigrator::up(db, Some(2)).await.unwrap();
    let names: &[&str] = if clash { &["Ann", "ann"] } else { &["Ann", "bo"] };
    for name in names {
        db.execute_unprepared(&format!(
            "INSERT INTO mizan_users (username, email, password_hash, is_active, is_staff, is_superuser, created_at) \
             VALUES ('{name}', 'x@example.com', 'x', true, false, false, '2026-01-01T00:00:00Z')"
        ))
        .await
        .unwrap();
    }
    Mizan::new().migrate(db).await?;
    assert_eq!(find_by_username(db, "ANN").await.unwrap().unwrap().username, "Ann");
    assert_eq!(find_by_username(db, "Bo").await.unwrap().unwrap().username, "bo");
    Ok(())
}

#[actix_web::test]
async fn the_username_key_migration_keys_existing_users_and_stops_on_a_clash() {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    existing_users_get_their_keys(&db, false).await.unwrap();
    let postgres = Postgres::fresh().await;
    existing_users_get_their_keys(&postgres.db, false).await.unwrap();
    postgres.drop().await;

    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    let error = existing_users_get_their_keys(&db, true).await.unwrap_err();
    assert!(error.to_string().to_lowercase().contains("unique"), "{error}");
}
