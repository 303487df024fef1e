//! serde JSON for any `Serialize` / `DeserializeOwned` type.

use std::io::BufReader;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::execute::args::BoxError;
use crate::io::{DataLoader, DataSaver, Metadata, Params, write_atomically};

/// JSON through serde (format `serde_json`, feature `serde-json`): loads any
/// `DeserializeOwned` type, saves any `Serialize` type (pretty-printed unless `pretty = false`).
///
/// The type is not known to a name lookup, so declare it at the call:
/// `from_::serde_json::<Settings>("settings")`, `to::serde_json::<Report>("save", "report")`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SerdeJson;

impl<T: DeserializeOwned + Send + Sync + 'static> DataLoader<T> for SerdeJson {
    fn load(&self, params: &Params) -> Result<(T, Metadata), BoxError> {
        let file = std::fs::File::open(params.path()?)?;
        let value: T = serde_json::from_reader(BufReader::new(file))?;
        Ok((value, Metadata::new()))
    }
}

impl<T: Serialize + Send + Sync + 'static> DataSaver<T> for SerdeJson {
    fn optional(&self) -> &'static [&'static str] {
        &["pretty"]
    }

    fn save(&self, value: &T, params: &Params) -> Result<Metadata, BoxError> {
        let pretty = params.flag("pretty", true)?;
        write_atomically(params.path()?, |w| {
            if pretty {
                serde_json::to_writer_pretty(w, value)?;
            } else {
                serde_json::to_writer(w, value)?;
            }
            Ok(())
        })?;
        Ok(Metadata::new())
    }
}
