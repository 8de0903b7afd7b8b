//! Configuration from the environment.

use std::net::SocketAddr;

/// Runtime configuration, read from the environment by [`Config::from_env`].
///
/// Its `Debug` form shows the URLs [redacted](crate::redact_url) and no secret key.
#[derive(Clone)]
pub struct Config {
    /// `MIZAN_ADDR`: where the server listens (default `127.0.0.1:8000`).
    pub addr: SocketAddr,
    /// `DATABASE_URL` (default `sqlite://mizan.db?mode=rwc`).
    pub database_url: String,
    /// `MIZAN_DEV`: dev mode (`1`/`true`; default on in debug builds, off in release builds).
    pub dev: bool,
    /// `MIZAN_TRUSTED_ORIGINS`: comma-separated origins besides the server's own that may
    /// send calls (e.g. `https://app.example.com`).
    pub trusted_origins: Vec<String>,
    /// `REDIS_URL`: the Redis server of the channel layer (`redis://127.0.0.1:6379`); unset,
    /// channels reach the subscribers of this process only.
    pub redis_url: Option<String>,
    /// `MIZAN_REDIS_PREFIX`: the prefix of the channel layer's Redis channels (e.g. `shop:`);
    /// processes share broadcasts only with the same prefix. Unset, it is derived from the
    /// binary's name ([`RedisLayer::default_prefix`](crate::channels::RedisLayer::default_prefix)).
    pub redis_prefix: Option<String>,
    /// `MIZAN_TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges of reverse proxies
    /// whose `X-Forwarded-*` headers are believed (e.g. `127.0.0.1` for a proxy on the same
    /// host, `10.0.0.0/8` for a load balancer's subnet).
    pub trusted_proxies: Vec<crate::IpRange>,
    /// `MIZAN_MIGRATE`: apply pending migrations when the server starts (default `1`), so a
    /// binary started in an empty directory creates its SQLite database and serves. Set `0`
    /// when deployments run `migrate` as a step of their own (e.g. several replicas).
    pub migrate_on_start: bool,
    /// `MIZAN_SECRET_KEY`: the app's secret key, at least 32 random bytes that stay the same
    /// across restarts and replicas (`openssl rand -hex 32`). Production mode needs one.
    pub secret_key: Option<crate::SecretKey>,
    /// `MIZAN_REQUEST_TIMEOUT`: seconds a call, context fetch or form submission may run before
    /// it is answered `UNAVAILABLE` (default 30; `0` for no limit).
    pub request_timeout: Option<std::time::Duration>,
    /// `MIZAN_BODY_TIMEOUT`: seconds a client has to send a request's body once its headers
    /// arrived, before it is answered `408 REQUEST_TIMEOUT` (default 10; `0` for no limit).
    pub body_timeout: Option<std::time::Duration>,
    /// `MIZAN_FRONTEND_WATCH`: in dev mode, run the frontend's `watch` script next to the server
    /// so edits are rebuilt and picked up without a restart (default `1`).
    pub frontend_watch: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &crate::redact_url(&self.database_url))
            .field("dev", &self.dev)
            .field("trusted_origins", &self.trusted_origins)
            .field("redis_url", &self.redis_url.as_deref().map(crate::redact_url))
            .field("trusted_proxies", &self.trusted_proxies)
            .field("migrate_on_start", &self.migrate_on_start)
            .field("secret_key", &self.secret_key)
            .field("request_timeout", &self.request_timeout)
            .field("frontend_watch", &self.frontend_watch)
            .finish_non_exhaustive()
    }
}

/// Seconds a request may run when `MIZAN_REQUEST_TIMEOUT` is not set.
pub(crate) const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;
/// Seconds a request body may take to arrive when `MIZAN_BODY_TIMEOUT` is not set.
pub(crate) const DEFAULT_BODY_TIMEOUT_SECS: u64 = 10;

/// A configuration variable that could not be understood.
#[derive(Debug, thiserror::Error)]
#[error("invalid {name}={value:?}: {reason}")]
pub struct ConfigError {
    name: &'static str,
    value: String,
    reason: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let addr = match lookup("MIZAN_ADDR") {
            Some(value) => value.parse().map_err(|error: std::net::AddrParseError| ConfigError {
                name: "MIZAN_ADDR",
                value: value.clone(),
                reason: format!("{error}; expected an address such as 127.0.0.1:8000"),
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8000)),
        };
        let database_url = lookup("DATABASE_URL").unwrap_or_else(|| "sqlite://mizan.db?mode=rwc".to_owned());
        let dev = flag(&lookup, "MIZAN_DEV", cfg!(debug_assertions))?;
        let trusted_origins = lookup("MIZAN_TRUSTED_ORIGINS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|origin| !origin.is_empty())
            .map(|origin| match crate::http::csrf::normalize_origin(origin) {
                Some(_) => Ok(origin.to_owned()),
                None => Err(ConfigError {
                    name: "MIZAN_TRUSTED_ORIGINS",
                    value: origin.to_owned(),
                    reason: "expected origins such as https://app.example.com, separated by commas".into(),
                }),
            })
            .collect::<Result<_, _>>()?;
        let redis_url = lookup("REDIS_URL").filter(|url| !url.trim().is_empty());
        let redis_prefix = lookup("MIZAN_REDIS_PREFIX").filter(|prefix| !prefix.trim().is_empty());
        let trusted_proxies = lookup("MIZAN_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|proxy| !proxy.is_empty())
            .map(|proxy| {
                proxy.parse().map_err(|_| ConfigError {
                    name: "MIZAN_TRUSTED_PROXIES",
                    value: proxy.to_owned(),
                    reason: "expected IP addresses or CIDR ranges such as 127.0.0.1 or 10.0.0.0/8, separated by commas"
                        .into(),
                })
            })
            .collect::<Result<_, _>>()?;
        let migrate_on_start = flag(&lookup, "MIZAN_MIGRATE", true)?;
        let frontend_watch = flag(&lookup, "MIZAN_FRONTEND_WATCH", true)?;
        let secret_key = match lookup("MIZAN_SECRET_KEY").filter(|key| !key.is_empty()) {
            None => None,
            Some(key) => Some(crate::SecretKey::new(&key).map_err(|error| ConfigError {
                name: "MIZAN_SECRET_KEY",
                // Never echoed.
                value: "…".to_owned(),
                reason: error.to_string(),
            })?),
        };
        let request_timeout = seconds(&lookup, "MIZAN_REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT_SECS)?;
        let body_timeout = seconds(&lookup, "MIZAN_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT_SECS)?;
        Ok(Self {
            addr,
            database_url,
            dev,
            trusted_origins,
            redis_url,
            redis_prefix,
            trusted_proxies,
            migrate_on_start,
            secret_key,
            request_timeout,
            body_timeout,
            frontend_watch,
        })
    }
}

/// A duration in whole seconds, `0` for no limit; `default` seconds when unset.
fn seconds(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
) -> Result<Option<std::time::Duration>, ConfigError> {
    match lookup(name) {
        None => Ok(Some(std::time::Duration::from_secs(default))),
        Some(value) => match value.trim().parse::<u64>() {
            Ok(0) => Ok(None),
            Ok(seconds) => Ok(Some(std::time::Duration::from_secs(seconds))),
            Err(_) => {
                Err(ConfigError { name, value, reason: "expected a whole number of seconds (0 for no limit)".into() })
            }
        },
    }
}

/// A yes/no variable: `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`/empty; `default` when unset.
fn flag(lookup: &impl Fn(&str) -> Option<String>, name: &'static str, default: bool) -> Result<bool, ConfigError> {
    match lookup(name).as_deref().map(str::trim) {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off" | "") => Ok(false),
        Some(other) => Err(ConfigError { name, value: other.to_owned(), reason: "expected 1 or 0".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8000");
        assert_eq!(config.database_url, "sqlite://mizan.db?mode=rwc");
        assert!(config.migrate_on_start && config.trusted_proxies.is_empty() && config.redis_url.is_none());
        assert!(config.redis_prefix.is_none());
        let config = Config::from_lookup(|name| match name {
            "MIZAN_MIGRATE" => Some("0".to_owned()),
            "MIZAN_TRUSTED_PROXIES" => Some("127.0.0.1, ::1, 10.0.0.0/8".to_owned()),
            "REDIS_URL" => Some("redis://127.0.0.1:6379".to_owned()),
            "MIZAN_REDIS_PREFIX" => Some("shop:".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.redis_prefix.as_deref(), Some("shop:"));
        assert!(!config.migrate_on_start);
        assert_eq!(config.trusted_proxies.len(), 3);
        assert!(config.trusted_proxies[2].contains("10.9.8.7".parse().unwrap()));
        assert_eq!(config.redis_url.as_deref(), Some("redis://127.0.0.1:6379"));
        let error = Config::from_lookup(|name| (name == "MIZAN_TRUSTED_PROXIES").then(|| "proxy.local".to_owned()))
            .unwrap_err();
        assert!(error.to_string().contains("MIZAN_TRUSTED_PROXIES"), "{error}");
        let config = Config::from_lookup(|name| (name == "MIZAN_ADDR").then(|| "0.0.0.0:9000".to_owned())).unwrap();
        assert_eq!(config.addr.port(), 9000);
        let error = Config::from_lookup(|name| (name == "MIZAN_ADDR").then(|| "nope".to_owned())).unwrap_err();
        assert!(error.to_string().contains("MIZAN_ADDR"), "{error}");
        let config = Config::from_lookup(|name| {
            (name == "MIZAN_TRUSTED_ORIGINS").then(|| "https://a.example, http://b.example:8080".to_owned())
        })
        .unwrap();
        assert_eq!(config.trusted_origins, ["https://a.example", "http://b.example:8080"]);
        assert!(Config::from_lookup(|name| (name == "MIZAN_TRUSTED_ORIGINS").then(|| "a.example".to_owned())).is_err());
    }

    #[test]
    fn secret_key_and_request_timeout() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert!(config.secret_key.is_none());
        assert_eq!(config.request_timeout, Some(std::time::Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS)));
        let key = "0123456789abcdef".repeat(4);
        let config = Config::from_lookup(|name| match name {
            "MIZAN_SECRET_KEY" => Some(key.clone()),
            "MIZAN_REQUEST_TIMEOUT" => Some("0".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.secret_key, Some(crate::SecretKey::new(&key).unwrap()));
        assert_eq!(config.request_timeout, None, "0 means no limit");
        let error = Config::from_lookup(|name| (name == "MIZAN_SECRET_KEY").then(|| "hunter2".to_owned())).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("MIZAN_SECRET_KEY") && message.contains("at least 32"), "{message}");
        assert!(!message.contains("hunter2"), "the key is never echoed: {message}");
        let error =
            Config::from_lookup(|name| (name == "MIZAN_REQUEST_TIMEOUT").then(|| "soon".to_owned())).unwrap_err();
        assert!(error.to_string().contains("MIZAN_REQUEST_TIMEOUT"), "{error}");
    }

    #[test]
    fn the_debug_form_hides_the_passwords_of_the_urls() {
        let config = Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some("postgres://app:s3cretpw@db/app".to_owned()),
            "REDIS_URL" => Some("redis://:s3cretpw@cache:6379".to_owned()),
            _ => None,
        })
        .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cretpw"), "{debug}");
        assert!(debug.contains("postgres://app:***@db/app") && debug.contains("redis://:***@cache:6379"), "{debug}");
    }
}
