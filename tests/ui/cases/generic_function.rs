use hamilton_core::prelude::*;

#[node]
fn identity<T>(x: T) -> T {
    x
}

fn main() {}
