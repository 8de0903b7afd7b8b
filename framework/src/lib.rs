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

mod app;
pub mod auth;
pub mod cli;
pub mod codegen;
mod config;
mod csrf;
mod ctx;
mod error;
pub mod pages;
pub mod protocol;
pub mod registry;
mod rpc;
pub mod validation;

pub use app::{BuildError, Mizan, MizanApp, DEFAULT_BODY_LIMIT, DEFAULT_MAX_JSON_DEPTH};
pub use auth::{AuthLevel, Authenticator, User};
pub use config::{Config, ConfigError};
pub use ctx::Ctx;
pub use error::{ClientError, Error, ErrorCode, FieldErrors, Result};
pub use mizan_macros::{client, ClientError};
pub use pages::Frontend;
pub use registry::{FunctionDef, FunctionKind, ServerFunction};

/// Items used by the code `#[mizan::client]` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::auth::AuthLevel;
    pub use crate::error::variant_data;
    pub use crate::registry::{FunctionDef, FunctionKind, FunctionMeta};
    pub use crate::validation::{collect, Nested, ValidateArguments, ViaNothing, ViaValidate};
    pub use crate::FieldErrors;
    pub use schemars;
    pub use serde;
    pub use serde_json;
    pub use validator;
}
