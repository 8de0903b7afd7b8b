//! Forms: per `#[mizan::form]` (with its submit function) `<name>Form`, the definition holding
//! its fields, Zod schema and submit function, and the hook `use<Name>Form()`.

use std::fmt::Write as _;

use serde_json::Value;

use super::names::{camel_case, pascal_case};
use super::{typescript, zod, CodegenError, Writer};
use crate::core::form_schema::FormSchema;

/// `<name>Form` (fields, Zod schema, submit function) and `use<Name>Form()` of `form`, whose
/// submit function is `submit`, taking `input_name` and answering `output`.
pub(super) fn write(
    w: &mut Writer,
    form: &FormSchema,
    submit: &str,
    input_name: &str,
    output: &str,
) -> Result<(), CodegenError> {
    let (definition, hook) = (format!("{}Form", camel_case(&form.name)), format!("use{}Form", pascal_case(&form.name)));
    let owner = format!("form `{}`", form.name);
    w.claim(&definition, &owner)?;
    w.claim(&hook, &owner)?;
    let mut fields = String::new();
    for field in &form.fields {
        // The rules are in the Zod schema; the rest in declaration order.
        let widget = serde_json::to_value(field.widget).expect("widgets serialise");
        let mut entry = vec![
            ("name", Value::String(field.name.clone())),
            ("label", Value::String(field.label.clone())),
            ("widget", widget),
            ("required", Value::Bool(field.required)),
        ];
        let optional = [
            ("help", field.help.clone().map(Value::String)),
            ("placeholder", field.placeholder.clone().map(Value::String)),
            ("initial", field.initial.clone()),
            (
                "choices",
                field.choices.as_ref().map(|choices| serde_json::to_value(choices).expect("choices serialise")),
            ),
        ];
        entry.extend(optional.into_iter().filter_map(|(key, value)| value.map(|value| (key, value))));
        let entry: Vec<String> = entry.iter().map(|(key, value)| format!("{key}: {}", object_literal(value))).collect();
        let _ = writeln!(fields, "    {{ {} }},", entry.join(", "));
    }
    let _ = writeln!(
        w.body,
        "\n/** {title}: the `{name}` form's fields, Zod schema and submit function. */\nexport const {definition}: FormDefinition<{input_name}, {output}> = {{\n  name: {name:?},\n  title: {title_literal},\n  fields: [\n{fields}  ],\n  schema: {input_name}Schema,\n  submit: {submit},\n}};\n",
        title = form.title.replace("*/", "* /"),
        name = form.name,
        title_literal = typescript::literal(&Value::String(form.title.clone())),
    );
    let _ = writeln!(
        w.body,
        "/**\n * React hook of the `{name}` form: react-hook-form validating with the form's Zod schema as\n * the user types, submitting with `{name}.submit`, server field errors mapped onto the fields.\n */\nexport function {hook}(\n  options?: UseMizanFormOptions<{input_name}, {output}>,\n): UseMizanFormReturn<{input_name}, {output}> {{\n  return useMizanForm({definition}, options);\n}}",
        name = form.name,
    );
    w.import(["useMizanForm", "type FormDefinition", "type UseMizanFormOptions", "type UseMizanFormReturn"]);
    Ok(())
}

/// `{ name: "email", label: "Email" }`: a JSON object as a TypeScript literal with bare keys.
fn object_literal(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(key, value)| format!("{}: {}", typescript::property_name(key), object_literal(value)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(object_literal).collect::<Vec<_>>().join(", ")),
        other => typescript::literal(other),
    }
}

/// A form's submitted values are checked like the server checks them: a required field that
/// is missing (or null) gets the server's "is required" message rather than a type error.
pub(super) fn require_fields(schema: &mut Value) {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else { return };
    for name in required {
        let Some(Value::Object(property)) = properties.get_mut(&name) else { continue };
        let rules = property.entry(zod::RULES_EXTENSION).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(rules) = rules {
            if !rules.iter().any(|rule| rule.get("rule").and_then(Value::as_str) == Some("required")) {
                rules.push(serde_json::json!({ "rule": "required" }));
            }
        }
    }
}
