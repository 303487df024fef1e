use hamilton_core::prelude::*;

#[node]
fn total(values: impl Iterator<Item = i64>) -> i64 {
    values.sum()
}

fn main() {}
