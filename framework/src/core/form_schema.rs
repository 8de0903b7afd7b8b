//! What a form looks like from outside: its fields' metadata, widgets, choices and rules
//! ([`FormSchema`]), built from the form's declaration and its JSON Schema. Codegen writes it
//! into the client; `<name>.schema` answers it.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::core::error::FieldErrors;

/// How a field is shown. Without `widget = "..."` it follows from the field's type and rules:
/// `bool` → checkbox, numbers → number, an enum or `choices` → select, `email`/`url` rules →
/// email/url, a chrono date/time → date/datetime-local/time, a name containing `password` →
/// password, anything else → text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Widget {
    /// One line of text.
    Text,
    /// An email address.
    Email,
    /// A password (hidden input).
    Password,
    /// Several lines of text.
    Textarea,
    /// A number.
    Number,
    /// A yes/no box.
    Checkbox,
    /// One of the field's `choices`, in a drop-down.
    Select,
    /// One of the field's `choices`, as radio buttons.
    Radio,
    /// A calendar date.
    Date,
    /// A date and time.
    DatetimeLocal,
    /// A time of day.
    Time,
    /// A URL.
    Url,
    /// A telephone number.
    Tel,
    /// Not shown.
    Hidden,
}

impl Widget {
    /// Every widget with its name in `widget = "..."`.
    pub const ALL: &'static [(&'static str, Widget)] = &[
        ("text", Widget::Text),
        ("email", Widget::Email),
        ("password", Widget::Password),
        ("textarea", Widget::Textarea),
        ("number", Widget::Number),
        ("checkbox", Widget::Checkbox),
        ("select", Widget::Select),
        ("radio", Widget::Radio),
        ("date", Widget::Date),
        ("datetime-local", Widget::DatetimeLocal),
        ("time", Widget::Time),
        ("url", Widget::Url),
        ("tel", Widget::Tel),
        ("hidden", Widget::Hidden),
    ];
}

/// One option of a select or radio field.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Choice {
    /// The value sent.
    pub value: Value,
    /// What the user sees.
    pub label: String,
}

/// A field as the client sees it: metadata and the rules it must satisfy.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FieldSchema {
    /// The field's name in the submitted JSON.
    pub name: String,
    /// Its label (default: the name in words, "first_name" → "First name").
    pub label: String,
    /// How it is shown.
    pub widget: Widget,
    /// Whether a value must be sent (the field is not an `Option` and has no serde default).
    pub required: bool,
    /// Help text shown with the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Placeholder of the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// The value the field starts with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial: Option<Value>,
    /// The options of a select or radio field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
    /// The `validator` rules of the field, with their parameters and messages
    /// (`[{"rule": "length", "min": 1, "message": "..."}]`).
    pub rules: Vec<Value>,
}

/// What `<name>.schema` answers: the form's name, title and fields in declaration order.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FormSchema {
    /// The form's name (`contact`).
    pub name: String,
    /// Its title (`Contact us`).
    pub title: String,
    /// The fields, in the order the struct declares them.
    pub fields: Vec<FieldSchema>,
}

/// What `<name>.validate` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct FormValidation {
    /// True when `fields` is empty: submitting these values would run `on_submit`.
    pub valid: bool,
    /// Messages per field; form-level ones under `"__all__"` ([`FORM_ERROR_KEY`](crate::protocol::FORM_ERROR_KEY)).
    pub fields: FieldErrors,
}

/// Metadata of one field, written by `#[mizan::form]` from its `#[field(...)]` attribute.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FieldMeta {
    /// The Rust field name.
    pub ident: &'static str,
    /// `#[serde(rename = "...")]` of the field.
    pub rename: Option<&'static str>,
    pub label: Option<&'static str>,
    pub help: Option<&'static str>,
    pub placeholder: Option<&'static str>,
    pub widget: Option<Widget>,
    /// `initial = ...` as a JSON value.
    pub initial: Option<fn() -> Value>,
    /// `choices = [(value, "label"), ...]`.
    pub choices: Option<fn() -> Vec<Choice>>,
}

/// A form as declared: its [`FormSchema`], and the JSON Schemas of its fields (`$ref`s
/// resolved) by wire name, from one generation of the struct's JSON Schema.
pub(crate) struct Declared {
    pub(crate) schema: FormSchema,
    pub(crate) properties: Map<String, Value>,
}
pub(crate) fn declare(
    name: &str,
    title: Option<&str>,
    rename_all: Option<&str>,
    fields: &[FieldMeta],
    json: &Value,
) -> Declared {
    let definitions = json.get("$defs").and_then(Value::as_object);
    let properties: Map<String, Value> = json
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties.iter().map(|(name, property)| (name.clone(), resolve(property, definitions))).collect()
        })
        .unwrap_or_default();
    let required: Vec<&str> =
        json.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let fields = fields
        .iter()
        .filter_map(|meta| {
            let name = meta.rename.map_or_else(|| rename(meta.ident, rename_all), str::to_owned);
            // Skipped fields (`#[serde(skip)]`) are not part of the form.
            let property = properties.get(&name)?;
            let rules: Vec<Value> = property
                .get(crate::core::protocol::RULES_EXTENSION)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let choices = meta.choices.map(|choices| choices()).or_else(|| enum_choices(&property));
            let widget = meta.widget.unwrap_or_else(|| infer_widget(&name, &property, &rules, choices.is_some()));
            Some(FieldSchema {
                label: meta.label.map_or_else(|| humanize(&name), str::to_owned),
                widget,
                required: required.contains(&name.as_str()),
                help: meta.help.map(str::to_owned),
                placeholder: meta.placeholder.map(str::to_owned),
                initial: meta.initial.map(|initial| initial()),
                choices,
                rules,
                name,
            })
        })
        .collect();
    let title = title.map_or_else(|| humanize(name), str::to_owned);
    let schema = FormSchema { name: name.to_owned(), title, fields };
    Declared { schema, properties }
}

/// An empty value of a field's type: `""`, `0`, `false`, `[]`, or an enum's first value.
pub(crate) fn empty_value(property: &Value) -> Option<Value> {
    if let Some(first) = enum_choices(property).and_then(|choices| choices.into_iter().next()) {
        return Some(first.value);
    }
    match property.get("type").and_then(Value::as_str)? {
        "string" => Some(Value::from("")),
        "integer" | "number" => Some(Value::from(0)),
        "boolean" => Some(Value::Bool(false)),
        "array" => Some(Value::Array(Vec::new())),
        _ => None,
    }
}
/// A property with its `$ref` (or single-`allOf`/nullable `anyOf` wrapper) resolved, keeping
/// the property's own keywords (`x-mizan-rules`, `default`).
fn resolve(property: &Value, definitions: Option<&Map<String, Value>>) -> Value {
    let mut merged = property.clone();
    let target = property
        .get("$ref")
        .or_else(|| property.pointer("/allOf/0/$ref"))
        .or_else(|| {
            property.get("anyOf").and_then(Value::as_array).and_then(|variants| {
                variants.iter().find(|v| v.get("type") != Some(&Value::from("null"))).and_then(|v| v.get("$ref"))
            })
        })
        .and_then(Value::as_str)
        .and_then(|reference| reference.rsplit('/').next())
        .and_then(|name| definitions?.get(name));
    if let (Some(target), Some(merged)) = (target.and_then(Value::as_object), merged.as_object_mut()) {
        for (key, value) in target {
            merged.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    merged
}

/// The values of a string enum (`enum`, or `oneOf` of `const`s), labelled in words.
fn enum_choices(property: &Value) -> Option<Vec<Choice>> {
    let values: Vec<Value> = match property.get("enum").and_then(Value::as_array) {
        Some(values) => values.iter().filter(|value| !value.is_null()).cloned().collect(),
        None => property
            .get("oneOf")
            .and_then(Value::as_array)?
            .iter()
            .map(|variant| variant.get("const").cloned())
            .collect::<Option<Vec<_>>>()?,
    };
    if values.is_empty() {
        return None;
    }
    Some(
        values
            .into_iter()
            .map(|value| {
                let label = match &value {
                    Value::String(text) => humanize(text),
                    other => other.to_string(),
                };
                Choice { value, label }
            })
            .collect(),
    )
}

fn infer_widget(name: &str, property: &Value, rules: &[Value], has_choices: bool) -> Widget {
    let has_rule = |rule: &str| rules.iter().any(|r| r.get("rule").and_then(Value::as_str) == Some(rule));
    let types: Vec<&str> = match property.get("type") {
        Some(Value::String(ty)) => vec![ty.as_str()],
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).filter(|ty| *ty != "null").collect(),
        _ => Vec::new(),
    };
    if has_choices {
        return Widget::Select;
    }
    match (types.as_slice(), property.get("format").and_then(Value::as_str)) {
        (["boolean"], _) => Widget::Checkbox,
        (["integer"] | ["number"], _) => Widget::Number,
        (_, Some("date")) => Widget::Date,
        (_, Some("date-time")) => Widget::DatetimeLocal,
        (_, Some("time" | "partial-date-time")) => Widget::Time,
        (_, Some("email")) => Widget::Email,
        (_, Some("uri")) => Widget::Url,
        _ if has_rule("email") => Widget::Email,
        _ if has_rule("url") => Widget::Url,
        _ if name.contains("password") => Widget::Password,
        _ => Widget::Text,
    }
}

/// "first_name" → "First name" (also for form names: "contact.us" → "Contact us").
fn humanize(name: &str) -> String {
    let words = name.replace(['_', '-', '.'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A field's name on the wire under `#[serde(rename_all = "...")]`.
fn rename(ident: &str, rule: Option<&str>) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let words: Vec<&str> = ident.split('_').filter(|word| !word.is_empty()).collect();
    let capitalize = |word: &str| {
        let mut chars = word.chars();
        chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
    };
    match rule {
        Some("lowercase") => ident.to_lowercase(),
        Some("UPPERCASE") => ident.to_uppercase(),
        Some("PascalCase") => words.iter().map(|word| capitalize(word)).collect(),
        Some("camelCase") => words
            .iter()
            .enumerate()
            .map(|(i, word)| if i == 0 { (*word).to_owned() } else { capitalize(word) })
            .collect(),
        Some("SCREAMING_SNAKE_CASE") => ident.to_uppercase(),
        Some("kebab-case") => ident.replace('_', "-"),
        Some("SCREAMING-KEBAB-CASE") => ident.to_uppercase().replace('_', "-"),
        _ => ident.to_owned(),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    /// `#[field(widget = "...")]` is checked by the macro crate, which cannot see this enum:
    /// its table must list exactly these widgets.
    #[test]
    fn the_macro_knows_every_widget() {
        let macro_source = include_str!("../../macros/src/form.rs");
        let table = &macro_source[macro_source.find("const WIDGETS").unwrap()..];
        let table = &table[..table.find("];").unwrap()];
        assert_eq!(table.matches("(\"").count(), Widget::ALL.len(), "{table}");
        for (name, widget) in Widget::ALL {
            assert!(table.contains(&format!("(\"{name}\", \"{widget:?}\")")), "{name} is missing from {table}");
        }
    }

    #[test]
    fn names_follow_rename_all() {
        assert_eq!(rename("first_name", Some("camelCase")), "firstName");
        assert_eq!(rename("first_name", Some("PascalCase")), "FirstName");
        assert_eq!(rename("first_name", Some("kebab-case")), "first-name");
        assert_eq!(rename("first_name", Some("SCREAMING_SNAKE_CASE")), "FIRST_NAME");
        assert_eq!(rename("r#type", None), "type");
        assert_eq!(humanize("first_name"), "First name");
        assert_eq!(humanize("contact_us.v2"), "Contact us v2", "a form without a title");
    }
}
