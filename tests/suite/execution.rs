//! Execution semantics: once per node, pruning by overrides, memory release, failures.

use hamilton_core::prelude::*;
use hamilton_core::{NodeSpec, TypeSpec, Value};
use std::sync::atomic::{AtomicUsize, Ordering};

mod once {
    use super::*;

    pub(super) static RUNS: AtomicUsize = AtomicUsize::new(0);

    #[node]
    fn base(x: i64) -> i64 {
        RUNS.fetch_add(1, Ordering::SeqCst);
        x + 1
    }

    #[node]
    fn left(base: i64) -> i64 {
        base * 2
    }

    #[node]
    fn right(base: i64) -> i64 {
        base * 3
    }

    #[node]
    fn both(left: i64, right: i64, base: i64) -> i64 {
        left + right + base
    }

    hamilton_core::module!();
}

#[test]
fn each_node_runs_at_most_once_per_execute() {
    let dr = Driver::builder().with_modules([once::MODULE]).build().unwrap();
    let before = once::RUNS.load(Ordering::SeqCst);
    let out = dr.execute(&["both", "left", "base"], Inputs::new().with("x", 1_i64)).unwrap();
    assert_eq!(once::RUNS.load(Ordering::SeqCst) - before, 1);
    assert_eq!(*out.get::<i64>("both").unwrap(), 4 + 6 + 2);
    assert_eq!(out.names().collect::<Vec<_>>(), vec!["both", "left", "base"], "request order");
}

mod pruned {
    use super::*;

    #[node]
    fn expensive(x: i64) -> i64 {
        panic!("overridden nodes and their upstream must not run ({x})")
    }

    #[node]
    fn downstream(expensive: i64) -> i64 {
        expensive + 1
    }

    hamilton_core::module!();
}

#[test]
fn an_override_replaces_the_node_and_prunes_its_upstream() {
    let dr = Driver::builder().with_modules([pruned::MODULE]).build().unwrap();
    // `x` is not required any more: only `expensive` needed it.
    let out = dr
        .execute_with(&["downstream"], Inputs::new(), Inputs::new().with("expensive", 41_i64))
        .unwrap();
    assert_eq!(*out.get::<i64>("downstream").unwrap(), 42);
}

/// Counts live instances.
pub(crate) struct Tracked;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static LIVE_SEEN_BY_LAST: AtomicUsize = AtomicUsize::new(usize::MAX);

impl Tracked {
    fn new() -> Self {
        LIVE.fetch_add(1, Ordering::SeqCst);
        Tracked
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

mod memory {
    use super::*;

    #[node]
    fn big(seed: &u8) -> Tracked {
        let _ = seed;
        Tracked::new()
    }

    #[node]
    fn summary(big: &Tracked) -> u8 {
        let _ = big;
        1
    }

    #[node]
    fn later(summary: u8) -> u8 {
        LIVE_SEEN_BY_LAST.store(LIVE.load(Ordering::SeqCst), Ordering::SeqCst);
        summary + 1
    }

    hamilton_core::module!();
}

#[test]
fn intermediate_values_are_dropped_after_their_last_consumer() {
    let dr = Driver::builder().with_modules([memory::MODULE]).build().unwrap();
    let base = LIVE.load(Ordering::SeqCst);
    let out = dr.execute(&["later"], Inputs::new().with("seed", 0_u8)).unwrap();
    assert_eq!(*out.get::<u8>("later").unwrap(), 2);
    assert_eq!(
        LIVE_SEEN_BY_LAST.load(Ordering::SeqCst),
        base,
        "`big` was freed before `later` ran"
    );
    // Requested values stay alive in the outputs.
    let out = dr.execute(&["later", "big"], Inputs::new().with("seed", 0_u8)).unwrap();
    assert_eq!(LIVE_SEEN_BY_LAST.load(Ordering::SeqCst), base + 1);
    drop(out);
    assert_eq!(LIVE.load(Ordering::SeqCst), base);
}

#[test]
fn a_100_000_node_chain_runs_without_overflowing_the_stack() {
    let n = 100_000;
    let mut builder = Driver::builder().with_node(crate::plus_one("n0".into(), "x".into()));
    for i in 1..n {
        builder = builder.with_node(crate::plus_one(format!("n{i}"), format!("n{}", i - 1)));
    }
    let dr = builder.build().unwrap();
    let last = format!("n{}", n - 1);
    let run = || {
        let out = dr.execute(&[last.as_str()], Inputs::new().with("x", 0_i64)).unwrap();
        *out.get::<i64>(&last).unwrap()
    };
    // Run on a thread with a small stack: the executor must not recurse per node.
    let result = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn_scoped(s, run)
            .unwrap()
            .join()
            .unwrap()
    });
    assert_eq!(result, n as i64);
}

mod failing {
    use super::*;

    #[derive(Debug)]
    pub(super) struct Unreadable(pub(super) String);

    impl std::fmt::Display for Unreadable {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "cannot read {}", self.0)
        }
    }

    impl std::error::Error for Unreadable {}

    #[node]
    fn loaded(path: &str) -> Result<String, Unreadable> {
        if path.starts_with('/') {
            Ok(format!("contents of {path}"))
        } else {
            Err(Unreadable(path.to_string()))
        }
    }

    #[node]
    fn checked(loaded: &str, limit: usize) -> usize {
        assert!(loaded.len() <= limit, "{} bytes exceed the limit of {limit}", loaded.len());
        loaded.len()
    }

    hamilton_core::module!();
}

#[test]
fn a_node_returning_err_stops_the_run_naming_the_node_and_the_cause() {
    let dr = Driver::builder().with_modules([failing::MODULE]).build().unwrap();
    let err = dr
        .execute(&["checked"], Inputs::new().with("path", "relative").with("limit", 100_usize))
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H013"]);
    let msg = err.to_string();
    assert!(
        msg.starts_with("error[H013]: node `loaded` (fn loaded at tests/suite/execution.rs:"),
        "{msg}"
    );
    assert!(msg.ends_with("failed: cannot read relative"), "{msg}");
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.downcast_ref::<failing::Unreadable>().is_some());
}

#[test]
fn a_panicking_node_becomes_an_error_and_the_driver_stays_usable() {
    let dr = Driver::builder().with_modules([failing::MODULE]).build().unwrap();
    let err = dr
        .execute(&["checked"], Inputs::new().with("path", "/a/long/path").with("limit", 3_usize))
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H014"]);
    let msg = err.to_string();
    assert!(
        msg.starts_with("error[H014]: node `checked` (fn checked at tests/suite/execution.rs:"),
        "{msg}"
    );
    assert!(msg.ends_with("panicked: 24 bytes exceed the limit of 3"), "{msg}");
    // Same driver, next request: works.
    let out = dr
        .execute(&["checked"], Inputs::new().with("path", "/a").with("limit", 100_usize))
        .unwrap();
    assert_eq!(*out.get::<usize>("checked").unwrap(), 14);
}

#[test]
fn a_driver_is_shared_across_threads() {
    let dr = Driver::builder().with_modules([once::MODULE]).build().unwrap();
    std::thread::scope(|s| {
        for t in 0..4_i64 {
            let dr = &dr;
            s.spawn(move || {
                for _ in 0..50 {
                    let out = dr.execute(&["both"], Inputs::new().with("x", t)).unwrap();
                    assert_eq!(*out.get::<i64>("both").unwrap(), 6 * (t + 1));
                }
            });
        }
    });
}

#[test]
fn a_run_time_node_returning_another_type_than_declared_fails_at_that_node() {
    let liar =
        NodeSpec::dynamic("liar", Vec::new(), TypeSpec::of::<i64>(""), |_| Ok(Value::new("text")));
    let dr = Driver::builder().with_node(liar).build().unwrap();
    let err = dr.execute(&["liar"], Inputs::new()).unwrap_err();
    assert_eq!(err.codes(), vec!["H013"]);
    assert!(
        err.to_string().ends_with("failed: returned a value that is not its declared i64"),
        "{err}"
    );
}

#[test]
fn errors_debug_print_their_readable_message() {
    let dr = Driver::builder().with_modules([once::MODULE]).build().unwrap();
    let err = dr.execute(&["bothh"], Inputs::new()).unwrap_err();
    assert_eq!(format!("{err:?}"), err.to_string());
}
