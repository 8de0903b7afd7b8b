//! The JSON endpoints: `POST /call/{name}`, `GET /context`, `GET /context/{name}` and
//! `GET /manifest`.
//!
//! A call passes these checks, in order, before the function runs: method (`405`),
//! `Content-Type: application/json` (`415`), CSRF (`403`), a registered call (`404`),
//! `Content-Length` against the body limit (`413`), the function's auth level (`401`/`403`),
//! the streamed body against the limit (`413`) and the body timeout (`408`), JSON nesting
//! depth and syntax (`400`),
//! arguments (`400`) and their validation rules (`400 VALIDATION`).

mod arguments;
mod context;
mod manifest;

use std::future::Future;
use std::panic::AssertUnwindSafe;

use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use futures_util::{FutureExt, StreamExt};

pub(crate) use arguments::{decode_arguments, decode_value, describe as describe_decode_error};
pub(crate) use context::{failure_marker, global_context_bundle, push_json_string, resolve as resolve_context};

use crate::app::Shared;
use crate::registry::{FunctionDef, FunctionKind};
use crate::{Ctx, Error, ErrorCode};

/// Registers the endpoints under `prefix`: one scope whose requests are dispatched by hand
/// (a static prefix and a string split, no per-request pattern matching).
pub(crate) fn configure(cfg: &mut web::ServiceConfig, prefix: &str) {
    cfg.service(web::scope(prefix).default_service(web::to(dispatch)));
}

/// `GET /health`: 200 when the app can serve, with the state of its parts; 503 while the
/// database does not answer or the server is shutting down.
async fn health(shared: &Shared) -> HttpResponse {
    let shutting_down = *shared.shutdown.borrow();
    let database = match &shared.db {
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
    crate::request_log::traced(&traced_request, route(request, payload, shared)).await
}

async fn route(request: HttpRequest, payload: web::Payload, shared: web::Data<Shared>) -> HttpResponse {
    let path = request.path().strip_prefix(shared.prefix.as_str()).unwrap_or_default().trim_start_matches('/');
    let (endpoint, name) = match path.split_once('/') {
        Some((endpoint, name)) => (endpoint, Some(name)),
        None => (path, None),
    };
    let method = request.method().clone();
    let result = match (endpoint, name) {
        ("call", Some(name)) if !name.is_empty() && !name.contains('/') => match method {
            Method::POST => call(&request, name, payload, &shared).await,
            _ => return method_not_allowed(&request, "POST"),
        },
        ("context", None) => match method {
            Method::GET => Ok(context::bundle(&request, &shared).await),
            _ => return method_not_allowed(&request, "GET"),
        },
        ("context", Some(name)) if !name.is_empty() && !name.contains('/') => match method {
            Method::GET => context::single(&request, name, &shared).await,
            _ => return method_not_allowed(&request, "GET"),
        },
        ("ws", None) => match method {
            Method::GET => return crate::channels::websocket(request, payload, shared).await,
            _ => return method_not_allowed(&request, "GET"),
        },
        ("health", None) => match method {
            Method::GET | Method::HEAD => return health(&shared).await,
            _ => return method_not_allowed(&request, "GET, HEAD"),
        },
        ("manifest", None) => match method {
            Method::GET => manifest::manifest(&request, &shared).await,
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

async fn call(
    request: &HttpRequest,
    name: &str,
    payload: web::Payload,
    shared: &Shared,
) -> Result<HttpResponse, Error> {
    if !is_json(request) {
        return Err(Error::new(
            ErrorCode::UnsupportedMediaType,
            "send the arguments as `Content-Type: application/json`",
        ));
    }
    crate::csrf::check(request, &shared.trusted_origins)?;
    let function = match shared.registry.get(name) {
        Some(function) if function.kind() == FunctionKind::Call => function,
        Some(_) => {
            return Err(Error::not_found(format!("`{name}` is a context; fetch it with GET {}/context", shared.prefix)))
        }
        None => return Err(Error::not_found(format!("no server function is registered as `{name}`"))),
    };
    let limit = function.body_limit().unwrap_or(shared.body_limit);
    if declared_length(request).is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    // The body's clock starts with the request, before any check that may await.
    let deadline = shared.body_timeout.map(|timeout| tokio::time::Instant::now() + timeout);
    let ctx = shared.ctx(request.clone());
    crate::auth::authorize(function.auth(), function.predicate(), &ctx).await?;
    let body = read_body(payload, limit, deadline).await?;
    arguments::check_depth(&body, shared.max_json_depth)?;
    let result = run(function, ctx.clone(), &body, shared.request_timeout).await?;
    push_invalidations(request, &ctx).await;
    // `{"result": <output>, "invalidate": [...]}`, written directly: the output is JSON already.
    let mut response = String::with_capacity(result.len() + 16);
    response.push_str("{\"result\":");
    response.push_str(&result);
    let mut invalidate: Vec<String> = function.invalidates().iter().map(|key| (*key).to_owned()).collect();
    invalidate.extend(ctx.invalidations());
    if !invalidate.is_empty() {
        dedup_in_order(&mut invalidate);
        response.push_str(",\"invalidate\":");
        response.push_str(&serde_json::to_string(&invalidate).map_err(Error::internal)?);
    }
    response.push('}');
    let mut response = HttpResponse::Ok().insert_header(header::ContentType::json()).body(response);
    for cookie in ctx.take_cookies() {
        response.add_cookie(&cookie).map_err(Error::internal)?;
    }
    Ok(response)
}

/// Pushes the call's invalidations for other clients, and adds those of its own user to its
/// answer.
async fn push_invalidations(request: &HttpRequest, ctx: &Ctx) {
    let pushed = ctx.take_pushed();
    if pushed.is_empty() {
        return;
    }
    if pushed.iter().any(|(user, _)| user.is_some()) {
        // Only then is the caller looked up: most calls push nothing, or push to everyone.
        let caller = ctx.user().await.ok().flatten().map(|user| user.id);
        for (_, key) in pushed.iter().filter(|(user, _)| user.is_some() && *user == caller) {
            ctx.invalidate(key.clone());
        }
    }
    // The caller's own socket gets the keys in this answer; the name is checked by the hub.
    let except = request
        .headers()
        .get(crate::protocol::SOCKET_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|name| name.len() <= 80);
    crate::channels::push_invalidations(ctx, pushed, except).await;
}

/// Runs a function, turning a panic into an `INTERNAL` error so the worker keeps serving, and
/// a run longer than `timeout` into `UNAVAILABLE` (the function's future is dropped: its
/// transaction, if any, rolls back).
pub(crate) async fn run(
    function: &FunctionDef,
    ctx: Ctx,
    arguments: &[u8],
    timeout: Option<std::time::Duration>,
) -> Result<String, Error> {
    let guarded = catch_panic(function.call(ctx, arguments));
    let outcome = match timeout {
        None => guarded.await,
        Some(limit) => match actix_web::rt::time::timeout(limit, guarded).await {
            Ok(outcome) => outcome,
            Err(_) => {
                tracing::warn!(function = function.name(), timeout_ms = limit.as_millis() as u64, "request timed out");
                return Err(Error::new(
                    ErrorCode::Unavailable,
                    format!("`{}` did not finish within {:?}; try again later", function.name(), limit),
                ));
            }
        },
    };
    match outcome {
        Ok(result) => result,
        Err(panic) => Err(Error::internal(format!("server function `{}` panicked: {panic}", function.name()))),
    }
}

/// Awaits `future`; a panic inside it becomes `Err` with the panic message.
pub(crate) async fn catch_panic<F: Future>(future: F) -> Result<F::Output, String> {
    AssertUnwindSafe(future).catch_unwind().await.map_err(|panic| {
        panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_owned())
    })
}

/// `Content-Type: application/json`, with or without parameters (`; charset=utf-8`).
fn is_json(request: &HttpRequest) -> bool {
    let Some(value) = request.headers().get(header::CONTENT_TYPE) else { return false };
    let essence = value.as_bytes().split(|&byte| byte == b';').next().unwrap_or_default();
    essence.trim_ascii().eq_ignore_ascii_case(b"application/json")
}

fn declared_length(request: &HttpRequest) -> Option<usize> {
    request.headers().get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn too_large(limit: usize) -> Error {
    Error::new(ErrorCode::PayloadTooLarge, format!("the request body exceeds {limit} bytes"))
}

/// Reads the body, failing as soon as it grows past `limit` (chunked bodies included) or, with
/// `REQUEST_TIMEOUT`, when it is not complete by `deadline`.
async fn read_body(
    mut payload: web::Payload,
    limit: usize,
    deadline: Option<tokio::time::Instant>,
) -> Result<web::Bytes, Error> {
    let mut body = web::BytesMut::new();
    loop {
        let next = match deadline {
            None => payload.next().await,
            Some(deadline) => match tokio::time::timeout_at(deadline, payload.next()).await {
                Ok(next) => next,
                Err(_) => {
                    return Err(Error::new(ErrorCode::RequestTimeout, "the request body did not arrive in time"));
                }
            },
        };
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|_| Error::bad_request("the request body could not be read"))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn dedup_in_order(keys: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    keys.retain(|key| seen.insert(key.clone()));
}

fn method_not_allowed(request: &HttpRequest, allow: &'static str) -> HttpResponse {
    let mut response =
        Error::new(ErrorCode::MethodNotAllowed, format!("{} is not allowed here; use {allow}", request.method()))
            .error_response();
    response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static(allow));
    response
}
