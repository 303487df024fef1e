use hamilton_core::prelude::*;

#[node(name = "a", name = "b")]
fn one() -> i64 {
    1
}

fn main() {}
