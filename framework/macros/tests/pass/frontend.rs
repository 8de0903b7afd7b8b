//! `mizan::frontend!`: the build directory, relative to the crate's `Cargo.toml`; debug builds
//! (the tests' profile) read it from disk, so it need not exist when the crate compiles.

use mizan::{Frontend, Mizan};

fn main() {
    let frontend: Frontend = mizan::frontend!("frontend/dist");
    assert!(!frontend.is_embedded(), "debug builds read the directory");
    assert!(frontend.dist().is_absolute(), "{}", frontend.dist().display());
    assert!(frontend.dist().ends_with("frontend/dist"), "{}", frontend.dist().display());

    let app = Mizan::new().frontend(mizan::frontend!("frontend/dist"));
    assert_eq!(app.frontend_source().map(Frontend::dist), Some(frontend.dist()));
}
