//! Forms: one Rust declaration gives the server's validation, the client's Zod schema and a
//! React hook.
//!
//! A form is a struct with `validator` rules and per-field metadata, declared with
//! [`#[mizan::form]`](crate::form), plus an implementation of [`Form`] with its `on_submit`.
//! Registering it with [`forms!`](crate::forms) adds three server functions:
//!
//! | function | answers |
//! |---|---|
//! | `<name>.schema` | the fields' metadata and rules ([`FormSchema`]) |
//! | `<name>.validate` | `{"valid": bool, "fields": {...}}` for the values sent; no side effects |
//! | `<name>.submit` | the result of [`Form::on_submit`], or `VALIDATION` with per-field messages |
//!
//! All three go through the same CSRF, auth, body-limit and error rules as every call.
//! Codegen writes `<name>Form` (the definition) and `use<Name>Form()` for each form.
//!
//! ```
//! use mizan::Ctx;
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//! use validator::Validate;
//!
//! /// Asks for a callback.
//! #[mizan::form(name = "callback", title = "Call me back")]
//! #[derive(Deserialize, JsonSchema, Validate)]
//! pub struct CallbackForm {
//!     #[field(label = "Your name", placeholder = "Ann Smith")]
//!     #[validate(length(min = 1, max = 80, message = "tell us your name"))]
//!     pub name: String,
//!     #[field(label = "Phone", widget = "tel", help = "We call within a day.")]
//!     #[validate(length(min = 6, max = 20))]
//!     pub phone: String,
//! }
//!
//! #[derive(Serialize, JsonSchema)]
//! pub struct Scheduled {
//!     pub ticket: u32,
//! }
//!
//! impl mizan::Form for CallbackForm {
//!     type Output = Scheduled;
//!
//!     async fn check(&self, _ctx: &Ctx) -> mizan::Result<()> {
//!         if self.phone.starts_with("000") {
//!             return Err(mizan::Error::invalid_field("phone", "this number cannot be called"));
//!         }
//!         Ok(())
//!     }
//!
//!     async fn on_submit(self, _ctx: &Ctx) -> mizan::Result<Scheduled> {
//!         Ok(Scheduled { ticket: 7 })
//!     }
//! }
//!
//! let app = mizan::Mizan::new().functions(mizan::forms![CallbackForm]).build().unwrap();
//! assert!(app.registry().get("callback.submit").is_some());
//! ```

use std::future::Future;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;
use schemars::{JsonSchema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::auth::AuthLevel;
use crate::registry::{FormRole, FunctionDef, FunctionKind, FunctionMeta};
use crate::rpc::{decode_arguments, describe_decode_error};
use crate::validation::{collect, message};
use crate::{Ctx, Error, ErrorCode, FieldErrors};

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

/// What `#[mizan::form]` knows about a form. Not implemented by hand.
#[doc(hidden)]
pub trait FormDeclaration {
    /// Name, title, auth, fields.
    const FORM: FormMeta;
}

/// The predicate of `#[mizan::form(auth = path::to::predicate)]`, boxed.
#[doc(hidden)]
pub type PredicateFn = fn(Ctx) -> LocalBoxFuture<'static, crate::Result<bool>>;

/// The declaration of a form, written by `#[mizan::form]`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FormMeta {
    pub name: &'static str,
    /// `title = "..."`; without it, the name in words.
    pub title: Option<&'static str>,
    pub doc: &'static str,
    pub file: &'static str,
    pub line: u32,
    pub auth: AuthLevel,
    pub invalidates: &'static [&'static str],
    pub body_limit: Option<usize>,
    /// `#[serde(rename_all = "...")]` of the struct.
    pub rename_all: Option<&'static str>,
    pub fields: &'static [FieldMeta],
    /// The predicate of `auth = path::to::predicate`.
    pub predicate: Option<PredicateFn>,
}

/// A form's behaviour: server-only checks and what a valid submission does.
///
/// Implement it for a struct declared with [`#[mizan::form]`](crate::form).
#[allow(async_fn_in_trait)] // Handlers run on one worker thread: their futures need not be `Send`.
pub trait Form: FormDeclaration + DeserializeOwned + JsonSchema + validator::Validate + Sized + 'static {
    /// What a successful submission returns to the client.
    type Output: Serialize + JsonSchema + 'static;

    /// Checks that need the server (the database, the user), run by `validate` and `submit`
    /// once the field rules pass; must not change anything. Report problems with
    /// [`Error::invalid_field`] or [`Error::invalid_form`]; other errors fail the request.
    async fn check(&self, ctx: &Ctx) -> crate::Result<()> {
        let _ = ctx;
        Ok(())
    }

    /// Handles a valid submission. It may still refuse it with [`Error::invalid_field`] or
    /// [`Error::invalid_form`] (e.g. a unique constraint found while saving).
    async fn on_submit(self, ctx: &Ctx) -> crate::Result<Self::Output>;
}

/// The three server functions of each listed form, for [`Mizan::functions`](crate::Mizan::functions).
///
/// ```ignore
/// Mizan::new().functions(mizan::forms![ContactForm, SignupForm])
/// ```
#[macro_export]
macro_rules! forms {
    ($($form:ty),* $(,)?) => {{
        let mut definitions = ::std::vec::Vec::new();
        $(definitions.extend($crate::forms::definitions::<$form>());)*
        definitions
    }};
}

/// The `<name>.schema`, `<name>.validate` and `<name>.submit` functions of `F`.
pub fn definitions<F: Form>() -> Vec<FunctionDef> {
    let form = F::FORM;
    let meta = |suffix: &'static str, doc: &'static str| FunctionMeta {
        name: leak(format!("{}.{suffix}", form.name)),
        kind: FunctionKind::Call,
        file: form.file,
        line: form.line,
        doc,
        auth: form.auth,
        invalidates: if suffix == "submit" { form.invalidates } else { &[] },
        body_limit: form.body_limit,
    };
    let schema = FunctionDef::from_handler(
        meta("schema", "The form's fields: labels, widgets, choices and rules."),
        no_arguments,
        output_schema::<FormSchema>,
        Arc::new(|_ctx, body| {
            let arguments = decode_arguments::<NoArguments>(body);
            Box::pin(async move {
                arguments?;
                serde_json::to_string(&schema_of::<F>()).map_err(Error::internal)
            })
        }),
    );
    let schema = schema.with_form(FormRole::Schema, schema_of::<F>);
    let validate = FunctionDef::from_handler(
        meta("validate", "Checks values against the form's rules and server checks, without submitting them."),
        F::json_schema,
        output_schema::<FormValidation>,
        Arc::new(|ctx, body| {
            let body = body.to_vec();
            Box::pin(async move {
                let fields = match values::<F>(&ctx, &body).await? {
                    Ok(_) => FieldErrors::new(),
                    Err(fields) => fields,
                };
                serde_json::to_string(&FormValidation { valid: fields.is_empty(), fields }).map_err(Error::internal)
            })
        }),
    );
    let validate = validate.with_form(FormRole::Validate, schema_of::<F>);
    let submit_doc = if form.doc.is_empty() { "Submits the form." } else { form.doc };
    let submit = FunctionDef::from_handler(
        meta("submit", submit_doc),
        F::json_schema,
        output_schema::<F::Output>,
        Arc::new(|ctx, body| {
            let body = body.to_vec();
            Box::pin(async move {
                let form = values::<F>(&ctx, &body).await?.map_err(Error::validation)?;
                let output = form.on_submit(&ctx).await?;
                serde_json::to_string(&output).map_err(Error::internal)
            })
        }),
    )
    .with_form(FormRole::Submit, schema_of::<F>);
    let with_predicate = |definition: FunctionDef| match form.predicate {
        Some(predicate) => definition.with_predicate(predicate),
        None => definition,
    };
    vec![with_predicate(schema), with_predicate(validate), with_predicate(submit)]
}

fn leak(name: String) -> &'static str {
    // One string per form and suffix, made once when the app is built.
    Box::leak(name.into_boxed_str())
}

/// The arguments of `<name>.schema`: none.
#[derive(serde::Deserialize, JsonSchema)]
struct NoArguments {}

fn no_arguments(generator: &mut SchemaGenerator) -> schemars::Schema {
    NoArguments::json_schema(generator)
}

fn output_schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<T>()
}

/// Decodes and checks submitted values: `Ok(Ok(form))` when valid, `Ok(Err(fields))` with
/// every problem found, `Err` for a request that is not a JSON object or a failing check.
///
/// Missing required fields are all reported ("is required"); a value of the wrong type is
/// reported under its field; then the `validator` rules run, then [`Form::check`].
async fn values<F: Form>(ctx: &Ctx, body: &[u8]) -> Result<Result<F, FieldErrors>, Error> {
    let mut object: Map<String, Value> = decode_arguments(body)?;
    let Declared { schema, properties } = declared::<F>();
    let mut fields = FieldErrors::new();
    let mut missing = Vec::new();
    for field in schema.fields.iter().filter(|field| field.required) {
        if object.get(&field.name).is_none_or(Value::is_null) {
            fields.entry(field.name.clone()).or_default().push(message(&validator::ValidationError::new("required")));
            missing.push(field.name.clone());
        }
    }
    // To check the fields that were sent, stand in for the missing ones where their type has
    // an obvious empty value; their own messages are dropped below.
    if !missing.is_empty() {
        for name in &missing {
            match properties.get(name).and_then(empty_value) {
                Some(value) => {
                    object.insert(name.clone(), value);
                }
                None => return Ok(Err(fields)),
            }
        }
    }
    let form: F = match serde_path_to_error::deserialize(Value::Object(object)) {
        Ok(form) => form,
        Err(error) => {
            let path = error.path().to_string();
            let field = path.split(['.', '[']).next().filter(|name| !name.is_empty() && *name != "?");
            let field = field.unwrap_or(crate::protocol::FORM_ERROR_KEY).to_owned();
            if !missing.contains(&field) {
                fields.entry(field).or_default().push(describe_decode_error(String::new(), error.inner()));
            }
            return Ok(Err(fields));
        }
    };
    let mut broken = FieldErrors::new();
    collect(form.validate(), "", &mut broken);
    for (field, messages) in broken {
        let top = field.split(['.', '[']).next().unwrap_or_default();
        if !missing.iter().any(|name| name == top) {
            fields.entry(field).or_default().extend(messages);
        }
    }
    if !fields.is_empty() {
        return Ok(Err(fields));
    }
    match form.check(ctx).await {
        Ok(()) => Ok(Ok(form)),
        Err(error) if error.code() == ErrorCode::Validation => Ok(Err(error.fields().cloned().unwrap_or_default())),
        Err(error) => Err(error),
    }
}

/// An empty value of a field's type: `""`, `0`, `false`, `[]`, or an enum's first value.
fn empty_value(property: &Value) -> Option<Value> {
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

/// The form's [`FormSchema`], built from its declaration and its JSON Schema.
pub fn schema_of<F: Form>() -> FormSchema {
    declared::<F>().schema
}

/// A form as declared: its [`FormSchema`], and the JSON Schemas of its fields (`$ref`s
/// resolved) by wire name, from one generation of the struct's JSON Schema.
struct Declared {
    schema: FormSchema,
    properties: Map<String, Value>,
}

fn declared<F: Form>() -> Declared {
    let form = F::FORM;
    let root = schemars::SchemaGenerator::default().into_root_schema_for::<F>();
    let json = root.as_value();
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
    let fields = form
        .fields
        .iter()
        .filter_map(|meta| {
            let name = meta.rename.map_or_else(|| rename(meta.ident, form.rename_all), str::to_owned);
            // Skipped fields (`#[serde(skip)]`) are not part of the form.
            let property = properties.get(&name)?;
            let rules: Vec<Value> =
                property.get("x-mizan-rules").and_then(Value::as_array).cloned().unwrap_or_default();
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
    let title = form.title.map_or_else(|| humanize(form.name), str::to_owned);
    let schema = FormSchema { name: form.name.to_owned(), title, fields };
    Declared { schema, properties }
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

/// Boxes a future; `#[mizan::form(auth = predicate)]` uses it to store the predicate.
#[doc(hidden)]
pub fn boxed<T: 'static>(future: impl Future<Output = T> + 'static) -> LocalBoxFuture<'static, T> {
    Box::pin(future)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `#[field(widget = "...")]` is checked by the macro crate, which cannot see this enum:
    /// its table must list exactly these widgets.
    #[test]
    fn the_macro_knows_every_widget() {
        let macro_source = include_str!("../macros/src/form.rs");
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
