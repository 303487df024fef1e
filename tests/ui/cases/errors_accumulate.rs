use hamilton_core::prelude::*;

// Every mistake is reported in one compile, and the function is still emitted: calling it
// below causes no further error.
#[node(nmae = "sum")]
#[tag(hamilton = "mine")]
#[config_when_in(env = "prod")]
fn total((a, b): (i64, i64), items: &mut Vec<i64>, extra: impl Into<i64>) -> i64 {
    items.push(a + b + extra.into());
    items.iter().sum()
}

fn main() {}

#[allow(dead_code)]
fn caller() -> i64 {
    total((1, 2), &mut Vec::new(), 3)
}
