//! The built-in validators over polars `Series` and `DataFrame`.

use std::borrow::Cow;

use polars::prelude::{DataFrame, DataType, Series};

use super::{
    AllowNans, AllowedValue, Contains, MaxFractionNans, MaxStandardDev, MeanInRange, Range,
    ValuesIn,
};
use crate::quality::{ValidationResult, Validator};

/// The values of a numeric `Series` as `f64`, `None` for nulls and NaN; an error text otherwise.
fn numbers(series: &Series) -> Result<Vec<Option<f64>>, String> {
    if !series.dtype().is_primitive_numeric() {
        return Err(format!(
            "it checks numeric Series, and `{}` has dtype {}",
            series.name(),
            series.dtype()
        ));
    }
    let cast = series.cast(&DataType::Float64).map_err(|e| e.to_string())?;
    let floats = cast.f64().map_err(|e| e.to_string())?;
    Ok(floats.iter().map(|v| v.filter(|x| !x.is_nan())).collect())
}

/// The values of a `Series` as [`AllowedValue`]s (numbers, strings or booleans).
fn scalars(series: &Series) -> Result<Vec<Option<AllowedValue>>, String> {
    let dtype = series.dtype();
    if *dtype == DataType::Float32 {
        // Compared with the decimals they were written as, as for `f32` values.
        let floats = series.f32().map_err(|e| e.to_string())?;
        let exact = |v: f32| (!v.is_nan()).then(|| AllowedValue::Number(super::f32_decimal(v)));
        return Ok(floats.iter().map(|v| v.and_then(exact)).collect());
    }
    if dtype.is_primitive_numeric() {
        return Ok(numbers(series)?.into_iter().map(|v| v.map(AllowedValue::Number)).collect());
    }
    match dtype {
        DataType::String => {
            let s = series.str().map_err(|e| e.to_string())?;
            Ok(s.iter().map(|v| v.map(|t| AllowedValue::Text(t.to_string()))).collect())
        }
        DataType::Boolean => {
            let b = series.bool().map_err(|e| e.to_string())?;
            Ok(b.iter().map(|v| v.map(AllowedValue::Bool)).collect())
        }
        other => Err(format!(
            "it checks numeric, string or boolean Series, and `{}` has dtype {other}",
            series.name()
        )),
    }
}

fn cannot_check(validator: &str, why: String) -> ValidationResult {
    ValidationResult::fail(format!("{validator} cannot check this Series: {why}"))
}

/// NaN and null both count as missing; a non-numeric Series counts its nulls only.
fn missing(series: &Series) -> Result<Vec<Option<f64>>, String> {
    Ok(numbers(series).unwrap_or_else(|_| {
        series.is_null().iter().map(|null| (null != Some(true)).then_some(0.0)).collect()
    }))
}

/// `Validator<Series>` for validators over a sequence of numbers (their `NAME`, `describe` and
/// `check`), reading the Series with `read` (`numbers` or `missing`).
macro_rules! series_impls {
    ($read:ident: $($v:ident),*) => {$(
        impl Validator<Series> for $v {
            fn name(&self) -> Cow<'static, str> {
                $v::NAME.into()
            }
            fn description(&self) -> String {
                self.describe()
            }
            fn check_arguments(&self) -> Result<(), String> {
                self.arguments()
            }
            fn validate(&self, series: &Series) -> ValidationResult {
                match $read(series) {
                    Ok(values) => self.check(values.into_iter()),
                    Err(why) => cannot_check($v::NAME, why),
                }
            }
        }
    )*};
}

series_impls!(numbers: Range, MeanInRange, MaxStandardDev);
series_impls!(missing: AllowNans, MaxFractionNans);

impl<K: 'static> Validator<Series> for ValuesIn<K> {
    fn name(&self) -> Cow<'static, str> {
        Self::NAME.into()
    }
    fn description(&self) -> String {
        self.describe()
    }
    fn check_arguments(&self) -> Result<(), String> {
        self.arguments()
    }
    fn validate(&self, series: &Series) -> ValidationResult {
        match scalars(series) {
            Ok(values) => self.check(values.into_iter()),
            Err(why) => cannot_check(Self::NAME, why),
        }
    }
}

impl Validator<Series> for Contains {
    fn name(&self) -> Cow<'static, str> {
        self.name_of()
    }
    fn description(&self) -> String {
        format!("every text {} {:?}", self.verb(), self.needle)
    }
    fn check_arguments(&self) -> Result<(), String> {
        self.arguments()
    }
    fn validate(&self, series: &Series) -> ValidationResult {
        match series.str() {
            Ok(texts) => self.check(texts.iter()),
            Err(_) => cannot_check(
                &self.name_of(),
                format!(
                    "it checks string Series, and `{}` has dtype {}",
                    series.name(),
                    series.dtype()
                ),
            ),
        }
    }
}

/// `data_type = DataType::..`: the `Series` has this polars dtype.
#[derive(Clone, Debug, PartialEq)]
pub struct DataTypeIs {
    /// The expected dtype.
    pub dtype: DataType,
}

impl DataTypeIs {
    /// Expects `dtype`.
    pub fn new(dtype: DataType) -> Self {
        DataTypeIs { dtype }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg(dtype: DataType) -> Self {
        DataTypeIs { dtype }
    }
}

impl Validator<Series> for DataTypeIs {
    fn name(&self) -> Cow<'static, str> {
        "data_type_validator".into()
    }
    fn description(&self) -> String {
        format!("the Series has dtype {}", self.dtype)
    }
    fn validate(&self, series: &Series) -> ValidationResult {
        let dtype = series.dtype();
        if *dtype == self.dtype {
            ValidationResult::pass(format!("`{}` has dtype {dtype}", series.name()))
        } else {
            ValidationResult::fail(format!(
                "`{}` has dtype {dtype}, expected {}",
                series.name(),
                self.dtype
            ))
            .with_diagnostic("expected", &self.dtype)
            .with_diagnostic("actual", dtype)
        }
    }
}

/// `schema = [("col", DataType::..), ..]`: the `DataFrame` has these columns with these dtypes
/// (other columns are allowed).
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The expected columns and their dtypes.
    pub columns: Vec<(String, DataType)>,
}

impl Schema {
    /// Expects `columns`.
    pub fn new<S: Into<String>>(columns: impl IntoIterator<Item = (S, DataType)>) -> Self {
        Schema { columns: columns.into_iter().map(|(n, t)| (n.into(), t)).collect() }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg<S: Into<String>>(columns: impl IntoIterator<Item = (S, DataType)>) -> Self {
        Schema::new(columns)
    }

    fn expected(&self) -> String {
        let cols: Vec<String> = self.columns.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        format!("{{{}}}", cols.join(", "))
    }
}

impl Validator<DataFrame> for Schema {
    fn name(&self) -> Cow<'static, str> {
        "schema_validator".into()
    }
    fn description(&self) -> String {
        format!("the DataFrame has the columns {}", self.expected())
    }
    fn validate(&self, frame: &DataFrame) -> ValidationResult {
        let mut missing = Vec::new();
        let mut wrong = Vec::new();
        for (name, dtype) in &self.columns {
            match frame.column(name) {
                Err(_) => missing.push(format!("`{name}`")),
                Ok(col) if col.dtype() != dtype => {
                    wrong.push(format!("`{name}` is {} (expected {dtype})", col.dtype()))
                }
                Ok(_) => {}
            }
        }
        if missing.is_empty() && wrong.is_empty() {
            return ValidationResult::pass(format!("the frame matches {}", self.expected()));
        }
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing column(s) {}", missing.join(", ")));
        }
        if !wrong.is_empty() {
            parts.push(wrong.join(", "));
        }
        let mut result = ValidationResult::fail(format!(
            "the frame does not match the schema: {}",
            parts.join("; ")
        ));
        if !missing.is_empty() {
            result = result.with_diagnostic("missing", missing.join(", "));
        }
        if !wrong.is_empty() {
            result = result.with_diagnostic("wrong_dtype", wrong.join(", "));
        }
        let names: Vec<String> =
            frame.get_column_names().iter().map(|n| format!("`{n}`")).collect();
        result.with_diagnostic("columns", names.join(", "))
    }
}
