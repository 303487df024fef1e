use hamilton_core::prelude::*;

#[config_when(env = "prod")]
fn spend() -> f64 {
    1.0
}

fn main() {}
