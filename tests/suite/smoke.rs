use hamilton_core::prelude::*;
use std::sync::Arc;

/// Load the raw numbers.
#[node]
#[tag(owner = "data")]
fn raw(path: &str) -> Vec<f64> {
    path.split(',').map(|s| s.trim().parse().unwrap()).collect()
}

#[node]
fn mean(raw: &[f64]) -> f64 {
    raw.iter().sum::<f64>() / raw.len() as f64
}

#[node]
fn centered(raw: &Vec<f64>, mean: f64) -> Vec<f64> {
    raw.iter().map(|x| x - mean).collect()
}

#[node]
#[config_when(env = "prod")]
fn scale__prod(centered: Arc<Vec<f64>>, factor: Option<&f64>) -> Vec<f64> {
    centered.iter().map(|x| x * factor.copied().unwrap_or(1.0)).collect()
}

#[node]
#[config_when_default]
fn scale__dev(centered: Vec<f64>, #[default(2.0)] factor: f64) -> Vec<f64> {
    centered.iter().map(|x| x * factor).collect()
}

hamilton_core::module!();

#[test]
fn runs() {
    let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
    let out = dr.execute(&["mean", "scale"], Inputs::new().with("path", "1, 2, 3")).unwrap();
    assert_eq!(*out.get::<f64>("mean").unwrap(), 2.0);
    assert_eq!(out.get::<Vec<f64>>("scale").unwrap(), &vec![-2.0, 0.0, 2.0]);
    let dr = Driver::builder().with_modules([MODULE]).with_config(Config::new().with("env", "prod")).build().unwrap();
    let out = dr.execute(&["scale"], Inputs::new().with("path", "1, 2, 3")).unwrap();
    assert_eq!(out.get::<Vec<f64>>("scale").unwrap(), &vec![-1.0, 0.0, 1.0]);
    println!("{:?}", dr.variable("raw").unwrap().site());
}
