//! The layers of the `mizan` crate, read from its sources: every module of a layer imports only
//! its own layer and those below (tools → http → engine → core), and `app.rs`, the one place
//! that assembles an app, is imported by nothing.
//!
//! Every `crate::` and `super::` path of every file is resolved to the top module it names;
//! names re-exported at the crate root (`crate::Error`, `crate::auth`) are followed through
//! `lib.rs`, and the `#[macro_export]` macros (`crate::fns!`) to the file defining them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, lowest first. `app` is the composition root above them all.
const LAYERS: [&str; 5] = ["core", "engine", "http", "tools", "app"];

/// Crates the core layer must not use: it describes the protocol, independent of a server.
const NOT_IN_CORE: [&str; 4] = ["actix_web", "actix_ws", "sea_orm", "mizan_ssr"];

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, with its path relative to `src/`.
fn rust_files(dir: &Path, root: &Path, out: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, root, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            out.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// The source without comments (so doc links such as `[Mizan](crate::Mizan)` do not count)
/// and without string literals' contents.
fn code_of(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push('"');
                }
                '\n' => out.push('\n'),
                _ => {}
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut previous = ' ';
                for c in chars.by_ref() {
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            // A char literal `'"'` must not open a string; lifetimes (`'a`) pass unchanged.
            '\'' => {
                out.push(c);
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\"'") {
                    chars.next();
                    chars.next();
                    out.push_str("_'");
                }
            }
            '"' => {
                in_string = true;
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The first segments of the paths after `prefix` at `at`: `crate::a::b` → `[a]`,
/// `crate::{a::b, c}` → `[a, c]`.
fn first_segments(code: &str, at: usize) -> Vec<String> {
    let rest = &code[at..];
    let ident =
        |text: &str| -> String { text.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    if !rest.trim_start().starts_with('{') {
        return vec![ident(rest)].into_iter().filter(|segment| !segment.is_empty()).collect();
    }
    let body = &rest[rest.find('{').unwrap() + 1..];
    let (mut depth, mut start, mut segments) = (0usize, 0usize, Vec::new());
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                segments.push(ident(&body[start..i]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                segments.push(ident(&body[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    segments.into_iter().filter(|segment| !segment.is_empty()).collect()
}

/// The module path of a file: `engine/auth/mod.rs` → `[engine, auth]`.
fn module_of(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file.iter().map(|part| part.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_owned());
    }
    parts
}

/// The top-level modules the file refers to, with the text of each reference.
fn references(file: &Path, code: &str) -> Vec<(String, String)> {
    let module = module_of(file);
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with('$') {
            continue; // `$crate::` in a macro_rules body: resolved where the macro is used.
        }
        let line = code[..at].rsplit('\n').next().unwrap_or_default().to_owned() + &code[at..];
        let line = line.lines().next().unwrap_or_default().trim().to_owned();
        for segment in first_segments(code, at + "crate::".len()) {
            found.push((segment, line.clone()));
        }
    }
    // `super::super::x` from a module two levels deep reaches the root.
    for (at, _) in code.match_indices("super::") {
        if code[..at].ends_with("super::") || code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut ups = 0;
        let mut rest = at;
        while code[rest..].starts_with("super::") {
            ups += 1;
            rest += "super::".len();
        }
        // A `#[cfg(test)] mod tests` inside the file is one level below the file's module.
        let depth = module.len();
        if ups >= depth {
            let line = code[at..].lines().next().unwrap_or_default().trim().to_owned();
            for segment in first_segments(code, rest) {
                found.push((segment, line.clone()));
            }
        }
    }
    found
}

/// Where each name of the crate root leads: its own top module for a `mod`, the module a
/// `pub use` takes it from, the file of a `#[macro_export]` macro.
fn root_names(files: &[(PathBuf, String)]) -> BTreeMap<String, String> {
    let lib = &files.iter().find(|(path, _)| path == Path::new("lib.rs")).unwrap().1;
    let lib = code_of(lib);
    let mut direct: BTreeMap<String, String> = BTreeMap::new();
    for layer in LAYERS {
        direct.insert(layer.to_owned(), layer.to_owned());
    }
    for (path, source) in files {
        let code = code_of(source);
        for (at, _) in code.match_indices("#[macro_export]") {
            let after = &code[at..];
            if let Some(start) = after.find("macro_rules!") {
                let name = first_segments(after, start + "macro_rules!".len()).remove(0);
                let top = path.iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_owned();
                direct.insert(name, top);
            }
        }
    }
    // `pub use a::b::{X, Y};` and `pub use a::{b, c};`, possibly `crate::`-prefixed; resolved
    // repeatedly, since `pub use auth::User` leads through `pub use engine::auth`.
    let mut uses: Vec<(String, Vec<String>)> = Vec::new();
    for statement in lib.split(';') {
        let Some(at) = statement.find("pub use ") else { continue };
        let path = statement[at + "pub use ".len()..].trim().trim_start_matches("crate::");
        let from = path.split("::").next().unwrap_or_default().trim().to_owned();
        let names: Vec<String> = match path.find('{') {
            Some(open) => path[open + 1..]
                .trim_end_matches('}')
                .split(',')
                .map(|name| name.split(" as ").last().unwrap().trim().to_owned())
                .filter(|name| !name.is_empty())
                .collect(),
            None => vec![path.rsplit("::").next().unwrap().split(" as ").last().unwrap().trim().to_owned()],
        };
        uses.push((from, names));
    }
    for _ in 0..4 {
        for (from, names) in &uses {
            // Another crate's items (`pub use mizan_macros::client`) may be used anywhere.
            let external = from.starts_with("mizan_") || from == "std";
            if let Some(layer) = if external { Some("extern".to_owned()) } else { direct.get(from).cloned() } {
                for name in names {
                    direct.insert(name.clone(), layer.clone());
                }
            }
        }
    }
    direct
}

fn layer_of_file(file: &Path) -> Option<usize> {
    let top = file.iter().next()?.to_string_lossy().trim_end_matches(".rs").to_owned();
    LAYERS.iter().position(|layer| *layer == top)
}

#[test]
fn every_module_imports_only_its_own_layer_and_those_below() {
    let root = source_dir();
    let mut files = Vec::new();
    rust_files(&root, &root, &mut files);
    let names = root_names(&files);
    let mut problems = Vec::new();
    let mut checked = 0;
    for (file, source) in &files {
        // `lib.rs` only declares the layers and re-exports; the binary uses the public API.
        let Some(own) = layer_of_file(file) else { continue };
        checked += 1;
        let code = code_of(source);
        for (name, line) in references(file, &code) {
            let Some(target) = names.get(&name) else {
                problems
                    .push(format!("{}: `{name}` is not a layer, nor a name lib.rs re-exports: {line}", file.display()));
                continue;
            };
            if target == "extern" {
                continue;
            }
            let Some(target_layer) = LAYERS.iter().position(|layer| layer == target) else {
                problems
                    .push(format!("{}: `{name}` resolves to `{target}`, outside every layer: {line}", file.display()));
                continue;
            };
            if LAYERS[target_layer] == "app" && own != target_layer {
                problems.push(format!("{}: imports the composition root (app.rs): {line}", file.display()));
            } else if target_layer > own {
                problems.push(format!(
                    "{}: the {} layer imports the higher {} layer: {line}",
                    file.display(),
                    LAYERS[own],
                    LAYERS[target_layer]
                ));
            }
        }
        if LAYERS[own] == "core" {
            for krate in NOT_IN_CORE {
                if code.contains(&format!("{krate}::")) {
                    problems.push(format!("{}: the core layer uses `{krate}`", file.display()));
                }
            }
        }
    }
    assert!(checked > 40, "only {checked} files were checked: is the layout still core/engine/http/tools?");
    assert!(problems.is_empty(), "{} layering problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_checker_sees_upward_and_hidden_imports() {
    let names = {
        let files = vec![
            (
                PathBuf::from("lib.rs"),
                "mod core; mod engine;\npub use engine::auth;\npub use auth::{User, Accounts as A};\n".to_owned(),
            ),
            (PathBuf::from("engine/registry.rs"), "#[macro_export]\nmacro_rules! fns { () => {} }".to_owned()),
        ];
        root_names(&files)
    };
    assert_eq!(names["User"], "engine", "followed through `pub use engine::auth`");
    assert_eq!(names["A"], "engine", "renamed re-export");
    assert_eq!(names["fns"], "engine", "exported macro");

    let refs = |file: &str, source: &str| -> Vec<String> {
        references(Path::new(file), &code_of(source)).into_iter().map(|(name, _)| name).collect()
    };
    assert_eq!(refs("core/a.rs", "use crate::{engine::x, http::{y, z}};"), ["engine", "http"]);
    assert_eq!(refs("core/a.rs", "fn f() { crate::tools::run() }"), ["tools"]);
    assert_eq!(refs("engine/auth/mod.rs", "use super::super::http::x;"), ["http"], "climbs to the root");
    assert!(refs("engine/auth/mod.rs", "use super::users;").is_empty(), "stays inside engine");
    assert!(refs("core/a.rs", "/// [`Mizan`](crate::Mizan)\nfn f() {}").is_empty(), "doc links are not imports");
    assert!(refs("core/a.rs", "const S: &str = \"crate::http\";").is_empty(), "strings are not imports");
    assert!(refs("core/a.rs", "macro_rules! m { () => { $crate::x } }").is_empty());
}
