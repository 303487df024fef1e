//! Dynamic map/collect: [`Parallelizable<T>`] and [`Collect<T>`].
//!
//! A node returning `Parallelizable<T>` (the *expand* node) hands out many items. Every node that
//! depends on it, directly or through other such nodes, is part of its *block* and runs once per
//! item, seeing one `T` where it names the expand node. A parameter `name: Collect<U>` (in the
//! *collect* node) gathers the per-item values of the block node `name`, in item order. Nodes
//! outside the block run once; block nodes may also take ordinary values from outside the block.
//!
//! ```
//! use hamilton_core::prelude::*;
//!
//! /// One item per number.
//! #[node]
//! fn number(count: &u64) -> Parallelizable<u64> {
//!     (1..=*count).collect()
//! }
//!
//! /// Runs once per item.
//! #[node]
//! fn squared(number: &u64) -> u64 {
//!     number * number
//! }
//!
//! /// Gathers the squares, in item order.
//! #[node]
//! fn total(squared: Collect<u64>) -> u64 {
//!     squared.into_iter().sum()
//! }
//! hamilton_core::module!();
//!
//! let dr = Driver::builder().with_modules([MODULE]).build()?;
//! let out = dr.execute(&["total"], Inputs::new().with("count", 3_u64))?;
//! assert_eq!(*out.get::<u64>("total")?, 1 + 4 + 9);
//! # Ok::<(), hamilton_core::Error>(())
//! ```
//!
//! `#[node]` recognises the two types by their last path segment (`Parallelizable<T>`,
//! `hamilton_core::Collect<T>`), so a type of your own with one of these names cannot be a node
//! value. The shapes a block may take are checked when the driver is built (errors H035 to H039).

use std::fmt;
use std::sync::Arc;

use crate::execute::args::Value;
use crate::registry::TypeSpec;

/// The value of an *expand* node: many items, each processed by the node's block on its own.
///
/// Build it from any iterator (`.collect()`, [`Parallelizable::new`]) or from a `Vec<T>`. Items
/// are stored behind `Arc`s, so handing them to the block never copies a `T`.
pub struct Parallelizable<T> {
    items: Vec<Arc<T>>,
}

impl<T> Parallelizable<T> {
    /// The items of `items`, in iteration order.
    pub fn new(items: impl IntoIterator<Item = T>) -> Self {
        items.into_iter().collect()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there is no item (the block then does not run and collects are empty).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items, in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter().map(|a| &**a)
    }
}

impl<T> FromIterator<T> for Parallelizable<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Parallelizable { items: iter.into_iter().map(Arc::new).collect() }
    }
}

impl<T> From<Vec<T>> for Parallelizable<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T: fmt::Debug> fmt::Debug for Parallelizable<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The parameter type of a *collect* node: the per-item values of one block node, in item order.
///
/// `values: Collect<f64>` gathers the values of the block node `values`. It dereferences to a
/// slice and iterates by value. Like any by-value parameter, `T` must be `Clone` (a value is moved,
/// not cloned, when nothing else holds it, which is the usual case).
#[derive(Clone, PartialEq, Eq)]
pub struct Collect<T> {
    items: Vec<T>,
}

impl<T> Collect<T> {
    /// The gathered values as a vector.
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

impl<T> From<Vec<T>> for Collect<T> {
    fn from(items: Vec<T>) -> Self {
        Collect { items }
    }
}

impl<T> std::ops::Deref for Collect<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<T> IntoIterator for Collect<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Collect<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Collect<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.items).finish()
    }
}

/// What the graph needs to know of an expand node (one returning `Parallelizable<T>`); `#[node]`
/// fills it in.
#[derive(Clone, Copy, Debug)]
pub struct ExpandSpec {
    /// `T`: the value the block's nodes see where they name the expand node.
    pub item: TypeSpec,
    /// `Vec<T>`: also accepted as an override of the expand node.
    pub list: TypeSpec,
    /// Splits the node's value (a `Parallelizable<T>` or a `Vec<T>` override) into its items;
    /// gives the value back if it is neither, or a `Vec<T>` that something else still holds.
    pub split: fn(Value) -> Result<Vec<Value>, Value>,
}

impl ExpandSpec {
    /// The spec of an expand node whose items are `T` (`spelled` as in the source).
    pub const fn of<T: Send + Sync + 'static>(spelled: &'static str) -> Self {
        ExpandSpec {
            item: TypeSpec::of::<T>(spelled),
            list: TypeSpec::of::<Vec<T>>(""),
            split: split::<T>,
        }
    }
}

fn split<T: Send + Sync + 'static>(value: Value) -> Result<Vec<Value>, Value> {
    let value = match value.downcast_arc::<Parallelizable<T>>() {
        Ok(p) => {
            return Ok(match Arc::try_unwrap(p) {
                Ok(p) => p.items.into_iter().map(Value::from_arc).collect(),
                Err(shared) => shared.items.iter().cloned().map(Value::from_arc).collect(),
            });
        }
        Err(value) => value,
    };
    match value.downcast_arc::<Vec<T>>() {
        Ok(list) => match Arc::try_unwrap(list) {
            Ok(list) => Ok(list.into_iter().map(Value::new).collect()),
            Err(shared) => Err(Value::from_arc(shared)),
        },
        Err(value) => Err(value),
    }
}

/// The per-item values of one block node, gathered for a collect node (type-erased).
pub(crate) struct Gathered(pub(crate) Vec<Value>);
