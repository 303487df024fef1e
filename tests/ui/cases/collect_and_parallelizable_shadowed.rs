use std::rc::Rc;

use hamilton_core::prelude::*;

#[node]
fn counts(count: Collect<Rc<i64>>) -> usize {
    count.len()
}

mod own {
    use hamilton_core::node;

    pub struct Collect<T>(pub Vec<T>);
    pub struct Parallelizable<T>(pub Vec<T>);

    #[node]
    fn sizes(size: Collect<u64>) -> usize {
        size.0.len()
    }

    #[node]
    fn item(n: &u64) -> Parallelizable<u64> {
        Parallelizable(vec![*n])
    }
}

fn main() {}
