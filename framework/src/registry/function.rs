use std::future::Future;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;

use super::IntoFunctionResult;
use crate::auth::{AuthLevel, Predicate};
use crate::forms::FormSchema;
use crate::rpc::decode_arguments;
use crate::validation::ValidateArguments;
use crate::{Ctx, Error};

/// How a function is exposed to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    /// A call (`POST /call/{name}`), e.g. a mutation.
    Call,
    /// A global context: part of every page's SSR data and of `GET /context`.
    GlobalContext,
    /// A local context: fetched with arguments (`GET /context/{name}?args=...`).
    LocalContext,
}

/// Static facts about a function, written by `#[mizan::client]`.
#[derive(Debug, Clone, Copy)]
pub struct FunctionMeta {
    /// The registered name, e.g. `"echo"` or `"contact.submit"`.
    pub name: &'static str,
    /// How the function is exposed.
    pub kind: FunctionKind,
    /// Source file of the definition.
    pub file: &'static str,
    /// Source line of the definition.
    pub line: u32,
    /// The function's doc comment.
    pub doc: &'static str,
    /// Who may call it.
    pub auth: AuthLevel,
    /// Contexts every successful call invalidates (`invalidates = [...]`).
    pub invalidates: &'static [&'static str],
    /// Largest accepted request body in bytes, overriding the app's limit (`body_limit = ...`).
    pub body_limit: Option<usize>,
}

impl FunctionMeta {
    /// Metadata with defaults: anonymous, no invalidations, the app's body limit.
    pub const fn new(name: &'static str, kind: FunctionKind, file: &'static str, line: u32) -> Self {
        Self { name, kind, file, line, doc: "", auth: AuthLevel::Anonymous, invalidates: &[], body_limit: None }
    }
}

/// The type-erased handler: decodes JSON arguments, runs the function, encodes the output as
/// JSON text.
pub type Handler = Arc<dyn Fn(Ctx, &[u8]) -> LocalBoxFuture<'static, Result<String, Error>> + Send + Sync>;

/// Everything Mizan knows about one server function.
#[derive(Clone)]
pub struct FunctionDef {
    meta: FunctionMeta,
    predicate: Option<Predicate>,
    input_schema: fn(&mut SchemaGenerator) -> Schema,
    output_schema: fn(&mut SchemaGenerator) -> Schema,
    error_schema: Option<fn(&mut SchemaGenerator) -> Schema>,
    form: Option<(FormRole, fn() -> FormSchema)>,
    handler: Handler,
}

/// Which of a form's three functions a function is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRole {
    /// `<name>.schema`.
    Schema,
    /// `<name>.validate`.
    Validate,
    /// `<name>.submit`.
    Submit,
}

impl FunctionDef {
    /// Defines a function taking arguments `A` (a struct of its named arguments) and
    /// returning `R`.
    pub fn new<A, R, F, Fut>(meta: FunctionMeta, function: F) -> Self
    where
        A: DeserializeOwned + JsonSchema + ValidateArguments + 'static,
        R: IntoFunctionResult + 'static,
        F: Fn(Ctx, A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + 'static,
    {
        let function = Arc::new(function);
        let handler: Handler = Arc::new(move |ctx: Ctx, body: &[u8]| {
            let arguments = decode_arguments::<A>(body);
            let function = Arc::clone(&function);
            Box::pin(async move {
                let arguments = arguments?;
                arguments.validate_arguments().map_err(Error::validation)?;
                let output = function(ctx, arguments).await.into_function_result()?;
                serde_json::to_string(&output).map_err(Error::internal)
            })
        });
        Self {
            meta,
            predicate: None,
            input_schema: A::json_schema,
            output_schema: output_schema::<R::Output>,
            error_schema: None,
            form: None,
            handler,
        }
    }

    /// Defines a function from a handler that decodes its own arguments (forms do, to report
    /// every missing field at once). `input_schema` describes what it accepts.
    pub(crate) fn from_handler(
        meta: FunctionMeta,
        input_schema: fn(&mut SchemaGenerator) -> Schema,
        output_schema: fn(&mut SchemaGenerator) -> Schema,
        handler: Handler,
    ) -> Self {
        Self { meta, predicate: None, input_schema, output_schema, error_schema: None, form: None, handler }
    }

    /// Marks one of a form's functions, so codegen writes the form's definition and hook.
    pub(crate) fn with_form(mut self, role: FormRole, schema: fn() -> FormSchema) -> Self {
        self.form = Some((role, schema));
        self
    }

    /// The form this function belongs to, and its role in it.
    pub fn form(&self) -> Option<(FormRole, FormSchema)> {
        self.form.map(|(role, schema)| (role, schema()))
    }

    /// Adds the predicate of `auth = path::to::predicate`.
    pub fn with_predicate<F, Fut>(mut self, predicate: F) -> Self
    where
        F: Fn(Ctx) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<bool, Error>> + 'static,
    {
        self.predicate = Some(Arc::new(move |ctx| Box::pin(predicate(ctx))));
        self
    }

    /// Declares the function's own errors (a [`ClientError`](crate::ClientError) enum's
    /// [`error_schema`](crate::ClientError::error_schema)); `#[mizan::client]` does this for
    /// functions returning `Result<T, E>`.
    pub fn with_errors(mut self, schema: Option<fn(&mut SchemaGenerator) -> Schema>) -> Self {
        self.error_schema = schema;
        self
    }

    /// JSON Schema of the function's own errors, if it declares any.
    pub fn error_schema(&self, generator: &mut SchemaGenerator) -> Option<Schema> {
        self.error_schema.map(|schema| schema(generator))
    }

    /// Who may call the function.
    pub fn auth(&self) -> AuthLevel {
        self.meta.auth
    }

    /// The predicate of a custom auth level.
    pub(crate) fn predicate(&self) -> Option<&Predicate> {
        self.predicate.as_ref()
    }

    /// Contexts every successful call invalidates.
    pub fn invalidates(&self) -> &'static [&'static str] {
        self.meta.invalidates
    }

    /// The per-function body limit, if set.
    pub fn body_limit(&self) -> Option<usize> {
        self.meta.body_limit
    }

    /// The registered name.
    pub fn name(&self) -> &'static str {
        self.meta.name
    }

    /// How the function is exposed.
    pub fn kind(&self) -> FunctionKind {
        self.meta.kind
    }

    /// The doc comment of the Rust function.
    pub fn doc(&self) -> &'static str {
        self.meta.doc
    }

    /// `file:line` of the definition.
    pub fn location(&self) -> String {
        format!("{}:{}", self.meta.file, self.meta.line)
    }

    /// JSON Schema of the arguments object (inline; referenced types go to `generator`).
    pub fn input_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.input_schema)(generator)
    }

    /// JSON Schema of the output (a `$ref` for named types, whose definitions go to `generator`).
    pub fn output_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.output_schema)(generator)
    }

    /// Runs the function on a JSON arguments object; the output comes back as JSON text.
    pub fn call(&self, ctx: Ctx, arguments: &[u8]) -> LocalBoxFuture<'static, Result<String, Error>> {
        (self.handler)(ctx, arguments)
    }
}

fn output_schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

impl std::fmt::Debug for FunctionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FunctionDef").field("meta", &self.meta).finish_non_exhaustive()
    }
}
