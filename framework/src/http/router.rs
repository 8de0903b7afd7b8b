//! The API's routes: one scope under the prefix whose requests are dispatched by hand to the
//! call, context, manifest, health and socket handlers.

use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::core::error::Error;
use crate::core::protocol::ErrorCode;
use crate::http::state::Shared;
use crate::http::{call, context, manifest, socket};

/// Registers the endpoints under `prefix`: one scope whose requests are dispatched by hand
/// (a static prefix and a string split, no per-request pattern matching).
pub(crate) fn configure(cfg: &mut web::ServiceConfig, prefix: &str) {
    cfg.service(web::scope(prefix).default_service(web::to(dispatch)));
}

/// `GET /health`: 200 when the app can serve, with the state of its parts; 503 while the
/// database does not answer or the server is shutting down.
async fn health(shared: &Shared) -> HttpResponse {
    let shutting_down = *shared.shutdown.borrow();
    let database = match &shared.services.db {
        None => "none",
        Some(db) => match db.ping().await {
            Ok(()) => "ok",
            Err(error) => {
                tracing::warn!(%error, "health check: the database does not answer");
                "unavailable"
            }
        },
    };
    let channels = match &shared.channels {
        None => "none",
        Some(channels) if channels.layer.is_available() => "ok",
        Some(_) => "unavailable",
    };
    let status = match (shutting_down, database) {
        (true, _) => "shutting down",
        (false, "unavailable") => "unavailable",
        (false, _) if channels == "unavailable" => "degraded",
        _ => "ok",
    };
    let code = if matches!(status, "ok" | "degraded") {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::SERVICE_UNAVAILABLE
    };
    HttpResponse::build(code)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "status": status, "database": database, "channels": channels }))
}

async fn dispatch(request: HttpRequest, payload: web::Payload, shared: web::Data<Shared>) -> HttpResponse {
    let traced_request = request.clone();
    crate::http::request_log::traced(&traced_request, route(request, payload, shared)).await
}

/// Every endpoint but calls is boxed: an `async fn` future is as large as its largest branch,
/// and actix moves this one into place for every request. Unboxed, the socket handshake made it
/// 8.8 KB, and copying it cost calls about 10 % of their throughput; boxed, it is under 1 KB.
async fn route(request: HttpRequest, payload: web::Payload, shared: web::Data<Shared>) -> HttpResponse {
    let path = request.path().strip_prefix(shared.prefix.as_str()).unwrap_or_default().trim_start_matches('/');
    let (endpoint, name) = match path.split_once('/') {
        Some((endpoint, name)) => (endpoint, Some(name)),
        None => (path, None),
    };
    let method = request.method().clone();
    let result = match (endpoint, name) {
        ("call", Some(name)) if !name.is_empty() && !name.contains('/') => match method {
            Method::POST => call::call(&request, name, payload, &shared).await,
            _ => return method_not_allowed(&request, "POST"),
        },
        ("context", None) => match method {
            Method::GET => Ok(Box::pin(context::bundle(&request, &shared)).await),
            _ => return method_not_allowed(&request, "GET"),
        },
        ("context", Some(name)) if !name.is_empty() && !name.contains('/') => match method {
            Method::GET => Box::pin(context::single(&request, name, &shared)).await,
            _ => return method_not_allowed(&request, "GET"),
        },
        ("ws", None) => match method {
            Method::GET => return Box::pin(socket::websocket(request, payload, shared)).await,
            _ => return method_not_allowed(&request, "GET"),
        },
        ("health", None) => match method {
            Method::GET | Method::HEAD => return Box::pin(health(&shared)).await,
            _ => return method_not_allowed(&request, "GET, HEAD"),
        },
        ("manifest", None) => match method {
            Method::GET => Box::pin(manifest::manifest(&request, &shared)).await,
            _ => return method_not_allowed(&request, "GET"),
        },
        _ => Err(Error::not_found(format!("no Mizan endpoint at {}", request.path()))),
    };
    result.unwrap_or_else(|error| {
        let timed_out = error.code() == ErrorCode::RequestTimeout;
        let mut response = match shared.dev {
            // Dev mode: the browser sees what went wrong, not only the log.
            true => error.with_details().error_response(),
            false => error.error_response(),
        };
        if timed_out {
            // The rest of a late body is not waited for: the connection ends with the answer.
            response.head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
        }
        response
    })
}

fn method_not_allowed(request: &HttpRequest, allow: &'static str) -> HttpResponse {
    let mut response =
        Error::new(ErrorCode::MethodNotAllowed, format!("{} is not allowed here; use {allow}", request.method()))
            .error_response();
    response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static(allow));
    response
}
