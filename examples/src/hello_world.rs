//! Hello world: a small pipeline over a list of numbers, with a `dev`/`prod` config variant.
//!
//! ```text
//! numbers ──> raw ──> mean ─────────────> spread ──> summary
//!   (input)    │                     (prod) ^  ^ (dev)
//!              └──> bounds ──> low, high ──────┘
//! ```
//!
//! `bounds` returns a pair; `#[unpack_fields]` makes each element a node of its own.

use hamilton_core::prelude::*;

/// The numbers of the input text, one per comma-separated field.
#[node]
#[tag(stage = "load")]
pub fn raw(numbers: &str) -> Result<Vec<f64>, std::num::ParseFloatError> {
    numbers.split(',').map(|s| s.trim().parse::<f64>()).collect()
}

/// The arithmetic mean of the numbers.
#[node]
#[tag(stage = "stats")]
pub fn mean(raw: &[f64]) -> f64 {
    raw.iter().sum::<f64>() / raw.len() as f64
}

/// In production: the sample standard deviation around the mean.
#[node]
#[config_when(env = "prod")]
#[tag(stage = "stats")]
pub fn spread__prod(raw: &[f64], mean: f64) -> f64 {
    let n = raw.len() as f64;
    (raw.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// The smallest and the largest number, as the nodes `low` and `high`.
#[node]
#[tag(stage = "stats")]
#[unpack_fields(low, high)]
pub fn bounds(raw: &[f64]) -> (f64, f64) {
    let low = raw.iter().copied().fold(f64::INFINITY, f64::min);
    let high = raw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (low, high)
}

/// Anywhere else: the range (high - low), cheap and good enough to eyeball.
#[node]
#[config_when_default]
#[tag(stage = "stats")]
pub fn spread__dev(low: f64, high: f64) -> f64 {
    high - low
}

/// One line for humans.
#[node]
#[tag(stage = "report")]
pub fn summary(raw: &[f64], mean: f64, spread: f64, env: Option<&str>) -> String {
    format!(
        "{} numbers, mean {mean:.3}, spread {spread:.3} (env: {})",
        raw.len(),
        env.unwrap_or("unset")
    )
}

hamilton_core::module!();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_plain_functions() {
        assert_eq!(raw("1, 2.5").unwrap(), vec![1.0, 2.5]);
        assert_eq!(mean(&[1.0, 3.0]), 2.0);
        assert_eq!(bounds(&[1.0, 4.0, 2.0]), (1.0, 4.0));
        assert_eq!(spread__dev(1.0, 4.0), 3.0);
        assert!((spread__prod(&[1.0, 3.0], 2.0) - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn the_dataflow_runs_through_the_driver_in_both_environments() {
        for (env, spread) in [("dev", 3.0), ("prod", 1.2909944487358056)] {
            let dr = Driver::builder()
                .with_modules([MODULE])
                .with_config(Config::new().with("env", env))
                .build()
                .unwrap();
            let out = dr
                .execute(&["spread", "summary"], Inputs::new().with("numbers", "1, 2, 3, 4"))
                .unwrap();
            let got = *out.get::<f64>("spread").unwrap();
            assert!((got - spread).abs() < 1e-12, "{env}: {got} vs {spread}");
            assert!(out.get::<String>("summary").unwrap().contains(&format!("env: {env}")));
        }
    }

    #[test]
    fn the_bounds_are_nodes_of_their_own() {
        let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
        let out = dr.execute(&["low", "high"], Inputs::new().with("numbers", "3, 1, 4")).unwrap();
        assert_eq!(*out.get::<f64>("low").unwrap(), 1.0);
        assert_eq!(*out.get::<f64>("high").unwrap(), 4.0);
        assert_eq!(dr.variable("low").unwrap().required_dependencies(), vec!["bounds"]);
    }

    #[test]
    fn bad_numbers_fail_the_raw_node() {
        let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
        let err = dr.execute(&["mean"], Inputs::new().with("numbers", "1, x")).unwrap_err();
        assert!(err.to_string().contains("node `raw`"), "{err}");
        assert!(err.to_string().contains("invalid float literal"), "{err}");
    }
}
