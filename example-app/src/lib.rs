//! The Mizan example app: every feature of the framework in one small app.
//!
//! [`app`] assembles it; `main.rs` hands it to [`mizan::cli::main`]. Tests build the same app
//! without a socket.

pub mod api;
pub mod chat;
pub mod counter;
pub mod forms;

use mizan::Mizan;

/// Where `codegen` writes the TypeScript client.
pub const GENERATED_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/frontend/src/mizan.gen.ts");

/// The example app.
pub fn app() -> Mizan {
    Mizan::new()
        .title("Mizan example")
        .functions(mizan::fns![
            api::echo,
            api::server_time,
            api::staff_report,
            api::counter,
            api::increment,
            api::greet,
            api::wave,
            forms::contact_stats,
            chat::chat_history
        ])
        .channels(mizan::channels![chat::Chat])
        .functions(mizan::forms![forms::ContactForm, forms::SignupForm])
        .functions(mizan::auth::functions())
        // Read from `frontend/dist` in debug builds, embedded in release builds.
        .frontend(mizan::frontend!("frontend/dist"))
        .codegen_output(GENERATED_CLIENT)
        .migrator::<counter::Migrator>()
}
