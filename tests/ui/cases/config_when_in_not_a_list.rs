use hamilton_core::prelude::*;

#[node]
#[config_when_in(env = "prod")]
fn spend__prod() -> f64 {
    1.0
}

fn main() {}
