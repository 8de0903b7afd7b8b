//! Embedded React server-side rendering for Mizan, on [`deno_core`].
//!
//! A [`Renderer`] owns one JavaScript runtime with the app's server bundle loaded; it is
//! created once and reused for every render on its thread (creating a runtime and evaluating
//! a React bundle costs well over 100 ms on QuickJS, a render a few ms). [`render`] keeps one
//! renderer per thread, so each actix worker thread renders on its own runtime without locks.
//!
//! The server bundle must install a global function
//! `__mizanRender(requestJson: string): string` that returns the JSON of a [`RenderOutput`]
//! (`@mizan/react/server`'s `installRenderer` does this).
//!
//! # Engines
//!
//! The `quickjs` feature (default) builds deno_core's QuickJS engine from vendored C sources,
//! so builds work offline. The `v8` feature selects V8 for production (fastest; its build
//! downloads a prebuilt library). Enable at most one. With neither, the crate still builds
//! (for API-only apps and fast tooling builds): loading a bundle fails with
//! [`SsrError::NoEngine`] and Mizan falls back to client-rendered pages.
//!
//! ```no_run
//! use mizan_ssr::{Bundle, Renderer};
//!
//! let bundle = Bundle::new("server.js", std::fs::read_to_string("dist/server.js").unwrap());
//! let mut renderer = Renderer::new(&bundle).unwrap();
//! let output = renderer.render(r#"{"url":"/","ssrData":{}}"#).unwrap();
//! println!("{} {}", output.status, output.html);
//! ```

#[cfg(all(feature = "quickjs", feature = "v8"))]
compile_error!("mizan-ssr: enable exactly one engine feature, `quickjs` (default) or `v8`");

mod bundle;
mod error;
#[cfg(any(feature = "quickjs", feature = "v8"))]
mod ops;
mod output;
mod pool;
#[cfg_attr(not(any(feature = "quickjs", feature = "v8")), path = "no_engine.rs")]
mod renderer;
#[cfg(any(feature = "quickjs", feature = "v8"))]
mod watchdog;

pub use bundle::{Bundle, Limits};
pub use error::SsrError;
pub use output::RenderOutput;
pub use pool::render;
pub use renderer::Renderer;
