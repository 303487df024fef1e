//! The results of one execute, read back by name and type.

use std::sync::Arc;

use crate::error::Error;
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
/// ```
#[derive(Debug, Default)]
pub struct Outputs {
    entries: Vec<(String, Value, TypeSpec)>,
}

impl Outputs {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Outputs { entries: Vec::with_capacity(n) }
    }

    pub(crate) fn push(&mut self, name: String, value: Value, ty: TypeSpec) {
        self.entries.push((name, value, ty));
    }

    fn not_requested(&self, name: &str) -> Error {
        Error::OutputNotRequested {
            name: name.to_string(),
            requested: self.names().map(str::to_string).collect(),
        }
    }

    fn find(&self, name: &str) -> Result<&(String, Value, TypeSpec), Error> {
        self.entries.iter().find(|e| e.0 == name).ok_or_else(|| self.not_requested(name))
    }

    fn wrong_type<T>(entry: &(String, Value, TypeSpec)) -> Error {
        Error::OutputType {
            name: entry.0.clone(),
            stored: (entry.2.name)().to_string(),
            asked: std::any::type_name::<T>().to_string(),
        }
    }

    /// Borrows output `name` as a `T`.
    pub fn get<T: 'static>(&self, name: &str) -> Result<&T, Error> {
        let entry = self.find(name)?;
        entry.1.downcast_ref::<T>().ok_or_else(|| Self::wrong_type::<T>(entry))
    }

    /// Output `name` as a shared `Arc<T>` (no copy).
    pub fn get_arc<T: Send + Sync + 'static>(&self, name: &str) -> Result<Arc<T>, Error> {
        let entry = self.find(name)?;
        entry.1.clone().downcast_arc::<T>().map_err(|_| Self::wrong_type::<T>(entry))
    }

    /// Removes output `name` and returns it by value (moved when no one else holds it, cloned
    /// otherwise).
    pub fn take<T: Clone + Send + Sync + 'static>(&mut self, name: &str) -> Result<T, Error> {
        let pos = self.entries.iter().position(|e| e.0 == name);
        let pos = pos.ok_or_else(|| self.not_requested(name))?;
        let (name, value, ty) = self.entries.remove(pos);
        value.into_inner::<T>().map_err(|value| {
            let err = Self::wrong_type::<T>(&(name.clone(), value.clone(), ty));
            self.entries.insert(pos, (name, value, ty));
            err
        })
    }

    /// The output names, in request order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.0.as_str())
    }

    /// The full type name of output `name`.
    pub fn type_name(&self, name: &str) -> Option<&'static str> {
        self.entries.iter().find(|e| e.0 == name).map(|e| (e.2.name)())
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
