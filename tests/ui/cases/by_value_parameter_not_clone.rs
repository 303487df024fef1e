use hamilton_core::prelude::*;

struct Model {
    weight: f64,
}

#[node]
fn score(model: Model) -> f64 {
    model.weight
}

fn main() {}
