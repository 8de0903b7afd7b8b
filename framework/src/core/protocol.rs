//! The wire protocol's constants: one definition, shared by the server and, through
//! `codegen::protocol_typescript`, by the TypeScript runtime.

/// Default URL prefix of every Mizan endpoint.
pub const API_PREFIX: &str = "/api/mizan";
/// Cookie that carries the CSRF token (double-submit); over TLS it is named with
/// [`HOST_COOKIE_PREFIX`] (`__Host-mizan_csrf`).
pub const CSRF_COOKIE: &str = "mizan_csrf";
/// Prefix of the names of Mizan's cookies over TLS. Browsers accept a `__Host-` cookie only
/// when it is `Secure`, has `Path=/` and no `Domain`, from a secure origin: a sibling
/// subdomain or a plain-HTTP page cannot set or overwrite it.
pub const HOST_COOKIE_PREFIX: &str = "__Host-";
/// Request header that must repeat the CSRF cookie on `POST`.
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// Name of the global variable holding the server-rendered data in the page.
pub const SSR_DATA_GLOBAL: &str = "__MIZAN_SSR_DATA__";
/// Key of the local-context map inside the SSR data.
pub const SSR_LOCAL_KEY: &str = "$local";
/// Key marking a global context that failed inside the context bundle:
/// `{"counter": {"$error": {"code": "INTERNAL", "message": "..."}}}`.
pub const CONTEXT_ERROR_KEY: &str = "$error";
/// Key of form-level messages (not tied to one field) in a `VALIDATION` error's `fields`,
/// as Django's `NON_FIELD_ERRORS`: `{"fields": {"__all__": ["sign-ups are closed"]}}`.
pub const FORM_ERROR_KEY: &str = "__all__";
/// Request header naming the caller's channel socket (its `welcome` frame's `socket`): the
/// invalidations a call pushes to other clients skip that socket, which gets them in the
/// call's answer already.
pub const SOCKET_HEADER: &str = "X-Mizan-Socket";
/// Header carrying the correlation id of every response.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";
/// JSON Schema extension holding a field's validation rules (`[{"rule": "length", "min": 1}]`):
/// written by the macros from `#[validate(...)]`, read by the form schema and by codegen,
/// which turns them into Zod. (`mizan-macros` cannot import it; a test holds its copy equal.)
pub const RULES_EXTENSION: &str = "x-mizan-rules";
/// JSON Schema extension that lets codegen type a 64-bit integer field as a JavaScript
/// `number` (`#[schemars(extend("x-mizan-int64" = "number"))]`).
pub const INT64_EXTENSION: &str = "x-mizan-int64";

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = ($code:literal, $status:literal)),+ $(,)?) => {
        /// Every error code of the protocol, with its HTTP status.
        ///
        /// This table is the single source of truth: the server maps errors to statuses with
        /// it and the TypeScript runtime's `ERROR_CODES`/`ERROR_STATUS` are generated from it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $code)] $variant,)+
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code as it appears on the wire, e.g. `"NOT_FOUND"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)+ }
            }

            /// The HTTP status that carries this code.
            pub const fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)+ }
            }
        }
    };
}

error_codes! {
    /// The request is malformed (bad JSON, missing or mistyped argument).
    BadRequest = ("BAD_REQUEST", 400),
    /// The arguments were well-formed but failed validation; `fields` says where.
    Validation = ("VALIDATION", 400),
    /// The function requires a logged-in user.
    Unauthenticated = ("UNAUTHENTICATED", 401),
    /// The user may not call this function, or the CSRF/origin checks failed.
    Forbidden = ("FORBIDDEN", 403),
    /// No function (or page) with that name.
    NotFound = ("NOT_FOUND", 404),
    /// Wrong HTTP method for the endpoint.
    MethodNotAllowed = ("METHOD_NOT_ALLOWED", 405),
    /// The request body did not arrive within the server's body timeout.
    RequestTimeout = ("REQUEST_TIMEOUT", 408),
    /// The body is larger than the function accepts.
    PayloadTooLarge = ("PAYLOAD_TOO_LARGE", 413),
    /// The body is not `application/json`.
    UnsupportedMediaType = ("UNSUPPORTED_MEDIA_TYPE", 415),
    /// Too many requests; retry later.
    RateLimited = ("RATE_LIMITED", 429),
    /// An unexpected server error; details are in the server log under the correlation id.
    Internal = ("INTERNAL", 500),
    /// A backing service (database, channel layer) is unavailable.
    Unavailable = ("UNAVAILABLE", 503),
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macros_write_the_rules_under_this_extension() {
        let rules = include_str!("../../macros/src/rules.rs");
        assert!(rules.contains(&format!("const EXTENSION: &str = {RULES_EXTENSION:?};")), "macros/src/rules.rs");
    }

    #[test]
    fn codes_serialise_as_their_wire_names() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }

    #[test]
    fn statuses_follow_the_protocol_table() {
        assert_eq!(ErrorCode::NotFound.status(), 404);
        assert_eq!(ErrorCode::Validation.status(), 400);
        assert_eq!(ErrorCode::UnsupportedMediaType.status(), 415);
        assert_eq!(ErrorCode::Unavailable.status(), 503);
    }
}
