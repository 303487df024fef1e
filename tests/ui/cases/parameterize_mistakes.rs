use hamilton_core::prelude::*;

// A parameter the function does not have.
#[node]
#[parameterize(a(x = value(1), z = value(2)))]
fn f1(x: i64) -> i64 {
    x
}

// One parameter bound twice; an output given twice.
#[node]
#[parameterize(b(x = value(1), x = value(2)), b(x = value(3)))]
fn f2(x: i64) -> i64 {
    x
}

// Bindings that are neither `source`, `value` nor `group`; a source that is not a string.
#[node]
#[parameterize(c(x = 1), d(x = other("y")), e(x = source(y)), g(x = value(1, 2)))]
fn f3(x: i64) -> i64 {
    x
}

// An output depending on itself; `group` on a parameter that is not a list; nested groups.
#[node]
#[parameterize(h(x = source("h"), v = value(vec![])), k(x = value(1), v = group(group(value(1)))))]
fn f4(x: &i64, v: Vec<i64>) -> i64 {
    *x + v.len() as i64
}

#[node]
#[parameterize(m(x = group(value(1))))]
fn f5(x: i64) -> i64 {
    x
}

// No outputs; `#[node(name)]` with `#[parameterize]`.
#[node]
#[parameterize()]
fn f6(x: i64) -> i64 {
    x
}

#[node(name = "renamed")]
#[parameterize(n(x = value(1)))]
fn f7(x: i64) -> i64 {
    x
}

// A parameter bound by both `#[inject]` and `#[parameterize]`; `#[inject]` given twice.
#[node]
#[inject(x = value(1))]
#[parameterize(p(x = value(2)))]
fn f8(x: i64) -> i64 {
    x
}

#[node]
#[inject(x = value(1))]
#[inject(y = value(1))]
fn f9(x: i64, y: i64) -> i64 {
    x + y
}

// `parameterize_values` without its parameter first.
#[node]
#[parameterize_values(q = 1)]
fn f10(x: i64) -> i64 {
    x
}

// With validators, an output depending on its own unvalidated value.
#[node]
#[check_output(range = (0, 1))]
#[parameterize(r(x = source("r_raw")))]
fn f11(x: &i64) -> i64 {
    *x
}

// On its own.
#[parameterize(s(x = value(1)))]
fn f12(x: i64) -> i64 {
    x
}

fn main() {}
