//! Named values handed to a driver: [`Config`] at build time, [`Inputs`] and overrides at run time.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::error::short_type_name;
use crate::execute::args::Value;

/// One named value with the type it was given as.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) value: Value,
    pub(crate) type_id: TypeId,
    pub(crate) type_name: fn() -> &'static str,
    /// The text that `config_when` conditions compare with (scalars only).
    pub(crate) text: Option<String>,
}

impl Entry {
    /// Wraps `value`; a `&'static str` is stored as a `String`, the type nodes take text as.
    pub(crate) fn new<V: Send + Sync + 'static>(value: V) -> Entry {
        let any: &dyn Any = &value;
        if let Some(s) = any.downcast_ref::<&'static str>() {
            return Entry::new(s.to_string());
        }
        Entry {
            text: text_of(any),
            type_id: TypeId::of::<V>(),
            type_name: std::any::type_name::<V>,
            value: Value::new(value),
        }
    }
}

/// The text form of scalar config values, compared by `config_when` conditions.
fn text_of(any: &dyn Any) -> Option<String> {
    macro_rules! try_types {
        ($($t:ty),*) => {$(
            if let Some(v) = any.downcast_ref::<$t>() {
                return Some(v.to_string());
            }
        )*};
    }
    try_types!(String, bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
    try_types!(f32, f64);
    None
}

/// Text as a quoted string, other scalars with their type (`42_i64`), anything else as its
/// type: `<Vec<f64>>`.
impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ty = short_type_name((self.type_name)());
        match &self.text {
            Some(t) if self.type_id == TypeId::of::<String>() => write!(f, "{t:?}"),
            Some(t) if self.type_id == TypeId::of::<char>() => {
                write!(f, "{:?}", t.chars().next().unwrap_or_default())
            }
            Some(t) if self.type_id == TypeId::of::<bool>() => f.write_str(t),
            Some(t) => write!(f, "{t}_{ty}"),
            None => write!(f, "<{ty}>"),
        }
    }
}

/// `Name { key: value, .. }`, keys sorted.
fn debug_entries<'a>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    entries: impl Iterator<Item = (&'a String, &'a Entry)>,
) -> fmt::Result {
    let mut sorted: Vec<_> = entries.collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = f.debug_struct(name);
    for (k, v) in sorted {
        out.field(k, v);
    }
    out.finish()
}

/// Build-time configuration: selects `#[config_when]` variants, and each entry is also a value
/// nodes can take as a parameter (as in Hamilton).
///
/// Scalars (strings, numbers, booleans, chars) are compared with `config_when` conditions by
/// their text (`true`, `42`, `prod`); any other `Send + Sync + 'static` value can be stored and
/// consumed by nodes, but matches no condition. A `&'static str` is stored as a `String`.
///
/// ```
/// use hamilton_core::Config;
/// let config = Config::new().with("env", "prod").with("sample_rows", 1_000_usize);
/// assert_eq!(config.len(), 2);
/// assert_eq!(format!("{config:?}"), r#"Config { env: "prod", sample_rows: 1000_usize }"#);
/// ```
#[derive(Clone, Default)]
pub struct Config {
    pub(crate) entries: BTreeMap<String, Entry>,
}

impl Config {
    /// An empty config.
    pub fn new() -> Self {
        Config::default()
    }

    /// Adds (or replaces) an entry.
    pub fn with<V: Send + Sync + 'static>(mut self, key: impl Into<String>, value: V) -> Self {
        self.set(key, value);
        self
    }

    /// Adds (or replaces) an entry in place.
    pub fn set<V: Send + Sync + 'static>(&mut self, key: impl Into<String>, value: V) {
        self.entries.insert(key.into(), Entry::new(value));
    }

    /// Adds every entry of `other`, replacing entries with the same key.
    pub fn merge(&mut self, other: Config) {
        self.entries.extend(other.entries);
    }

    /// The text of a scalar entry, as `config_when` conditions see it.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.entries.get(key).and_then(|e| e.text.as_deref())
    }

    /// Whether the key is set.
    pub fn contains(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// The keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Values for one run: external inputs (or, passed as overrides, replacements for any node).
///
/// Values are type-checked against the graph before any node runs. A `&'static str` is stored
/// as a `String`, the type text parameters (`&str`, `&String`, `String`) take.
///
/// ```
/// use hamilton_core::Inputs;
/// let inputs = Inputs::new().with("path", "data.csv").with("threshold", 0.5_f64);
/// assert!(inputs.contains("path"));
/// assert_eq!(format!("{inputs:?}"), r#"Inputs { path: "data.csv", threshold: 0.5_f64 }"#);
/// ```
#[derive(Clone, Default)]
pub struct Inputs {
    pub(crate) entries: HashMap<String, Entry>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_entries(f, "Config", self.entries.iter())
    }
}

impl fmt::Debug for Inputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_entries(f, "Inputs", self.entries.iter())
    }
}

/// Overrides: values that replace nodes (their upstream is then not computed).
pub type Overrides = Inputs;

impl Inputs {
    /// No values.
    pub fn new() -> Self {
        Inputs::default()
    }

    /// Adds (or replaces) a value.
    pub fn with<V: Send + Sync + 'static>(mut self, name: impl Into<String>, value: V) -> Self {
        self.insert(name, value);
        self
    }

    /// Adds (or replaces) a value in place.
    pub fn insert<V: Send + Sync + 'static>(&mut self, name: impl Into<String>, value: V) {
        self.entries.insert(name.into(), Entry::new(value));
    }

    /// Whether a value of that name is present.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// The names, in no particular order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_str_is_stored_as_string() {
        let e = Entry::new("prod");
        assert_eq!(e.type_id, TypeId::of::<String>());
        assert_eq!(e.text.as_deref(), Some("prod"));
        assert_eq!(e.value.downcast_ref::<String>().map(String::as_str), Some("prod"));
    }

    #[test]
    fn scalars_have_text_and_other_values_do_not() {
        assert_eq!(Entry::new(true).text.as_deref(), Some("true"));
        assert_eq!(Entry::new(42_i64).text.as_deref(), Some("42"));
        assert_eq!(Entry::new(vec![1, 2]).text, None);
    }
}
