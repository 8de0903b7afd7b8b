//! Cross-site request forgery defences for `POST`s, and the token cookie.
//!
//! A call is refused with `FORBIDDEN` unless all of these hold:
//! - `Sec-Fetch-Site` is absent or not `cross-site`;
//! - `Origin`, when present, is exactly the server's own origin or a trusted origin
//!   (`null`, malformed and look-alike origins are refused);
//! - the `mizan_csrf` cookie is present and the `X-CSRF-Token` header repeats it
//!   (double submit; the cookie is set on the GET responses Mizan serves).
//!
//! Over TLS (the server's own, or `X-Forwarded-Proto: https` from a trusted proxy) Mizan's
//! cookies are named with the `__Host-` prefix, `__Host-mizan_csrf` and
//! `__Host-mizan_session`, and are `Secure` with `Path=/` and no `Domain`: browsers then
//! refuse such a cookie from a sibling subdomain or a plain-HTTP page, so nobody else can
//! plant or overwrite one. On a TLS request the server reads only the prefixed names; an
//! unprefixed `mizan_csrf` or `mizan_session` is ignored, since anyone who can set cookies
//! for the domain (a sibling subdomain) could have planted it. Over plain HTTP (development)
//! the names are the plain ones.

use actix_web::http::header::{self, HeaderName};
use actix_web::{HttpRequest, HttpResponse};

use crate::core::error::Error;
use crate::core::protocol::{CSRF_COOKIE, CSRF_HEADER};
use crate::engine::request::{fresh_csrf_cookie, request_cookie};

/// Adds a fresh CSRF cookie to `response` unless the request already carries one.
pub(crate) fn ensure_cookie(request: &HttpRequest, response: &mut HttpResponse) {
    if request_cookie(request, CSRF_COOKIE).is_some_and(|value| !value.is_empty()) {
        return;
    }
    if let Err(error) = response.add_cookie(&fresh_csrf_cookie(request)) {
        tracing::warn!(%error, "could not set the CSRF cookie");
    }
}

/// Checks a state-changing request; see the module docs for the rules.
pub(crate) fn check(request: &HttpRequest, trusted_origins: &[String]) -> Result<(), Error> {
    // The protocol's header name, lower-cased as `HeaderName` requires.
    static TOKEN_HEADER: std::sync::LazyLock<HeaderName> = std::sync::LazyLock::new(|| {
        HeaderName::from_bytes(CSRF_HEADER.to_ascii_lowercase().as_bytes()).expect("a valid header name")
    });
    let header = |name: &HeaderName| request.headers().get(name).map(|value| value.to_str().unwrap_or("\u{fffd}"));
    check_origin(request, trusted_origins)?;
    match (request_cookie(request, CSRF_COOKIE), header(&TOKEN_HEADER)) {
        (Some(cookie), Some(token)) if !cookie.is_empty() && constant_time_eq(cookie, token) => Ok(()),
        _ => Err(Error::forbidden(
            "missing or wrong CSRF token: send the `mizan_csrf` cookie's value (`__Host-mizan_csrf` over HTTPS) \
             in the `X-CSRF-Token` header",
        )),
    }
}

/// The origin part of the checks: `Sec-Fetch-Site: cross-site` is refused, and a present
/// `Origin` must be the server's own or a trusted one. The channel socket's handshake uses it.
pub(crate) fn check_origin(request: &HttpRequest, trusted_origins: &[String]) -> Result<(), Error> {
    const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
    let header = |name: &HeaderName| request.headers().get(name).map(|value| value.to_str().unwrap_or("\u{fffd}"));
    if header(&SEC_FETCH_SITE).is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return Err(Error::forbidden("cross-site requests are not allowed"));
    }
    if let Some(origin) = header(&header::ORIGIN) {
        let Some(origin) = normalize_origin(origin) else {
            return Err(Error::forbidden("the request's Origin is not allowed"));
        };
        let own = own_origin(request);
        let trusted = trusted_origins.iter().any(|trusted| *trusted == origin);
        if own.as_deref() != Some(origin.as_str()) && !trusted {
            return Err(Error::forbidden("the request's Origin is not allowed"));
        }
    }
    Ok(())
}

/// The origin this request was addressed to, from `Host` and the connection's scheme.
fn own_origin(request: &HttpRequest) -> Option<String> {
    let host = crate::engine::request::host(request)?;
    let scheme = if crate::engine::request::is_secure(request) { "https" } else { "http" };
    normalize_origin(&format!("{scheme}://{host}"))
}

/// `scheme://host[:port]` in lower case with the default port dropped, or `None` when `origin`
/// is not a serialised origin (`null`, a path, credentials, a bad port, ...).
pub(crate) fn normalize_origin(origin: &str) -> Option<String> {
    let (scheme, rest) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '\\', ' ']) {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        // IPv6 literals contain colons: `[::1]:8000` or `[::1]`.
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (rest, None),
    };
    if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':')) {
        return None;
    }
    let host = host.to_ascii_lowercase();
    match port {
        None => Some(format!("{scheme}://{host}")),
        Some(port) if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) || port.len() > 5 => None,
        Some(port) if port.trim_start_matches('0') == default_port => Some(format!("{scheme}://{host}")),
        Some(port) => Some(format!("{scheme}://{host}:{}", port.parse::<u16>().ok()?)),
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_or_refused() {
        assert_eq!(normalize_origin("http://Example.COM:80").as_deref(), Some("http://example.com"));
        assert_eq!(normalize_origin("https://a.b:8443").as_deref(), Some("https://a.b:8443"));
        assert_eq!(normalize_origin("http://[::1]:8000").as_deref(), Some("http://[::1]:8000"));
        for bad in [
            "null",
            "",
            "http://",
            "ftp://example.com",
            "http://example.com/",
            "http://user@example.com",
            "http://127.0.0.1:8000.evil.com",
            "http://example.com:99999",
            "http://exa mple.com",
            "javascript://x",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
