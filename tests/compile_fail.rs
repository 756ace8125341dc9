//! The attribute's compile-time behaviour, through trybuild: every misuse in `tests/ui/fail`
//! is a compile error whose `.stderr` shows the message and where it points; every supported
//! form in `tests/ui/pass` compiles (and its `main` runs).
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test compile_fail`,
//! then read it: the caret must sit under the offending tokens.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
