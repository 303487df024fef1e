use hamilton_core::prelude::*;

#[node]
fn label(#[default(10)] name: &String) -> String {
    name.clone()
}

#[node]
fn count(#[default("ten")] n: &u32) -> u32 {
    *n
}

fn main() {}
