use hamilton_core::prelude::*;

fn double(x: &i64) -> i64 {
    x * 2
}

// A body that is not empty; a name mapping (Rust passes arguments by position).
#[node]
#[does(double)]
fn a(x: &i64) -> i64 {
    *x
}

#[node]
#[does(double, x = "y")]
fn b(y: &i64) -> i64 {}

// Parameters that do not fit the function: reported at `#[does]`'s argument.
#[node]
#[does(double)]
fn c(x: &i64, y: &i64) -> i64 {}

fn main() {}
