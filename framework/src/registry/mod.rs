//! Server functions and the registry that holds them.
//!
//! `#[mizan::client]` turns an async function into a [`ServerFunction`]: a type (named like
//! the function) whose [`ServerFunction::definition`] describes it. The app lists its
//! functions explicitly with [`fns!`](crate::fns), and [`Registry::new`] checks the list.

mod function;
mod result;

use std::collections::BTreeMap;
use std::fmt;

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

    #[test]
    fn invalid_names_are_refused() {
        for name in ["", "a..b", "1st", "a/b", ".a", "has space"] {
            assert!(Registry::new([def(name, 1)]).is_err(), "{name:?} should be refused");
        }
    }
}
