//! Dev mode's frontend builds: the first build when there is none yet, then the frontend's own
//! `watch` script running next to the server, so edits are rebuilt and the next request uses
//! them (the page renderer reloads a build that changed on disk).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::pages::Frontend;

/// The frontend's sources: the directory above the build directory, when it holds a
/// `package.json` with a `watch` script (as a scaffolded app's `frontend/` does).
pub(crate) fn frontend_sources(frontend: &Frontend) -> Option<PathBuf> {
    if frontend.is_embedded() {
        return None;
    }
    let dir = frontend.dist().parent()?;
    let package = std::fs::read(dir.join("package.json")).ok()?;
    let package: serde_json::Value = serde_json::from_slice(&package).ok()?;
    package.pointer("/scripts/watch").is_some().then(|| dir.to_owned())
}

/// A `watch` process; stopped when dropped. It also stops on its own when the server dies
/// however it dies: its standard input is a pipe from the server, and the watch script exits
/// when that pipe closes.
#[derive(Debug)]
pub(crate) struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Prepares the frontend in `dir` for a dev server: installs its npm packages when no
/// `node_modules` is in reach, builds it once when `dist` has no build, and starts its `watch`
/// script. The build tool's own output (and its errors) goes to the terminal.
pub(crate) fn start(dir: &Path, dist: &Path) -> anyhow::Result<Watcher> {
    if !dir.ancestors().any(|ancestor| ancestor.join("node_modules").is_dir()) {
        tracing::info!(dir = %dir.display(), "installing the frontend's npm packages (npm install)");
        run(dir, &["install", "--no-audit", "--no-fund"])?;
    }
    if !dist.join("manifest.json").is_file() {
        tracing::info!(dir = %dir.display(), "building the frontend (npm run build)");
        run(dir, &["run", "--silent", "build"])?;
    }
    let child = npm(dir)
        .args(["run", "--silent", "watch"])
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|error| anyhow::anyhow!("cannot start `npm run watch` in {}: {error}", dir.display()))?;
    tracing::info!(dir = %dir.display(), "watching the frontend: edits are rebuilt and served without a restart");
    Ok(Watcher(child))
}

fn npm(dir: &Path) -> Command {
    let mut command = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    command.current_dir(dir);
    command
}

fn run(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let status = npm(dir).args(args).stdin(Stdio::null()).status().map_err(|error| {
        anyhow::anyhow!("cannot run `npm {}` in {} ({error}); is Node.js installed?", args.join(" "), dir.display())
    })?;
    if !status.success() {
        anyhow::bail!("`npm {}` in {} failed ({status}); see its output above", args.join(" "), dir.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_the_build_directorys_parent_with_a_watch_script() {
        let root = std::env::temp_dir().join(format!("mizan-dev-test-{}", std::process::id()));
        let dist = root.join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        assert_eq!(frontend_sources(&Frontend::from_dist(&dist)), None, "no package.json");
        std::fs::write(root.join("package.json"), r#"{"scripts": {"build": "node build.mjs"}}"#).unwrap();
        assert_eq!(frontend_sources(&Frontend::from_dist(&dist)), None, "no watch script");
        std::fs::write(root.join("package.json"), r#"{"scripts": {"watch": "node build.mjs --watch"}}"#).unwrap();
        assert_eq!(frontend_sources(&Frontend::from_dist(&dist)), Some(root.clone()));
        assert_eq!(frontend_sources(&Frontend::embedded(&dist, &[])), None, "an embedded build never changes");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
