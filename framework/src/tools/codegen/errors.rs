//! Declared error unions: for a function returning its own errors (a
//! [`ClientError`](crate::ClientError) enum), `<Name>Errors`, their union by `code` with their
//! `data`, and `is<Name>Error()`, the guard narrowing a failure to one of them.

use std::fmt::Write as _;

use serde_json::Value;

use super::names::pascal_case;
use super::types::union_layout;
use super::{CodegenError, Writer};
use crate::core::function::FunctionMeta;

/// `<Name>Errors` and `is<Name>Error()` of `function`, whose own errors `errors` describes.
pub(super) fn write(w: &mut Writer, function: &FunctionMeta, errors: &Value) -> Result<(), CodegenError> {
    let pascal = pascal_case(function.name);
    let union = union_layout(&w.ts_type(errors, &format!("{pascal} errors"), function.name)?);
    let (name, guard) = (format!("{pascal}Errors"), format!("is{pascal}Error"));
    let owner = format!("`{}`", function.name);
    w.claim(&name, &owner)?;
    w.claim(&guard, &owner)?;
    let codes: Vec<&str> = errors
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|variant| variant.pointer("/properties/code/const").and_then(Value::as_str))
        .collect();
    let _ = writeln!(
        w.body,
        "/** The errors of `{fn_name}` itself (besides the protocol's), by `code`, with their `data`. */\nexport type {name} ={union};\n\n/** Narrows a failure of `{fn_name}` to one of its own errors. */\nexport function {guard}(error: unknown): error is MizanError & {name} {{\n  return isMizanError(error) && {codes}.includes(error.code);\n}}\n",
        fn_name = function.name,
        codes = serde_json::to_string(&codes).expect("strings serialise"),
    );
    w.import(["isMizanError", "type MizanError"]);
    Ok(())
}
