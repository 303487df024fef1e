//! `#[check_output]` in the graph: x_raw, validator result nodes, the validated x, warn and fail.

use crate::at;
use hamilton_core::prelude::*;
use hamilton_core::quality::{Importance, ValidationResult, Validator};
use hamilton_core::{Cause, VariableKind};
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const SRC: &str = include_str!("quality.rs");

const DQ_RESULTS: &str = "hamilton.data_quality.contains_dq_results";
const DQ_SOURCE: &str = "hamilton.data_quality.source_node";

fn names(vars: Vec<hamilton_core::Variable<'_>>) -> Vec<&str> {
    vars.iter().map(|v| v.name()).collect()
}

// ---------------------------------------------------------------------------------------------
// The graph shape, with a `warn` validator

static TOTALS: AtomicUsize = AtomicUsize::new(0);

mod sensors {
    use super::*;

    /// Readings, scaled.
    #[node]
    #[tag(owner = "ops")]
    #[check_output(range = (0, 100))]
    fn scaled(readings: &[f64], factor: &f64) -> Vec<f64> {
        readings.iter().map(|r| r * factor).collect()
    }

    #[node]
    fn total(scaled: &[f64]) -> f64 {
        TOTALS.fetch_add(1, Ordering::SeqCst);
        scaled.iter().sum()
    }

    /// Takes the validated value by value.
    #[node]
    fn sorted(mut scaled: Vec<f64>) -> Vec<f64> {
        scaled.sort_by(f64::total_cmp);
        scaled
    }

    hamilton_core::module!();
}

fn sensors() -> Driver {
    Driver::builder().with_modules([sensors::MODULE]).build().unwrap()
}

fn readings(values: &[f64]) -> Inputs {
    Inputs::new().with("readings", values.to_vec()).with("factor", 1.0_f64)
}

#[test]
fn a_validated_node_becomes_raw_validator_and_final_nodes() {
    let dr = sensors();
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new())),
        vec![
            "factor",
            "readings",
            "scaled",
            "scaled_range_validator",
            "scaled_raw",
            "sorted",
            "total"
        ]
    );
    let line = at(SRC, "quality.rs", "fn scaled(", 0);
    for name in ["scaled_raw", "scaled_range_validator", "scaled"] {
        let v = dr.variable(name).unwrap();
        assert_eq!(v.kind(), VariableKind::Function);
        let site = v.site().unwrap();
        assert_eq!(format!("{}:{}", site.file, site.line), line, "{name}");
        assert_eq!(site.function, "scaled", "{name}");
        assert_eq!(v.module(), Some("suite::quality::sensors"));
    }

    let raw = dr.variable("scaled_raw").unwrap();
    assert_eq!(raw.type_name(), "alloc::vec::Vec<f64>");
    assert_eq!(raw.required_dependencies(), vec!["readings", "factor"]);
    assert_eq!(raw.doc(), "Readings, scaled.");
    assert_eq!(raw.tag("owner"), Some("ops"));
    assert_eq!(raw.tag(DQ_RESULTS), None);

    let validator = dr.variable("scaled_range_validator").unwrap();
    assert_eq!(validator.type_name(), std::any::type_name::<ValidationResult>());
    assert_eq!(validator.required_dependencies(), vec!["scaled_raw"]);
    assert_eq!(validator.doc(), "every value lies within [0, 100]");
    assert_eq!(validator.tag(DQ_RESULTS), Some("true"));
    assert_eq!(validator.tag(DQ_SOURCE), Some("scaled"));

    let scaled = dr.variable("scaled").unwrap();
    assert_eq!(scaled.type_name(), "alloc::vec::Vec<f64>");
    assert_eq!(scaled.required_dependencies(), vec!["scaled_raw", "scaled_range_validator"]);
    assert_eq!(scaled.doc(), "Readings, scaled.");
    assert_eq!(scaled.tag("owner"), Some("ops"));
    assert_eq!(scaled.tag(DQ_SOURCE), None);
}

#[test]
fn validator_nodes_are_found_by_their_tags() {
    let dr = sensors();
    let results = dr.list_available_variables(&TagFilter::new().equals(DQ_RESULTS, "true"));
    assert_eq!(names(results), vec!["scaled_range_validator"]);
    let of_scaled = dr.list_available_variables(&TagFilter::new().equals(DQ_SOURCE, "scaled"));
    assert_eq!(names(of_scaled), vec!["scaled_range_validator"]);
    // Result nodes also carry the function's tags, as in Hamilton.
    let owned = dr.list_available_variables(&TagFilter::new().equals("owner", "ops"));
    assert_eq!(names(owned), vec!["scaled", "scaled_range_validator", "scaled_raw"]);
}

#[test]
fn raw_value_validator_results_and_validated_value_can_all_be_requested() {
    let dr = sensors();
    let out = dr
        .execute(
            &["scaled", "scaled_raw", "scaled_range_validator", "total", "sorted"],
            readings(&[30.0, 10.0, 20.0]),
        )
        .unwrap();
    let raw = out.get_arc::<Vec<f64>>("scaled_raw").unwrap();
    let validated = out.get_arc::<Vec<f64>>("scaled").unwrap();
    assert_eq!(*validated, vec![30.0, 10.0, 20.0]);
    assert!(Arc::ptr_eq(&raw, &validated), "the validated value is the raw value, not a copy");
    let result = out.get::<ValidationResult>("scaled_range_validator").unwrap();
    assert!(result.passes);
    assert_eq!(result.message, "all 3 values are within [0, 100]");
    assert_eq!(result.validator, "range_validator");
    assert_eq!(result.importance, Importance::Warn);
    assert_eq!(*out.get::<f64>("total").unwrap(), 60.0);
    assert_eq!(out.get::<Vec<f64>>("sorted").unwrap(), &vec![10.0, 20.0, 30.0]);
    // The raw value was shared with the validated node, so sorting it took a copy.
    assert_eq!(*raw, vec![30.0, 10.0, 20.0]);

    // Each alone.
    let out = dr.execute(&["scaled_range_validator"], readings(&[1.0, 500.0])).unwrap();
    assert!(!out.get::<ValidationResult>("scaled_range_validator").unwrap().passes);
    let out = dr.execute(&["scaled_raw"], readings(&[1.0, 500.0])).unwrap();
    assert_eq!(out.get::<Vec<f64>>("scaled_raw").unwrap(), &vec![1.0, 500.0]);
}

#[test]
fn a_missing_input_names_the_raw_node() {
    let dr = sensors();
    let err = dr.execute(&["scaled"], Inputs::new().with("readings", vec![1.0_f64])).unwrap_err();
    assert_eq!(err.codes(), ["H010"]);
    let line = at(SRC, "quality.rs", "fn scaled(", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H010]: required input `factor` (f64) was not provided; \
             needed by:\n  `scaled_raw`: fn scaled at {line}"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// warn: log through `tracing` and go on

/// A `tracing` subscriber that keeps every event as `LEVEL target: field=value ...`.
pub(crate) mod capture {
    use std::fmt::{self, Write as _};
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::subscriber::Interest;
    use tracing::{Event, Metadata, Subscriber, span};

    #[derive(Clone, Default)]
    pub(crate) struct Events(Arc<Mutex<Vec<String>>>);

    impl Events {
        /// Runs `f` with this subscriber as the thread's default; returns `f`'s value and the
        /// events it logged.
        pub(crate) fn during<R>(f: impl FnOnce() -> R) -> (R, Vec<String>) {
            let events = Events::default();
            let value = tracing::subscriber::with_default(events.clone(), f);
            let logged = events.0.lock().unwrap().clone();
            (value, logged)
        }
    }

    struct Fields<'a>(&'a mut String);

    impl Visit for Fields<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, " {}={value}", field.name());
        }
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    impl Subscriber for Events {
        fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
            Interest::sometimes()
        }
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
            span::Id::from_u64(1)
        }
        fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
        fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
        fn event(&self, event: &Event<'_>) {
            let meta = event.metadata();
            let mut text = format!("{} {}:", meta.level(), meta.target());
            event.record(&mut Fields(&mut text));
            self.0.lock().unwrap().push(text);
        }
        fn enter(&self, _: &span::Id) {}
        fn exit(&self, _: &span::Id) {}
    }
}

#[test]
fn a_failing_warn_validator_logs_a_warning_and_the_run_goes_on() {
    let dr = sensors();
    let before = TOTALS.load(Ordering::SeqCst);
    let (out, events) = capture::Events::during(|| {
        dr.execute(&["total", "scaled"], readings(&[50.0, 150.0, -1.0]))
    });
    let out = out.unwrap();
    assert_eq!(TOTALS.load(Ordering::SeqCst) - before, 1, "downstream ran");
    assert_eq!(out.get::<Vec<f64>>("scaled").unwrap(), &vec![50.0, 150.0, -1.0]);
    assert_eq!(*out.get::<f64>("total").unwrap(), 199.0);
    assert_eq!(
        events,
        vec![
            "WARN hamilton::data_quality: message=data validation failed for node `scaled`: \
             range_validator: \
             2 of 3 values are outside [0, 100]; the first is 150 at index 1 \
             (range: [0, 100], value: 150, index: 1, outside: 2) node=scaled validator=range_validator"
        ]
    );
}

#[test]
fn a_passing_validator_logs_nothing() {
    let dr = sensors();
    let (out, events) = capture::Events::during(|| dr.execute(&["total"], readings(&[1.0])));
    assert_eq!(*out.unwrap().get::<f64>("total").unwrap(), 1.0);
    assert_eq!(events, Vec::<String>::new());
}

#[test]
fn the_warning_names_the_validated_node() {
    let dr = sensors();
    let (out, events) = capture::Events::during(|| dr.execute(&["scaled"], readings(&[150.0])));
    out.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].contains("scaled"), "which node failed? {}", events[0]);
}

// ---------------------------------------------------------------------------------------------
// fail: error H020

static CLEAN_RUNS: AtomicUsize = AtomicUsize::new(0);
static REPORTS: AtomicUsize = AtomicUsize::new(0);

mod strict {
    use super::*;

    #[node]
    #[check_output(range = (0, 10), allow_nans = false, importance = "fail")]
    #[check_output(max_fraction_nans = 0.5, importance = "fail")]
    #[check_output(mean_in_range = (100, 200))]
    fn cleaned(values: &[f64]) -> Vec<f64> {
        CLEAN_RUNS.fetch_add(1, Ordering::SeqCst);
        values.to_vec()
    }

    #[node]
    fn report(cleaned: &[f64]) -> usize {
        REPORTS.fetch_add(1, Ordering::SeqCst);
        cleaned.len()
    }

    hamilton_core::module!();
}

fn strict() -> Driver {
    Driver::builder().with_modules([strict::MODULE]).build().unwrap()
}

fn values(v: &[f64]) -> Inputs {
    Inputs::new().with("values", v.to_vec())
}

#[test]
fn a_failing_fail_validator_stops_the_run_with_h020() {
    let dr = strict();
    let reports = REPORTS.load(Ordering::SeqCst);
    // 50 is out of range; 1 NaN in 3 is too many for allow_nans but not for max_fraction_nans;
    // the mean is out of range too, but that validator only warns.
    let err = dr.execute(&["report"], values(&[1.0, 50.0, f64::NAN])).unwrap_err();
    assert_eq!(REPORTS.load(Ordering::SeqCst), reports, "downstream did not run");
    assert_eq!(err.codes(), ["H020"]);
    let line = at(SRC, "quality.rs", "fn cleaned(", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H020]: data validation failed for node `cleaned` (fn cleaned at {line}): \
             2 validators of importance `fail` did not pass\n  \
             - range_validator: 1 of 3 values are outside [0, 10]; the first is 50 at index 1 \
             (range: [0, 10], value: 50, index: 1, outside: 1)\n  \
             - allow_nans_validator: 1 of 3 values are NaN or null; the first is at index 2 \
             (index: 2, nans: 1)"
        )
    );
    assert!(std::error::Error::source(&err).is_none());
    let Error::NodeFailed(failure) = &err else { panic!("{err}") };
    assert_eq!(failure.site.node, "cleaned");
    assert_eq!(failure.site.function, "cleaned");
    let Cause::Validation(failed) = &failure.cause else { panic!("{err}") };
    let failed: Vec<(&str, Importance)> =
        failed.iter().map(|r| (r.validator.as_str(), r.importance)).collect();
    assert_eq!(
        failed,
        [("range_validator", Importance::Fail), ("allow_nans_validator", Importance::Fail)]
    );
}

#[test]
fn one_failing_fail_validator_is_reported_in_the_singular() {
    let dr = strict();
    let err = dr.execute(&["cleaned"], values(&[1.0, 2.0, 11.0])).unwrap_err();
    let line = at(SRC, "quality.rs", "fn cleaned(", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H020]: data validation failed for node `cleaned` (fn cleaned at {line}): \
             1 validator of importance `fail` did not pass\n  \
             - range_validator: 1 of 3 values are outside [0, 10]; the first is 11 at index 2 \
             (range: [0, 10], value: 11, index: 2, outside: 1)"
        )
    );
}

#[test]
fn only_failing_warn_validators_let_the_run_go_on() {
    let dr = strict();
    // Every fail validator passes; mean_in_range (warn) fails.
    let (out, events) = capture::Events::during(|| dr.execute(&["report"], values(&[1.0, 2.0])));
    assert_eq!(*out.unwrap().get::<usize>("report").unwrap(), 2);
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].contains("mean_in_range_validator: the mean 1.5 is outside [100, 200]"));
}

#[test]
fn the_results_of_failing_fail_validators_can_still_be_requested() {
    let dr = strict();
    let runs = CLEAN_RUNS.load(Ordering::SeqCst);
    let requested = [
        "cleaned_range_validator",
        "cleaned_allow_nans_validator",
        "cleaned_max_fraction_nans_validator",
        "cleaned_mean_in_range_validator",
        "cleaned_raw",
    ];
    let out = dr.execute(&requested, values(&[f64::NAN, 50.0])).unwrap();
    assert_eq!(CLEAN_RUNS.load(Ordering::SeqCst) - runs, 1, "the function ran once");
    let summary: Vec<(String, bool, Importance)> = requested[..4]
        .iter()
        .map(|n| {
            let r = out.get::<ValidationResult>(n).unwrap();
            (r.validator.clone(), r.passes, r.importance)
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("range_validator".to_string(), false, Importance::Fail),
            ("allow_nans_validator".to_string(), false, Importance::Fail),
            ("max_fraction_nans_validator".to_string(), true, Importance::Fail),
            ("mean_in_range_validator".to_string(), false, Importance::Warn),
        ]
    );
    assert_eq!(out.get::<Vec<f64>>("cleaned_raw").unwrap()[1], 50.0);
}

#[test]
fn overriding_the_raw_node_validates_the_override_and_overriding_the_node_skips_validation() {
    let dr = strict();
    let runs = CLEAN_RUNS.load(Ordering::SeqCst);
    let err = dr
        .execute_with(&["report"], Inputs::new(), Overrides::new().with("cleaned_raw", vec![99.0]))
        .unwrap_err();
    assert_eq!(err.codes(), ["H020"]);
    assert!(err.to_string().contains("- range_validator: 1 of 1 values are outside [0, 10]"));
    let out = dr
        .execute_with(&["report"], Inputs::new(), Overrides::new().with("cleaned", vec![99.0]))
        .unwrap();
    assert_eq!(*out.get::<usize>("report").unwrap(), 1);
    assert_eq!(CLEAN_RUNS.load(Ordering::SeqCst), runs, "the function never ran");
}

#[test]
fn the_same_validator_twice_gets_a_numbered_node() {
    mod twice {
        use super::*;

        #[node]
        #[check_output(range = (0, 10))]
        #[check_output(range = (0, 5), importance = "fail")]
        fn level(raw_level: &i64) -> i64 {
            *raw_level
        }

        hamilton_core::module!();
    }

    let dr = Driver::builder().with_modules([twice::MODULE]).build().unwrap();
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new().equals(DQ_SOURCE, "level"))),
        vec!["level_range_validator", "level_range_validator_1"]
    );
    assert_eq!(
        dr.variable("level_range_validator_1").unwrap().doc(),
        "the value lies within [0, 5]"
    );
    let out = dr
        .execute(
            &["level_range_validator", "level_range_validator_1"],
            Inputs::new().with("raw_level", 7_i64),
        )
        .unwrap();
    let first = out.get::<ValidationResult>("level_range_validator").unwrap();
    let second = out.get::<ValidationResult>("level_range_validator_1").unwrap();
    assert!(first.passes && first.importance == Importance::Warn);
    assert!(!second.passes && second.importance == Importance::Fail);
    let err = dr.execute(&["level"], Inputs::new().with("raw_level", 7_i64)).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "1 validator of importance `fail` did not pass\n  \
             - range_validator_1: 7 is outside [0, 5] (range: [0, 5], value: 7)"
        ),
        "{err}"
    );
    let out = dr.execute(&["level"], Inputs::new().with("raw_level", 3_i64)).unwrap();
    assert_eq!(*out.get::<i64>("level").unwrap(), 3);
}

// ---------------------------------------------------------------------------------------------
// Config variants, names, fallible functions

mod variants {
    use super::*;

    #[node]
    #[config_when(mode = "strict")]
    #[check_output(range = (0, 10), importance = "fail")]
    fn threshold__strict(raw_threshold: &i64) -> i64 {
        *raw_threshold
    }

    #[node]
    #[config_when(mode = "loose")]
    fn threshold__loose(raw_threshold: &i64) -> i64 {
        *raw_threshold * 2
    }

    #[node]
    #[config_when_default]
    #[check_output(values_in = [1, 2])]
    fn threshold__fallback() -> i64 {
        1
    }

    #[node]
    fn alert(threshold: i64) -> bool {
        threshold > 5
    }

    hamilton_core::module!();
}

fn variants(mode: Option<&str>) -> Driver {
    let config = match mode {
        Some(m) => Config::new().with("mode", m.to_string()),
        None => Config::new(),
    };
    Driver::builder().with_modules([variants::MODULE]).with_config(config).build().unwrap()
}

#[test]
fn a_config_variant_with_validators_expands_and_one_without_does_not() {
    let strict = variants(Some("strict"));
    assert_eq!(
        names(strict.list_available_variables(&TagFilter::new())),
        vec![
            "alert",
            "mode",
            "raw_threshold",
            "threshold",
            "threshold_range_validator",
            "threshold_raw"
        ]
    );
    let err = strict.execute(&["alert"], Inputs::new().with("raw_threshold", 50_i64)).unwrap_err();
    let line = at(SRC, "quality.rs", "fn threshold__strict(", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H020]: data validation failed for node `threshold` (fn threshold__strict at \
             {line}): 1 validator of importance `fail` did not pass\n  \
             - range_validator: 50 is outside [0, 10] (range: [0, 10], value: 50)"
        )
    );
    let out = strict.execute(&["alert"], Inputs::new().with("raw_threshold", 6_i64)).unwrap();
    assert!(*out.get::<bool>("alert").unwrap());

    let loose = variants(Some("loose"));
    assert_eq!(
        names(loose.list_available_variables(&TagFilter::new())),
        vec!["alert", "mode", "raw_threshold", "threshold"]
    );
    let out = loose.execute(&["threshold"], Inputs::new().with("raw_threshold", 50_i64)).unwrap();
    assert_eq!(*out.get::<i64>("threshold").unwrap(), 100);
    let err = loose.execute(&["threshold_raw"], Inputs::new()).unwrap_err();
    assert_eq!(err.codes(), ["H011"]);
}

#[test]
fn a_default_variant_with_validators_expands_only_when_it_applies() {
    let fallback = variants(None);
    assert_eq!(
        names(fallback.list_available_variables(&TagFilter::new())),
        vec!["alert", "threshold", "threshold_raw", "threshold_values_in_validator"]
    );
    let out = fallback.execute(&["alert", "threshold_values_in_validator"], Inputs::new()).unwrap();
    assert!(!*out.get::<bool>("alert").unwrap());
    assert!(out.get::<ValidationResult>("threshold_values_in_validator").unwrap().passes);

    let other = variants(Some("other"));
    assert_eq!(
        names(other.list_available_variables(&TagFilter::new())),
        vec!["alert", "mode", "threshold", "threshold_raw", "threshold_values_in_validator"]
    );
    // A variant that applies hides the default's validators too.
    let loose = variants(Some("loose"));
    assert!(loose.variable("threshold_values_in_validator").is_none());
}

#[test]
fn a_config_entry_replaces_a_validated_node_and_its_validators() {
    let dr = Driver::builder()
        .with_modules([variants::MODULE])
        .with_config(Config::new().with("mode", "strict").with("threshold", 99_i64))
        .build()
        .unwrap();
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new())),
        vec!["alert", "mode", "threshold"]
    );
    let out = dr.execute(&["alert"], Inputs::new()).unwrap();
    assert!(*out.get::<bool>("alert").unwrap());
}

mod renamed {
    use super::*;

    #[derive(Debug)]
    pub(crate) struct BadNumber(pub(crate) String);

    impl std::fmt::Display for BadNumber {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "`{}` is not a number", self.0)
        }
    }

    impl std::error::Error for BadNumber {}

    #[node(name = "port")]
    #[check_output(range = (1, 65535), importance = "fail")]
    fn parse_port(port_text: &str) -> Result<i64, BadNumber> {
        port_text.trim().parse().map_err(|_| BadNumber(port_text.to_string()))
    }

    hamilton_core::module!();
}

#[test]
fn a_renamed_fallible_node_validates_its_ok_value() {
    let dr = Driver::builder().with_modules([renamed::MODULE]).build().unwrap();
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new())),
        vec!["port", "port_range_validator", "port_raw", "port_text"]
    );
    assert_eq!(dr.variable("port_raw").unwrap().type_name(), "i64");
    let run = |text: &str| dr.execute(&["port"], Inputs::new().with("port_text", text.to_string()));
    assert_eq!(*run("8080").unwrap().get::<i64>("port").unwrap(), 8080);

    let line = at(SRC, "quality.rs", "fn parse_port(", 0);
    let err = run("99999").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "error[H020]: data validation failed for node `port` (fn parse_port at {line}): \
             1 validator of importance `fail` did not pass\n  \
             - range_validator: 99999 is outside [1, 65535] (range: [1, 65535], value: 99999)"
        )
    );
    // An `Err` of the function fails the raw node, before any validator runs.
    let err = run("http").unwrap_err();
    assert_eq!(err.codes(), ["H013"]);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H013]: node `port_raw` (fn parse_port at {line}) failed: `http` is not a number"
        )
    );
}

mod plain_amount {
    use super::*;

    #[node]
    fn amount(raw_amount: &i64) -> i64 {
        *raw_amount
    }

    hamilton_core::module!();
}

mod checked_amount {
    use super::*;

    #[node]
    #[check_output(range = (0, 10), importance = "fail")]
    fn amount(raw_amount: &i64) -> i64 {
        *raw_amount
    }

    hamilton_core::module!();
}

#[test]
fn with_module_overrides_the_later_definition_decides_whether_a_node_is_validated() {
    let build = |modules: [hamilton_core::ModuleRef; 2]| {
        Driver::builder().with_modules(modules).allow_module_overrides().build().unwrap()
    };
    let input = || Inputs::new().with("raw_amount", 50_i64);

    let checked = build([plain_amount::MODULE, checked_amount::MODULE]);
    assert_eq!(
        names(checked.list_available_variables(&TagFilter::new())),
        vec!["amount", "amount_range_validator", "amount_raw", "raw_amount"]
    );
    assert_eq!(checked.execute(&["amount"], input()).unwrap_err().codes(), ["H020"]);

    let plain = build([checked_amount::MODULE, plain_amount::MODULE]);
    assert_eq!(
        names(plain.list_available_variables(&TagFilter::new())),
        vec!["amount", "raw_amount"]
    );
    assert_eq!(*plain.execute(&["amount"], input()).unwrap().get::<i64>("amount").unwrap(), 50);
}

// ---------------------------------------------------------------------------------------------
// Names taken by other nodes

mod clash {
    use super::*;

    #[node]
    #[check_output(range = (0, 1))]
    fn share(amount: &f64) -> f64 {
        *amount
    }

    #[node]
    fn share_raw() -> f64 {
        0.5
    }

    #[node]
    fn share_range_validator() -> f64 {
        0.5
    }

    hamilton_core::module!();
}

#[test]
fn a_node_named_like_a_generated_node_is_a_duplicate() {
    let err = Driver::builder().with_modules([clash::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), ["H003", "H003"]);
    let msg = err.to_string();
    let share = at(SRC, "quality.rs", "fn share(", 0);
    let raw = at(SRC, "quality.rs", "fn share_raw(", 0);
    let validator = at(SRC, "quality.rs", "fn share_range_validator(", 0);
    let module = "(module suite::quality::clash)";
    for (name, other) in [("share_raw", raw), ("share_range_validator", validator)] {
        let expected = format!(
            "error[H003]: node `{name}` is defined more than once: the validators of node `share` \
             generate it\n  generated by: fn share at {share} {module}, for #[check_output]\n  \
             also defined: fn {name} at {other} {module}\n  help: rename the other node, or \
             rename `share` with #[node(name = \"...\")]"
        );
        assert!(msg.contains(&expected), "{msg}");
    }
}

// ---------------------------------------------------------------------------------------------
// Lineage

#[test]
fn lineage_goes_through_the_validated_node() {
    let dr = sensors();
    assert_eq!(
        names(dr.what_is_upstream_of(&["total"]).unwrap()),
        vec!["factor", "readings", "scaled", "scaled_range_validator", "scaled_raw", "total"]
    );
    assert_eq!(
        names(dr.what_is_downstream_of(&["readings"]).unwrap()),
        vec!["readings", "scaled", "scaled_range_validator", "scaled_raw", "sorted", "total"]
    );
    assert_eq!(
        names(dr.what_is_downstream_of(&["scaled_range_validator"]).unwrap()),
        vec!["scaled", "scaled_range_validator", "sorted", "total"]
    );
    assert_eq!(
        names(dr.what_is_the_path_between("factor", "sorted").unwrap()),
        vec!["factor", "scaled", "scaled_range_validator", "scaled_raw", "sorted"]
    );
    assert_eq!(
        names(dr.what_is_upstream_of(&["scaled_raw"]).unwrap()),
        vec!["factor", "readings", "scaled_raw"]
    );
}

// ---------------------------------------------------------------------------------------------
// Custom validators

/// At least `min` items; named after its bound, so two of them get two nodes.
pub(crate) struct MinLen(pub(crate) usize);

impl<T: Send + Sync + 'static> Validator<Vec<T>> for MinLen {
    fn name(&self) -> Cow<'static, str> {
        format!("min_len_{}", self.0).into()
    }
    fn description(&self) -> String {
        format!("at least {} items", self.0)
    }
    fn validate(&self, value: &Vec<T>) -> ValidationResult {
        let len = value.len();
        if len >= self.0 {
            ValidationResult::pass(format!("{len} items"))
        } else {
            ValidationResult::fail(format!("{len} items, fewer than {}", self.0))
                .with_diagnostic("len", len)
                .with_diagnostic("missing", self.0 - len)
        }
    }
}

/// Values in ascending order; also checks text.
pub(crate) struct Ascending;

impl Validator<Vec<i64>> for Ascending {
    fn name(&self) -> Cow<'static, str> {
        "ascending".into()
    }
    fn description(&self) -> String {
        "values are in ascending order".into()
    }
    fn validate(&self, v: &Vec<i64>) -> ValidationResult {
        match v.windows(2).position(|w| w[0] > w[1]) {
            None => ValidationResult::pass("in order"),
            Some(i) => ValidationResult::fail(format!("{} comes before {}", v[i], v[i + 1]))
                .with_diagnostic("index", i + 1),
        }
    }
}

impl Validator<String> for Ascending {
    fn name(&self) -> Cow<'static, str> {
        "ascending".into()
    }
    fn description(&self) -> String {
        "characters are in ascending order".into()
    }
    fn validate(&self, v: &String) -> ValidationResult {
        let sorted = v.as_bytes().windows(2).all(|w| w[0] <= w[1]);
        ValidationResult::new(sorted, if sorted { "in order" } else { "out of order" })
    }
}

/// Panics: a bug in a validator.
pub(crate) struct Broken;

impl Validator<String> for Broken {
    fn name(&self) -> Cow<'static, str> {
        "broken".into()
    }
    fn description(&self) -> String {
        "always panics".into()
    }
    fn validate(&self, _: &String) -> ValidationResult {
        panic!("the validator is broken")
    }
}

mod custom {
    use super::*;

    #[node]
    #[check_output_custom(MinLen(2), MinLen(3), Ascending, importance = "fail")]
    #[check_output(range = (0, 100))]
    fn ranks(raw_ranks: &[i64]) -> Vec<i64> {
        raw_ranks.to_vec()
    }

    #[node]
    #[check_output_custom(Ascending)]
    fn letters() -> String {
        "cab".to_string()
    }

    #[node]
    #[check_output_custom(Broken, importance = "fail")]
    fn fragile() -> String {
        String::new()
    }

    hamilton_core::module!();
}

fn custom() -> Driver {
    Driver::builder().with_modules([custom::MODULE]).build().unwrap()
}

#[test]
fn custom_validators_become_nodes_named_after_them() {
    let dr = custom();
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new().equals(DQ_SOURCE, "ranks"))),
        vec!["ranks_ascending", "ranks_min_len_2", "ranks_min_len_3", "ranks_range_validator"]
    );
    assert_eq!(dr.variable("ranks_min_len_3").unwrap().doc(), "at least 3 items");
    assert_eq!(dr.variable("ranks_ascending").unwrap().doc(), "values are in ascending order");
    assert_eq!(
        dr.variable("letters_ascending").unwrap().doc(),
        "characters are in ascending order"
    );
    assert_eq!(dr.variable("letters_ascending").unwrap().tag(DQ_RESULTS), Some("true"));
}

#[test]
fn failing_custom_validators_are_listed_in_h020() {
    let dr = custom();
    let ranks = |v: Vec<i64>| Inputs::new().with("raw_ranks", v);
    let out = dr.execute(&["ranks"], ranks(vec![1, 2, 3])).unwrap();
    assert_eq!(out.get::<Vec<i64>>("ranks").unwrap(), &vec![1, 2, 3]);

    let err = dr.execute(&["ranks"], ranks(vec![500, 2])).unwrap_err();
    assert_eq!(err.codes(), ["H020"]);
    let line = at(SRC, "quality.rs", "fn ranks(", 0);
    // min_len_2 passes, range_validator only warns.
    assert_eq!(
        err.to_string(),
        format!(
            "error[H020]: data validation failed for node `ranks` (fn ranks at {line}): \
             2 validators of importance `fail` did not pass\n  \
             - min_len_3: 2 items, fewer than 3 (len: 2, missing: 1)\n  \
             - ascending: 500 comes before 2 (index: 1)"
        )
    );
}

#[test]
fn a_custom_validator_applies_to_each_type_it_implements() {
    let dr = custom();
    let (out, events) =
        capture::Events::during(|| dr.execute(&["letters", "letters_ascending"], Inputs::new()));
    let out = out.unwrap();
    assert_eq!(out.get::<String>("letters").unwrap(), "cab");
    let result = out.get::<ValidationResult>("letters_ascending").unwrap();
    assert_eq!(result.to_string(), "ascending: out of order");
    assert_eq!(result.importance, Importance::Warn, "warn is the default");
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(events[0].contains("failed for node `letters`: ascending: out of order"), "{events:?}");
}

#[test]
fn a_panicking_validator_fails_its_own_node() {
    let dr = custom();
    let err = dr.execute(&["fragile"], Inputs::new()).unwrap_err();
    assert_eq!(err.codes(), ["H014"]);
    let line = at(SRC, "quality.rs", "fn fragile(", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H014]: node `fragile_broken` (fn fragile at {line}) panicked: the validator is \
             broken"
        )
    );
    // The driver stays usable.
    assert!(dr.execute(&["fragile_raw"], Inputs::new()).is_ok());
}

#[test]
fn validators_run_directly_through_the_trait() {
    assert_eq!(
        MinLen(2).validate(&vec!["a"]).to_string(),
        "1 items, fewer than 2 (len: 1, missing: 1)"
    );
    assert!(Ascending.validate(&vec![1_i64, 1, 2]).passes);
    assert!(!Ascending.validate(&"ba".to_string()).passes);
}

#[test]
fn an_overridden_result_keeps_the_importance_of_its_validator() {
    let dr = strict();
    // A result made by hand says `Warn` (the default), but the check is `importance = "fail"`.
    let forced = ValidationResult::fail("forced by an override");
    assert_eq!(forced.importance, Importance::Warn);
    let err = dr
        .execute_with(
            &["cleaned"],
            values(&[1.0, 2.0]),
            Overrides::new().with("cleaned_range_validator", forced),
        )
        .unwrap_err();
    assert_eq!(err.codes(), ["H020"]);
    assert!(err.to_string().ends_with("\n  - range_validator: forced by an override"), "{err}");
}

#[test]
fn a_config_key_named_like_a_generated_node_replaces_it() {
    let dr = Driver::builder()
        .with_modules([strict::MODULE])
        .with_config(Config::new().with("cleaned_raw", vec![4.0, 6.0]))
        .build()
        .unwrap();
    let raw = dr.variable("cleaned_raw").unwrap();
    assert_eq!(raw.kind(), VariableKind::Config);
    assert_eq!(
        dr.list_available_variables(&TagFilter::new())
            .iter()
            .filter(|v| v.name() == "cleaned_raw")
            .count(),
        1
    );
    // The function is gone, and with it its input `values`.
    assert!(dr.variable("values").is_none());
    let out = dr.execute(&["cleaned"], Inputs::new()).unwrap();
    assert_eq!(out.get::<Vec<f64>>("cleaned").unwrap(), &vec![4.0, 6.0]);
}

mod misconfigured {
    use super::*;
    use hamilton_core::quality::validators::ValuesIn;

    #[node]
    #[check_output(range = (10, 0), max_standard_dev = -1.0)]
    #[check_output(max_fraction_nans = 1.5, importance = "fail")]
    fn level(raw_level: &[f64]) -> Vec<f64> {
        raw_level.to_vec()
    }

    #[node]
    #[check_output(contains = "")]
    #[check_output_custom(ValuesIn::new(Vec::<String>::new()))]
    fn label(level: &[f64]) -> String {
        format!("{} levels", level.len())
    }

    hamilton_core::module!();
}

#[test]
fn validator_arguments_that_cannot_work_are_build_errors() {
    let err = Driver::builder().with_modules([misconfigured::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), ["H022"; 5]);
    let level = at(SRC, "quality.rs", "fn level(raw_level: &[f64])", 0);
    let label = at(SRC, "quality.rs", "fn label(level: &[f64])", 0);
    let help = "help: correct its arguments in #[check_output] / #[check_output_custom]";
    let msg = err.to_string();
    for expected in [
        format!(
            "error[H022]: validator `range_validator` of node `level` (fn level at {level}) cannot \
             work: the lower bound 10 is above the upper bound 0\n  {help}"
        ),
        format!(
            "error[H022]: validator `max_standard_dev_validator` of node `level` (fn level at \
             {level}) cannot work: a standard deviation is at least 0, not -1\n  {help}"
        ),
        format!(
            "error[H022]: validator `max_fraction_nans_validator` of node `level` (fn level at \
             {level}) cannot work: a fraction is between 0 and 1, not 1.5\n  {help}"
        ),
        format!(
            "error[H022]: validator `contains_validator` of node `label` (fn label at {label}) \
             cannot work: the text to look for is empty: every text contains it\n  {help}"
        ),
        format!(
            "error[H022]: validator `values_in_validator` of node `label` (fn label at {label}) \
             cannot work: the list of allowed values is empty: no value would pass\n  {help}"
        ),
    ] {
        assert!(msg.contains(&expected), "{expected}\n---\n{msg}");
    }
}

mod optional {
    use super::*;

    /// The best score of the day, if there was a game.
    #[node]
    #[check_output(range = (0, 100), allow_none = false, importance = "fail")]
    fn best_score(scores: &[f64]) -> Option<f64> {
        scores.iter().copied().reduce(f64::max)
    }

    hamilton_core::module!();
}

#[test]
fn an_option_output_is_checked_when_present_and_refused_when_absent() {
    let dr = Driver::builder().with_modules([optional::MODULE]).build().unwrap();
    let ok = dr.execute(&["best_score"], Inputs::new().with("scores", vec![40.0, 90.0])).unwrap();
    assert_eq!(*ok.get::<Option<f64>>("best_score").unwrap(), Some(90.0));
    let high = dr.execute(&["best_score"], Inputs::new().with("scores", vec![140.0])).unwrap_err();
    assert!(
        high.to_string().ends_with(
            "1 validator of importance `fail` did not pass\n  - range_validator: 140 is outside \
             [0, 100] (range: [0, 100], value: 140)"
        ),
        "{high}"
    );
    let none = dr.execute(&["best_score"], Inputs::new().with("scores", Vec::<f64>::new()));
    let none = none.unwrap_err().to_string();
    assert!(none.ends_with("- allow_none_validator: the value is None"), "{none}");
    assert_eq!(
        dr.variable("best_score_range_validator").unwrap().doc(),
        "the value lies within [0, 100], when there is one"
    );
}

/// A validator whose constructor panics (say, it reads a limit from a missing file).
struct FromFile;

impl FromFile {
    fn load(path: &str) -> Self {
        panic!("cannot read limits from {path}")
    }
}

impl Validator<f64> for FromFile {
    fn name(&self) -> Cow<'static, str> {
        "from_file_validator".into()
    }
    fn description(&self) -> String {
        "within the limits of the file".into()
    }
    fn validate(&self, _: &f64) -> ValidationResult {
        ValidationResult::pass("within")
    }
}

mod panicking_constructor {
    use super::*;

    #[node]
    #[check_output_custom(FromFile::load("limits.toml"))]
    fn speed(raw_speed: &f64) -> f64 {
        *raw_speed
    }

    hamilton_core::module!();
}

#[test]
fn a_validator_whose_constructor_panics_is_a_build_error() {
    let err = Driver::builder().with_modules([panicking_constructor::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), ["H022"]);
    let speed = at(SRC, "quality.rs", "fn speed(raw_speed", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H022]: validator `validator 1` of node `speed` (fn speed at \
             {speed}) cannot \
             work: making it panicked: cannot read limits from limits.toml\n  \
             help: correct its arguments in #[check_output] / #[check_output_custom]"
        )
    );
}
