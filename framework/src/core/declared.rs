//! The definitions the macros saw: every `#[mizan::client]` function, `#[mizan::form]` and
//! `#[mizan::channel]` impl submits a [`Declared`] record at compile time (with the
//! [`inventory`] crate), so that [`Registry::unlisted`](super::Registry::unlisted) can tell
//! which of them the app forgot to register.

/// What kind of definition a [`Declared`] record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeclaredKind {
    /// A `#[mizan::client]` function (call or context), registered with `fns!`.
    Function,
    /// A `#[mizan::form]` struct, registered with `forms!`.
    Form,
    /// A `Channel` impl marked `#[mizan::channel]`, registered with `channels!`.
    Channel,
}

impl DeclaredKind {
    /// How the kind is written in reports (`function`, `form`, `channel`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Function => "function",
            Self::Form => "form",
            Self::Channel => "channel",
        }
    }

    /// The macro that registers this kind.
    pub fn registered_with(self) -> &'static str {
        match self {
            Self::Function => "fns!",
            Self::Form => "forms!",
            Self::Channel => "channels!",
        }
    }
}

/// One definition in the binary, as the macro that made it recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    /// The registered name (`"echo"`, `"contact"` for a form, `"chat"` for a channel).
    pub name: &'static str,
    /// What it is.
    pub kind: DeclaredKind,
    /// The Rust module it is defined in (`my_app::api`).
    pub module: &'static str,
    /// Source file of the definition.
    pub file: &'static str,
    /// Source line of the definition.
    pub line: u32,
}

inventory::collect!(Declared);

impl Declared {
    /// A record; the macros submit one per definition.
    pub const fn new(
        name: &'static str,
        kind: DeclaredKind,
        module: &'static str,
        file: &'static str,
        line: u32,
    ) -> Self {
        Self { name, kind, module, file, line }
    }

    /// Every definition linked into this binary, in no particular order.
    pub fn all() -> impl Iterator<Item = &'static Declared> {
        inventory::iter::<Declared>.into_iter()
    }

    /// Whether Mizan itself defines it (`auth.login`, ...): apps register those as a bundle,
    /// or not at all.
    pub(crate) fn is_framework(&self) -> bool {
        self.module == "mizan" || self.module.starts_with("mizan::")
    }
}

impl std::fmt::Display for Declared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} `{}` ({}, {}:{}) is not in `{}`",
            self.kind.as_str(),
            self.name,
            self.module,
            self.file,
            self.line,
            self.kind.registered_with()
        )
    }
}
