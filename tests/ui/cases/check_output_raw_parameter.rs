use hamilton_core::prelude::*;

/// Spend, cleaned from the raw export: but `#[check_output]` names this function's own value
/// `spend_raw`.
#[node]
#[check_output(range = (0.0, 1e6))]
fn spend(spend_raw: &f64) -> f64 {
    spend_raw.max(0.0)
}

fn main() {}
