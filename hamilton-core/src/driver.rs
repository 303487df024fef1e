//! [`Builder`] and [`Driver`]: choose modules and config, build and validate the graph once,
//! then execute requests against it.

pub(crate) mod wiring;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::{Error, Problem, Problems, Site, ValueRole, short_type_name, suggest};
use crate::execute::executor::Executor;
use crate::execute::node::RunId;
use crate::execute::plan::{self, Plan, Shape};
use crate::graph::lineage::{Direction, TagFilter, Variable};
use crate::graph::{Graph, NodeKind, SpecRef, build};
use crate::outputs::Outputs;
use crate::registry::{self, ModuleRef, NodeSpec};
use crate::values::{Config, Inputs, Overrides};

/// How many request shapes a driver keeps plans for before it starts afresh.
const PLAN_CACHE_LIMIT: usize = 1024;

enum Selection {
    Module(ModuleRef),
    Path(String),
}

/// Collects modules, config and hand-made nodes, then [`build`](Builder::build)s a [`Driver`].
///
/// ```
/// use hamilton_core::prelude::*;
///
/// /// The input, doubled.
/// #[node]
/// fn doubled(x: i64) -> i64 { x * 2 }
/// hamilton_core::module!();
///
/// let dr = Driver::builder()
///     .with_modules([MODULE])
///     .with_config(Config::new().with("env", "dev"))
///     .build()
///     .unwrap();
/// assert_eq!(dr.list_available_variables(&TagFilter::new()).len(), 3); // doubled, x, env
/// ```
#[derive(Default)]
pub struct Builder {
    selections: Vec<Selection>,
    config: Config,
    nodes: Vec<NodeSpec>,
    later_module_wins: bool,
    /// Strict mode's declared inputs ([`Builder::with_inputs`]).
    declared: Option<Vec<wiring::Declared>>,
    executor: Executor,
    /// Loaders and savers made nodes of the graph (see `io`).
    pub(crate) materializers: Vec<crate::io::Materializer>,
    /// Lifecycle adapters, in installation order (see `hooks`).
    pub(crate) adapters: Vec<Arc<dyn crate::hooks::Adapter>>,
}

pub use wiring::ExternalInput;

impl Builder {
    /// Selects the nodes of these modules and their submodules (handles made by
    /// [`module!`](crate::module)). May be called more than once.
    pub fn with_modules(mut self, modules: impl IntoIterator<Item = ModuleRef>) -> Self {
        self.selections.extend(modules.into_iter().map(Selection::Module));
        self
    }

    /// Selects a module by its path (e.g. from a command line). Prefer
    /// [`with_modules`](Builder::with_modules), which the compiler checks; a path that holds no
    /// node is reported by [`build`](Builder::build) with a did-you-mean.
    pub fn with_module_path(mut self, path: impl Into<String>) -> Self {
        self.selections.push(Selection::Path(path.into()));
        self
    }

    /// Merges config entries (later calls win on equal keys).
    pub fn with_config(mut self, config: Config) -> Self {
        self.config.merge(config);
        self
    }

    /// Adds a node made at run time (see [`NodeSpec::dynamic`]).
    pub fn with_node(mut self, spec: NodeSpec) -> Self {
        self.nodes.push(spec);
        self
    }

    /// Lets a node defined again in a later module replace the earlier definition, instead of
    /// being a duplicate-node error.
    pub fn allow_module_overrides(mut self) -> Self {
        self.later_module_wins = true;
        self
    }

    /// Chooses how requests run (default: [`Executor::Sequential`]). See [`Executor`].
    pub fn with_executor(mut self, executor: Executor) -> Self {
        self.executor = executor;
        self
    }

    /// Resolves config variants, links and checks the graph. Every problem is reported at once.
    pub fn build(self) -> Result<Driver, Error> {
        let mut problems = Vec::new();
        if self.selections.is_empty() && self.nodes.is_empty() {
            problems.push(Problem::NothingSelected);
        }
        if self.executor == (Executor::Parallel { threads: 0 }) {
            problems.push(Problem::NoExecutorThreads);
        }
        let mut specs: Vec<SpecRef> = Vec::new();
        for selection in &self.selections {
            let before = specs.len();
            let path = match selection {
                Selection::Module(m) => m.path(),
                Selection::Path(p) => p.as_str(),
            };
            specs.extend(registry::in_module(path).map(SpecRef::Static));
            if specs.len() == before {
                problems.push(match selection {
                    Selection::Module(m) => {
                        Problem::EmptyModule { path: m.path().to_string(), location: m.location() }
                    }
                    Selection::Path(p) => Problem::UnknownModule {
                        path: p.clone(),
                        suggestion: suggest(p, registry::known_modules()),
                    },
                });
            }
        }
        if self.selections.len() > 1 {
            // Overlapping selections (a module and its submodule) select some specs twice.
            let mut seen = std::collections::HashSet::with_capacity(specs.len());
            specs.retain(|s| seen.insert(s.addr()));
        }
        specs.extend(self.nodes.into_iter().map(|s| SpecRef::Owned(Arc::new(s))));
        // Async nodes need an executor that awaits them (H040): checked on the graph's nodes,
        // or on the nodes the config selects when the graph has problems of its own.
        let async_nodes: Vec<SpecRef> =
            specs.iter().filter(|s| s.call.is_async()).cloned().collect();
        // The driver keeps the specs: `materialize` builds graphs with more nodes from them.
        let mut kept = specs.clone();
        let mut built = build::build(specs, &self.config, self.later_module_wins);
        if let Ok(base) = &built {
            let (config, later) = (&self.config, self.later_module_wins);
            // Loaders and savers (with_materializers, #[load_from], #[save_to]) add nodes.
            if let Some(extended) =
                crate::io::extend(base, &kept, config, later, &self.materializers, true)
            {
                built = extended.map(|(graph, specs)| {
                    kept = specs;
                    graph
                });
            }
        }
        let hooks = crate::hooks::Hooks::new(self.adapters, &mut problems);
        let graph = match built {
            Ok(mut graph) => {
                graph.hooks = hooks;
                wiring::check(&graph, &self.config, self.declared.as_deref(), &mut problems);
                let nodes = (0..graph.nodes.len() as u32).filter_map(|i| graph.node(i).spec());
                problems.extend(async_problems(self.executor, nodes.map(|s| &**s)));
                if !problems.is_empty() {
                    return Err(Error::Invalid(Problems(problems)));
                }
                graph
            }
            Err(more) => {
                problems.extend(more.0);
                let nodes = async_nodes.iter().map(|s| &**s);
                let selected = nodes.filter(|s| s.conditions_hold(&self.config));
                problems.extend(async_problems(self.executor, selected));
                return Err(Error::Invalid(Problems(problems)));
            }
        };
        let built = crate::hooks::GraphBuilt { graph: &graph, config: &self.config };
        graph.hooks.after_graph_built(&built)?;
        Ok(Driver::from_parts(graph, self.config, self.executor, kept, self.later_module_wins))
    }
}

/// H040 for each async node among `nodes`, unless the executor awaits them.
fn async_problems<'a>(
    executor: Executor,
    nodes: impl Iterator<Item = &'a NodeSpec>,
) -> impl Iterator<Item = Problem> {
    let awaits = executor.awaits();
    nodes.filter(move |spec| !awaits && spec.call.is_async()).map(move |spec| {
        Problem::AsyncNodeNeedsAsyncExecutor {
            site: spec.site(),
            executor: format!("Executor::{executor:?}"),
        }
    })
}

/// A built, validated graph that executes requests. `Send + Sync`: share it across threads.
pub struct Driver {
    /// Shared with the tasks of the async executor.
    pub(crate) graph: Arc<Graph>,
    pub(crate) config: Config,
    pub(crate) executor: Executor,
    plans: Mutex<HashMap<Shape, Arc<Plan>>>,
    /// The specs the graph was built from, and how duplicates were resolved.
    pub(crate) specs: Vec<SpecRef>,
    pub(crate) later_module_wins: bool,
}

impl Driver {
    pub(crate) fn from_parts(
        graph: Graph,
        config: Config,
        executor: Executor,
        specs: Vec<SpecRef>,
        later_module_wins: bool,
    ) -> Driver {
        let plans = Mutex::new(HashMap::new());
        Driver { graph: Arc::new(graph), config, executor, plans, specs, later_module_wins }
    }

    /// Starts a [`Builder`].
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The config the graph was built with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The executor that runs this driver's requests.
    pub fn executor(&self) -> Executor {
        self.executor
    }

    /// The validated graph (for the views in `viz`).
    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Computes `outputs` from `inputs`, running only the nodes they need.
    ///
    /// Inputs are checked (presence and type) before any node runs; every problem is reported
    /// at once.
    pub fn execute<S: AsRef<str>>(&self, outputs: &[S], inputs: Inputs) -> Result<Outputs, Error> {
        self.execute_with(outputs, inputs, Overrides::new())
    }

    /// Like [`execute`](Driver::execute), with overrides: values that replace any node, whose
    /// upstream then does not run.
    pub fn execute_with<S: AsRef<str>>(
        &self,
        outputs: &[S],
        inputs: Inputs,
        overrides: Overrides,
    ) -> Result<Outputs, Error> {
        let plan = self.prepare(outputs, &inputs, &overrides)?;
        let run = RunId::next();
        if !self.graph.hooks.on_graph() {
            return self.executor.run(&self.graph, &plan, inputs, overrides, run);
        }
        crate::hooks::run_graph(&self.graph, &plan, outputs, inputs, overrides, run, |i, o| {
            self.executor.run(&self.graph, &plan, i, o, run)
        })
    }

    /// A dry run: reports exactly the problems [`execute_with`](Driver::execute_with) would,
    /// without running any node.
    pub fn validate_execution<S: AsRef<str>>(
        &self,
        outputs: &[S],
        inputs: &Inputs,
        overrides: &Overrides,
    ) -> Result<(), Error> {
        self.prepare(outputs, inputs, overrides).map(|_| ())
    }

    /// Checks a request and returns its plan (cached per request shape).
    pub(crate) fn prepare<S: AsRef<str>>(
        &self,
        outputs: &[S],
        inputs: &Inputs,
        overrides: &Overrides,
    ) -> Result<Arc<Plan>, Error> {
        let mut problems = Vec::new();
        let mut overlap: Vec<String> =
            inputs.names().filter(|n| self.config.contains(n)).map(str::to_string).collect();
        if !overlap.is_empty() {
            overlap.sort();
            problems.push(Problem::ConfigInputOverlap { keys: overlap });
        }
        let mut provided = Vec::with_capacity(inputs.len());
        for name in inputs.names() {
            let Some(i) = self.graph.lookup(name) else { continue };
            match &self.graph.node(i).kind {
                NodeKind::External => {
                    provided.push(i);
                    self.check_value_type(i, inputs, ValueRole::Input, &mut problems);
                }
                NodeKind::Function(spec) => problems.push(Problem::InputNamesComputedNode {
                    name: name.to_string(),
                    site: spec.site(),
                }),
                NodeKind::Config(_) => {}
            }
        }
        let mut overridden = Vec::with_capacity(overrides.len());
        for name in overrides.names() {
            match self.graph.lookup(name) {
                Some(i) => {
                    overridden.push(i);
                    self.check_value_type(i, overrides, ValueRole::Override, &mut problems);
                }
                None => problems.push(Problem::UnknownOverride {
                    name: name.to_string(),
                    suggestion: suggest(name, self.graph.names()),
                }),
            }
        }
        provided.sort_unstable();
        overridden.sort_unstable();
        let shape = Shape {
            outputs: outputs.iter().map(|o| o.as_ref().to_string()).collect(),
            provided,
            overridden,
        };
        if problems.iter().any(|p| matches!(p, Problem::WrongValueType { .. })) {
            self.name_consumers_in_request(&shape, &mut problems);
        }
        match self.plan_for(shape) {
            Ok(plan) if problems.is_empty() => Ok(plan),
            Ok(_) => Err(Error::Invalid(Problems(problems))),
            Err(more) => {
                for mut problem in more {
                    if let Problem::MissingInput { name, hint, .. } = &mut problem {
                        *hint = wiring::input_hint(&self.graph, &self.config, name);
                    }
                    problems.push(problem);
                }
                Err(Error::Invalid(Problems(problems)))
            }
        }
    }

    /// Points the "needed by" of each wrong-type input or override at a function the request
    /// runs (rather than any consumer in the graph); none when only the request itself asks for
    /// the value.
    fn name_consumers_in_request(&self, shape: &Shape, problems: &mut [Problem]) {
        let graph = &self.graph;
        let mut needed = vec![false; graph.nodes.len()];
        let mut stack: Vec<u32> = shape.outputs.iter().filter_map(|o| graph.lookup(o)).collect();
        let requested = stack.clone();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut needed[i as usize], true)
                || shape.overridden.binary_search(&i).is_ok()
            {
                continue;
            }
            stack.extend(graph.deps_of(i).iter().filter(|&&d| !needed[d as usize]));
        }
        let runs = |u: u32| needed[u as usize] && shape.overridden.binary_search(&u).is_err();
        for problem in problems.iter_mut() {
            let Problem::WrongValueType { name, needed_by, .. } = problem else { continue };
            let Some(i) = graph.lookup(name) else { continue };
            let in_request = graph
                .users_of(i)
                .iter()
                .copied()
                .filter(|&u| runs(u))
                .find_map(|u| graph.node(u).spec().map(|s| s.site()));
            if in_request.is_some() || requested.contains(&i) {
                *needed_by = in_request;
            }
        }
    }

    fn plan_for(&self, shape: Shape) -> Result<Arc<Plan>, Vec<Problem>> {
        let cached = self.plans.lock().unwrap_or_else(PoisonError::into_inner).get(&shape).cloned();
        if let Some(plan) = cached {
            return Ok(plan);
        }
        // The items of a map/collect block are the parallel executor's unit of work too.
        let threads = match self.executor {
            Executor::Parallel { threads } => threads,
            _ => 1,
        };
        let plan = Arc::new(plan::plan(&self.graph, &shape, threads)?);
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        if plans.len() >= PLAN_CACHE_LIMIT {
            plans.clear();
        }
        plans.insert(shape, Arc::clone(&plan));
        Ok(plan)
    }

    /// Checks that the value given for node `i` has the node's type.
    fn check_value_type(
        &self,
        i: u32,
        values: &Inputs,
        role: ValueRole,
        problems: &mut Vec<Problem>,
    ) {
        let node = self.graph.node(i);
        let Some(entry) = values.entries.get(node.name.as_ref()) else { return };
        // An expand node's override may also be the list of its items.
        let list = node.expand().map(|e| e.list.id);
        if entry.type_id != node.ty.id && Some(entry.type_id) != list {
            let list_short = node.expand().map(|e| short_type_name((e.list.name)()));
            let expected = match &list_short {
                Some(l) => format!("{} (or {l})", node.ty.display_name()),
                None => node.ty.display_name().to_string(),
            };
            problems.push(Problem::WrongValueType {
                name: node.name.to_string(),
                role,
                expected,
                got: {
                    // Short (`Vec<f32>`), unless that reads like the expected type.
                    let short = short_type_name((entry.type_name)());
                    if short == node.ty.display_name()
                        || short == short_type_name((node.ty.name)())
                        || list_short.as_ref() == Some(&short)
                    {
                        (entry.type_name)().to_string()
                    } else {
                        short
                    }
                },
                needed_by: self.first_consumer_site(i),
            });
        }
    }

    fn first_consumer_site(&self, node: u32) -> Option<Site> {
        self.graph
            .users_of(node)
            .iter()
            .find_map(|&u| self.graph.node(u).spec().map(|s| s.site()))
            .or_else(|| self.graph.node(node).spec().map(|s| s.site()))
    }

    /// Every node of the graph (functions, config entries, external inputs) that passes
    /// `filter`, sorted by name.
    pub fn list_available_variables(&self, filter: &TagFilter) -> Vec<Variable<'_>> {
        let mut vars: Vec<Variable<'_>> = (0..self.graph.nodes.len() as u32)
            .map(|i| Variable::new(&self.graph, i))
            .filter(|v| filter.matches(v))
            .collect();
        vars.sort_by_key(|v| v.name());
        vars
    }

    /// One node by name.
    pub fn variable(&self, name: &str) -> Option<Variable<'_>> {
        self.graph.lookup(name).map(|i| Variable::new(&self.graph, i))
    }

    /// The named nodes and everything they depend on, sorted by name.
    pub fn what_is_upstream_of<S: AsRef<str>>(
        &self,
        names: &[S],
    ) -> Result<Vec<Variable<'_>>, Error> {
        let roots = self.resolve(names)?;
        Ok(self.collect(&self.graph.reach(&roots, Direction::Upstream)))
    }

    /// The named nodes and everything that depends on them, sorted by name.
    pub fn what_is_downstream_of<S: AsRef<str>>(
        &self,
        names: &[S],
    ) -> Result<Vec<Variable<'_>>, Error> {
        let roots = self.resolve(names)?;
        Ok(self.collect(&self.graph.reach(&roots, Direction::Downstream)))
    }

    /// The nodes on any path from `from` to `to` (both included), sorted by name; empty when no
    /// path exists.
    pub fn what_is_the_path_between(
        &self,
        from: &str,
        to: &str,
    ) -> Result<Vec<Variable<'_>>, Error> {
        let roots = self.resolve(&[from, to])?;
        let down = self.graph.reach(&roots[..1], Direction::Downstream);
        let up = self.graph.reach(&roots[1..], Direction::Upstream);
        if !down[roots[1] as usize] {
            return Ok(Vec::new());
        }
        let both: Vec<bool> = down.iter().zip(&up).map(|(d, u)| *d && *u).collect();
        Ok(self.collect(&both))
    }

    pub(crate) fn resolve<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<u32>, Error> {
        let mut roots = Vec::with_capacity(names.len());
        let mut problems = Vec::new();
        for name in names {
            let name = name.as_ref();
            match self.graph.lookup(name) {
                Some(i) => roots.push(i),
                None => problems.push(Problem::UnknownNode {
                    name: name.to_string(),
                    role: "node",
                    suggestion: suggest(name, self.graph.names()),
                }),
            }
        }
        if problems.is_empty() { Ok(roots) } else { Err(Error::Invalid(Problems(problems))) }
    }

    fn collect(&self, marked: &[bool]) -> Vec<Variable<'_>> {
        let mut vars: Vec<Variable<'_>> = marked
            .iter()
            .enumerate()
            .filter(|(_, m)| **m)
            .map(|(i, _)| Variable::new(&self.graph, i as u32))
            .collect();
        vars.sort_by_key(|v| v.name());
        vars
    }
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("nodes", &self.graph.nodes.len())
            .field("config", &self.config)
            .field("executor", &self.executor)
            .finish()
    }
}
