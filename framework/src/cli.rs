//! The app's command line: `serve` (default), `migrate` and `codegen [--check]`.
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

use crate::codegen::{self, SyncOutcome};
use crate::{Config, Mizan};

#[derive(Debug, Parser)]
#[command(about = "A Mizan app: serves the API and the server-rendered pages", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default). Configured by MIZAN_ADDR, DATABASE_URL, MIZAN_DEV,
    /// MIZAN_TRUSTED_ORIGINS and MIZAN_LOG.
    Serve,
    /// Apply pending database migrations (the framework's tables and the app's) to DATABASE_URL.
    Migrate,
    /// Generate the TypeScript client from the registered server functions.
    Codegen {
        /// Do not write: fail if the generated file on disk is stale.
        #[arg(long)]
        check: bool,
    },
}

/// Runs the command line of an app assembled by `app`.
pub fn main(app: impl Fn() -> Mizan + Send + Clone + 'static) -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(app),
        Command::Codegen { check } => run_codegen(&app(), check).map(|_| ()),
        Command::Migrate => migrate(app),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Generates (or with `check`, verifies) the app's TypeScript client.
pub fn run_codegen(app: &Mizan, check: bool) -> anyhow::Result<SyncOutcome> {
    let Some(path) = app.codegen_path() else {
        anyhow::bail!("this app has no codegen output; set one with `Mizan::codegen_output(path)`");
    };
    let source = codegen::generate(&app.registry()?)?;
    let outcome = codegen::sync(path, &source, check)?;
    match (check, outcome) {
        (true, _) => tracing::info!(path = %path.display(), "generated client is up to date"),
        (false, SyncOutcome::Written) => tracing::info!(path = %path.display(), "wrote the generated client"),
        (false, SyncOutcome::UpToDate) => tracing::debug!(path = %path.display(), "generated client unchanged"),
    }
    Ok(outcome)
}

fn migrate(app: impl Fn() -> Mizan) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    actix_web::rt::System::new().block_on(async move {
        let db = connect(&config.database_url).await?;
        app()
            .migrate(&db)
            .await
            .map_err(|error| anyhow::anyhow!("migrating {} failed: {error}", config.database_url))?;
        tracing::info!(database = %config.database_url, "migrations applied");
        Ok(())
    })
}

async fn connect(url: &str) -> anyhow::Result<sea_orm::DatabaseConnection> {
    sea_orm::Database::connect(url).await.map_err(|error| anyhow::anyhow!("cannot open the database {url}: {error}"))
}

fn serve(app: impl Fn() -> Mizan) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    actix_web::rt::System::new().block_on(async move {
        let mizan = app();
        if config.dev && mizan.codegen_path().is_some() {
            run_codegen(&mizan, false)?;
        }
        let db = connect(&config.database_url).await?;
        if config.dev {
            mizan.migrate(&db).await.map_err(|error| anyhow::anyhow!("migrating the database failed: {error}"))?;
        }
        let app = mizan.database(db).dev(config.dev).trusted_origins(config.trusted_origins.clone()).build()?;
        tracing::info!(addr = %config.addr, dev = config.dev, "Mizan is serving on http://{}", config.addr);
        actix_web::HttpServer::new(move || {
            let app = app.clone();
            actix_web::App::new().configure(move |cfg| app.configure(cfg))
        })
        .bind(config.addr)
        .map_err(|error| anyhow::anyhow!("cannot listen on {}: {error}", config.addr))?
        .run()
        .await?;
        Ok(())
    })
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("MIZAN_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
