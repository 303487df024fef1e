use hamilton_core::prelude::*;
use std::rc::Rc;

#[node]
fn read(counter: &Rc<i32>) -> i32 {
    **counter
}

fn main() {}
