//! Integration tests of hamilton-core: one module per behaviour.

mod config;
mod execution;
mod lineage;
mod params;
mod requests;
mod validation;

/// `tests/suite/<file>:<line>` of the `nth` line of `src` (that file's text) containing `needle`:
/// where error messages should point, without hard-coding line numbers.
pub(crate) fn at(src: &str, file: &str, needle: &str, nth: usize) -> String {
    let line = src
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle) && !l.contains("at(SRC"))
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not found in {file}"));
    format!("tests/suite/{file}:{line}")
}
