use hamilton_core::prelude::*;

/// `range` checks numbers, not text.
#[node]
#[check_output(range = (0, 10), importance = "fail")]
fn label(raw: &str) -> String {
    raw.to_uppercase()
}

fn main() {}
