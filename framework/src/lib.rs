//! # Mizan
//!
//! A full-stack web framework: Rust server functions on actix-web, a generated TypeScript
//! client, and React pages rendered on the server inside the binary.
//!
//! ```no_run
//! use mizan::{Mizan, Frontend};
//! use schemars::JsonSchema;
//! use serde::Serialize;
//!
//! #[derive(Serialize, JsonSchema)]
//! pub struct Reply {
//!     pub message: String,
//! }
//!
//! /// Echoes the text back.
//! #[mizan::client]
//! pub async fn echo(text: String) -> mizan::Result<Reply> {
//!     Ok(Reply { message: text })
//! }
//!
//! fn app() -> Mizan {
//!     Mizan::new()
//!         .functions(mizan::fns![echo])
//!         .frontend(Frontend::from_dist("frontend/dist"))
//!         .codegen_output("frontend/src/mizan.gen.ts")
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     mizan::cli::main(app)
//! }
//! ```
//!
//! `POST /api/mizan/call/echo` with `{"text": "hi"}` answers `{"result": {"message": "hi"}}`;
//! `cargo run -- codegen` writes `echo()` and `useEcho()` for the frontend.

// `#[mizan::client]` emits `::mizan::...` paths, also for the framework's own functions.
extern crate self as mizan;

mod app;
mod core;
mod engine;
mod http;
mod tools;

// The public modules, wherever their layer keeps them.
pub use crate::core::{invalidation, protocol, validation};
pub use engine::{auth, channels, db, forms, registry};
pub use http::pages;
pub use tools::{cli, codegen};

pub use crate::core::error::{ClientError, Error, ErrorCode, FieldErrors, Result};
pub use crate::core::secret::{SecretKey, SecretKeyError, MIN_SECRET_KEY_LEN};
pub use app::{BuildError, Mizan, MizanApp, DEFAULT_BODY_LIMIT, DEFAULT_MAX_JSON_DEPTH};
pub use auth::{AuthLevel, Authenticator, User};
pub use engine::ctx::Ctx;
pub use engine::request::IpRange;
pub use forms::Form;
pub use invalidation::context_key;
/// Marks a [`Channel`](channels::Channel) impl so that `codegen --check` reports the channel
/// when no [`channels!`] lists it (as it does for `#[mizan::client]` functions missing from
/// [`fns!`] and `#[mizan::form]`s missing from [`forms!`]). It changes nothing else; an impl
/// without it works the same but cannot be checked.
///
/// ```
/// use mizan::channels::{Channel, NoMessages};
///
/// #[derive(serde::Serialize, serde::Deserialize, schemars::JsonSchema, validator::Validate)]
/// pub struct Room {
///     pub name: String,
/// }
///
/// pub struct Lobby;
///
/// #[mizan::channel]
/// impl Channel for Lobby {
///     const NAME: &'static str = "lobby";
///     type Params = Room;
///     type ServerMessage = String;
///     type ClientMessage = NoMessages;
///
///     fn group(params: &Room) -> String {
///         params.name.clone()
///     }
/// }
/// ```
#[doc(inline)]
pub use mizan_macros::channel;
/// Marks an async function as callable from the client.
///
/// ```
/// use mizan::Ctx;
/// use schemars::JsonSchema;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, JsonSchema)]
/// pub struct Reply {
///     pub message: String,
/// }
///
/// /// Echoes the text back. (Doc comments reach the generated TypeScript.)
/// #[mizan::client]
/// pub async fn echo(#[validate(length(min = 1, max = 280))] text: String) -> mizan::Result<Reply> {
///     Ok(Reply { message: text })
/// }
///
/// #[derive(Deserialize, JsonSchema)]
/// pub struct Filter {
///     pub tags: Vec<String>,
///     pub limit: Option<u32>,
/// }
///
/// /// Staff only; the context may be taken anywhere in the argument list.
/// #[mizan::client(auth = "staff", name = "reports.search")]
/// pub async fn search(filter: Filter, ctx: &Ctx) -> mizan::Result<Vec<String>> {
///     let user = ctx.user().await?.expect("staff are logged in");
///     Ok(vec![format!("{} asked for {} tags", user.username, filter.tags.len())])
/// }
///
/// /// Only editors: any `async fn(&Ctx) -> mizan::Result<bool>` decides.
/// pub async fn is_editor(ctx: &Ctx) -> mizan::Result<bool> {
///     Ok(ctx.user().await?.is_some_and(|user| user.username.starts_with("editor")))
/// }
///
/// /// A global context: part of every page's data.
/// #[mizan::client(context = "global")]
/// pub async fn counter() -> mizan::Result<u32> {
///     Ok(0)
/// }
///
/// /// After a successful call the client refetches the `counter` context (which must be
/// /// registered: `build()` fails otherwise).
/// #[mizan::client(auth = is_editor, invalidates = ["counter"], body_limit = 16 * 1024)]
/// pub async fn reset(ctx: &Ctx) -> mizan::Result<()> {
///     ctx.invalidate(r#"greet?{"name":"Ann"}"#); // one instance of a local context
///     Ok(())
/// }
///
/// let app = mizan::Mizan::new().functions(mizan::fns![echo, search, counter, reset]).build().unwrap();
/// assert!(app.registry().get("reports.search").is_some());
/// ```
///
/// # Arguments of the attribute
///
/// | argument | meaning |
/// |---|---|
/// | `name = "a.b"` | the registered name (default: the function's name); letters, digits, `_`, dotted parts |
/// | `auth = true` | callers must be logged in (`401 UNAUTHENTICATED` otherwise) |
/// | `auth = "staff"` / `"superuser"` | staff (or superusers) only (`403 FORBIDDEN` for other users) |
/// | `auth = path::to::predicate` | an `async fn(&Ctx) -> mizan::Result<bool>`; an error or a panic denies |
/// | `context = "global"` | a global context: no arguments, part of every page's SSR data |
/// | `context = "local"` | a local context, fetched with its arguments |
/// | `invalidates = ["key", ...]` | contexts the client refetches after every successful call: registered context names (`"counter"`) or one local instance (`"greet?{\"name\":\"Ann\"}"`); [`Mizan::build`] fails on a name no registered context has |
/// | `body_limit = <bytes>` | this function's request-body limit (default: the app's, 1 MiB) |
///
/// # The function
///
/// - It is `async`, not generic, and returns `mizan::Result<T>` (or `Result<T, E>` with
///   `E` a [`ClientError`] or any type converting into [`Error`]); `T` is
///   `Serialize + JsonSchema`.
/// - Each named argument is a field of the JSON object the client sends; its type is any
///   `Deserialize + JsonSchema` type (structs, enums, `Option` for optional arguments, `Vec`,
///   maps). Borrowed arguments are refused: use owned types.
/// - `#[validate(...)]` rules of the [`validator`](https://docs.rs/validator) crate may be put
///   on arguments; argument types that implement `validator::Validate` are validated too.
///   Failures answer `400 VALIDATION` with messages per field (`address.city`).
/// - One `&Ctx` or `Ctx` parameter, anywhere, gives the request, the user, the database, app
///   state and [`Ctx::invalidate`].
///
/// Misuse is a compile error that says what to do. The function stays callable from Rust;
/// the macro adds a type of the same name for [`fns!`] to register.
#[doc(inline)]
pub use mizan_macros::client;
/// Derives [`ClientError`](trait@ClientError) for a function's own error enum.
///
/// Variant attributes: `#[client_error(status = 409, message = "...")]`; see the trait.
#[doc(inline)]
pub use mizan_macros::ClientError;
pub use tools::config::{Config, ConfigError};

pub use crate::core::redact::redact_url;
/// Declares a form: a struct whose fields are the form's fields, with `validator` rules and
/// `#[field(...)]` metadata. Implement [`Form`] for it and register it with [`forms!`].
///
/// Put it above the derives (`Deserialize`, `JsonSchema`, `validator::Validate`):
///
/// ```
/// #[mizan::form(name = "newsletter", title = "Stay in touch", invalidates = ["subscribers"])]
/// #[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
/// pub struct NewsletterForm {
///     #[field(label = "Email", placeholder = "you@example.com")]
///     #[validate(email(message = "enter a valid email address"))]
///     pub email: String,
///     #[field(label = "How often", choices = [("weekly", "Every week"), ("monthly", "Every month")], initial = "weekly")]
///     pub frequency: String,
///     #[field(label = "I agree to the terms", help = "You can unsubscribe at any time.")]
///     pub agree: bool,
/// }
/// ```
///
/// # Arguments of the attribute
///
/// | argument | meaning |
/// |---|---|
/// | `name = "contact"` | required: the functions are `contact.schema`, `contact.validate`, `contact.submit`; the hook `useContactForm()` |
/// | `title = "..."` | the form's title (default: the name in words) |
/// | `auth = ...` | who may use the form, as in [`client`] (applies to all three functions) |
/// | `invalidates = [...]` | contexts the client refetches after a successful submission (registered contexts, as in [`client`]) |
/// | `body_limit = <bytes>` | the request-body limit of the form's functions |
///
/// # Field metadata: `#[field(...)]`
///
/// | option | meaning |
/// |---|---|
/// | `label = "..."` | the label (default: the field name in words) |
/// | `help = "..."` | help text |
/// | `placeholder = "..."` | the input's placeholder |
/// | `widget = "..."` | `text`, `email`, `password`, `textarea`, `number`, `checkbox`, `select`, `radio`, `date`, `datetime-local`, `time`, `url`, `tel` or `hidden` (default: from the type and rules, see [`forms::Widget`]) |
/// | `initial = <value>` | the starting value (any expression `serde_json::json!` accepts) |
/// | `choices = [(value, "label"), ...]` | the options of a select (default for enums: their values) |
///
/// Field rules are `validator`'s `#[validate(...)]`, carried with their messages into the
/// generated Zod schema.
pub use mizan_macros::form;
/// The app's frontend build (`manifest.json`, the server bundle, the client files), as a
/// [`Frontend`]: read from the directory in debug builds (rebuilt files are picked up in dev
/// mode), compiled into the binary in release builds (every file of the directory, the
/// precompressed `.br`/`.gz` copies included), so a release binary needs no files beside it.
/// The path is relative to the crate's `Cargo.toml`; a release build fails with a clear
/// message when the frontend was not built.
///
/// ```ignore
/// Mizan::new().frontend(mizan::frontend!("frontend/dist"))
/// ```
pub use mizan_macros::frontend;
/// Carries a struct's `#[validate(...)]` rules, with their parameters and custom messages,
/// into its JSON Schema, so the generated Zod schema checks exactly what the server checks.
///
/// Put it above the derives of a struct used in server function arguments, or as a channel's
/// parameters or client messages (which the server validates with the same rules):
///
/// ```
/// #[mizan::rules]
/// #[derive(serde::Deserialize, schemars::JsonSchema, validator::Validate)]
/// pub struct Address {
///     #[validate(length(min = 2, message = "city is too short"))]
///     pub city: String,
/// }
/// ```
///
/// Without it, codegen still mirrors the rules `schemars` reads (lengths, ranges, email, URL)
/// with the server's default messages. Arguments of `#[mizan::client]` functions need nothing.
pub use mizan_macros::rules;
/// Render limits and errors of the embedded renderer.
pub use mizan_ssr::{Limits as SsrLimits, SsrError};
pub use pages::Frontend;
pub use registry::{FunctionDef, FunctionKind, ServerFunction};

/// Lower-case hex of `bytes` (session tokens and ids, `ETag`s).
#[doc(hidden)]
pub mod __private {
    pub use crate::auth::AuthLevel;
    pub use crate::core::error::{variant_data, ErrorsOf, ViaClientError, ViaOtherError};
    pub use crate::registry::{Declared, DeclaredKind, FunctionDef, FunctionKind, FunctionMeta};
    pub use crate::validation::{collect, regex_source, Nested, ValidateArguments, ViaNothing, ViaValidate};
    pub use crate::FieldErrors;
    pub use inventory;
    pub use schemars;
    pub use serde;
    pub use serde_json;
    pub use validator;
}
