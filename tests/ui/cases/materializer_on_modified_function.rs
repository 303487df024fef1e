use hamilton_core::prelude::*;

// A saver needs one node to save; this function makes two.
#[node]
#[save_to(text(path = value("pair.txt")), id = "save_pair")]
#[unpack_fields(low, high)]
fn bounds() -> (String, String) {
    (String::from("a"), String::from("z"))
}

fn main() {}
