use hamilton_core::prelude::*;

#[node]
const SPEND: f64 = 1.0;

fn main() {}
