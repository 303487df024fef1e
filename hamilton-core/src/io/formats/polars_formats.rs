//! polars `DataFrame` adapters: CSV, Parquet, JSON / NDJSON and IPC (Feather v2), each behind
//! the cargo feature of the same name.

use std::fs::File;

use polars::prelude::*;

use crate::execute::args::BoxError;
use crate::io::adapter::{LoaderEntry, SaverEntry};
use crate::io::{DataLoader, DataSaver, Metadata, Params, write_atomically};

pub(crate) fn register(loader: &mut dyn FnMut(LoaderEntry), saver: &mut dyn FnMut(SaverEntry)) {
    #[cfg(feature = "csv")]
    {
        loader(LoaderEntry::new::<DataFrame, _>("csv", Csv));
        saver(SaverEntry::new::<DataFrame, _>("csv", Csv));
    }
    #[cfg(feature = "parquet")]
    {
        loader(LoaderEntry::new::<DataFrame, _>("parquet", Parquet));
        saver(SaverEntry::new::<DataFrame, _>("parquet", Parquet));
    }
    #[cfg(feature = "json")]
    {
        loader(LoaderEntry::new::<DataFrame, _>("json", Json));
        saver(SaverEntry::new::<DataFrame, _>("json", Json));
        loader(LoaderEntry::new::<DataFrame, _>("ndjson", NdJson));
        saver(SaverEntry::new::<DataFrame, _>("ndjson", NdJson));
    }
    #[cfg(feature = "ipc")]
    {
        loader(LoaderEntry::new::<DataFrame, _>("ipc", Ipc));
        saver(SaverEntry::new::<DataFrame, _>("ipc", Ipc));
    }
}

/// Rows and column types of a frame.
fn describe(df: &DataFrame) -> Metadata {
    let schema = df.schema().iter().map(|(name, dtype)| (name.to_string(), dtype.to_string()));
    Metadata::new().with_rows(df.height()).with_schema(schema.collect())
}

/// A one-byte parameter (a CSV separator), `default` when absent.
#[cfg(feature = "csv")]
fn byte(params: &Params, key: &str, default: u8) -> Result<u8, BoxError> {
    match params.get(key) {
        None => Ok(default),
        Some(s) if s.len() == 1 => Ok(s.as_bytes()[0]),
        Some(s) => Err(format!("parameter `{key}` must be one ASCII character, not `{s}`").into()),
    }
}

/// Writes a frame through a polars writer, atomically; the frame is shared, not copied.
fn save_with(
    df: &DataFrame,
    params: &Params,
    write: impl FnOnce(&mut std::io::BufWriter<File>, &mut DataFrame) -> PolarsResult<()>,
) -> Result<Metadata, BoxError> {
    let mut frame = df.clone();
    write_atomically(params.path()?, |w| Ok(write(w, &mut frame)?))?;
    Ok(describe(df))
}

/// CSV (format `csv`, feature `csv`). Loader parameters: `path`, `separator` (one character,
/// default `,`), `has_header` (default `true`). Saver: `path`, `separator`, `include_header`.
#[cfg(feature = "csv")]
#[derive(Clone, Copy, Debug, Default)]
pub struct Csv;

#[cfg(feature = "csv")]
impl DataLoader<DataFrame> for Csv {
    fn optional(&self) -> &'static [&'static str] {
        &["separator", "has_header"]
    }

    fn load(&self, params: &Params) -> Result<(DataFrame, Metadata), BoxError> {
        let path = params.path()?;
        // An explicit open, so a missing file reports as an I/O "not found".
        File::open(path)?;
        let separator = byte(params, "separator", b',')?;
        let df = CsvReadOptions::default()
            .with_has_header(params.flag("has_header", true)?)
            .map_parse_options(|p| p.with_separator(separator))
            .try_into_reader_with_file_path(Some(path.to_path_buf()))?
            .finish()?;
        let meta = describe(&df);
        Ok((df, meta))
    }
}

#[cfg(feature = "csv")]
impl DataSaver<DataFrame> for Csv {
    fn optional(&self) -> &'static [&'static str] {
        &["separator", "include_header"]
    }

    fn save(&self, value: &DataFrame, params: &Params) -> Result<Metadata, BoxError> {
        let separator = byte(params, "separator", b',')?;
        let header = params.flag("include_header", true)?;
        save_with(value, params, |w, df| {
            CsvWriter::new(w).with_separator(separator).include_header(header).finish(df)
        })
    }
}

/// Apache Parquet (format `parquet`, feature `parquet`). Parameters: `path`.
#[cfg(feature = "parquet")]
#[derive(Clone, Copy, Debug, Default)]
pub struct Parquet;

#[cfg(feature = "parquet")]
impl DataLoader<DataFrame> for Parquet {
    fn load(&self, params: &Params) -> Result<(DataFrame, Metadata), BoxError> {
        let df = ParquetReader::new(File::open(params.path()?)?).finish()?;
        let meta = describe(&df);
        Ok((df, meta))
    }
}

#[cfg(feature = "parquet")]
impl DataSaver<DataFrame> for Parquet {
    fn save(&self, value: &DataFrame, params: &Params) -> Result<Metadata, BoxError> {
        save_with(value, params, |w, df| ParquetWriter::new(w).finish(df).map(|_| ()))
    }
}

/// A JSON array of row objects (format `json`, feature `json`). Parameters: `path`.
#[cfg(feature = "json")]
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

/// Newline-delimited JSON, one row object per line (format `ndjson`, feature `json`).
/// Parameters: `path`.
#[cfg(feature = "json")]
#[derive(Clone, Copy, Debug, Default)]
pub struct NdJson;

#[cfg(feature = "json")]
fn load_json(params: &Params, format: JsonFormat) -> Result<(DataFrame, Metadata), BoxError> {
    let df = JsonReader::new(File::open(params.path()?)?).with_json_format(format).finish()?;
    let meta = describe(&df);
    Ok((df, meta))
}

#[cfg(feature = "json")]
impl DataLoader<DataFrame> for Json {
    fn load(&self, params: &Params) -> Result<(DataFrame, Metadata), BoxError> {
        load_json(params, JsonFormat::Json)
    }
}

#[cfg(feature = "json")]
impl DataSaver<DataFrame> for Json {
    fn save(&self, value: &DataFrame, params: &Params) -> Result<Metadata, BoxError> {
        save_with(value, params, |w, df| {
            JsonWriter::new(w).with_json_format(JsonFormat::Json).finish(df)
        })
    }
}

#[cfg(feature = "json")]
impl DataLoader<DataFrame> for NdJson {
    fn load(&self, params: &Params) -> Result<(DataFrame, Metadata), BoxError> {
        load_json(params, JsonFormat::JsonLines)
    }
}

#[cfg(feature = "json")]
impl DataSaver<DataFrame> for NdJson {
    fn save(&self, value: &DataFrame, params: &Params) -> Result<Metadata, BoxError> {
        save_with(value, params, |w, df| {
            JsonWriter::new(w).with_json_format(JsonFormat::JsonLines).finish(df)
        })
    }
}

/// Arrow IPC files, also known as Feather v2 (format `ipc`, feature `ipc`). Parameters: `path`.
#[cfg(feature = "ipc")]
#[derive(Clone, Copy, Debug, Default)]
pub struct Ipc;

#[cfg(feature = "ipc")]
impl DataLoader<DataFrame> for Ipc {
    fn load(&self, params: &Params) -> Result<(DataFrame, Metadata), BoxError> {
        let df = IpcReader::new(File::open(params.path()?)?).finish()?;
        let meta = describe(&df);
        Ok((df, meta))
    }
}

#[cfg(feature = "ipc")]
impl DataSaver<DataFrame> for Ipc {
    fn save(&self, value: &DataFrame, params: &Params) -> Result<Metadata, BoxError> {
        save_with(value, params, |w, df| IpcWriter::new(w).finish(df))
    }
}
