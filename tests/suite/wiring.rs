//! Wiring typos: misspelled parameters, variants that do not apply and config keys that nothing
//! reads are explained at execute (H010), caught at build in strict mode (H023–H026), warned
//! about through `tracing`, and listed by `Driver::external_inputs` for tests that pin them.

use crate::at;
use crate::quality::capture::Events;
use hamilton_core::prelude::*;
use hamilton_core::{Consumer, ExternalInput};

const SRC: &str = include_str!("wiring.rs");

mod orders {
    use super::*;

    #[node]
    fn amounts(csv: &str) -> Vec<f64> {
        csv.split(',').map(|s| s.trim().parse().unwrap()).collect()
    }

    /// `amount` is a typo of `amounts`.
    #[node]
    fn total(amount: &[f64]) -> f64 {
        amount.iter().sum()
    }

    #[node]
    #[config_when(region = "eu")]
    fn tax_rate__eu() -> f64 {
        0.2
    }

    #[node]
    #[config_when(region = "us")]
    fn tax_rate__us() -> f64 {
        0.07
    }

    #[node]
    fn tax(amounts: &[f64], tax_rate: f64) -> f64 {
        amounts.iter().sum::<f64>() * tax_rate
    }

    /// `tax_rate_eu` is `tax_rate__eu` written with one underscore.
    #[node]
    fn eu_tax(amounts: &[f64], tax_rate_eu: f64) -> f64 {
        amounts.iter().sum::<f64>() * tax_rate_eu
    }

    #[node]
    fn limited(amounts: &[f64], limit: Option<usize>) -> Vec<f64> {
        amounts.iter().copied().take(limit.unwrap_or(usize::MAX)).collect()
    }

    hamilton_core::module!();
}

fn driver(config: Config) -> Driver {
    Driver::builder().with_modules([orders::MODULE]).with_config(config).build().unwrap()
}

fn csv() -> Inputs {
    Inputs::new().with("csv", "1, 2, 3")
}

// ---------------------------------------------------------------------------------------------
// H010: did-you-mean and inactive variants

#[test]
fn a_missing_input_close_to_a_node_name_gets_a_did_you_mean() {
    let dr = driver(Config::new().with("region", "eu"));
    let err = dr.execute(&["total"], csv()).unwrap_err();
    assert_eq!(err.codes(), ["H010"]);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H010]: required input `amount` (Vec<f64>) was not provided; needed by:\n  \
             `total`: fn total at {}\n  \
             help: did you mean `amounts`?",
            at(SRC, "wiring.rs", "fn total(", 0)
        )
    );
    // validate_execution says the same, without running anything.
    let checked = dr.validate_execution(&["total"], &csv(), &Inputs::new()).unwrap_err();
    assert_eq!(checked.to_string(), err.to_string());
}

#[test]
fn a_missing_input_names_the_variants_whose_conditions_did_not_hold() {
    let err = driver(Config::new().with("region", "EU")).execute(&["tax"], csv()).unwrap_err();
    assert_eq!(err.codes(), ["H010"]);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H010]: required input `tax_rate` (f64) was not provided; needed by:\n  \
             `tax`: fn tax at {tax}\n  \
             note: a node of this name exists, but none of its config variants applies:\n    \
             fn tax_rate__eu at {eu} needs config_when(region = \"eu\") (config has region = \"EU\")\n    \
             fn tax_rate__us at {us} needs config_when(region = \"us\") (config has region = \"EU\")",
            tax = at(SRC, "wiring.rs", "fn tax(", 0),
            eu = at(SRC, "wiring.rs", "fn tax_rate__eu(", 0),
            us = at(SRC, "wiring.rs", "fn tax_rate__us(", 0),
        )
    );

    let err = driver(Config::new()).execute(&["tax"], csv()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("needs config_when(region = \"eu\") (config has no `region`)"), "{msg}");

    // A value that conditions cannot compare is said to be one.
    let err = driver(Config::new().with("region", vec![1_u8])).execute(&["tax"], csv());
    let msg = err.unwrap_err().to_string();
    assert!(
        msg.contains("(config `region` is a Vec<u8>, which conditions do not compare)"),
        "{msg}"
    );
}

#[test]
fn a_variant_written_with_one_underscore_suggests_the_node() {
    let err = driver(Config::new().with("region", "eu")).execute(&["eu_tax"], csv()).unwrap_err();
    assert_eq!(err.codes(), ["H010"]);
    assert!(err.to_string().ends_with("help: did you mean `tax_rate`?"), "{err}");
    // Also when no variant of `tax_rate` applies.
    let err = driver(Config::new()).execute(&["eu_tax"], csv()).unwrap_err();
    assert!(err.to_string().ends_with("help: did you mean `tax_rate`?"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Listing external inputs (to pin them in a test)

#[test]
fn external_inputs_lists_names_types_and_consumers() {
    let dr = driver(Config::new().with("region", "eu"));
    let inputs = dr.external_inputs();
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    // The typos show up here: `amount` and `tax_rate_eu` are not meant to be inputs.
    assert_eq!(names, ["amount", "csv", "limit", "tax_rate_eu"]);
    let site = |needle: &str| {
        let line = at(SRC, "wiring.rs", needle, 0);
        let (file, line) = line.rsplit_once(':').unwrap();
        (file.to_string(), line.parse::<u32>().unwrap())
    };
    let consumer = |c: &Consumer| (c.site.function.clone(), c.param_type.clone());
    let limit: &ExternalInput = &inputs[2];
    assert_eq!(limit.type_name, "usize");
    assert!(!limit.required, "taken only as Option");
    assert_eq!(
        limit.consumers.iter().map(consumer).collect::<Vec<_>>(),
        [("limited".to_string(), "Option<usize>".to_string())]
    );
    let csv = &inputs[1];
    assert!(csv.required);
    assert_eq!(
        (csv.consumers[0].site.file.clone(), csv.consumers[0].site.line),
        site("fn amounts(")
    );
    assert_eq!(
        csv.to_string(),
        format!(
            "`csv` (String, required), taken by:\n  fn amounts at {}: `csv: &str`",
            at(SRC, "wiring.rs", "fn amounts(", 0)
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Strict mode: H023, H024, H025

mod clean {
    use super::*;

    #[node]
    fn rows(csv: &str) -> Vec<String> {
        csv.lines().map(str::to_string).collect()
    }

    #[node]
    #[config_when(region = "eu")]
    fn currency__eu() -> String {
        "EUR".to_string()
    }

    #[node]
    #[config_when_default]
    fn currency__other() -> String {
        "USD".to_string()
    }

    #[node]
    fn labelled(rows: &[String], currency: &str, region: &str) -> Vec<String> {
        rows.iter().map(|r| format!("{r} {currency} {region}")).collect()
    }

    hamilton_core::module!();
}

#[test]
fn strict_mode_accepts_exactly_the_declared_inputs() {
    let dr = Driver::builder()
        .with_modules([clean::MODULE])
        .with_config(Config::new().with("region", "eu"))
        .with_inputs(["csv"])
        .build()
        .unwrap();
    let out = dr.execute(&["labelled"], Inputs::new().with("csv", "a\nb")).unwrap();
    assert_eq!(out.get::<Vec<String>>("labelled").unwrap(), &["a EUR eu", "b EUR eu"]);
    // Typed: `&str` parameters take a `String`.
    Driver::builder()
        .with_modules([clean::MODULE])
        .with_input::<String>("csv")
        .with_input::<String>("region")
        .build()
        .unwrap();
}

#[test]
fn strict_mode_rejects_an_undeclared_input_with_a_did_you_mean() {
    let err = Driver::builder()
        .with_modules([orders::MODULE])
        .with_config(Config::new().with("region", "eu"))
        .with_inputs(["csv", "limit"])
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H023", "H023"]);
    assert_eq!(
        err.to_string(),
        format!(
            "2 problems found:\n\n\
             error[H023]: `amount` (Vec<f64>) is an external input, but it is not declared in \
             with_inputs; taken by:\n  \
             `total`: fn total at {total}\n  \
             help: did you mean `amounts`?\n\n\
             error[H023]: `tax_rate_eu` (f64) is an external input, but it is not declared in \
             with_inputs; taken by:\n  \
             `eu_tax`: fn eu_tax at {eu_tax}\n  \
             help: did you mean `tax_rate`?",
            total = at(SRC, "wiring.rs", "fn total(", 0),
            eu_tax = at(SRC, "wiring.rs", "fn eu_tax(", 0),
        )
    );
}

#[test]
fn strict_mode_names_the_variants_that_did_not_apply() {
    let err = Driver::builder()
        .with_modules([orders::MODULE])
        .with_config(Config::new().with("region", "fr"))
        .with_inputs(["csv", "limit", "amount", "tax_rate_eu"])
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H023"]);
    let msg = err.to_string();
    assert!(msg.starts_with("error[H023]: `tax_rate` (f64) is an external input"), "{msg}");
    assert!(
        msg.contains("needs config_when(region = \"eu\") (config has region = \"fr\")"),
        "{msg}"
    );
}

#[test]
fn strict_mode_rejects_declared_inputs_that_are_not_inputs() {
    let err = Driver::builder()
        .with_modules([clean::MODULE])
        .with_config(Config::new().with("region", "eu"))
        .with_inputs(["csvv", "rows", "region", "unused"])
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H023", "H024", "H024", "H024", "H024"]);
    let msg = err.to_string();
    let rows = at(SRC, "wiring.rs", "fn rows(", 0);
    for expected in [
        "error[H023]: `csv` (String) is an external input, but it is not declared in \
         with_inputs; taken by:"
            .to_string(),
        "error[H024]: declared input `csvv` is taken by no node\n  help: did you mean `csv`?"
            .to_string(),
        format!(
            "error[H024]: declared input `rows` is no external input: fn rows at {rows} provides \
             it\n  help: remove it from with_inputs"
        ),
        "error[H024]: declared input `region` is no external input: config entry `region` \
         provides it"
            .to_string(),
        "error[H024]: declared input `unused` is taken by no node\n  help: remove it from \
         with_inputs"
            .to_string(),
    ] {
        assert!(msg.contains(&expected), "missing\n{expected}\nin\n{msg}");
    }
}

#[test]
fn strict_mode_checks_the_type_of_a_typed_declaration() {
    let err = Driver::builder()
        .with_modules([clean::MODULE])
        .with_input::<Vec<u8>>("csv")
        .with_input::<String>("region")
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H025"]);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H025]: input `csv` is declared as Vec<u8>, but its consumers need:\n  \
             fn rows at {}: `csv: &str` (needs alloc::string::String)",
            at(SRC, "wiring.rs", "fn rows(", 0)
        )
    );
}

#[test]
fn a_typed_declaration_is_checked_after_an_untyped_one_of_the_same_name() {
    let err = Driver::builder()
        .with_modules([clean::MODULE])
        .with_inputs(["csv", "region"])
        .with_input::<i64>("csv")
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H025"]);
}

#[test]
fn an_empty_declaration_means_no_external_input() {
    let err = Driver::builder()
        .with_modules([clean::MODULE])
        .with_inputs(Vec::<String>::new())
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H023", "H023"]);
}

// ---------------------------------------------------------------------------------------------
// Config keys that nothing reads: a warning, or H026 in strict mode

#[test]
fn an_unread_config_key_is_a_warning_with_a_did_you_mean() {
    let (dr, events) = Events::during(|| {
        Driver::builder()
            .with_modules([clean::MODULE])
            .with_config(Config::new().with("Region", "eu").with("currency", "CHF"))
            .build()
    });
    let dr = dr.unwrap();
    // `currency` replaces the node of that name, so it is read; `Region` is read by nothing,
    // and the input `region` looks like it.
    assert_eq!(
        events,
        [
            "WARN hamilton::build: message=warning[H026]: config key `Region` is read by no \
             config condition and taken by no node\n  help: did you mean `region`?"
                .to_string(),
            format!(
                "WARN hamilton::build: message=warning: external input `region` (String) may be \
                 a typo; taken by:\n  `labelled`: fn labelled at {}\n  help: did you mean \
                 `Region`?",
                at(SRC, "wiring.rs", "fn labelled(", 0)
            ),
        ]
    );
    // The warning does not stop the build; `region` is an input.
    let out = dr.execute(&["labelled"], Inputs::new().with("csv", "a").with("region", "x"));
    assert_eq!(out.unwrap().get::<Vec<String>>("labelled").unwrap(), &["a CHF x"]);
}

#[test]
fn config_keys_read_by_conditions_or_nodes_raise_no_warning() {
    let (dr, events) = Events::during(|| {
        Driver::builder()
            .with_modules([clean::MODULE])
            .with_config(Config::new().with("region", "eu").with("csv", "a"))
            .build()
    });
    dr.unwrap();
    assert_eq!(events, Vec::<String>::new());
}

#[test]
fn outside_strict_mode_inputs_that_look_like_typos_are_warnings() {
    let (dr, events) = Events::during(|| {
        Driver::builder()
            .with_modules([orders::MODULE])
            .with_config(Config::new().with("region", "EU"))
            .build()
    });
    dr.unwrap();
    let total = at(SRC, "wiring.rs", "fn total(", 0);
    let tax = at(SRC, "wiring.rs", "fn tax(", 0);
    let eu = at(SRC, "wiring.rs", "fn tax_rate__eu(", 0);
    let us = at(SRC, "wiring.rs", "fn tax_rate__us(", 0);
    let eu_tax = at(SRC, "wiring.rs", "fn eu_tax(", 0);
    // `csv` looks like nothing else, and `limit` like `limited`, which is computed from it: no
    // warning for either.
    assert_eq!(
        events,
        [
            format!(
                "WARN hamilton::build: message=warning: external input `amount` (Vec<f64>) may \
                 be a typo; taken by:\n  `total`: fn total at {total}\n  help: did you mean \
                 `amounts`?"
            ),
            format!(
                "WARN hamilton::build: message=warning: external input `tax_rate` (f64) may be a \
                 typo; taken by:\n  `tax`: fn tax at {tax}\n  \
                 note: a node of this name exists, but none of its config variants applies:\n    \
                 fn tax_rate__eu at {eu} needs config_when(region = \"eu\") (config has region = \"EU\")\n    \
                 fn tax_rate__us at {us} needs config_when(region = \"us\") (config has region = \"EU\")"
            ),
            format!(
                "WARN hamilton::build: message=warning: external input `tax_rate_eu` (f64) may be \
                 a typo; taken by:\n  `eu_tax`: fn eu_tax at {eu_tax}\n  help: did you mean \
                 `tax_rate`?"
            ),
        ]
    );
}

#[test]
fn an_unread_config_key_is_an_error_in_strict_mode() {
    let err = Driver::builder()
        .with_modules([clean::MODULE])
        .with_config(Config::new().with("Region", "eu").with("region", "eu"))
        .with_inputs(["csv"])
        .build()
        .unwrap_err();
    assert_eq!(err.codes(), ["H026"]);
    assert_eq!(
        err.to_string(),
        "error[H026]: config key `Region` is read by no config condition and taken by no node\n  \
         help: did you mean `region`?"
    );
}
