use hamilton_core::prelude::*;

#[node(nmae = "x")]
fn one() -> i64 {
    1
}

fn main() {}
