//! Global contexts: computed concurrently, served raw as one bundle.

use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse};

use crate::app::Shared;
use crate::protocol::CONTEXT_ERROR_KEY;

pub(super) async fn bundle(request: &HttpRequest, shared: &Shared) -> HttpResponse {
    let mut bundle = global_context_bundle(shared, request).await;
    bundle.push('}');
    let mut response = HttpResponse::Ok().insert_header(ContentType::json()).body(bundle);
    crate::csrf::ensure_cookie(request, &mut response);
    response
}

/// Runs every global context concurrently and returns the bundle as JSON text, **without its
/// closing brace** so callers can append entries (`{"a":1,"b":2` — push `}` to finish it).
///
/// A failing context does not sink the others: its key holds `{"$error": {"code", "message"}}`
/// and the failure is logged.
pub(crate) async fn global_context_bundle(shared: &Shared, request: &HttpRequest) -> String {
    let functions: Vec<_> = shared.registry.global_contexts().collect();
    // One context for all of them: the user is looked up once per request, not once per context.
    let ctx = shared.ctx(request.clone());
    let results =
        futures_util::future::join_all(functions.iter().map(|function| super::run(function, ctx.clone(), b"{}"))).await;
    let mut bundle = String::from("{");
    for (function, result) in functions.iter().zip(results) {
        let value = result.unwrap_or_else(|error| {
            tracing::error!(context = function.name(), %error, "global context failed");
            let marker = serde_json::json!({ CONTEXT_ERROR_KEY: { "code": error.code(), "message": error.message() } });
            marker.to_string()
        });
        if bundle.len() > 1 {
            bundle.push(',');
        }
        bundle.push_str(&serde_json::to_string(function.name()).expect("strings serialise"));
        bundle.push(':');
        bundle.push_str(&value);
    }
    bundle
}
