//! Running one node: the single place every executor calls a node's function.
//!
//! Sequential, parallel (and later async and map/collect) executors gather a node's arguments
//! in their own way, then hand them to [`run`], which calls the shim under `catch_unwind`,
//! checks the declared type of nodes made at run time, and turns every failure into the
//! H013/H014/H020 error naming the node. Lifecycle hooks (before and after a node, with the run
//! id, the duration, success or error and the item index inside a map/collect block) and
//! caching wrap exactly this function, so they behave the same under every executor.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};

use super::args::{Args, NodeError, Value};
use super::plan::Step;
use crate::error::{Cause, Error, NodeFailure};
use crate::graph::Graph;

/// The identity of one `execute` call: distinct for every run of every driver in the process.
/// Lifecycle hooks receive it with every event of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub(crate) u64);

impl RunId {
    /// The id as a number (runs are numbered from 1 in the order they start).
    pub fn get(self) -> u64 {
        self.0
    }

    /// A fresh id (one relaxed atomic increment).
    pub(crate) fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        RunId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// What one node call is: which node, in which run, and for which item of a map/collect block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NodeCall {
    /// The graph index of the node.
    pub(crate) node: u32,
    /// The run this call belongs to.
    pub(crate) run: RunId,
    /// The item index when the node runs once per item of a map/collect block.
    pub(crate) item: Option<usize>,
}

impl NodeCall {
    /// A call of `step`'s node in `run`, outside any map/collect block.
    #[inline]
    pub(crate) fn of(step: &Step, run: RunId) -> Self {
        NodeCall { node: step.node, run, item: None }
    }
}

/// Runs `step` with `args`: its value, or the error naming the node.
///
/// The function is called under `catch_unwind`, so a panic becomes H014 and never unwinds
/// through an executor; a returned `Err` becomes H013, failed validators H020. A node made at
/// run time whose value is not of its declared type fails with H013.
#[inline]
pub(crate) fn run(
    graph: &Graph,
    call: &NodeCall,
    step: &Step,
    args: &mut Args<'_>,
) -> Result<Value, Error> {
    if let Some(block) = &step.block {
        // A map/collect block: its nodes run once per item, each through this function (with
        // their hooks); the block step itself is no call of a node function.
        if let Some(skip) =
            graph.hooks.graceful().and_then(|_| args.find(crate::hooks::is_sentinel))
        {
            // Under GracefulErrors, the expand node (or an outer value) failed: skip the block.
            return Ok(skip);
        }
        return super::block::run(graph, call, block, args);
    }
    // With no adapter installed, this branch is all that hooks cost.
    if graph.hooks.active {
        return crate::hooks::run_node(graph, call, step, args, invoke);
    }
    invoke(graph, call, step, args)
}

/// The plain call of `step`'s function (see [`run`]).
#[inline]
fn invoke(
    graph: &Graph,
    call: &NodeCall,
    step: &Step,
    args: &mut Args<'_>,
) -> Result<Value, Error> {
    match catch_unwind(AssertUnwindSafe(|| step.call.invoke(args))) {
        Ok(Ok(value)) => {
            if step.declared.is_some_and(|id| id != value.type_id_of_value()) {
                let declared = (graph.node(call.node).ty.name)();
                let cause = format!("returned a value that is not its declared {declared}");
                return Err(failure(graph, call, Cause::Returned(cause.into())));
            }
            Ok(value)
        }
        Ok(Err(e)) => Err(failure(graph, call, cause_of(e))),
        Err(payload) => Err(failure(graph, call, Cause::Panicked(panic_message(&*payload)))),
    }
}

pub(crate) fn cause_of(e: NodeError) -> Cause {
    match e {
        NodeError::Failed(e) => Cause::Returned(e),
        NodeError::Validation(failed) => Cause::Validation(failed),
        other => Cause::Returned(other.to_string().into()),
    }
}

/// The error for a failed call: the node's site and the cause.
pub(crate) fn failure(graph: &Graph, call: &NodeCall, cause: Cause) -> Error {
    let site = graph.node(call.node).site();
    Error::NodeFailed(Box::new(NodeFailure { site, cause, item: call.item }))
}

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}
