//! Misuse of the macros is a compile error at the offending token: one case per file in `cases/`,
//! with the expected compiler output beside it (`.stderr`).

#[test]
fn macro_misuse_is_a_spanned_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("cases/*.rs");
}
