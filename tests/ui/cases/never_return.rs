use hamilton_core::prelude::*;

#[node]
fn stop(reason: &String) -> ! {
    panic!("{reason}")
}

fn main() {}
