//! Named types: an `export interface` (or `export type`) with its Zod schema `<Name>Schema`.
//! The shared type definitions (the `$defs` of every schema) are written so, into the types
//! part of the module; the calls' and local contexts' arguments too, beside their functions.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::typescript::{self, object_fields, ts_type, TypeError};
use super::{zod, CodegenError, Writer};

/// Every shared type definition, by name: its interface and Zod schema.
pub(super) fn write(w: &mut Writer, definitions: &BTreeMap<String, Value>) -> Result<(), CodegenError> {
    for (name, schema) in definitions {
        let owner = format!("Rust type `{name}`");
        w.claim(name, &owner)?;
        let schema = w.prepare(schema);
        let doc = schema.get("description").and_then(Value::as_str).unwrap_or_default();
        let declaration = declare(w, name, &schema, doc, &format!("`{name}`"), &owner, name)?;
        w.types.push_str(&declaration);
    }
    Ok(())
}

/// `export interface <name>` (or `export type`) for `schema`, documented with `doc`, and its
/// Zod schema `<name>Schema` checking `what`; `<name>Schema` is claimed for `owner`, and a type
/// that cannot be written fails as `function`'s.
pub(super) fn declare(
    w: &mut Writer,
    name: &str,
    schema: &Value,
    doc: &str,
    what: &str,
    owner: &str,
    function: &str,
) -> Result<String, CodegenError> {
    let mut out = interface(name, schema, doc).map_err(|source| CodegenError::type_error(function, source))?;
    w.claim(&format!("{name}Schema"), owner)?;
    out.push_str(&zod_const(name, schema, what));
    w.import(["z"]);
    Ok(out)
}

/// `export const NameSchema: z.ZodType<Name> = ...;`: the Zod schema checking what the server
/// checks, typed against the interface so the two cannot drift apart.
fn zod_const(name: &str, schema: &Value, what: &str) -> String {
    format!(
        "/** Zod schema of {what}, with the server's validation rules and messages. */\nexport const {name}Schema: z.ZodType<{name}> = {};\n\n",
        zod::zod(schema)
    )
}

/// `export interface Name { ... }` for object schemas with properties, else `export type`.
fn interface(name: &str, schema: &Value, doc: &str) -> Result<String, TypeError> {
    let mut out = String::new();
    if !doc.is_empty() {
        let _ = writeln!(out, "/** {} */", doc.replace("*/", "*\\/").lines().collect::<Vec<_>>().join(" "));
    }
    let is_plain_object = schema.get("type").and_then(Value::as_str) == Some("object")
        && schema.get("properties").is_some()
        && !matches!(schema.get("additionalProperties"), Some(Value::Object(_)) | Some(Value::Bool(true)));
    if let (true, Value::Object(map)) = (is_plain_object, schema) {
        let _ = writeln!(out, "export interface {name} {{");
        for field in object_fields(map, name)? {
            if let Some(doc) = &field.doc {
                let _ = writeln!(out, "  /** {} */", doc.replace("*/", "*\\/").lines().collect::<Vec<_>>().join(" "));
            }
            let _ = writeln!(out, "  {};", field.declaration());
        }
        out.push_str("}\n\n");
    } else {
        let _ = writeln!(out, "export type {name} ={};\n", union_layout(&ts_type(schema, name)?));
    }
    Ok(out)
}

/// ` A | B` on one line when short, else one member per line (`\n  | A\n  | B`), as
/// Prettier lays out long unions.
pub(super) fn union_layout(ty: &str) -> String {
    let members = typescript::split_top_level(ty, " | ");
    if members.len() < 2 || ty.len() <= 90 {
        return format!(" {ty}");
    }
    members.iter().map(|member| format!("\n  | {member}")).collect()
}
