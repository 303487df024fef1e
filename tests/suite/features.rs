//! The workspace's feature sets and polars' lazy API through `hamilton_core::polars`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use hamilton_core::polars::prelude::*;
use hamilton_core::prelude::*;

/// The features cargo turns on for each `polars*` package when it builds `selection` (arguments
/// of `cargo tree`), read from `cargo tree`, which prints each package with its features.
fn polars_features(selection: &[&str], edges: &str) -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["tree", "--locked", "--prefix", "none", "-f", "{p}|{f}", "-e", edges])
        .args(selection)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Some((package, features)) = line.split_once('|') else { continue };
        let name = package.split_whitespace().next().unwrap_or_default();
        if name.starts_with("polars") {
            // A package printed again is marked ` (*)`.
            let features = features.trim_end_matches(" (*)");
            let set: BTreeSet<String> =
                features.split(',').filter(|f| !f.is_empty()).map(str::to_string).collect();
            found.insert(name.to_string(), set);
        }
    }
    found
}

/// The README's two commands, `cargo run -p hamilton-examples --bin digits` then
/// `cargo test --workspace`, build polars with the same features, so the second reuses the
/// first one's build (the rule in examples/Cargo.toml). A member that turns on a polars
/// feature hamilton-examples does not breaks this.
#[test]
fn readme_commands_share_one_polars_build() {
    let run = polars_features(&["-p", "hamilton-examples"], "normal,build");
    let test = polars_features(&["--workspace"], "normal,build,dev");
    assert!(run.contains_key("polars-core"), "no polars-core in {run:?}");
    let mut differences = Vec::new();
    for (package, features) in &test {
        let ours = run.get(package).cloned().unwrap_or_default();
        if &ours != features {
            let missing: Vec<_> = features.difference(&ours).collect();
            differences.push(format!("{package}: hamilton-examples lacks {missing:?}"));
        }
    }
    assert!(
        differences.is_empty(),
        "`cargo test --workspace` would compile polars again; add these features to \
         examples/Cargo.toml:\n{}",
        differences.join("\n")
    );
}

/// Orders, one row each.
#[node]
fn orders(regions: &[String], amounts: &[f64]) -> PolarsResult<DataFrame> {
    df!("region" => regions, "amount" => amounts)
}

/// Revenue per region, through the lazy API (the `lazy` feature).
#[node]
fn revenue_by_region(orders: &DataFrame) -> PolarsResult<DataFrame> {
    orders
        .clone()
        .lazy()
        .group_by([col("region")])
        .agg([col("amount").sum().alias("revenue")])
        .sort(["region"], SortMultipleOptions::default())
        .collect()
}

/// A lazy query plan as a node value, collected downstream.
#[node]
fn eu_orders(orders: &DataFrame) -> LazyFrame {
    orders.clone().lazy().filter(col("region").eq(lit("eu")))
}

/// The plan's row count.
#[node]
fn eu_count(eu_orders: LazyFrame) -> PolarsResult<usize> {
    Ok(eu_orders.collect()?.height())
}

hamilton_core::module!();

#[test]
fn lazy_group_by_in_a_node() -> Result<(), Error> {
    let dr = Driver::builder().with_modules([MODULE]).build()?;
    let inputs = Inputs::new()
        .with("regions", vec!["us".to_string(), "eu".into(), "eu".into()])
        .with("amounts", vec![5.0_f64, 10.0, 30.0]);
    let out = dr.execute(&["revenue_by_region", "eu_count"], inputs)?;
    let frame = out.get::<DataFrame>("revenue_by_region")?;
    let revenue: Vec<Option<f64>> =
        frame.column("revenue").unwrap().f64().unwrap().iter().collect();
    assert_eq!(revenue, [Some(40.0), Some(5.0)]);
    assert_eq!(*out.get::<usize>("eu_count")?, 2);
    Ok(())
}

#[test]
fn a_polars_error_in_a_lazy_query_names_the_node() {
    let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
    // A frame without `region`: the lazy query fails when collected.
    let frame = df!("amount" => [1.0_f64]).unwrap();
    let err = dr
        .execute_with(&["revenue_by_region"], Inputs::new(), Overrides::new().with("orders", frame))
        .unwrap_err();
    assert_eq!(err.codes(), ["H013"]);
    let text = err.to_string();
    assert!(text.contains("node `revenue_by_region`"), "{text}");
    assert!(text.contains("region"), "{text}");
}
