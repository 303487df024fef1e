use hamilton_core::prelude::*;

#[config_when_default]
fn spend() -> f64 {
    1.0
}

fn main() {}
