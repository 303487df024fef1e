use hamilton_core::prelude::*;

#[config_when_in(env = ["prod", "staging"])]
fn spend() -> f64 {
    1.0
}

fn main() {}
