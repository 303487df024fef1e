use hamilton_core::prelude::*;

#[node]
fn pushed(items: &mut Vec<i64>) -> usize {
    items.push(1);
    items.len()
}

fn main() {}
