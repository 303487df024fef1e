//! What hooks are told: the node being called, the run starting or ending, the graph built.

use std::time::Duration;

use super::RunId;
use crate::error::Error;
use crate::execute::args::Value;
use crate::execute::node::NodeCall;
use crate::execute::plan::{Origin, Plan};
use crate::graph::{Graph, NodeKind};
use crate::outputs::Outputs;
use crate::registry::Tag;
use crate::values::{Config, Inputs};

/// The node a [`NodeExecutionHook`](super::NodeExecutionHook) is called for. Everything is read
/// from the graph on demand, so an unused field costs nothing.
pub struct NodeContext<'a> {
    pub(crate) graph: &'a Graph,
    pub(crate) call: &'a NodeCall,
    /// Whether the call is an `async fn` awaited by the async executor: `before_node` and
    /// `after_node` may then run on different threads.
    pub(crate) in_future: bool,
}

impl<'a> NodeContext<'a> {
    /// The run this call belongs to.
    pub fn run_id(&self) -> RunId {
        self.call.run
    }

    /// The node's name.
    pub fn name(&self) -> &'a str {
        self.graph.node(self.call.node).name.as_ref()
    }

    /// The module path of the node's function.
    pub fn module(&self) -> &'a str {
        self.graph.node(self.call.node).spec().map_or("", |s| s.module.as_ref())
    }

    /// The node's `#[tag]` entries.
    pub fn tags(&self) -> &'a [Tag] {
        self.graph.node(self.call.node).spec().map_or(&[], |s| &s.tags[..])
    }

    /// Each parameter's name and the type of the value it takes, in declaration order.
    pub fn input_types(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let params = self.graph.node(self.call.node).spec().map_or(&[][..], |s| &s.params[..]);
        params.iter().map(|p| (p.name.as_ref(), p.ty.display_name()))
    }

    /// The type of the node's value, as spelled in the source when known.
    pub fn result_type(&self) -> &'a str {
        self.graph.node(self.call.node).ty.display_name()
    }

    /// The item index when the node runs once per item of a map/collect block.
    pub fn item(&self) -> Option<usize> {
        self.call.item
    }

    /// Whether this is an `async fn` node awaited by the async executor. Its `before_node` and
    /// `after_node` may then run on different threads (thread-local state does not carry over).
    pub fn is_async(&self) -> bool {
        self.in_future
    }

    /// `file:line` of the node's function (empty for nodes without a source location).
    pub fn location(&self) -> String {
        let site = self.graph.node(self.call.node).site();
        if site.file.is_empty() { String::new() } else { format!("{}:{}", site.file, site.line) }
    }
}

/// How a node call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NodeStatus {
    /// The function ran and returned a value.
    Ran,
    /// The function failed (returned `Err`, panicked, failed validation), or a hook panicked.
    Failed,
    /// Not called: an argument comes from a node that failed under
    /// [`GracefulErrors`](super::GracefulErrors).
    Skipped,
}

impl NodeStatus {
    /// `ran`, `failed` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Ran => "ran",
            NodeStatus::Failed => "failed",
            NodeStatus::Skipped => "skipped",
        }
    }
}

/// The end of a node call, as `after_node` sees it.
pub struct NodeOutcome<'a> {
    pub(crate) status: NodeStatus,
    pub(crate) duration: Duration,
    pub(crate) error: Option<&'a Error>,
    pub(crate) value: Option<&'a Value>,
}

impl<'a> NodeOutcome<'a> {
    /// Whether the node produced its value.
    pub fn success(&self) -> bool {
        self.status == NodeStatus::Ran
    }

    /// Ran, failed or skipped.
    pub fn status(&self) -> NodeStatus {
        self.status
    }

    /// How long the function took (zero when it was not called).
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// The failure (H013, H014, H020 or H080), when the node failed.
    pub fn error(&self) -> Option<&'a Error> {
        self.error
    }

    /// The node's value, when it ran.
    pub fn value(&self) -> Option<&'a Value> {
        self.value
    }
}

/// Where a node of a run gets its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NodeRole {
    /// Its function runs.
    Computed,
    /// An external input.
    Input,
    /// A config entry.
    Config,
    /// An override replaces it (its function does not run).
    Overridden,
}

/// One node a run involves: computed, or given by inputs, config or overrides.
#[derive(Clone, Debug)]
pub struct PlannedNode<'a> {
    /// The node name.
    pub name: &'a str,
    /// Its value's type.
    pub type_name: &'a str,
    /// Where its value comes from.
    pub role: NodeRole,
    /// The nodes of the run it reads (for computed nodes).
    pub dependencies: Vec<&'a str>,
    /// The module path of its function (empty for inputs and config).
    pub module: &'a str,
}

fn planned<'a>(graph: &'a Graph, plan: &'a Plan) -> Vec<PlannedNode<'a>> {
    let mut in_run = vec![false; graph.nodes.len()];
    let mut nodes = Vec::with_capacity(plan.preload.len() + plan.steps.len());
    let mut push = |i: u32, role: NodeRole, nodes: &mut Vec<PlannedNode<'a>>| {
        in_run[i as usize] = true;
        let node = graph.node(i);
        nodes.push(PlannedNode {
            name: node.name.as_ref(),
            type_name: node.ty.display_name(),
            role,
            dependencies: Vec::new(),
            module: node.spec().map_or("", |s| s.module.as_ref()),
        });
        i
    };
    let mut computed = Vec::with_capacity(plan.steps.len());
    for p in &plan.preload {
        let role = match p.origin {
            Origin::Config => NodeRole::Config,
            Origin::Input => NodeRole::Input,
            Origin::Override => NodeRole::Overridden,
        };
        push(p.node, role, &mut nodes);
    }
    let first_step = nodes.len();
    for step in &plan.steps {
        if matches!(graph.node(step.node).kind, NodeKind::Function(_)) {
            computed.push(push(step.node, NodeRole::Computed, &mut nodes));
        }
    }
    for (k, &i) in computed.iter().enumerate() {
        nodes[first_step + k].dependencies = graph
            .deps_of(i)
            .iter()
            .filter(|&&d| in_run[d as usize])
            .map(|&d| graph.node(d).name.as_ref())
            .collect();
    }
    nodes
}

/// The start of a run, as `before_graph` sees it.
pub struct GraphStart<'a> {
    pub(crate) run: RunId,
    pub(crate) graph: &'a Graph,
    pub(crate) plan: &'a Plan,
    pub(crate) outputs: &'a [&'a str],
    pub(crate) inputs: &'a Inputs,
    pub(crate) overrides: &'a Inputs,
}

impl<'a> GraphStart<'a> {
    /// The run's id (also in every [`NodeContext`] of this run).
    pub fn run_id(&self) -> RunId {
        self.run
    }

    /// The requested outputs, in request order.
    pub fn outputs(&self) -> &'a [&'a str] {
        self.outputs
    }

    /// Each input's name and the type of its value, sorted by name.
    pub fn inputs(&self) -> Vec<(&'a str, &'static str)> {
        sorted_types(self.inputs)
    }

    /// Each override's name and the type of its value, sorted by name.
    pub fn overrides(&self) -> Vec<(&'a str, &'static str)> {
        sorted_types(self.overrides)
    }

    /// The nodes the run involves: given values first, then the computed nodes in the order the
    /// plan runs them.
    pub fn nodes(&self) -> Vec<PlannedNode<'a>> {
        planned(self.graph, self.plan)
    }

    /// How many node calls the run makes outside map/collect blocks.
    pub fn steps(&self) -> usize {
        self.plan.steps.len()
    }
}

fn sorted_types(values: &Inputs) -> Vec<(&str, &'static str)> {
    let mut v: Vec<_> = values.entries.iter().map(|(k, e)| (k.as_str(), (e.type_name)())).collect();
    v.sort_unstable();
    v
}

/// The end of a run, as `after_graph` sees it.
pub struct GraphEnd<'a> {
    pub(crate) run: RunId,
    pub(crate) duration: Duration,
    pub(crate) result: Result<&'a Outputs, &'a Error>,
}

impl<'a> GraphEnd<'a> {
    /// The run's id.
    pub fn run_id(&self) -> RunId {
        self.run
    }

    /// Whether the run produced its outputs.
    pub fn success(&self) -> bool {
        self.result.is_ok()
    }

    /// The error that stopped the run.
    pub fn error(&self) -> Option<&'a Error> {
        self.result.err()
    }

    /// The outputs, when the run succeeded.
    pub fn outputs(&self) -> Option<&'a Outputs> {
        self.result.ok()
    }

    /// The run's wall-clock time.
    pub fn duration(&self) -> Duration {
        self.duration
    }
}

/// The built graph, as `after_graph_built` sees it.
pub struct GraphBuilt<'a> {
    pub(crate) graph: &'a Graph,
    pub(crate) config: &'a Config,
}

impl<'a> GraphBuilt<'a> {
    /// Every node's name, sorted.
    pub fn nodes(&self) -> Vec<&'a str> {
        let mut names: Vec<&str> = self.graph.names().collect();
        names.sort_unstable();
        names
    }

    /// The config the graph was built with.
    pub fn config(&self) -> &'a Config {
        self.config
    }
}
