//! Building and validating the graph from selected specs and config.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;
use std::sync::Arc;

use super::{Graph, GraphNode, NameIndex, NodeKind, SpecRef, cycle};
use crate::error::{Consumer, Problem, Problems, Producer};
use crate::quality;
use crate::registry::{ParamSpec, Str, TypeSpec};
use crate::values::Config;

/// Builds the graph of `specs` under `config`, or returns every problem found.
///
/// `specs` come in module-selection order; with `later_module_wins`, a node defined again in a
/// later module replaces the earlier definition instead of being a duplicate.
pub(crate) fn build(
    specs: Vec<SpecRef>,
    config: &Config,
    later_module_wins: bool,
) -> Result<Graph, Problems> {
    let mut problems = Vec::new();
    let mut inactive = Vec::new();
    let mut config_reads = Vec::new();
    let (mut functions, mut index) = resolve_variants(
        specs,
        config,
        later_module_wins,
        (&mut inactive, &mut config_reads),
        &mut problems,
    );
    if functions.iter().any(|s| !s.validators.is_empty()) {
        (functions, index) = expand_validators(functions, config, &mut problems);
    }

    let mut nodes: Vec<GraphNode> = Vec::with_capacity(functions.len() + config.len() + 8);
    index.reserve(config.len() + 8);
    for spec in functions {
        nodes.push(GraphNode {
            name: spec.name.clone(),
            ty: spec.output,
            kind: NodeKind::Function(spec),
        });
    }
    for (key, entry) in &config.entries {
        let name: Str = Cow::Owned(key.clone());
        index.insert(name.clone(), nodes.len() as u32);
        let ty = TypeSpec { id: entry.type_id, name: entry.type_name, spelled: "" };
        nodes.push(GraphNode { name, ty, kind: NodeKind::Config(entry.clone()) });
    }

    let (deps, dep_start, conflicted) = link(&mut nodes, &mut index, &mut problems);
    let (users, user_start) = invert(&deps, &dep_start, nodes.len());
    let mut graph = Graph {
        nodes,
        index,
        deps,
        dep_start,
        users,
        user_start,
        topo: Vec::new(),
        inactive,
        config_reads,
    };
    for external in conflicted {
        problems.push(input_type_conflict(&graph, external));
    }
    match topological_order(&graph) {
        Ok(topo) => graph.topo = topo,
        Err(stuck) => problems.extend(cycle::find_cycles(&graph, &stuck)),
    }
    if problems.is_empty() { Ok(graph) } else { Err(Problems(problems)) }
}

/// Picks the functions that take part under `config`: conditions hold, variants don't collide,
/// defaults fill in where no other variant applies. Config keys replace nodes of the same name.
/// Returns them with the index of each name (its position in the returned vector). Variants whose
/// conditions do not hold go to `inactive`, for the hints of missing-input messages; the config
/// keys that conditions read, and those that replace a node, go to `config_reads`.
fn resolve_variants(
    specs: Vec<SpecRef>,
    config: &Config,
    later_module_wins: bool,
    (inactive, config_reads): (&mut Vec<SpecRef>, &mut Vec<Str>),
    problems: &mut Vec<Problem>,
) -> (Vec<SpecRef>, NameIndex) {
    let mut chosen: Vec<SpecRef> = Vec::with_capacity(specs.len());
    let mut by_name = NameIndex::with_capacity_and_hasher(specs.len(), Default::default());
    let mut defaults: Vec<SpecRef> = Vec::new();
    for spec in specs {
        for c in spec.conditions.iter() {
            if !config_reads.contains(&c.key) {
                config_reads.push(c.key.clone());
            }
        }
        let replaced = !config.is_empty() && config.contains(&spec.name);
        if replaced && !config_reads.contains(&spec.name) {
            config_reads.push(spec.name.clone());
        }
        if spec.default_variant {
            defaults.push(spec);
            continue;
        }
        if replaced {
            continue;
        }
        if !spec.conditions_hold(config) {
            inactive.push(spec);
            continue;
        }
        match by_name.entry(spec.name.clone()) {
            MapEntry::Vacant(v) => {
                v.insert(chosen.len() as u32);
                chosen.push(spec);
            }
            MapEntry::Occupied(o) => {
                let first = &chosen[*o.get() as usize];
                if later_module_wins && first.module != spec.module {
                    chosen[*o.get() as usize] = spec;
                } else if first.conditions.is_empty() && spec.conditions.is_empty() {
                    problems.push(Problem::DuplicateNode {
                        name: spec.name.to_string(),
                        first: first.site(),
                        second: spec.site(),
                    });
                } else {
                    problems.push(Problem::ConflictingVariants {
                        name: spec.name.to_string(),
                        first: (first.site(), describe_conditions(first)),
                        second: (spec.site(), describe_conditions(&spec)),
                    });
                }
            }
        }
    }
    let mut default_of: HashMap<Str, SpecRef> = HashMap::new();
    for spec in defaults {
        if let Some(first) = default_of.get(&spec.name) {
            problems.push(Problem::DuplicateDefault {
                name: spec.name.to_string(),
                first: first.site(),
                second: spec.site(),
            });
            continue;
        }
        default_of.insert(spec.name.clone(), spec.clone());
        if !by_name.contains_key(&spec.name) && !config.contains(&spec.name) {
            by_name.insert(spec.name.clone(), chosen.len() as u32);
            chosen.push(spec);
        }
    }
    (chosen, by_name)
}

/// Replaces every node with validators by its `x_raw`, validator and final `x` nodes (see
/// [`quality`](crate::quality)). A generated name that another node has is an error; one that a
/// config key has is left to the config entry, as for any node.
fn expand_validators(
    functions: Vec<SpecRef>,
    config: &Config,
    problems: &mut Vec<Problem>,
) -> (Vec<SpecRef>, NameIndex) {
    let mut out: Vec<SpecRef> = Vec::with_capacity(functions.len() + 8);
    // For each entry of `out`: the validated node that generated it, if any.
    let mut generated_by: Vec<Option<SpecRef>> = Vec::with_capacity(functions.len() + 8);
    let mut index = NameIndex::with_capacity_and_hasher(functions.len() + 8, Default::default());
    for spec in functions {
        let expanded: Vec<(SpecRef, Option<SpecRef>)> = if spec.validators.is_empty() {
            vec![(spec, None)]
        } else {
            quality::expand(&spec, problems)
                .into_iter()
                .map(|s| (SpecRef::Owned(Arc::new(s)), Some(spec.clone())))
                .collect()
        };
        for (node, origin) in expanded {
            if origin.is_some() && config.contains(&node.name) {
                continue;
            }
            match index.entry(node.name.clone()) {
                MapEntry::Vacant(v) => {
                    v.insert(out.len() as u32);
                    out.push(node);
                    generated_by.push(origin);
                }
                MapEntry::Occupied(o) => {
                    let at = *o.get() as usize;
                    let name = node.name.to_string();
                    problems.push(match (&generated_by[at], &origin) {
                        (Some(validated), _) => Problem::GeneratedNameTaken {
                            name,
                            validated: validated.site(),
                            other: node.site(),
                        },
                        (None, Some(validated)) => Problem::GeneratedNameTaken {
                            name,
                            validated: validated.site(),
                            other: out[at].site(),
                        },
                        (None, None) => Problem::DuplicateNode {
                            name,
                            first: out[at].site(),
                            second: node.site(),
                        },
                    });
                }
            }
        }
    }
    (out, index)
}

fn describe_conditions(spec: &SpecRef) -> String {
    if spec.conditions.is_empty() {
        return "no config condition".to_string();
    }
    spec.conditions.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// Links every parameter to its producer, creating external nodes for unproduced names and
/// checking types. Returns the dependency rows and the externals wanted as different types.
fn link(
    nodes: &mut Vec<GraphNode>,
    index: &mut NameIndex,
    problems: &mut Vec<Problem>,
) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let functions = nodes.len();
    let mut deps = Vec::with_capacity(functions * 2);
    let mut dep_start = Vec::with_capacity(functions + 16);
    let mut conflicted: Vec<u32> = Vec::new();
    for i in 0..functions {
        dep_start.push(deps.len() as u32);
        let Some(spec) = nodes[i].spec().cloned() else { continue };
        for param in spec.params.iter() {
            let producer = match index.get(param.name.as_ref()) {
                Some(&p) => {
                    let node = &nodes[p as usize];
                    if node.ty.id != param.ty.id {
                        if !matches!(node.kind, NodeKind::External) {
                            problems.push(type_mismatch(node, &spec, param));
                        } else if !conflicted.contains(&p) {
                            conflicted.push(p);
                        }
                    }
                    p
                }
                None => {
                    let p = nodes.len() as u32;
                    index.insert(param.name.clone(), p);
                    nodes.push(GraphNode {
                        name: param.name.clone(),
                        ty: param.ty,
                        kind: NodeKind::External,
                    });
                    p
                }
            };
            deps.push(producer);
        }
    }
    // Config and external nodes have no dependencies.
    dep_start.resize(nodes.len() + 1, deps.len() as u32);
    (deps, dep_start, conflicted)
}

fn type_mismatch(producer: &GraphNode, consumer: &SpecRef, param: &ParamSpec) -> Problem {
    let producer_kind = match &producer.kind {
        NodeKind::Function(s) => Producer::Function(s.site()),
        _ => Producer::Config(producer.name.to_string()),
    };
    Problem::TypeMismatch {
        name: param.name.to_string(),
        producer: producer_kind,
        produced: (producer.ty.display_name().to_string(), (producer.ty.name)().to_string()),
        consumer: consumer_of(consumer, param),
    }
}

pub(crate) fn consumer_of(spec: &SpecRef, param: &ParamSpec) -> Consumer {
    Consumer {
        site: spec.site(),
        param_type: if param.spelled.is_empty() { (param.ty.name)() } else { param.spelled }
            .to_string(),
        value_type: (param.ty.name)().to_string(),
    }
}

fn input_type_conflict(graph: &Graph, external: u32) -> Problem {
    let name = graph.node(external).name.as_ref();
    let mut consumers: Vec<Consumer> = graph
        .users_of(external)
        .iter()
        .filter_map(|&u| graph.node(u).spec())
        .flat_map(|spec| {
            spec.params.iter().filter(|p| p.name == name).map(move |p| consumer_of(spec, p))
        })
        .collect();
    consumers.sort_by(|a, b| a.value_type.cmp(&b.value_type).then(a.site.line.cmp(&b.site.line)));
    consumers.dedup();
    Problem::InputTypeConflict { name: name.to_string(), consumers }
}

/// The consumers of every node, as compressed rows (inverse of the dependency rows).
fn invert(deps: &[u32], dep_start: &[u32], n: usize) -> (Vec<u32>, Vec<u32>) {
    let mut user_start = vec![0u32; n + 1];
    for &d in deps {
        user_start[d as usize + 1] += 1;
    }
    for i in 0..n {
        user_start[i + 1] += user_start[i];
    }
    let mut fill = user_start.clone();
    let mut users = vec![0u32; deps.len()];
    for node in 0..n {
        for &d in &deps[dep_start[node] as usize..dep_start[node + 1] as usize] {
            users[fill[d as usize] as usize] = node as u32;
            fill[d as usize] += 1;
        }
    }
    (users, user_start)
}

/// Kahn's algorithm. On a cycle, returns the nodes that could not be ordered.
fn topological_order(graph: &Graph) -> Result<Vec<u32>, Vec<u32>> {
    let n = graph.nodes.len();
    let mut pending: Vec<u32> =
        (0..n).map(|i| graph.dep_start[i + 1] - graph.dep_start[i]).collect();
    let mut order: Vec<u32> = (0..n as u32).filter(|&i| pending[i as usize] == 0).collect();
    order.reserve(n - order.len());
    let mut head = 0;
    while head < order.len() {
        let node = order[head];
        head += 1;
        for &u in graph.users_of(node) {
            pending[u as usize] -= 1;
            if pending[u as usize] == 0 {
                order.push(u);
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err((0..n as u32).filter(|&i| pending[i as usize] > 0).collect())
    }
}
