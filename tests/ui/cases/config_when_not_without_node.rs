use hamilton_core::prelude::*;

#[config_when_not(env = "prod")]
fn spend() -> f64 {
    1.0
}

fn main() {}
