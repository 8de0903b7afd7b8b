//! The JSON endpoints: `POST /call/{name}` and `GET /context`.

mod arguments;
mod context;

use std::panic::AssertUnwindSafe;

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use futures_util::{FutureExt, StreamExt};
use serde::Serialize;

pub(crate) use arguments::decode_arguments;
pub(crate) use context::global_context_bundle;

use crate::app::Shared;
use crate::registry::{FunctionDef, FunctionKind};
use crate::{Ctx, Error, ErrorCode};

/// Registers the endpoints under `shared.prefix`.
pub(crate) fn configure(cfg: &mut web::ServiceConfig, prefix: &str) {
    cfg.service(
        web::resource(format!("{prefix}/call/{{name}}"))
            .route(web::post().to(call))
            .default_service(web::to(method_not_allowed)),
    )
    .service(
        web::resource(format!("{prefix}/context"))
            .route(web::get().to(context::bundle))
            .default_service(web::to(method_not_allowed)),
    )
    .service(web::resource(format!("{prefix}/{{tail:.*}}")).to(unknown_endpoint));
}

#[derive(Serialize)]
struct CallResponse {
    result: serde_json::Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invalidate: Vec<String>,
}

async fn call(
    request: HttpRequest,
    name: web::Path<String>,
    payload: web::Payload,
    shared: web::Data<Shared>,
) -> Result<HttpResponse, Error> {
    let function = shared
        .registry
        .get(&name)
        .ok_or_else(|| Error::not_found(format!("no server function is registered as `{name}`")))?;
    if function.kind() != FunctionKind::Call {
        return Err(Error::not_found(format!("`{name}` is a context; fetch it with GET {}/context", shared.prefix)));
    }
    let body = read_body(payload, shared.body_limit).await?;
    let ctx = Ctx::new(request, shared.db.clone());
    let result = run(function, ctx.clone(), &body).await?;
    let mut invalidate = ctx.invalidations();
    dedup_in_order(&mut invalidate);
    Ok(HttpResponse::Ok().json(CallResponse { result, invalidate }))
}

/// Runs a function, turning a panic into an `INTERNAL` error so the worker keeps serving.
pub(crate) async fn run(function: &FunctionDef, ctx: Ctx, arguments: &[u8]) -> Result<serde_json::Value, Error> {
    match AssertUnwindSafe(function.call(ctx, arguments)).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_owned());
            Err(Error::internal(format!("server function `{}` panicked: {message}", function.name())))
        }
    }
}

async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::Bytes, Error> {
    let too_large = || Error::new(ErrorCode::PayloadTooLarge, format!("the request body exceeds {limit} bytes"));
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| Error::bad_request("the request body could not be read"))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn dedup_in_order(keys: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    keys.retain(|key| seen.insert(key.clone()));
}

async fn method_not_allowed(request: HttpRequest) -> HttpResponse {
    Error::new(ErrorCode::MethodNotAllowed, format!("{} is not allowed here", request.method())).error_response()
}

async fn unknown_endpoint(request: HttpRequest) -> HttpResponse {
    Error::not_found(format!("no Mizan endpoint at {}", request.path())).error_response()
}
