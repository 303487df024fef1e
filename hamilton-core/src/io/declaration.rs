//! Loaders and savers declared by attributes below `#[node]` (`#[load_from]` on a parameter,
//! `#[save_to]` on the function), registered through `inventory` beside the node.

use super::Materializer;
use crate::graph::{Graph, NodeKind};

/// What `#[load_from]` and `#[save_to]` register: one materializer of one node function.
/// Generated code builds these; not a public API.
#[doc(hidden)]
pub struct Declaration {
    /// `module_path!()` of the function.
    pub module: &'static str,
    /// The function's name.
    pub function: &'static str,
    /// Makes the materializer (its location is the attribute's).
    pub make: fn() -> Materializer,
}

inventory::collect!(Declaration);

/// The declared materializers of the function nodes of `graph`, in (module, function) order.
pub(crate) fn declared_in(graph: &Graph) -> Vec<Materializer> {
    let mut found: Vec<&Declaration> = inventory::iter::<Declaration>
        .into_iter()
        .filter(|d| {
            graph.nodes.iter().any(|n| {
                matches!(&n.kind, NodeKind::Function(s)
                    if s.module == d.module && s.function == d.function)
            })
        })
        .collect();
    found.sort_by_key(|d| (d.module, d.function));
    found.into_iter().map(|d| (d.make)()).collect()
}
