use hamilton_core::prelude::*;

#[config_when(env = "prod")]
#[node]
fn spend__prod() -> f64 {
    1.0
}

fn main() {}
