use hamilton_core::prelude::*;

#[save_to(text(path = value("out.txt")), id = "save_it")]
fn no_node() -> String {
    String::new()
}

fn main() {}
