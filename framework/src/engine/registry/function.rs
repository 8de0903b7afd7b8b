use std::future::Future;
use std::sync::Arc;

use futures_util::future::LocalBoxFuture;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;

use crate::core::codec::decode_arguments;
use crate::core::error::Error;
use crate::core::form_schema::FormSchema;
use crate::core::function::{AuthLevel, FormRole, FunctionKind, FunctionMeta};
use crate::core::result::IntoFunctionResult;
use crate::core::validation::ValidateArguments;
use crate::engine::auth::Predicate;
use crate::engine::ctx::Ctx;
use crate::engine::invoke::{invoke, Access, Input, Label, Limits};

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

    /// The function's static facts.
    pub fn meta(&self) -> &FunctionMeta {
        &self.meta
    }

    /// Who may call the function.
    pub fn auth(&self) -> AuthLevel {
        self.meta.auth
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
        self.meta.location()
    }

    /// JSON Schema of the arguments object (inline; referenced types go to `generator`).
    pub fn input_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.input_schema)(generator)
    }

    /// JSON Schema of the output (a `$ref` for named types, whose definitions go to `generator`).
    pub fn output_schema(&self, generator: &mut SchemaGenerator) -> Schema {
        (self.output_schema)(generator)
    }

    /// Runs the function for a client: authorized, within `limits`, guarded (see
    /// [`invoke`]); the output comes back as JSON text.
    /// `arguments` is awaited once the caller is authorized (a request body is read then).
    pub(crate) fn invoke<'a, B: Input + AsRef<[u8]> + 'a>(
        &'a self,
        ctx: &'a Ctx,
        limits: &'a Limits,
        arguments: impl Future<Output = Result<B, Error>> + 'a,
    ) -> impl Future<Output = Result<String, Error>> + 'a {
        let access = Access { level: self.meta.auth, predicate: self.predicate.as_ref() };
        invoke(Label::Function(self.meta.name), access, ctx, limits, arguments, move |arguments| {
            self.call(ctx.clone(), arguments.as_ref())
        })
    }

    /// Runs the function on a JSON arguments object, without the checks of
    /// `invoke` (authorization, limits, time limit, panic guard): the output comes back as JSON text.
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
