//! Function modifiers: one function becoming several nodes (`#[parameterize]` and its forms) and
//! parameters bound to other nodes or to values (`#[inject]`).

use hamilton_core::prelude::*;

mod shapes {
    use super::*;

    #[node]
    fn base() -> i64 {
        10
    }

    #[node]
    fn other() -> i64 {
        100
    }

    /// `{output_name}`: {x} plus {y}.
    #[node]
    #[tag(team = "growth")]
    #[parameterize(
        literal_sum(x = value(1), y = value(2)),
        renamed_sum(x = source("base"), y = value(5)),
        open_sum(x = value(3)),
        documented_sum("Its own doc for {output_name}, y = {y}.", x = source("other"), y = value(0)),
    )]
    fn sum(x: &i64, y: i64) -> i64 {
        x + y
    }

    /// Sums the values of several nodes.
    #[node]
    #[parameterize(
        gathered(values = group(source("base"), source("other"), value(7))),
        gathered_literals(values = group(value(1), value(2))),
    )]
    fn total(values: Vec<i64>) -> i64 {
        values.iter().sum()
    }

    /// The same, borrowing a slice.
    #[node]
    #[parameterize(longest(words = group(value("a".to_string()), source("word"))))]
    fn pick(words: &[String]) -> String {
        words.iter().max_by_key(|w| w.len()).cloned().unwrap_or_default()
    }

    #[node]
    fn word() -> String {
        "abc".to_string()
    }

    /// Borrowed string parameters take string literals.
    #[node]
    #[parameterize(hello(name = value("world")), hello_base(name = value("base")))]
    fn greet(name: &str, base: i64) -> String {
        format!("hello {name} {base}")
    }

    #[node]
    #[parameterize_values(factor, doubled = 2, tripled = 3)]
    fn scaled(base: &i64, factor: i64) -> i64 {
        base * factor
    }

    #[node]
    #[parameterize_sources(from_base(v = "base"), from_other(v = "other"))]
    fn plus_one(v: &i64) -> i64 {
        v + 1
    }

    #[node]
    #[inject(v = source("other"), k = value(3))]
    fn injected(v: &i64, k: i64) -> i64 {
        v * k
    }

    #[node]
    #[inject(parts = group(source("base"), source("other")))]
    fn injected_group(parts: Vec<i64>) -> usize {
        parts.len()
    }

    hamilton_core::module!();
}

fn build() -> Driver {
    Driver::builder().with_modules([shapes::MODULE]).build().unwrap()
}

fn run(dr: &Driver, node: &str, inputs: Inputs) -> i64 {
    *dr.execute(&[node], inputs).unwrap().get::<i64>(node).unwrap()
}

#[test]
fn parameterize_makes_one_node_per_output_and_no_node_of_the_function() {
    let dr = build();
    for name in ["literal_sum", "renamed_sum", "open_sum", "documented_sum"] {
        let v = dr.variable(name).unwrap_or_else(|| panic!("no node {name}"));
        assert_eq!(v.type_spelled(), "i64");
        assert_eq!(v.tag("team"), Some("growth"), "tags go to every generated node");
    }
    assert!(dr.variable("sum").is_none());
}

#[test]
fn value_binds_a_literal_and_removes_the_dependency() {
    let dr = build();
    assert!(dr.variable("literal_sum").unwrap().required_dependencies().is_empty());
    assert_eq!(run(&dr, "literal_sum", Inputs::new()), 3);
}

#[test]
fn source_renames_the_dependency() {
    let dr = build();
    assert_eq!(dr.variable("renamed_sum").unwrap().required_dependencies(), vec!["base"]);
    assert_eq!(run(&dr, "renamed_sum", Inputs::new()), 15);
}

#[test]
fn unmapped_parameters_stay_dependencies_under_their_own_name() {
    let dr = build();
    assert_eq!(dr.variable("open_sum").unwrap().required_dependencies(), vec!["y"]);
    assert_eq!(run(&dr, "open_sum", Inputs::new().with("y", 4_i64)), 7);
}

#[test]
fn docs_are_templated_with_the_output_name_and_the_bindings() {
    let dr = build();
    assert_eq!(dr.variable("renamed_sum").unwrap().doc(), "`renamed_sum`: base plus 5.");
    assert_eq!(dr.variable("open_sum").unwrap().doc(), "`open_sum`: 3 plus y.");
    assert_eq!(
        dr.variable("documented_sum").unwrap().doc(),
        "Its own doc for documented_sum, y = 0."
    );
    assert_eq!(run(&dr, "documented_sum", Inputs::new()), 100);
}

#[test]
fn group_gathers_sources_and_values_into_a_list() {
    let dr = build();
    let mut deps = dr.variable("gathered").unwrap().required_dependencies();
    deps.sort();
    assert_eq!(deps, vec!["base", "other"]);
    assert_eq!(run(&dr, "gathered", Inputs::new()), 117);
    assert_eq!(run(&dr, "gathered_literals", Inputs::new()), 3);
    let out = dr.execute(&["longest"], Inputs::new()).unwrap();
    assert_eq!(out.get::<String>("longest").unwrap(), "abc");
}

#[test]
fn a_borrowed_str_parameter_takes_a_string_literal() {
    let dr = build();
    let out = dr.execute(&["hello", "hello_base"], Inputs::new()).unwrap();
    assert_eq!(out.get::<String>("hello").unwrap(), "hello world 10");
    assert_eq!(out.get::<String>("hello_base").unwrap(), "hello base 10");
}

#[test]
fn parameterize_values_binds_one_parameter_per_output() {
    let dr = build();
    assert_eq!(run(&dr, "doubled", Inputs::new()), 20);
    assert_eq!(run(&dr, "tripled", Inputs::new()), 30);
    assert_eq!(dr.variable("doubled").unwrap().required_dependencies(), vec!["base"]);
}

#[test]
fn parameterize_sources_renames_per_output() {
    let dr = build();
    assert_eq!(run(&dr, "from_base", Inputs::new()), 11);
    assert_eq!(run(&dr, "from_other", Inputs::new()), 101);
}

#[test]
fn inject_binds_parameters_of_a_single_node() {
    let dr = build();
    assert_eq!(dr.variable("injected").unwrap().required_dependencies(), vec!["other"]);
    assert_eq!(run(&dr, "injected", Inputs::new()), 300);
    let out = dr.execute(&["injected_group"], Inputs::new()).unwrap();
    assert_eq!(*out.get::<usize>("injected_group").unwrap(), 2);
}

mod composed {
    use super::*;

    /// Rows kept, by region.
    #[node]
    #[config_when(env = "prod")]
    #[check_output(range = (0, 10), importance = "fail")]
    #[parameterize(eu_rows(region = value("eu")), us_rows(region = value("us")))]
    fn rows__prod(region: &str, limit: &i64) -> i64 {
        if region == "eu" { *limit } else { *limit * 2 }
    }

    #[node]
    #[config_when_default]
    #[parameterize(eu_rows(region = value("eu")), us_rows(region = value("us")))]
    fn rows__dev(region: &str) -> i64 {
        region.len() as i64
    }

    hamilton_core::module!();
}

fn composed(config: Config) -> Driver {
    Driver::builder().with_modules([composed::MODULE]).with_config(config).build().unwrap()
}

#[test]
fn config_when_applies_to_the_whole_expansion() {
    let dev = composed(Config::new());
    assert_eq!(run(&dev, "eu_rows", Inputs::new()), 2);
    assert_eq!(run(&dev, "us_rows", Inputs::new()), 2);
    assert!(dev.variable("eu_rows").unwrap().required_dependencies().is_empty());
    let prod = composed(Config::new().with("env", "prod"));
    assert_eq!(
        prod.variable("us_rows").unwrap().required_dependencies(),
        vec!["us_rows_raw", "us_rows_range_validator"]
    );
    assert_eq!(run(&prod, "eu_rows", Inputs::new().with("limit", 4_i64)), 4);
}

#[test]
fn check_output_validates_every_generated_node() {
    let prod = composed(Config::new().with("env", "prod"));
    for name in ["eu_rows_raw", "us_rows_raw", "eu_rows_range_validator", "us_rows_range_validator"]
    {
        assert!(prod.variable(name).is_some(), "no node {name}");
    }
    // With limit 6, `eu_rows` is 6 (in range) and `us_rows` 12 (out of range): only it fails.
    assert_eq!(run(&prod, "us_rows", Inputs::new().with("limit", 4_i64)), 8);
    let err = prod.execute(&["us_rows"], Inputs::new().with("limit", 6_i64)).unwrap_err();
    assert_eq!(err.codes(), vec!["H020"]);
    assert!(err.to_string().contains("us_rows"), "{err}");
    assert_eq!(run(&prod, "eu_rows", Inputs::new().with("limit", 6_i64)), 6);
}

// ---------------------------------------------------------------------------- extract_columns

mod columns {
    use super::*;
    use hamilton_core::polars::prelude::{DataFrame, NamedFrom, Series, df};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub(super) static LOADS: AtomicUsize = AtomicUsize::new(0);

    /// Only `the_frame_function_runs_once_for_all_its_columns` runs it.
    #[node]
    #[extract_columns("u", "v", "w")]
    fn counted() -> DataFrame {
        LOADS.fetch_add(1, Ordering::SeqCst);
        df!("u" => [1_i64], "v" => [2_i64], "w" => [3_i64]).unwrap()
    }

    /// The raw table.
    #[node]
    #[tag(stage = "load")]
    #[extract_columns("id", "price", "missing_col")]
    fn table(rows: &i64) -> Result<DataFrame, hamilton_core::polars::prelude::PolarsError> {
        let ids: Vec<i64> = (0..*rows).collect();
        let prices: Vec<f64> = ids.iter().map(|i| *i as f64 * 1.5).collect();
        DataFrame::new_infer_height(vec![
            Series::new("id".into(), ids).into(),
            Series::new("price".into(), prices).into(),
        ])
    }

    #[node]
    #[config_when(source = "fixture")]
    #[extract_columns("x", "weight", fill_with = 1.0)]
    fn sample() -> DataFrame {
        df!("x" => [1.0, 2.0, 3.0]).unwrap()
    }

    #[node]
    fn total_price(price: &Series) -> f64 {
        price.sum::<f64>().unwrap()
    }

    hamilton_core::module!();
}

fn columns(config: Config) -> Driver {
    Driver::builder().with_modules([columns::MODULE]).with_config(config).build().unwrap()
}

#[test]
fn extract_columns_makes_the_frame_node_and_one_series_node_per_column() {
    let dr = columns(Config::new());
    assert_eq!(dr.variable("table").unwrap().type_spelled(), "DataFrame");
    for column in ["id", "price", "missing_col"] {
        let v = dr.variable(column).unwrap();
        assert_eq!(v.type_spelled(), "Series");
        assert_eq!(v.required_dependencies(), vec!["table"]);
        assert_eq!(v.doc(), format!("Column `{column}` of `table`."));
        assert_eq!(v.tag("stage"), Some("load"));
    }
}

#[test]
fn the_frame_function_runs_once_for_all_its_columns() {
    let dr = columns(Config::new());
    dr.execute(&["u", "v", "w"], Inputs::new()).unwrap();
    assert_eq!(columns::LOADS.load(std::sync::atomic::Ordering::SeqCst), 1);
    let out =
        dr.execute(&["id", "price", "total_price"], Inputs::new().with("rows", 4_i64)).unwrap();
    use hamilton_core::polars::prelude::Series;
    assert_eq!(out.get::<Series>("id").unwrap().len(), 4);
    assert_eq!(*out.get::<f64>("total_price").unwrap(), 9.0);
}

#[test]
fn a_missing_column_is_h070_naming_the_node_and_the_column() {
    let dr = columns(Config::new());
    let err = dr.execute(&["missing_col"], Inputs::new().with("rows", 2_i64)).unwrap_err();
    assert_eq!(err.codes(), vec!["H070"]);
    let src = include_str!("modifiers.rs");
    let at = crate::at(src, "modifiers.rs", "fn table(", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H070]: node `missing_col` (fn table at {at}) failed: the frame `table` has no column \
             `missing_col` (its columns: id, price); return it from `table`, or give \
             `fill_with = ...` to `#[extract_columns]`"
        )
    );
}

#[test]
fn fill_with_makes_a_missing_column_from_the_value_and_config_when_applies_to_all() {
    let without = columns(Config::new());
    assert!(without.variable("sample").is_none());
    assert!(without.variable("weight").is_none());
    let dr = columns(Config::new().with("source", "fixture"));
    let out = dr.execute(&["x", "weight"], Inputs::new()).unwrap();
    use hamilton_core::polars::prelude::Series;
    let weight = out.get::<Series>("weight").unwrap();
    assert_eq!(weight.name().as_str(), "weight");
    assert_eq!(weight.f64().unwrap().into_no_null_iter().collect::<Vec<_>>(), vec![1.0; 3]);
    assert_eq!(out.get::<Series>("x").unwrap().len(), 3);
}

// ------------------------------------------------------------ unpack_fields and extract_fields

mod fields {
    use super::*;

    /// The bounds of the data.
    #[node]
    #[tag(stage = "stats")]
    #[unpack_fields(low, high)]
    #[tag_outputs(low(role = "min"), high(role = "max", stage = "extremes"))]
    fn bounds(values: &[i64]) -> (i64, i64) {
        (*values.iter().min().unwrap(), *values.iter().max().unwrap())
    }

    #[derive(Clone)]
    pub(crate) struct Fit {
        pub(crate) slope: f64,
        pub(crate) label: String,
    }

    #[node]
    #[extract_fields(slope: f64, label: String)]
    fn fit(high: &i64, low: &i64) -> Fit {
        Fit { slope: (*high - *low) as f64 / 2.0, label: format!("{low}..{high}") }
    }

    #[node]
    fn width(high: &i64, low: &i64) -> i64 {
        high - low
    }

    hamilton_core::module!();
}

#[test]
fn unpack_fields_makes_one_node_per_tuple_element() {
    let dr = Driver::builder().with_modules([fields::MODULE]).build().unwrap();
    assert_eq!(dr.variable("bounds").unwrap().type_spelled(), "(i64, i64)");
    for name in ["low", "high"] {
        let v = dr.variable(name).unwrap();
        assert_eq!(v.type_spelled(), "i64");
        assert_eq!(v.required_dependencies(), vec!["bounds"]);
    }
    let out = dr.execute(&["width"], Inputs::new().with("values", vec![4_i64, 9, 2])).unwrap();
    assert_eq!(*out.get::<i64>("width").unwrap(), 7);
}

#[test]
fn extract_fields_makes_one_node_per_declared_struct_field() {
    let dr = Driver::builder().with_modules([fields::MODULE]).build().unwrap();
    assert_eq!(dr.variable("slope").unwrap().type_spelled(), "f64");
    assert_eq!(dr.variable("label").unwrap().type_spelled(), "String");
    assert_eq!(dr.variable("label").unwrap().required_dependencies(), vec!["fit"]);
    let out =
        dr.execute(&["slope", "label"], Inputs::new().with("values", vec![4_i64, 9, 2])).unwrap();
    assert_eq!(*out.get::<f64>("slope").unwrap(), 3.5);
    assert_eq!(out.get::<String>("label").unwrap(), "2..9");
}

#[test]
fn tag_outputs_tags_single_nodes_over_the_function_tags() {
    let dr = Driver::builder().with_modules([fields::MODULE]).build().unwrap();
    let tag = |node: &str, key: &str| dr.variable(node).unwrap().tag(key).map(str::to_string);
    assert_eq!(tag("bounds", "stage").as_deref(), Some("stats"));
    assert_eq!(tag("bounds", "role"), None);
    assert_eq!(tag("low", "stage").as_deref(), Some("stats"));
    assert_eq!(tag("low", "role").as_deref(), Some("min"));
    assert_eq!(tag("high", "stage").as_deref(), Some("extremes"));
    assert_eq!(tag("high", "role").as_deref(), Some("max"));
}

// ------------------------------------------------------------------------------------- does

mod reuse {
    use super::*;

    /// Shared arithmetic, not a node.
    fn weighted_sum(first: &i64, second: &i64, weight: i64) -> i64 {
        first + second * weight
    }

    #[node]
    fn a() -> i64 {
        2
    }

    #[node]
    fn b() -> i64 {
        5
    }

    /// `a + 3 b`, computed by `weighted_sum`.
    #[node]
    #[does(weighted_sum)]
    #[inject(weight = value(3))]
    fn combined(a: &i64, b: &i64, weight: i64) -> i64 {}

    /// The same function over other nodes, once per weight.
    #[node]
    #[does(weighted_sum)]
    #[parameterize(light(first = source("b"), weight = value(1)), heavy(first = source("b"), weight = value(10)))]
    fn weighted(first: &i64, a: &i64, weight: i64) -> i64 {}

    hamilton_core::module!();
}

#[test]
fn does_runs_another_function_with_the_node_parameters() {
    let dr = Driver::builder().with_modules([reuse::MODULE]).build().unwrap();
    assert_eq!(run(&dr, "combined", Inputs::new()), 17);
    assert_eq!(dr.variable("combined").unwrap().doc(), "`a + 3 b`, computed by `weighted_sum`.");
    assert_eq!(run(&dr, "light", Inputs::new()), 7);
    assert_eq!(run(&dr, "heavy", Inputs::new()), 25);
}

// ------------------------------------------------------------------- build errors of expansions

mod clash {
    use super::*;

    #[node]
    fn price() -> f64 {
        1.0
    }

    #[node]
    #[parameterize(price(k = value(2.0)), cost(k = value(3.0)))]
    fn scaled(k: f64) -> f64 {
        k
    }

    hamilton_core::module!();
}

#[test]
fn a_generated_node_named_like_another_node_is_h003_naming_both_functions() {
    let err = Driver::builder().with_modules([clash::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), vec!["H003"]);
    let text = err.to_string();
    assert!(text.starts_with("error[H003]: "), "{text}");
    assert!(
        text.contains("`price`") && text.contains("fn scaled") && text.contains("fn price"),
        "{text}"
    );
}
