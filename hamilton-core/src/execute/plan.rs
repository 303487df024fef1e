//! The planner: from a request to a flat, indexed plan that executors walk without hashing.
//!
//! A plan depends only on the request's *shape* (outputs, which externals are provided, which
//! nodes are overridden), so the driver computes it once per shape and reuses it.

use super::args::ArgRef;
use super::block::{self as run_block, BlockPlan};
use crate::error::Problem;
use crate::graph::block;
use crate::graph::{Graph, NodeKind};
use crate::registry::{Call, ParamKind};

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
    /// A map/collect block (the step's node is its expand node): run per item by
    /// [`block::run`](super::block::run) instead of `call`.
    pub(crate) block: Option<std::sync::Arc<BlockPlan>>,
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

/// Plans `shape` over `graph`, or returns every problem (unknown outputs, missing inputs). The
/// items of map/collect blocks may use up to `threads` threads.
pub(crate) fn plan(graph: &Graph, shape: &Shape, threads: usize) -> Result<Plan, Vec<Problem>> {
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

    if !graph.blocks.is_empty() {
        block_request_problems(graph, &outputs, &shape.overridden, &mut problems);
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
        // Block nodes have slots of their block's own (see `plan_block`).
        if !needed[i as usize] || graph.blocks.block_of(i) != block::NONE {
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

    let mut steps = Vec::with_capacity(slots as usize - preload.len());
    let mut args = Vec::with_capacity(arg_count);
    // Steps that call no node function of their own (block and pick steps).
    let mut synthetic: Vec<bool> = Vec::with_capacity(steps.capacity());
    // For a node whose per-item values a block gathers: the slot of the gathered list.
    let mut gathered_slot =
        if graph.blocks.is_empty() { Vec::new() } else { vec![ArgRef::ABSENT; n] };
    let schedule = if graph.blocks.is_empty() { &graph.topo } else { &graph.blocks.schedule };
    for &unit in schedule {
        if unit as usize >= n {
            let at = BlockAt { needed: &needed, computes: &computes, slot_of: &slot_of, threads };
            let emitted = plan_block(graph, unit - n as u32, &at, &mut gathered_slot, &mut slots);
            for (step, step_args) in emitted {
                let start = args.len() as u32;
                args.extend(step_args);
                steps.push(Step { args: (start, args.len() as u32), ..step });
                synthetic.push(true);
            }
            continue;
        }
        let i = unit;
        if !computes(i) {
            continue;
        }
        let NodeKind::Function(spec) = &graph.node(i).kind else { continue };
        let start = args.len() as u32;
        for (k, &d) in graph.deps_of(i).iter().enumerate() {
            let slot = if spec.params[k].kind == ParamKind::Collect {
                gathered_slot[d as usize]
            } else {
                slot_of[d as usize]
            };
            args.push(ArgRef { slot, take: false });
        }
        steps.push(Step {
            node: i,
            call: spec.call.clone(),
            declared: spec.call.is_dynamic().then_some(spec.output.id),
            out: slot_of[i as usize],
            args: (start, args.len() as u32),
            release: (0, 0),
            block: None,
        });
        synthetic.push(false);
    }
    let mut is_output = vec![false; slots as usize];
    for &o in &outputs {
        is_output[slot_of[o as usize] as usize] = true;
    }
    let mut last_use = vec![u32::MAX; slots as usize];
    for (s, step) in steps.iter().enumerate() {
        for arg in &args[step.args.0 as usize..step.args.1 as usize] {
            if arg.slot != ArgRef::ABSENT {
                last_use[arg.slot as usize] = s as u32;
            }
        }
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
        step.release = (release_start[s], release_start[s + 1]);
        let NodeKind::Function(spec) = &graph.node(step.node).kind else { continue };
        for (k, arg) in args[step.args.0 as usize..step.args.1 as usize].iter_mut().enumerate() {
            // A block step may move the expand node's value (its items then move too); it
            // only shares the outer values it reads.
            let by_value = if synthetic[s] { k == 0 } else { spec.params[k].kind.is_owned() };
            if arg.slot != ArgRef::ABSENT
                && last_use[arg.slot as usize] == s as u32
                && !is_output[arg.slot as usize]
                && by_value
            {
                arg.take = true;
            }
        }
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

/// H038: block nodes requested as outputs or overridden (they have one value per item).
fn block_request_problems(
    graph: &Graph,
    outputs: &[u32],
    overridden: &[u32],
    problems: &mut Vec<Problem>,
) {
    let roles = outputs.iter().map(|&o| (o, "requested as an output"));
    for (i, role) in roles.chain(overridden.iter().map(|&o| (o, "overridden"))) {
        let b = graph.blocks.block_of(i);
        if b == block::NONE {
            continue;
        }
        let expand = graph.blocks.blocks[b as usize].expand;
        let problem = Problem::BlockNodeInRequest {
            node: graph.node(i).site(),
            expand: graph.node(expand).site(),
            role,
        };
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    }
}

/// What [`plan_block`] reads of the outer plan.
struct BlockAt<'a, C: Fn(u32) -> bool> {
    needed: &'a [bool],
    computes: &'a C,
    slot_of: &'a [u32],
    threads: usize,
}

/// The outer steps of block `b`, each with its arguments: the block step (the expand node's
/// value and the outer values its nodes read, giving the gathered lists), and when it gathers
/// more than one node, one pick step per list. Records the slot of each gathered list in
/// `gathered_slot`; nothing when the request collects nothing from the block.
fn plan_block<C: Fn(u32) -> bool>(
    graph: &Graph,
    b: u32,
    at: &BlockAt<'_, C>,
    gathered_slot: &mut [u32],
    slots: &mut u32,
) -> Vec<(Step, Vec<ArgRef>)> {
    let block = &graph.blocks.blocks[b as usize];
    let e = block.expand;
    let members: Vec<u32> =
        block.members.iter().copied().filter(|&m| at.needed[m as usize]).collect();
    // The nodes whose values a computed node collects: the items, then block nodes in order.
    let mut gathered: Vec<u32> = Vec::new();
    for &x in std::iter::once(&e).chain(&members) {
        let collected = graph.users_of(x).iter().any(|&u| {
            (at.computes)(u)
                && graph
                    .deps_of(u)
                    .iter()
                    .enumerate()
                    .any(|(k, &d)| d == x && graph.is_collect_param(u, k))
        });
        if collected {
            gathered.push(x);
        }
    }
    if gathered.is_empty() {
        return Vec::new();
    }

    // Local slots: 0 the item, then the outer values, then the block nodes.
    let mut local_of: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    local_of.insert(e, 0);
    let mut outer_slots: Vec<u32> = Vec::new();
    let mut outer_local: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for &m in &members {
        for (k, &d) in graph.deps_of(m).iter().enumerate() {
            if d == e || graph.blocks.block_of(d) == b {
                continue;
            }
            let slot = if graph.is_collect_param(m, k) {
                gathered_slot[d as usize]
            } else {
                at.slot_of[d as usize]
            };
            if slot != ArgRef::ABSENT && !outer_local.contains_key(&slot) {
                outer_local.insert(slot, 1 + outer_slots.len() as u32);
                outer_slots.push(slot);
            }
        }
    }
    let first_member = 1 + outer_slots.len() as u32;
    for (j, &m) in members.iter().enumerate() {
        local_of.insert(m, first_member + j as u32);
    }
    let local_slots = first_member as usize + members.len();
    let gathered_local: Vec<u32> = gathered.iter().map(|x| local_of[x]).collect();

    let mut steps: Vec<Step> = Vec::with_capacity(members.len());
    let mut inner_args: Vec<ArgRef> = Vec::new();
    let mut last_use = vec![u32::MAX; local_slots];
    for (s, &m) in members.iter().enumerate() {
        let NodeKind::Function(spec) = &graph.node(m).kind else { continue };
        let start = inner_args.len() as u32;
        for (k, &d) in graph.deps_of(m).iter().enumerate() {
            let slot = match local_of.get(&d) {
                Some(&local) => {
                    last_use[local as usize] = s as u32;
                    local
                }
                None => {
                    let outer = if graph.is_collect_param(m, k) {
                        gathered_slot[d as usize]
                    } else {
                        at.slot_of[d as usize]
                    };
                    outer_local.get(&outer).copied().unwrap_or(ArgRef::ABSENT)
                }
            };
            inner_args.push(ArgRef { slot, take: false });
        }
        steps.push(Step {
            node: m,
            call: spec.call.clone(),
            declared: spec.call.is_dynamic().then_some(spec.output.id),
            out: local_of[&m],
            args: (start, inner_args.len() as u32),
            release: (0, 0),
            block: None,
        });
    }
    // The item and block values die with their last consumer in the block, unless gathered.
    let dies = |slot: u32| {
        (slot == 0 || slot >= first_member)
            && last_use[slot as usize] != u32::MAX
            && !gathered_local.contains(&slot)
    };
    let mut release = Vec::new();
    for (s, step) in steps.iter_mut().enumerate() {
        let from = release.len() as u32;
        release.extend(
            (0..local_slots as u32).filter(|&l| dies(l) && last_use[l as usize] == s as u32),
        );
        step.release = (from, release.len() as u32);
        let m = members[s];
        let Some(spec) = graph.node(m).spec() else { continue };
        let refs = &mut inner_args[step.args.0 as usize..step.args.1 as usize];
        for (k, arg) in refs.iter_mut().enumerate() {
            if arg.slot != ArgRef::ABSENT
                && dies(arg.slot)
                && last_use[arg.slot as usize] == s as u32
                && spec.params[k].kind.is_owned()
            {
                arg.take = true;
            }
        }
    }

    let expand = graph.node(e);
    let Some(expand_spec) = expand.expand().copied() else { return Vec::new() };
    let plan = BlockPlan {
        expand: expand_spec,
        expand_node: e,
        slots: local_slots,
        outer: outer_slots.len(),
        steps,
        args: inner_args,
        release,
        gathered: gathered_local,
        threads: at.threads,
    };
    let mut emitted = Vec::with_capacity(1 + gathered.len());
    let out = *slots;
    *slots += 1;
    let mut block_args = vec![ArgRef { slot: at.slot_of[e as usize], take: false }];
    block_args.extend(outer_slots.iter().map(|&slot| ArgRef { slot, take: false }));
    let step = |call: Call, out: u32, block: Option<std::sync::Arc<BlockPlan>>| Step {
        node: e,
        call,
        declared: None,
        out,
        args: (0, 0),
        release: (0, 0),
        block,
    };
    let block = Some(std::sync::Arc::new(plan));
    emitted.push((step(Call::Fn(run_block::outside_the_seam), out, block), block_args));
    if gathered.len() == 1 {
        gathered_slot[gathered[0] as usize] = out;
    } else {
        for (k, &x) in gathered.iter().enumerate() {
            let list = *slots;
            *slots += 1;
            gathered_slot[x as usize] = list;
            emitted.push((
                step(run_block::pick_call(k), list, None),
                vec![ArgRef { slot: out, take: false }],
            ));
        }
    }
    emitted
}
