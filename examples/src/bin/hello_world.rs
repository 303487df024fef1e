//! Runs the hello-world pipeline in `dev` and in `prod` and prints what it computed.
//!
//! `cargo run -p hamilton-examples --bin hello_world [-- "1, 2, 3"]`

use hamilton_core::prelude::*;
use hamilton_examples::hello_world;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let numbers = std::env::args().nth(1).unwrap_or_else(|| "3, 1, 4, 1, 5, 9, 2, 6".to_string());
    for env in ["dev", "prod"] {
        let dr = Driver::builder()
            .with_modules([hello_world::MODULE])
            .with_config(Config::new().with("env", env))
            .build()?;
        let out = dr.execute(
            &["mean", "spread", "summary"],
            Inputs::new().with("numbers", numbers.clone()),
        )?;
        println!("[{env}] mean   = {:.3}", out.get::<f64>("mean")?);
        println!("[{env}] spread = {:.3}", out.get::<f64>("spread")?);
        println!("[{env}] {}", out.get::<String>("summary")?);
    }
    Ok(())
}
