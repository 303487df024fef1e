use hamilton_core::prelude::*;

// Column names must be string literals naming identifiers, each once.
#[node]
#[extract_columns(a, "b", "b", "two words", fill = 1)]
fn frame_a() -> i64 {
    1
}

// No columns.
#[node]
#[extract_columns()]
fn frame_b() -> i64 {
    1
}

// Not together with `#[parameterize]`.
#[node]
#[parameterize(x(k = value(1)), y(k = value(2)))]
#[extract_columns("c")]
fn frame_c(k: i64) -> i64 {
    k
}

fn main() {}
