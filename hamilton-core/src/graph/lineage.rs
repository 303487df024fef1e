//! What the graph holds and how its nodes relate: [`Variable`], [`TagFilter`], and the walks
//! behind `what_is_upstream_of`, `what_is_downstream_of` and `what_is_the_path_between`.

use super::{Graph, GraphNode, NodeKind};
use crate::error::Site;
use crate::registry::Tag;

/// What kind of value a [`Variable`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariableKind {
    /// Computed by a node function.
    Function,
    /// A config entry.
    Config,
    /// An external input, provided at run time.
    External,
}

/// One node of a built graph, as the driver's queries report it (Hamilton's `HamiltonNode`).
#[derive(Clone, Copy)]
pub struct Variable<'g> {
    graph: &'g Graph,
    index: u32,
}

impl<'g> Variable<'g> {
    pub(crate) fn new(graph: &'g Graph, index: u32) -> Self {
        Variable { graph, index }
    }

    fn node(&self) -> &'g GraphNode {
        self.graph.node(self.index)
    }

    /// The node name.
    pub fn name(&self) -> &'g str {
        &self.node().name
    }

    /// What kind of node it is.
    pub fn kind(&self) -> VariableKind {
        match self.node().kind {
            NodeKind::Function(_) => VariableKind::Function,
            NodeKind::Config(_) => VariableKind::Config,
            NodeKind::External => VariableKind::External,
        }
    }

    /// Whether the value must come from inputs.
    pub fn is_external_input(&self) -> bool {
        self.kind() == VariableKind::External
    }

    /// The full name of the value's type.
    pub fn type_name(&self) -> &'static str {
        (self.node().ty.name)()
    }

    /// The value's type as spelled in the source (the full name when not written by hand).
    pub fn type_spelled(&self) -> &'static str {
        self.node().ty.display_name()
    }

    /// The doc comment of the function (empty for inputs and config).
    pub fn doc(&self) -> &'g str {
        self.node().spec().map(|s| s.doc.as_ref()).unwrap_or("")
    }

    /// The tags of the function.
    pub fn tags(&self) -> &'g [Tag] {
        self.node().spec().map(|s| s.tags.as_ref()).unwrap_or(&[])
    }

    /// The value of one tag.
    pub fn tag(&self, key: &str) -> Option<&'g str> {
        self.tags().iter().find(|t| t.key == key).map(|t| t.value.as_ref())
    }

    /// Where the function is (`None` for inputs and config).
    pub fn site(&self) -> Option<Site> {
        self.node().spec().map(|s| s.site())
    }

    /// The module of the function.
    pub fn module(&self) -> Option<&'g str> {
        self.node().spec().map(|s| s.module.as_ref())
    }

    /// A hash of the function's code (doc comments and formatting excluded).
    pub fn code_version(&self) -> Option<u64> {
        self.node().spec().map(|s| s.code_version)
    }

    /// Names of the values the function cannot run without.
    pub fn required_dependencies(&self) -> Vec<&'g str> {
        self.dependencies(false)
    }

    /// Names of the values the function takes optionally (`Option` or `#[default]`).
    pub fn optional_dependencies(&self) -> Vec<&'g str> {
        self.dependencies(true)
    }

    fn dependencies(&self, optional: bool) -> Vec<&'g str> {
        match self.node().spec() {
            Some(spec) => spec
                .params
                .iter()
                .filter(|p| p.is_optional() == optional)
                .map(|p| p.name.as_ref())
                .collect(),
            None => Vec::new(),
        }
    }
}

impl std::fmt::Debug for Variable<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Variable")
            .field("name", &self.name())
            .field("kind", &self.kind())
            .field("type", &self.type_name())
            .finish()
    }
}

/// A query over tags for [`Driver::list_available_variables`](crate::Driver::list_available_variables).
/// All clauses must hold.
///
/// ```
/// use hamilton_core::TagFilter;
/// let filter = TagFilter::new()
///     .exists("owner")
///     .equals("pii", "false")
///     .any_of("stage", ["raw", "clean"]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct TagFilter {
    clauses: Vec<(String, Clause)>,
}

#[derive(Clone, Debug)]
enum Clause {
    Exists,
    Equals(String),
    AnyOf(Vec<String>),
}

impl TagFilter {
    /// A filter that keeps every node.
    pub fn new() -> Self {
        TagFilter::default()
    }

    /// Keeps nodes that have the tag, whatever its value.
    pub fn exists(mut self, key: impl Into<String>) -> Self {
        self.clauses.push((key.into(), Clause::Exists));
        self
    }

    /// Keeps nodes whose tag has exactly this value.
    pub fn equals(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.clauses.push((key.into(), Clause::Equals(value.into())));
        self
    }

    /// Keeps nodes whose tag has one of these values.
    pub fn any_of<S: Into<String>>(
        mut self,
        key: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        self.clauses
            .push((key.into(), Clause::AnyOf(values.into_iter().map(Into::into).collect())));
        self
    }

    /// Whether a variable passes every clause.
    pub fn matches(&self, variable: &Variable<'_>) -> bool {
        self.clauses.iter().all(|(key, clause)| match (variable.tag(key), clause) {
            (None, _) => false,
            (Some(_), Clause::Exists) => true,
            (Some(v), Clause::Equals(want)) => v == want,
            (Some(v), Clause::AnyOf(wants)) => wants.iter().any(|w| w == v),
        })
    }
}

/// Which way a lineage walk follows edges.
#[derive(Clone, Copy)]
pub(crate) enum Direction {
    Upstream,
    Downstream,
}

impl Graph {
    /// Marks the roots and everything reachable from them in one direction.
    pub(crate) fn reach(&self, roots: &[u32], direction: Direction) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<u32> = roots.to_vec();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i as usize], true) {
                continue;
            }
            let next = match direction {
                Direction::Upstream => self.deps_of(i),
                Direction::Downstream => self.users_of(i),
            };
            stack.extend(next.iter().filter(|&&j| !seen[j as usize]));
        }
        seen
    }
}
