use hamilton_core::prelude::*;

/// A list of texts cannot check a number.
#[node]
#[check_output(values_in = ["1", "2"])]
fn level(raw: &i64) -> i64 {
    *raw
}

fn main() {}
