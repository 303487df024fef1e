//! [`Builder`] and [`Driver`]: choose modules and config, build and validate the graph once,
//! then execute requests against it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::{Error, Problem, Problems, Site, ValueRole, suggest};
use crate::execute::executor::Executor;
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
    executor: Executor,
}

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
        let graph = match build::build(specs, &self.config, self.later_module_wins) {
            Ok(graph) => {
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
        Ok(Driver {
            graph: Arc::new(graph),
            config: self.config,
            executor: self.executor,
            plans: Mutex::new(HashMap::new()),
        })
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
    config: Config,
    executor: Executor,
    plans: Mutex<HashMap<Shape, Arc<Plan>>>,
}

impl Driver {
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
        self.executor.run(&self.graph, &plan, inputs, overrides)
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
        match self.plan_for(shape) {
            Ok(plan) if problems.is_empty() => Ok(plan),
            Ok(_) => Err(Error::Invalid(Problems(problems))),
            Err(more) => {
                problems.extend(more);
                Err(Error::Invalid(Problems(problems)))
            }
        }
    }

    fn plan_for(&self, shape: Shape) -> Result<Arc<Plan>, Vec<Problem>> {
        let cached = self.plans.lock().unwrap_or_else(PoisonError::into_inner).get(&shape).cloned();
        if let Some(plan) = cached {
            return Ok(plan);
        }
        let plan = Arc::new(plan::plan(&self.graph, &shape)?);
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
        if entry.type_id != node.ty.id {
            problems.push(Problem::WrongValueType {
                name: node.name.to_string(),
                role,
                expected: node.ty.display_name().to_string(),
                got: (entry.type_name)().to_string(),
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

    fn resolve<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<u32>, Error> {
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
