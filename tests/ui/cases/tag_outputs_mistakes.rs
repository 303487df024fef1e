use hamilton_core::prelude::*;

// A node the function does not make; a reserved key; a value that is not a string.
#[node]
#[unpack_fields(low, high)]
#[tag_outputs(middle(role = "mid"), low(hamilton = "x", role = 1))]
fn bounds() -> (i64, i64) {
    (1, 2)
}

fn main() {}
