use hamilton_core::prelude::*;

/// Not an `std::error::Error`.
#[derive(Debug)]
struct ParseFailure;

type Result<T> = std::result::Result<T, ParseFailure>;

#[node]
fn parsed(text: &str) -> Result<i64> {
    text.parse().map_err(|_| ParseFailure)
}

fn main() {}
