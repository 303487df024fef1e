//! Seeing the dataflow: pictures of the graph (DOT, and SVG with no system Graphviz) and a
//! feature catalog (Markdown, JSON).
//!
//! Pictures use Hamilton's visual language: functions are rounded boxes with their output type,
//! external inputs dashed boxes, config entries notes with their value, requested outputs
//! yellow, overrides drawn with diagonals, validators hexagons, nodes a modifier generated
//! double-bordered, optional dependencies dashed edges, and a legend of the kinds present.
//!
//! ```
//! use hamilton_core::prelude::*;
//! use hamilton_core::viz::ViewOptions;
//!
//! /// Raw numbers.
//! #[node]
//! fn raw(count: &usize) -> Vec<f64> { (0..*count).map(|i| i as f64).collect() }
//! /// Their mean.
//! #[node]
//! fn mean(raw: &[f64]) -> f64 { raw.iter().sum::<f64>() / raw.len() as f64 }
//! hamilton_core::module!();
//!
//! let dr = Driver::builder().with_modules([MODULE]).build()?;
//! let picture = dr.display_all_functions(&ViewOptions::new());
//! assert!(picture.dot().contains("\"raw\" -> \"mean\""));
//! assert!(picture.svg().starts_with("<svg"));
//! // What a request would run, its inputs and outputs:
//! let plan = dr.visualize_execution(&["mean"], &Inputs::new().with("count", 3_usize),
//!     &Overrides::new(), &ViewOptions::new())?;
//! # let dir = std::env::temp_dir().join(format!("viz-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! plan.write(dir.join("mean.svg"))?; // or .dot / .gv
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), hamilton_core::Error>(())
//! ```

pub mod catalog;
mod dot;
#[cfg(feature = "petgraph")]
mod export;
mod layout;
mod style;
mod svg;
mod view;

use std::fmt;
use std::path::Path;

#[cfg(feature = "petgraph")]
pub use export::{GraphEdge, GraphNode};
pub use style::{CustomStyle, NodeClass, Orientation, Shape, Style, StyleHook, ViewOptions};

use crate::driver::Driver;
use crate::error::{Error, Problem, Problems};
use crate::graph::NodeKind;
use crate::graph::lineage::Direction;
use crate::values::{Inputs, Overrides};
pub(crate) use dot::xml as xml_text;
#[cfg(feature = "cli")]
pub(crate) use view::short_type as short_type_name;
use view::{Selection, View};

/// A picture of (part of) the graph: DOT text for Graphviz, or SVG drawn by hamilton-core.
///
/// `Display` writes the DOT text.
#[derive(Clone, Debug)]
pub struct Picture {
    view: View,
}

impl Picture {
    /// The picture as a DOT digraph (render with Graphviz: `dot -Tpng graph.dot`).
    pub fn dot(&self) -> String {
        dot::write(&self.view)
    }

    /// The picture as a standalone SVG document, laid out in Rust.
    pub fn svg(&self) -> String {
        svg::write(&self.view)
    }

    /// The names of the nodes shown, sorted.
    pub fn nodes(&self) -> Vec<&str> {
        self.view.nodes.iter().map(|n| n.name.as_str()).collect()
    }

    /// The class of a shown node.
    pub fn class_of(&self, name: &str) -> Option<NodeClass> {
        self.view.nodes.iter().find(|n| n.name == name).map(|n| n.class)
    }

    /// Writes the picture in the format its extension names: `.svg`, or `.dot` / `.gv`.
    ///
    /// The file is written whole or not at all (through a temporary file beside it). An unknown
    /// extension is error H052, a failed write error H051.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        let extension =
            path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let text = match extension.as_str() {
            "svg" => self.svg(),
            "dot" | "gv" => self.dot(),
            _ => {
                return Err(Error::Invalid(Problems(vec![Problem::UnknownPictureFormat {
                    path: path.display().to_string(),
                    extension,
                }])));
            }
        };
        write_whole(path, text.as_bytes())
    }
}

impl fmt::Display for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dot())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, so a failure leaves no
/// partial file (error H051).
pub(crate) fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let failed = |e: std::io::Error| Error::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(e)
    })
}

/// Pictures of the graph (Hamilton's `display_all_functions`, `visualize_execution`, ...).
impl Driver {
    /// Every node of the graph: functions, config entries and external inputs.
    pub fn display_all_functions(&self, options: &ViewOptions) -> Picture {
        let graph = self.graph();
        self.picture(&Selection::all(graph), options)
    }

    /// What a request would run: the nodes `outputs` need (an override cuts its upstream off),
    /// with the inputs and overrides, outputs highlighted. The request is validated first, as
    /// [`validate_execution`](Driver::validate_execution) does (every problem at once).
    pub fn visualize_execution<S: AsRef<str>>(
        &self,
        outputs: &[S],
        inputs: &Inputs,
        overrides: &Overrides,
        options: &ViewOptions,
    ) -> Result<Picture, Error> {
        self.validate_execution(outputs, inputs, overrides)?;
        let graph = self.graph();
        let n = graph.nodes.len();
        let mut overridden = vec![false; n];
        for name in overrides.names() {
            if let Some(i) = graph.lookup(name) {
                overridden[i as usize] = true;
            }
        }
        let roots: Vec<u32> = outputs.iter().filter_map(|o| graph.lookup(o.as_ref())).collect();
        let mut shown = vec![false; n];
        let mut stack = roots.clone();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut shown[i as usize], true) || overridden[i as usize] {
                continue;
            }
            for &d in graph.deps_of(i) {
                // An optional input nobody gave is not part of the run.
                let absent = matches!(graph.node(d).kind, NodeKind::External)
                    && !inputs.contains(&graph.node(d).name)
                    && !overrides.contains(&graph.node(d).name);
                if !shown[d as usize] && !absent {
                    stack.push(d);
                }
            }
        }
        let mut selection = Selection::of(graph, shown);
        selection.outputs = roots;
        selection.overridden = overridden;
        Ok(self.picture(&selection, options))
    }

    /// The named nodes and everything they depend on.
    pub fn display_upstream_of<S: AsRef<str>>(
        &self,
        names: &[S],
        options: &ViewOptions,
    ) -> Result<Picture, Error> {
        let roots = self.resolve(names)?;
        let shown = self.graph().reach(&roots, Direction::Upstream);
        Ok(self.picture(&Selection::of(self.graph(), shown), options))
    }

    /// The named nodes and everything that depends on them.
    pub fn display_downstream_of<S: AsRef<str>>(
        &self,
        names: &[S],
        options: &ViewOptions,
    ) -> Result<Picture, Error> {
        let roots = self.resolve(names)?;
        let shown = self.graph().reach(&roots, Direction::Downstream);
        Ok(self.picture(&Selection::of(self.graph(), shown), options))
    }

    /// The nodes on the paths from `from` to `to`, drawn in red. No path is error H050.
    pub fn visualize_path_between(
        &self,
        from: &str,
        to: &str,
        options: &ViewOptions,
    ) -> Result<Picture, Error> {
        let roots = self.resolve(&[from, to])?;
        let graph = self.graph();
        let down = graph.reach(&roots[..1], Direction::Downstream);
        if !down[roots[1] as usize] {
            return Err(Error::Invalid(Problems(vec![Problem::NoPath {
                from: from.to_string(),
                to: to.to_string(),
            }])));
        }
        let up = graph.reach(&roots[1..], Direction::Upstream);
        let shown: Vec<bool> = down.iter().zip(&up).map(|(d, u)| *d && *u).collect();
        let mut selection = Selection::of(graph, shown);
        selection.highlight_all = true;
        Ok(self.picture(&selection, options))
    }

    fn picture(&self, selection: &Selection, options: &ViewOptions) -> Picture {
        Picture { view: view::view(self.graph(), self.config(), selection, options) }
    }
}
