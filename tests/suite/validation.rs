//! Graph validation at build: every problem at once, with codes, names, types and locations.

use hamilton_core::prelude::*;

use crate::at;

const SRC: &str = include_str!("validation.rs");

mod stats_a {
    use hamilton_core::prelude::*;

    #[node]
    fn mean(raw: &[f64]) -> f64 {
        raw.iter().sum::<f64>() / raw.len() as f64
    }

    hamilton_core::module!();
}

mod stats_b {
    use hamilton_core::prelude::*;

    #[node]
    fn mean(raw: &[f64]) -> f64 {
        raw[0]
    }

    hamilton_core::module!();
}

#[test]
fn a_node_defined_in_two_modules_is_a_duplicate_naming_both_locations() {
    let err =
        Driver::builder().with_modules([stats_a::MODULE, stats_b::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), vec!["H003"]);
    let msg = err.to_string();
    assert!(msg.contains("error[H003]: node `mean` is defined more than once"), "{msg}");
    let first = at(SRC, "validation.rs", "fn mean(raw: &[f64])", 0);
    assert!(
        msg.contains(&format!("first:  fn mean at {first} (module suite::validation::stats_a)")),
        "{msg}"
    );
    let second = at(SRC, "validation.rs", "fn mean(raw: &[f64])", 1);
    assert!(
        msg.contains(&format!("second: fn mean at {second} (module suite::validation::stats_b)")),
        "{msg}"
    );
}

#[test]
fn module_overrides_let_the_later_module_win() {
    let dr = Driver::builder()
        .with_modules([stats_a::MODULE, stats_b::MODULE])
        .allow_module_overrides()
        .build()
        .unwrap();
    let out = dr.execute(&["mean"], Inputs::new().with("raw", vec![4.0, 0.0])).unwrap();
    assert_eq!(*out.get::<f64>("mean").unwrap(), 4.0);
}

mod mismatched {
    use hamilton_core::prelude::*;

    #[node]
    fn raw() -> Vec<f64> {
        vec![1.0, 2.0]
    }

    #[node]
    fn mean(raw: &[f64]) -> f64 {
        raw.iter().sum::<f64>() / raw.len() as f64
    }

    #[node]
    fn centered(raw: &[f64], mean: &Vec<f64>) -> Vec<f64> {
        raw.iter().zip(mean).map(|(x, m)| x - m).collect()
    }

    #[node]
    fn label(region: &str) -> String {
        region.to_uppercase()
    }

    #[node]
    fn region_code(region: i64) -> i64 {
        region * 10
    }

    #[node]
    fn ping(pong: &u8) -> u8 {
        *pong
    }

    #[node]
    fn pong(ping: &u8) -> u8 {
        *ping
    }

    #[node]
    fn narcissus(narcissus: &u8) -> u8 {
        *narcissus
    }

    hamilton_core::module!();
}

#[test]
fn build_reports_every_problem_at_once() {
    let err = Driver::builder().with_modules([mismatched::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), vec!["H006", "H007", "H008", "H008"]);
    let msg = err.to_string();
    assert!(msg.starts_with("4 problems found:"), "{msg}");
}

#[test]
fn a_type_mismatch_names_both_functions_both_types_and_both_locations() {
    let err = Driver::builder().with_modules([mismatched::MODULE]).build().unwrap_err();
    let p = &err.problems().unwrap().iter().find(|p| p.code() == "H006").unwrap().to_string();
    assert!(
        p.contains(
            "error[H006]: type mismatch on `mean`: `centered` wants `&Vec<f64>` but `mean` is `f64`"
        ),
        "{p}"
    );
    let mean = at(SRC, "validation.rs", "fn mean(raw: &[f64])", 2);
    let centered = at(SRC, "validation.rs", "fn centered(", 0);
    assert!(p.contains(&format!("producer: fn mean at {mean} -> f64 (f64)")), "{p}");
    assert!(
        p.contains(&format!("consumer: fn centered at {centered}, parameter `mean: &Vec<f64>` (needs alloc::vec::Vec<f64>)")),
        "{p}"
    );
}

#[test]
fn consumers_wanting_one_input_as_different_types_are_all_listed() {
    let err = Driver::builder().with_modules([mismatched::MODULE]).build().unwrap_err();
    let p = &err.problems().unwrap().iter().find(|p| p.code() == "H007").unwrap().to_string();
    assert!(p.contains("error[H007]: external input `region` is wanted as different types"), "{p}");
    let label = at(SRC, "validation.rs", "fn label(", 0);
    let region_code = at(SRC, "validation.rs", "fn region_code(", 0);
    assert!(
        p.contains(&format!("fn label at {label}: `region: &str` (needs alloc::string::String)")),
        "{p}"
    );
    assert!(
        p.contains(&format!("fn region_code at {region_code}: `region: i64` (needs i64)")),
        "{p}"
    );
}

#[test]
fn cycles_are_found_at_build_with_their_path() {
    let err = Driver::builder().with_modules([mismatched::MODULE]).build().unwrap_err();
    let cycles: Vec<String> = err
        .problems()
        .unwrap()
        .iter()
        .filter(|p| p.code() == "H008")
        .map(|p| p.to_string())
        .collect();
    assert!(
        cycles.iter().any(|c| c.contains("the graph has a cycle: narcissus -> narcissus")),
        "{cycles:?}"
    );
    let pair = cycles.iter().find(|c| c.contains("ping")).unwrap();
    assert!(pair.starts_with("error[H008]: the graph has a cycle: ping -> pong -> ping"), "{pair}");
    let ping = at(SRC, "validation.rs", "fn ping(", 0);
    let pong = at(SRC, "validation.rs", "fn pong(", 0);
    assert!(pair.contains(&format!("`ping`: fn ping at {ping}")), "{pair}");
    assert!(pair.contains(&format!("`pong`: fn pong at {pong}")), "{pair}");
}

#[test]
fn a_long_cycle_is_reported_without_overflowing_the_stack() {
    let n = 50_000;
    let mut builder = Driver::builder();
    for i in 0..n {
        builder = builder.with_node(crate::plus_one(format!("n{i}"), format!("n{}", (i + 1) % n)));
    }
    let err = builder.build().unwrap_err();
    assert_eq!(err.codes(), vec!["H008"]);
    let msg = err.to_string();
    assert!(msg.contains("the graph has a cycle: n0 -> n49999 -> n49998 -> "), "{msg}");
    assert!(msg.contains("n49991 -> ... (49990 more) -> n0\n"), "{msg}");
    // One problem prints without a count: the headline and ten of the cycle's nodes.
    assert!(msg.starts_with("error[H008]: the graph has a cycle: n0 -> "), "{msg}");
    assert_eq!(msg.lines().count(), 11, "{msg}");
}

#[test]
fn an_unknown_module_path_suggests_the_closest_module() {
    let err = Driver::builder().with_module_path("suite::validation::stats_c").build().unwrap_err();
    assert_eq!(err.codes(), vec!["H001"]);
    let msg = err.to_string();
    assert!(
        msg.contains("error[H001]: module `suite::validation::stats_c` holds no #[node] function"),
        "{msg}"
    );
    assert!(msg.contains("help: did you mean `suite::validation::stats_"), "{msg}");
}

#[test]
fn a_module_path_selects_the_module_and_its_submodules() {
    let dr = Driver::builder().with_module_path("suite::validation::stats_a").build().unwrap();
    assert!(dr.variable("mean").is_some());
}

mod empty {
    hamilton_core::module!();
}

#[test]
fn an_empty_module_is_a_startup_error() {
    let err = Driver::builder().with_modules([empty::MODULE, stats_a::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), vec!["H002"]);
    let msg = err.to_string();
    assert!(msg.contains("error[H002]: module `suite::validation::empty` (module!() at tests/suite/validation.rs:"), "{msg}");
    assert!(
        msg.contains("`hamilton_core::module!();` goes in the module that holds the nodes"),
        "{msg}"
    );
}

#[test]
fn selecting_a_module_twice_or_through_its_parent_is_not_a_duplicate() {
    let dr = Driver::builder()
        .with_modules([stats_a::MODULE, stats_a::MODULE])
        .with_module_path("suite::validation::stats_a")
        .build()
        .unwrap();
    assert!(dr.variable("mean").is_some());
}

#[test]
fn a_builder_without_modules_or_nodes_is_an_error() {
    let err = Driver::builder().with_config(Config::new().with("env", "dev")).build().unwrap_err();
    assert_eq!(err.codes(), vec!["H019"]);
    assert!(
        err.to_string().contains("error[H019]: the driver has no nodes: no module was selected")
    );
    assert!(
        err.to_string()
            .contains("a module gets its `MODULE` from a `hamilton_core::module!();` line in it"),
        "{err}"
    );
}

mod same_spelling {
    use super::*;

    #[node]
    fn maybe() -> Option<Option<i64>> {
        Some(None)
    }

    #[node]
    fn unwrapped(maybe: Option<Option<i64>>) -> i64 {
        maybe.flatten().unwrap_or(0)
    }

    #[node]
    fn whole(maybe: &Option<Option<i64>>) -> bool {
        maybe.is_some()
    }

    hamilton_core::module!();
}

#[test]
fn a_mismatch_between_equal_spellings_says_what_differs() {
    let err = Driver::builder().with_modules([same_spelling::MODULE]).build().unwrap_err();
    // `whole` takes the value as it is; `unwrapped`'s `Option<..>` form makes it optional.
    assert_eq!(err.codes(), vec!["H006"]);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H006]: type mismatch on `maybe`: `unwrapped` wants `Option<Option<i64>>` but \
             `maybe` is `Option<Option<i64>>`\n  \
             producer: fn maybe at {maybe} -> Option<Option<i64>> \
             (core::option::Option<core::option::Option<i64>>)\n  \
             consumer: fn unwrapped at {unwrapped}, parameter `maybe: Option<Option<i64>>` \
             (needs core::option::Option<i64>)\n  \
             help: both are spelled `Option<Option<i64>>`, but an `Option<..>` parameter is an \
             optional dependency on a value of the type inside it, so `maybe: \
             Option<Option<i64>>` needs a core::option::Option<i64>, not a \
             core::option::Option<core::option::Option<i64>>; to take the whole value, write \
             `maybe: &Option<Option<i64>>`",
            maybe = at(SRC, "validation.rs", "fn maybe(", 0),
            unwrapped = at(SRC, "validation.rs", "fn unwrapped(", 0),
        )
    );
}

mod two_orders {
    use super::*;

    pub(crate) mod shop {
        #[derive(Clone)]
        pub(crate) struct Order(pub(crate) f64);
    }

    pub(crate) mod legacy {
        #[derive(Clone)]
        pub(crate) struct Order(pub(crate) f64);
    }

    #[node]
    fn order() -> shop::Order {
        shop::Order(1.0)
    }

    #[node]
    fn amount(order: &legacy::Order) -> f64 {
        order.0
    }

    #[node]
    fn copied(order: shop::Order) -> f64 {
        order.0
    }

    hamilton_core::module!();
}

#[test]
fn a_mismatch_between_types_of_one_name_names_both_paths() {
    let err = Driver::builder().with_modules([two_orders::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), vec!["H006"]);
    let msg = err.to_string();
    assert!(
        msg.ends_with(
            "\n  help: `Order` names two different types here: the parameter needs \
             suite::validation::two_orders::legacy::Order, the producer gives \
             suite::validation::two_orders::shop::Order"
        ),
        "{msg}"
    );
}
