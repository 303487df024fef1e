//! W3, polars feature engineering (defined in `docs/benchmarks.md`): the 38-node graph as
//! `#[node]` functions, and the same computation written directly against polars.
//!
//! Graph: the input `data_path`, `raw` (the parquet file; the benchmark's driver reads it through
//! the Parquet loader, `from_::parquet("raw")`, which adds the node `load_data.raw`), five column nodes (`id`, `a`, `b`,
//! `c`, `cat`; Python gets them from `@extract_columns`), thirty features `f_01`..`f_30` and
//! `features`, the 1,000,000 × 32 frame. Names, parameter lists and formulas follow the
//! Python side (`benches/python/w3_features.py`) node for node.
//!
//! Both versions call the same three helpers ([`linear`], [`log_abs`], [`z`]), so they perform
//! the same Series operations in the same order, and their results are equal bit for bit.

// The 32-parameter `features` node mirrors the Python signature.
#![allow(clippy::too_many_arguments)]

use std::fs::File;

use hamilton_core::node;
use hamilton_core::polars::prelude::{
    Column, DataFrame, IntoColumn, LogSeries, NamedFrom, ParquetReader, PolarsError, PolarsResult,
    SerReader, Series, abs,
};

/// The 32 output columns, in order.
pub(crate) const OUTPUT_COLUMNS: [&str; 32] = [
    "id", "cat", "f_01", "f_02", "f_03", "f_04", "f_05", "f_06", "f_07", "f_08", "f_09", "f_10",
    "f_11", "f_12", "f_13", "f_14", "f_15", "f_16", "f_17", "f_18", "f_19", "f_20", "f_21", "f_22",
    "f_23", "f_24", "f_25", "f_26", "f_27", "f_28", "f_29", "f_30",
];

/// Function nodes in the graph (38 graph nodes with the input `data_path`).
pub(crate) const FUNCTION_NODES: usize = 37;

// ------------------------------------------------------------------------------ the formulas

/// `a * k + b / (c + 1)` (f_01..f_10).
pub(crate) fn linear(a: &Series, b: &Series, c: &Series, k: i32) -> PolarsResult<Series> {
    let ak = a * k;
    let c1 = c + 1;
    let ratio = (b / &c1)?;
    &ak + &ratio
}

/// `((a * j - c).abs() + 1).log()`, natural log (f_11..f_20).
pub(crate) fn log_abs(a: &Series, c: &Series, j: i32) -> PolarsResult<Series> {
    let aj = a * j;
    let diff = (&aj - c)?;
    let shifted = &abs(&diff)? + 1;
    Ok(shifted.log(&Series::new("base".into(), [std::f64::consts::E])))
}

/// `(s - s.mean()) / s.std()`, sample standard deviation (ddof = 1) (f_21..f_30).
pub(crate) fn z(s: &Series) -> PolarsResult<Series> {
    let undefined =
        |what: &str| PolarsError::ComputeError(format!("{what} of {}", s.name()).into());
    let mean = s.mean().ok_or_else(|| undefined("mean"))?;
    let centered = s - mean;
    let std = s.std(1).ok_or_else(|| undefined("std"))?;
    Ok(&centered / std)
}

/// Column `name` of `df` as a `Series` (shares the buffers, no copy).
fn column(df: &DataFrame, name: &str) -> PolarsResult<Series> {
    Ok(df.column(name)?.as_materialized_series().clone())
}

/// Reads the parquet file at `path`.
fn read(path: &str) -> PolarsResult<DataFrame> {
    ParquetReader::new(File::open(path)?).finish()
}

/// The output frame: `series` renamed to [`OUTPUT_COLUMNS`], in order.
fn frame(series: [Series; 32]) -> PolarsResult<DataFrame> {
    let columns: Vec<Column> = series
        .into_iter()
        .zip(OUTPUT_COLUMNS)
        .map(|(s, name)| s.with_name(name.into()).into_column())
        .collect();
    DataFrame::new_infer_height(columns)
}

// --------------------------------------------------------------------------------- the nodes

/// The data set (Python: `pl.read_parquet(data_path)`, decorated with `@extract_columns`).
#[node]
pub(crate) fn raw(data_path: &str) -> Result<DataFrame, PolarsError> {
    read(data_path)
}

/// Column `id` of `raw`.
#[node]
pub(crate) fn id(raw: &DataFrame) -> Result<Series, PolarsError> {
    column(raw, "id")
}

/// Column `a` of `raw`.
#[node]
pub(crate) fn a(raw: &DataFrame) -> Result<Series, PolarsError> {
    column(raw, "a")
}

/// Column `b` of `raw`.
#[node]
pub(crate) fn b(raw: &DataFrame) -> Result<Series, PolarsError> {
    column(raw, "b")
}

/// Column `c` of `raw`.
#[node]
pub(crate) fn c(raw: &DataFrame) -> Result<Series, PolarsError> {
    column(raw, "c")
}

/// Column `cat` of `raw`.
#[node]
pub(crate) fn cat(raw: &DataFrame) -> Result<Series, PolarsError> {
    column(raw, "cat")
}

#[node]
pub(crate) fn f_01(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 1)
}

#[node]
pub(crate) fn f_02(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 2)
}

#[node]
pub(crate) fn f_03(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 3)
}

#[node]
pub(crate) fn f_04(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 4)
}

#[node]
pub(crate) fn f_05(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 5)
}

#[node]
pub(crate) fn f_06(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 6)
}

#[node]
pub(crate) fn f_07(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 7)
}

#[node]
pub(crate) fn f_08(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 8)
}

#[node]
pub(crate) fn f_09(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 9)
}

#[node]
pub(crate) fn f_10(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    linear(a, b, c, 10)
}

#[node]
pub(crate) fn f_11(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 1)
}

#[node]
pub(crate) fn f_12(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 2)
}

#[node]
pub(crate) fn f_13(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 3)
}

#[node]
pub(crate) fn f_14(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 4)
}

#[node]
pub(crate) fn f_15(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 5)
}

#[node]
pub(crate) fn f_16(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 6)
}

#[node]
pub(crate) fn f_17(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 7)
}

#[node]
pub(crate) fn f_18(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 8)
}

#[node]
pub(crate) fn f_19(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 9)
}

#[node]
pub(crate) fn f_20(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    log_abs(a, c, 10)
}

#[node]
pub(crate) fn f_21(a: &Series) -> Result<Series, PolarsError> {
    z(a)
}

#[node]
pub(crate) fn f_22(b: &Series) -> Result<Series, PolarsError> {
    z(b)
}

#[node]
pub(crate) fn f_23(c: &Series) -> Result<Series, PolarsError> {
    z(c)
}

#[node]
pub(crate) fn f_24(a: &Series, b: &Series) -> Result<Series, PolarsError> {
    z(&(a * b)?)
}

#[node]
pub(crate) fn f_25(b: &Series, c: &Series) -> Result<Series, PolarsError> {
    z(&(b * c)?)
}

#[node]
pub(crate) fn f_26(a: &Series, c: &Series) -> Result<Series, PolarsError> {
    z(&(a * c)?)
}

#[node]
pub(crate) fn f_27(a: &Series, b: &Series, c: &Series) -> Result<Series, PolarsError> {
    z(&(&(a + b)? + c)?)
}

#[node]
pub(crate) fn f_28(b: &Series, c: &Series) -> Result<Series, PolarsError> {
    z(&(b / &(c + 1))?)
}

#[node]
pub(crate) fn f_29(f_01: &Series) -> Result<Series, PolarsError> {
    z(f_01)
}

#[node]
pub(crate) fn f_30(f_11: &Series) -> Result<Series, PolarsError> {
    z(f_11)
}

/// The feature frame, 1,000,000 × 32. The Series are taken by value: the executor moves each one
/// in when `features` is its last consumer, and otherwise clones it (a reference-count bump).
#[node]
pub(crate) fn features(
    id: Series,
    cat: Series,
    f_01: Series,
    f_02: Series,
    f_03: Series,
    f_04: Series,
    f_05: Series,
    f_06: Series,
    f_07: Series,
    f_08: Series,
    f_09: Series,
    f_10: Series,
    f_11: Series,
    f_12: Series,
    f_13: Series,
    f_14: Series,
    f_15: Series,
    f_16: Series,
    f_17: Series,
    f_18: Series,
    f_19: Series,
    f_20: Series,
    f_21: Series,
    f_22: Series,
    f_23: Series,
    f_24: Series,
    f_25: Series,
    f_26: Series,
    f_27: Series,
    f_28: Series,
    f_29: Series,
    f_30: Series,
) -> Result<DataFrame, PolarsError> {
    frame([
        id, cat, f_01, f_02, f_03, f_04, f_05, f_06, f_07, f_08, f_09, f_10, f_11, f_12, f_13,
        f_14, f_15, f_16, f_17, f_18, f_19, f_20, f_21, f_22, f_23, f_24, f_25, f_26, f_27, f_28,
        f_29, f_30,
    ])
}

hamilton_core::module!();

// ---------------------------------------------------------------------- without Hamilton

/// The same computation written directly against polars: read, 30 Series in the nodes' order,
/// one frame (Python's `polars_eager`).
pub(crate) fn hand_written(path: &str) -> PolarsResult<DataFrame> {
    let df = read(path)?;
    let (a, b, c) = (column(&df, "a")?, column(&df, "b")?, column(&df, "c")?);
    let f_01 = linear(&a, &b, &c, 1)?;
    let f_02 = linear(&a, &b, &c, 2)?;
    let f_03 = linear(&a, &b, &c, 3)?;
    let f_04 = linear(&a, &b, &c, 4)?;
    let f_05 = linear(&a, &b, &c, 5)?;
    let f_06 = linear(&a, &b, &c, 6)?;
    let f_07 = linear(&a, &b, &c, 7)?;
    let f_08 = linear(&a, &b, &c, 8)?;
    let f_09 = linear(&a, &b, &c, 9)?;
    let f_10 = linear(&a, &b, &c, 10)?;
    let f_11 = log_abs(&a, &c, 1)?;
    let f_12 = log_abs(&a, &c, 2)?;
    let f_13 = log_abs(&a, &c, 3)?;
    let f_14 = log_abs(&a, &c, 4)?;
    let f_15 = log_abs(&a, &c, 5)?;
    let f_16 = log_abs(&a, &c, 6)?;
    let f_17 = log_abs(&a, &c, 7)?;
    let f_18 = log_abs(&a, &c, 8)?;
    let f_19 = log_abs(&a, &c, 9)?;
    let f_20 = log_abs(&a, &c, 10)?;
    let f_21 = z(&a)?;
    let f_22 = z(&b)?;
    let f_23 = z(&c)?;
    let f_24 = z(&(&a * &b)?)?;
    let f_25 = z(&(&b * &c)?)?;
    let f_26 = z(&(&a * &c)?)?;
    let f_27 = z(&(&(&a + &b)? + &c)?)?;
    let f_28 = z(&(&b / &(&c + 1))?)?;
    let f_29 = z(&f_01)?;
    let f_30 = z(&f_11)?;
    frame([
        column(&df, "id")?,
        column(&df, "cat")?,
        f_01,
        f_02,
        f_03,
        f_04,
        f_05,
        f_06,
        f_07,
        f_08,
        f_09,
        f_10,
        f_11,
        f_12,
        f_13,
        f_14,
        f_15,
        f_16,
        f_17,
        f_18,
        f_19,
        f_20,
        f_21,
        f_22,
        f_23,
        f_24,
        f_25,
        f_26,
        f_27,
        f_28,
        f_29,
        f_30,
    ])
}

// ----------------------------------------------------------------------------------- checks

/// What the data check (docs/benchmarks.md, W3) reports about the parquet file.
#[derive(Debug, PartialEq)]
pub(crate) struct DataCheck {
    pub(crate) rows: usize,
    pub(crate) sum_id: i64,
    pub(crate) sum_a: f64,
    pub(crate) sum_b: f64,
    pub(crate) sum_c: f64,
    pub(crate) count_cat_00: usize,
    pub(crate) row0: (i64, f64, f64, f64, String),
}

/// The verification values for `w3_data.parquet` (docs/benchmarks.md, W3).
pub(crate) fn expected_data() -> DataCheck {
    DataCheck {
        rows: 1_000_000,
        sum_id: 499_999_500_000,
        sum_a: 97.5024978937638,
        sum_b: 49980347.293284394,
        sum_c: 4997812.185837563,
        count_cat_00: 10_093,
        row0: (0, 0.30471707975443135, 91.23211877332857, 5.952909321637435, "cat_00".to_string()),
    }
}

/// Python's output checksums: sum(f_01) and sum(f_11).
pub(crate) const EXPECTED_SUM_F01: f64 = 11997480.075451322;
pub(crate) const EXPECTED_SUM_F11: f64 = 1642055.4782512835;

/// Reads the file and computes the values of [`DataCheck`].
pub(crate) fn data_check(path: &str) -> PolarsResult<DataCheck> {
    let df = read(path)?;
    let [id, a, b, c, cat] = ["id", "a", "b", "c", "cat"].map(|n| column(&df, n));
    let (id, a, b, c, cat) = (id?, a?, b?, c?, cat?);
    let first = |s: &Series| s.f64().map(|ca| ca.get(0).unwrap_or(f64::NAN));
    Ok(DataCheck {
        rows: df.height(),
        sum_id: id.sum::<i64>()?,
        sum_a: a.sum::<f64>()?,
        sum_b: b.sum::<f64>()?,
        sum_c: c.sum::<f64>()?,
        count_cat_00: cat.str()?.iter().filter(|v| *v == Some("cat_00")).count(),
        row0: (
            id.i64()?.get(0).unwrap_or(-1),
            first(&a)?,
            first(&b)?,
            first(&c)?,
            cat.str()?.get(0).unwrap_or_default().to_string(),
        ),
    })
}

/// Sum of the Float64 column `name` of `df`.
pub(crate) fn column_sum(df: &DataFrame, name: &str) -> PolarsResult<f64> {
    column(df, name)?.sum::<f64>()
}

/// `Ok` when `got` equals `want` exactly: the same column names, types and lengths, Float64
/// values equal bit for bit, other columns equal (`None` matching `None`).
pub(crate) fn same_frame(got: &DataFrame, want: &DataFrame) -> Result<(), String> {
    if got.shape() != want.shape() {
        return Err(format!("shape {:?}, expected {:?}", got.shape(), want.shape()));
    }
    for (g, w) in got.columns().iter().zip(want.columns()) {
        let (g, w) = (g.as_materialized_series(), w.as_materialized_series());
        if g.name() != w.name() || g.dtype() != w.dtype() {
            return Err(format!(
                "column {}: {}, expected {}: {}",
                g.name(),
                g.dtype(),
                w.name(),
                w.dtype()
            ));
        }
        let equal = match (g.f64(), w.f64()) {
            (Ok(g), Ok(w)) => {
                g.iter().zip(w.iter()).all(|(x, y)| x.map(f64::to_bits) == y.map(f64::to_bits))
            }
            _ => g.equals_missing(w),
        };
        if !equal {
            return Err(format!("column {}: values differ", g.name()));
        }
    }
    Ok(())
}
