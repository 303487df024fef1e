//! Config: variant selection, renaming, config values as node inputs, and variant conflicts.

use hamilton_core::prelude::*;

mod variants {
    use super::*;

    #[node]
    #[config_when(env = "prod")]
    fn source__prod() -> &'static str {
        "warehouse"
    }

    #[node]
    #[config_when_in(env = ["staging", "qa"])]
    fn source__preprod() -> &'static str {
        "replica"
    }

    #[node]
    #[config_when_default]
    fn source__local() -> &'static str {
        "fixture"
    }

    #[node]
    #[config_when_not(region = "eu")]
    fn currency__usd() -> &'static str {
        "USD"
    }

    #[node]
    #[config_when(region = "eu")]
    fn currency__eur() -> &'static str {
        "EUR"
    }

    #[node(name = "greeting")]
    #[config_when(verbose = true)]
    fn long_greeting(source: &&'static str) -> String {
        format!("hello from the {source}")
    }

    #[node(name = "greeting")]
    #[config_when(verbose = false)]
    fn short_greeting() -> String {
        "hi".to_string()
    }

    #[node(name = "threshold_label")]
    #[config_when(threshold = 1.0)]
    fn threshold_one() -> &'static str {
        "one"
    }

    #[node(name = "threshold_label")]
    #[config_when_in(threshold = [0.5, 2.50])]
    fn threshold_other() -> &'static str {
        "other"
    }

    /// Reads a config value as an ordinary input.
    #[node]
    fn rows(sample_rows: &usize) -> Vec<usize> {
        (0..*sample_rows).collect()
    }

    hamilton_core::module!();
}

fn build(config: Config) -> Driver {
    Driver::builder().with_modules([variants::MODULE]).with_config(config).build().unwrap()
}

fn source_for(config: Config) -> &'static str {
    let out = build(config).execute(&["source"], Inputs::new()).unwrap();
    out.get::<&'static str>("source").copied().unwrap()
}

#[test]
fn config_when_selects_the_matching_variant() {
    assert_eq!(source_for(Config::new().with("env", "prod")), "warehouse");
}

#[test]
fn config_when_in_matches_any_listed_value() {
    assert_eq!(source_for(Config::new().with("env", "staging")), "replica");
    assert_eq!(source_for(Config::new().with("env", "qa")), "replica");
}

#[test]
fn the_default_variant_applies_when_no_other_variant_does() {
    assert_eq!(source_for(Config::new()), "fixture");
    assert_eq!(source_for(Config::new().with("env", "dev")), "fixture");
}

#[test]
fn config_when_not_includes_the_node_when_the_key_is_absent_or_different() {
    let currency = |config: Config| {
        let out = build(config).execute(&["currency"], Inputs::new()).unwrap();
        *out.get::<&'static str>("currency").unwrap()
    };
    assert_eq!(currency(Config::new()), "USD");
    assert_eq!(currency(Config::new().with("region", "us")), "USD");
    assert_eq!(currency(Config::new().with("region", "eu")), "EUR");
}

#[test]
fn renamed_variants_match_boolean_config_values() {
    let greet = |verbose: bool| {
        let dr = build(Config::new().with("verbose", verbose).with("env", "prod"));
        let out = dr.execute(&["greeting"], Inputs::new()).unwrap();
        out.get::<String>("greeting").unwrap().clone()
    };
    assert_eq!(greet(true), "hello from the warehouse");
    assert_eq!(greet(false), "hi");
}

#[test]
fn config_values_are_available_to_nodes_and_as_outputs() {
    let dr = build(Config::new().with("sample_rows", 3_usize));
    let out = dr.execute(&["rows", "sample_rows"], Inputs::new()).unwrap();
    assert_eq!(out.get::<Vec<usize>>("rows").unwrap(), &vec![0, 1, 2]);
    assert_eq!(*out.get::<usize>("sample_rows").unwrap(), 3);
}

#[test]
fn a_node_without_an_applicable_variant_does_not_exist() {
    let dr = build(Config::new());
    let err = dr.execute(&["greeting"], Inputs::new()).unwrap_err();
    assert_eq!(err.codes(), vec!["H011"]);
    assert!(err.to_string().contains("unknown requested output `greeting`"), "{err}");
}

#[test]
fn a_config_key_replaces_the_node_of_the_same_name() {
    let dr = build(Config::new().with("source", "from config"));
    let out = dr.execute(&["source"], Inputs::new()).unwrap();
    assert_eq!(out.get::<String>("source").unwrap(), "from config");
}

#[test]
fn a_config_value_of_the_wrong_type_is_a_type_mismatch_at_build() {
    let err = Driver::builder()
        .with_modules([variants::MODULE])
        .with_config(Config::new().with("sample_rows", 3_i32))
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H006"]);
    let msg = err.to_string();
    assert!(
        msg.contains(
            "type mismatch on `sample_rows`: `rows` wants `&usize` but `sample_rows` is `i32`"
        ),
        "{msg}"
    );
    assert!(msg.contains("producer: config entry `sample_rows`"), "{msg}");
}

mod conflicting {
    use super::*;

    #[node]
    #[config_when(env = "prod")]
    fn spend__prod() -> f64 {
        1.0
    }

    #[node]
    #[config_when(region = "eu")]
    fn spend__eu() -> f64 {
        2.0
    }

    #[node]
    #[config_when_default]
    fn budget__a() -> f64 {
        1.0
    }

    #[node]
    #[config_when_default]
    fn budget__b() -> f64 {
        2.0
    }

    hamilton_core::module!();
}

#[test]
fn two_variants_applying_at_once_conflict_and_name_both_functions() {
    let err = Driver::builder()
        .with_modules([conflicting::MODULE])
        .with_config(Config::new().with("env", "prod").with("region", "eu"))
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H004", "H005"]);
    let msg = err.to_string();
    assert!(msg.starts_with("2 problems found:"), "{msg}");
    assert!(msg.contains("error[H004]: config variants of node `spend` conflict"), "{msg}");
    assert!(msg.contains("fn spend__prod at tests/suite/config.rs:"), "{msg}");
    assert!(msg.contains("[config_when(env = \"prod\")]"), "{msg}");
    assert!(msg.contains("fn spend__eu at tests/suite/config.rs:"), "{msg}");
    assert!(
        msg.contains("error[H005]: node `budget` has two #[config_when_default] variants"),
        "{msg}"
    );
    assert!(msg.contains("fn budget__a at") && msg.contains("fn budget__b at"), "{msg}");
}

#[test]
fn float_conditions_match_float_config_values() {
    let label = |t: f64| {
        let out = build(Config::new().with("threshold", t))
            .execute(&["threshold_label"], Inputs::new())
            .unwrap();
        *out.get::<&'static str>("threshold_label").unwrap()
    };
    assert_eq!(label(1.0), "one");
    assert_eq!(label(0.5), "other");
    assert_eq!(label(2.5), "other");
}
