//! Connection URLs without their credentials, for logs and error messages.
//!
//! `DATABASE_URL` and `REDIS_URL` may carry a password (`postgres://app:secret@db/app`,
//! `redis://:secret@cache`). Every place the framework names one of them in a log line or an
//! error message goes through [`redact_url`], and errors of the database driver, which may
//! quote the URL they were given, through [`scrub`].

use std::ops::Range;

/// What a hidden secret is replaced with.
const HIDDEN: &str = "***";

/// `url` with its credentials hidden, for logs and error messages.
///
/// The password of the user information becomes `***` (`postgres://app:***@db/app`,
/// `redis://:***@cache:6379`), and so do the values of query parameters that carry
/// credentials (`password`, `pass`, `pwd`, `secret`, `token`, `auth`, `key`, in any case and
/// as part of a longer name: `?sslpassword=***`). The scheme, user name, host, port, database
/// and other parameters stay, so the message still says which server was meant. A URL
/// without credentials comes back unchanged. A malformed URL (a password with an unencoded
/// `/`, `?` or `#`) hides more rather than less.
///
/// ```
/// assert_eq!(mizan::redact_url("postgres://app:s3cret@db:5432/app"), "postgres://app:***@db:5432/app");
/// assert_eq!(mizan::redact_url("redis://:s3cret@cache"), "redis://:***@cache");
/// assert_eq!(mizan::redact_url("sqlite://mizan.db?mode=rwc"), "sqlite://mizan.db?mode=rwc");
/// ```
pub fn redact_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut copied = 0;
    for range in secret_ranges(url) {
        out.push_str(&url[copied..range.start]);
        out.push_str(HIDDEN);
        copied = range.end;
    }
    out.push_str(&url[copied..]);
    out
}

/// `text` (an error message about `url`) without `url`'s secrets: the URL itself is replaced
/// by its [`redact_url`] form, and each secret, as written in the URL, percent-decoded or
/// escaped as `{:?}` escapes it, by `***`.
pub(crate) fn scrub(text: &str, url: &str) -> String {
    let mut text = if url.is_empty() { text.to_owned() } else { text.replace(url, &redact_url(url)) };
    for range in secret_ranges(url) {
        let raw = &url[range];
        let decoded = percent_decode(raw);
        let escaped = decoded.escape_debug().to_string();
        for secret in [raw, decoded.as_str(), escaped.as_str()] {
            if !secret.is_empty() && secret != HIDDEN {
                text = text.replace(secret, HIDDEN);
            }
        }
    }
    text
}

/// The byte ranges of `url` that hold credentials, in order and not overlapping.
fn secret_ranges(url: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    // Where the path (and the query) may begin: after the user information, if any.
    let mut after_credentials = 0;
    if let Some(scheme_end) = url.find("://") {
        let start = scheme_end + 3;
        let rest = &url[start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let at = rest[..authority_end].rfind('@').or_else(|| {
            // No `@` before the path: either no credentials, or a password with an unencoded
            // `/`, `?` or `#`. When a `:` comes before the first of those, the credentials are
            // taken to run up to the last `@`.
            let colon = rest.find(':')?;
            if colon < authority_end {
                rest.rfind('@')
            } else {
                None
            }
        });
        after_credentials = start;
        if let Some(at) = at {
            if let Some(colon) = rest[..at].find(':') {
                if colon + 1 < at {
                    ranges.push(start + colon + 1..start + at);
                }
            }
            after_credentials = start + at + 1;
        }
    }
    if let Some(question) = url[after_credentials..].find('?') {
        let query_start = after_credentials + question + 1;
        let query_end = url[query_start..].find('#').map_or(url.len(), |hash| query_start + hash);
        let mut offset = query_start;
        for pair in url[query_start..query_end].split(['&', ';']) {
            if let Some(equals) = pair.find('=') {
                if equals + 1 < pair.len() && is_secret_parameter(&pair[..equals]) {
                    ranges.push(offset + equals + 1..offset + pair.len());
                }
            }
            offset += pair.len() + 1;
        }
    }
    ranges
}

/// Whether a query parameter named `name` carries a credential.
fn is_secret_parameter(name: &str) -> bool {
    let name = percent_decode(name).to_ascii_lowercase();
    ["pass", "pwd", "secret", "token", "auth", "key"].iter().any(|word| name.contains(word))
}

/// `text` with its `%XX` escapes decoded (invalid escapes and UTF-8 kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|byte| (*byte as char).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_the_user_information_are_hidden() {
        for (url, redacted) in [
            ("postgres://u:secret@host/db", "postgres://u:***@host/db"),
            ("postgres://app:s3cret@db.internal:5432/app", "postgres://app:***@db.internal:5432/app"),
            ("redis://:secret@host", "redis://:***@host"),
            ("redis://:secret@127.0.0.1:6379/0", "redis://:***@127.0.0.1:6379/0"),
            ("rediss://default:secret@cache.example.com:6380", "rediss://default:***@cache.example.com:6380"),
            // Percent-encoded: the encoded form is what the URL holds, and what is hidden.
            ("postgres://u:p%40ss%2Fw%3Ard@host/db", "postgres://u:***@host/db"),
            ("postgres://us%3Aer:pw@host/db", "postgres://us%3Aer:***@host/db"),
            // An `@` or `:` in the password, not encoded: the last `@` ends the credentials.
            ("postgres://u:p@ss:w@host/db", "postgres://u:***@host/db"),
            // Malformed: `/`, `?` or `#` in the password, not encoded.
            ("postgres://u:pa/ss@host/db", "postgres://u:***@host/db"),
            ("postgres://u:pa?ss#x@host/db", "postgres://u:***@host/db"),
            ("postgres://u:p@ss@host/db?sslmode=require", "postgres://u:***@host/db?sslmode=require"),
        ] {
            assert_eq!(redact_url(url), redacted, "{url}");
        }
    }

    #[test]
    fn credentials_in_query_parameters_are_hidden() {
        for (url, redacted) in [
            ("postgres://host/db?user=u&password=secret", "postgres://host/db?user=u&password=***"),
            ("postgres://host/db?password=secret&sslmode=require", "postgres://host/db?password=***&sslmode=require"),
            ("postgres://u:pw@host/db?sslpassword=x#frag", "postgres://u:***@host/db?sslpassword=***#frag"),
            ("redis+unix:///run/redis.sock?db=1&pass=secret", "redis+unix:///run/redis.sock?db=1&pass=***"),
            ("postgres://host/db?PassWord=secret", "postgres://host/db?PassWord=***"),
            ("postgres://host/db?pass%77ord=secret", "postgres://host/db?pass%77ord=***"),
            ("postgres://host/db?auth_token=t;api_key=k", "postgres://host/db?auth_token=***;api_key=***"),
            ("sqlite:app.db?password=secret", "sqlite:app.db?password=***"),
        ] {
            assert_eq!(redact_url(url), redacted, "{url}");
        }
    }

    #[test]
    fn urls_without_credentials_are_unchanged() {
        for url in [
            "",
            "sqlite::memory:",
            "sqlite://mizan.db?mode=rwc",
            "sqlite:///var/lib/app/db.sqlite?mode=rwc",
            "postgres://u@host/db",
            "postgres://host:5432/db",
            "postgres://u:@host/db",
            "redis://127.0.0.1:6379",
            "redis://127.0.0.1:6379/?protocol=resp3",
            "postgres://host/db?password=",
            "sqlite://dir/with@sign.db",
            "not a url",
            "://",
            "postgres://",
            "postgres://@",
            "é://ü:@",
        ] {
            assert_eq!(redact_url(url), url, "{url}");
        }
    }

    #[test]
    fn odd_input_never_panics_and_never_shows_the_password() {
        for url in ["x://:pw@", "x://a:pw@@", "%://:%zz@h", "x://h?=&&password=pw&", "x://:pw@h?a=b=c"] {
            assert!(!redact_url(url).contains("pw"), "{url}: {}", redact_url(url));
        }
        for url in ["?", "??", "x?password", "x?password=", "%", "%4", "a%zz", "::::", "@@@"] {
            let _ = redact_url(url);
        }
    }

    #[test]
    fn error_messages_lose_the_secrets_in_every_spelling() {
        let url = "postgres://u:p%40ss%22w@host/db?password=q%20t";
        let message =
            format!("cannot open '{url}': user u with p@ss\"w, {:?} and q t refused", percent_decode("p%40ss%22w"));
        let scrubbed = scrub(&message, url);
        for secret in ["p%40ss%22w", "p@ss\"w", "p@ss\\\"w", "q%20t", "q t"] {
            assert!(!scrubbed.contains(secret), "{secret} in {scrubbed}");
        }
        assert!(scrubbed.contains("postgres://u:***@host/db?password=***"), "{scrubbed}");
        assert_eq!(scrub("nothing secret", "sqlite::memory:"), "nothing secret");
        assert_eq!(scrub("text", ""), "text");
    }
}
