use hamilton_core::prelude::*;

#[node]
#[check_output(range = (0, 1), range = (0, 2))]
fn twice(x: &f64) -> f64 {
    *x
}

#[node]
#[check_output()]
fn empty(x: &f64) -> f64 {
    *x
}

#[node]
#[check_output(importance = "fail")]
fn only_importance(x: &f64) -> f64 {
    *x
}

#[node]
#[check_output_custom(importance = "warn")]
fn no_custom_validator(x: &f64) -> f64 {
    *x
}

#[node]
#[check_output_custom(name = 3)]
fn custom_assignment(x: &f64) -> f64 {
    *x
}

fn main() {}
