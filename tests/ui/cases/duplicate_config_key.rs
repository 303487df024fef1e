use hamilton_core::prelude::*;

#[node]
#[config_when(env = "prod", env = "staging")]
fn one() -> i64 {
    1
}

fn main() {}
