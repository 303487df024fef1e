//! The results of one execute, read back by name and type.

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, short_type_name};
use crate::execute::args::Value;
use crate::registry::TypeSpec;

/// The requested outputs of one run, in request order.
///
/// ```
/// use hamilton_core::prelude::*;
///
/// #[node]
/// fn doubled(x: i64) -> i64 { x * 2 }
/// hamilton_core::module!();
///
/// let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
/// let out = dr.execute(&["doubled"], Inputs::new().with("x", 4_i64)).unwrap();
/// assert_eq!(*out.get::<i64>("doubled").unwrap(), 8);
/// // The wrong type is an error naming both types.
/// assert!(out.get::<f64>("doubled").unwrap_err().to_string().contains("i64"));
/// // `{:?}` lists the names and types.
/// assert_eq!(format!("{out:?}"), "Outputs { doubled: i64 }");
/// ```
#[derive(Default)]
pub struct Outputs {
    entries: Vec<Output>,
    /// Names removed by `take`, to tell "taken" from "not requested".
    taken: Vec<String>,
}

/// `{:?}` lists each output's name and type, in request order: `Outputs { mean: f64 }`.
impl fmt::Debug for Outputs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Outputs");
        for e in &self.entries {
            out.field(&e.name, &format_args!("{}", type_label(e.ty)));
        }
        out.finish()
    }
}

/// The type as spelled in the source, or the full name without module paths.
fn type_label(ty: TypeSpec) -> std::borrow::Cow<'static, str> {
    if ty.spelled.is_empty() { short_type_name((ty.name)()).into() } else { ty.spelled.into() }
}

/// The output names, in request order ([`Outputs::names`]); `{:?}` prints them as a list.
#[derive(Clone)]
pub struct OutputNames<'a>(std::slice::Iter<'a, Output>);

impl<'a> Iterator for OutputNames<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        self.0.next().map(|e| e.name.as_str())
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for OutputNames<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|e| e.name.as_str())
    }
}

impl ExactSizeIterator for OutputNames<'_> {}

impl fmt::Debug for OutputNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

/// One requested value with its name and type.
struct Output {
    name: String,
    value: Value,
    ty: TypeSpec,
}

impl Output {
    fn wrong_type<T>(&self) -> Error {
        Error::OutputType {
            name: self.name.clone(),
            stored: (self.ty.name)().to_string(),
            asked: std::any::type_name::<T>().to_string(),
        }
    }
}

impl Outputs {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Outputs { entries: Vec::with_capacity(n), taken: Vec::new() }
    }

    pub(crate) fn push(&mut self, name: String, value: Value, ty: TypeSpec) {
        self.entries.push(Output { name, value, ty });
    }

    fn position(&self, name: &str) -> Result<usize, Error> {
        self.entries.iter().position(|e| e.name == name).ok_or_else(|| {
            let name = name.to_string();
            let names = self.names().map(str::to_string).collect();
            if self.taken.contains(&name) {
                Error::OutputTaken { name, remaining: names }
            } else {
                Error::OutputNotRequested { name, requested: names }
            }
        })
    }

    /// Borrows output `name` as a `T`.
    pub fn get<T: 'static>(&self, name: &str) -> Result<&T, Error> {
        let entry = &self.entries[self.position(name)?];
        entry.value.downcast_ref::<T>().ok_or_else(|| entry.wrong_type::<T>())
    }

    /// Output `name` as a shared `Arc<T>` (no copy).
    pub fn get_arc<T: Send + Sync + 'static>(&self, name: &str) -> Result<Arc<T>, Error> {
        let entry = &self.entries[self.position(name)?];
        entry.value.clone().downcast_arc::<T>().map_err(|_| entry.wrong_type::<T>())
    }

    /// Removes output `name` and returns it by value (moved when no one else holds it, cloned
    /// otherwise). On a wrong type the output stays.
    pub fn take<T: Clone + Send + Sync + 'static>(&mut self, name: &str) -> Result<T, Error> {
        let pos = self.position(name)?;
        let entry = &self.entries[pos];
        if entry.value.downcast_ref::<T>().is_none() {
            return Err(entry.wrong_type::<T>());
        }
        let Output { name, value, ty } = self.entries.remove(pos);
        self.taken.push(name.clone());
        value.into_inner::<T>().map_err(|value| Output { name, value, ty }.wrong_type::<T>())
    }

    /// Name, type-erased value and type of each output, in request order (what a custom
    /// [`ResultBuilder`](crate::results::ResultBuilder) reads).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value, TypeSpec)> {
        self.entries.iter().map(|e| (e.name.as_str(), &e.value, e.ty))
    }

    /// The output names, in request order (`{:?}` prints them as a list).
    pub fn names(&self) -> OutputNames<'_> {
        OutputNames(self.entries.iter())
    }

    /// The full type name of output `name`.
    pub fn type_name(&self, name: &str) -> Option<&'static str> {
        self.entries.iter().find(|e| e.name == name).map(|e| (e.ty.name)())
    }

    /// The number of outputs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no outputs.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
