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
    typed: Option<Typed>,
    message: Cow<'static, str>,
    fields: Option<FieldErrors>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// The code, status and data of a function's own typed error.
struct Typed {
    code: Cow<'static, str>,
    status: u16,
    data: Option<serde_json::Value>,
}

impl Error {
    /// An error with a code and a message meant for the client.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { code, typed: None, message: message.into(), fields: None, source: None }
    }

    /// A function's own typed error: `code` (e.g. `"OUT_OF_STOCK"`), the HTTP `status`, a
    /// message and the variant's `data`. Usually built by `#[derive(mizan::ClientError)]`.
    ///
    /// A status outside 400..=599 is sent as 400.
    pub fn typed(
        code: impl Into<Cow<'static, str>>,
        status: u16,
        message: impl Into<Cow<'static, str>>,
        data: Option<serde_json::Value>,
    ) -> Self {
        let status = if (400..=599).contains(&status) { status } else { 400 };
        let class =
            ErrorCode::ALL.iter().copied().find(|code| code.status() == status).unwrap_or(ErrorCode::BadRequest);
        Self {
            code: class,
            typed: Some(Typed { code: code.into(), status, data }),
            message: message.into(),
            fields: None,
            source: None,
        }
    }

    /// `UNAUTHENTICATED` (401): the function needs a logged-in user.
    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "you must be logged in")
    }

    /// `FORBIDDEN` (403).
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    /// Adds per-field messages (for `VALIDATION` errors and form-level checks).
    pub fn with_fields(mut self, fields: FieldErrors) -> Self {
        self.fields = Some(fields);
        self
    }

    /// `BAD_REQUEST` (400): the request itself is malformed.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// `VALIDATION` (400) with per-field messages.
    pub fn validation(fields: FieldErrors) -> Self {
        Self::new(ErrorCode::Validation, "the arguments are not valid").with_fields(fields)
    }

    /// `VALIDATION` (400) with one message for one field, e.g. from a form's server-side check:
    /// `Error::invalid_field("email", "this address is already subscribed")`.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(FieldErrors::from([(field.into(), vec![message.into()])]))
    }

    /// `VALIDATION` (400) with a message about the whole form rather than one field (under
    /// [`FORM_ERROR_KEY`](crate::protocol::FORM_ERROR_KEY)); the form hook shows it as `formError`.
    pub fn invalid_form(message: impl Into<String>) -> Self {
        Self::invalid_field(crate::protocol::FORM_ERROR_KEY, message)
    }

    /// `NOT_FOUND` (404).
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// `INTERNAL` (500) caused by `source`, which is logged and never sent to the client.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>) -> Self {
        Self {
            code: ErrorCode::Internal,
            typed: None,
            message: Cow::Borrowed("internal server error"),
            fields: None,
            source: Some(source.into()),
        }
    }

    /// The same error with its internal cause in the message sent to the client: for dev
    /// mode, where the developer reads errors in the browser. Never for production.
    pub fn with_details(mut self) -> Self {
        if let Some(source) = &self.source {
            self.message = Cow::Owned(format!("{}: {source}", self.message));
        }
        self
    }

    /// The protocol code (for a typed error: the protocol code of its status).
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The code sent to the client: the typed error's own code, or the protocol code.
    pub fn wire_code(&self) -> &str {
        self.typed.as_ref().map_or(self.code.as_str(), |typed| &typed.code)
    }

    /// The typed error's data.
    pub fn data(&self) -> Option<&serde_json::Value> {
        self.typed.as_ref().and_then(|typed| typed.data.as_ref())
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
            code: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            fields: Option<&'a FieldErrors>,
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<&'a serde_json::Value>,
            id: &'a str,
        }
        let body = Body {
            code: self.wire_code(),
            message: &self.message,
            fields: self.fields.as_ref(),
            data: self.data(),
            id,
        };
        serde_json::json!({ "error": body })
    }
}

/// A function's own error enum, sent to the client as a typed error (code + data) in the
/// error envelope. Derive it:
///
/// ```
/// #[derive(Debug, serde::Serialize, schemars::JsonSchema, mizan::ClientError)]
/// pub enum TransferError {
///     /// Not enough money on the account.
///     #[client_error(status = 409)]
///     InsufficientFunds { balance: i32 },
///     #[client_error(message = "no such account")]
///     NotFound,
/// }
///
/// let error = mizan::Error::from(TransferError::InsufficientFunds { balance: 3 });
/// assert_eq!(error.wire_code(), "INSUFFICIENT_FUNDS");
/// assert_eq!(error.message(), "Not enough money on the account");
/// assert_eq!(error.data(), Some(&serde_json::json!({ "balance": 3 })));
/// ```
///
/// A function returning `Result<T, TransferError>` (or `mizan::Result<T>` and `?` on a
/// `TransferError`) answers `{"error": {"code": "INSUFFICIENT_FUNDS", "message": ..., "data":
/// {"balance": 3}, "id": ...}}` with status 409. Codes are the variant names in
/// `SCREAMING_SNAKE_CASE`; a variant named like a protocol code (`NotFound`) takes its status.
pub trait ClientError: Into<Error> {
    /// Every code the enum can produce.
    const CODES: &'static [&'static str];

    /// JSON Schema of the errors as the client sees them: one `{"code": <const>, "data": ...}`
    /// object per variant (no `data` for unit variants). Codegen turns it into the function's
    /// error union.
    fn error_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema;
}

/// The error schema of a function's error type `E`, when `E` is a [`ClientError`] (autoref
/// specialisation: `(&&ErrorsOf::<E>::NEW).error_schema()` is `None` for other types).
#[doc(hidden)]
pub struct ErrorsOf<E>(std::marker::PhantomData<E>);

impl<E> ErrorsOf<E> {
    #[doc(hidden)]
    pub const NEW: Self = Self(std::marker::PhantomData);
}

/// Picked for [`ClientError`] types.
#[doc(hidden)]
pub trait ViaClientError {
    fn error_schema(&self) -> Option<fn(&mut schemars::SchemaGenerator) -> schemars::Schema>;
}

impl<E: ClientError> ViaClientError for &ErrorsOf<E> {
    fn error_schema(&self) -> Option<fn(&mut schemars::SchemaGenerator) -> schemars::Schema> {
        Some(E::error_schema)
    }
}

/// Picked for every other error type.
#[doc(hidden)]
pub trait ViaOtherError {
    fn error_schema(&self) -> Option<fn(&mut schemars::SchemaGenerator) -> schemars::Schema>;
}

impl<E> ViaOtherError for ErrorsOf<E> {
    fn error_schema(&self) -> Option<fn(&mut schemars::SchemaGenerator) -> schemars::Schema> {
        None
    }
}

/// The `data` of a typed error: the variant's fields as JSON (`None` for unit variants).
#[doc(hidden)]
pub fn variant_data<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(_)) | Ok(serde_json::Value::Null) => None,
        Ok(serde_json::Value::Object(map)) if map.len() == 1 => map.into_iter().next().map(|(_, value)| value),
        Ok(other) => Some(other),
        Err(error) => {
            tracing::error!(%error, "a typed error's data could not be serialised");
            None
        }
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
        write!(f, "{}: {}", self.wire_code(), self.message)?;
        if let Some(source) = &self.source {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

impl Error {
    /// The HTTP status the error is answered with: its code's, or a typed error's own.
    pub fn status(&self) -> u16 {
        self.typed.as_ref().map_or(self.code.status(), |typed| typed.status)
    }

    /// Logs the error (internal details only here) under a fresh correlation id; returns the id.
    pub(crate) fn log(&self) -> String {
        // Inside a request, the error's id is the request's (`X-Request-Id`, the access log).
        let id = crate::core::request_id::current().unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        match &self.source {
            Some(source) => tracing::error!(error.id = %id, code = self.wire_code(), error = %source, "request failed"),
            None => {
                tracing::debug!(error.id = %id, code = self.wire_code(), message = %self.message, "request rejected")
            }
        }
        id
    }

    /// The envelope's `error` object, logged: what a channel `error` message carries.
    pub(crate) fn logged_body(&self) -> serde_json::Value {
        let id = self.log();
        let mut body = self.to_body(&id);
        body.get_mut("error").map(serde_json::Value::take).unwrap_or_default()
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
        assert_eq!(error.status(), 500);
        let body = error.with_details().to_body("abc").to_string();
        assert!(body.contains("internal server error: /etc/secret: SELECT"), "dev mode shows the cause: {body}");
        let plain = Error::not_found("no such page").with_details();
        assert_eq!(plain.message(), "no such page", "errors without a cause are unchanged");
    }

    #[test]
    fn typed_errors_carry_their_code_status_and_data() {
        let error = Error::typed("OUT_OF_STOCK", 409, "sold out", Some(serde_json::json!({ "left": 0 })));
        assert_eq!(error.status(), 409);
        let body = error.to_body("x");
        assert_eq!(body["error"]["code"], "OUT_OF_STOCK");
        assert_eq!(body["error"]["data"]["left"], 0);
        assert_eq!(Error::typed("WEIRD", 200, "m", None).status(), 400);
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
