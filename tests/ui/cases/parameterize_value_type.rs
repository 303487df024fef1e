use hamilton_core::prelude::*;

// A value of the wrong type is reported at the value.
#[node]
#[parameterize(a(x = value("one"), y = value(2)))]
fn sum(x: i64, y: &i64) -> i64 {
    x + y
}

#[node]
#[inject(values = group(value(1), value("two")))]
fn total(values: Vec<i64>) -> i64 {
    values.iter().sum()
}

fn main() {}
