//! The core layer: what the protocol is, independent of any server. Error codes and the error
//! envelope, decoding and validation of arguments, invalidation keys, what a function or a
//! form looks like from outside (its metadata and schemas), and the checks of a registry.
//!
//! It imports no other layer and nothing of actix-web: the engine runs what the core
//! describes, the HTTP layer serves it, the tools generate code from it.

pub(crate) mod codec;
pub(crate) mod declared;
pub(crate) mod error;
pub(crate) mod form_schema;
pub(crate) mod function;
pub mod invalidation;
pub mod protocol;
pub(crate) mod redact;
pub(crate) mod request_id;
pub(crate) mod result;
pub(crate) mod secret;
pub mod validation;

/// `bytes` as lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}
