//! `GET /manifest`: every registered function with its kind, auth level, context kind,
//! invalidation keys and input/output JSON Schema. Served in dev mode, or to staff.

use actix_web::{HttpRequest, HttpResponse};
use schemars::generate::SchemaSettings;
use serde_json::{json, Value};

use crate::core::error::Error;
use crate::core::function::{AuthLevel, FunctionKind};
use crate::engine::auth::authorize;
use crate::engine::registry::Registry;
use crate::http::state::Shared;

pub(super) async fn manifest(request: &HttpRequest, shared: &Shared) -> Result<HttpResponse, Error> {
    if !shared.dev {
        authorize(AuthLevel::Staff, None, &shared.ctx(request.clone())).await?;
    }
    Ok(HttpResponse::Ok().json(describe(&shared.registry)))
}

/// The manifest document of `registry`.
pub(crate) fn describe(registry: &Registry) -> Value {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let functions: Vec<Value> = registry
        .iter()
        .map(|function| {
            let (kind, context) = match function.kind() {
                FunctionKind::Call => ("call", Value::Null),
                FunctionKind::GlobalContext => ("context", json!("global")),
                FunctionKind::LocalContext => ("context", json!("local")),
            };
            json!({
                "name": function.name(),
                "kind": kind,
                "context": context,
                "auth": function.auth(),
                "invalidates": function.invalidates(),
                "doc": function.doc(),
                "input": function.input_schema(&mut generator),
                "output": function.output_schema(&mut generator),
            })
        })
        .collect();
    json!({ "functions": functions, "$defs": generator.take_definitions(true) })
}
