use hamilton_core::prelude::*;

#[node]
#[save_to(text(path = value("out.txt")))]
fn no_id() -> String {
    String::new()
}

#[node]
#[save_to(text(path = 42), id = "save_bad_value")]
fn bad_value() -> String {
    String::new()
}

#[node]
#[save_to(text(path = value("a.txt"), path = value("b.txt")), id = "save_twice", mode = "w")]
fn repeated_key() -> String {
    String::new()
}

#[node]
fn loaded(#[load_from(text(path = other("x")))] note: &str) -> String {
    note.to_string()
}

fn main() {}
