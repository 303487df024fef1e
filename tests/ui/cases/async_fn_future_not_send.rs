use hamilton_core::prelude::*;
use std::rc::Rc;

async fn lookup(key: &str) -> usize {
    key.len()
}

#[node]
async fn fetched(key: &str) -> usize {
    let shared = Rc::new(1);
    lookup(key).await + *shared
}

fn main() {}
