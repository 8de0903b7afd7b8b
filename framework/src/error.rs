//! The error type of server functions and its one mapping to HTTP.
//!
//! Every failure reaches the client in one envelope:
//!
//! ```json
//! {"error": {"code": "VALIDATION", "message": "...", "fields": {"email": ["invalid email"]}, "id": "..."}}
//! ```
//!
//! The status comes from [`ErrorCode::status`]. Internal details (the `source` of an
//! [`ErrorCode::Internal`] error: SQL, panics, paths) are never sent: they are logged under the
//! correlation `id` that the body carries.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

pub use crate::protocol::ErrorCode;

/// The result type of server functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Per-field error messages, keyed by argument (or form field) name.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// An error a server function (or the framework) returns to the client.
///
/// Build one with a constructor named after its code ([`Error::bad_request`],
/// [`Error::not_found`], ...). Any `std::error::Error` converts into an
/// [`ErrorCode::Internal`] error with `?`, keeping the original as the logged source.
pub struct Error {
    code: ErrorCode,
    message: Cow<'static, str>,
    fields: Option<FieldErrors>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// An error with a code and a message meant for the client.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { code, message: message.into(), fields: None, source: None }
    }

    /// `BAD_REQUEST` (400): the request itself is malformed.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// `VALIDATION` (400) with per-field messages.
    pub fn validation(fields: FieldErrors) -> Self {
        let mut error = Self::new(ErrorCode::Validation, "the arguments are not valid");
        error.fields = Some(fields);
        error
    }

    /// `NOT_FOUND` (404).
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// `INTERNAL` (500) caused by `source`, which is logged and never sent to the client.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self {
            code: ErrorCode::Internal,
            message: Cow::Borrowed("internal server error"),
            fields: None,
            source: Some(source.into()),
        }
    }

    /// The protocol code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message sent to the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Per-field messages, for `VALIDATION` errors.
    pub fn fields(&self) -> Option<&FieldErrors> {
        self.fields.as_ref()
    }

    /// The envelope body sent to the client, with correlation id `id`.
    pub fn to_body(&self, id: &str) -> serde_json::Value {
        #[derive(Serialize)]
        struct Body<'a> {
            code: ErrorCode,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            fields: Option<&'a FieldErrors>,
            id: &'a str,
        }
        serde_json::json!({ "error": Body { code: self.code, message: &self.message, fields: self.fields.as_ref(), id } })
    }
}

impl<E> From<E> for Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(source: E) -> Self {
        Error::internal(source)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("code", &self.code).field("message", &self.message);
        if let Some(fields) = &self.fields {
            s.field("fields", fields);
        }
        if let Some(source) = &self.source {
            s.field("source", source);
        }
        s.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(source) = &self.source {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match &self.source {
            Some(source) => tracing::error!(error.id = %id, code = %self.code, error = %source, "request failed"),
            None => tracing::debug!(error.id = %id, code = %self.code, message = %self.message, "request rejected"),
        }
        HttpResponse::build(self.status_code())
            .insert_header((crate::protocol::REQUEST_ID_HEADER, id.as_str()))
            .json(self.to_body(&id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_source() {
        let error = Error::from(std::io::Error::other("/etc/secret: SELECT * FROM users"));
        let body = error.to_body("abc").to_string();
        assert!(!body.contains("secret"), "{body}");
        assert!(!body.contains("SELECT"), "{body}");
        assert_eq!(error.code(), ErrorCode::Internal);
        assert_eq!(error.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn validation_errors_carry_fields() {
        let mut fields = FieldErrors::new();
        fields.insert("email".into(), vec!["invalid email".into()]);
        let body = Error::validation(fields).to_body("id1");
        assert_eq!(body["error"]["code"], "VALIDATION");
        assert_eq!(body["error"]["fields"]["email"][0], "invalid email");
        assert_eq!(body["error"]["id"], "id1");
    }
}
