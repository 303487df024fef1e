use hamilton_core::prelude::*;

#[tag(owner = "growth")]
fn spend() -> f64 {
    1.0
}

fn main() {}
