use hamilton_core::prelude::*;

#[node]
fn name(raw: &String) -> &String {
    raw
}

#[node]
fn first_word(raw: &String) -> &str {
    raw.split(' ').next().unwrap_or("")
}

#[node]
fn evens(numbers: &Vec<i64>) -> Option<&[i64]> {
    numbers.get(..2)
}

#[node]
fn label(raw: &String) -> std::borrow::Cow<'_, str> {
    std::borrow::Cow::Borrowed(raw)
}

// A `'static` borrow, and references inside a function type, are owned values.
#[node]
fn unit() -> &'static str {
    "kg"
}

#[node]
fn parser() -> fn(&str) -> usize {
    str::len
}

#[node]
fn first() -> Box<dyn for<'a> Fn(&'a [u8]) -> Option<&'a u8> + Send + Sync> {
    Box::new(|bytes| bytes.first())
}

fn main() {}
