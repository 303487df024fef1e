#![deny(deprecated)]
use hamilton_core::prelude::*;

/// The generated registration does not warn; the user's own call still does.
#[deprecated = "use `new_value`"]
#[node]
fn old_value() -> i64 {
    1
}

fn caller() -> i64 {
    old_value()
}

fn main() {}
