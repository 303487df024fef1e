//! Lifecycle hooks: code of yours that the driver calls around graph construction, each
//! execution and each node call, under every executor.
//!
//! An adapter is any type that implements [`Adapter`] and one or more of the hook traits
//! ([`GraphConstructionHook`], [`GraphExecutionHook`], [`NodeExecutionHook`]); install it with
//! [`Builder::with_adapter`](crate::Builder::with_adapter) or
//! [`with_adapters`](crate::Builder::with_adapters). Every installed adapter that implements a
//! hook is called, in installation order. Hooks see failures (`success() == false`, with the
//! error), and every adapter whose `before_*` hook was called also gets the matching `after_*`.
//!
//! A hook that panics does not corrupt the run: the panic is caught, the run stops like after a
//! failing node (threads joined, values freed, the driver stays usable) and `execute` returns
//! error H080 naming the adapter, the hook and the node. A panic in a `before_node` hook means
//! the node does not run; in an `after_node` hook, its value is discarded. The other adapters'
//! hooks are still called.
//!
//! With no adapter installed, a node call costs one extra branch (see `docs/benchmarks.md`).
//!
//! Built-in adapters: [`TracingAdapter`] (`tracing` spans per run and node), [`Timings`]
//! (per-node durations, slowest first), [`GracefulErrors`] (a failing node's dependents are
//! skipped instead of stopping the run), `ProgressBar` (feature `progress`) and [`RunReport`]
//! (one self-contained HTML page per run).
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use hamilton_core::prelude::*;
//! use hamilton_core::hooks::{Adapter, NodeExecutionHook, NodeContext, NodeOutcome};
//!
//! /// The input, doubled.
//! #[node]
//! fn doubled(x: i64) -> i64 { x * 2 }
//! hamilton_core::module!();
//!
//! /// Remembers which nodes ran.
//! #[derive(Default)]
//! struct Seen(Mutex<Vec<String>>);
//!
//! impl NodeExecutionHook for Seen {
//!     fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) {
//!         let line = format!("{} ok={}", node.name(), outcome.success());
//!         self.0.lock().unwrap().push(line);
//!     }
//! }
//!
//! impl Adapter for Seen {
//!     fn node_hook(&self) -> Option<&dyn NodeExecutionHook> { Some(self) }
//! }
//!
//! let seen = Arc::new(Seen::default());
//! let dr = Driver::builder().with_modules([MODULE]).with_adapter(seen.clone()).build()?;
//! dr.execute(&["doubled"], Inputs::new().with("x", 2_i64))?;
//! assert_eq!(*seen.0.lock().unwrap(), ["doubled ok=true"]);
//! # Ok::<(), hamilton_core::Error>(())
//! ```

mod context;
mod graceful;
#[cfg(feature = "progress")]
mod progress;
mod report;
mod spans;
mod timings;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::execute::node::RunId;
pub use context::{
    GraphBuilt, GraphEnd, GraphStart, NodeContext, NodeOutcome, NodeRole, NodeStatus, PlannedNode,
};
pub use graceful::{GracefulErrors, SkippedFailure};
pub(crate) use graceful::{failed_node, is_sentinel};
#[cfg(feature = "progress")]
pub use progress::ProgressBar;
pub use report::RunReport;
pub use spans::TracingAdapter;
pub use timings::{NodeTiming, Timings};

use crate::error::{Error, Problem};
use crate::execute::args::{Args, Value};
use crate::execute::node::{NodeCall, panic_message};
use crate::execute::plan::{Plan, Step};
use crate::graph::Graph;
use crate::outputs::Outputs;
use crate::values::Inputs;

/// Hooks around graph construction: called once, after the driver's graph is built and
/// validated.
pub trait GraphConstructionHook: Send + Sync {
    /// The graph was built: its nodes, the config used.
    fn after_graph_built(&self, graph: &GraphBuilt<'_>);
}

/// Hooks around one execution (`execute`, `execute_with`, `execute_async`...).
pub trait GraphExecutionHook: Send + Sync {
    /// Before any node runs: the run id, the requested outputs, the inputs' names and types,
    /// the overrides and the nodes the run will compute.
    fn before_graph(&self, run: &GraphStart<'_>) {
        let _ = run;
    }

    /// After the run, whether it succeeded or not (then with the error).
    fn after_graph(&self, run: &GraphEnd<'_>) {
        let _ = run;
    }
}

/// Hooks around each node call, under every executor and for every item of a map/collect
/// block. They run on the thread that runs the node (under the parallel executor, several at
/// once), so an implementation must be cheap and thread-safe.
pub trait NodeExecutionHook: Send + Sync {
    /// Just before the node's function is called.
    fn before_node(&self, node: &NodeContext<'_>) {
        let _ = node;
    }

    /// Just after: the duration, success or the error, the value when it succeeded.
    fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) {
        let _ = (node, outcome);
    }
}

/// A lifecycle adapter: says which hooks it implements (each defaults to none), so the driver
/// calls only those.
///
/// Implement the hook traits you need, then return `Some(self)` from the matching method here.
pub trait Adapter: Send + Sync + 'static {
    /// The name errors use for this adapter (H080); by default its type name.
    fn name(&self) -> String {
        crate::error::short_type_name(std::any::type_name::<Self>())
    }

    /// This adapter as a graph construction hook.
    fn construction_hook(&self) -> Option<&dyn GraphConstructionHook> {
        None
    }

    /// This adapter as a graph execution hook.
    fn graph_hook(&self) -> Option<&dyn GraphExecutionHook> {
        None
    }

    /// This adapter as a node execution hook.
    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        None
    }

    /// The graceful-error policy, implemented only by [`GracefulErrors`]; at most one installed
    /// adapter may have one (H082).
    #[doc(hidden)]
    fn graceful(&self) -> Option<&GracefulErrors> {
        None
    }
}

/// The adapters of one driver, sorted by the hooks they implement. Held by the graph, so every
/// executor reaches them through the node seam.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    all: Vec<Arc<dyn Adapter>>,
    graph: Vec<usize>,
    node: Vec<usize>,
    graceful: Option<usize>,
    /// Whether node calls go through [`run_node`]: some node hook or a graceful policy.
    pub(crate) active: bool,
}

impl Hooks {
    /// Sorts `adapters` by hook; two graceful-error adapters are problem H082.
    pub(crate) fn new(adapters: Vec<Arc<dyn Adapter>>, problems: &mut Vec<Problem>) -> Self {
        let mut hooks = Hooks::default();
        for (i, a) in adapters.iter().enumerate() {
            if a.graph_hook().is_some() {
                hooks.graph.push(i);
            }
            if a.node_hook().is_some() {
                hooks.node.push(i);
            }
            if a.graceful().is_some() {
                match hooks.graceful {
                    Some(first) => problems.push(Problem::TwoGracefulAdapters {
                        first: adapters[first].name(),
                        second: a.name(),
                    }),
                    None => hooks.graceful = Some(i),
                }
            }
        }
        hooks.active = !hooks.node.is_empty() || hooks.graceful.is_some();
        hooks.all = adapters;
        hooks
    }

    /// Whether any adapter has graph execution hooks.
    #[inline]
    pub(crate) fn on_graph(&self) -> bool {
        !self.graph.is_empty()
    }

    /// The graceful-error policy, if installed.
    pub(crate) fn graceful(&self) -> Option<&GracefulErrors> {
        self.graceful.and_then(|i| self.all[i].graceful())
    }

    /// Calls every construction hook; the first panic is error H080.
    pub(crate) fn after_graph_built(&self, built: &GraphBuilt<'_>) -> Result<(), Error> {
        let mut first = None;
        for a in &self.all {
            if let Some(h) = a.construction_hook() {
                guard(&mut first, &**a, "after_graph_built", None, || h.after_graph_built(built));
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Calls every `before_graph` hook; the first panic is error H080.
    pub(crate) fn before_graph(&self, start: &GraphStart<'_>) -> Result<(), Error> {
        let mut first = None;
        for &i in &self.graph {
            let a = &*self.all[i];
            if let Some(h) = a.graph_hook() {
                guard(&mut first, a, "before_graph", None, || h.before_graph(start));
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Calls every `after_graph` hook; the first panic is error H080.
    pub(crate) fn after_graph(&self, end: &GraphEnd<'_>) -> Result<(), Error> {
        let mut first = None;
        for &i in &self.graph {
            let a = &*self.all[i];
            if let Some(h) = a.graph_hook() {
                guard(&mut first, a, "after_graph", None, || h.after_graph(end));
            }
        }
        first.map_or(Ok(()), Err)
    }

    fn before_node(&self, node: &NodeContext<'_>) -> Option<Error> {
        let mut first = None;
        for &i in &self.node {
            let a = &*self.all[i];
            if let Some(h) = a.node_hook() {
                guard(&mut first, a, "before_node", Some(node), || h.before_node(node));
            }
        }
        first
    }

    fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) -> Option<Error> {
        let mut first = None;
        for &i in &self.node {
            let a = &*self.all[i];
            if let Some(h) = a.node_hook() {
                guard(&mut first, a, "after_node", Some(node), || h.after_node(node, outcome));
            }
        }
        first
    }
}

/// Calls `hook`, turning a panic into error H080 (kept in `first` unless one is already there).
fn guard(
    first: &mut Option<Error>,
    adapter: &dyn Adapter,
    hook: &'static str,
    node: Option<&NodeContext<'_>>,
    call: impl FnOnce(),
) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(call))
        && first.is_none()
    {
        *first = Some(Error::HookPanicked {
            adapter: adapter.name(),
            hook,
            node: node.map(|n| n.name().to_string()),
            item: node.and_then(NodeContext::item),
            message: panic_message(&*payload),
        });
    }
}

/// A node call with hooks: `before_node`, the call (or a skip, when an argument is the value of
/// a node that failed under [`GracefulErrors`]), `after_node`. `invoke` is the plain call.
pub(crate) fn run_node(
    graph: &Graph,
    call: &NodeCall,
    step: &Step,
    args: &mut Args<'_>,
    invoke: fn(&Graph, &NodeCall, &Step, &mut Args<'_>) -> Result<Value, Error>,
) -> Result<Value, Error> {
    match node_started(graph, call, args, false)? {
        Started::Skip(sentinel) => node_finished(graph, call, None, Ok(sentinel), false),
        Started::Run(at) => {
            let result = invoke(graph, call, step, args);
            node_finished(graph, call, Some(at), result, false)
        }
    }
}

/// What a node call does after its `before_node` hooks.
pub(crate) enum Started {
    /// Run the function; it starts now.
    Run(Instant),
    /// Do not run it: an argument stands for a failed node; this is the node's value.
    Skip(Value),
}

/// The first half of a node call with hooks (executors that start a call in one place and
/// finish it in another, such as the async one, call the halves themselves): the graceful
/// skip check and the `before_node` hooks. After a panicking hook, the `after_node` hooks have
/// been called and the error is H080.
pub(crate) fn node_started(
    graph: &Graph,
    call: &NodeCall,
    args: &Args<'_>,
    in_future: bool,
) -> Result<Started, Error> {
    let hooks = &graph.hooks;
    let node = NodeContext { graph, call, in_future };
    let skipped = hooks.graceful().and_then(|_| args.find(graceful::is_sentinel));
    if let Some(error) = hooks.before_node(&node) {
        let outcome = NodeOutcome {
            status: NodeStatus::Failed,
            duration: Duration::ZERO,
            error: Some(&error),
            value: None,
        };
        hooks.after_node(&node, &outcome);
        return Err(error);
    }
    Ok(match skipped {
        Some(sentinel) => Started::Skip(sentinel),
        None => Started::Run(Instant::now()),
    })
}

/// The second half: the `after_node` hooks with the call's `result` (`started` is `None` for a
/// skipped call), then the graceful policy, which may turn a failure into a stand-in value.
pub(crate) fn node_finished(
    graph: &Graph,
    call: &NodeCall,
    started: Option<Instant>,
    result: Result<Value, Error>,
    in_future: bool,
) -> Result<Value, Error> {
    let hooks = &graph.hooks;
    let node = NodeContext { graph, call, in_future };
    let status = match (&result, started) {
        (_, None) => NodeStatus::Skipped,
        (Ok(_), Some(_)) => NodeStatus::Ran,
        (Err(_), Some(_)) => NodeStatus::Failed,
    };
    let outcome = NodeOutcome {
        status,
        duration: started.map_or(Duration::ZERO, |at| at.elapsed()),
        error: result.as_ref().err(),
        value: result.as_ref().ok().filter(|_| status == NodeStatus::Ran),
    };
    if let Some(error) = hooks.after_node(&node, &outcome) {
        return Err(error);
    }
    match (result, hooks.graceful()) {
        (Err(error), Some(policy)) if policy.catches(&error) => {
            Ok(policy.record(call.run, node.name(), call.item, error))
        }
        (result, _) => result,
    }
}

/// An execution with graph hooks: `before_graph`, the run (skipped when a `before_graph` hook
/// panicked), `after_graph`. The run's own error wins over a panic in `after_graph`.
pub(crate) fn run_graph<S: AsRef<str>>(
    graph: &Graph,
    plan: &Plan,
    outputs: &[S],
    inputs: Inputs,
    overrides: Inputs,
    run: RunId,
    execute: impl FnOnce(Inputs, Inputs) -> Result<Outputs, Error>,
) -> Result<Outputs, Error> {
    let started = Instant::now();
    let result = match graph_started(graph, plan, outputs, &inputs, &overrides, run) {
        Ok(()) => execute(inputs, overrides),
        Err(error) => Err(error),
    };
    graph_finished(graph, run, started, result)
}

/// The `before_graph` hooks of run `run` (the first half of [`run_graph`], for executors that
/// cannot take a closure, such as the async one).
pub(crate) fn graph_started<S: AsRef<str>>(
    graph: &Graph,
    plan: &Plan,
    outputs: &[S],
    inputs: &Inputs,
    overrides: &Inputs,
    run: RunId,
) -> Result<(), Error> {
    let names: Vec<&str> = outputs.iter().map(AsRef::as_ref).collect();
    let start = GraphStart { run, graph, plan, outputs: &names, inputs, overrides };
    graph.hooks.before_graph(&start)
}

/// The `after_graph` hooks of run `run` with its `result`; the run's own error wins over a
/// panicking hook.
pub(crate) fn graph_finished(
    graph: &Graph,
    run: RunId,
    started: Instant,
    result: Result<Outputs, Error>,
) -> Result<Outputs, Error> {
    let end = GraphEnd { run, duration: started.elapsed(), result: result.as_ref() };
    match (graph.hooks.after_graph(&end), result) {
        (Err(hook), Ok(_)) => Err(hook),
        (_, result) => result,
    }
}

impl crate::Builder {
    /// Installs one lifecycle adapter (see [`hooks`](crate::hooks)); keep a clone of the `Arc` to
    /// read what it collects. Adapters are called in the order they were installed.
    pub fn with_adapter<A: Adapter>(mut self, adapter: Arc<A>) -> Self {
        self.adapters.push(adapter);
        self
    }

    /// Installs several lifecycle adapters, called in this order after those installed before.
    pub fn with_adapters(mut self, adapters: impl IntoIterator<Item = Arc<dyn Adapter>>) -> Self {
        self.adapters.extend(adapters);
        self
    }
}
