//! Run-time support of the function modifiers: the column nodes of `#[extract_columns]`.

use std::fmt;

/// H070: a column that `#[extract_columns]` names is not in the frame the function returned.
///
/// The column's node fails with it (`Error::codes` gives `H070`); give
/// `fill_with = value` to `#[extract_columns]` to make such a column from the value instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    /// The frame's node.
    pub frame: String,
    /// The missing column (also the name of its node).
    pub column: String,
    /// The columns the frame has, in order.
    pub available: Vec<String>,
}

impl fmt::Display for MissingColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the frame `{}` has no column `{}` (its columns: {}); return it from `{}`, or give \
             `fill_with = ...` to `#[extract_columns]`",
            self.frame,
            self.column,
            if self.available.is_empty() { "none".to_string() } else { self.available.join(", ") },
            self.frame
        )
    }
}

impl std::error::Error for MissingColumn {}

#[cfg(feature = "polars")]
pub(crate) mod columns {
    use super::MissingColumn;
    use crate::execute::args::{Args, CallResult, NodeError, Value};
    use polars::prelude::{DataFrame, NamedFrom, Series};

    fn missing(df: &DataFrame, frame: &str, column: &str) -> NodeError {
        let available = df.get_column_names().iter().map(|c| c.to_string()).collect();
        NodeError::Failed(Box::new(MissingColumn {
            frame: frame.to_string(),
            column: column.to_string(),
            available,
        }))
    }

    /// The call of column node `column`: the column of the frame (argument 0) as a `Series`,
    /// sharing its buffers; H070 when the frame lacks it.
    pub fn extract_column(args: &mut Args<'_>, frame: &str, column: &str) -> CallResult {
        let df: &DataFrame = args.get(0)?;
        match df.column(column) {
            Ok(c) => Ok(Value::new(c.as_materialized_series().clone())),
            Err(_) => Err(missing(df, frame, column)),
        }
    }

    /// As [`extract_column`], with a missing column made of `fill` repeated to the frame's height.
    pub fn extract_column_or<T: Clone>(args: &mut Args<'_>, column: &str, fill: T) -> CallResult
    where
        Series: NamedFrom<Vec<T>, [T]>,
    {
        let df: &DataFrame = args.get(0)?;
        match df.column(column) {
            Ok(c) => Ok(Value::new(c.as_materialized_series().clone())),
            Err(_) => Ok(Value::new(Series::new(column.into(), vec![fill; df.height()]))),
        }
    }
}
