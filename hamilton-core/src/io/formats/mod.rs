//! The built-in adapters: text and bytes always, polars formats and serde JSON behind features.

#[cfg(any(feature = "csv", feature = "parquet", feature = "json", feature = "ipc"))]
pub(crate) mod polars_formats;
#[cfg(feature = "serde-json")]
mod serde_json;

use std::io::Write;

#[cfg(feature = "serde-json")]
pub use self::serde_json::SerdeJson;
use super::adapter::{LoaderEntry, SaverEntry};
use super::{DataLoader, DataSaver, Metadata, Params, write_atomically};
use crate::execute::args::BoxError;

/// Registers every built-in adapter compiled in.
pub(crate) fn register_builtins(
    loader: &mut dyn FnMut(LoaderEntry),
    saver: &mut dyn FnMut(SaverEntry),
) {
    loader(LoaderEntry::new::<String, _>("text", Text));
    saver(SaverEntry::new::<String, _>("text", Text));
    loader(LoaderEntry::new::<Vec<u8>, _>("bytes", Bytes));
    saver(SaverEntry::new::<Vec<u8>, _>("bytes", Bytes));
    #[cfg(any(feature = "csv", feature = "parquet", feature = "json", feature = "ipc"))]
    polars_formats::register(loader, saver);
}

/// A UTF-8 text file as a `String` (format `text`). Metadata rows: the number of lines.
#[derive(Clone, Copy, Debug, Default)]
pub struct Text;

impl DataLoader<String> for Text {
    fn load(&self, params: &Params) -> Result<(String, Metadata), BoxError> {
        let text = std::fs::read_to_string(params.path()?)?;
        let lines = text.lines().count();
        Ok((text, Metadata::new().with_rows(lines)))
    }
}

impl DataSaver<String> for Text {
    fn save(&self, value: &String, params: &Params) -> Result<Metadata, BoxError> {
        write_atomically(params.path()?, |w| Ok(w.write_all(value.as_bytes())?))?;
        Ok(Metadata::new().with_rows(value.lines().count()))
    }
}

/// A file's bytes as a `Vec<u8>` (format `bytes`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Bytes;

impl DataLoader<Vec<u8>> for Bytes {
    fn load(&self, params: &Params) -> Result<(Vec<u8>, Metadata), BoxError> {
        Ok((std::fs::read(params.path()?)?, Metadata::new()))
    }
}

impl DataSaver<Vec<u8>> for Bytes {
    fn save(&self, value: &Vec<u8>, params: &Params) -> Result<Metadata, BoxError> {
        write_atomically(params.path()?, |w| Ok(w.write_all(value)?))?;
        Ok(Metadata::new())
    }
}
