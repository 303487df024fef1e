use hamilton_core::prelude::*;

#[check_output(range = (0, 1))]
fn ratio() -> f64 {
    0.5
}

fn main() {}
