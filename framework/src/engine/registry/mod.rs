//! Server functions and the registry that holds them.
//!
//! `#[mizan::client]` turns an async function into a [`ServerFunction`]: a type (named like
//! the function) whose [`ServerFunction::definition`] describes it. The app lists its
//! functions explicitly with [`fns!`](crate::fns), and [`Registry::new`] checks the list.

mod function;

use std::collections::BTreeMap;
use std::fmt;

pub use crate::core::declared::{Declared, DeclaredKind};
pub use crate::core::function::{FormRole, FunctionKind, FunctionMeta, RegistryError};
pub use crate::core::result::IntoFunctionResult;
pub use function::{FunctionDef, Handler};

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

/// The checked set of server functions, sorted by name.
#[derive(Default)]
pub struct Registry {
    functions: BTreeMap<String, FunctionDef>,
    channels: BTreeMap<&'static str, crate::engine::channels::ChannelDef>,
}

impl Registry {
    /// Builds a registry, refusing duplicate or invalid names.
    pub fn new(definitions: impl IntoIterator<Item = FunctionDef>) -> Result<Self, RegistryError> {
        let definitions: Vec<FunctionDef> = definitions.into_iter().collect();
        crate::core::function::check(definitions.iter().map(FunctionDef::meta))?;
        let functions = definitions.into_iter().map(|definition| (definition.name().to_owned(), definition)).collect();
        Ok(Self { functions, channels: BTreeMap::new() })
    }

    /// Adds the app's channels (for code generation).
    pub fn with_channels(mut self, channels: impl IntoIterator<Item = crate::engine::channels::ChannelDef>) -> Self {
        self.channels.extend(channels.into_iter().map(|channel| (channel.name(), channel)));
        self
    }

    /// The channels, sorted by name.
    pub fn channels(&self) -> impl Iterator<Item = &crate::engine::channels::ChannelDef> {
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
    fn invalid_names_are_refused() {
        for name in ["", "a..b", "1st", "a/b", ".a", "has space"] {
            assert!(Registry::new([def(name, 1)]).is_err(), "{name:?} should be refused");
        }
    }
}
