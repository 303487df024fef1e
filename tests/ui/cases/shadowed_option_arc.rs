use hamilton_core::prelude::*;

#[derive(Clone)]
struct Option<T>(T);

#[derive(Clone)]
struct Arc<T>(T);

#[node]
fn maybe(x: Option<i64>) -> i64 {
    x.0
}

#[node]
fn shared(x: Arc<i64>) -> i64 {
    x.0
}

// Named by a path, the user's types are plain values.
#[node]
fn plain(x: self::Option<i64>, y: crate::Arc<i64>) -> i64 {
    x.0 + y.0
}

fn main() {}
