use hamilton_core::prelude::*;

#[tag(owner = "growth")]
#[node]
fn signups() -> f64 {
    1.0
}

fn main() {}
