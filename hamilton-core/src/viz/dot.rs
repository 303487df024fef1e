//! DOT (Graphviz) text of a [`View`], in Hamilton's visual language.

use std::fmt::Write;

use super::style::{Orientation, Shape, Style};
use super::view::View;

/// Writes `view` as a DOT digraph.
pub(crate) fn write(view: &View) -> String {
    let mut out = String::with_capacity(256 + view.nodes.len() * 160);
    let rankdir = match view.orientation {
        Orientation::LeftToRight => "LR",
        Orientation::TopToBottom => "TB",
    };
    out.push_str("digraph {\n");
    let _ = writeln!(out, "  graph [rankdir={rankdir}, fontname=\"Helvetica\", nodesep=0.3]");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=12, margin=\"0.15,0.06\"]\n");
    out.push_str("  edge [color=\"#333333\"]\n");
    for node in &view.nodes {
        let _ = write!(
            out,
            "  {} [label=<<b>{}</b><br/><i>{}</i>>",
            quote(&node.name),
            html(&node.title),
            html(&node.detail)
        );
        attributes(&mut out, &node.style, node.highlighted);
        out.push_str("]\n");
    }
    for edge in &view.edges {
        let _ = write!(
            out,
            "  {} -> {}",
            quote(&view.nodes[edge.from].name),
            quote(&view.nodes[edge.to].name)
        );
        let mut attrs = Vec::new();
        if edge.optional {
            attrs.push("style=dashed".to_string());
        }
        if edge.highlighted {
            attrs.push("color=red, penwidth=2".to_string());
        }
        if !attrs.is_empty() {
            let _ = write!(out, " [{}]", attrs.join(", "));
        }
        out.push('\n');
    }
    if !view.legend.is_empty() {
        out.push_str("  subgraph cluster__legend {\n");
        out.push_str("    label=\"Legend\"\n    rank=same\n    fontname=\"Helvetica\"\n");
        for entry in &view.legend {
            let _ = write!(
                out,
                "    {} [label={}",
                quote(&format!("_legend_{}", entry.name)),
                quote(&entry.name)
            );
            attributes(&mut out, &entry.style, false);
            out.push_str("]\n");
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

/// The Graphviz attributes of a style (after the label).
fn attributes(out: &mut String, style: &Style, highlighted: bool) {
    let shape = match style.shape {
        Shape::Rectangle => "rect",
        Shape::Note => "note",
        Shape::Hexagon => "hexagon",
    };
    let mut styles = Vec::new();
    if style.rounded && style.shape == Shape::Rectangle {
        styles.push("rounded");
    }
    if style.fill.is_some() {
        styles.push("filled");
    }
    if style.dashed {
        styles.push("dashed");
    }
    if style.diagonals {
        styles.push("diagonals");
    }
    if style.bold {
        styles.push("bold");
    }
    let _ = write!(out, ", shape={shape}");
    if !styles.is_empty() {
        let _ = write!(out, ", style=\"{}\"", styles.join(","));
    }
    if let Some(fill) = &style.fill {
        let _ = write!(out, ", fillcolor={}", quote(fill));
    }
    if style.double {
        out.push_str(", peripheries=2");
    }
    if highlighted {
        out.push_str(", color=red, penwidth=2");
    } else if style.border != "#000000" {
        let _ = write!(out, ", color={}", quote(&style.border));
    }
    if style.text != "#000000" {
        let _ = write!(out, ", fontcolor={}", quote(&style.text));
    }
}

/// A DOT double-quoted string.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Text inside a DOT HTML-like label: the same escapes as XML.
fn html(s: &str) -> String {
    xml(s)
}

/// Text inside XML or HTML (SVG, the run report): element content and attribute values.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
