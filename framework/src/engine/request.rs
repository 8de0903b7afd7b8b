//! Behind a reverse proxy: what the client really used (scheme, host, address), read from the
//! proxy's `X-Forwarded-*` headers only when the request comes from a trusted proxy
//! ([`Mizan::trusted_proxies`](crate::Mizan::trusted_proxies), `MIZAN_TRUSTED_PROXIES`).
//! From anyone else those headers are ignored: a client could otherwise claim any address
//! (defeating rate limits) or scheme. And Mizan's own cookies, whose names depend on the
//! scheme.

use std::borrow::Cow;
use std::net::IpAddr;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::HttpRequest;

use crate::core::protocol::{CSRF_COOKIE, HOST_COOKIE_PREFIX};

/// The app's trusted proxies, kept in the app data of every worker (as actix-web keeps its
/// `JsonConfig`): requests from elsewhere have their forwarding headers ignored.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustedProxies(pub(crate) Vec<IpRange>);

impl TrustedProxies {
    fn contains(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }
}

/// An address or a CIDR range of addresses (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`): where the
/// app's trusted proxies are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// The addresses whose first `prefix` bits are those of `network`; `None` when `prefix` is
    /// longer than the address (32 bits for IPv4, 128 for IPv6).
    pub fn new(network: IpAddr, prefix: u8) -> Option<Self> {
        let bits = if network.is_ipv4() { 32 } else { 128 };
        (prefix <= bits).then_some(Self { network: network.to_canonical(), prefix })
    }

    /// Whether `address` is in the range (an IPv4-mapped IPv6 address counts as its IPv4 address).
    pub fn contains(&self, address: IpAddr) -> bool {
        let bits = |address: IpAddr| match address.to_canonical() {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, true),
            IpAddr::V6(v6) => (u128::from(v6), false),
        };
        let ((network, network_v4), (address, address_v4)) = (bits(self.network), bits(address));
        let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
        network_v4 == address_v4 && network & mask == address & mask
    }
}

impl From<IpAddr> for IpRange {
    fn from(address: IpAddr) -> Self {
        let network = address.to_canonical();
        Self { network, prefix: if network.is_ipv4() { 32 } else { 128 } }
    }
}

impl std::str::FromStr for IpRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("`{text}` is not an IP address or a CIDR range such as 10.0.0.0/8");
        match text.split_once('/') {
            None => text.parse::<IpAddr>().map(Self::from).map_err(|_| invalid()),
            Some((network, prefix)) => {
                let network = network.parse::<IpAddr>().map_err(|_| invalid())?;
                let prefix = prefix.parse::<u8>().map_err(|_| invalid())?;
                Self::new(network, prefix).ok_or_else(invalid)
            }
        }
    }
}

impl std::fmt::Display for IpRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// Whether `request` came directly from one of the app's trusted proxies.
fn from_trusted_proxy(request: &HttpRequest) -> bool {
    let Some(proxies) = request.app_data::<TrustedProxies>() else { return false };
    let Some(peer) = request.peer_addr().map(|addr| addr.ip()) else { return false };
    proxies.contains(peer)
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
    request.headers().get(header::HOST)?.to_str().ok()
}

/// One hop of `X-Forwarded-For`: `203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`,
/// `[2001:db8::1]:4711` or `"[2001:db8::1]"`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        let (address, after) = rest.split_once(']')?;
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(|port| port.parse::<u16>().is_ok());
        return port_ok.then(|| address.parse::<IpAddr>().ok()).flatten();
    }
    let (address, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The client's address: for a trusted proxy, the nearest address in `X-Forwarded-For` (every
/// header line, in order) that is not itself a trusted proxy; otherwise the peer address. A
/// hop that is not an address ends the walk there: what lies before it cannot be trusted.
pub(crate) fn client_ip(request: &HttpRequest) -> Option<IpAddr> {
    let peer = request.peer_addr().map(|addr| addr.ip());
    if !from_trusted_proxy(request) {
        return peer;
    }
    let Some(proxies) = request.app_data::<TrustedProxies>() else { return peer };
    let lines: Vec<&str> =
        request.headers().get_all("x-forwarded-for").map(|value| value.to_str().unwrap_or("\u{fffd}")).collect();
    let mut nearest = peer;
    for hop in lines.iter().rev().flat_map(|line| line.rsplit(',')) {
        if hop.trim().is_empty() {
            continue;
        }
        let Some(address) = parse_hop(hop) else { break };
        nearest = Some(address);
        if !proxies.contains(address) {
            break;
        }
    }
    nearest
}

/// The client's address as a rate-limit key (`-` when unknown).
pub(crate) fn address_key(request: &HttpRequest) -> String {
    client_ip(request).map_or_else(|| "-".to_owned(), |address| address.to_string())
}

/// The name of Mizan's cookie `base` (`mizan_csrf`, `mizan_session`): `__Host-{base}` over
/// TLS, `base` otherwise.
pub(crate) fn cookie_name(base: &'static str, tls: bool) -> Cow<'static, str> {
    match tls {
        true => Cow::Owned(format!("{HOST_COOKIE_PREFIX}{base}")),
        false => Cow::Borrowed(base),
    }
}

/// The value of Mizan's cookie `base` on `request`, under the name [`cookie_name`] gives it
/// for the request's scheme (only the `__Host-` one over TLS).
pub(crate) fn request_cookie<'a>(request: &'a HttpRequest, base: &'static str) -> Option<&'a str> {
    cookie_value(request, &cookie_name(base, is_secure(request)))
}

/// A CSRF cookie with a new token (set at login and logout to rotate it): `mizan_csrf`, or
/// `__Host-mizan_csrf` (`Secure`) over TLS.
pub(crate) fn fresh_csrf_cookie(request: &HttpRequest) -> Cookie<'static> {
    let tls = is_secure(request);
    Cookie::build(cookie_name(CSRF_COOKIE, tls), new_token())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(tls)
        // The client script reads it to send the header, so it is not HttpOnly.
        .http_only(false)
        .finish()
}

/// A new random token (244 random bits, hex).
fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// The value of cookie `name`, read straight from the `Cookie` headers (no cookie jar).
pub(crate) fn cookie_value<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_contain() {
        let range: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(range.contains("10.200.3.4".parse().unwrap()));
        assert!(range.contains("::ffff:10.1.2.3".parse().unwrap()), "IPv4-mapped IPv6");
        assert!(!range.contains("11.0.0.1".parse().unwrap()));
        assert!(!range.contains("::a00:1".parse().unwrap()), "an IPv6 address with the same bits");
        let single: IpRange = "127.0.0.1".parse().unwrap();
        assert!(single.contains("127.0.0.1".parse().unwrap()) && !single.contains("127.0.0.2".parse().unwrap()));
        let v6: IpRange = "fd00::/8".parse().unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()) && !v6.contains("fe80::1".parse().unwrap()));
        let everything: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains("8.8.8.8".parse().unwrap()));
        for bad in ["10.0.0.0/33", "fd00::/129", "proxy.local", "10.0.0.0/", "/8", "10.0.0/8"] {
            assert!(bad.parse::<IpRange>().is_err(), "{bad}");
        }
        assert_eq!(range.to_string(), "10.0.0.0/8");
    }

    #[test]
    fn hops_with_ports_and_brackets() {
        let v4: IpAddr = "203.0.113.7".parse().unwrap();
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(parse_hop(" 203.0.113.7 "), Some(v4));
        assert_eq!(parse_hop("203.0.113.7:4711"), Some(v4));
        assert_eq!(parse_hop("2001:db8::1"), Some(v6));
        assert_eq!(parse_hop("[2001:db8::1]:4711"), Some(v6));
        assert_eq!(parse_hop("\"[2001:db8::1]\""), Some(v6));
        for bad in ["unknown", "203.0.113.7:port", "[2001:db8::1", "[2001:db8::1]:99999", "host:80", ""] {
            assert_eq!(parse_hop(bad), None, "{bad}");
        }
    }

    #[test]
    fn cookies_are_found_among_others() {
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::COOKIE, "a=1; mizan_csrf=tok; b=2"))
            .to_http_request();
        assert_eq!(cookie_value(&request, "mizan_csrf"), Some("tok"));
        assert_eq!(cookie_value(&request, "mizan"), None);
        assert_eq!(cookie_value(&actix_web::test::TestRequest::default().to_http_request(), "mizan_csrf"), None);
    }

    #[test]
    fn cookies_are_host_prefixed_over_tls_only() {
        assert_eq!(cookie_name("mizan_csrf", false), "mizan_csrf");
        assert_eq!(cookie_name("mizan_csrf", true), "__Host-mizan_csrf");
        assert_eq!(cookie_name("mizan_session", true), "__Host-mizan_session");
        let plain = actix_web::test::TestRequest::default()
            .insert_header((header::COOKIE, "mizan_csrf=plain; __Host-mizan_csrf=prefixed"))
            .to_http_request();
        assert_eq!(request_cookie(&plain, "mizan_csrf"), Some("plain"));
        let cookie = fresh_csrf_cookie(&plain);
        assert_eq!((cookie.name(), cookie.secure()), ("mizan_csrf", Some(false)));
    }
}
