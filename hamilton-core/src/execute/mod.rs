//! Execution: the planner and the executors that share it (DESIGN §7).
//!
//! Every executor walks the same flat [`Plan`](plan::Plan): it fills the preloaded slots with
//! [`preload`], runs each step through [`node::run`] (the one seam shared by all executors) and
//! reads the requested values with [`outputs`].

pub(crate) mod access;
pub(crate) mod args;
#[cfg(feature = "async")]
pub(crate) mod asynchronous;
pub(crate) mod block;
pub(crate) mod executor;
pub(crate) mod node;
pub(crate) mod parallel;
pub(crate) mod plan;
pub(crate) mod sequential;

use args::Value;
use plan::{Origin, Plan};

use crate::graph::{Graph, NodeKind};
use crate::outputs::Outputs;
use crate::values::Inputs;

/// Hands every preloaded slot its value (config entry, input or override) through `fill`.
pub(crate) fn preload(
    graph: &Graph,
    plan: &Plan,
    mut inputs: Inputs,
    mut overrides: Inputs,
    mut fill: impl FnMut(u32, Option<Value>),
) {
    for p in &plan.preload {
        let node = graph.node(p.node);
        let value = match (p.origin, &node.kind) {
            (Origin::Config, NodeKind::Config(entry)) => Some(entry.value.clone()),
            (Origin::Input, _) => inputs.entries.remove(node.name.as_ref()).map(|e| e.value),
            (Origin::Override, _) => overrides.entries.remove(node.name.as_ref()).map(|e| e.value),
            (Origin::Config, _) => None,
        };
        fill(p.slot, value);
    }
}

/// The requested outputs, in request order, read through `value_of(slot)`.
pub(crate) fn outputs(
    graph: &Graph,
    plan: &Plan,
    mut value_of: impl FnMut(u32) -> Option<Value>,
) -> Outputs {
    let mut outputs = Outputs::with_capacity(plan.outputs.len());
    for &(slot, node) in &plan.outputs {
        let graph_node = graph.node(node);
        // A value requested twice is stored once; later copies share it.
        if let Some(value) = value_of(slot) {
            if let Some(failed) = crate::hooks::failed_node(&value) {
                outputs.push_skipped(graph_node.name.to_string(), failed.to_string());
                continue;
            }
            outputs.push(graph_node.name.to_string(), value, graph_node.ty);
        }
    }
    outputs
}
