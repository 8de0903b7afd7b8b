//! Server functions and the registry that holds them.
//!
//! `#[mizan::client]` turns an async function into a [`ServerFunction`]: a type (named like
//! the function) whose [`ServerFunction::definition`] describes it. The app lists its
//! functions explicitly with [`fns!`](crate::fns), and [`Registry::new`] checks the list.

mod declared;
mod function;
mod result;

use std::collections::BTreeMap;
use std::fmt;

pub use declared::{Declared, DeclaredKind};
pub use function::{FormRole, FunctionDef, FunctionKind, FunctionMeta, Handler};
pub use result::IntoFunctionResult;

/// Implemented by `#[mizan::client]` for the type it generates beside each function.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Mizan server function",
    label = "not marked with `#[mizan::client]`",
    note = "add `#[mizan::client]` to the async function you want to register"
)]
pub trait ServerFunction {
    /// The function's definition: name, kind, schemas and handler.
    fn definition() -> FunctionDef;
}

/// Lists server functions for [`Mizan::functions`](crate::Mizan::functions).
///
/// ```
/// mod api {
///     #[mizan::client]
///     pub async fn greet(name: String) -> mizan::Result<String> {
///         Ok(format!("Hello, {name}!"))
///     }
/// }
///
/// let app = mizan::Mizan::new().functions(mizan::fns![api::greet]);
/// assert!(app.registry().unwrap().get("greet").is_some());
/// ```
#[macro_export]
macro_rules! fns {
    ($($function:path),* $(,)?) => {
        ::std::vec![$(<$function as $crate::ServerFunction>::definition()),*]
    };
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

/// The checked set of server functions, sorted by name.
#[derive(Default)]
pub struct Registry {
    functions: BTreeMap<String, FunctionDef>,
    channels: BTreeMap<&'static str, crate::channels::ChannelDef>,
}

impl Registry {
    /// Builds a registry, refusing duplicate or invalid names.
    pub fn new(definitions: impl IntoIterator<Item = FunctionDef>) -> Result<Self, RegistryError> {
        let mut functions: BTreeMap<String, FunctionDef> = BTreeMap::new();
        for definition in definitions {
            let name = definition.name().to_owned();
            if !is_valid_name(&name) {
                return Err(RegistryError::InvalidName { name, location: definition.location() });
            }
            if let Some(existing) = functions.get(&name) {
                return Err(RegistryError::Duplicate {
                    name,
                    first: existing.location(),
                    second: definition.location(),
                });
            }
            functions.insert(name, definition);
        }
        for function in functions.values() {
            for key in function.invalidates() {
                if let Some(problem) = invalidation_problem(&functions, key) {
                    return Err(RegistryError::UnknownContext {
                        function: function.name().to_owned(),
                        location: function.location(),
                        key: (*key).to_owned(),
                        problem,
                    });
                }
            }
        }
        Ok(Self { functions, channels: BTreeMap::new() })
    }

    /// Adds the app's channels (for code generation).
    pub fn with_channels(mut self, channels: impl IntoIterator<Item = crate::channels::ChannelDef>) -> Self {
        self.channels.extend(channels.into_iter().map(|channel| (channel.name(), channel)));
        self
    }

    /// The channels, sorted by name.
    pub fn channels(&self) -> impl Iterator<Item = &crate::channels::ChannelDef> {
        self.channels.values()
    }

    /// The function called `name`.
    pub fn get(&self, name: &str) -> Option<&FunctionDef> {
        self.functions.get(name)
    }

    /// Every function, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &FunctionDef> {
        self.functions.values()
    }

    /// What the binary defines with `#[mizan::client]`, `#[mizan::form]` and
    /// `#[mizan::channel]` but this registry does not hold (the framework's own functions
    /// aside), sorted by kind and name: definitions left out of `fns!`, `forms!` or
    /// `channels!`, which are neither served nor generated. `codegen --check` reports them.
    pub fn unlisted(&self) -> Vec<&'static Declared> {
        let mut unlisted: Vec<&'static Declared> = Declared::all()
            .filter(|declared| !declared.is_framework())
            .filter(|declared| match declared.kind {
                DeclaredKind::Function => self.get(declared.name).is_none(),
                DeclaredKind::Form => self.get(&format!("{}.submit", declared.name)).is_none(),
                DeclaredKind::Channel => !self.channels.contains_key(declared.name),
            })
            .collect();
        unlisted.sort_by_key(|declared| (declared.kind, declared.name, declared.file, declared.line));
        unlisted.dedup_by_key(|declared| (declared.kind, declared.name, declared.file, declared.line));
        unlisted
    }

    /// The global contexts, sorted by name.
    pub fn global_contexts(&self) -> impl Iterator<Item = &FunctionDef> {
        self.iter().filter(|f| f.kind() == FunctionKind::GlobalContext)
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.functions.keys()).finish()
    }
}

/// What is wrong with the invalidation key `key` among `functions`, if anything: it names a
/// registered context (`counter`), or a local one with a JSON object of arguments
/// (`greet?{"name":"Ann"}`).
fn invalidation_problem(functions: &BTreeMap<String, FunctionDef>, key: &str) -> Option<String> {
    let (name, args) = crate::invalidation::split_key(key);
    match functions.get(name).map(FunctionDef::kind) {
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
            let contexts = functions.values().filter(|f| f.kind() != FunctionKind::Call).map(FunctionDef::name);
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

    fn def(name: &'static str, line: u32) -> FunctionDef {
        FunctionDef::new::<(), _, _, _>(
            FunctionMeta::new(name, FunctionKind::Call, "src/api.rs", line),
            |_ctx, ()| async { crate::Result::<()>::Ok(()) },
        )
    }

    #[test]
    fn duplicate_names_name_both_locations() {
        let error = Registry::new([def("echo", 3), def("echo", 9)]).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("src/api.rs:3") && message.contains("src/api.rs:9"), "{message}");
    }

    #[test]
    fn dotted_names_are_allowed_and_sorted() {
        let registry = Registry::new([def("contact.submit", 1), def("auth.login", 2)]).unwrap();
        let names: Vec<_> = registry.iter().map(FunctionDef::name).collect();
        assert_eq!(names, ["auth.login", "contact.submit"]);
    }

    fn with_invalidates(name: &'static str, kind: FunctionKind, invalidates: &'static [&'static str]) -> FunctionDef {
        let mut meta = FunctionMeta::new(name, kind, "src/api.rs", 7);
        meta.invalidates = invalidates;
        FunctionDef::new::<(), _, _, _>(meta, |_ctx, ()| async { crate::Result::<()>::Ok(()) })
    }

    #[test]
    fn invalidated_contexts_must_be_registered() {
        let counter = || with_invalidates("counter", FunctionKind::GlobalContext, &[]);
        let greet = || with_invalidates("greet", FunctionKind::LocalContext, &[]);
        let ok = with_invalidates("bump", FunctionKind::Call, &["counter", "greet", r#"greet?{"name":"Ann"}"#]);
        assert!(Registry::new([counter(), greet(), ok]).is_ok());

        let problem = |invalidates: &'static [&'static str]| {
            let bump = with_invalidates("bump", FunctionKind::Call, invalidates);
            Registry::new([counter(), greet(), bump]).unwrap_err().to_string()
        };
        assert_eq!(
            problem(&["countr"]),
            "`bump` (at src/api.rs:7) invalidates `countr`, but no context `countr` is registered (list it in `fns!`); did you mean `counter`?"
        );
        assert!(problem(&["weather"]).ends_with("no context `weather` is registered (list it in `fns!`)"));
        assert!(problem(&["bump"]).contains("`bump` is a call, not a context"));
        assert!(problem(&[r#"counter?{}"#]).contains("takes no arguments"));
        assert!(problem(&["greet?[1]"]).contains("not a JSON object"));
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("counter", "counter"), 0);
        assert_eq!(edit_distance("countr", "counter"), 1);
        assert_eq!(edit_distance("motd", "mode"), 2);
        assert_eq!(edit_distance("mtod", "motd"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn invalid_names_are_refused() {
        for name in ["", "a..b", "1st", "a/b", ".a", "has space"] {
            assert!(Registry::new([def(name, 1)]).is_err(), "{name:?} should be refused");
        }
    }
}
