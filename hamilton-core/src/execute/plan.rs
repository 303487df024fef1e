//! The planner: from a request to a flat, indexed plan that executors walk without hashing.
//!
//! A plan depends only on the request's *shape* (outputs, which externals are provided, which
//! nodes are overridden), so the driver computes it once per shape and reuses it.

use super::args::ArgRef;
use crate::error::Problem;
use crate::graph::{Graph, NodeKind};
use crate::registry::Call;

/// What a request asks for, in graph terms. Equal shapes share one plan.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    /// Requested output names, in request order.
    pub(crate) outputs: Vec<String>,
    /// External nodes with a value in inputs, sorted.
    pub(crate) provided: Vec<u32>,
    /// Nodes with a value in overrides, sorted.
    pub(crate) overridden: Vec<u32>,
}

/// Where a slot's value comes from before the first step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    Config,
    Input,
    Override,
}

/// A slot filled before the run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Preload {
    pub(crate) slot: u32,
    pub(crate) node: u32,
    pub(crate) origin: Origin,
}

/// One node call.
pub(crate) struct Step {
    pub(crate) node: u32,
    pub(crate) call: Call,
    /// For nodes made at run time: the declared output type, checked after each call (the
    /// compiler checks generated nodes).
    pub(crate) declared: Option<std::any::TypeId>,
    pub(crate) out: u32,
    /// Range into [`Plan::args`].
    pub(crate) args: (u32, u32),
    /// Range into [`Plan::release`]: slots to drop once this step has run.
    pub(crate) release: (u32, u32),
}

/// A flat, indexed plan for one request shape.
pub(crate) struct Plan {
    pub(crate) slots: usize,
    pub(crate) preload: Vec<Preload>,
    pub(crate) steps: Vec<Step>,
    pub(crate) args: Vec<ArgRef>,
    pub(crate) release: Vec<u32>,
    /// (slot, node) of each requested output, in request order.
    pub(crate) outputs: Vec<(u32, u32)>,
    /// The parallel executor's view of the steps' dependencies, made on its first run.
    pub(crate) schedule: std::sync::OnceLock<super::parallel::Schedule>,
}

impl Plan {
    #[inline]
    pub(crate) fn args_of(&self, step: &Step) -> &[ArgRef] {
        &self.args[step.args.0 as usize..step.args.1 as usize]
    }

    #[inline]
    pub(crate) fn release_of(&self, step: &Step) -> &[u32] {
        &self.release[step.release.0 as usize..step.release.1 as usize]
    }
}

/// Plans `shape` over `graph`, or returns every problem (unknown outputs, missing inputs).
pub(crate) fn plan(graph: &Graph, shape: &Shape) -> Result<Plan, Vec<Problem>> {
    let n = graph.nodes.len();
    let mut problems = Vec::new();
    let mut outputs = Vec::with_capacity(shape.outputs.len());
    for name in &shape.outputs {
        match graph.lookup(name) {
            Some(i) => outputs.push(i),
            None => problems.push(Problem::UnknownNode {
                name: name.clone(),
                role: "requested output",
                suggestion: crate::error::suggest(name, graph.names()),
            }),
        }
    }

    let mut overridden = vec![false; n];
    for &o in &shape.overridden {
        overridden[o as usize] = true;
    }
    let mut provided = vec![false; n];
    for &p in &shape.provided {
        provided[p as usize] = true;
    }

    // Everything the outputs need; overridden nodes cut their upstream off.
    let mut needed = vec![false; n];
    let mut stack = outputs.clone();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut needed[i as usize], true) || overridden[i as usize] {
            continue;
        }
        stack.extend(graph.deps_of(i).iter().filter(|&&d| !needed[d as usize]));
    }
    let computes = |i: u32| {
        needed[i as usize]
            && !overridden[i as usize]
            && matches!(graph.node(i).kind, NodeKind::Function(_))
    };

    // Slots: one per needed node that holds a value (absent optional inputs hold none).
    let mut slot_of = vec![ArgRef::ABSENT; n];
    let mut slots = 0u32;
    let mut preload = Vec::new();
    let mut arg_count = 0;
    for &i in &graph.topo {
        if !needed[i as usize] {
            continue;
        }
        let origin = if overridden[i as usize] {
            Some(Origin::Override)
        } else {
            match graph.node(i).kind {
                NodeKind::Function(_) => None,
                NodeKind::Config(_) => Some(Origin::Config),
                NodeKind::External if provided[i as usize] => Some(Origin::Input),
                NodeKind::External => {
                    if let Some(p) = missing_input(graph, i, &outputs, &computes) {
                        problems.push(p);
                    }
                    continue;
                }
            }
        };
        slot_of[i as usize] = slots;
        match origin {
            Some(origin) => preload.push(Preload { slot: slots, node: i, origin }),
            None => arg_count += graph.deps_of(i).len(),
        }
        slots += 1;
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut is_output = vec![false; slots as usize];
    for &o in &outputs {
        is_output[slot_of[o as usize] as usize] = true;
    }
    let mut steps = Vec::with_capacity(slots as usize - preload.len());
    let mut args = Vec::with_capacity(arg_count);
    let mut last_use = vec![u32::MAX; slots as usize];
    for &i in &graph.topo {
        if !computes(i) {
            continue;
        }
        let NodeKind::Function(spec) = &graph.node(i).kind else { continue };
        let start = args.len() as u32;
        for &d in graph.deps_of(i) {
            let slot = slot_of[d as usize];
            if slot != ArgRef::ABSENT {
                last_use[slot as usize] = steps.len() as u32;
            }
            args.push(ArgRef { slot, take: false });
        }
        steps.push(Step {
            node: i,
            call: spec.call.clone(),
            declared: spec.call.is_dynamic().then_some(spec.output.id),
            out: slot_of[i as usize],
            args: (start, args.len() as u32),
            release: (0, 0),
        });
    }

    // A value dies with its last consumer, unless it was requested; a by-value parameter of that
    // last consumer may then move it instead of cloning.
    // Slots grouped by the step after which they die (a counting sort into one flat vector).
    let dies = |slot: usize| last_use[slot] != u32::MAX && !is_output[slot];
    let mut release_start = vec![0u32; steps.len() + 1];
    for slot in (0..slots as usize).filter(|&s| dies(s)) {
        release_start[last_use[slot] as usize + 1] += 1;
    }
    for s in 0..steps.len() {
        release_start[s + 1] += release_start[s];
    }
    let mut release = vec![0u32; release_start[steps.len()] as usize];
    let mut fill = release_start.clone();
    for slot in (0..slots as usize).filter(|&s| dies(s)) {
        let at = &mut fill[last_use[slot] as usize];
        release[*at as usize] = slot as u32;
        *at += 1;
    }
    for (s, step) in steps.iter_mut().enumerate() {
        let NodeKind::Function(spec) = &graph.node(step.node).kind else { continue };
        for (k, arg) in args[step.args.0 as usize..step.args.1 as usize].iter_mut().enumerate() {
            if arg.slot != ArgRef::ABSENT
                && last_use[arg.slot as usize] == s as u32
                && !is_output[arg.slot as usize]
                && spec.params[k].kind.is_owned()
            {
                arg.take = true;
            }
        }
        step.release = (release_start[s], release_start[s + 1]);
    }

    let outputs = outputs.iter().map(|&o| (slot_of[o as usize], o)).collect();
    Ok(Plan {
        slots: slots as usize,
        preload,
        steps,
        args,
        release,
        outputs,
        schedule: std::sync::OnceLock::new(),
    })
}

/// The missing-input problem for external `i`, unless every consumer in the plan takes it as
/// optional and it was not requested itself.
fn missing_input(
    graph: &Graph,
    i: u32,
    outputs: &[u32],
    computes: &impl Fn(u32) -> bool,
) -> Option<Problem> {
    let name = graph.node(i).name.as_ref();
    let mut consumers = Vec::new();
    for &u in graph.users_of(i) {
        if !computes(u) {
            continue;
        }
        let Some(spec) = graph.node(u).spec() else { continue };
        let required = spec.params.iter().any(|p| p.name == name && !p.is_optional());
        if required {
            consumers.push(spec.site());
        }
    }
    if consumers.is_empty() && !outputs.contains(&i) {
        return None;
    }
    consumers.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Some(Problem::MissingInput {
        name: name.to_string(),
        type_name: graph.node(i).ty.display_name().to_string(),
        consumers,
        // The driver adds the did-you-mean and inactive variants: it knows the config.
        hint: Default::default(),
    })
}
