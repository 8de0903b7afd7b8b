//! Contexts: `GET /context` (every global context, concurrently, as one raw bundle) and
//! `GET /context/{name}?args=<JSON>` (one context, raw).

use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse};

use crate::core::error::Error;
use crate::core::function::FunctionKind;
use crate::core::protocol::CONTEXT_ERROR_KEY;
use crate::engine::ctx::Ctx;
use crate::engine::invoke::given;
use crate::http::state::Shared;

/// `GET /context`: the global-context bundle.
pub(super) async fn bundle(request: &HttpRequest, shared: &Shared) -> HttpResponse {
    let ctx = shared.ctx(request.clone());
    let mut bundle = global_context_bundle(shared, &ctx).await;
    bundle.push('}');
    context_response(request, bundle)
}

/// `GET /context/{name}?args=<url-encoded JSON object>`: one context's raw result.
pub(super) async fn single(request: &HttpRequest, name: &str, shared: &Shared) -> Result<HttpResponse, Error> {
    #[derive(serde::Deserialize)]
    struct Query {
        args: Option<String>,
    }
    let query = actix_web::web::Query::<Query>::from_query(request.query_string())
        .map_err(|_| Error::bad_request("the query string is malformed; send `?args=<url-encoded JSON object>`"))?;
    let args = query.into_inner().args.unwrap_or_else(|| "{}".to_owned());
    if serde_json::from_str::<serde::de::IgnoredAny>(&args).is_err() {
        return Err(Error::bad_request("the `args` query parameter is not valid JSON; send a URL-encoded JSON object"));
    }
    let ctx = shared.ctx(request.clone());
    let result = resolve(shared, &ctx, name, args.as_bytes()).await?;
    Ok(context_response(request, result))
}

/// Context values depend on the session: never stored by shared caches, and the CSRF cookie
/// rides along so the next call can be made.
fn context_response(request: &HttpRequest, body: String) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .insert_header(ContentType::json())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body);
    super::csrf::ensure_cookie(request, &mut response);
    response
}

/// Runs the context `name` on a JSON arguments object, after its auth level and the app's
/// limits: the one path for `GET /context/{name}` and for local contexts of server renders.
pub(crate) async fn resolve(shared: &Shared, ctx: &Ctx, name: &str, args: &[u8]) -> Result<String, Error> {
    let function = match shared.registry.get(name) {
        Some(function) if function.kind() != FunctionKind::Call => function,
        Some(_) => {
            return Err(Error::not_found(format!(
                "`{name}` is a call, not a context; call it with POST {}/call/{name}",
                shared.prefix
            )))
        }
        None => return Err(Error::not_found(format!("no context is registered as `{name}`"))),
    };
    function.invoke(ctx, &shared.limits, given(args)).await
}

/// Runs every global context concurrently and returns the bundle as JSON text, **without its
/// closing brace** so callers can append entries (`{"a":1,"b":2` — push `}` to finish it).
///
/// A failing context does not sink the others: its key holds [`failure_marker`].
pub(crate) async fn global_context_bundle(shared: &Shared, ctx: &Ctx) -> String {
    // One `Ctx` for all of them: the user is looked up once per request, not once per context.
    let functions: Vec<_> = shared.registry.global_contexts().collect();
    let results =
        futures_util::future::join_all(functions.iter().map(|function| resolve(shared, ctx, function.name(), b"{}")))
            .await;
    let mut bundle = String::from("{");
    for (function, result) in functions.iter().zip(results) {
        if bundle.len() > 1 {
            bundle.push(',');
        }
        push_json_string(&mut bundle, function.name());
        bundle.push(':');
        match result {
            Ok(value) => bundle.push_str(&value),
            Err(error) => bundle.push_str(&failure_marker(function.name(), &error)),
        }
    }
    bundle
}

/// The value a failed context takes in a bundle or in `$local`:
/// `{"$error": {"code": ..., "message": ...}}`, which the client turns back into an error.
/// The failure is logged (with the details a client never sees, for internal errors).
pub(crate) fn failure_marker(context: &str, error: &Error) -> String {
    if error.code().status() >= 500 {
        tracing::error!(context, %error, "context failed");
    } else {
        tracing::info!(context, code = error.code().as_str(), message = error.message(), "context refused");
    }
    serde_json::json!({ CONTEXT_ERROR_KEY: { "code": error.wire_code(), "message": error.message() } }).to_string()
}

/// Appends `value` as a JSON string literal.
pub(crate) fn push_json_string(out: &mut String, value: &str) {
    out.push_str(&serde_json::to_string(value).expect("strings serialise"));
}
