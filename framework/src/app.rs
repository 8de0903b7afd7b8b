//! Assembling an app: [`Mizan`] collects functions, the database and the frontend;
//! [`Mizan::build`] checks them once; [`MizanApp::configure`] mounts everything on actix-web.

use std::sync::Arc;

use actix_web::web;
use sea_orm::DatabaseConnection;

use crate::core::protocol::API_PREFIX;
use crate::engine::auth::{Anonymous, Authenticator};
use crate::engine::ctx::Services;
use crate::engine::invoke::Limits;
use crate::engine::registry::{FunctionDef, Registry, RegistryError};
use crate::engine::request::TrustedProxies;
use crate::http::csrf::normalize_origin;
use crate::http::pages::{Frontend, FrontendError, Pages, PagesError, DEFAULT_SHELL};
use crate::http::state::Shared;

/// Default request-body limit of calls: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Default limit of JSON nesting (arrays and objects) in call arguments.
pub const DEFAULT_MAX_JSON_DEPTH: usize = 64;

/// The builder of a Mizan app.
///
/// ```no_run
/// # use mizan::{Mizan, Frontend};
/// # fn functions() -> Vec<mizan::FunctionDef> { Vec::new() }
/// let app = Mizan::new()
///     .functions(functions())
///     .frontend(Frontend::from_dist("frontend/dist"))
///     .build()
///     .expect("a valid app");
/// let factory = move || actix_web::App::new().configure(|cfg| app.configure(cfg));
/// ```
#[must_use]
pub struct Mizan {
    functions: Vec<FunctionDef>,
    db: Option<DatabaseConnection>,
    frontend: Option<Frontend>,
    ssr_limits: mizan_ssr::Limits,
    page_cache: Option<usize>,
    shell: String,
    title: String,
    prefix: String,
    body_limit: usize,
    max_json_depth: usize,
    codegen_output: Option<std::path::PathBuf>,
    codegen_options: crate::codegen::Options,
    authenticator: Arc<dyn Authenticator>,
    dev: bool,
    trusted_origins: Vec<String>,
    trusted_proxies: Vec<crate::engine::request::IpRange>,
    migrate: crate::db::Migrate,
    channels: Vec<crate::channels::ChannelDef>,
    channel_layer: Option<Arc<dyn crate::channels::ChannelLayer>>,
    channel_settings: crate::channels::ChannelSettings,
    sessions: crate::auth::sessions::SessionConfig,
    authenticator_set: bool,
    request_timeout: Option<std::time::Duration>,
    body_timeout: Option<std::time::Duration>,
    throttle: Option<crate::auth::throttle::Throttle>,
    account_limits: crate::auth::throttle::AccountLimits,
    username_policy: crate::auth::users::UsernamePolicy,
}

impl Default for Mizan {
    fn default() -> Self {
        Self::new()
    }
}

impl Mizan {
    /// An app with no functions, no database and no frontend.
    pub fn new() -> Self {
        Self {
            functions: Vec::new(),
            db: None,
            frontend: None,
            ssr_limits: mizan_ssr::Limits::default(),
            page_cache: None,
            shell: DEFAULT_SHELL.to_owned(),
            title: "Mizan".to_owned(),
            prefix: API_PREFIX.to_owned(),
            body_limit: DEFAULT_BODY_LIMIT,
            max_json_depth: DEFAULT_MAX_JSON_DEPTH,
            codegen_output: None,
            codegen_options: crate::codegen::Options::default(),
            authenticator: Arc::new(Anonymous),
            dev: false,
            trusted_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            migrate: crate::db::migrate_with::<crate::db::FrameworkMigrator>,
            channels: Vec::new(),
            channel_layer: None,
            channel_settings: crate::channels::ChannelSettings::default(),
            sessions: crate::auth::sessions::SessionConfig::default(),
            authenticator_set: false,
            request_timeout: Some(std::time::Duration::from_secs(crate::tools::config::DEFAULT_REQUEST_TIMEOUT_SECS)),
            body_timeout: Some(std::time::Duration::from_secs(crate::tools::config::DEFAULT_BODY_TIMEOUT_SECS)),
            throttle: None,
            account_limits: crate::auth::throttle::AccountLimits::default(),
            username_policy: crate::auth::users::UsernamePolicy::default(),
        }
    }

    /// Registers server functions, usually listed with [`fns!`](crate::fns).
    pub fn functions(mut self, functions: impl IntoIterator<Item = FunctionDef>) -> Self {
        self.functions.extend(functions);
        self
    }

    /// The database that [`Ctx::db`](crate::Ctx::db) hands to functions.
    pub fn database(mut self, db: DatabaseConnection) -> Self {
        self.db = Some(db);
        self
    }

    /// Time budget and heap limit of each server render (default: 1 s, 256 MiB). A render
    /// past either is stopped, logged, and the page is sent for the client to render.
    pub fn ssr_limits(mut self, limits: mizan_ssr::Limits) -> Self {
        self.ssr_limits = limits;
        self
    }

    /// Reuses rendered pages for requests with the same URL and exactly the same SSR data,
    /// keeping at most `max_bytes` of them (oldest evicted first). The contexts still run for
    /// every request; only the JavaScript render is saved. Off by default.
    pub fn page_cache(mut self, max_bytes: usize) -> Self {
        self.page_cache = Some(max_bytes);
        self
    }

    /// The built frontend whose pages are rendered on the server.
    pub fn frontend(mut self, frontend: Frontend) -> Self {
        self.frontend = Some(frontend);
        self
    }

    /// Replaces the page shell (a minijinja template; see [`DEFAULT_SHELL`] for its variables).
    pub fn shell_template(mut self, template: impl Into<String>) -> Self {
        self.shell = template.into();
        self
    }

    /// The page title used when the rendered app sets none.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// The URL prefix of the API (default `/api/mizan`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into().trim_end_matches('/').to_owned();
        self
    }

    /// The largest accepted call body in bytes (default 1 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The deepest accepted nesting of arrays and objects in call arguments (default 64).
    pub fn max_json_depth(mut self, depth: usize) -> Self {
        self.max_json_depth = depth;
        self
    }

    /// How requests are mapped to users (default: everyone is anonymous).
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticator = Arc::new(authenticator);
        self.authenticator_set = true;
        self
    }

    /// How long a call, context or form submission may run before it is answered
    /// `UNAVAILABLE` and its work dropped (`MIZAN_REQUEST_TIMEOUT`; default 30 s). `None`:
    /// no limit. Page renders have their own budget ([`ssr_limits`](Mizan::ssr_limits)).
    pub fn request_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long a client may take to send a call's body once its headers arrived
    /// (`MIZAN_BODY_TIMEOUT`; default 10 s): a body still incomplete then is answered
    /// `408 REQUEST_TIMEOUT` and the connection closed, so a client trickling bytes cannot hold
    /// a connection. `None`: no limit.
    pub fn body_timeout(mut self, timeout: Option<std::time::Duration>) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Where rate-limit counts live (default: [`Throttle::in_memory`], this process only). The
    /// CLI uses [`Throttle::redis`] when `REDIS_URL` is set, so every replica shares them.
    ///
    /// [`Throttle::in_memory`]: crate::auth::throttle::Throttle::in_memory
    /// [`Throttle::redis`]: crate::auth::throttle::Throttle::redis
    pub fn throttle(mut self, throttle: crate::auth::throttle::Throttle) -> Self {
        self.throttle = Some(throttle);
        self
    }

    /// The rate limits of the built-in login and sign-up.
    pub fn account_limits(mut self, limits: crate::auth::throttle::AccountLimits) -> Self {
        self.account_limits = limits;
        self
    }

    /// Which usernames sign-up accepts (default [`UsernamePolicy::Ascii`](crate::auth::users::UsernamePolicy)).
    pub fn username_policy(mut self, policy: crate::auth::users::UsernamePolicy) -> Self {
        self.username_policy = policy;
        self
    }

    /// The frontend set with [`frontend`](Mizan::frontend).
    pub fn frontend_source(&self) -> Option<&Frontend> {
        self.frontend.as_ref()
    }

    /// The secret key (`MIZAN_SECRET_KEY`): the key of the stored session hashes. Production
    /// servers started by [`cli::main`](crate::cli::main) refuse to start without one.
    pub fn secret_key(mut self, key: crate::SecretKey) -> Self {
        self.sessions.secret_key = Some(key);
        self
    }

    /// How sessions behave (timeouts, `Secure`, the clock). With a database and no other
    /// [`authenticator`](Mizan::authenticator), the session cookie decides who the user is.
    /// A key set with [`secret_key`](Mizan::secret_key) is kept unless `config` has its own.
    pub fn sessions(mut self, mut config: crate::auth::sessions::SessionConfig) -> Self {
        config.secret_key = config.secret_key.or(self.sessions.secret_key.take());
        self.sessions = config;
        self
    }

    /// Registers channels, usually listed with [`channels!`](macro@crate::channels); they are served
    /// on the WebSocket at `{prefix}/ws`.
    pub fn channels(mut self, channels: impl IntoIterator<Item = crate::channels::ChannelDef>) -> Self {
        self.channels.extend(channels);
        self
    }

    /// How broadcasts reach subscribers: [`InProcessLayer`](crate::channels::InProcessLayer)
    /// (the default) or [`RedisLayer`](crate::channels::RedisLayer) for several processes (the
    /// CLI picks it when `REDIS_URL` is set).
    pub fn channel_layer(mut self, layer: impl crate::channels::ChannelLayer) -> Self {
        self.channel_layer = Some(Arc::new(layer));
        self
    }

    /// Limits and timings of the channel socket.
    pub fn channel_settings(mut self, settings: crate::channels::ChannelSettings) -> Self {
        self.channel_settings = settings;
        self
    }

    /// The registered channels (for code generation).
    pub fn channel_definitions(&self) -> &[crate::channels::ChannelDef] {
        &self.channels
    }

    /// Dev mode: the manifest is served to everyone. Off by default; the CLI sets it from
    /// `MIZAN_DEV`.
    pub fn dev(mut self, dev: bool) -> Self {
        self.dev = dev;
        self
    }

    /// Origins besides the server's own that may send calls (e.g. `https://app.example.com`).
    pub fn trusted_origins(mut self, origins: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.trusted_origins.extend(origins.into_iter().map(Into::into));
        self
    }

    /// Reverse proxies (their addresses as the server sees them) whose `X-Forwarded-Proto`,
    /// `X-Forwarded-Host` and `X-Forwarded-For` are believed: the client's scheme (origin
    /// check, `Secure` cookies), host and address (login throttling). Other peers' forwarding
    /// headers are ignored. The CLI reads `MIZAN_TRUSTED_PROXIES`.
    /// Each is an address or a CIDR range: `"10.0.0.1".parse()`, `"10.0.0.0/8".parse()`,
    /// `IpRange::from(address)`.
    pub fn trusted_proxies(mut self, proxies: impl IntoIterator<Item = crate::engine::request::IpRange>) -> Self {
        self.trusted_proxies.extend(proxies);
        self
    }

    /// The migrator whose migrations `migrate` (and the dev server at start) applies: the
    /// framework's tables plus the app's own (see [`db`](crate::db)). Default: the framework's
    /// tables only.
    pub fn migrator<M: sea_orm_migration::MigratorTrait + 'static>(mut self) -> Self {
        self.migrate = crate::db::migrate_with::<M>;
        self
    }

    /// Applies every pending migration to `db`.
    pub async fn migrate(&self, db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
        (self.migrate)(db).await
    }

    /// Where `codegen` writes the TypeScript client (e.g. `frontend/src/mizan.gen.ts`).
    pub fn codegen_output(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.codegen_output = Some(path.into());
        self
    }

    /// How codegen writes types it has a choice about, such as 64-bit integers.
    pub fn codegen_options(mut self, options: crate::codegen::Options) -> Self {
        self.codegen_options = options;
        self
    }

    /// The options set with [`Mizan::codegen_options`].
    pub fn codegen_settings(&self) -> &crate::codegen::Options {
        &self.codegen_options
    }

    /// The path set with [`Mizan::codegen_output`].
    pub fn codegen_path(&self) -> Option<&std::path::Path> {
        self.codegen_output.as_deref()
    }

    /// The registered functions, checked (for code generation without a server).
    pub fn registry(&self) -> Result<Registry, RegistryError> {
        Ok(Registry::new(self.functions.iter().cloned())?.with_channels(self.channels.iter().cloned()))
    }

    /// Checks the functions and loads the frontend.
    pub fn build(self) -> Result<MizanApp, BuildError> {
        let registry = Registry::new(self.functions)?;
        let pages = match self.frontend {
            Some(frontend) => Some(
                Pages::new(&frontend, self.ssr_limits, self.dev, self.page_cache, self.shell, self.title).map_err(
                    |error| match error {
                        PagesError::Frontend(error) => BuildError::Frontend(error),
                        PagesError::Shell(error) => BuildError::Shell(error),
                    },
                )?,
            ),
            None => None,
        };
        let throttle = Arc::new(
            self.throttle
                .unwrap_or_else(|| crate::auth::throttle::Throttle::in_memory(Arc::clone(&self.sessions.clock))),
        );
        let accounts = self.db.clone().map(|db| {
            Arc::new(crate::auth::Accounts {
                sessions: crate::auth::sessions::Sessions::new(db, self.sessions),
                throttle: Arc::clone(&throttle),
                limits: self.account_limits,
                username_policy: self.username_policy,
            })
        });
        let mut definitions = std::collections::HashMap::new();
        for channel in self.channels {
            if definitions.insert(channel.name(), channel.clone()).is_some() {
                return Err(BuildError::DuplicateChannel(channel.name()));
            }
        }
        let channels = (!definitions.is_empty()).then(|| crate::channels::ChannelSet {
            definitions: Arc::new(definitions),
            layer: self.channel_layer.unwrap_or_else(|| Arc::new(crate::channels::InProcessLayer::new())),
            settings: self.channel_settings,
        });
        if let Some(channels) = &channels {
            crate::channels::register_layer(&channels.layer);
        }
        let authenticator: Arc<dyn Authenticator> = match &accounts {
            Some(accounts) if !self.authenticator_set => Arc::new(accounts.sessions.clone()),
            _ => self.authenticator,
        };
        let services = Arc::new(Services {
            db: self.db,
            authenticator,
            channels: channels.as_ref().map(|channels| crate::channels::Channels::new(Arc::clone(&channels.layer))),
            accounts,
            throttle,
        });
        Ok(MizanApp(
            Arc::new(Shared {
                registry,
                services,
                pages,
                prefix: self.prefix,
                limits: Limits { body: self.body_limit, depth: self.max_json_depth, timeout: self.request_timeout },
                dev: self.dev,
                // Normalised once: each request's `Origin` is compared as it is.
                trusted_origins: self.trusted_origins.iter().filter_map(|origin| normalize_origin(origin)).collect(),
                channels,
                shutdown: tokio::sync::watch::Sender::new(false),
                body_timeout: self.body_timeout,
            }),
            TrustedProxies(self.trusted_proxies),
        ))
    }
}

/// Why an app could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The functions are inconsistent (duplicate names, ...).
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The frontend build could not be loaded.
    #[error(transparent)]
    Frontend(#[from] FrontendError),
    /// Two channels share a name.
    #[error("the channel name `{0}` is registered twice")]
    DuplicateChannel(&'static str),
    /// The page shell template does not compile.
    #[error("the page shell template is invalid: {0}")]
    Shell(#[from] minijinja::Error),
}

/// A built app, cheap to clone into every actix worker.
#[derive(Clone)]
pub struct MizanApp(Arc<Shared>, TrustedProxies);

impl MizanApp {
    /// Mounts the API (one scope under the prefix), the static files (`/static/`) and the
    /// pages, which are the app's default service: every GET no other route matches is
    /// rendered, so the app's own routes keep working whatever their order.
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        cfg.app_data(web::Data::from(Arc::clone(&self.0)));
        cfg.app_data(self.1.clone());
        crate::http::router::configure(cfg, &self.0.prefix);
        crate::http::pages::configure(cfg);
    }

    /// The handle that broadcasts to the app's channels from anywhere (background tasks,
    /// timers); `None` when the app has no channels.
    pub fn channels(&self) -> Option<crate::channels::Channels> {
        self.0.services.channels.clone()
    }

    /// Begins a graceful shutdown: channel sockets are closed with code 1001 ("going away", the
    /// client reconnects to another instance) and the health endpoint answers 503, so a load
    /// balancer stops sending traffic. The CLI calls it on SIGTERM/SIGINT before letting
    /// in-flight requests finish.
    pub fn begin_shutdown(&self) {
        self.0.shutdown.send_replace(true);
    }

    /// The registered functions.
    pub fn registry(&self) -> &Registry {
        &self.0.registry
    }
}

impl std::fmt::Debug for MizanApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MizanApp").field("functions", &self.0.registry).finish_non_exhaustive()
    }
}

impl crate::tools::cli::App for Mizan {
    type Built = MizanApp;
    type Error = BuildError;

    fn codegen_path(&self) -> Option<&std::path::Path> {
        Mizan::codegen_path(self)
    }

    fn codegen_settings(&self) -> &crate::codegen::Options {
        Mizan::codegen_settings(self)
    }

    fn registry(&self) -> Result<Registry, RegistryError> {
        Mizan::registry(self)
    }

    fn frontend_source(&self) -> Option<&Frontend> {
        Mizan::frontend_source(self)
    }

    async fn migrate(&self, db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
        Mizan::migrate(self, db).await
    }

    fn configured(self, config: &crate::Config, serving: crate::tools::cli::Serving) -> Self {
        let mut mizan = self
            .database(serving.database)
            .dev(config.dev)
            .request_timeout(config.request_timeout)
            .body_timeout(config.body_timeout)
            .trusted_origins(config.trusted_origins.clone())
            .trusted_proxies(config.trusted_proxies.clone());
        if let Some(key) = config.secret_key.clone() {
            mizan = mizan.secret_key(key);
        }
        if let Some(layer) = serving.channel_layer {
            mizan = mizan.channel_layer(layer);
        }
        if let Some(throttle) = serving.throttle {
            mizan = mizan.throttle(throttle);
        }
        mizan
    }

    fn build(self) -> Result<MizanApp, BuildError> {
        Mizan::build(self)
    }
}

impl crate::tools::cli::Served for MizanApp {
    fn configure(&self, cfg: &mut web::ServiceConfig) {
        MizanApp::configure(self, cfg);
    }

    fn begin_shutdown(&self) {
        MizanApp::begin_shutdown(self);
    }
}
