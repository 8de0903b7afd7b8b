//! Request ids and access logs: every API call and page runs inside a `request` span carrying
//! a fresh id, which the response repeats in `X-Request-Id` and an error envelope in its `id`.

use std::future::Future;
use std::time::Instant;

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use tracing::Instrument as _;

/// Runs `handler` for `request` with a request id: logs are recorded in its span, the
/// outcome is logged once (`served`, with status and duration), and the response carries the
/// id in `X-Request-Id`.
pub(crate) async fn traced(request: &HttpRequest, handler: impl Future<Output = HttpResponse>) -> HttpResponse {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let span = tracing::info_span!("request", id = %id, method = %request.method(), path = %request.path());
    let started = Instant::now();
    let mut response = crate::core::request_id::scope(id.clone(), handler.instrument(span.clone())).await;
    let status = response.status().as_u16();
    let micros = started.elapsed().as_micros() as u64;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(status, micros, "served");
        } else {
            tracing::info!(status, micros, "served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
    }
    response
}
