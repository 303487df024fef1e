//! The sequential executor: one loop over the plan's steps, no recursion, no name lookups.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::args::{Args, NodeError, Value};
use super::plan::{Origin, Plan};
use crate::error::{Cause, Error, NodeFailure};
use crate::graph::{Graph, NodeKind};
use crate::outputs::Outputs;
use crate::values::Inputs;

/// Runs `plan`: fills the preloaded slots, calls each step, drops values after their last use.
///
/// Inputs and overrides must already have been type-checked against the plan.
pub(crate) fn run(
    graph: &Graph,
    plan: &Plan,
    mut inputs: Inputs,
    mut overrides: Inputs,
) -> Result<Outputs, Error> {
    let mut slots: Vec<Option<Value>> = vec![None; plan.slots];
    for p in &plan.preload {
        let node = graph.node(p.node);
        let value = match (p.origin, &node.kind) {
            (Origin::Config, NodeKind::Config(entry)) => Some(entry.value.clone()),
            (Origin::Input, _) => inputs.entries.remove(node.name.as_ref()).map(|e| e.value),
            (Origin::Override, _) => overrides.entries.remove(node.name.as_ref()).map(|e| e.value),
            (Origin::Config, _) => None,
        };
        slots[p.slot as usize] = value;
    }

    for step in &plan.steps {
        let mut args = Args::new(&mut slots, plan.args_of(step));
        let result = catch_unwind(AssertUnwindSafe(|| step.call.invoke(&mut args)));
        match result {
            Ok(Ok(value)) => {
                if step.declared.is_some_and(|id| id != value.type_id_of_value()) {
                    let declared = (graph.node(step.node).ty.name)();
                    let cause = format!("returned a value that is not its declared {declared}");
                    return Err(failure(graph, step.node, Cause::Returned(cause.into())));
                }
                slots[step.out as usize] = Some(value);
            }
            Ok(Err(NodeError::Item(failure))) => return Err(Error::NodeFailed(failure)),
            Ok(Err(e)) => return Err(failure(graph, step.node, cause_of(e))),
            Err(payload) => {
                return Err(failure(graph, step.node, Cause::Panicked(panic_message(&*payload))));
            }
        }
        for &dead in plan.release_of(step) {
            slots[dead as usize] = None;
        }
    }

    let mut outputs = Outputs::with_capacity(plan.outputs.len());
    for &(slot, node) in &plan.outputs {
        let graph_node = graph.node(node);
        // A value requested twice is stored once; later copies share it.
        let value = slots[slot as usize].clone();
        if let Some(value) = value {
            outputs.push(graph_node.name.to_string(), value, graph_node.ty);
        }
    }
    Ok(outputs)
}

fn cause_of(e: NodeError) -> Cause {
    match e {
        NodeError::Failed(e) => Cause::Returned(e),
        NodeError::Validation(failed) => Cause::Validation(failed),
        other => Cause::Returned(other.to_string().into()),
    }
}

pub(crate) fn failure(graph: &Graph, node: u32, cause: Cause) -> Error {
    Error::NodeFailed(Box::new(NodeFailure { site: graph.node(node).site(), cause, item: None }))
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
