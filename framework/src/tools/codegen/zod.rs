//! JSON Schema (as `schemars` writes it, plus Mizan's `x-mizan-rules`) to Zod schemas.
//!
//! Types map one to one with [`super::typescript`]. Validation rules come from the
//! `x-mizan-rules` extension that `#[mizan::client]` and `#[mizan::rules]` write from the
//! field's `#[validate(...)]` attributes (with parameters and custom messages); fields without
//! it fall back to the standard keywords `schemars` reads from the same attributes. Each rule
//! becomes a `refine` with the `rules.*` predicate of `@mizan/react` that accepts exactly what
//! the server accepts, and the message the server would send for it.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::typescript::{literal, property_name, reference_name};

pub(super) use crate::core::protocol::RULES_EXTENSION;

/// The Zod expression for `schema`; a top-level object lists its fields one per line.
pub(super) fn zod(schema: &Value) -> String {
    expression(schema, true)
}

fn expression(schema: &Value, top: bool) -> String {
    let Value::Object(schema) = schema else {
        return if schema == &Value::Bool(false) { "z.never()".into() } else { "z.unknown()".into() };
    };
    let (base, nullable) = base(schema, top);
    let rules = rules_of(schema);
    let mut out = base;
    for rule in rules.iter().filter(|rule| rule_name(rule) != "required") {
        if let Some(check) = check(rule) {
            out.push_str(&format!(".refine({check}, {})", js_string(&message(rule))));
        }
    }
    if nullable {
        out.push_str(".nullable()");
    }
    out
}

/// `z.object({...})` for an object schema, with optional fields, `required` and `must_match`.
fn object(schema: &Map<String, Value>, top: bool) -> String {
    let Some(Value::Object(properties)) = schema.get("properties") else {
        return match schema.get("additionalProperties") {
            Some(Value::Bool(false)) | None => "z.object({})".into(),
            Some(Value::Bool(true)) => "z.record(z.string(), z.unknown())".into(),
            Some(value) => format!("z.record(z.string(), {})", inline(value)),
        };
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    let mut must_match = Vec::new();
    for (name, property) in properties {
        let rules = property.as_object().map(rules_of).unwrap_or_default();
        let mut field = inline(property);
        if let Some(rule) = rules.iter().find(|rule| rule_name(rule) == "required") {
            // A missing or null value gets the server's message rather than a type error.
            field = format!("rules.requiredField({field}, {})", js_string(&message(rule)));
        } else if !required.contains(&name.as_str()) {
            field.push_str(".optional()");
        }
        for rule in rules.iter().filter(|rule| rule_name(rule) == "must_match") {
            if let Some(other) = rule.get("other").and_then(Value::as_str) {
                must_match.push((name.clone(), other.to_owned(), message(rule)));
            }
        }
        fields.push(format!("{}: {field}", property_name(name)));
    }
    let mut out = if top {
        format!("z.object({{\n{}}})", fields.iter().map(|field| format!("  {field},\n")).collect::<String>())
    } else {
        format!("z.object({{ {} }})", fields.join(", "))
    };
    for (name, other, message) in must_match {
        out.push_str(&format!(
            ".refine((value) => value[{name_key}] === value[{other_key}], {{ message: {message}, path: [{name_key}] }})",
            name_key = js_string(&name),
            other_key = js_string(&other),
            message = js_string(&message),
        ));
    }
    out
}

/// The type part of `schema` and whether it also accepts `null`.
fn base(schema: &Map<String, Value>, top: bool) -> (String, bool) {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return (format!("z.lazy(() => {}Schema)", reference_name(reference)), false);
    }
    if let Some(value) = schema.get("const") {
        return (format!("z.literal({})", literal(value)), false);
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        let nullable = values.contains(&Value::Null);
        let values: Vec<_> = values.iter().filter(|value| !value.is_null()).collect();
        let expr = if !values.is_empty() && values.iter().all(|value| value.is_string()) {
            format!("z.enum([{}])", values.iter().map(|value| literal(value)).collect::<Vec<_>>().join(", "))
        } else {
            union(values.iter().map(|value| format!("z.literal({})", literal(value))).collect())
        };
        return (expr, nullable);
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(variants)) = schema.get(keyword) {
            let variants: Vec<String> = variants.iter().map(inline).collect();
            let one_line = union(variants.clone());
            return match top && one_line.len() > 90 && variants.len() > 1 {
                true => (
                    format!("z.union([\n{}])", variants.iter().map(|v| format!("  {v},\n")).collect::<String>()),
                    false,
                ),
                false => (one_line, false),
            };
        }
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        let mut parts = parts.iter().map(inline);
        let first = parts.next().unwrap_or_else(|| "z.unknown()".into());
        return (parts.fold(first, |all, part| format!("z.intersection({all}, {part})")), false);
    }
    match schema.get("type") {
        Some(Value::String(kind)) => (single(kind, schema, top), false),
        Some(Value::Array(kinds)) => {
            let nullable = kinds.iter().any(|kind| kind == "null");
            let parts: Vec<_> = kinds
                .iter()
                .filter_map(Value::as_str)
                .filter(|kind| *kind != "null")
                .map(|k| single(k, schema, top))
                .collect();
            match parts.len() {
                0 => ("z.null()".into(), false),
                _ => (union(parts), nullable),
            }
        }
        _ => ("z.unknown()".into(), false),
    }
}

fn single(kind: &str, schema: &Map<String, Value>, top: bool) -> String {
    match kind {
        "string" => "z.string()".into(),
        "boolean" => "z.boolean()".into(),
        "null" => "z.null()".into(),
        "number" => "z.number()".into(),
        // Integers out of the Rust type's range fail to decode on the server: refuse them here too.
        "integer" => match schema.get("format").and_then(Value::as_str) {
            Some("int8") => "z.number().int().min(-128).max(127)".into(),
            Some("int16") => "z.number().int().min(-32768).max(32767)".into(),
            Some("int32") => "z.number().int().min(-2147483648).max(2147483647)".into(),
            Some("uint8") => "z.number().int().min(0).max(255)".into(),
            Some("uint16") => "z.number().int().min(0).max(65535)".into(),
            Some("uint32") => "z.number().int().min(0).max(4294967295)".into(),
            _ => "z.number().int()".into(),
        },
        "array" => match schema.get("prefixItems") {
            Some(Value::Array(items)) => {
                format!("z.tuple([{}])", items.iter().map(inline).collect::<Vec<_>>().join(", "))
            }
            _ => format!("z.array({})", schema.get("items").map_or_else(|| "z.unknown()".into(), inline)),
        },
        "object" => object(schema, top),
        _ => "z.unknown()".into(),
    }
}

fn inline(schema: &Value) -> String {
    expression(schema, false)
}

/// The field's rules: `x-mizan-rules` when present, else the standard keywords that
/// `schemars` writes for `validator` attributes (not the ones it writes for types: an
/// unsigned integer's `minimum: 0`, a tuple's item count).
fn rules_of(schema: &Map<String, Value>) -> Vec<Map<String, Value>> {
    if let Some(Value::Array(rules)) = schema.get(RULES_EXTENSION) {
        return rules.iter().filter_map(Value::as_object).cloned().collect();
    }
    let mut rules = Vec::new();
    let mut rule = |name: &str, params: &[(&str, &str)]| {
        let mut rule = Map::new();
        for (param, keyword) in params {
            if let Some(value) = schema.get(*keyword) {
                rule.insert((*param).to_owned(), value.clone());
            }
        }
        if !params.is_empty() && rule.is_empty() {
            return;
        }
        rule.insert("rule".into(), Value::String(name.to_owned()));
        rules.push(rule);
    };
    rule("length", &[("min", "minLength"), ("max", "maxLength")]);
    if schema.get("prefixItems").is_none() {
        rule("length", &[("min", "minItems"), ("max", "maxItems")]);
    }
    let unsigned = schema.get("format").and_then(Value::as_str).is_some_and(|format| format.starts_with("uint"));
    if !(unsigned && schema.get("minimum") == Some(&Value::from(0)) && schema.get("maximum").is_none()) {
        rule("range", &[("min", "minimum"), ("max", "maximum")]);
    }
    rule("range", &[("exclusive_min", "exclusiveMinimum"), ("exclusive_max", "exclusiveMaximum")]);
    match schema.get("format").and_then(Value::as_str) {
        Some("email") => rule("email", &[]),
        Some("uri") => rule("url", &[]),
        _ => {}
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        let mut regex = Map::new();
        regex.insert("rule".into(), "regex".into());
        regex.insert("pattern".into(), pattern.into());
        rules.push(regex);
    }
    // `length(equal = n)` arrives as min = max = n.
    for rule in &mut rules {
        if rule_name(rule) == "length" && rule.get("min").is_some() && rule.get("min") == rule.get("max") {
            let equal = rule.remove("min").unwrap_or_default();
            rule.remove("max");
            rule.insert("equal".into(), equal);
        }
    }
    rules
}

fn rule_name(rule: &Map<String, Value>) -> &str {
    rule.get("rule").and_then(Value::as_str).unwrap_or_default()
}

/// The `rules.*` predicate of one rule; `None` for rules only the server can check (`custom`).
fn check(rule: &Map<String, Value>) -> Option<String> {
    let params = |names: &[&str]| {
        let fields: Vec<String> = names
            .iter()
            .filter_map(|name| rule.get(*name).filter(|v| v.is_number()).map(|value| format!("{name}: {value}")))
            .collect();
        format!("{{ {} }}", fields.join(", "))
    };
    let text = |name: &str| rule.get(name).and_then(Value::as_str).map(js_string);
    Some(match rule_name(rule) {
        "length" => format!("rules.length({})", params(&["min", "max", "equal"])),
        "range" => format!("rules.range({})", params(&["min", "max", "exclusive_min", "exclusive_max"])),
        "email" => "rules.email".into(),
        "url" => "rules.url".into(),
        "regex" => format!("rules.regex({})", text("pattern")?),
        "contains" => format!("rules.contains({})", text("pattern")?),
        "does_not_contain" => format!("rules.doesNotContain({})", text("pattern")?),
        _ => return None,
    })
}

/// The message the server sends when `rule` fails: the rule's own, or the default one
/// ([`crate::validation::message`], the function the server uses).
pub(super) fn message(rule: &Map<String, Value>) -> String {
    let code = rule.get("code").and_then(Value::as_str).unwrap_or(rule_name(rule)).to_owned();
    let mut error = validator::ValidationError {
        code: Cow::Owned(code),
        message: rule.get("message").and_then(Value::as_str).map(|message| Cow::Owned(message.to_owned())),
        params: Default::default(),
    };
    for (name, param) in [
        ("min", "min"),
        ("max", "max"),
        ("equal", "equal"),
        ("exclusive_min", "exclusive_min"),
        ("exclusive_max", "exclusive_max"),
        ("pattern", "needle"),
    ] {
        if let Some(value) = rule.get(name) {
            error.add_param(Cow::Borrowed(param), value);
        }
    }
    crate::validation::message(&error)
}

fn union(mut parts: Vec<String>) -> String {
    let mut seen = std::collections::HashSet::new();
    parts.retain(|part| seen.insert(part.clone()));
    match parts.len() {
        0 => "z.never()".into(),
        1 => parts.remove(0),
        _ => format!("z.union([{}])", parts.join(", ")),
    }
}

fn js_string(text: &str) -> String {
    literal(&Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_map_to_zod() {
        assert_eq!(zod(&json!({"type": "string"})), "z.string()");
        assert_eq!(
            zod(&json!({"type": ["integer", "null"], "format": "uint8"})),
            "z.number().int().min(0).max(255).nullable()"
        );
        assert_eq!(zod(&json!({"$ref": "#/$defs/Address"})), "z.lazy(() => AddressSchema)");
        assert_eq!(zod(&json!({"enum": ["a", "b"]})), "z.enum([\"a\", \"b\"])");
        assert_eq!(
            zod(&json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}]})),
            "z.tuple([z.string(), z.boolean()])"
        );
        assert_eq!(
            zod(&json!({"type": "object", "additionalProperties": {"type": "number"}})),
            "z.record(z.string(), z.number())"
        );
    }

    #[test]
    fn rules_carry_the_servers_messages() {
        let field = json!({"type": "string", "minLength": 1, "x-mizan-rules": [
            {"rule": "length", "min": 1, "max": 40, "message": "1 to 40 characters"},
            {"rule": "email"},
            {"rule": "custom", "function": "check"},
        ]});
        assert_eq!(
            zod(&field),
            "z.string().refine(rules.length({ min: 1, max: 40 }), \"1 to 40 characters\").refine(rules.email, \"must be a valid email address\")"
        );
    }

    #[test]
    fn standard_keywords_are_the_fallback() {
        let field = json!({"type": "string", "minLength": 3, "maxLength": 3});
        assert_eq!(zod(&field), "z.string().refine(rules.length({ equal: 3 }), \"length must be exactly 3\")");
        let field = json!({"type": "number", "minimum": 1.5});
        assert_eq!(zod(&field), "z.number().refine(rules.range({ min: 1.5 }), \"must be at least 1.5\")");
    }
}
