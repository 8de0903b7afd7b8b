//! `mizan new`: a new app from the example app, compiled into this binary.
//!
//! The example app is a member of the framework's Cargo workspace and npm workspace; a new app
//! stands alone. Its `Cargo.toml` gets the workspace's shared settings written out (versions,
//! dependency specifications, lints, build profiles), its `package.json` depends on
//! `@mizan/react` by path or version, and every name of the example app becomes the new app's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The framework repository this binary was built from.
pub(crate) const FRAMEWORK_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The example app's files, minus build outputs and local databases.
const TEMPLATE: &[(&str, &[u8])] = mizan_macros::embed_dir!(
    "../example-app",
    ["target", "node_modules", "frontend/dist", "mizan.db", "mizan.db-shm", "mizan.db-wal"]
);
/// The workspace manifest: shared package fields, dependency specifications, lints, profiles.
const WORKSPACE_MANIFEST: &str = include_str!("../../../../Cargo.toml");
/// The workspace's lockfile: a new app starts from the versions the framework is tested with.
const LOCKFILE: &str = include_str!("../../../../Cargo.lock");
const RUSTFMT: &str = include_str!("../../../../rustfmt.toml");
/// CMake settings for building the JavaScript engine without network access.
const OFFLINE_CMAKE: &str = include_str!("../../../../build/offline.cmake");

const GITIGNORE: &str = "/target\nnode_modules/\ndist/\n*.db\n*.db-shm\n*.db-wal\n";
/// npm installs `file:` dependencies as packed copies, not symlinks: one React in the bundle.
const NPMRC: &str = "install-links=true\n";
const CARGO_CONFIG: &str = "\
[env]
# The JavaScript engine's build asks CMake to download `simde`; this toolchain file points it at
# Debian's `libsimde-dev` (`apt install libsimde-dev`) so builds also work offline.
CMAKE_TOOLCHAIN_FILE = { value = \".cargo/offline.cmake\", relative = true }
";

/// Where a new app gets the framework from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A checkout of the framework's repository (its root).
    Path(PathBuf),
    /// Released packages of this version.
    Version(String),
}

impl Source {
    /// The checkout at `root`, which must hold the framework crate and the npm package.
    pub(crate) fn path(root: &Path) -> anyhow::Result<Self> {
        let root = root
            .canonicalize()
            .map_err(|error| anyhow::anyhow!("cannot use the framework at {}: {error}", root.display()))?;
        if !root.join("framework/Cargo.toml").is_file() || !root.join("js/package.json").is_file() {
            anyhow::bail!("{} is not a Mizan checkout (no framework/Cargo.toml and js/package.json)", root.display());
        }
        Ok(Self::Path(root))
    }

    /// The checkout at `root` while it exists, otherwise the released version of this binary.
    pub(crate) fn default_for(root: &Path) -> anyhow::Result<Self> {
        match root.join("framework/Cargo.toml").is_file() {
            true => Self::path(root),
            false => Ok(Self::Version(env!("CARGO_PKG_VERSION").to_owned())),
        }
    }

    fn cargo_dependency(&self) -> String {
        match self {
            Self::Path(root) => {
                format!(
                    "{{ path = {}, default-features = false }}",
                    toml_string(&root.join("framework").to_string_lossy())
                )
            }
            Self::Version(version) => format!("{{ version = \"{version}\", default-features = false }}"),
        }
    }

    fn npm_dependency(&self) -> String {
        match self {
            Self::Path(root) => format!("file:{}", root.join("js").display()),
            Self::Version(version) => format!("^{version}"),
        }
    }
}

/// Creates the app in `dir`; returns its name.
pub(crate) fn create(dir: &Path, name: Option<&str>, source: &Source) -> anyhow::Result<String> {
    let name = match name {
        Some(name) => name.to_owned(),
        None => dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .ok_or_else(|| anyhow::anyhow!("cannot take a crate name from {}; pass --name", dir.display()))?,
    };
    check_name(&name)?;
    if dir.exists() && std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(true) {
        anyhow::bail!("{} already exists and is not empty", dir.display());
    }
    let files = render(&name, source)?;
    // Written beside the target and moved into place at the end: a failure leaves nothing.
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|error| anyhow::anyhow!("cannot create {}: {error}", parent.display()))?;
    let staging = staging_dir(&parent, &name)
        .map_err(|error| anyhow::anyhow!("cannot create a directory in {}: {error}", parent.display()))?;
    let written = write_all(&staging, &files).and_then(|mode| {
        if let Some(mode) = mode {
            std::fs::set_permissions(&staging, mode)?;
        }
        if dir.exists() {
            std::fs::remove_dir(dir)?;
        }
        std::fs::rename(&staging, dir)
    });
    if let Err(error) = written {
        // `remove_dir_all` does not follow symlinks: it removes only what is inside `staging`.
        let _ = std::fs::remove_dir_all(&staging);
        anyhow::bail!("cannot write the app to {}: {error}", dir.display());
    }
    Ok(name)
}

/// Attempts at a fresh staging directory before giving up (each name is random).
const STAGING_ATTEMPTS: usize = 16;

/// A new, empty directory `parent/.{name}.mizan-new-{random}` that only this user can enter.
///
/// The name is unpredictable and the directory is made with `create_dir`, which fails when
/// anything, a symlink included, already has that name: nothing another user planted is ever
/// written through or reused.
fn staging_dir(parent: &Path, name: &str) -> std::io::Result<PathBuf> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let mut last = None;
    for _ in 0..STAGING_ATTEMPTS {
        let staging = parent.join(format!(".{name}.mizan-new-{}", uuid::Uuid::new_v4().simple()));
        match builder.create(&staging) {
            Ok(()) => return Ok(staging),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => last = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no staging directory name was free")))
}

/// Writes `files` into the fresh directory `root`: every directory is made with `create_dir`
/// and every file with `create_new`, so an entry that is already there (a symlink planted
/// while the app was being written) is an error, never followed. Returns the permissions a
/// directory gets by default (from the umask), for `root` to take before it is moved into
/// place.
fn write_all(root: &Path, files: &BTreeMap<String, Vec<u8>>) -> std::io::Result<Option<std::fs::Permissions>> {
    use std::io::Write as _;
    use std::path::Component;

    let mut made = std::collections::BTreeSet::new();
    let mut mode = None;
    for (name, contents) in files {
        let relative = Path::new(name);
        if name.is_empty() || !relative.components().all(|part| matches!(part, Component::Normal(_))) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("the template's path {name:?} is not relative"),
            ));
        }
        let mut directory = root.to_owned();
        if let Some(parent) = relative.parent() {
            for part in parent.components() {
                directory.push(part);
                if made.insert(directory.clone()) {
                    std::fs::create_dir(&directory)?;
                    if mode.is_none() {
                        mode = Some(std::fs::symlink_metadata(&directory)?.permissions());
                    }
                }
            }
        }
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(root.join(relative))?;
        file.write_all(contents)?;
    }
    Ok(mode)
}

/// A crate name cargo accepts that does not clash with the framework's own crates.
fn check_name(name: &str) -> anyhow::Result<()> {
    let valid = name.chars().next().is_some_and(|first| first.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        anyhow::bail!(
            "`{name}` is not a valid crate name: use letters, digits, `-` and `_`, starting with a letter (or pass --name)"
        );
    }
    const TAKEN: &[&str] = &["mizan", "mizan-macros", "mizan-ssr", "mizan_macros", "mizan_ssr", "test", "std", "core"];
    if TAKEN.contains(&name) {
        anyhow::bail!("`{name}` is taken by a crate the app depends on or by Rust itself; choose another name");
    }
    Ok(())
}

/// Every file of the new app `name`, by path.
pub(crate) fn render(name: &str, source: &Source) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let workspace = Workspace::parse(WORKSPACE_MANIFEST);
    let mut files = BTreeMap::new();
    for (path, bytes) in TEMPLATE {
        let contents = match *path {
            "Cargo.toml" => cargo_manifest(&text(path, bytes)?, &workspace, name, source)?.into_bytes(),
            "frontend/package.json" => package_json(&text(path, bytes)?, name, source)?.into_bytes(),
            _ => match std::str::from_utf8(bytes) {
                Ok(text) => rename(text, name).into_bytes(),
                Err(_) => bytes.to_vec(),
            },
        };
        files.insert((*path).to_owned(), contents);
    }
    files.insert("Cargo.lock".into(), lockfile(name).into_bytes());
    files.insert("rustfmt.toml".into(), RUSTFMT.as_bytes().to_vec());
    files.insert(".gitignore".into(), GITIGNORE.as_bytes().to_vec());
    files.insert(".cargo/config.toml".into(), CARGO_CONFIG.as_bytes().to_vec());
    files.insert(".cargo/offline.cmake".into(), OFFLINE_CMAKE.as_bytes().to_vec());
    files.insert("frontend/.npmrc".into(), NPMRC.as_bytes().to_vec());
    Ok(files)
}

fn text<'a>(path: &str, bytes: &'a [u8]) -> anyhow::Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|_| anyhow::anyhow!("the template's {path} is not UTF-8"))
}

/// The example app's names replaced by the new app's.
fn rename(text: &str, name: &str) -> String {
    text.replace("example_app", &name.replace('-', "_"))
        .replace("example-app", name)
        .replace("mizan-example-frontend", &format!("{name}-frontend"))
        .replace("Mizan example", name)
}

/// The workspace's lockfile with the example app's entry renamed.
fn lockfile(name: &str) -> String {
    LOCKFILE.replace("name = \"example-app\"", &format!("name = {}", toml_string(name)))
}

/// `frontend/package.json` of the new app.
fn package_json(template: &str, name: &str, source: &Source) -> anyhow::Result<String> {
    const DEPENDENCY: &str = "\"@mizan/react\": \"*\"";
    if !template.contains(DEPENDENCY) {
        anyhow::bail!("the template's frontend/package.json has no {DEPENDENCY} to point at the framework");
    }
    let dependency = format!("\"@mizan/react\": {}", serde_json::Value::from(source.npm_dependency()));
    Ok(rename(&template.replace(DEPENDENCY, &dependency), name))
}

/// The sections of a TOML document: `(header, lines)`, the lines before any header under "".
fn sections(text: &str) -> Vec<(String, Vec<String>)> {
    let mut sections = vec![(String::new(), Vec::new())];
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && !trimmed.starts_with("[[") && trimmed.ends_with(']') {
            sections.push((trimmed.trim_matches(['[', ']']).trim().to_owned(), Vec::new()));
        } else if let Some((_, lines)) = sections.last_mut() {
            lines.push(line.to_owned());
        }
    }
    sections
}

/// `key = value` of a line (not comments or blanks).
fn key_value(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (key, value) = line.split_once('=')?;
    Some((key.trim(), value.trim()))
}

/// What the workspace manifest shares with its members.
struct Workspace {
    package: BTreeMap<String, String>,
    dependencies: BTreeMap<String, String>,
    /// `[workspace.lints.*]` and `[profile.*]`, as they are to be written in the app.
    tail: Vec<(String, Vec<String>)>,
}

impl Workspace {
    fn parse(text: &str) -> Self {
        let mut workspace = Self { package: BTreeMap::new(), dependencies: BTreeMap::new(), tail: Vec::new() };
        for (header, lines) in sections(text) {
            let pairs = || lines.iter().filter_map(|line| key_value(line)).map(|(k, v)| (k.to_owned(), v.to_owned()));
            match header.as_str() {
                "workspace.package" => workspace.package.extend(pairs()),
                "workspace.dependencies" => workspace.dependencies.extend(pairs()),
                lints if lints.starts_with("workspace.lints.") => {
                    workspace.tail.push((lints.trim_start_matches("workspace.").to_owned(), lines))
                }
                profile if profile.starts_with("profile.") => workspace.tail.push((profile.to_owned(), lines)),
                _ => {}
            }
        }
        workspace
    }
}

/// The app's `Cargo.toml`: the example app's, standing alone.
fn cargo_manifest(template: &str, workspace: &Workspace, name: &str, source: &Source) -> anyhow::Result<String> {
    let mut out = String::new();
    for (header, lines) in sections(template) {
        if header == "lints" {
            // `workspace = true`: the workspace's lints, written out below.
            continue;
        }
        if !header.is_empty() {
            out.push_str(&format!("[{header}]\n"));
        }
        let dependencies = header.ends_with("dependencies");
        for line in lines {
            let Some((key, value)) = key_value(&line) else {
                out.push_str(&line);
                out.push('\n');
                continue;
            };
            let written = match (header.as_str(), key) {
                ("package", "name") => Some(format!("name = {}", toml_string(name))),
                ("package", "description") => Some(format!("description = \"The {name} web app, built with Mizan\"")),
                ("package", "license.workspace" | "repository.workspace") => None,
                ("package", inherited) if inherited.ends_with(".workspace") => {
                    let field = inherited.trim_end_matches(".workspace");
                    let value = workspace
                        .package
                        .get(field)
                        .ok_or_else(|| anyhow::anyhow!("the workspace has no package.{field} for the app"))?;
                    Some(format!("{field} = {value}"))
                }
                (_, dependency) if dependencies => Some(dependency_line(dependency, value, workspace, source)?),
                _ => Some(line.trim_end().to_owned()),
            };
            if let Some(written) = written {
                out.push_str(&written);
                out.push('\n');
            }
        }
    }
    for (header, lines) in &workspace.tail {
        out.push_str(&format!("\n[{header}]\n"));
        for line in lines.iter().filter(|line| !line.trim().is_empty()) {
            out.push_str(line);
            out.push('\n');
        }
    }
    // The app is its own workspace, also when created inside another project's directory.
    out.push_str("\n[workspace]\n");
    Ok(out.replace("\n\n\n", "\n\n"))
}

/// One dependency line with its workspace specification written out.
fn dependency_line(key: &str, value: &str, workspace: &Workspace, source: &Source) -> anyhow::Result<String> {
    let (dependency, own) = if let Some(dependency) = key.strip_suffix(".workspace") {
        (dependency, Vec::new())
    } else if value.starts_with('{') && inline_table(value).iter().any(|(k, v)| k == "workspace" && v == "true") {
        (key, inline_table(value).into_iter().filter(|(k, _)| k != "workspace").collect())
    } else {
        return Ok(format!("{key} = {value}"));
    };
    let base = match dependency {
        "mizan" => source.cargo_dependency(),
        _ => workspace
            .dependencies
            .get(dependency)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("the workspace does not specify the dependency `{dependency}`"))?,
    };
    let mut table = if base.starts_with('{') { inline_table(&base) } else { vec![("version".to_owned(), base)] };
    for (k, v) in own {
        match table.iter_mut().find(|(existing, _)| *existing == k) {
            // Features add up, as with `workspace = true`.
            Some((_, existing)) if k == "features" => {
                let joined = [existing.trim_matches(['[', ']']).trim(), v.trim_matches(['[', ']']).trim()]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                *existing = format!("[{joined}]");
            }
            Some((_, existing)) => *existing = v,
            None => table.push((k, v)),
        }
    }
    if table.len() == 1 && table[0].0 == "version" {
        return Ok(format!("{dependency} = {}", table[0].1));
    }
    let fields = table.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ");
    Ok(format!("{dependency} = {{ {fields} }}"))
}

/// The `key = value` pairs of a one-line inline table, in order.
fn inline_table(value: &str) -> Vec<(String, String)> {
    let inner = value.trim().trim_start_matches('{').trim_end_matches('}');
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    for (index, c) in inner.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(&inner[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checkout() -> Source {
        Source::path(Path::new(FRAMEWORK_ROOT)).unwrap()
    }

    #[test]
    fn the_manifest_stands_alone_with_the_workspace_settings_written_out() {
        let files = render("todo-list", &checkout()).unwrap();
        let manifest = String::from_utf8(files["Cargo.toml"].clone()).unwrap();
        assert!(!manifest.contains("workspace = true") && !manifest.contains(".workspace"), "{manifest}");
        assert!(manifest.contains("name = \"todo-list\""), "{manifest}");
        let framework = Path::new(FRAMEWORK_ROOT).canonicalize().unwrap().join("framework");
        assert!(
            manifest.contains(&format!(
                "mizan = {{ path = {}, default-features = false }}",
                toml_string(&framework.to_string_lossy())
            )),
            "{manifest}"
        );
        // A workspace spec with its own keys plus the member's: merged, features added up.
        assert!(
            manifest.contains("sea-orm = { version = \"2.0\", default-features = false, features = ["),
            "{manifest}"
        );
        assert!(manifest.contains("[lints.rust]") && manifest.contains("unsafe_code = \"deny\""), "{manifest}");
        assert!(manifest.contains("[profile.release]") && manifest.contains("\n[workspace]\n"), "{manifest}");
        assert!(!manifest.contains("license") && !manifest.contains("example"), "{manifest}");
        let versioned = render("todo", &Source::Version("9.8.7".into())).unwrap();
        let manifest = String::from_utf8(versioned["Cargo.toml"].clone()).unwrap();
        assert!(manifest.contains("mizan = { version = \"9.8.7\", default-features = false }"), "{manifest}");
        let package = String::from_utf8(versioned["frontend/package.json"].clone()).unwrap();
        assert!(package.contains("\"@mizan/react\": \"^9.8.7\"") && package.contains("\"todo-frontend\""), "{package}");
    }

    #[test]
    fn every_name_of_the_example_app_becomes_the_new_apps() {
        let files = render("todo-list", &checkout()).unwrap();
        assert!(files.contains_key("src/main.rs") && files.contains_key("frontend/src/App.tsx"));
        assert!(!files.keys().any(|path| path.starts_with("frontend/dist") || path.contains("node_modules")));
        for (path, contents) in &files {
            let Ok(text) = std::str::from_utf8(contents) else { continue };
            if path == "Cargo.lock" {
                assert!(text.contains("name = \"todo-list\"") && !text.contains("\"example-app\""));
                continue;
            }
            for old in ["example_app", "example-app", "Mizan example", "mizan-example-frontend"] {
                assert!(!text.contains(old), "{path} still says {old}");
            }
        }
        let main = String::from_utf8(files["src/main.rs"].clone()).unwrap();
        assert!(main.contains("todo_list::app"), "{main}");
        let package = String::from_utf8(files["frontend/package.json"].clone()).unwrap();
        let js = Path::new(FRAMEWORK_ROOT).canonicalize().unwrap().join("js");
        assert!(package.contains(&format!("\"@mizan/react\": \"file:{}\"", js.display())), "{package}");
        assert_eq!(files["frontend/.npmrc"], b"install-links=true\n");
    }

    #[test]
    fn bad_names_and_non_empty_directories_are_refused_and_nothing_is_left_behind() {
        for name in ["1app", "my app", "", "mizan", "a/b"] {
            assert!(check_name(name).is_err(), "{name:?}");
        }
        let root = std::env::temp_dir().join(format!("mizan-new-test-{}", std::process::id()));
        std::fs::create_dir_all(root.join("taken")).unwrap();
        std::fs::write(root.join("taken/file"), "").unwrap();
        let error = create(&root.join("taken"), None, &checkout()).unwrap_err();
        assert!(error.to_string().contains("not empty"), "{error}");
        assert!(create(&root.join("bad name"), None, &checkout()).is_err());
        std::fs::create_dir_all(root.join("empty")).unwrap();
        assert_eq!(create(&root.join("empty"), Some("fine"), &checkout()).unwrap(), "fine");
        assert!(root.join("empty/Cargo.toml").is_file() && root.join("empty/frontend/src/App.tsx").is_file());
        let leftovers: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with('.'))
            .collect();
        assert!(leftovers.is_empty(), "staging directories left: {leftovers:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn staging_directories_are_fresh_private_and_unpredictable() {
        let root = std::env::temp_dir().join(format!("mizan-new-staging-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&root).unwrap();
        let first = staging_dir(&root, "app").unwrap();
        let second = staging_dir(&root, "app").unwrap();
        assert_ne!(first, second, "every run gets a name of its own");
        for staging in [&first, &second] {
            let name = staging.file_name().unwrap().to_string_lossy().into_owned();
            let suffix = name.strip_prefix(".app.mizan-new-").expect("named after the app");
            assert!(suffix.len() >= 32 && suffix != std::process::id().to_string(), "{name}");
            assert_eq!(std::fs::read_dir(staging).unwrap().count(), 0);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = std::fs::metadata(staging).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o700, "only the user can enter it while the app is written");
            }
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn planted_symlinks_are_never_written_through() {
        use std::os::unix::fs::{symlink, PermissionsExt as _};

        let root = std::env::temp_dir().join(format!("mizan-new-symlinks-{}", uuid::Uuid::new_v4().simple()));
        let victim = root.join("victim");
        std::fs::create_dir_all(&victim).unwrap();
        std::fs::write(victim.join("Cargo.toml"), "original").unwrap();

        // A symlink at the name the staging directory used to have (`.{name}.mizan-new-{pid}`).
        symlink(&victim, root.join(format!(".app.mizan-new-{}", std::process::id()))).unwrap();
        assert_eq!(create(&root.join("app"), None, &checkout()).unwrap(), "app");
        assert!(root.join("app/Cargo.toml").is_file() && root.join("app/src/main.rs").is_file());
        assert_eq!(std::fs::read_to_string(victim.join("Cargo.toml")).unwrap(), "original");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 1, "nothing was written into the victim");
        let mode = std::fs::metadata(root.join("app")).unwrap().permissions().mode() & 0o777;
        let default = std::fs::metadata(root.join("app/src")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, default, "the app directory gets the usual permissions once it is in place");

        // Symlinks planted inside the staging directory, at a file's and at a directory's name:
        // writing fails instead of following them.
        let files = render("app", &checkout()).unwrap();
        for planted in ["Cargo.toml", "src"] {
            let staging = staging_dir(&root, "app").unwrap();
            let target = if planted == "src" { victim.clone() } else { victim.join("Cargo.toml") };
            symlink(&target, staging.join(planted)).unwrap();
            let error = write_all(&staging, &files).unwrap_err();
            assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists, "{planted}: {error}");
            assert_eq!(std::fs::read_to_string(victim.join("Cargo.toml")).unwrap(), "original");
            assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 1, "{planted}");
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn inline_tables_split_at_top_level_commas_only() {
        assert_eq!(
            inline_table(r#"{ version = "4", features = ["a", "b"], x = "c,d" }"#),
            [
                ("version".into(), "\"4\"".into()),
                ("features".into(), "[\"a\", \"b\"]".into()),
                ("x".into(), "\"c,d\"".into())
            ]
        );
    }
}
