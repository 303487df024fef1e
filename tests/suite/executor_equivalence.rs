//! Property: every executor computes the same results from the same random graph and request.
//!
//! A case is a random DAG of up to a few hundred nodes made at run time (`NodeSpec::dynamic`),
//! with random fan-in (earlier nodes and external inputs, each taken by reference, by value, as
//! an `Arc` or as an `Option`), random overrides and random requested outputs. Some nodes fail
//! on some values. The reference is the case evaluated directly (values, or the failure's
//! code); the sequential, parallel and async executors (for the latter, each node is made async
//! or not at random) must all agree with it.

use std::sync::LazyLock;

use hamilton_core::prelude::*;
use hamilton_core::{Args, Executor, NodeError, NodeSpec, ParamKind, ParamSpec, TypeSpec, Value};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};

/// External inputs every graph may read; `maybe` is provided only in some cases.
const EXTERNALS: [&str; 3] = ["x0", "x1", "maybe"];

/// One dependency of a generated node.
#[derive(Clone, Debug)]
struct Dep {
    /// `Some(j)`: node `j` (an earlier one); `None`: an external input.
    node: Option<usize>,
    external: usize,
    kind: ParamKind,
}

/// One generated node.
#[derive(Clone, Debug)]
struct Planned {
    deps: Vec<Dep>,
    /// Made async under the async executor.
    is_async: bool,
    /// Fails (returns `Err`) when its value is divisible by this; 0: never.
    fails_on: u64,
}

#[derive(Clone, Debug)]
struct Case {
    nodes: Vec<Planned>,
    overrides: Vec<(usize, u64)>,
    outputs: Vec<usize>,
    maybe_provided: bool,
}

fn name(i: usize) -> String {
    format!("n{i}")
}

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// The node's function: a hash of its index and its arguments, read the way its kinds say.
fn compute(i: usize, node: &Planned, args: &mut Args<'_>) -> Result<u64, NodeError> {
    let mut h = mix(i as u64 + 1);
    for (k, dep) in node.deps.iter().enumerate() {
        let v = match dep.kind {
            ParamKind::Ref => *args.get::<u64>(k)?,
            ParamKind::Owned => args.owned::<u64>(k)?,
            ParamKind::Arc => *args.arc::<u64>(k)?,
            ParamKind::OptionRef => args.get_opt::<u64>(k)?.copied().unwrap_or(7),
            ParamKind::OptionOwned => args.owned_opt::<u64>(k)?.unwrap_or(11),
            ParamKind::OptionArc => args.arc_opt::<u64>(k)?.map_or(13, |a| *a),
            // The random graphs have no map/collect blocks (tests/suite/map_collect.rs has those).
            other => unreachable!("no {other:?} parameter in these graphs"),
        };
        h = mix(h ^ v.wrapping_add(k as u64));
    }
    if node.fails_on != 0 && h.is_multiple_of(node.fails_on) {
        return Err(NodeError::Failed(format!("n{i} refuses {h}").into()));
    }
    Ok(h)
}

fn spec(i: usize, node: &Planned, allow_async: bool) -> NodeSpec {
    let params = node
        .deps
        .iter()
        .map(|d| {
            let dep_name = match d.node {
                Some(j) => name(j),
                None => EXTERNALS[d.external].to_string(),
            };
            ParamSpec::new(dep_name, TypeSpec::of::<u64>(""), d.kind)
        })
        .collect();
    let node = node.clone();
    if allow_async && node.is_async {
        NodeSpec::dynamic_async(name(i), params, TypeSpec::of::<u64>(""), move |args| {
            // The arguments are read now; the future owns the result of reading them.
            let value = compute(i, &node, args);
            Box::pin(async move {
                tokio::task::yield_now().await;
                value.map(Value::new)
            })
        })
    } else {
        NodeSpec::dynamic(name(i), params, TypeSpec::of::<u64>(""), move |args| {
            compute(i, &node, args).map(Value::new)
        })
    }
}

fn driver(case: &Case, executor: Executor) -> Driver {
    let allow_async = executor == Executor::Async;
    let mut builder = Driver::builder().with_executor(executor);
    for (i, node) in case.nodes.iter().enumerate() {
        builder = builder.with_node(spec(i, node, allow_async));
    }
    builder.build().expect("a generated graph is valid")
}

/// What a run gives: each requested value, or the failure's codes.
#[derive(Debug, PartialEq)]
enum Outcome {
    Values(Vec<(String, u64)>),
    Failed(Vec<&'static str>),
}

fn outcome(result: Result<Outputs, Error>) -> Outcome {
    match result {
        Ok(out) => Outcome::Values(
            out.names().map(|n| (n.to_string(), *out.get::<u64>(n).unwrap())).collect(),
        ),
        Err(e) => Outcome::Failed(e.codes()),
    }
}

fn request(case: &Case) -> (Vec<String>, Inputs, Overrides) {
    let outputs: Vec<String> = case.outputs.iter().map(|&o| name(o)).collect();
    let mut inputs = Inputs::new().with("x0", 3_u64).with("x1", 5_u64);
    if case.maybe_provided {
        inputs = inputs.with("maybe", 17_u64);
    }
    let mut overrides = Overrides::new();
    for &(node, value) in &case.overrides {
        overrides = overrides.with(name(node), value);
    }
    (outputs, inputs, overrides)
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
});

fn kind() -> impl Strategy<Value = ParamKind> {
    prop_oneof![
        Just(ParamKind::Ref),
        Just(ParamKind::Owned),
        Just(ParamKind::Arc),
        Just(ParamKind::OptionRef),
        Just(ParamKind::OptionOwned),
        Just(ParamKind::OptionArc),
    ]
}

/// A dependency as drawn: which earlier node (any number, reduced modulo the node's index),
/// whether it is an external input instead, which one, and the parameter kind.
type RawDep = (u16, bool, usize, ParamKind);

/// Raw choices, fixed up against the node's index in [`case`]: dependencies, async or not, and
/// the divisor the node fails on (mostly 0: never).
fn planned() -> impl Strategy<Value = (Vec<RawDep>, bool, u64)> {
    let dep = (any::<u16>(), prop::bool::weighted(0.1), 0..EXTERNALS.len(), kind());
    (prop::collection::vec(dep, 0..5), any::<bool>(), prop_oneof![8 => Just(0_u64), 1 => 2_u64..40])
}

fn case() -> impl Strategy<Value = Case> {
    // Mostly small graphs, with a tail up to 300 nodes.
    let size = prop_oneof![4 => 1_usize..40, 1 => 40_usize..300];
    size.prop_flat_map(|n| {
        (
            prop::collection::vec(planned(), n),
            prop::collection::vec((any::<u16>(), any::<u64>()), 0..4),
            prop::collection::vec(any::<u16>(), 1..6),
            any::<bool>(),
        )
    })
    .prop_map(|(raw, overrides, outputs, maybe_provided)| {
        let n = raw.len();
        let nodes = raw
            .into_iter()
            .enumerate()
            .map(|(i, (deps, is_async, fails_on))| {
                let mut seen = std::collections::HashSet::new();
                let deps = deps
                    .into_iter()
                    .filter_map(|(pick, external, which, kind)| {
                        let node = (i > 0 && !external).then(|| pick as usize % i);
                        // `maybe` may be absent: only optional parameters read it.
                        let kind = match (node, which) {
                            (None, 2) if !kind.is_option() => ParamKind::OptionRef,
                            _ => kind,
                        };
                        let key = node.map_or(usize::MAX - which, |j| j);
                        seen.insert(key).then_some(Dep { node, external: which, kind })
                    })
                    .collect();
                Planned { deps, is_async, fails_on }
            })
            .collect();
        let mut overridden = std::collections::HashSet::new();
        let overrides = overrides
            .into_iter()
            .map(|(o, v)| (o as usize % n, v))
            .filter(|(o, _)| overridden.insert(*o))
            .collect();
        let outputs = outputs.into_iter().map(|o| o as usize % n).collect();
        Case { nodes, overrides, outputs, maybe_provided }
    })
}

/// The reference: the case evaluated directly, without any driver. Only the nodes the outputs
/// need run (an override cuts its upstream off); any failing one fails the request.
fn model(case: &Case) -> Outcome {
    let overridden: std::collections::HashMap<usize, u64> =
        case.overrides.iter().copied().collect();
    let mut needed = vec![false; case.nodes.len()];
    let mut stack = case.outputs.clone();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut needed[i], true) || overridden.contains_key(&i) {
            continue;
        }
        stack.extend(case.nodes[i].deps.iter().filter_map(|d| d.node));
    }
    let externals = [Some(3_u64), Some(5), case.maybe_provided.then_some(17)];
    let mut values: Vec<Option<u64>> = vec![None; case.nodes.len()];
    for (i, node) in case.nodes.iter().enumerate() {
        if !needed[i] {
            continue;
        }
        if let Some(&v) = overridden.get(&i) {
            values[i] = Some(v);
            continue;
        }
        let mut h = mix(i as u64 + 1);
        for (k, dep) in node.deps.iter().enumerate() {
            let given = match dep.node {
                Some(j) => values[j],
                None => externals[dep.external],
            };
            let v = match (given, dep.kind) {
                (Some(v), _) => v,
                (None, ParamKind::OptionRef) => 7,
                (None, ParamKind::OptionOwned) => 11,
                (None, ParamKind::OptionArc) => 13,
                (None, kind) => unreachable!("a required {kind:?} parameter without a value"),
            };
            h = mix(h ^ v.wrapping_add(k as u64));
        }
        if node.fails_on != 0 && h.is_multiple_of(node.fails_on) {
            return Outcome::Failed(vec!["H013"]);
        }
        values[i] = Some(h);
    }
    Outcome::Values(case.outputs.iter().map(|&o| (name(o), values[o].unwrap())).collect())
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let (outputs, inputs, overrides) = request(case);
    let expected = model(case);
    let sequential = driver(case, Executor::Sequential);
    let run = sequential.execute_with(&outputs, inputs.clone(), overrides.clone());
    prop_assert_eq!(&outcome(run), &expected, "sequential executor");

    let parallel = driver(case, Executor::Parallel { threads: 3 });
    let run = parallel.execute_with(&outputs, inputs.clone(), overrides.clone());
    prop_assert_eq!(&outcome(run), &expected, "parallel executor");

    let asynchronous = driver(case, Executor::Async);
    let run = asynchronous.execute_with_async(&outputs, inputs, overrides);
    prop_assert_eq!(&outcome(RUNTIME.block_on(run)), &expected, "async executor");
    Ok(())
}

#[test]
fn every_executor_gives_the_same_results_on_random_graphs() {
    let cases = std::env::var("HAMILTON_PROPTEST_CASES").ok().and_then(|c| c.parse().ok());
    let config = ProptestConfig {
        cases: cases.unwrap_or(3000),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    runner.run(&case(), |case| check(&case)).unwrap();
}
