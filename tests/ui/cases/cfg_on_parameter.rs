use hamilton_core::prelude::*;

#[node]
fn total(a: i64, #[cfg(feature = "extra")] b: i64) -> i64 {
    a
}

#[node]
fn scaled(a: i64, #[cfg_attr(test, default(2))] factor: i64) -> i64 {
    a * factor
}

// Other attributes through `cfg_attr` are kept.
#[node]
fn kept(#[cfg_attr(test, allow(unused_variables))] a: i64) -> i64 {
    a
}

fn main() {}
