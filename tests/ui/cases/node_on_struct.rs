use hamilton_core::prelude::*;

#[node]
struct Spend {
    dollars: f64,
}

fn main() {}
