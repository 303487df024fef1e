use hamilton_core::prelude::*;

#[node]
#[config_when_default]
#[config_when(env = "prod")]
fn spend__prod() -> f64 {
    1.0
}

fn main() {}
