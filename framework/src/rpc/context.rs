//! Global contexts: computed concurrently, served raw as one bundle.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{Map, Value};

use crate::app::Shared;
use crate::protocol::CONTEXT_ERROR_KEY;

pub(super) async fn bundle(request: HttpRequest, shared: web::Data<Shared>) -> HttpResponse {
    let bundle = global_context_bundle(&shared, &request).await;
    let mut response = HttpResponse::Ok().json(bundle);
    crate::csrf::ensure_cookie(&request, &mut response);
    response
}

/// Runs every global context concurrently. A failing context does not sink the others: its
/// key holds `{"$error": {"code", "message"}}` and the failure is logged.
pub(crate) async fn global_context_bundle(shared: &Shared, request: &HttpRequest) -> Map<String, Value> {
    let functions: Vec<_> = shared.registry.global_contexts().collect();
    let results = futures_util::future::join_all(
        functions.iter().map(|function| super::run(function, shared.ctx(request.clone()), b"{}")),
    )
    .await;
    functions
        .iter()
        .zip(results)
        .map(|(function, result)| {
            let value = result.unwrap_or_else(|error| {
                tracing::error!(context = function.name(), %error, "global context failed");
                serde_json::json!({ CONTEXT_ERROR_KEY: { "code": error.code(), "message": error.message() } })
            });
            (function.name().to_owned(), value)
        })
        .collect()
}
