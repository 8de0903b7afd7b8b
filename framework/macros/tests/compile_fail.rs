//! Misuse of `#[mizan::client]`, `#[mizan::channel]` and `#[derive(mizan::ClientError)]` is a
//! compile error with a span and a message that says what to do. `TRYBUILD=overwrite` updates
//! the expectations.

#[test]
fn misuse_is_a_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
