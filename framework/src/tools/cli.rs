//! The app's command line: `serve` (default), `migrate`, `createsuperuser` and
//! `codegen [--check]`.
//!
//! An app's `main` is one line:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     mizan::cli::main(|| mizan::Mizan::new())
//! }
//! ```

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use std::io::IsTerminal;

use crate::engine::auth::throttle::Throttle;
use crate::engine::auth::users::{create_user, NewUser};
use crate::engine::channels::RedisLayer;
use crate::engine::registry::{Registry, RegistryError};
use crate::http::pages::Frontend;
use crate::tools::codegen::{self, SyncOutcome};
use crate::tools::config::Config;

/// What the command line needs of an app. [`Mizan`](crate::Mizan) implements it: the CLI
/// knows apps only through this trait.
#[allow(async_fn_in_trait)] // The CLI awaits it on its own single-threaded runtime.
pub trait App: Sized + 'static {
    /// The app once built, cloned into every worker.
    type Built: Served;
    /// Why building failed.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Where `codegen` writes the TypeScript client, if anywhere.
    fn codegen_path(&self) -> Option<&std::path::Path>;
    /// How codegen writes types it has a choice about.
    fn codegen_settings(&self) -> &codegen::Options;
    /// The registered functions and channels, checked.
    fn registry(&self) -> Result<Registry, RegistryError>;
    /// The frontend whose sources the dev server watches.
    fn frontend_source(&self) -> Option<&Frontend>;
    /// Applies every pending migration to `db`.
    async fn migrate(&self, db: &sea_orm::DatabaseConnection) -> Result<(), sea_orm::DbErr>;
    /// The app with what the environment configures: the database, the settings of `config`,
    /// and with `REDIS_URL` the Redis channel layer and rate-limit store.
    fn configured(self, config: &Config, serving: Serving) -> Self;
    /// Checks and assembles the app.
    fn build(self) -> Result<Self::Built, Self::Error>;
}

/// An app being served: what the server does with it.
pub trait Served: Clone + Send + 'static {
    /// Mounts the app on an actix-web `App`.
    fn configure(&self, cfg: &mut actix_web::web::ServiceConfig);
    /// Begins a graceful shutdown.
    fn begin_shutdown(&self);
}

/// What `serve` opened for an app, beside its [`Config`].
#[non_exhaustive]
pub struct Serving {
    /// The connected database.
    pub database: sea_orm::DatabaseConnection,
    /// The Redis channel layer, with `REDIS_URL`.
    pub channel_layer: Option<RedisLayer>,
    /// The Redis rate-limit store, with `REDIS_URL`.
    pub throttle: Option<Throttle>,
}

#[derive(Debug, Parser)]
#[command(about = "A Mizan app: serves the API and the server-rendered pages", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default). Configured by MIZAN_ADDR, DATABASE_URL, MIZAN_DEV,
    /// MIZAN_SECRET_KEY (required unless MIZAN_DEV=1), REDIS_URL, MIZAN_REDIS_PREFIX, MIZAN_TRUSTED_ORIGINS,
    /// MIZAN_TRUSTED_PROXIES, MIZAN_REQUEST_TIMEOUT, MIZAN_MIGRATE, MIZAN_FRONTEND_WATCH and
    /// MIZAN_LOG.
    Serve,
    /// Create a superuser (staff, all permissions). Values not given are asked for on the
    /// terminal, or read line by line from standard input when it is not a terminal. The
    /// password comes from MIZAN_SUPERUSER_PASSWORD or the prompt, never from a flag.
    Createsuperuser {
        /// Login name.
        #[arg(long, env = "MIZAN_SUPERUSER_USERNAME")]
        username: Option<String>,
        /// Email address.
        #[arg(long, env = "MIZAN_SUPERUSER_EMAIL")]
        email: Option<String>,
        /// Fail instead of asking for missing values.
        #[arg(long)]
        no_input: bool,
    },
    /// Apply pending database migrations (the framework's tables and the app's) to DATABASE_URL.
    Migrate,
    /// Generate the TypeScript client from the registered server functions.
    Codegen {
        /// Do not write: fail if the generated file on disk is stale, or if a function, form or
        /// `#[mizan::channel]` the binary defines is not registered.
        #[arg(long)]
        check: bool,
    },
}

/// Runs the command line of an app assembled by `app`.
pub fn main<A: App>(app: impl Fn() -> A + Send + Clone + 'static) -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(app),
        Command::Codegen { check } => run_codegen(&app(), check).map(|_| ()),
        Command::Migrate => migrate(app),
        Command::Createsuperuser { username, email, no_input } => create_superuser(app, username, email, no_input),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Generates (or with `check`, verifies) the app's TypeScript client. With `check`, it also
/// fails when the binary defines functions, forms or `#[mizan::channel]` channels the app does
/// not register ([`codegen::check_listed`]); without, it warns about them.
pub fn run_codegen(app: &impl App, check: bool) -> anyhow::Result<SyncOutcome> {
    let Some(path) = app.codegen_path() else {
        anyhow::bail!("this app has no codegen output; set one with `Mizan::codegen_output(path)`");
    };
    let registry = app.registry()?;
    // Definitions left out of `fns!`/`forms!`/`channels!`: a failed check, a warning otherwise.
    match codegen::check_listed(&registry) {
        Err(error) if check => return Err(error.into()),
        Err(error) => tracing::warn!("{error}"),
        Ok(()) => {}
    }
    let outcome = codegen::sync_files(&registry, app.codegen_settings(), path, check)?;
    match (check, outcome) {
        (true, _) => tracing::info!(path = %path.display(), "generated client is up to date"),
        (false, SyncOutcome::Written) => tracing::info!(path = %path.display(), "wrote the generated client"),
        (false, SyncOutcome::UpToDate) => tracing::debug!(path = %path.display(), "generated client unchanged"),
    }
    Ok(outcome)
}

fn migrate<A: App>(app: impl Fn() -> A) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    actix_web::rt::System::new().block_on(async move {
        let db = connect(&config.database_url).await?;
        let database = crate::redact_url(&config.database_url);
        app().migrate(&db).await.map_err(|error| {
            let error = crate::core::redact::scrub(&error.to_string(), &config.database_url);
            anyhow::anyhow!("migrating {database} failed: {error}")
        })?;
        tracing::info!(%database, "migrations applied");
        Ok(())
    })
}

fn create_superuser<A: App>(
    app: impl Fn() -> A,
    username: Option<String>,
    email: Option<String>,
    no_input: bool,
) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let mut input = Prompter { no_input, stdin: std::io::stdin().lines() };
    let username = match username {
        Some(username) => username,
        None => input.ask("Username")?,
    };
    let email = match email {
        Some(email) => email,
        None => input.ask("Email")?,
    };
    let password = match std::env::var("MIZAN_SUPERUSER_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let password = input.secret("Password")?;
            if input.secret("Password (again)")? != password {
                anyhow::bail!("the passwords do not match");
            }
            password
        }
    };
    actix_web::rt::System::new().block_on(async move {
        let db = connect(&config.database_url).await?;
        app().migrate(&db).await.map_err(|error| migration_failed(error, &config.database_url))?;
        let new =
            NewUser { username: &username, email: &email, password: &password, is_staff: true, is_superuser: true };
        let user = create_user(&db, new).await?;
        println!("created superuser `{}` (id {})", user.username, user.id);
        Ok(())
    })
}

/// Asks for values on the terminal, or reads them from piped standard input.
struct Prompter {
    no_input: bool,
    stdin: std::io::Lines<std::io::StdinLock<'static>>,
}

impl Prompter {
    fn ask(&mut self, what: &str) -> anyhow::Result<String> {
        if self.no_input {
            anyhow::bail!("{what} is missing; pass it as a flag or environment variable (see --help)");
        }
        if std::io::stdin().is_terminal() {
            eprint!("{what}: ");
        }
        match self.stdin.next() {
            Some(line) => Ok(line?.trim().to_owned()),
            None => anyhow::bail!("{what} is missing and standard input has ended"),
        }
    }

    fn secret(&mut self, what: &str) -> anyhow::Result<String> {
        if self.no_input {
            anyhow::bail!("the password is missing; set MIZAN_SUPERUSER_PASSWORD");
        }
        if std::io::stdin().is_terminal() {
            return Ok(rpassword::prompt_password(format!("{what}: "))?);
        }
        match self.stdin.next() {
            Some(line) => Ok(line?.trim_end_matches(['\r', '\n']).to_owned()),
            None => anyhow::bail!("the password is missing and standard input has ended"),
        }
    }
}

/// Opens the database at `url`; the error names it without its password.
async fn connect(url: &str) -> anyhow::Result<sea_orm::DatabaseConnection> {
    crate::db::connect(url).await.map_err(|error| {
        let error = crate::core::redact::scrub(&error.to_string(), url);
        anyhow::anyhow!("cannot open the database {}: {error}", crate::redact_url(url))
    })
}

/// The error of a failed migration of the database at `url`, without its password.
fn migration_failed(error: sea_orm::DbErr, url: &str) -> anyhow::Error {
    anyhow::anyhow!("migrating the database failed: {}", crate::core::redact::scrub(&error.to_string(), url))
}

/// The channel layer for the Redis server at `url`; the error and the log name it without its
/// password.
fn redis_layer(url: &str, prefix: &str) -> anyhow::Result<RedisLayer> {
    let redis = crate::redact_url(url);
    let layer = RedisLayer::connect_with_prefix(url, prefix).map_err(|error| {
        let error = crate::core::redact::scrub(&error.to_string(), url);
        anyhow::anyhow!("invalid REDIS_URL {redis}: {error}")
    })?;
    tracing::info!(%redis, prefix, "channels use the Redis layer");
    Ok(layer)
}

fn serve<A: App>(app: impl Fn() -> A) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    if !config.dev && config.secret_key.is_none() {
        anyhow::bail!(
            "MIZAN_SECRET_KEY is not set. A production server (MIZAN_DEV=0, the default of release builds) \
             needs a secret key: at least {} random bytes, the same on every restart and replica. \
             Make one with `{}` and set it in the server's environment.",
            crate::MIN_SECRET_KEY_LEN,
            crate::core::secret::MAKE_KEY
        );
    }
    actix_web::rt::System::new().block_on(async move {
        let mizan = app();
        if config.dev && mizan.codegen_path().is_some() {
            run_codegen(&mizan, false)?;
        }
        // Dev mode: build the frontend if needed and keep rebuilding it on edits.
        let sources = match mizan.frontend_source() {
            Some(frontend) if config.dev && config.frontend_watch => {
                crate::tools::dev::frontend_sources(frontend).map(|dir| (dir, frontend.dist()))
            }
            _ => None,
        };
        let _watcher = sources.map(|(dir, dist)| crate::tools::dev::start(&dir, dist)).transpose()?;
        let db = connect(&config.database_url).await?;
        if config.migrate_on_start {
            mizan.migrate(&db).await.map_err(|error| migration_failed(error, &config.database_url))?;
        }
        let (mut channel_layer, mut throttle) = (None, None);
        if let Some(url) = &config.redis_url {
            let prefix = config.redis_prefix.clone().unwrap_or_else(RedisLayer::default_prefix);
            channel_layer = Some(redis_layer(url, &prefix)?);
            // Rate limits (login, sign-up, `Ctx::rate_limit`) count across every replica.
            throttle = Some(Throttle::redis(url, &prefix).map_err(|error| {
                let error = crate::core::redact::scrub(&error.to_string(), url);
                anyhow::anyhow!("invalid REDIS_URL {}: {error}", crate::redact_url(url))
            })?);
        }
        let mizan = mizan.configured(&config, Serving { database: db, channel_layer, throttle });
        let app = mizan.build()?;
        tracing::info!(addr = %config.addr, dev = config.dev, "Mizan is serving on http://{}", config.addr);
        let factory_app = app.clone();
        let server = actix_web::HttpServer::new(move || {
            let app = factory_app.clone();
            actix_web::App::new().configure(move |cfg| app.configure(cfg))
        })
        .bind(config.addr)
        .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", config.addr))?
        .disable_signals()
        .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS)
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(async move {
            let signal = stop_signal().await;
            tracing::info!(signal, "shutting down: closing channel sockets, finishing requests in flight");
            app.begin_shutdown();
            handle.stop(true).await;
        });
        server.await?;
        tracing::info!("stopped");
        Ok(())
    })
}

/// How long in-flight requests may take to finish after SIGTERM before they are dropped.
const SHUTDOWN_TIMEOUT_SECS: u64 = 30;

/// Waits for SIGTERM (what orchestrators send) or SIGINT (Ctrl-C); returns its name.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
            (Ok(mut terminate), Ok(mut interrupt)) => tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
            },
            _ => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// Logs to standard output, filtered by `MIZAN_LOG`; `MIZAN_LOG_FORMAT=json` writes one JSON
/// object per line (timestamp, level, message, fields, and the request span with its id) for
/// log collectors.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MIZAN_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = match std::env::var("MIZAN_LOG_FORMAT").as_deref() {
        Ok("json") => builder.json().with_current_span(true).with_span_list(false).try_init(),
        Ok("text") | Err(_) => builder.try_init(),
        Ok(other) => {
            let _ = builder.try_init();
            tracing::warn!(value = other, "unknown MIZAN_LOG_FORMAT (expected `text` or `json`); logging as text");
            Ok(())
        }
    };
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Log output captured in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())).into_owned()
        }
    }

    #[actix_web::test]
    async fn database_errors_name_the_url_without_its_password() {
        for url in [
            "postgres://u:s3cretpw@localhost/db?host=/nonexistent/mizan-test",
            "mysql://u:s3cretpw@127.0.0.1:1/db",
            "postgres://:s3cretpw@[x",
        ] {
            let error = connect(url).await.expect_err(url).to_string();
            assert!(!error.contains("s3cretpw"), "{error}");
            assert!(error.contains(":***@"), "the URL is named, redacted: {error}");
        }
        let error = migration_failed(
            sea_orm::DbErr::Custom("cannot reach postgres://u:s3cretpw@h/db".into()),
            "postgres://u:s3cretpw@h/db",
        );
        assert!(!error.to_string().contains("s3cretpw"), "{error}");
    }

    #[test]
    fn the_redis_layer_is_logged_and_refused_without_the_password() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        tracing::subscriber::with_default(subscriber, || {
            redis_layer("redis://:s3cretpw@127.0.0.1:1", "test:").expect("a well-formed URL");
            let error = redis_layer("redis://:s3cretpw@127.0.0.1:notaport", "test:")
                .err()
                .expect("a malformed URL")
                .to_string();
            assert!(!error.contains("s3cretpw") && error.contains("redis://:***@127.0.0.1:notaport"), "{error}");
        });
        let log = captured.text();
        assert!(log.contains("redis://:***@127.0.0.1:1"), "{log}");
        assert!(!log.contains("s3cretpw"), "{log}");
    }

    /// Set for the child process of the test below.
    const CHILD: &str = "MIZAN_TEST_REDIS_LOG_CHILD";

    /// The child: the command line's logging, and a Redis layer whose server is unreachable.
    #[test]
    fn redis_log_child() {
        let Some(url) = std::env::var_os(CHILD) else { return };
        init_tracing();
        let _layer = redis_layer(&url.to_string_lossy(), "test:").expect("a well-formed URL");
        // The layer's own thread reports the unreachable server right away.
        std::thread::sleep(std::time::Duration::from_millis(1500));
    }

    #[test]
    fn the_redis_layers_thread_logs_the_server_without_its_password() {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "tools::cli::tests::redis_log_child", "--nocapture", "--test-threads=1"])
            .env(CHILD, "redis://:s3cretpw@127.0.0.1:1/0")
            .env("MIZAN_LOG", "info")
            .env_remove("MIZAN_LOG_FORMAT")
            .output()
            .unwrap();
        let log = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "{log}");
        assert!(log.contains("cannot reach Redis") && log.contains("redis://:***@127.0.0.1:1/0"), "{log}");
        assert!(!log.contains("s3cretpw"), "{log}");
    }
}
