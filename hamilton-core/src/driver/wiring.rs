//! How the graph meets the outside world: its external inputs and its config keys.
//!
//! A misspelled parameter (`amount` for the node `amounts`) or a variant whose condition does not
//! hold leaves a name that no node computes, so it becomes an external input. This module
//! explains such names (did-you-mean, inactive variants), checks them at build in strict mode
//! ([`Builder::with_inputs`]), reports config keys that nothing reads, and lists the external
//! inputs of a driver ([`Driver::external_inputs`]) so a test can pin them.

use std::fmt;

use super::{Builder, Driver};
use crate::error::{
    Consumer, InactiveVariant, InputHint, Problem, Producer, short_type_name, suggest,
};
use crate::graph::build::consumer_of;
use crate::graph::lineage::Direction;
use crate::graph::{Graph, NodeKind, SpecRef};
use crate::registry::TypeSpec;
use crate::values::Config;

/// One input declared with [`Builder::with_inputs`] or [`Builder::with_input`].
pub(super) struct Declared {
    name: String,
    ty: Option<TypeSpec>,
}

impl Builder {
    /// Strict mode: declares the external inputs the graph is meant to have. At
    /// [`build`](Builder::build), any other external input (a parameter that no node computes and
    /// no config entry provides, such as a misspelled dependency) is an error (`H023`) with a
    /// did-you-mean, a declared name that no node takes is an error (`H024`), and so is a config
    /// key that no condition reads and no node takes (`H026`). May be called more than once, and
    /// with [`with_input`](Builder::with_input); calling it with an empty list declares that the
    /// graph has no external input.
    ///
    /// ```
    /// use hamilton_core::prelude::*;
    ///
    /// #[node]
    /// fn amounts(csv: &str) -> Vec<f64> {
    ///     csv.split(',').map(|s| s.trim().parse().unwrap()).collect()
    /// }
    /// #[node]
    /// fn total(amount: &[f64]) -> f64 { amount.iter().sum() } // typo: `amount`
    /// hamilton_core::module!();
    ///
    /// let err = Driver::builder().with_modules([MODULE]).with_inputs(["csv"]).build().unwrap_err();
    /// assert_eq!(err.codes(), ["H023"]);
    /// assert!(err.to_string().contains("did you mean `amounts`?"));
    /// ```
    pub fn with_inputs<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let declared = self.declared.get_or_insert_with(Vec::new);
        declared.extend(names.into_iter().map(|n| Declared { name: n.into(), ty: None }));
        self
    }

    /// Strict mode, as [`with_inputs`](Builder::with_inputs), for one input of type `T`: every
    /// node that takes it must take it as a `T` (`H025` otherwise; `&str` parameters take a
    /// `String`, `&[U]` a `Vec<U>`).
    ///
    /// ```
    /// use hamilton_core::prelude::*;
    ///
    /// #[node]
    /// fn rows(csv: &str) -> usize { csv.lines().count() }
    /// hamilton_core::module!();
    ///
    /// let dr = Driver::builder().with_modules([MODULE]).with_input::<String>("csv").build();
    /// assert!(dr.is_ok());
    /// ```
    pub fn with_input<T: Send + Sync + 'static>(mut self, name: impl Into<String>) -> Self {
        let declared = self.declared.get_or_insert_with(Vec::new);
        declared.push(Declared { name: name.into(), ty: Some(TypeSpec::of::<T>("")) });
        self
    }
}

/// An external input of a driver's graph: a name that no node computes and no config entry
/// provides, so it must come from `Inputs` (or overrides) at run time.
///
/// Listing them in a test pins the graph's inputs, which catches misspelled parameters under
/// `cargo test` (see [`Driver::external_inputs`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalInput {
    /// The input name.
    pub name: String,
    /// The value type, as spelled in the first consumer's source (the full name otherwise).
    pub type_name: String,
    /// Whether some consumer takes it without `Option` or `#[default]`.
    pub required: bool,
    /// Every function that takes it, with its parameter as written, in source order.
    pub consumers: Vec<Consumer>,
}

impl fmt::Display for ExternalInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let need = if self.required { "required" } else { "optional" };
        write!(f, "`{}` ({}, {need}), taken by:", self.name, self.type_name)?;
        for c in &self.consumers {
            write!(f, "\n  {}: `{}: {}`", c.site, self.name, c.param_type)?;
        }
        Ok(())
    }
}

impl Driver {
    /// The external inputs of the graph, sorted by name, each with its type and consumers.
    ///
    /// Without strict mode ([`Builder::with_inputs`]), a misspelled parameter silently becomes an
    /// external input; a test that pins this list catches it:
    ///
    /// ```
    /// use hamilton_core::prelude::*;
    ///
    /// #[node]
    /// fn rows(csv: &str, limit: Option<usize>) -> usize { csv.lines().take(limit.unwrap_or(10)).count() }
    /// hamilton_core::module!();
    ///
    /// let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
    /// let names: Vec<String> = dr.external_inputs().into_iter().map(|i| i.name).collect();
    /// assert_eq!(names, ["csv", "limit"]);
    /// ```
    pub fn external_inputs(&self) -> Vec<ExternalInput> {
        let graph = &self.graph;
        let mut inputs: Vec<ExternalInput> = (0..graph.nodes.len() as u32)
            .filter(|&i| matches!(graph.node(i).kind, NodeKind::External))
            .map(|i| {
                let node = graph.node(i);
                let name = node.name.as_ref();
                let mut required = false;
                let mut consumers: Vec<Consumer> = Vec::new();
                for spec in graph.users_of(i).iter().filter_map(|&u| graph.node(u).spec()) {
                    for p in spec.params.iter().filter(|p| p.name == name) {
                        required |= !p.is_optional();
                        consumers.push(consumer_of(spec, p));
                    }
                }
                consumers
                    .sort_by(|a, b| (&a.site.file, a.site.line).cmp(&(&b.site.file, b.site.line)));
                consumers.dedup();
                ExternalInput {
                    name: name.to_string(),
                    type_name: node.ty.display_name().to_string(),
                    required,
                    consumers,
                }
            })
            .collect();
        inputs.sort_by(|a, b| a.name.cmp(&b.name));
        inputs
    }
}

/// The hint for an external input `name` that was not provided or not declared: the closest
/// node or config key, and the config variants of that name that did not apply.
pub(crate) fn input_hint(graph: &Graph, config: &Config, name: &str) -> InputHint {
    // Nodes computed from the input cannot be what it was meant to be: that would be a cycle.
    let downstream = match graph.lookup(name) {
        Some(i) => graph.reach(&[i], Direction::Downstream),
        None => Vec::new(),
    };
    let produced = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            !matches!(n.kind, NodeKind::External) && !downstream.get(*i).copied().unwrap_or(false)
        })
        .map(|(_, n)| n.name.as_ref())
        .chain(graph.inactive.iter().map(|s| s.name.as_ref()));
    let inactive_variants: Vec<InactiveVariant> = graph
        .inactive
        .iter()
        .filter(|s| s.name == name)
        .map(|s| InactiveVariant { site: s.site(), unmet: unmet_conditions(s, config) })
        .collect();
    let suggestion = if inactive_variants.is_empty() {
        // A variant's function name (`tax_rate__eu` for `tax_rate_eu`) suggests its node name.
        suggest(name, produced).or_else(|| {
            let functions = graph.inactive.iter().map(|s| s.function.as_ref());
            let function = suggest(name, functions)?;
            graph.inactive.iter().find(|s| s.function == function).map(|s| s.name.to_string())
        })
    } else {
        None
    };
    InputHint { suggestion, inactive_variants }
}

/// Each condition of `spec` that does not hold under `config`, with what the config has.
fn unmet_conditions(spec: &SpecRef, config: &Config) -> Vec<String> {
    spec.conditions
        .iter()
        .filter(|c| !c.holds(config.text(&c.key)))
        .map(|c| {
            let key = c.key.as_ref();
            let has = match (config.entries.get(key), config.text(key)) {
                (None, _) => format!("config has no `{key}`"),
                (Some(_), Some(text)) => format!("config has {key} = {text:?}"),
                (Some(e), None) => format!(
                    "config `{key}` is a {}, which conditions do not compare",
                    short_type_name((e.type_name)())
                ),
            };
            format!("{c} ({has})")
        })
        .collect()
}

/// The build-time checks of inputs and config: strict mode's declared inputs (`H023`–`H025`) and
/// config keys that nothing reads (`H026`, a warning outside strict mode).
pub(super) fn check(
    graph: &Graph,
    config: &Config,
    declared: Option<&[Declared]>,
    problems: &mut Vec<Problem>,
) {
    let Some(declared) = declared else {
        // Warnings are worked out only when someone listens.
        if tracing::enabled!(target: "hamilton::build", tracing::Level::WARN) {
            for problem in unused_config_keys(graph, config) {
                let text = problem.to_string();
                let text = text.strip_prefix("error").unwrap_or(&text);
                tracing::warn!(target: "hamilton::build", "warning{text}");
            }
            warn_suspicious_inputs(graph, config);
        }
        return;
    };
    problems.extend(unused_config_keys(graph, config));
    let is_declared = |name: &str| declared.iter().any(|d| d.name == name);
    let mut undeclared: Vec<u32> = (0..graph.nodes.len() as u32)
        .filter(|&i| {
            let node = graph.node(i);
            matches!(node.kind, NodeKind::External) && !is_declared(&node.name)
        })
        .collect();
    undeclared.sort_by(|&a, &b| graph.node(a).name.cmp(&graph.node(b).name));
    for i in undeclared {
        let node = graph.node(i);
        problems.push(Problem::UndeclaredInput {
            name: node.name.to_string(),
            type_name: node.ty.display_name().to_string(),
            consumers: consumer_sites(graph, i),
            hint: input_hint(graph, config, &node.name),
        });
    }
    for (k, d) in declared.iter().enumerate() {
        if declared[..k].iter().any(|e| e.name == d.name) {
            continue;
        }
        let provided_by = match graph.lookup(&d.name).map(|i| (i, &graph.node(i).kind)) {
            Some((i, NodeKind::External)) => {
                // The first typed declaration of the name (`with_inputs` then `with_input`).
                let typed = declared.iter().filter(|e| e.name == d.name).find_map(|e| e.ty);
                if let Some(ty) = typed {
                    declared_type(graph, i, &d.name, ty, problems);
                }
                continue;
            }
            Some((_, NodeKind::Function(spec))) => Some(Producer::Function(spec.site())),
            Some((_, NodeKind::Config(_))) => Some(Producer::Config(d.name.clone())),
            None => None,
        };
        let undeclared = graph
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::External) && !is_declared(&n.name))
            .map(|n| n.name.as_ref());
        problems.push(Problem::UnusedDeclaredInput {
            name: d.name.clone(),
            suggestion: if provided_by.is_none() { suggest(&d.name, undeclared) } else { None },
            provided_by,
        });
    }
}

/// Outside strict mode, a `tracing` warning for each external input that looks like a typo: its
/// name is close to a node's, or config variants of that name exist but none applies.
fn warn_suspicious_inputs(graph: &Graph, config: &Config) {
    let mut externals: Vec<u32> = (0..graph.nodes.len() as u32)
        .filter(|&i| matches!(graph.node(i).kind, NodeKind::External))
        .collect();
    externals.sort_by(|&a, &b| graph.node(a).name.cmp(&graph.node(b).name));
    for i in externals {
        let node = graph.node(i);
        let hint = input_hint(graph, config, &node.name);
        if hint.suggestion.is_none() && hint.inactive_variants.is_empty() {
            continue;
        }
        let mut text = format!(
            "warning: external input `{}` ({}) may be a typo; taken by:",
            node.name,
            node.ty.display_name()
        );
        for site in consumer_sites(graph, i) {
            text.push_str(&format!("\n  `{}`: {site}", site.node));
        }
        text.push_str(&hint.to_string());
        tracing::warn!(target: "hamilton::build", "{text}");
    }
}

/// The functions that take external `i`, in source order.
fn consumer_sites(graph: &Graph, i: u32) -> Vec<crate::error::Site> {
    let mut sites: Vec<_> =
        graph.users_of(i).iter().filter_map(|&u| graph.node(u).spec().map(|s| s.site())).collect();
    sites.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    sites.dedup();
    sites
}

/// `H025` when a consumer of external `i` needs another type than the declared one.
fn declared_type(graph: &Graph, i: u32, name: &str, ty: TypeSpec, problems: &mut Vec<Problem>) {
    let consumers: Vec<Consumer> = graph
        .users_of(i)
        .iter()
        .filter_map(|&u| graph.node(u).spec())
        .flat_map(|s| {
            s.params
                .iter()
                .filter(|p| p.name == name && p.ty.id != ty.id)
                .map(|p| consumer_of(s, p))
        })
        .collect();
    if !consumers.is_empty() {
        problems.push(Problem::DeclaredInputType {
            name: name.to_string(),
            declared: short_type_name((ty.name)()),
            consumers,
        });
    }
}

/// `H026` for every config key that no condition reads, no node takes and that replaces no
/// node, with a did-you-mean against the keys conditions read and the external inputs.
fn unused_config_keys(graph: &Graph, config: &Config) -> Vec<Problem> {
    let mut problems = Vec::new();
    for key in config.keys() {
        if graph.config_reads.iter().any(|k| k == key) {
            continue;
        }
        if graph.lookup(key).is_some_and(|i| !graph.users_of(i).is_empty()) {
            continue;
        }
        let externals = graph
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::External))
            .map(|n| n.name.as_ref());
        let candidates = graph.config_reads.iter().map(|k| k.as_ref()).chain(externals);
        problems.push(Problem::UnusedConfigKey {
            key: key.to_string(),
            suggestion: suggest(key, candidates),
        });
    }
    problems
}
