//! Request validation at execute (and validate_execution): before any node runs, every problem.

use crate::at;
use hamilton_core::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

const SRC: &str = include_str!("requests.rs");

static RUNS: AtomicUsize = AtomicUsize::new(0);

mod pipeline {
    use super::*;

    #[node]
    fn raw(path: &str, limit: usize) -> Vec<f64> {
        RUNS.fetch_add(1, Ordering::SeqCst);
        path.split(',').take(limit).map(|s| s.trim().parse().unwrap()).collect()
    }

    #[node]
    fn mean(raw: &[f64]) -> f64 {
        RUNS.fetch_add(1, Ordering::SeqCst);
        raw.iter().sum::<f64>() / raw.len() as f64
    }

    #[node]
    fn scaled(mean: f64, limit: &usize) -> f64 {
        RUNS.fetch_add(1, Ordering::SeqCst);
        mean * *limit as f64
    }

    hamilton_core::module!();
}

fn driver() -> Driver {
    Driver::builder()
        .with_modules([pipeline::MODULE])
        .with_config(Config::new().with("mode", "fast"))
        .build()
        .unwrap()
}

#[test]
fn a_missing_input_lists_every_consumer_with_its_location() {
    let err = driver().execute(&["scaled"], Inputs::new().with("path", "1,2")).unwrap_err();
    assert_eq!(err.codes(), vec!["H010"]);
    let msg = err.to_string();
    assert!(
        msg.contains("error[H010]: required input `limit` (usize) was not provided; needed by:"),
        "{msg}"
    );
    let raw = at(SRC, "requests.rs", "fn raw(", 0);
    let scaled = at(SRC, "requests.rs", "fn scaled(", 0);
    assert!(msg.contains(&format!("`raw`: fn raw at {raw}")), "{msg}");
    assert!(msg.contains(&format!("`scaled`: fn scaled at {scaled}")), "{msg}");
}

#[test]
fn unknown_outputs_get_a_did_you_mean() {
    let err = driver().execute(&["maen", "scaled"], Inputs::new()).unwrap_err();
    // The unknown output and the missing inputs of the known one come together.
    assert_eq!(err.codes(), vec!["H011", "H010", "H010"]);
    assert!(err.to_string().contains("error[H011]: unknown requested output `maen`: no node has this name\n  help: did you mean `mean`?"), "{err}");
}

#[test]
fn keys_in_both_config_and_inputs_are_rejected() {
    let inputs = Inputs::new().with("path", "1").with("limit", 1_usize).with("mode", "slow");
    let err = driver().execute(&["mean"], inputs).unwrap_err();
    assert_eq!(err.codes(), vec!["H009"]);
    assert_eq!(
        err.to_string(),
        "error[H009]: keys present in both config and inputs: `mode`; config and inputs must be \
         disjoint"
    );
}

#[test]
fn an_input_of_the_wrong_type_is_caught_before_any_node_runs() {
    let before = RUNS.load(Ordering::SeqCst);
    let inputs = Inputs::new().with("path", 3_i32).with("limit", 2_u64);
    let err = driver().execute(&["scaled"], inputs).unwrap_err();
    assert_eq!(RUNS.load(Ordering::SeqCst), before, "no node may run");
    assert_eq!(err.codes(), vec!["H012", "H012"]);
    let msg = err.to_string();
    assert!(msg.contains("input `path` has type i32, but the graph needs String"), "{msg}");
    assert!(msg.contains("input `limit` has type u64, but the graph needs usize"), "{msg}");
    assert!(
        msg.contains(&format!(
            "needed by `raw`: fn raw at {}",
            at(SRC, "requests.rs", "fn raw(", 0)
        )),
        "{msg}"
    );
}

#[test]
fn an_override_of_the_wrong_type_is_rejected() {
    let err = driver()
        .execute_with(
            &["scaled"],
            Inputs::new().with("limit", 2_usize),
            Inputs::new().with("mean", 1_i32),
        )
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H012"]);
    assert!(
        err.to_string().contains("override `mean` has type i32, but the graph needs f64"),
        "{err}"
    );
}

#[test]
fn an_unknown_override_is_rejected_with_a_suggestion() {
    let err = driver()
        .execute_with(
            &["mean"],
            Inputs::new().with("path", "1").with("limit", 1_usize),
            Inputs::new().with("maen", 1.0),
        )
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H017"]);
    assert!(
        err.to_string()
            == "error[H017]: override `maen` names no node\n  help: did you mean `mean`?",
        "{err}"
    );
}

#[test]
fn an_input_naming_a_computed_node_points_to_overrides() {
    let inputs = Inputs::new().with("path", "1").with("limit", 1_usize).with("mean", 2.0);
    let err = driver().execute(&["scaled"], inputs).unwrap_err();
    assert_eq!(err.codes(), vec!["H018"]);
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "error[H018]: input `mean` names a computed node (fn mean at tests/suite/requests.rs:"
        ),
        "{msg}"
    );
    assert!(msg.contains("pass it as an override"), "{msg}");
}

#[test]
fn validate_execution_reports_what_execute_would_without_running() {
    let before = RUNS.load(Ordering::SeqCst);
    let dr = driver();
    let err = dr
        .validate_execution(&["scaled", "nope"], &Inputs::new().with("path", 1_u8), &Inputs::new())
        .unwrap_err();
    // The wrong-type input, the unknown output and the missing input come together.
    assert_eq!(err.codes(), vec!["H012", "H011", "H010"]);
    let ok = Inputs::new().with("path", "1,2").with("limit", 2_usize);
    dr.validate_execution(&["scaled"], &ok, &Inputs::new()).unwrap();
    assert_eq!(RUNS.load(Ordering::SeqCst), before, "validation runs nothing");
}

#[test]
fn reading_an_output_as_the_wrong_type_names_both_types() {
    let out = driver()
        .execute(&["mean"], Inputs::new().with("path", "1,3").with("limit", 2_usize))
        .unwrap();
    let err = out.get::<f32>("mean").unwrap_err();
    assert_eq!(err.codes(), vec!["H015"]);
    assert_eq!(err.to_string(), "error[H015]: output `mean` has type f64, but it was read as f32");
}

#[test]
fn reading_an_output_that_was_not_requested_lists_what_was() {
    let mut out = driver()
        .execute(&["mean"], Inputs::new().with("path", "1,3").with("limit", 2_usize))
        .unwrap();
    let err = out.get::<f64>("raw").unwrap_err();
    assert_eq!(err.codes(), vec!["H016"]);
    assert_eq!(
        err.to_string(),
        "error[H016]: output `raw` was not requested; the request asked for `mean`"
    );
    assert_eq!(out.take::<f64>("mean").unwrap(), 2.0);
    assert!(out.is_empty());
}

#[test]
fn a_requested_input_is_returned_as_given() {
    let out = driver().execute(&["path"], Inputs::new().with("path", "x")).unwrap();
    assert_eq!(out.get::<String>("path").unwrap(), "x");
    let err = driver().execute(&["path"], Inputs::new()).unwrap_err();
    assert!(
        err.to_string().contains(
            "required input `path` (String) was not provided; it was requested as an output"
        ),
        "{err}"
    );
}

#[test]
fn taking_an_output_as_the_wrong_type_leaves_it_in_place() {
    let mut out = driver()
        .execute(&["mean"], Inputs::new().with("path", "1,3").with("limit", 2_usize))
        .unwrap();
    assert_eq!(out.take::<i64>("mean").unwrap_err().codes(), vec!["H015"]);
    assert_eq!(out.take::<f64>("mean").unwrap(), 2.0);
}

#[test]
fn reading_an_output_after_take_says_it_was_taken() {
    let mut out = driver()
        .execute(&["mean", "raw"], Inputs::new().with("path", "1,3").with("limit", 2_usize))
        .unwrap();
    assert_eq!(out.take::<f64>("mean").unwrap(), 2.0);
    let err = out.get::<f64>("mean").unwrap_err();
    assert_eq!(err.codes(), vec!["H016"]);
    assert_eq!(
        err.to_string(),
        "error[H016]: output `mean` was already taken out with `take`; the outputs left are `raw`"
    );
    out.take::<Vec<f64>>("raw").unwrap();
    assert_eq!(
        out.take::<f64>("mean").unwrap_err().to_string(),
        "error[H016]: output `mean` was already taken out with `take`; no output is left"
    );
}

#[test]
fn a_wrong_type_input_is_needed_by_a_function_of_the_request() {
    // `limit` is taken by `raw` and `scaled`; with `raw` overridden, only `scaled` runs.
    let err = driver()
        .execute_with(
            &["scaled"],
            Inputs::new().with("limit", 2_u64),
            Overrides::new().with("raw", vec![1.0_f64]),
        )
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H012"]);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H012]: input `limit` has type u64, but the graph needs usize\n  \
             needed by `scaled`: fn scaled at {}",
            at(SRC, "requests.rs", "fn scaled(", 0)
        )
    );
    // An override that only the request itself asks for is needed by no function.
    let err = driver()
        .execute_with(&["mean"], Inputs::new(), Overrides::new().with("mean", 1_i32))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error[H012]: override `mean` has type i32, but the graph needs f64"
    );
}

#[test]
fn debug_output_of_what_users_print_is_plain() {
    let out = driver()
        .execute(&["mean", "raw"], Inputs::new().with("path", "1,3").with("limit", 2_usize))
        .unwrap();
    assert_eq!(format!("{out:?}"), "Outputs { mean: f64, raw: Vec<f64> }");
    assert_eq!(format!("{:?}", out.names()), r#"["mean", "raw"]"#);
    let inputs = Inputs::new().with("path", "1,3").with("limit", 2_usize).with("on", true);
    assert_eq!(format!("{inputs:?}"), r#"Inputs { limit: 2_usize, on: true, path: "1,3" }"#);
    assert_eq!(
        format!("{:?}", Config::new().with("rows", vec![1_u8]).with("c", 'x')),
        "Config { c: 'x', rows: <Vec<u8>> }"
    );
}

#[test]
fn a_single_problem_prints_without_a_count() {
    let err = driver().execute(&["maen"], Inputs::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "error[H011]: unknown requested output `maen`: no node has this name\n  help: did you mean `mean`?"
    );
    let two = driver().execute(&["maen", "nope"], Inputs::new()).unwrap_err().to_string();
    assert!(two.starts_with("2 problems found:\n\nerror[H011]"), "{two}");
}
