//! Building the test app and sending requests to it.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use serde_json::Value;

use crate::fixtures;

pub(crate) const TOKEN: &str = "test-csrf-token";

pub(crate) async fn app_with(
    configure: impl FnOnce(mizan::Mizan) -> mizan::Mizan,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    let app = configure(fixtures::app().database(db)).build().expect("the test app builds");
    test::init_service(App::new().configure(move |cfg| app.configure(cfg))).await
}

pub(crate) async fn app() -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    app_with(|mizan| mizan).await
}

/// A migrated in-memory SQLite database with one user, `ann`, whose password is
/// [`ANN_PASSWORD`].
pub(crate) async fn database_with_ann() -> sea_orm::DatabaseConnection {
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    mizan::Mizan::new().migrate(&db).await.unwrap();
    let ann = mizan::auth::users::NewUser {
        username: "ann",
        email: "ann@example.com",
        password: ANN_PASSWORD,
        is_staff: false,
        is_superuser: false,
    };
    mizan::auth::users::create_user(&db, ann).await.unwrap();
    db
}

/// The password of the user of [`database_with_ann`].
pub(crate) const ANN_PASSWORD: &str = "pass word 1";

/// Serves the test app, configured by `configure`, on a real socket with one worker, on its own
/// thread; returns its address.
pub(crate) fn serve(configure: impl FnOnce(mizan::Mizan) -> mizan::Mizan + Send + 'static) -> std::net::SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = configure(fixtures::app()).build().unwrap();
            let server = actix_web::HttpServer::new(move || {
                let app = app.clone();
                App::new().configure(move |cfg| app.configure(cfg))
            })
            .workers(1)
            .bind("127.0.0.1:0")
            .unwrap();
            sender.send(server.addrs()[0]).unwrap();
            server.run().await
        })
    });
    receiver.recv().unwrap()
}

/// A POST to `/api/mizan/call/{name}` that passes the CSRF checks.
pub(crate) fn call(name: &str, body: impl Into<String>) -> TestRequest {
    TestRequest::post()
        .uri(&format!("/api/mizan/call/{name}"))
        .insert_header(("content-type", "application/json"))
        .insert_header(("cookie", format!("mizan_csrf={TOKEN}")))
        .insert_header(("x-csrf-token", TOKEN))
        .set_payload(body.into())
}

/// Sends `request`; returns the status and the JSON body.
pub(crate) async fn send(
    app: &impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    request: TestRequest,
) -> (StatusCode, Value) {
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status();
    let body = test::read_body(response).await;
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("{status}: not JSON: {}", String::from_utf8_lossy(&body)));
    (status, json)
}

/// Asserts the error envelope with `code`, a message and a correlation id.
pub(crate) fn assert_error(body: &Value, code: &str) {
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(error["id"].as_str().is_some_and(|id| id.len() >= 16), "{body}");
}
