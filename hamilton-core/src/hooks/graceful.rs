//! The graceful-error adapter: a failing node no longer stops the run; its dependents are
//! skipped and the other branches finish (Hamilton's `GracefulErrorAdapter`).

use std::sync::{Arc, Mutex, PoisonError};

use super::{Adapter, RunId};
use crate::error::{Cause, Error};
use crate::execute::args::Value;

/// What a failed node holds instead of its value: the name of the node that failed. Dependents
/// that receive it are skipped and pass it on.
pub(crate) struct Sentinel {
    pub(crate) failed: Arc<str>,
}

/// Whether `value` is a failed node's stand-in.
pub(crate) fn is_sentinel(value: &Value) -> bool {
    value.downcast_ref::<Sentinel>().is_some()
}

/// The failed node a sentinel value stands for.
pub(crate) fn failed_node(value: &Value) -> Option<&str> {
    value.downcast_ref::<Sentinel>().map(|s| &*s.failed)
}

/// One failure the adapter caught.
#[derive(Debug)]
pub struct SkippedFailure {
    /// The run it happened in.
    pub run: RunId,
    /// The node that failed.
    pub node: String,
    /// The item index, inside a map/collect block.
    pub item: Option<usize>,
    /// The error the node's failure would have stopped the run with.
    pub error: Error,
}

type Filter = dyn Fn(&Error) -> bool + Send + Sync;

/// Keeps a run going when a node fails: the node's value is replaced by a stand-in, every node
/// that depends on it is skipped (its function is not called, hooks see
/// [`NodeStatus::Skipped`](super::NodeStatus::Skipped)), and every independent node still runs.
///
/// Reading a requested output that was not computed is error H081, which names the node that
/// failed. (Inside map/collect blocks this policy is not implemented yet.) The failures are kept here, for [`failures`](GracefulErrors::failures) or
/// [`take_failures`](GracefulErrors::take_failures).
///
/// Differences from Hamilton: Rust values are typed, so there is no user-chosen sentinel value;
/// a skipped output is an error when read. At most one graceful adapter may be installed (H082).
///
/// ```
/// use std::sync::Arc;
/// use hamilton_core::prelude::*;
/// use hamilton_core::hooks::GracefulErrors;
///
/// /// Fails on purpose.
/// #[node]
/// fn broken(x: i64) -> Result<i64, std::io::Error> { Err(std::io::Error::other("no data")) }
/// /// Needs the broken node: skipped.
/// #[node]
/// fn downstream(broken: i64) -> i64 { broken + 1 }
/// /// Independent of the failure: computed.
/// #[node]
/// fn fine(x: i64) -> i64 { x * 10 }
/// hamilton_core::module!();
///
/// let graceful = Arc::new(GracefulErrors::new());
/// let dr = Driver::builder().with_modules([MODULE]).with_adapter(graceful.clone()).build()?;
/// let out = dr.execute(&["downstream", "fine"], Inputs::new().with("x", 1_i64))?;
/// assert_eq!(*out.get::<i64>("fine")?, 10);
/// assert!(out.get::<i64>("downstream").unwrap_err().to_string().contains("H081"));
/// assert_eq!(graceful.failures()[0].0, "broken");
/// # Ok::<(), hamilton_core::Error>(())
/// ```
pub struct GracefulErrors {
    filter: Option<Box<Filter>>,
    failures: Mutex<Vec<SkippedFailure>>,
}

impl Default for GracefulErrors {
    fn default() -> Self {
        GracefulErrors::new()
    }
}

impl std::fmt::Debug for GracefulErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GracefulErrors").field("failures", &self.failures()).finish()
    }
}

impl GracefulErrors {
    /// Catches every node failure (returned errors, panics, failed validations).
    pub fn new() -> Self {
        GracefulErrors { filter: None, failures: Mutex::new(Vec::new()) }
    }

    /// Catches only the failures `filter` accepts; the others stop the run as usual (Hamilton's
    /// `error_to_catch`).
    pub fn catching(filter: impl Fn(&Error) -> bool + Send + Sync + 'static) -> Self {
        GracefulErrors { filter: Some(Box::new(filter)), failures: Mutex::new(Vec::new()) }
    }

    /// Catches only node failures whose returned error is an `E` (e.g. `std::io::Error`).
    pub fn catching_type<E: std::error::Error + 'static>() -> Self {
        GracefulErrors::catching(|e| match e {
            Error::NodeFailed(f) => match &f.cause {
                Cause::Returned(e) => e.downcast_ref::<E>().is_some(),
                _ => false,
            },
            _ => false,
        })
    }

    /// Whether this policy turns `error` into a skip: only node failures are caught, never a
    /// hook's panic.
    pub(crate) fn catches(&self, error: &Error) -> bool {
        matches!(error, Error::NodeFailed(_)) && self.filter.as_ref().is_none_or(|f| f(error))
    }

    /// Keeps `error` and returns the stand-in value for `node`.
    pub(crate) fn record(
        &self,
        run: RunId,
        node: &str,
        item: Option<usize>,
        error: Error,
    ) -> Value {
        let failure = SkippedFailure { run, node: node.to_string(), item, error };
        self.failures.lock().unwrap_or_else(PoisonError::into_inner).push(failure);
        Value::new(Sentinel { failed: node.into() })
    }

    /// The failures caught so far, as (node, item, message), in the order they happened.
    pub fn failures(&self) -> Vec<(String, Option<usize>, String)> {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|f| (f.node.clone(), f.item, f.error.to_string()))
            .collect()
    }

    /// Removes and returns the failures caught so far, with their errors.
    pub fn take_failures(&self) -> Vec<SkippedFailure> {
        std::mem::take(&mut *self.failures.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Adapter for GracefulErrors {
    fn graceful(&self) -> Option<&GracefulErrors> {
        Some(self)
    }
}
