use hamilton_core::prelude::*;

#[node]
fn scaled(#[default(2.0)] factor: Option<f64>) -> f64 {
    factor.unwrap_or(1.0)
}

fn main() {}
