use hamilton_core::prelude::*;
use std::rc::Rc;

#[node]
fn shared() -> Rc<i32> {
    Rc::new(1)
}

fn main() {}
