use hamilton_core::prelude::*;

trait Shape {}

#[node]
fn text() -> str {
    panic!("unsized")
}

#[node]
fn parsed(_text: &String) -> Result<[u8], std::io::Error> {
    panic!("unsized")
}

#[node]
fn area(_shape: Option<dyn Shape>) -> f64 {
    0.0
}

fn main() {}
