//! `mizan`: creates apps (`mizan new`) and runs an app's own commands (`codegen`, `migrate`,
//! `createsuperuser`, `serve`) from anywhere inside it.
//!
//! The app's commands live in the app's binary, which knows its functions, contexts and
//! migrations; `mizan <command>` finds the app around the current directory and runs
//! `cargo run --quiet -- <command>` there.

mod scaffold;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "mizan",
    version,
    about = "Create Mizan apps and run their commands",
    after_help = "Start with `mizan new myapp && cd myapp && cargo run`."
)]
struct Cli {
    #[command(subcommand)]
    command: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Create a new app in DIR (which must not exist or be empty) from the example app: a Rust
    /// crate, its React frontend, a Makefile and a README, ready for `cargo run`.
    New {
        /// Where to create the app.
        dir: PathBuf,
        /// The crate's name (default: DIR's last component).
        #[arg(long)]
        name: Option<String>,
        /// Depend on the framework checkout at this path (the framework's repository root).
        /// Default: the checkout this `mizan` was built from, while it exists.
        #[arg(long, conflicts_with = "mizan_version")]
        mizan_path: Option<PathBuf>,
        /// Depend on this released version of the `mizan` crate and `@mizan/react` instead.
        #[arg(long)]
        mizan_version: Option<String>,
    },
    /// Generate the app's TypeScript client (`cargo run -- codegen`).
    Codegen {
        /// Do not write: fail if the generated file on disk is stale (for CI).
        #[arg(long)]
        check: bool,
    },
    /// Apply pending database migrations to DATABASE_URL (`cargo run -- migrate`).
    Migrate,
    /// Create a superuser (`cargo run -- createsuperuser`); options are passed on (see
    /// `cargo run -- createsuperuser --help`).
    #[command(disable_help_flag = true)]
    Createsuperuser {
        /// Options for the app's `createsuperuser`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Run the app's server (`cargo run`).
    Serve,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Action::New { dir, name, mizan_path, mizan_version } => {
            let source = match (mizan_path, mizan_version) {
                (_, Some(version)) => Ok(scaffold::Source::Version(version)),
                (Some(path), None) => scaffold::Source::path(&path),
                (None, None) => scaffold::Source::default_for(Path::new(scaffold::FRAMEWORK_ROOT)),
            };
            source.and_then(|source| scaffold::create(&dir, name.as_deref(), &source)).map(|name| {
                println!("Created the Mizan app `{name}` in {}.", dir.display());
                println!();
                println!("Next:");
                println!("  cd {}", dir.display());
                println!("  cargo run          # dev server on http://127.0.0.1:8000");
                println!("  make build         # one release binary: target/release/{name}");
            })
        }
        Action::Codegen { check } => {
            app_command(&if check { vec!["codegen".into(), "--check".into()] } else { vec!["codegen".into()] })
        }
        Action::Migrate => app_command(&["migrate".into()]),
        Action::Createsuperuser { args } => {
            app_command(&std::iter::once("createsuperuser".to_owned()).chain(args).collect::<Vec<_>>())
        }
        Action::Serve => app_command(&["serve".into()]),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `cargo run --quiet -- <args>` in the app around the current directory.
fn app_command(args: &[String]) -> anyhow::Result<()> {
    let cwd = std::env::current_dir()?;
    let Some(app) = find_app(&cwd) else {
        anyhow::bail!(
            "no Mizan app here: no Cargo.toml depending on `mizan` in {} or above it (create one with `mizan new <dir>`)",
            cwd.display()
        );
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--"])
        .args(args)
        .current_dir(&app)
        .status()
        .map_err(|error| anyhow::anyhow!("cannot run cargo: {error}"))?;
    if !status.success() {
        anyhow::bail!("`cargo run -- {}` in {} failed ({status})", args.join(" "), app.display());
    }
    Ok(())
}

/// The nearest directory from `start` upwards whose `Cargo.toml` has a `mizan` dependency.
fn find_app(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let depends = manifest.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with("mizan =") || line.starts_with("mizan.") || line.starts_with("mizan=")
        });
        depends.then(|| dir.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_is_the_nearest_crate_depending_on_mizan() {
        let root = std::env::temp_dir().join(format!("mizan-find-app-{}", std::process::id()));
        std::fs::create_dir_all(root.join("app/src/deep")).unwrap();
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"other\"\n").unwrap();
        assert_eq!(find_app(&root.join("app/src/deep")), None, "a crate without mizan is not an app");
        std::fs::write(root.join("app/Cargo.toml"), "[dependencies]\nmizan = { version = \"0.1\" }\n").unwrap();
        assert_eq!(find_app(&root.join("app/src/deep")), Some(root.join("app")));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn every_command_has_help() {
        use clap::CommandFactory;
        let mut cli = Cli::command();
        cli.build();
        for command in cli.get_subcommands() {
            assert!(command.get_about().is_some(), "`mizan {}` has no help", command.get_name());
        }
        Cli::command().debug_assert();
    }
}
