use hamilton_core::prelude::*;

struct Model;

#[node]
fn best(#[default(Vec::new())] score: Collect<f64>) -> f64 {
    score.iter().copied().fold(f64::MIN, f64::max)
}

#[node]
fn maybe(score: Option<Collect<f64>>) -> usize {
    score.map_or(0, |s| s.len())
}

#[node]
fn models(model: Collect<Model>) -> usize {
    model.len()
}

fn main() {}
