//! The example app's binary: `cargo run -p example-app` serves it; `-- codegen` regenerates
//! the TypeScript client.

fn main() -> std::process::ExitCode {
    mizan::cli::main(example_app::app)
}
