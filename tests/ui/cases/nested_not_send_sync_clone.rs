use hamilton_core::prelude::*;
use std::cell::Cell;
use std::rc::Rc;

// One error per type, in our words, however deep the offending part.
#[node]
fn shared() -> Vec<Rc<i64>> {
    vec![Rc::new(1)]
}

#[node]
fn failure() -> Box<dyn std::error::Error> {
    "x".into()
}

#[node]
fn counters(cells: &Vec<Cell<i64>>) -> i64 {
    cells.iter().map(Cell::get).sum()
}

#[node]
fn apply(f: Box<dyn Fn(i64) -> i64>) -> i64 {
    f(1)
}

#[node]
fn apply_shared(f: Box<dyn Fn(i64) -> i64 + Send + Sync>) -> i64 {
    f(1)
}

fn main() {}
