//! Forms: one Rust declaration gives the server's validation, the client's Zod schema and a
//! React hook.
//!
//! A form is a struct with `validator` rules and per-field metadata, declared with
//! [`#[mizan::form]`](crate::form), plus an implementation of [`Form`] with its `on_submit`.
//! Registering it with [`forms!`](macro@crate::forms) adds three server functions:
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

use crate::core::codec::{decode_arguments, describe as describe_decode_error};
use crate::core::error::{Error, FieldErrors};
use crate::core::form_schema::{empty_value, Declared};
pub use crate::core::form_schema::{Choice, FieldMeta, FieldSchema, FormSchema, FormValidation, Widget};
use crate::core::function::{AuthLevel, FormRole, FunctionKind, FunctionMeta};
use crate::core::protocol::ErrorCode;
use crate::core::validation::{collect, message};
use crate::engine::ctx::Ctx;
use crate::engine::registry::FunctionDef;

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
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Mizan form",
    label = "not a form: `forms!` takes structs declared with `#[mizan::form]` that implement `mizan::Form`",
    note = "declare the struct with `#[mizan::form]` and implement `mizan::Form` for it (its `on_submit`)"
)]
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

/// The form's [`FormSchema`], built from its declaration and its JSON Schema.
pub fn schema_of<F: Form>() -> FormSchema {
    declared::<F>().schema
}

fn declared<F: Form>() -> Declared {
    let form = F::FORM;
    let root = schemars::SchemaGenerator::default().into_root_schema_for::<F>();
    crate::core::form_schema::declare(form.name, form.title, form.rename_all, form.fields, root.as_value())
}

/// Boxes a future; `#[mizan::form(auth = predicate)]` uses it to store the predicate.
#[doc(hidden)]
pub fn boxed<T: 'static>(future: impl Future<Output = T> + 'static) -> LocalBoxFuture<'static, T> {
    Box::pin(future)
}
