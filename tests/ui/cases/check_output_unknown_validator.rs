use hamilton_core::prelude::*;

#[node]
#[check_output(between = (0, 10), importance = "stop")]
fn score(raw: &f64) -> f64 {
    *raw
}

fn main() {}
