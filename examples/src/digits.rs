//! Digits: Hamilton's seed `simple_pipeline`. Loads 1,797 images of handwritten digits with
//! polars, trains a support vector classifier on the first half and reads the digits of images it
//! has not seen.
//!
//! ```text
//! data_path ──> digits_df ──> training_digits ──> digits_model ──> predicted_digits ──> accuracy
//! (defaulted)       │          (dev: a third)          ^                  ^                ^
//!                   │                  svm_gamma, svm_c (defaulted)       │                │
//!                   └──> held_out_digits      input_digits (input) ───────┴────────────────┘
//! ```
//!
//! `input_digits` is an input, as in the seed: any frame with the 64 pixel columns (and, to be
//! scored by `accuracy`, a `target` column). `held_out_digits` is the second half of the data
//! set, which the model never trains on; pass it as `input_digits` to score the model on it.
//!
//! Config `env`:
//! - `dev` trains on every third image of the first half (300 images): training is about 8 times
//!   faster and accuracy about 2 points lower (0.949 on the second half).
//! - `prod`, or no `env`, trains on the whole first half (898 images), as the seed does: 0.971
//!   on the second half (scikit-learn's `SVC` reaches 0.970 on this split).
//!
//! The classifier is the seed's: an RBF-kernel SVM with `gamma = 0.001` and `C = 100`. linfa's
//! SVMs are binary, so [`DigitClassifier`] trains one per digit (one-vs-rest) and a row gets the
//! digit whose SVM gives it the largest decision value.
//!
//! Data quality: `predicted_digits` must be `UInt32` digits from 0 to 9 without nulls (otherwise
//! the run stops, H020), and `accuracy` logs a warning below 0.9.

use std::fmt;
use std::path::Path;

use hamilton_core::io::{Materializer, from_, source, to};
use hamilton_core::polars::prelude::{
    CsvReadOptions, DataFrame, DataType, IdxCa, IdxSize, IntoColumn, NamedFrom, PolarsError,
    SerReader, Series,
};
use hamilton_core::prelude::*;
use linfa::DatasetBase;
use linfa::traits::Fit;
use linfa_svm::{Svm, SvmError};
use ndarray::{Array1, Array2};

/// The data set shipped with the examples: one row per 8×8 image, pixels `pixel_0` …
/// `pixel_63` (0 to 16) and the digit in `target`. Scikit-learn's `load_digits`, as CSV.
pub const DIGITS_CSV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv");

/// The column holding the true digit. Every other column of a training frame is a feature.
pub const TARGET: &str = "target";

/// The digits data set, read from the CSV file at `data_path` (by default [`DIGITS_CSV`]).
#[node]
#[tag(stage = "load")]
pub fn digits_df(#[default(DIGITS_CSV)] data_path: &str) -> Result<DataFrame, PolarsError> {
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(data_path.into()))?
        .finish()
}

/// In `dev`: every third image of the first half, so that the model trains in a fraction of the
/// time.
#[node]
#[config_when(env = "dev")]
#[tag(stage = "split")]
pub fn training_digits__dev(digits_df: &DataFrame) -> Result<DataFrame, PolarsError> {
    let rows: Vec<IdxSize> = (0..first_half(digits_df)).step_by(3).map(|i| i as IdxSize).collect();
    digits_df.take(&IdxCa::from_vec("row".into(), rows))
}

/// Anywhere else (`prod`, or no `env`): the first half of the images, as the seed trains on.
#[node]
#[config_when_default]
#[tag(stage = "split")]
pub fn training_digits__prod(digits_df: &DataFrame) -> DataFrame {
    digits_df.head(Some(first_half(digits_df)))
}

/// The second half of the images, never trained on: pass it as `input_digits` to score the model.
#[node]
#[tag(stage = "split")]
pub fn held_out_digits(digits_df: &DataFrame) -> DataFrame {
    let start = first_half(digits_df);
    digits_df.slice(start as i64, digits_df.height() - start)
}

/// The classifier, trained on `training_digits` with an RBF kernel of coefficient `svm_gamma`
/// and misclassification penalty `svm_c` (scikit-learn's `SVC(gamma=0.001, C=100)` by default).
#[node]
#[tag(stage = "train")]
pub fn digits_model(
    training_digits: &DataFrame,
    #[default(0.001)] svm_gamma: f64,
    #[default(100.0)] svm_c: f64,
) -> Result<DigitClassifier, DigitsError> {
    DigitClassifier::train(training_digits, svm_gamma, svm_c)
}

/// The digit read in each row of `input_digits`, a `UInt32` series in the rows' order.
#[node]
#[check_output(range = (0, 9), allow_nans = false, data_type = DataType::UInt32, importance = "fail")]
#[tag(stage = "predict")]
pub fn predicted_digits(
    digits_model: &DigitClassifier,
    input_digits: &DataFrame,
) -> Result<Series, DigitsError> {
    Ok(Series::new("predicted_digits".into(), digits_model.predict(input_digits)?))
}

/// The fraction of the rows of `input_digits` whose `target` is the predicted digit. Below 0.9,
/// its validator logs a warning (through `tracing`).
#[node]
#[check_output(range = (0.9, 1.0))]
#[tag(stage = "evaluate")]
pub fn accuracy(predicted_digits: &Series, input_digits: &DataFrame) -> Result<f64, DigitsError> {
    let truth = labels(input_digits)?;
    let predicted = predicted_digits.cast(&DataType::UInt32)?;
    let predicted = predicted.u32()?;
    if predicted.len() != truth.len() {
        return Err(DigitsError::LengthMismatch {
            predicted: predicted.len(),
            labels: truth.len(),
        });
    }
    if truth.is_empty() {
        return Err(DigitsError::NoRows);
    }
    let correct = predicted.iter().zip(&truth).filter(|(p, t)| *p == Some(**t)).count();
    Ok(correct as f64 / truth.len() as f64)
}

/// The predictions beside the true digits, one row per row of `input_digits`: columns
/// `predicted` and `actual` (`UInt32`). What the `save_predictions` saver writes.
#[node]
#[tag(stage = "evaluate")]
pub fn predictions(
    predicted_digits: &Series,
    input_digits: &DataFrame,
) -> Result<DataFrame, DigitsError> {
    let actual = Series::new("actual".into(), labels(input_digits)?);
    let predicted = predicted_digits.cast(&DataType::UInt32)?.with_name("predicted".into());
    Ok(DataFrame::new_infer_height(vec![predicted.into_column(), actual.into_column()])?)
}

hamilton_core::module!();

/// Where data comes from and where results go, declared beside the dataflow rather than inside
/// its nodes: the CSV loader feeds `digits_df` (it replaces the function, which stays for
/// callers without materializers) from the config entry `data_path`, and the saver
/// `save_predictions` writes [`predictions`] as Parquet to the config entry `predictions_path`.
/// Pass them to `Builder::with_materializers`, with [`config`].
pub fn materializers() -> Vec<Materializer> {
    vec![
        from_::csv("digits_df").path(source("data_path")),
        to::parquet("save_predictions", "predictions").path(source("predictions_path")),
    ]
}

/// The config of environment `env` (`dev` or `prod`), with the paths the [`materializers`] use:
/// both read the shipped data set; `dev` writes its predictions under the system's temporary
/// directory, `prod` under `out_dir`.
pub fn config(env: &str, out_dir: &Path) -> Config {
    let predictions = match env {
        "dev" => std::env::temp_dir().join("hamilton-digits-dev-predictions.parquet"),
        _ => out_dir.join("digits-predictions.parquet"),
    };
    Config::new()
        .with("env", env.to_string())
        .with("data_path", DIGITS_CSV.to_string())
        .with("predictions_path", predictions.to_string_lossy().into_owned())
}

/// Where the data set splits: the first half has the smaller share of an odd number of rows (898
/// of 1,797), as scikit-learn's `train_test_split(test_size=0.5, shuffle=False)` gives.
fn first_half(frame: &DataFrame) -> usize {
    frame.height() / 2
}

/// A digit classifier: one binary RBF-kernel SVM per digit (one-vs-rest), each separating its
/// digit from all the others. A row gets the digit whose SVM gives it the largest decision value.
#[derive(Debug, Clone)]
pub struct DigitClassifier {
    features: Vec<String>,
    per_digit: Vec<(u32, Svm<f64, bool>)>,
    training_rows: usize,
}

impl DigitClassifier {
    /// Trains on the rows of `training`: its `target` column holds the digits, every other column
    /// is a feature. The kernel is `exp(-gamma * |x - y|²)`; `c` is the penalty on misclassified
    /// training images (scikit-learn's `gamma` and `C`).
    pub fn train(training: &DataFrame, gamma: f64, c: f64) -> Result<Self, DigitsError> {
        for (name, value) in [("svm_gamma", gamma), ("svm_c", c)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(DigitsError::InvalidParameter { name, value });
            }
        }
        let features: Vec<String> = training
            .get_column_names()
            .into_iter()
            .filter(|name| name.as_str() != TARGET)
            .map(|name| name.to_string())
            .collect();
        let pixels = feature_matrix(training, &features)?;
        let labels = labels(training)?;
        let mut digits = labels.clone();
        digits.sort_unstable();
        digits.dedup();
        if digits.len() < 2 {
            return Err(DigitsError::FewerThanTwoDigits);
        }
        // linfa's Gaussian kernel is exp(-|x - y|² / eps): eps is 1 / gamma.
        let params = Svm::<f64, bool>::params().gaussian_kernel(1.0 / gamma).pos_neg_weights(c, c);
        let per_digit = digits
            .into_iter()
            .map(|digit| {
                let is_digit: Array1<bool> = labels.iter().map(|&l| l == digit).collect();
                let svm = params.fit(&DatasetBase::new(pixels.view(), is_digit.view()))?;
                Ok((digit, svm))
            })
            .collect::<Result<_, SvmError>>()?;
        Ok(Self { features, per_digit, training_rows: training.height() })
    }

    /// The digit of each row of `frame`, which needs the feature columns the model was trained
    /// on (other columns, such as `target`, are ignored).
    pub fn predict(&self, frame: &DataFrame) -> Result<Vec<u32>, DigitsError> {
        let pixels = feature_matrix(frame, &self.features)?;
        let digits = pixels.outer_iter().map(|row| {
            let decisions = self.per_digit.iter().map(|(digit, svm)| {
                // The signed distance to this digit's boundary, positive on the digit's side.
                (*digit, svm.weighted_sum(&row) - svm.rho)
            });
            decisions.fold((0, f64::NEG_INFINITY), |best, d| if d.1 > best.1 { d } else { best }).0
        });
        Ok(digits.collect())
    }

    /// The digits it tells apart (those of the training frame), in increasing order.
    pub fn digits(&self) -> impl Iterator<Item = u32> + '_ {
        self.per_digit.iter().map(|(digit, _)| *digit)
    }

    /// The feature columns it reads, in the training frame's order.
    pub fn features(&self) -> &[String] {
        &self.features
    }

    /// How many images it was trained on.
    pub fn training_rows(&self) -> usize {
        self.training_rows
    }

    /// How many support vectors each digit's SVM keeps, by digit.
    pub fn support_vectors(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.per_digit.iter().map(|(digit, svm)| (*digit, svm.nsupport()))
    }
}

/// The named columns of `frame` as a row-major `f64` matrix.
fn feature_matrix(frame: &DataFrame, features: &[String]) -> Result<Array2<f64>, DigitsError> {
    let mut matrix = Array2::zeros((frame.height(), features.len()));
    for (j, name) in features.iter().enumerate() {
        let column = frame.column(name)?.cast(&DataType::Float64)?;
        for (row, value) in column.f64()?.iter().enumerate() {
            matrix[[row, j]] =
                value.ok_or_else(|| DigitsError::MissingValue { column: name.clone(), row })?;
        }
    }
    Ok(matrix)
}

/// The `target` column of `frame`: the true digits.
fn labels(frame: &DataFrame) -> Result<Vec<u32>, DigitsError> {
    let column = frame.column(TARGET)?.cast(&DataType::UInt32)?;
    let values = column.u32()?.iter().enumerate();
    values
        .map(|(row, v)| v.ok_or_else(|| DigitsError::MissingValue { column: TARGET.into(), row }))
        .collect()
}

/// Why a digits node failed.
#[derive(Debug)]
pub enum DigitsError {
    /// polars could not provide a column as needed: it is missing, or its values do not convert.
    Data(PolarsError),
    /// A pixel or a label is null, or not a number of the right kind.
    MissingValue {
        /// The column.
        column: String,
        /// The row, counted from 0.
        row: usize,
    },
    /// `svm_gamma` or `svm_c` is not a positive number.
    InvalidParameter {
        /// The parameter's node name.
        name: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// The training frame has images of fewer than two digits: there is nothing to tell apart.
    FewerThanTwoDigits,
    /// The SVM solver failed.
    Training(SvmError),
    /// There are not as many predictions as labelled rows.
    LengthMismatch {
        /// The number of predictions.
        predicted: usize,
        /// The number of labelled rows.
        labels: usize,
    },
    /// There is no row to score.
    NoRows,
}

impl fmt::Display for DigitsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Data(e) => write!(f, "digits data: {e}"),
            Self::MissingValue { column, row } => {
                write!(f, "column `{column}` has no usable value in row {row}")
            }
            Self::InvalidParameter { name, value } => {
                write!(f, "`{name}` must be a positive number, not {value}")
            }
            Self::FewerThanTwoDigits => {
                write!(f, "the training images show fewer than two different digits")
            }
            Self::Training(e) => write!(f, "SVM training failed: {e}"),
            Self::LengthMismatch { predicted, labels } => {
                write!(f, "`predicted_digits` has {predicted} rows, `input_digits` {labels}")
            }
            Self::NoRows => write!(f, "there are no rows to score"),
        }
    }
}

impl std::error::Error for DigitsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Data(e) => Some(e),
            Self::Training(e) => Some(e),
            _ => None,
        }
    }
}

impl From<PolarsError> for DigitsError {
    fn from(e: PolarsError) -> Self {
        Self::Data(e)
    }
}

impl From<SvmError> for DigitsError {
    fn from(e: SvmError) -> Self {
        Self::Training(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hamilton_core::polars::prelude::Column;

    /// Nine 2×2 "images" of three digits: 0 is bright on the left, 1 on the right, 2 on top.
    fn tiny_frame() -> DataFrame {
        let images: [([u32; 4], u32); 9] = [
            ([16, 0, 15, 0], 0),
            ([0, 16, 0, 16], 1),
            ([16, 16, 0, 0], 2),
            ([15, 1, 16, 0], 0),
            ([1, 15, 0, 15], 1),
            ([15, 16, 1, 0], 2),
            ([16, 0, 16, 1], 0),
            ([0, 16, 1, 16], 1),
            ([16, 15, 0, 1], 2),
        ];
        let mut columns: Vec<Column> = (0..4)
            .map(|j| {
                let values: Vec<u32> = images.iter().map(|(pixels, _)| pixels[j]).collect();
                Column::new(format!("pixel_{j}").into(), values)
            })
            .collect();
        let targets: Vec<u32> = images.iter().map(|(_, digit)| *digit).collect();
        columns.push(Column::new(TARGET.into(), targets));
        DataFrame::new_infer_height(columns).unwrap()
    }

    fn targets(frame: &DataFrame) -> Vec<u32> {
        labels(frame).unwrap()
    }

    #[test]
    fn the_shipped_data_set_has_1797_images_of_64_pixels() {
        let df = digits_df(DIGITS_CSV).unwrap();
        assert_eq!(df.shape(), (1797, 65));
        assert_eq!(df.get_column_names()[0].as_str(), "pixel_0");
        assert_eq!(df.get_column_names()[64].as_str(), TARGET);
    }

    #[test]
    fn a_missing_file_fails_digits_df() {
        assert!(digits_df("no/such/digits.csv").is_err());
    }

    #[test]
    fn the_halves_split_like_scikit_learn() {
        let frame = tiny_frame();
        assert_eq!(targets(&training_digits__prod(&frame)), [0, 1, 2, 0]);
        assert_eq!(targets(&held_out_digits(&frame)), [1, 2, 0, 1, 2]);
        // dev keeps rows 0 and 3 of the first four.
        assert_eq!(targets(&training_digits__dev(&frame).unwrap()), [0, 0]);
    }

    #[test]
    fn the_model_reads_the_digits_it_was_trained_on() {
        let frame = tiny_frame();
        let model = digits_model(&frame, 0.001, 100.0).unwrap();
        assert_eq!(model.digits().collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(model.features(), ["pixel_0", "pixel_1", "pixel_2", "pixel_3"]);
        assert_eq!(model.training_rows(), 9);

        let predicted = predicted_digits(&model, &frame).unwrap();
        assert_eq!(predicted.name().as_str(), "predicted_digits");
        assert_eq!(predicted.dtype(), &DataType::UInt32);
        let predicted: Vec<u32> = predicted.u32().unwrap().into_no_null_iter().collect();
        assert_eq!(predicted, targets(&frame));
        assert_eq!(accuracy(&Series::new("p".into(), predicted), &frame).unwrap(), 1.0);
    }

    #[test]
    fn prediction_ignores_the_target_and_needs_every_feature() {
        let frame = tiny_frame();
        let model = DigitClassifier::train(&frame, 0.001, 100.0).unwrap();
        let unlabelled = frame.drop(TARGET).unwrap();
        assert_eq!(model.predict(&unlabelled).unwrap(), targets(&frame));

        let err = model.predict(&frame.drop("pixel_2").unwrap()).unwrap_err();
        assert!(matches!(err, DigitsError::Data(_)), "{err}");
        assert!(err.to_string().contains("pixel_2"), "{err}");
    }

    #[test]
    fn accuracy_is_the_share_of_matching_rows() {
        let frame = tiny_frame().head(Some(3)); // digits 0, 1, 2
        let predicted = Series::new("p".into(), [0_u32, 1, 1]);
        assert!((accuracy(&predicted, &frame).unwrap() - 2.0 / 3.0).abs() < 1e-12);

        let too_short = Series::new("p".into(), [0_u32]);
        let err = accuracy(&too_short, &frame).unwrap_err();
        assert_eq!(err.to_string(), "`predicted_digits` has 1 rows, `input_digits` 3");
    }

    #[test]
    fn training_rejects_bad_parameters_and_a_single_digit() {
        let frame = tiny_frame();
        let err = DigitClassifier::train(&frame, 0.0, 100.0).unwrap_err();
        assert_eq!(err.to_string(), "`svm_gamma` must be a positive number, not 0");
        let err = DigitClassifier::train(&frame, 0.001, f64::NAN).unwrap_err();
        assert_eq!(err.to_string(), "`svm_c` must be a positive number, not NaN");

        let zeros = training_digits__dev(&frame).unwrap();
        let err = DigitClassifier::train(&zeros, 0.001, 100.0).unwrap_err();
        assert!(matches!(err, DigitsError::FewerThanTwoDigits), "{err}");
    }

    fn driver(env: &str) -> Driver {
        Driver::builder()
            .with_modules([MODULE])
            .with_config(Config::new().with("env", env.to_string()))
            .build()
            .expect("the digits pipeline is wired correctly")
    }

    /// Runs the seed's flow: the held-out half goes back in as `input_digits`.
    fn score(dr: &Driver) -> (f64, Vec<u32>, usize) {
        let mut out = dr.execute(&["held_out_digits"], Inputs::new()).unwrap();
        let held_out = out.take::<DataFrame>("held_out_digits").unwrap();
        let out = dr
            .execute(
                &["digits_model", "predicted_digits", "accuracy"],
                Inputs::new().with("input_digits", held_out),
            )
            .unwrap();
        let predicted = out.get::<Series>("predicted_digits").unwrap();
        let predicted: Vec<u32> = predicted.u32().unwrap().into_no_null_iter().collect();
        let rows = out.get::<DigitClassifier>("digits_model").unwrap().training_rows();
        (*out.get::<f64>("accuracy").unwrap(), predicted, rows)
    }

    #[test]
    fn prod_reads_the_held_out_half_like_scikit_learn() {
        let (accuracy, predicted, training_rows) = score(&driver("prod"));
        assert_eq!(training_rows, 898);
        assert_eq!(predicted.len(), 899);
        assert!(predicted.iter().all(|d| *d <= 9));
        assert!(accuracy >= 0.965, "accuracy {accuracy}");
    }

    #[test]
    fn dev_trains_on_a_third_of_the_first_half() {
        let (accuracy, predicted, training_rows) = score(&driver("dev"));
        assert_eq!(training_rows, 300);
        assert_eq!(predicted.len(), 899);
        assert!(accuracy >= 0.94, "accuracy {accuracy}");
    }

    #[test]
    fn a_prediction_that_is_no_digit_stops_the_run() {
        // The validators of `predicted_digits` check the value of `predicted_digits_raw`.
        let not_digits = Series::new("predicted_digits".into(), [3_u32, 12]);
        let err = driver("prod")
            .execute_with(
                &["predicted_digits"],
                Inputs::new(),
                Overrides::new().with("predicted_digits_raw", not_digits),
            )
            .unwrap_err();
        assert_eq!(err.codes(), ["H020"]);
        assert!(err.to_string().contains("12"), "{err}");
    }

    #[test]
    fn the_loader_reads_the_data_set_and_the_saver_writes_the_predictions() {
        let out_dir = std::env::temp_dir().join(format!("hamilton-digits-{}", std::process::id()));
        std::fs::create_dir_all(&out_dir).unwrap();
        let dr = Driver::builder()
            .with_modules([MODULE])
            .with_config(config("prod", &out_dir))
            .with_materializers(materializers())
            .build()
            .unwrap();
        let mut out =
            dr.execute(&["held_out_digits", "load_data.digits_df"], Inputs::new()).unwrap();
        let loaded = out.get::<hamilton_core::io::Loaded>("load_data.digits_df").unwrap();
        assert_eq!(loaded.metadata.rows, Some(1797));
        assert_eq!(loaded.metadata.schema.len(), 65);
        let held_out = out.take::<DataFrame>("held_out_digits").unwrap();
        let out = dr
            .execute(&["save_predictions"], Inputs::new().with("input_digits", held_out))
            .unwrap();
        let meta = out.get::<hamilton_core::io::Metadata>("save_predictions").unwrap();
        let path = out_dir.join("digits-predictions.parquet");
        assert_eq!(meta.path.as_deref(), Some(path.as_path()));
        assert_eq!(meta.rows, Some(899));
        assert!(meta.bytes.unwrap() > 0);
        std::fs::remove_dir_all(out_dir).unwrap();
    }

    #[test]
    fn dev_and_prod_write_their_predictions_to_different_places() {
        let here = Path::new("out");
        let path = |env: &str| config(env, here).text("predictions_path").unwrap().to_string();
        assert_ne!(path("dev"), path("prod"));
        assert_eq!(path("prod"), "out/digits-predictions.parquet");
    }

    #[test]
    fn input_digits_is_an_input_of_the_dataflow() {
        let err = driver("prod")
            .validate_execution(&["predicted_digits"], &Inputs::new(), &Overrides::new())
            .unwrap_err();
        assert_eq!(err.codes(), ["H010"]);
        assert!(err.to_string().contains("input_digits"), "{err}");
    }
}
