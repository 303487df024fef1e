use hamilton_core::prelude::*;

#[node]
#[tag(hamilton = "mine")]
fn spend() -> f64 {
    1.0
}

fn main() {}
