use hamilton_core::prelude::*;

#[node]
fn spend__() -> f64 {
    1.0
}

fn main() {}
