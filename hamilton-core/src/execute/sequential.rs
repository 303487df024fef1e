//! The sequential executor: one loop over the plan's steps, no recursion, no name lookups.

use super::args::{Args, Value};
use super::node::{self, NodeCall, RunId};
use super::plan::Plan;
use super::{outputs, preload};
use crate::error::Error;
use crate::graph::Graph;
use crate::outputs::Outputs;
use crate::values::Inputs;

/// Runs `plan`: fills the preloaded slots, calls each step, drops values after their last use.
///
/// Inputs and overrides must already have been type-checked against the plan.
pub(crate) fn run(
    graph: &Graph,
    plan: &Plan,
    inputs: Inputs,
    overrides: Inputs,
) -> Result<Outputs, Error> {
    let run = RunId::next();
    let mut slots: Vec<Option<Value>> = vec![None; plan.slots];
    preload(graph, plan, inputs, overrides, |slot, value| slots[slot as usize] = value);

    for step in &plan.steps {
        // The arguments are read in place from the plan's slot vector: no gathering.
        let mut args = Args::new(&mut slots, plan.args_of(step));
        let value = node::run(graph, &NodeCall::of(step, run), step, &mut args)?;
        slots[step.out as usize] = Some(value);
        for &dead in plan.release_of(step) {
            slots[dead as usize] = None;
        }
    }

    Ok(outputs(graph, plan, |slot| slots[slot as usize].clone()))
}
