//! The feature catalog: every node with its documentation, type, tags, module, source location,
//! code version and neighbours, as Markdown for people and JSON for tools.
//!
//! The JSON follows Hamilton's `export_execution` (`{"nodes": [...]}` with name, tags,
//! output_type, required and optional dependencies, documentation and version) and adds what
//! Rust knows: the kind, the full type name, module, file and line, and the direct consumers.
//! Its schema is stable and documented in `docs/seeing-your-dataflow.md`; the field `schema`
//! names its version.

use std::fmt::Write;

use crate::driver::Driver;
use crate::graph::lineage::{Variable, VariableKind};
use crate::graph::{Graph, NodeKind};

/// The schema name and version written in every JSON catalog.
pub const SCHEMA: &str = "hamilton-rs/catalog/1";

/// One node of a [`Catalog`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogEntry {
    /// The node name.
    pub name: String,
    /// `function`, `config` or `input`.
    pub kind: &'static str,
    /// The output type as spelled in the source (module paths dropped).
    pub output_type: String,
    /// The full Rust type name.
    pub output_type_full: String,
    /// The doc comment (empty when there is none).
    pub documentation: String,
    /// `#[tag]` entries, in declaration order.
    pub tags: Vec<(String, String)>,
    /// The module path of the function (`None` for inputs and config).
    pub module: Option<String>,
    /// `file` and `line` of the function (`None` for inputs and config).
    pub source: Option<(String, u32)>,
    /// The code version: 16 hex digits of the hash of the function's tokens (doc comments and
    /// formatting excluded). `None` for inputs, config and nodes made at run time.
    pub version: Option<String>,
    /// Values the node cannot run without.
    pub required_dependencies: Vec<String>,
    /// Values the node takes optionally (`Option` or `#[default]`).
    pub optional_dependencies: Vec<String>,
    /// The nodes that consume this one, sorted.
    pub used_by: Vec<String>,
}

/// Every node of a driver's graph, sorted by name, with the graph's code version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    /// A hash of the sorted `(name, version)` pairs of the function nodes: changes when any
    /// node's code changes, or a node comes or goes.
    pub graph_version: String,
    /// The nodes, sorted by name.
    pub nodes: Vec<CatalogEntry>,
}

impl Catalog {
    /// The catalog as JSON (schema [`SCHEMA`]), pretty-printed, fields in a fixed order.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256 + self.nodes.len() * 512);
        let _ = write!(
            out,
            "{{\n  \"schema\": {},\n  \"graph_version\": {},\n  \"nodes\": [",
            json_str(SCHEMA),
            json_str(&self.graph_version)
        );
        for (k, e) in self.nodes.iter().enumerate() {
            out.push_str(if k == 0 { "\n" } else { ",\n" });
            let tags: Vec<String> = e
                .tags
                .iter()
                .map(|(key, value)| format!("{}: {}", json_str(key), json_str(value)))
                .collect();
            let _ = write!(
                out,
                "    {{\n      \"name\": {},\n      \"kind\": {},\n      \"output_type\": {},\n      \
                 \"output_type_full\": {},\n      \"documentation\": {},\n      \"tags\": {{{}}},\n      \
                 \"module\": {},\n      \"file\": {},\n      \"line\": {},\n      \"version\": {},\n      \
                 \"required_dependencies\": {},\n      \"optional_dependencies\": {},\n      \
                 \"used_by\": {}\n    }}",
                json_str(&e.name),
                json_str(e.kind),
                json_str(&e.output_type),
                json_str(&e.output_type_full),
                json_str(&e.documentation),
                tags.join(", "),
                json_opt(e.module.as_deref()),
                json_opt(e.source.as_ref().map(|s| s.0.as_str())),
                e.source.as_ref().map_or("null".to_string(), |s| s.1.to_string()),
                json_opt(e.version.as_deref()),
                json_list(&e.required_dependencies),
                json_list(&e.optional_dependencies),
                json_list(&e.used_by),
            );
        }
        out.push_str(if self.nodes.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
        out
    }

    /// The catalog as Markdown: a summary table, then one section per node.
    pub fn to_markdown(&self) -> String {
        let mut out = String::with_capacity(256 + self.nodes.len() * 512);
        let _ = writeln!(out, "# Feature catalog\n");
        let _ =
            writeln!(out, "{} nodes; graph version `{}`.\n", self.nodes.len(), self.graph_version);
        out.push_str("| node | kind | type | tags | summary |\n|---|---|---|---|---|\n");
        for e in &self.nodes {
            let summary = e.documentation.lines().next().unwrap_or("");
            let _ = writeln!(
                out,
                "| [`{}`](#{}) | {} | `{}` | {} | {} |",
                e.name,
                anchor(&e.name),
                e.kind,
                cell(&e.output_type),
                cell(&tags_text(&e.tags)),
                cell(summary)
            );
        }
        for e in &self.nodes {
            let _ = writeln!(out, "\n## {}\n", e.name);
            if !e.documentation.is_empty() {
                let _ = writeln!(out, "{}\n", e.documentation.trim_end());
            }
            let _ = writeln!(out, "- kind: {}", e.kind);
            if e.output_type == e.output_type_full {
                let _ = writeln!(out, "- type: `{}`", e.output_type);
            } else {
                let _ = writeln!(out, "- type: `{}` (`{}`)", e.output_type, e.output_type_full);
            }
            if !e.tags.is_empty() {
                let _ = writeln!(out, "- tags: {}", tags_text(&e.tags));
            }
            if let (Some(module), Some((file, line))) = (&e.module, &e.source) {
                let _ = writeln!(out, "- defined in `{module}` at `{file}:{line}`");
            }
            if let Some(version) = &e.version {
                let _ = writeln!(out, "- code version: `{version}`");
            }
            if !e.required_dependencies.is_empty() {
                let _ = writeln!(out, "- needs: {}", names(&e.required_dependencies));
            }
            if !e.optional_dependencies.is_empty() {
                let _ = writeln!(out, "- takes optionally: {}", names(&e.optional_dependencies));
            }
            if !e.used_by.is_empty() {
                let _ = writeln!(out, "- used by: {}", names(&e.used_by));
            }
        }
        out
    }

    /// One node by name.
    pub fn get(&self, name: &str) -> Option<&CatalogEntry> {
        self.nodes.iter().find(|e| e.name == name)
    }
}

/// The feature catalog and code versions (Hamilton's `export_execution` and `HamiltonGraph.version`).
impl Driver {
    /// Every node of the graph with its docs, type, tags, location, code version and neighbours.
    pub fn catalog(&self) -> Catalog {
        let graph = self.graph();
        let mut nodes: Vec<CatalogEntry> =
            (0..graph.nodes.len() as u32).map(|i| entry(graph, i)).collect();
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        Catalog { graph_version: graph_version(&nodes), nodes }
    }

    /// The graph's code version: a hash of the sorted `(name, version)` pairs of its function
    /// nodes, as 16 hex digits.
    pub fn graph_version(&self) -> String {
        self.catalog().graph_version
    }
}

fn entry(graph: &Graph, i: u32) -> CatalogEntry {
    let v = Variable::new(graph, i);
    let node = graph.node(i);
    let dynamic = node
        .spec()
        .is_some_and(|s| matches!(s.call, crate::Call::Dynamic(_)) && s.code_version == 0);
    let mut used_by: Vec<String> =
        graph.users_of(i).iter().map(|&u| graph.node(u).name.to_string()).collect();
    used_by.sort();
    used_by.dedup();
    CatalogEntry {
        name: v.name().to_string(),
        kind: match v.kind() {
            VariableKind::Function => "function",
            VariableKind::Config => "config",
            VariableKind::External => "input",
        },
        output_type: super::view::short_type(v.type_spelled()),
        output_type_full: v.type_name().to_string(),
        documentation: v.doc().trim().to_string(),
        tags: v.tags().iter().map(|t| (t.key.to_string(), t.value.to_string())).collect(),
        module: v.module().map(str::to_string),
        source: v.site().map(|s| (s.file, s.line)),
        version: match (&node.kind, dynamic) {
            (NodeKind::Function(spec), false) => Some(format!("{:016x}", spec.code_version)),
            _ => None,
        },
        required_dependencies: v.required_dependencies().into_iter().map(str::to_string).collect(),
        optional_dependencies: v.optional_dependencies().into_iter().map(str::to_string).collect(),
        used_by,
    }
}

/// FNV-1a over `name\0version\n` of the sorted function nodes: stable across builds, platforms
/// and releases (unlike `std`'s hasher).
fn graph_version(nodes: &[CatalogEntry]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for e in nodes.iter().filter(|e| e.kind == "function") {
        let version = e.version.as_deref().unwrap_or("-");
        for byte in e.name.bytes().chain([0]).chain(version.bytes()).chain([b'\n']) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_opt(s: Option<&str>) -> String {
    s.map_or("null".to_string(), json_str)
}

fn json_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| json_str(s)).collect::<Vec<_>>().join(", "))
}

fn tags_text(tags: &[(String, String)]) -> String {
    tags.iter().map(|(k, v)| format!("`{k} = {v}`")).collect::<Vec<_>>().join(", ")
}

fn names(items: &[String]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// A Markdown table cell: no pipes, no line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The anchor mdBook and GitHub give a `## name` heading.
fn anchor(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_ascii_lowercase()),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}
