//! The graph as a [`petgraph`] graph (feature `petgraph`), for a user's own analyses.

use petgraph::graph::{DiGraph, NodeIndex};

use crate::driver::Driver;
use crate::graph::lineage::{Variable, VariableKind};

/// A node of the exported graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphNode {
    /// The node name.
    pub name: String,
    /// Function, config entry or external input.
    pub kind: VariableKind,
    /// The full Rust type name of its value.
    pub type_name: String,
}

/// An edge of the exported graph: its source feeds its target's parameter of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GraphEdge {
    /// The target takes the value optionally (`Option` or `#[default]`).
    pub optional: bool,
}

/// The graph for [`petgraph`] (feature `petgraph`).
impl Driver {
    /// Every node and edge, edges pointing from producer to consumer. Node `i` of the result is
    /// the `i`-th node of [`list_available_variables`](Driver::list_available_variables)
    /// with no filter (sorted by name).
    ///
    /// ```
    /// use hamilton_core::prelude::*;
    ///
    /// #[node]
    /// fn doubled(x: &i64) -> i64 { x * 2 }
    /// #[node]
    /// fn tripled(doubled: &i64) -> i64 { doubled * 3 }
    /// hamilton_core::module!();
    ///
    /// let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
    /// let graph = dr.to_petgraph();
    /// let order = hamilton_core::petgraph::algo::toposort(&graph, None).unwrap();
    /// let names: Vec<&str> = order.iter().map(|&i| graph[i].name.as_str()).collect();
    /// assert_eq!(names, ["x", "doubled", "tripled"]);
    /// ```
    pub fn to_petgraph(&self) -> DiGraph<GraphNode, GraphEdge> {
        let graph = self.graph();
        let mut order: Vec<u32> = (0..graph.nodes.len() as u32).collect();
        order.sort_by(|&a, &b| graph.node(a).name.cmp(&graph.node(b).name));
        let mut index = vec![NodeIndex::new(0); graph.nodes.len()];
        let mut out = DiGraph::with_capacity(graph.nodes.len(), graph.deps.len());
        for &i in &order {
            let v = Variable::new(graph, i);
            index[i as usize] = out.add_node(GraphNode {
                name: v.name().to_string(),
                kind: v.kind(),
                type_name: v.type_name().to_string(),
            });
        }
        for &i in &order {
            let Some(spec) = graph.node(i).spec() else { continue };
            for (param, &dep) in spec.params.iter().zip(graph.deps_of(i)) {
                out.add_edge(
                    index[dep as usize],
                    index[i as usize],
                    GraphEdge { optional: param.is_optional() },
                );
            }
        }
        out
    }
}
