//! The picture's model: which nodes and edges are shown, each node's class, label and style.
//! DOT and SVG are both written from it, so they always show the same thing.

use super::style::{NodeClass, Orientation, Style, ViewOptions};
use crate::graph::lineage::Variable;
use crate::graph::{Graph, NodeKind};
use crate::quality::TAG_CONTAINS_RESULTS;
use crate::values::Config;

/// One node of a picture.
#[derive(Clone, Debug)]
pub(crate) struct ViewNode {
    /// The node name (the DOT id).
    pub(crate) name: String,
    /// The first, bold line: the name, with the config keys of a variant (`name: env`).
    pub(crate) title: String,
    /// The second, italic line: the type, or a config entry's value.
    pub(crate) detail: String,
    pub(crate) class: NodeClass,
    pub(crate) style: Style,
    /// Drawn in red (the nodes of a path view).
    pub(crate) highlighted: bool,
}

/// One edge of a picture: `from` feeds `to`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ViewEdge {
    pub(crate) from: usize,
    pub(crate) to: usize,
    /// The consumer takes the value optionally (`Option` or `#[default]`): drawn dashed.
    pub(crate) optional: bool,
    pub(crate) highlighted: bool,
}

/// A legend entry: a name and the look it explains.
#[derive(Clone, Debug)]
pub(crate) struct LegendEntry {
    pub(crate) name: String,
    pub(crate) style: Style,
}

/// Everything a renderer needs.
#[derive(Clone, Debug)]
pub(crate) struct View {
    pub(crate) nodes: Vec<ViewNode>,
    pub(crate) edges: Vec<ViewEdge>,
    pub(crate) orientation: Orientation,
    /// Empty when the legend is hidden.
    pub(crate) legend: Vec<LegendEntry>,
}

/// Which nodes of the graph a picture shows, and how some of them are marked.
pub(crate) struct Selection {
    /// Per graph node: shown.
    pub(crate) shown: Vec<bool>,
    /// Requested outputs (highlighted yellow).
    pub(crate) outputs: Vec<u32>,
    /// Per graph node: replaced by an override (its incoming edges are not drawn).
    pub(crate) overridden: Vec<bool>,
    /// Draw every shown node and edge in red (a path view).
    pub(crate) highlight_all: bool,
}

impl Selection {
    /// Every node of `graph`, nothing marked.
    pub(crate) fn all(graph: &Graph) -> Self {
        Selection::of(graph, vec![true; graph.nodes.len()])
    }

    /// The marked nodes, nothing else marked.
    pub(crate) fn of(graph: &Graph, shown: Vec<bool>) -> Self {
        Selection {
            shown,
            outputs: Vec::new(),
            overridden: vec![false; graph.nodes.len()],
            highlight_all: false,
        }
    }
}

/// The class of graph node `i` under `selection`.
fn class_of(graph: &Graph, i: u32, selection: &Selection) -> NodeClass {
    let node = graph.node(i);
    if selection.overridden[i as usize] {
        return NodeClass::Override;
    }
    if selection.outputs.contains(&i) {
        return NodeClass::Output;
    }
    match &node.kind {
        NodeKind::Config(_) => NodeClass::Config,
        NodeKind::External => NodeClass::Input,
        NodeKind::Function(spec) => {
            if spec.tags.iter().any(|t| t.key == TAG_CONTAINS_RESULTS) {
                NodeClass::Check
            } else if is_generated(spec, &node.name) {
                NodeClass::Generated
            } else {
                NodeClass::Function
            }
        }
    }
}

/// Whether a function node is the validated `x` that `#[check_output]` puts after `x_raw`.
fn is_generated(spec: &crate::registry::NodeSpec, name: &str) -> bool {
    spec.params.first().is_some_and(|p| {
        p.name.strip_suffix("_raw") == Some(name) && matches!(spec.call, crate::Call::Dynamic(_))
    })
}

/// Builds the model of the selected part of `graph`.
pub(crate) fn view(
    graph: &Graph,
    config: &Config,
    selection: &Selection,
    options: &ViewOptions,
) -> View {
    let mut position = vec![usize::MAX; graph.nodes.len()];
    let mut nodes = Vec::new();
    let mut legend: Vec<LegendEntry> = Vec::new();
    let mut classes_present: Vec<NodeClass> = Vec::new();
    // Nodes in name order, so the output is deterministic and diffs well.
    let mut order: Vec<u32> =
        (0..graph.nodes.len() as u32).filter(|&i| selection.shown[i as usize]).collect();
    order.sort_by(|&a, &b| graph.node(a).name.cmp(&graph.node(b).name));
    let mut custom: Vec<LegendEntry> = Vec::new();
    for &i in &order {
        let node = graph.node(i);
        let class = class_of(graph, i, selection);
        let variable = Variable::new(graph, i);
        let hooked = options.hook.as_ref().and_then(|hook| hook(&variable, class));
        let style = match hooked {
            Some(c) => {
                if !custom.iter().any(|e| e.name == c.legend) {
                    custom.push(LegendEntry { name: c.legend.clone(), style: c.style.clone() });
                }
                c.style
            }
            None => {
                if !classes_present.contains(&class) {
                    classes_present.push(class);
                }
                class.default_style()
            }
        };
        position[i as usize] = nodes.len();
        nodes.push(ViewNode {
            name: node.name.to_string(),
            title: title_of(graph, i),
            detail: detail_of(graph, config, i),
            class,
            style,
            highlighted: selection.highlight_all,
        });
    }
    if !options.hide_legend {
        for class in NodeClass::ALL {
            if classes_present.contains(&class) {
                legend.push(LegendEntry {
                    name: class.legend_name().to_string(),
                    style: class.default_style(),
                });
            }
        }
        legend.extend(custom);
    }
    let mut edges = Vec::new();
    for &i in &order {
        if selection.overridden[i as usize] {
            continue;
        }
        let Some(spec) = graph.node(i).spec() else { continue };
        for (param, &dep) in spec.params.iter().zip(graph.deps_of(i)) {
            if selection.shown[dep as usize] {
                edges.push(ViewEdge {
                    from: position[dep as usize],
                    to: position[i as usize],
                    optional: param.is_optional(),
                    highlighted: selection.highlight_all,
                });
            }
        }
    }
    View { nodes, edges, orientation: options.orientation, legend }
}

fn title_of(graph: &Graph, i: u32) -> String {
    let node = graph.node(i);
    let name = node.name.to_string();
    match node.spec() {
        Some(spec) if spec.default_variant => format!("{name}: default"),
        Some(spec) if !spec.conditions.is_empty() => {
            let mut keys: Vec<&str> = spec.conditions.iter().map(|c| c.key.as_ref()).collect();
            keys.dedup();
            format!("{name}: {}", keys.join(", "))
        }
        _ => name,
    }
}

fn detail_of(graph: &Graph, config: &Config, i: u32) -> String {
    let node = graph.node(i);
    match &node.kind {
        NodeKind::Config(_) => match config.text(&node.name) {
            Some(text) => text.to_string(),
            None => short_type(node.ty.display_name()),
        },
        _ => short_type(node.ty.display_name()),
    }
}

/// A type name without module paths: `polars_core::frame::DataFrame` becomes `DataFrame`,
/// `alloc::vec::Vec<f64>` becomes `Vec<f64>`.
pub(crate) fn short_type(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut segment_start = 0;
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            out.truncate(segment_start);
        } else {
            out.push(c);
            if !(c.is_alphanumeric() || c == '_') {
                segment_start = out.len();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::short_type;

    #[test]
    fn short_type_drops_paths_inside_generics() {
        assert_eq!(short_type("polars_core::frame::DataFrame"), "DataFrame");
        assert_eq!(
            short_type("std::collections::HashMap<alloc::string::String, i64>"),
            "HashMap<String, i64>"
        );
        assert_eq!(short_type("&[f64]"), "&[f64]");
    }
}
