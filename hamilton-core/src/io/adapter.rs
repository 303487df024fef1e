//! The adapter traits ([`DataLoader`], [`DataSaver`]) and the registry that picks an adapter by
//! format name and value type.

use std::any::TypeId;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use super::Metadata;
use crate::execute::args::{BoxError, Value};
use crate::registry::TypeSpec;

/// The parameters of one load or save, resolved to text: fixed values ([`value`](super::value))
/// and values of other nodes ([`source`](super::source)) alike.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    entries: BTreeMap<String, String>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params::default()
    }

    /// Adds (or replaces) a parameter.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.entries.insert(key.into(), value.into());
        self
    }

    pub(crate) fn insert(&mut self, key: String, value: String) {
        self.entries.insert(key, value);
    }

    /// The parameter `key`, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// The `path` parameter. Adapters that declare `path` in [`DataLoader::required`] always
    /// have it (the materializer checks before anything runs).
    pub fn path(&self) -> Result<&Path, BoxError> {
        self.get("path").map(Path::new).ok_or_else(|| "the `path` parameter is missing".into())
    }

    /// A flag parameter (`true`/`false`), `default` when absent.
    pub fn flag(&self, key: &str, default: bool) -> Result<bool, BoxError> {
        match self.get(key) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => {
                Err(format!("parameter `{key}` must be `true` or `false`, not `{other}`").into())
            }
        }
    }

    /// The parameters, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// Reads a value of type `T` from some store: a file format, a database, a service.
///
/// Implement it for your own stores and make it known under a format name with
/// [`register_loader`]; one adapter type may implement `DataLoader` for several value types
/// (registered under one format name), and the materializer picks the one whose type the
/// target node has.
///
/// ```
/// use hamilton_core::io::{DataLoader, Metadata, Params};
/// use hamilton_core::BoxError;
///
/// /// Lines of a text file, one `String` each.
/// struct Lines;
///
/// impl DataLoader<Vec<String>> for Lines {
///     fn load(&self, params: &Params) -> Result<(Vec<String>, Metadata), BoxError> {
///         let text = std::fs::read_to_string(params.path()?)?;
///         let lines: Vec<String> = text.lines().map(str::to_string).collect();
///         let meta = Metadata::new().with_rows(lines.len());
///         Ok((lines, meta))
///     }
/// }
/// hamilton_core::io::register_loader::<Vec<String>, _>("lines", Lines);
/// ```
pub trait DataLoader<T>: Send + Sync + 'static {
    /// The parameters it must be given (checked before anything runs). Default: `path`.
    fn required(&self) -> &'static [&'static str] {
        &["path"]
    }

    /// The parameters it understands besides the required ones (an unknown key is an error
    /// before anything runs). Default: none.
    fn optional(&self) -> &'static [&'static str] {
        &[]
    }

    /// Loads the value. The returned metadata needs only what the adapter alone knows (rows,
    /// schema, ...): path, size, modified time, format and duration are filled in around it.
    fn load(&self, params: &Params) -> Result<(T, Metadata), BoxError>;
}

/// Writes a value of type `T` to some store, returning what it wrote.
///
/// Savers that write files should go through [`write_atomically`](super::write_atomically), so
/// a failure midway leaves the previous file untouched. Make a saver known under a format name
/// with [`register_saver`].
pub trait DataSaver<T>: Send + Sync + 'static {
    /// The parameters it must be given (checked before anything runs). Default: `path`.
    fn required(&self) -> &'static [&'static str] {
        &["path"]
    }

    /// The parameters it understands besides the required ones. Default: none.
    fn optional(&self) -> &'static [&'static str] {
        &[]
    }

    /// Saves the value; the metadata needs only what the adapter alone knows (rows, schema).
    fn save(&self, value: &T, params: &Params) -> Result<Metadata, BoxError>;
}

type LoadFn = dyn Fn(&Params) -> Result<(Value, Metadata), BoxError> + Send + Sync;
type SaveFn = dyn Fn(&Value, &Params) -> Result<Metadata, BoxError> + Send + Sync;

/// A loader with its value type erased: what the registry holds and materializers call.
#[derive(Clone)]
pub(crate) struct LoaderEntry {
    pub(crate) format: String,
    pub(crate) ty: TypeSpec,
    pub(crate) required: &'static [&'static str],
    pub(crate) optional: &'static [&'static str],
    pub(crate) load: Arc<LoadFn>,
}

/// A saver with its value type erased.
#[derive(Clone)]
pub(crate) struct SaverEntry {
    pub(crate) format: String,
    pub(crate) ty: TypeSpec,
    pub(crate) required: &'static [&'static str],
    pub(crate) optional: &'static [&'static str],
    pub(crate) save: Arc<SaveFn>,
}

impl LoaderEntry {
    pub(crate) fn new<T: Send + Sync + 'static, L: DataLoader<T>>(format: &str, loader: L) -> Self {
        LoaderEntry {
            format: format.to_string(),
            ty: TypeSpec::of::<T>(""),
            required: loader.required(),
            optional: loader.optional(),
            load: Arc::new(move |params| {
                let (value, meta) = loader.load(params)?;
                Ok((Value::new(value), meta))
            }),
        }
    }
}

impl SaverEntry {
    pub(crate) fn new<T: Send + Sync + 'static, S: DataSaver<T>>(format: &str, saver: S) -> Self {
        SaverEntry {
            format: format.to_string(),
            ty: TypeSpec::of::<T>(""),
            required: saver.required(),
            optional: saver.optional(),
            save: Arc::new(move |value, params| match value.downcast_ref::<T>() {
                Some(v) => saver.save(v, params),
                None => Err(format!("the value is not a {}", std::any::type_name::<T>()).into()),
            }),
        }
    }
}

#[derive(Default)]
struct Registry {
    loaders: Vec<LoaderEntry>,
    savers: Vec<SaverEntry>,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(|| {
    let mut registry = Registry::default();
    super::formats::register_builtins(&mut |l| registry.loaders.push(l), &mut |s| {
        registry.savers.push(s)
    });
    RwLock::new(registry)
});

/// Makes `loader` known as format `name` for values of type `T` (Hamilton's
/// `registry.register_adapter`). Registering the same name and type again replaces the earlier
/// loader.
pub fn register_loader<T: Send + Sync + 'static, L: DataLoader<T>>(name: &str, loader: L) {
    let entry = LoaderEntry::new::<T, L>(name, loader);
    let mut registry = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    registry.loaders.retain(|e| !(e.format == name && e.ty.id == entry.ty.id));
    registry.loaders.push(entry);
}

/// Makes `saver` known as format `name` for values of type `T`. Registering the same name and
/// type again replaces the earlier saver.
pub fn register_saver<T: Send + Sync + 'static, S: DataSaver<T>>(name: &str, saver: S) {
    let entry = SaverEntry::new::<T, S>(name, saver);
    let mut registry = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    registry.savers.retain(|e| !(e.format == name && e.ty.id == entry.ty.id));
    registry.savers.push(entry);
}

/// What a lookup by format name and type found.
pub(crate) enum Lookup<E> {
    Found(E),
    /// The format exists, for these other types.
    WrongType(Vec<String>),
    /// No adapter has this format name; these names exist.
    UnknownFormat(Vec<String>),
}

macro_rules! lookup {
    ($fn_name:ident, $field:ident, $entry:ty) => {
        pub(crate) fn $fn_name(format: &str, ty: TypeId) -> Lookup<$entry> {
            let registry = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
            let named: Vec<&$entry> =
                registry.$field.iter().filter(|e| e.format == format).collect();
            if named.is_empty() {
                let mut names: Vec<String> =
                    registry.$field.iter().map(|e| e.format.clone()).collect();
                names.sort();
                names.dedup();
                return Lookup::UnknownFormat(names);
            }
            match named.iter().find(|e| e.ty.id == ty) {
                Some(e) => Lookup::Found((*e).clone()),
                None => Lookup::WrongType(
                    named.iter().map(|e| short_type_name((e.ty.name)())).collect(),
                ),
            }
        }
    };
}

lookup!(find_loader, loaders, LoaderEntry);
lookup!(find_saver, savers, SaverEntry);

/// A type name without module paths: `polars_core::frame::DataFrame` becomes `DataFrame`,
/// `alloc::vec::Vec<u8>` becomes `Vec<u8>`.
pub(crate) fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut word = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or(&word));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_type_names_drop_module_paths() {
        assert_eq!(super::short_type_name("polars_core::frame::DataFrame"), "DataFrame");
        assert_eq!(super::short_type_name("alloc::vec::Vec<alloc::string::String>"), "Vec<String>");
        assert_eq!(super::short_type_name("(u8, std::path::PathBuf)"), "(u8, PathBuf)");
    }
}
