//! `POST /call/{name}`.
//!
//! A call passes these checks, in order, before the function runs: method (`405`),
//! `Content-Type: application/json` (`415`), CSRF (`403`), a registered call (`404`),
//! `Content-Length` against the body limit (`413`), then the engine's
//! [`invoke`](crate::engine::invoke::invoke): the function's auth level (`401`/`403`), the
//! streamed body against the limit (`413`) and the body timeout (`408`), JSON nesting depth
//! and syntax (`400`), arguments (`400`) and their validation rules (`400 VALIDATION`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;

use crate::core::error::Error;
use crate::core::function::FunctionKind;
use crate::core::protocol::{ErrorCode, SOCKET_HEADER};
use crate::engine::ctx::Ctx;
use crate::engine::invoke::{too_large, Limits};
use crate::http::state::Shared;

pub(super) async fn call(
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
    super::csrf::check(request, &shared.trusted_origins)?;
    let function = match shared.registry.get(name) {
        Some(function) if function.kind() == FunctionKind::Call => function,
        Some(_) => {
            return Err(Error::not_found(format!("`{name}` is a context; fetch it with GET {}/context", shared.prefix)))
        }
        None => return Err(Error::not_found(format!("no server function is registered as `{name}`"))),
    };
    let limit = function.body_limit().unwrap_or(shared.limits.body);
    if declared_length(request).is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    // The body's clock starts with the request, before any check that may await.
    let deadline = shared.body_timeout.map(|timeout| tokio::time::Instant::now() + timeout);
    let ctx = shared.ctx(request.clone());
    let limits = Limits { body: limit, ..shared.limits };
    // Pinned here, so that the layers of the run pass a pointer to it, not the future itself.
    let body = std::pin::pin!(read_body(payload, limit, deadline));
    let result = function.invoke(&ctx, &limits, body).await?;
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
    let except =
        request.headers().get(SOCKET_HEADER).and_then(|value| value.to_str().ok()).filter(|name| name.len() <= 80);
    crate::channels::push_invalidations(ctx, pushed, except).await;
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
