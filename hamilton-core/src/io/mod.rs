//! Materializers: where data comes from and where results go, declared beside the dataflow
//! rather than written inside the nodes (Hamilton's data loaders, savers, `from_` / `to` and
//! `materialize`).
//!
//! - A [`DataLoader`] produces a typed value plus [`Metadata`]; a [`DataSaver`] writes a value
//!   and returns its metadata. Adapters are known by a format name ([`register_loader`],
//!   [`register_saver`]); the value type of the node they feed or read picks the adapter, so
//!   a `DataFrame` node gets the `DataFrame` adapter of the format, a `String` node the text one.
//! - [`from_`] declares a loader for a node (it replaces the node, like a computed override),
//!   [`to`] a saver of a node. Pass them to [`Driver::materialize`](crate::Driver::materialize)
//!   for one run, or to [`Builder::with_materializers`](crate::Builder::with_materializers) to
//!   make them nodes of the graph, requestable by id.
//! - Built-in formats, each behind a cargo feature: `csv`, `parquet`, `json` (`json`, `ndjson`)
//!   and `ipc` for polars `DataFrame`, `serde-json` for any serde type, and, always, `text`
//!   (`String`) and `bytes` (`Vec<u8>`).
//! - Files are written atomically ([`write_atomically`]): to a temporary file beside the target,
//!   renamed over it once complete.
//!
//! ```
//! use hamilton_core::io::{from_, to};
//! use hamilton_core::prelude::*;
//!
//! /// The greeting, shouted.
//! #[node]
//! fn shout(greeting: &str) -> String { greeting.to_uppercase() }
//! hamilton_core::module!();
//!
//! let dir = std::env::temp_dir().join(format!("hamilton-io-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(dir.join("in.txt"), "hello")?;
//! let dr = Driver::builder().with_modules([MODULE]).build()?;
//! let done = dr.materialize(
//!     &[
//!         from_::text("greeting").path(dir.join("in.txt")).into(),
//!         to::text("shout_file", "shout").path(dir.join("out.txt")).into(),
//!     ],
//!     &[] as &[&str],
//!     Inputs::new(),
//! )?;
//! assert_eq!(std::fs::read_to_string(dir.join("out.txt"))?, "HELLO");
//! assert_eq!(done.metadata["shout_file"].bytes, Some(5));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod adapter;
mod atomic;
mod declaration;
mod formats;
mod materialize;
mod problem;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

pub use adapter::{DataLoader, DataSaver, Params, register_loader, register_saver};
pub use atomic::write_atomically;
#[doc(hidden)]
pub use declaration::Declaration;
#[cfg(feature = "serde-json")]
pub use formats::SerdeJson;
#[cfg(any(feature = "csv", feature = "parquet", feature = "json", feature = "ipc"))]
pub use formats::polars_formats::*;
pub use formats::{Bytes, Text};
pub(crate) use materialize::extend;
pub use materialize::{Materialized, Materializer, from_, to};
pub use problem::{Declared, Direction};
pub use problem::{IoFailure, IoProblem};

use crate::execute::args::Value;

/// What a load or save did: where, how much, what shape, when and how long.
///
/// Adapters fill in what only they know (rows, schema); the framework adds the format, the path,
/// the file's size and modified time, and the duration.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Metadata {
    /// The format name (`parquet`, `csv`, ...).
    pub format: String,
    /// The file read or written, when there is one.
    pub path: Option<PathBuf>,
    /// Rows (of a frame) or items, when the adapter knows them.
    pub rows: Option<usize>,
    /// Size of the file in bytes, after the load or save.
    pub bytes: Option<u64>,
    /// Column names and types, when the value has columns.
    pub schema: Vec<(String, String)>,
    /// The file's modified time, after the load or save.
    pub modified: Option<SystemTime>,
    /// How long the load or save took.
    pub duration: Duration,
}

impl Metadata {
    /// Empty metadata, for an adapter to fill in.
    pub fn new() -> Self {
        Metadata::default()
    }

    /// Sets the row (or item) count.
    pub fn with_rows(mut self, rows: usize) -> Self {
        self.rows = Some(rows);
        self
    }

    /// Sets the schema: column names and type names.
    pub fn with_schema(mut self, schema: Vec<(String, String)>) -> Self {
        self.schema = schema;
        self
    }

    /// Completes the adapter's metadata: format, path, and the file's size and modified time.
    fn complete(mut self, format: &str, params: &Params, duration: Duration) -> Self {
        self.format = format.to_string();
        self.duration = duration;
        if let Some(path) = params.get("path").map(PathBuf::from) {
            if let Ok(fs) = std::fs::metadata(&path) {
                if fs.is_file() && self.bytes.is_none() {
                    self.bytes = Some(fs.len());
                }
                self.modified = self.modified.or(fs.modified().ok());
            }
            self.path = Some(path);
        }
        self
    }
}

/// A loader node's value: the loaded value and its metadata. Request a loader node
/// (`load_data.<target>`) and read it as `Loaded` to see the metadata.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The value (the target node shares it, no copy).
    pub value: Value,
    /// What was loaded.
    pub metadata: Metadata,
}

/// Where an adapter parameter comes from: a fixed value, or the value of another node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// A fixed text (Hamilton's `value(...)`).
    Value(String),
    /// The value of the named node, input or config entry, which must be a `String`
    /// (Hamilton's `source(...)`).
    Source(String),
}

/// A fixed parameter value.
pub fn value(v: impl Into<String>) -> Param {
    Param::Value(v.into())
}

/// A parameter taken from the named node, input or config entry (a `String`).
pub fn source(name: impl Into<String>) -> Param {
    Param::Source(name.into())
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Value(v.to_string())
    }
}

impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Value(v)
    }
}

impl From<PathBuf> for Param {
    fn from(v: PathBuf) -> Self {
        Param::Value(v.to_string_lossy().into_owned())
    }
}

impl From<&std::path::Path> for Param {
    fn from(v: &std::path::Path) -> Self {
        Param::Value(v.to_string_lossy().into_owned())
    }
}
