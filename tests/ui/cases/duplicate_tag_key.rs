use hamilton_core::prelude::*;

#[node]
#[tag(owner = "growth", owner = "finance")]
fn one() -> i64 {
    1
}

fn main() {}
