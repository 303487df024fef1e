//! Node metadata and lineage queries: docs, tags, filters, upstream/downstream/path.

use hamilton_core::VariableKind;
use hamilton_core::prelude::*;

mod features {
    use super::*;

    /// Signups per day, from the raw events.
    ///
    /// Deduplicated by user.
    #[node]
    #[tag(owner = "growth", pii = "true", stage = "raw")]
    fn signups(events: &[u32]) -> Vec<u32> {
        events.to_vec()
    }

    /// Marketing spend per day.
    #[node]
    #[tag(owner = "marketing", stage = "raw")]
    fn spend(budget: &f64) -> Vec<f64> {
        vec![*budget]
    }

    #[node]
    #[tag(owner = "growth", stage = "clean")]
    fn spend_per_signup(spend: &[f64], signups: &[u32]) -> f64 {
        spend.iter().sum::<f64>() / signups.len().max(1) as f64
    }

    #[node]
    #[tag(stage = "report")]
    fn report(spend_per_signup: f64) -> String {
        format!("{spend_per_signup:.2}")
    }

    hamilton_core::module!();
}

fn driver() -> Driver {
    Driver::builder()
        .with_modules([features::MODULE])
        .with_config(Config::new().with("currency", "EUR"))
        .build()
        .unwrap()
}

fn names(vars: Vec<hamilton_core::Variable<'_>>) -> Vec<&str> {
    vars.iter().map(|v| v.name()).collect()
}

#[test]
fn every_node_is_listed_with_its_kind_type_and_docs() {
    let dr = driver();
    let all = dr.list_available_variables(&TagFilter::new());
    assert_eq!(
        names(all),
        vec!["budget", "currency", "events", "report", "signups", "spend", "spend_per_signup"]
    );
    let signups = dr.variable("signups").unwrap();
    assert_eq!(signups.kind(), VariableKind::Function);
    assert_eq!(signups.doc(), "Signups per day, from the raw events.\n\nDeduplicated by user.");
    assert_eq!(signups.type_spelled(), "Vec<u32>");
    assert_eq!(signups.tag("pii"), Some("true"));
    assert_eq!(signups.module(), Some("suite::lineage::features"));
    assert!(signups.code_version().is_some());
    assert_eq!(dr.variable("events").unwrap().kind(), VariableKind::External);
    assert!(dr.variable("events").unwrap().is_external_input());
    assert_eq!(dr.variable("currency").unwrap().kind(), VariableKind::Config);
}

#[test]
fn tag_filters_test_existence_equality_and_membership() {
    let dr = driver();
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new().exists("pii"))),
        vec!["signups"]
    );
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new().equals("owner", "growth"))),
        vec!["signups", "spend_per_signup"]
    );
    assert_eq!(
        names(dr.list_available_variables(&TagFilter::new().any_of("stage", ["raw", "report"]))),
        vec!["report", "signups", "spend"]
    );
    // Clauses are ANDed.
    assert_eq!(
        names(dr.list_available_variables(
            &TagFilter::new().equals("owner", "growth").equals("stage", "raw")
        )),
        vec!["signups"]
    );
}

#[test]
fn upstream_and_downstream_include_the_named_nodes() {
    let dr = driver();
    assert_eq!(
        names(dr.what_is_upstream_of(&["spend_per_signup"]).unwrap()),
        vec!["budget", "events", "signups", "spend", "spend_per_signup"]
    );
    assert_eq!(
        names(dr.what_is_downstream_of(&["spend"]).unwrap()),
        vec!["report", "spend", "spend_per_signup"]
    );
}

#[test]
fn the_path_between_two_nodes_holds_every_node_on_a_path() {
    let dr = driver();
    assert_eq!(
        names(dr.what_is_the_path_between("budget", "report").unwrap()),
        vec!["budget", "report", "spend", "spend_per_signup"]
    );
    assert!(dr.what_is_the_path_between("report", "budget").unwrap().is_empty());
    assert!(dr.what_is_the_path_between("signups", "spend").unwrap().is_empty());
}

#[test]
fn lineage_queries_reject_unknown_names_with_a_suggestion() {
    let err = driver().what_is_upstream_of(&["spend_per_sigup", "zzz_nothing"]).unwrap_err();
    assert_eq!(err.codes(), vec!["H011", "H011"]);
    assert!(err.to_string().contains("unknown node `spend_per_sigup`: no node has this name\n  help: did you mean `spend_per_signup`?"), "{err}");
}

mod versions_a {
    use hamilton_core::prelude::*;

    #[node]
    fn v(x: i64) -> i64 {
        x + 1
    }

    hamilton_core::module!();
}

mod versions_b {
    use hamilton_core::prelude::*;

    /// Same code, other formatting and a doc comment.
    #[node]
    #[rustfmt::skip]
    fn v( x : i64 ) -> i64 { x+1 }

    hamilton_core::module!();
}

mod versions_c {
    use hamilton_core::prelude::*;

    #[node]
    fn v(x: i64) -> i64 {
        x + 2
    }

    hamilton_core::module!();
}

#[test]
fn the_code_version_ignores_formatting_and_docs_but_not_code() {
    let version = |m| {
        Driver::builder()
            .with_modules([m])
            .build()
            .unwrap()
            .variable("v")
            .unwrap()
            .code_version()
            .unwrap()
    };
    assert_eq!(version(versions_a::MODULE), version(versions_b::MODULE));
    assert_ne!(version(versions_a::MODULE), version(versions_c::MODULE));
}
