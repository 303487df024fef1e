use hamilton_core::prelude::*;

struct Pipeline;

impl Pipeline {
    #[node]
    fn build() -> Self {
        Pipeline
    }

    // Without `self` or `Self`, a macro cannot tell that it is inside an `impl`: rustc reports
    // the generated code that cannot be there, and suggests `Self::one`.
    #[node]
    fn one() -> i64 {
        1
    }

    #[node]
    fn size(_pipeline: &Self) -> usize {
        0
    }
}

trait Steps {
    #[node]
    fn step(&self) -> i64;

    #[node]
    fn total() -> i64;
}

fn main() {}
