use hamilton_core::prelude::*;

// Not a tuple; a tuple of another length; a field named twice.
#[node]
#[unpack_fields(a, b)]
fn not_a_tuple() -> i64 {
    1
}

#[node]
#[unpack_fields(c, d, d)]
fn pair() -> (i64, i64) {
    (1, 2)
}

#[derive(Clone)]
struct Fit {
    slope: f64,
}

// A field declared with another type than the struct's; a field the struct does not have.
#[node]
#[extract_fields(slope: i64)]
fn fit() -> Fit {
    Fit { slope: 1.0 }
}

#[node]
#[extract_fields(intercept: f64)]
fn fit_b() -> Fit {
    Fit { slope: 1.0 }
}

fn main() {}
