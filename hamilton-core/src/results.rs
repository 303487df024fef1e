//! Result builders: what one execute's [`Outputs`] become.
//!
//! [`Outputs`] itself is the default, dict-like result ([`DictResult`]). With the `polars`
//! feature, `DataFrameResult` combines the requested outputs into one polars `DataFrame`. Other
//! results implement [`ResultBuilder`]:
//!
//! ```
//! use hamilton_core::prelude::*;
//! use hamilton_core::results::ResultBuilder;
//!
//! /// Adds up every `f64` output.
//! struct Total;
//!
//! impl ResultBuilder for Total {
//!     type Output = f64;
//!     fn build(&self, outputs: Outputs) -> Result<f64, Error> {
//!         Ok(outputs.iter().filter_map(|(_, v, _)| v.downcast_ref::<f64>()).sum())
//!     }
//! }
//!
//! #[node]
//! fn a() -> f64 { 1.5 }
//! #[node]
//! fn b(a: f64) -> f64 { a * 2.0 }
//!
//! hamilton_core::module!();
//!
//! let dr = Driver::builder().with_modules([MODULE]).build()?;
//! assert_eq!(dr.execute(&["a", "b"], Inputs::new())?.build(&Total)?, 4.5);
//! # Ok::<(), hamilton_core::Error>(())
//! ```

use crate::error::Error;
use crate::outputs::Outputs;

/// Turns the outputs of one execute into a result.
pub trait ResultBuilder {
    /// What the builder makes.
    type Output;
    /// Builds the result from the requested outputs (in request order).
    fn build(&self, outputs: Outputs) -> Result<Self::Output, Error>;
}

/// The default result: the [`Outputs`] as they are, read by name and type.
#[derive(Clone, Copy, Debug, Default)]
pub struct DictResult;

impl ResultBuilder for DictResult {
    type Output = Outputs;
    fn build(&self, outputs: Outputs) -> Result<Outputs, Error> {
        Ok(outputs)
    }
}

impl Outputs {
    /// Builds a result from these outputs, e.g. `outputs.build(&DataFrameResult)`.
    pub fn build<B: ResultBuilder>(self, builder: &B) -> Result<B::Output, Error> {
        builder.build(self)
    }
}

#[cfg(feature = "polars")]
pub use frame::DataFrameResult;

#[cfg(feature = "polars")]
mod frame {
    use polars::prelude::{Column, DataFrame, NamedFrom, PlSmallStr, Scalar, Series};

    use super::ResultBuilder;
    use crate::error::Error;
    use crate::execute::args::Value;
    use crate::outputs::Outputs;

    /// Combines the outputs into one polars `DataFrame`, columns in request order.
    ///
    /// - a `Series` output becomes a column named after the output;
    /// - a `DataFrame` output contributes all its columns, with their names;
    /// - a `Vec` of `f64`, `f32`, `i64`, `i32`, `u64`, `u32`, `usize` (as `u64`), `bool` or
    ///   `String` becomes a column, and so does a `Vec` of `Option`s of those (`None` is null);
    /// - a scalar of those types is repeated to the frame's height (1 when every output is a
    ///   scalar; no output makes an empty frame).
    ///
    /// Columns of different lengths, a column name given twice, or an output of another type is
    /// error H021, which lists every problem with the output names and lengths.
    ///
    /// ```
    /// use hamilton_core::prelude::*;
    /// use hamilton_core::polars::prelude::*;
    /// use hamilton_core::results::DataFrameResult;
    ///
    /// #[node]
    /// fn spend() -> Series { Series::new("ignored".into(), &[10.0, 20.0, 30.0]) }
    /// #[node]
    /// fn signups() -> Vec<i64> { vec![1, 2, 5] }
    /// #[node]
    /// fn region() -> String { "eu".to_string() }
    ///
    /// hamilton_core::module!();
    ///
    /// let dr = Driver::builder().with_modules([MODULE]).build()?;
    /// let out = dr.execute(&["spend", "signups", "region"], Inputs::new())?;
    /// let frame = out.build(&DataFrameResult)?;
    /// assert_eq!(frame.shape(), (3, 3));
    /// assert_eq!(frame.get_column_names(), ["spend", "signups", "region"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[derive(Clone, Copy, Debug, Default)]
    pub struct DataFrameResult;

    /// One output, sorted into what it contributes.
    enum Part {
        /// Its height and columns.
        Columns(usize, Vec<Column>),
        Scalar(Box<dyn Fn(usize) -> Column>),
    }

    fn name(s: &str) -> PlSmallStr {
        PlSmallStr::from_str(s)
    }

    /// A column from a `Vec` output, or `None` when the value is no supported `Vec`.
    fn vec_column(n: &str, v: &Value) -> Option<Column> {
        macro_rules! try_vec {
            ($($t:ty),*) => {$(
                if let Some(v) = v.downcast_ref::<Vec<$t>>() {
                    return Some(Series::new(name(n), v.as_slice()).into());
                }
            )*};
        }
        try_vec!(f64, f32, i64, i32, u64, u32, bool, String);
        try_vec!(Option<f64>, Option<f32>, Option<i64>, Option<i32>, Option<u64>, Option<u32>);
        try_vec!(Option<bool>, Option<String>);
        if let Some(v) = v.downcast_ref::<Vec<usize>>() {
            let wide: Vec<u64> = v.iter().map(|&x| x as u64).collect();
            return Some(Series::new(name(n), wide).into());
        }
        None
    }

    /// A broadcast scalar, or `None` when the value is no supported scalar.
    fn scalar(n: &str, v: &Value) -> Option<Box<dyn Fn(usize) -> Column>> {
        macro_rules! try_scalar {
            ($($t:ty),*) => {$(
                if let Some(&x) = v.downcast_ref::<$t>() {
                    let n = name(n);
                    return Some(Box::new(move |h| Column::new_scalar(n.clone(), Scalar::from(x), h)));
                }
            )*};
        }
        try_scalar!(f64, f32, i64, i32, u64, u32, bool);
        if let Some(&x) = v.downcast_ref::<usize>() {
            let n = name(n);
            return Some(Box::new(move |h| {
                Column::new_scalar(n.clone(), Scalar::from(x as u64), h)
            }));
        }
        if let Some(s) = v.downcast_ref::<String>() {
            let (n, s) = (name(n), Scalar::from(name(s)));
            return Some(Box::new(move |h| Column::new_scalar(n.clone(), s.clone(), h)));
        }
        None
    }

    fn part(n: &str, v: &Value) -> Option<Part> {
        if let Some(s) = v.downcast_ref::<Series>() {
            return Some(Part::Columns(s.len(), vec![s.clone().with_name(name(n)).into()]));
        }
        if let Some(df) = v.downcast_ref::<DataFrame>() {
            return Some(Part::Columns(df.height(), df.columns().to_vec()));
        }
        vec_column(n, v)
            .map(|c| Part::Columns(c.len(), vec![c]))
            .or_else(|| scalar(n, v).map(Part::Scalar))
    }

    impl ResultBuilder for DataFrameResult {
        type Output = DataFrame;

        fn build(&self, outputs: Outputs) -> Result<DataFrame, Error> {
            let mut problems = Vec::new();
            let mut parts: Vec<(String, Part)> = Vec::with_capacity(outputs.len());
            for (n, v, ty) in outputs.iter() {
                match part(n, v) {
                    Some(p) => parts.push((n.to_string(), p)),
                    None => problems.push(format!(
                        "output `{n}` is a {}, which cannot become a column (expected a Series, \
                         a DataFrame, a Vec or a scalar of numbers, bool or String)",
                        (ty.name)()
                    )),
                }
            }
            // Heights of the column-making outputs, in request order.
            let mut heights: Vec<(String, usize)> = Vec::new();
            for (n, p) in &parts {
                if let Part::Columns(h, cols) = p {
                    let h = *h;
                    let label = match cols.as_slice() {
                        [c] if c.name() == n.as_str() => format!("`{n}`"),
                        _ => format!("`{n}` (a DataFrame)"),
                    };
                    heights.push((label, h));
                }
            }
            // Only scalars: one row; nothing requested: an empty frame.
            let height = match heights.first() {
                Some((_, h)) => *h,
                None if parts.is_empty() => 0,
                None => 1,
            };
            if heights.iter().any(|(_, h)| *h != height) {
                let list: Vec<String> =
                    heights.iter().map(|(n, h)| format!("{n} has {h} rows")).collect();
                problems.push(format!("the columns differ in length: {}", list.join(", ")));
            }
            let mut columns: Vec<Column> = Vec::new();
            for (_, p) in parts {
                match p {
                    Part::Columns(_, cols) => columns.extend(cols),
                    Part::Scalar(make) => columns.push(make(height)),
                }
            }
            let mut seen: Vec<&str> = Vec::new();
            for c in &columns {
                let n = c.name().as_str();
                if seen.contains(&n) {
                    problems.push(format!("column `{n}` is given twice"));
                } else {
                    seen.push(n);
                }
            }
            if !problems.is_empty() {
                return Err(Error::ResultBuild { builder: "DataFrameResult", problems });
            }
            DataFrame::new(height, columns).map_err(|e| Error::ResultBuild {
                builder: "DataFrameResult",
                problems: vec![e.to_string()],
            })
        }
    }
}
