//! Integration tests of the example app, through HTTP requests against the real app
//! (built in-process with actix's test server, no socket). One binary for link time.

mod cli;
mod codegen;
mod pages;
mod rpc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, App};

/// The example app as served, without a database.
pub(crate) async fn service() -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>
{
    let app = example_app::app().build().expect("the example app builds; run `make frontend` first");
    test::init_service(App::new().configure(move |cfg| app.configure(cfg))).await
}
