use std::borrow::Cow;

use hamilton_core::prelude::*;
use hamilton_core::quality::{ValidationResult, Validator};

struct NonEmpty;

impl Validator<String> for NonEmpty {
    fn name(&self) -> Cow<'static, str> {
        "non_empty_validator".into()
    }
    fn description(&self) -> String {
        "the text is not empty".into()
    }
    fn validate(&self, value: &String) -> ValidationResult {
        ValidationResult::new(!value.is_empty(), "checked")
    }
}

#[node]
#[check_output_custom(NonEmpty, importance = "fail")]
fn count(raw: &[f64]) -> usize {
    raw.len()
}

fn main() {}
