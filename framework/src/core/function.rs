//! What a server function is, seen from outside: its kind, its metadata (name, location, who
//! may call it, what it invalidates) and the checks a set of functions must pass.

use std::collections::BTreeMap;

use serde::Serialize;

/// Who may call a function, set with `#[mizan::client(auth = ...)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthLevel {
    /// Anyone (the default).
    Anonymous,
    /// `auth = true`: any active, logged-in user.
    Authenticated,
    /// `auth = "staff"`: staff users and superusers.
    Staff,
    /// `auth = "superuser"`: superusers only.
    Superuser,
    /// `auth = path::to::predicate`: an async predicate decides (the path is kept for the manifest).
    Custom(&'static str),
}

impl Serialize for AuthLevel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AuthLevel::Anonymous => serializer.serialize_str("anonymous"),
            AuthLevel::Authenticated => serializer.serialize_str("authenticated"),
            AuthLevel::Staff => serializer.serialize_str("staff"),
            AuthLevel::Superuser => serializer.serialize_str("superuser"),
            AuthLevel::Custom(path) => serializer.serialize_str(&format!("custom:{path}")),
        }
    }
}

/// How a function is exposed to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionKind {
    /// A call (`POST /call/{name}`), e.g. a mutation.
    Call,
    /// A global context: part of every page's SSR data and of `GET /context`.
    GlobalContext,
    /// A local context: fetched with arguments (`GET /context/{name}?args=...`).
    LocalContext,
}

/// Static facts about a function, written by `#[mizan::client]`.
#[derive(Debug, Clone, Copy)]
pub struct FunctionMeta {
    /// The registered name, e.g. `"echo"` or `"contact.submit"`.
    pub name: &'static str,
    /// How the function is exposed.
    pub kind: FunctionKind,
    /// Source file of the definition.
    pub file: &'static str,
    /// Source line of the definition.
    pub line: u32,
    /// The function's doc comment.
    pub doc: &'static str,
    /// Who may call it.
    pub auth: AuthLevel,
    /// Contexts every successful call invalidates (`invalidates = [...]`).
    pub invalidates: &'static [&'static str],
    /// Largest accepted request body in bytes, overriding the app's limit (`body_limit = ...`).
    pub body_limit: Option<usize>,
}

impl FunctionMeta {
    /// Metadata with defaults: anonymous, no invalidations, the app's body limit.
    pub const fn new(name: &'static str, kind: FunctionKind, file: &'static str, line: u32) -> Self {
        Self { name, kind, file, line, doc: "", auth: AuthLevel::Anonymous, invalidates: &[], body_limit: None }
    }

    /// `file:line` of the definition.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

/// Which of a form's three functions a function is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRole {
    /// `<name>.schema`.
    Schema,
    /// `<name>.validate`.
    Validate,
    /// `<name>.submit`.
    Submit,
}

/// Why a list of functions could not become a registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// Two functions share a name.
    #[error("server function name `{name}` is registered twice: at {first} and at {second}; give one of them another name with `#[mizan::client(name = \"...\")]`")]
    Duplicate {
        /// The shared name.
        name: String,
        /// Where the first one is defined.
        first: String,
        /// Where the second one is defined.
        second: String,
    },
    /// A name that cannot appear in a URL path segment or a TypeScript identifier.
    #[error("server function name `{name}` (at {location}) is invalid: use letters, digits, `_` and `.`, starting with a letter")]
    InvalidName {
        /// The name.
        name: String,
        /// Where the function is defined.
        location: String,
    },
    /// `invalidates = [...]` names a context that is not registered.
    #[error("`{function}` (at {location}) invalidates `{key}`, but {problem}")]
    UnknownContext {
        /// The function (or form function) declaring the invalidation.
        function: String,
        /// Where it is defined.
        location: String,
        /// The key as written (`name` or `name?{...}`).
        key: String,
        /// What is wrong, with a suggestion when one is close.
        problem: String,
    },
}

/// Checks a set of functions: valid and distinct names, and `invalidates` naming registered
/// contexts.
pub(crate) fn check<'a>(functions: impl IntoIterator<Item = &'a FunctionMeta>) -> Result<(), RegistryError> {
    let mut by_name: BTreeMap<&'static str, &FunctionMeta> = BTreeMap::new();
    for meta in functions {
        if !is_valid_name(meta.name) {
            return Err(RegistryError::InvalidName { name: meta.name.to_owned(), location: meta.location() });
        }
        if let Some(existing) = by_name.insert(meta.name, meta) {
            return Err(RegistryError::Duplicate {
                name: meta.name.to_owned(),
                first: existing.location(),
                second: meta.location(),
            });
        }
    }
    for function in by_name.values() {
        for key in function.invalidates {
            if let Some(problem) = invalidation_problem(&by_name, key) {
                return Err(RegistryError::UnknownContext {
                    function: function.name.to_owned(),
                    location: function.location(),
                    key: (*key).to_owned(),
                    problem,
                });
            }
        }
    }
    Ok(())
}

/// What is wrong with the invalidation key `key` among `functions`, if anything: it names a
/// registered context (`counter`), or a local one with a JSON object of arguments
/// (`greet?{"name":"Ann"}`).
fn invalidation_problem(functions: &BTreeMap<&'static str, &FunctionMeta>, key: &str) -> Option<String> {
    let (name, args) = crate::core::invalidation::split_key(key);
    match functions.get(name).map(|meta| meta.kind) {
        Some(FunctionKind::Call) => Some(format!("`{name}` is a call, not a context")),
        Some(FunctionKind::GlobalContext) if args.is_some() => {
            Some(format!("`{name}` is a global context, which takes no arguments; invalidate `{name}`"))
        }
        Some(FunctionKind::LocalContext) if args.is_some() => {
            let args = args.unwrap_or_default();
            match serde_json::from_str::<serde_json::Value>(args) {
                Ok(serde_json::Value::Object(_)) => None,
                _ => Some(format!("`{args}` is not a JSON object of `{name}`'s arguments")),
            }
        }
        Some(_) => None,
        None => {
            let contexts = functions.values().filter(|meta| meta.kind != FunctionKind::Call).map(|meta| meta.name);
            let suggestion = contexts
                .map(|context| (edit_distance(name, context), context))
                .filter(|(distance, context)| *distance <= (context.len() / 3).max(1))
                .min()
                .map(|(_, context)| format!("; did you mean `{context}`?"))
                .unwrap_or_default();
            Some(format!("no context `{name}` is registered (list it in `fns!`){suggestion}"))
        }
    }
}

/// The edit distance of two names, a swap of neighbours counting as one edit (for "did you
/// mean").
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

fn is_valid_name(name: &str) -> bool {
    name.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("counter", "counter"), 0);
        assert_eq!(edit_distance("countr", "counter"), 1);
        assert_eq!(edit_distance("motd", "mode"), 2);
        assert_eq!(edit_distance("mtod", "motd"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
