//! Every macro of Mizan, as apps use it and as apps misuse it.
//!
//! - `tests/pass/*.rs` use `#[mizan::client]`, `#[mizan::channel]`, `#[derive(ClientError)]`,
//!   `#[mizan::form]`, `#[mizan::rules]`, `mizan::frontend!`, `fns!`, `forms!` and
//!   `channels!` the way the documentation shows, and check at run time what they produced.
//! - `tests/ui/*.rs` misuse them (one file per mistake, named after the macro): each is a
//!   compile error with a span and a message that says what to do. `TRYBUILD=overwrite`
//!   updates the expected `.stderr` files.

#[test]
fn macros() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
    cases.compile_fail("tests/ui/*.rs");
}
