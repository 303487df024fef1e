//! Trains the digits classifier on the first half of the data set, reads the digits of the second
//! half and prints the accuracy and a few predictions.
//!
//! `cargo run -p hamilton-examples --bin digits [-- dev|prod]` (default `prod`). The debug build
//! is the quick one to start with; `--release` reads the digits a little faster but takes minutes
//! longer to build (polars).
//!
//! Any other first argument goes to the dataflow's command line (`hamilton_core::cli`):
//! `digits view --out digits.svg`, `digits catalog --format json`, `digits list --tag stage=train`,
//! `digits run --output held_out_digits --config env=dev`, `digits --help`.
//!
//! The data-quality checks of `predicted_digits` and `accuracy` are nodes of the graph: the run
//! asks for their results and prints them. Failing `warn` checks are also logged, on stderr.
//!
//! The data set is read by a CSV loader and the predictions are written by a Parquet saver
//! (`digits::materializers`), at paths the environment's config chooses (`digits::config`):
//! `prod` writes `examples/out/digits-predictions.parquet`, `dev` a file in the temporary
//! directory.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use hamilton_core::io::Metadata;
use hamilton_core::polars::prelude::{DataFrame, DataType, Series, UInt32Chunked};
use hamilton_core::prelude::*;
use hamilton_core::quality::{TAG_CONTAINS_RESULTS, ValidationResult};
use hamilton_examples::digits::{self, DigitClassifier};

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("out");
    if std::env::args().nth(1).is_some_and(|a| a != "dev" && a != "prod") {
        // The command line sees the graph as `prod` builds it (`--config env=dev` switches the
        // variants, the paths stay prod's).
        let builder = Driver::builder()
            .with_modules([digits::MODULE])
            .with_config(digits::config("prod", &out_dir))
            .with_materializers(digits::materializers());
        return Ok(hamilton_core::cli::main(builder));
    }
    // Shows the warnings of failing `importance = "warn"` checks.
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).init();
    let env = std::env::args().nth(1).unwrap_or_else(|| "prod".to_string());
    std::fs::create_dir_all(&out_dir)?;
    let dr = Driver::builder()
        .with_modules([digits::MODULE])
        .with_config(digits::config(&env, &out_dir))
        .with_materializers(digits::materializers())
        .build()?;

    // The images to read: the half of the data set that the model does not train on.
    let held_out =
        dr.execute(&["held_out_digits"], Inputs::new())?.take::<DataFrame>("held_out_digits")?;
    let truth = held_out.column(digits::TARGET)?.cast(&DataType::UInt32)?;

    // The validator result nodes (`predicted_digits_range_validator`, ...), found by their tag.
    let checks: Vec<String> = dr
        .list_available_variables(&TagFilter::new().exists(TAG_CONTAINS_RESULTS))
        .iter()
        .map(|v| v.name().to_string())
        .collect();
    let mut request = vec!["digits_model", "predicted_digits", "accuracy", "save_predictions"];
    request.extend(checks.iter().map(String::as_str));

    let started = Instant::now();
    let out = dr.execute(&request, Inputs::new().with("input_digits", held_out))?;
    let elapsed = started.elapsed();

    let model = out.get::<DigitClassifier>("digits_model")?;
    let predicted = out.get::<Series>("predicted_digits")?.u32()?;
    let accuracy = out.get::<f64>("accuracy")?;
    println!(
        "[{env}] trained on {} images, read {} others in {:.2} s",
        model.training_rows(),
        predicted.len(),
        elapsed.as_secs_f64()
    );
    println!("[{env}] accuracy: {accuracy:.4}");
    let first = |digits: &UInt32Chunked| {
        digits
            .iter()
            .take(12)
            .map(|d| d.map_or("-".to_string(), |d| d.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("[{env}] predicted: {}", first(predicted));
    println!("[{env}] actual:    {}", first(truth.u32()?));
    let saved = out.get::<Metadata>("save_predictions")?;
    if let Some(path) = &saved.path {
        println!("[{env}] saved {} predictions to {}", saved.rows.unwrap_or(0), path.display());
    }
    for check in &checks {
        let result = out.get::<ValidationResult>(check)?;
        let mark = if result.passes { "ok  " } else { "FAIL" };
        println!("[{env}] check {mark} {check}: {}", result.message);
    }
    Ok(ExitCode::SUCCESS)
}
