//! The CSRF token cookie (double-submit): set on the GET responses Mizan serves, repeated by
//! the client in the `X-CSRF-Token` header of every `POST`.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse};

use crate::protocol::CSRF_COOKIE;

/// Adds a fresh `mizan_csrf` cookie to `response` unless the request already carries one.
pub(crate) fn ensure_cookie(request: &HttpRequest, response: &mut HttpResponse) {
    if request.cookie(CSRF_COOKIE).is_some() {
        return;
    }
    let cookie = Cookie::build(CSRF_COOKIE, new_token())
        .path("/")
        .same_site(SameSite::Lax)
        // The client script reads it to send the header, so it is not HttpOnly.
        .http_only(false)
        .finish();
    if let Err(error) = response.add_cookie(&cookie) {
        tracing::warn!(%error, "could not set the CSRF cookie");
    }
}

/// A new random token (244 random bits, hex).
fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}
