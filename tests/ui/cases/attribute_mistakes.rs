use hamilton_core::prelude::*;

#[node]
#[tag]
fn a() -> i64 {
    1
}

#[node]
#[tag()]
fn b() -> i64 {
    1
}

// One error each: the parse error, nothing more.
#[node]
#[tag(owner = )]
fn c() -> i64 {
    1
}

#[node]
#[check_output(range = )]
fn d() -> i64 {
    1
}

#[node]
#[config_when(region = )]
fn e() -> i64 {
    1
}

fn main() {}
