use hamilton_core::prelude::*;

/// Not an `std::error::Error`.
#[derive(Debug)]
struct ParseFailure;

#[node]
fn parsed(text: &str) -> Result<i64, ParseFailure> {
    text.parse().map_err(|_| ParseFailure)
}

fn main() {}
