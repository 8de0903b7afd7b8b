//! JSON Schema (as `schemars` writes it) to TypeScript type expressions.

use serde_json::{Map, Value};

pub use crate::core::protocol::INT64_EXTENSION;

/// A schema that cannot be expressed in TypeScript without losing information.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct TypeError {
    /// Where in the generated types (e.g. `EchoInput.count`).
    pub path: String,
    /// What is wrong and what to do.
    pub reason: String,
}

/// Converts `schema` to a TypeScript type expression. `path` names the position for errors.
pub fn ts_type(schema: &Value, path: &str) -> Result<String, TypeError> {
    let Value::Object(schema) = schema else {
        // `true` accepts anything, `false` nothing.
        return Ok(if schema == &Value::Bool(false) { "never".into() } else { "unknown".into() });
    };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return Ok(reference_name(reference).to_owned());
    }
    if let Some(value) = schema.get("const") {
        return Ok(literal(value));
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        return Ok(union(values.iter().map(literal).collect()));
    }
    for (keyword, joiner) in [("oneOf", " | "), ("anyOf", " | "), ("allOf", " & ")] {
        if let Some(Value::Array(variants)) = schema.get(keyword) {
            let parts = variants
                .iter()
                .enumerate()
                .map(|(i, variant)| ts_type(variant, &format!("{path}[{keyword} {i}]")).map(|t| parenthesise(&t)))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(if joiner == " | " { union(parts) } else { parts.join(joiner) });
        }
    }
    match schema.get("type") {
        Some(Value::String(kind)) => single_type(kind, schema, path),
        Some(Value::Array(kinds)) => {
            let parts = kinds
                .iter()
                .filter_map(Value::as_str)
                .map(|kind| single_type(kind, schema, path))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(union(parts))
        }
        _ => Ok("unknown".into()),
    }
}

fn single_type(kind: &str, schema: &Map<String, Value>, path: &str) -> Result<String, TypeError> {
    Ok(match kind {
        "string" => "string".into(),
        "boolean" => "boolean".into(),
        "null" => "null".into(),
        "number" => "number".into(),
        "integer" => {
            if let Some(format) = schema.get("format").and_then(Value::as_str) {
                let allowed = schema.get(INT64_EXTENSION).and_then(Value::as_str) == Some("number");
                if is_wide(format) && !allowed {
                    return Err(TypeError {
                        path: path.to_owned(),
                        reason: format!(
                            "a {format} integer does not fit a JavaScript number without loss above 2^53: use i32/u32 or f64, send it as a string, or accept the loss with `#[schemars(extend(\"{INT64_EXTENSION}\" = \"number\"))]` on the field (or `codegen::Options::int64_as_number()` for the app)"
                        ),
                    });
                }
            }
            "number".into()
        }
        "array" => array_type(schema, path)?,
        "object" => object_type(schema, path)?,
        other => {
            return Err(TypeError { path: path.to_owned(), reason: format!("unsupported JSON Schema type `{other}`") })
        }
    })
}

fn is_wide(format: &str) -> bool {
    matches!(format, "int64" | "uint64" | "int128" | "uint128" | "uint" | "int")
}

/// Marks every 64-bit integer in `schema` as allowed to be a `number`.
pub fn allow_int64(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let wide = map.get("type").is_some_and(|kind| {
                kind == "integer" || kind.as_array().is_some_and(|kinds| kinds.iter().any(|k| k == "integer"))
            }) && map.get("format").and_then(Value::as_str).is_some_and(is_wide);
            if wide {
                map.insert(INT64_EXTENSION.to_owned(), Value::from("number"));
            }
            map.values_mut().for_each(allow_int64);
        }
        Value::Array(items) => items.iter_mut().for_each(allow_int64),
        _ => {}
    }
}

fn array_type(schema: &Map<String, Value>, path: &str) -> Result<String, TypeError> {
    if let Some(Value::Array(items)) = schema.get("prefixItems") {
        let parts = items
            .iter()
            .enumerate()
            .map(|(i, item)| ts_type(item, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(format!("[{}]", parts.join(", ")));
    }
    let item = match schema.get("items") {
        Some(items) => ts_type(items, &format!("{path}[]"))?,
        None => "unknown".into(),
    };
    Ok(format!("{}[]", parenthesise(&item)))
}

/// An object type; `{ a: string; b?: number }` on one line, or `Record<string, T>` for maps.
fn object_type(schema: &Map<String, Value>, path: &str) -> Result<String, TypeError> {
    let fields = object_fields(schema, path)?;
    let extra = match schema.get("additionalProperties") {
        Some(Value::Bool(false)) | None => None,
        Some(Value::Bool(true)) => Some("unknown".to_owned()),
        Some(other) => Some(ts_type(other, &format!("{path}[key]"))?),
    };
    Ok(match (fields.is_empty(), extra) {
        (true, Some(value)) => format!("Record<string, {value}>"),
        (true, None) => "Record<string, never>".into(),
        (false, extra) => {
            let mut body: Vec<String> = fields.iter().map(|field| format!("{};", field.declaration())).collect();
            if let Some(value) = extra {
                body.push(format!("[key: string]: {value};"));
            }
            format!("{{ {} }}", body.join(" "))
        }
    })
}

/// One property of an object type.
#[derive(Debug)]
pub struct Field {
    /// The JSON property name.
    pub name: String,
    /// Its TypeScript type.
    pub ty: String,
    /// Whether it may be omitted.
    pub optional: bool,
    /// The property's description, for a doc comment.
    pub doc: Option<String>,
}

impl Field {
    /// `name?: type`, quoting names that are not identifiers.
    pub fn declaration(&self) -> String {
        format!("{}{}: {}", property_name(&self.name), if self.optional { "?" } else { "" }, self.ty)
    }
}

/// The properties of an object schema, in schema order.
pub fn object_fields(schema: &Map<String, Value>, path: &str) -> Result<Vec<Field>, TypeError> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(Value::Object(properties)) = schema.get("properties") else { return Ok(Vec::new()) };
    properties
        .iter()
        .map(|(name, property)| {
            Ok(Field {
                name: name.clone(),
                ty: ts_type(property, &format!("{path}.{name}"))?,
                optional: !required.contains(&name.as_str()),
                doc: property.get("description").and_then(Value::as_str).map(str::to_owned),
            })
        })
        .collect()
}

/// Splits `text` at `separator` where it is not nested in brackets, braces, parentheses or a
/// string literal.
pub fn split_top_level<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let (mut parts, mut depth, mut start, mut quote, mut escaped) = (Vec::new(), 0i32, 0, None, false);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if let Some(open) = quote {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                _ if byte == open => quote = None,
                _ => {}
            }
        } else {
            match byte {
                b'"' | b'\'' => quote = Some(byte),
                b'{' | b'[' | b'(' | b'<' => depth += 1,
                b'}' | b']' | b')' | b'>' => depth -= 1,
                _ if depth == 0 && text[i..].starts_with(separator) => {
                    parts.push(&text[start..i]);
                    i += separator.len();
                    start = i;
                    continue;
                }
                _ => {}
            }
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// The type name a `$ref` points at (`#/$defs/Name` → `Name`).
pub fn reference_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// `value` as a JSON (and so TypeScript) literal.
pub(crate) fn literal(value: &Value) -> String {
    serde_json::to_string(value).expect("JSON values serialise")
}

fn union(mut parts: Vec<String>) -> String {
    let mut seen = std::collections::HashSet::new();
    parts.retain(|part| seen.insert(part.clone()));
    match parts.len() {
        0 => "never".into(),
        _ => parts.join(" | "),
    }
}

fn parenthesise(ty: &str) -> String {
    if ty.contains(" | ") || ty.contains(" & ") {
        format!("({ty})")
    } else {
        ty.to_owned()
    }
}

/// `name` as an object key: bare when it is an identifier, quoted otherwise.
pub(crate) fn property_name(name: &str) -> String {
    let mut chars = name.chars();
    let identifier = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        name.to_owned()
    } else {
        literal(&Value::String(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ts(schema: Value) -> String {
        ts_type(&schema, "T").unwrap()
    }

    #[test]
    fn primitives_nullables_and_references() {
        assert_eq!(ts(json!({"type": "string"})), "string");
        assert_eq!(ts(json!({"type": ["string", "null"]})), "string | null");
        assert_eq!(ts(json!({"type": "integer", "format": "int32"})), "number");
        assert_eq!(ts(json!({"$ref": "#/$defs/Output"})), "Output");
        assert_eq!(ts(json!(true)), "unknown");
    }

    #[test]
    fn arrays_maps_and_objects() {
        assert_eq!(ts(json!({"type": "array", "items": {"type": ["string", "null"]}})), "(string | null)[]");
        assert_eq!(
            ts(json!({"type": "object", "additionalProperties": {"type": "boolean"}})),
            "Record<string, boolean>"
        );
        assert_eq!(
            ts(
                json!({"type": "object", "properties": {"a": {"type": "string"}, "b-c": {"type": "number"}}, "required": ["a"]})
            ),
            "{ a: string; \"b-c\"?: number; }"
        );
        assert_eq!(
            ts(json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}]})),
            "[string, boolean]"
        );
    }

    #[test]
    fn top_level_splitting_skips_nested_and_quoted_separators() {
        assert_eq!(
            split_top_level(r#"{ a: "x | y"; } | (b | c)[] | Record<string, d | e> | f"#, " | "),
            [r#"{ a: "x | y"; }"#, "(b | c)[]", "Record<string, d | e>", "f"]
        );
    }

    #[test]
    fn enums_and_unions() {
        assert_eq!(ts(json!({"enum": ["a", "b"]})), "\"a\" | \"b\"");
        assert_eq!(ts(json!({"oneOf": [{"const": "x"}, {"type": "number"}]})), "\"x\" | number");
    }

    #[test]
    fn sixty_four_bit_integers_are_refused_with_a_path() {
        let error = ts_type(&json!({"type": "integer", "format": "int64"}), "Counter.value").unwrap_err();
        assert_eq!(error.path, "Counter.value");
        assert!(error.reason.contains("int64") && error.reason.contains(INT64_EXTENSION), "{error}");
    }

    #[test]
    fn sixty_four_bit_integers_can_be_numbers_by_field_or_everywhere() {
        assert_eq!(ts(json!({"type": "integer", "format": "int64", "x-mizan-int64": "number"})), "number");
        let mut schema = json!({"type": "object", "properties": {
            "a": {"type": ["integer", "null"], "format": "uint64"},
            "b": {"type": "array", "items": {"type": "integer", "format": "int64"}},
        }});
        assert!(ts_type(&schema, "T").is_err());
        allow_int64(&mut schema);
        assert_eq!(ts(schema), "{ a?: number | null; b?: number[]; }");
    }
}
