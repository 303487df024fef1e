use hamilton_core::prelude::*;

struct Pipeline {
    offset: i64,
}

impl Pipeline {
    #[node]
    fn shifted(&self, x: i64) -> i64 {
        x + self.offset
    }
}

fn main() {}
