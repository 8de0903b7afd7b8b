//! Behind a reverse proxy: what the client really used (scheme, host, address), read from the
//! proxy's `X-Forwarded-*` headers only when the request comes from a trusted proxy
//! ([`Mizan::trusted_proxies`](crate::Mizan::trusted_proxies), `MIZAN_TRUSTED_PROXIES`).
//! From anyone else those headers are ignored: a client could otherwise claim any address
//! (defeating login throttling) or scheme.

use std::net::IpAddr;

use actix_web::{web, HttpRequest};

use crate::app::Shared;

/// Whether `request` came directly from one of the app's trusted proxies.
fn from_trusted_proxy(request: &HttpRequest) -> bool {
    let Some(shared) = request.app_data::<web::Data<Shared>>() else { return false };
    let Some(peer) = request.peer_addr().map(|addr| addr.ip()) else { return false };
    shared.trusted_proxies.iter().any(|proxy| *proxy == peer)
}

/// The first value of a forwarding header, trimmed.
fn forwarded<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    let value = request.headers().get(name)?.to_str().ok()?;
    Some(value.split(',').next()?.trim()).filter(|value| !value.is_empty())
}

/// True when the client's connection is TLS: the server's own, or `X-Forwarded-Proto: https`
/// from a trusted proxy. Decides the `Secure` flag of cookies and the scheme of the origin.
pub(crate) fn is_secure(request: &HttpRequest) -> bool {
    if request.app_config().secure() {
        return true;
    }
    from_trusted_proxy(request)
        && forwarded(request, "x-forwarded-proto").is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// The host the client asked for: `X-Forwarded-Host` from a trusted proxy, else `Host`.
pub(crate) fn host(request: &HttpRequest) -> Option<&str> {
    if from_trusted_proxy(request) {
        if let Some(host) = forwarded(request, "x-forwarded-host") {
            return Some(host);
        }
    }
    request.headers().get(actix_web::http::header::HOST)?.to_str().ok()
}

/// The client's address: for a trusted proxy, the nearest address in `X-Forwarded-For` that is
/// not itself a trusted proxy; otherwise the peer address.
pub(crate) fn client_ip(request: &HttpRequest) -> Option<IpAddr> {
    let peer = request.peer_addr().map(|addr| addr.ip());
    if !from_trusted_proxy(request) {
        return peer;
    }
    let Some(shared) = request.app_data::<web::Data<Shared>>() else { return peer };
    let chain = request.headers().get("x-forwarded-for").and_then(|value| value.to_str().ok()).unwrap_or_default();
    chain
        .rsplit(',')
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .find(|hop| !shared.trusted_proxies.contains(hop))
        .or(peer)
}
