//! Integration tests of hamilton-core: one module per behaviour.

mod asynchronous;
mod config;
mod error_codes;
mod execution;
mod executor_equivalence;
mod features;
mod hooks;
mod lineage;
mod macro_names;
mod map_collect;
mod materialize;
mod modifiers;
mod parallel;
mod params;
mod quality;
mod requests;
mod results;
mod run_report;
mod validation;
mod validators;
mod viz;
mod wiring;

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

/// A node made at run time: `name = dep + 1` on `i64`, taking `dep` by value.
pub(crate) fn plus_one(name: String, dep: String) -> hamilton_core::NodeSpec {
    use hamilton_core::{NodeSpec, ParamKind, ParamSpec, TypeSpec, Value};
    NodeSpec::dynamic(
        name,
        vec![ParamSpec::new(dep, TypeSpec::of::<i64>(""), ParamKind::Owned)],
        TypeSpec::of::<i64>(""),
        |args| Ok(Value::new(args.owned::<i64>(0)? + 1)),
    )
}
