use hamilton_core::prelude::*;

#[node]
async fn fetched(url: &str) -> String {
    url.to_string()
}

fn main() {}
