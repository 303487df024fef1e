use hamilton_core::prelude::*;

#[node]
fn report(total: &f64) {
    println!("{total}");
}

fn main() {}
