//! Integration tests of the example app, through HTTP requests against the real app
//! (built in-process with actix's test server, no socket). One binary for link time.

mod chat;
mod cli;
mod codegen;
mod forms;
mod pages;
mod rpc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};

/// The example app as served, on a fresh, migrated in-memory SQLite database.
pub(crate) async fn service() -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
    let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
    let app = example_app::app();
    app.migrate(&db).await.unwrap();
    let app = app.database(db).build().expect("the example app builds; run `make frontend` first");
    test::init_service(App::new().configure(move |cfg| app.configure(cfg))).await
}
