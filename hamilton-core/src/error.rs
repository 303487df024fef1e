//! Errors: every wiring problem found at once ([`Problems`]), node failures, and output access.
//!
//! Each failure has a stable code (`H001`…) documented in `docs/errors.md`; messages name the
//! node and function, the `file:line` of every function involved, and both types where types
//! are concerned.

use std::error::Error as StdError;
use std::fmt;

use crate::execute::args::BoxError;
use crate::quality::ValidationResult;

/// Where a node function is written: node name, function name, module and `file:line`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The node name.
    pub node: String,
    /// The function name as written.
    pub function: String,
    /// The module path.
    pub module: String,
    /// The source file.
    pub file: String,
    /// The line of the function.
    pub line: u32,
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fn {} at {}:{}", self.function, self.file, self.line)
    }
}

/// What produces a value: a function, a config entry, or an external input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Producer {
    /// A node function.
    Function(Site),
    /// A config entry of that key.
    Config(String),
}

impl fmt::Display for Producer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Producer::Function(site) => site.fmt(f),
            Producer::Config(key) => write!(f, "config entry `{key}`"),
        }
    }
}

/// One consumer of a value: the function and how its parameter is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    /// The consuming function.
    pub site: Site,
    /// The parameter type as written (`&Vec<f64>`).
    pub param_type: String,
    /// The full name of the value type the parameter needs.
    pub value_type: String,
}

/// A config variant of a node that exists but does not take part under the config: one of its
/// conditions does not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InactiveVariant {
    /// Where the variant is.
    pub site: Site,
    /// Each condition that does not hold, with what the config has for its key, e.g.
    /// `config_when(region = "eu"), but config has region = "EU"`.
    pub unmet: Vec<String>,
}

/// Why a name may have become an external input by mistake: the hints that
/// [`Problem::MissingInput`] and [`Problem::UndeclaredInput`] show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputHint {
    /// The closest node or config key, when the input's name looks like a typo of it.
    pub suggestion: Option<String>,
    /// Config variants of a node of this very name whose conditions did not hold.
    pub inactive_variants: Vec<InactiveVariant>,
}

impl fmt::Display for InputHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        did_you_mean(f, &self.suggestion)?;
        if !self.inactive_variants.is_empty() {
            write!(
                f,
                "\n  note: a node of this name exists, but none of its config variants applies:"
            )?;
            for v in &self.inactive_variants {
                write!(f, "\n    {} needs {}", v.site, v.unmet.join(" and "))?;
            }
        }
        Ok(())
    }
}

/// Whether an input-like value came as an input or an override.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueRole {
    /// Passed in `inputs`.
    Input,
    /// Passed in `overrides`.
    Override,
}

impl fmt::Display for ValueRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueRole::Input => "input",
            ValueRole::Override => "override",
        })
    }
}

/// One wiring or request problem. Building a driver, `execute` and `validate_execution` collect
/// every problem before reporting them together as [`Problems`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// H001: a module named by path holds no registered node.
    UnknownModule {
        /// The path asked for.
        path: String,
        /// The closest known module path.
        suggestion: Option<String>,
    },
    /// H002: a module handle selects no `#[node]` function.
    EmptyModule {
        /// The module path.
        path: String,
        /// Where its `module!()` line is.
        location: String,
    },
    /// H003: two functions define the same node.
    DuplicateNode {
        /// The node name.
        name: String,
        /// The first definition.
        first: Site,
        /// The second definition.
        second: Site,
    },
    /// H003: a node has a name that `#[check_output]` generates for a validated node
    /// (`x_raw`, `x_<validator>`).
    GeneratedNameTaken {
        /// The generated name.
        name: String,
        /// The validated node whose `#[check_output]` generates the name.
        validated: Site,
        /// The other node of that name.
        other: Site,
    },
    /// H022: a `#[check_output]` validator's arguments cannot work (e.g. `range = (10, 0)`).
    InvalidValidator {
        /// The validated node.
        node: Site,
        /// The validator's name.
        validator: String,
        /// What is wrong.
        reason: String,
    },
    /// H004: two config variants of one node both apply with this config.
    ConflictingVariants {
        /// The node name.
        name: String,
        /// The first variant and its conditions.
        first: (Site, String),
        /// The second variant and its conditions.
        second: (Site, String),
    },
    /// H005: a node has two `#[config_when_default]` variants.
    DuplicateDefault {
        /// The node name.
        name: String,
        /// The first default.
        first: Site,
        /// The second default.
        second: Site,
    },
    /// H006: a producer's type differs from what a consumer's parameter needs.
    TypeMismatch {
        /// The value's name.
        name: String,
        /// What produces it.
        producer: Producer,
        /// The produced type as spelled and its full name.
        produced: (String, String),
        /// The consumer.
        consumer: Consumer,
    },
    /// H007: consumers want one external input as different types.
    InputTypeConflict {
        /// The input name.
        name: String,
        /// Every consumer, grouped by the type it wants (at least two groups).
        consumers: Vec<Consumer>,
    },
    /// H008: the nodes form a cycle (the path ends where it starts).
    Cycle {
        /// The nodes along the cycle, in data-flow order.
        path: Vec<Site>,
    },
    /// H009: keys given both in config and in inputs.
    ConfigInputOverlap {
        /// The keys.
        keys: Vec<String>,
    },
    /// H010: a required external input was not provided.
    MissingInput {
        /// The input name.
        name: String,
        /// The type it is needed as.
        type_name: String,
        /// Every function of the request that needs it (empty when it was requested directly).
        consumers: Vec<Site>,
        /// A did-you-mean and the config variants of this name that did not apply.
        hint: InputHint,
    },
    /// H011: a name that is no node of the graph.
    UnknownNode {
        /// The name.
        name: String,
        /// What the name was given as ("requested output", "node").
        role: &'static str,
        /// The closest node name.
        suggestion: Option<String>,
    },
    /// H012: an input or override value of the wrong type.
    WrongValueType {
        /// The value name.
        name: String,
        /// Input or override.
        role: ValueRole,
        /// The type the graph needs.
        expected: String,
        /// The type passed.
        got: String,
        /// Who needs it (a function when the graph knows one).
        needed_by: Option<Site>,
    },
    /// H017: an override names no node.
    UnknownOverride {
        /// The name.
        name: String,
        /// The closest node name.
        suggestion: Option<String>,
    },
    /// H018: an input names a computed node (only overrides replace computed nodes).
    InputNamesComputedNode {
        /// The name.
        name: String,
        /// The function computing it.
        site: Site,
    },
    /// H050: `visualize_path_between` was asked for two nodes that no path joins.
    NoPath {
        /// The start of the path asked for.
        from: String,
        /// Its end.
        to: String,
    },
    /// H052: a picture was to be written to a file whose extension names no format it has.
    UnknownPictureFormat {
        /// The file.
        path: String,
        /// Its extension (empty when it has none).
        extension: String,
    },
    /// H019: the builder was given no module and no node.
    NothingSelected,
    /// H023: in strict mode ([`Builder::with_inputs`](crate::Builder::with_inputs)), a parameter
    /// names an external input that was not declared.
    UndeclaredInput {
        /// The input name.
        name: String,
        /// The type it is needed as.
        type_name: String,
        /// Every function that takes it.
        consumers: Vec<Site>,
        /// A did-you-mean and the config variants of this name that did not apply.
        hint: InputHint,
    },
    /// H024: in strict mode, a declared input that is no external input of the graph: no node
    /// takes it, or a function or config entry provides it.
    UnusedDeclaredInput {
        /// The declared name.
        name: String,
        /// What provides the value instead, if anything.
        provided_by: Option<Producer>,
        /// The closest undeclared external input, when the declared name looks like a typo of it.
        suggestion: Option<String>,
    },
    /// H025: in strict mode, a declared input whose declared type is not what its consumers need.
    DeclaredInputType {
        /// The input name.
        name: String,
        /// The declared type.
        declared: String,
        /// The consumers that need another type.
        consumers: Vec<Consumer>,
    },
    /// H026: a config key that no `config_when` condition reads and no node takes (an error in
    /// strict mode, a `tracing` warning otherwise).
    UnusedConfigKey {
        /// The key.
        key: String,
        /// The closest key that a condition reads or an input name, when it looks like a typo.
        suggestion: Option<String>,
    },
    /// H035: an expand node (returning `Parallelizable<T>`) inside the block of another.
    NestedBlock {
        /// The inner expand node, which would run once per item of the outer one.
        inner: Site,
        /// The outer expand node.
        outer: Site,
    },
    /// H036: a node depends per item on two expand nodes.
    NodeInTwoBlocks {
        /// The node.
        node: Site,
        /// The first expand node it depends on.
        first: Site,
        /// The second.
        second: Site,
    },
    /// H037: a `Collect` parameter names a value that does not run per item.
    CollectWithoutBlock {
        /// The collect node.
        collector: Site,
        /// The value its `Collect` parameter names.
        name: String,
        /// The function producing it (none for an input or config entry).
        producer: Option<Site>,
    },
    /// H038: a node of a map/collect block was requested as an output or overridden.
    BlockNodeInRequest {
        /// The block node.
        node: Site,
        /// Its block's expand node.
        expand: Site,
        /// "requested as an output" or "overridden".
        role: &'static str,
    },
    /// H039: a block needs a value computed from what it collects (a block runs as a whole,
    /// before its collects).
    BlockCycle {
        /// The block's expand node.
        expand: Site,
        /// The nodes outside the block on the loop (or the collect node inside its own block).
        nodes: Vec<Site>,
    },
    /// H030: `Executor::Parallel { threads: 0 }`: the parallel executor needs a thread.
    NoExecutorThreads,
    /// H040: an `async fn` node in a driver whose executor cannot await it.
    AsyncNodeNeedsAsyncExecutor {
        /// The async node.
        site: Site,
        /// The driver's executor, as written in code (e.g. `Executor::Sequential`).
        executor: String,
    },
    /// H041: a driver was run through the entry point of another kind of executor (`execute`
    /// on an async driver, `execute_async` on a synchronous one).
    WrongEntryPoint {
        /// The driver's executor, as written in code.
        executor: String,
        /// The method called.
        called: &'static str,
        /// The method to call instead.
        instead: &'static str,
    },
    /// H042: `execute_async` was awaited outside a tokio runtime.
    NoAsyncRuntime,
    /// H060..H063: a loader or saver that cannot work (see [`crate::io::IoProblem`]).
    Io(crate::io::IoProblem),
    /// H082: two graceful-error adapters were installed; at most one may decide what a failure
    /// does.
    TwoGracefulAdapters {
        /// The first adapter's name.
        first: String,
        /// The second adapter's name.
        second: String,
    },
}

impl Problem {
    /// The stable code of this problem (see `docs/errors.md`).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::UnknownModule { .. } => "H001",
            Problem::EmptyModule { .. } => "H002",
            Problem::DuplicateNode { .. } | Problem::GeneratedNameTaken { .. } => "H003",
            Problem::ConflictingVariants { .. } => "H004",
            Problem::DuplicateDefault { .. } => "H005",
            Problem::TypeMismatch { .. } => "H006",
            Problem::InputTypeConflict { .. } => "H007",
            Problem::Cycle { .. } => "H008",
            Problem::ConfigInputOverlap { .. } => "H009",
            Problem::MissingInput { .. } => "H010",
            Problem::UnknownNode { .. } => "H011",
            Problem::WrongValueType { .. } => "H012",
            Problem::UnknownOverride { .. } => "H017",
            Problem::InputNamesComputedNode { .. } => "H018",
            Problem::NothingSelected => "H019",
            Problem::InvalidValidator { .. } => "H022",
            Problem::UndeclaredInput { .. } => "H023",
            Problem::UnusedDeclaredInput { .. } => "H024",
            Problem::DeclaredInputType { .. } => "H025",
            Problem::UnusedConfigKey { .. } => "H026",
            Problem::NestedBlock { .. } => "H035",
            Problem::NodeInTwoBlocks { .. } => "H036",
            Problem::CollectWithoutBlock { .. } => "H037",
            Problem::BlockNodeInRequest { .. } => "H038",
            Problem::BlockCycle { .. } => "H039",
            Problem::NoExecutorThreads => "H030",
            Problem::AsyncNodeNeedsAsyncExecutor { .. } => "H040",
            Problem::WrongEntryPoint { .. } => "H041",
            Problem::NoAsyncRuntime => "H042",
            Problem::NoPath { .. } => "H050",
            Problem::UnknownPictureFormat { .. } => "H052",
            Problem::Io(p) => p.code(),
            Problem::TwoGracefulAdapters { .. } => "H082",
        }
    }
}

fn did_you_mean(f: &mut fmt::Formatter<'_>, suggestion: &Option<String>) -> fmt::Result {
    match suggestion {
        Some(s) => write!(f, "\n  help: did you mean `{s}`?"),
        None => Ok(()),
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: ", self.code())?;
        match self {
            Problem::UnknownModule { path, suggestion } => {
                write!(f, "module `{path}` holds no #[node] function")?;
                did_you_mean(f, suggestion)
            }
            Problem::EmptyModule { path, location } => write!(
                f,
                "module `{path}` (module!() at {location}) holds no #[node] function\n  \
                 help: add #[node] functions to it or its submodules, or drop it from with_modules; \
                 `hamilton_core::module!();` goes in the module that holds the nodes (or a parent)"
            ),
            Problem::DuplicateNode { name, first, second } => write!(
                f,
                "node `{name}` is defined more than once\n  first:  {first} (module {})\n  \
                 second: {second} (module {})\n  \
                 help: rename one with #[node(name = \"...\")], or leave one module out",
                first.module, second.module
            ),
            Problem::GeneratedNameTaken { name, validated, other } => write!(
                f,
                "node `{name}` is defined more than once: the validators of node `{}` generate it\n  \
                 generated by: {validated} (module {}), for #[check_output]\n  \
                 also defined: {other} (module {})\n  \
                 help: rename the other node, or rename `{}` with #[node(name = \"...\")]",
                validated.node, validated.module, other.module, validated.node
            ),
            Problem::InvalidValidator { node, validator, reason } => write!(
                f,
                "validator `{validator}` of node `{}` ({node}) cannot work: {reason}\n  \
                 help: correct its arguments in #[check_output] / #[check_output_custom]",
                node.node
            ),
            Problem::ConflictingVariants { name, first, second } => write!(
                f,
                "config variants of node `{name}` conflict: both apply with this config\n  \
                 {} [{}]\n  {} [{}]\n  \
                 help: make their config conditions exclusive",
                first.0, first.1, second.0, second.1
            ),
            Problem::DuplicateDefault { name, first, second } => write!(
                f,
                "node `{name}` has two #[config_when_default] variants\n  {first}\n  {second}"
            ),
            Problem::TypeMismatch { name, producer, produced, consumer } => {
                write!(
                    f,
                    "type mismatch on `{name}`: `{}` wants `{}` but `{name}` is `{}`\n  \
                     producer: {producer} -> {} ({})\n  \
                     consumer: {}, parameter `{name}: {}` (needs {})",
                    consumer.site.function,
                    consumer.param_type,
                    produced.0,
                    produced.0,
                    produced.1,
                    consumer.site,
                    consumer.param_type,
                    consumer.value_type
                )?;
                same_spelling_help(
                    f,
                    name,
                    (&produced.0, &produced.1),
                    &consumer.param_type,
                    &consumer.value_type,
                )
            }
            Problem::InputTypeConflict { name, consumers } => {
                write!(f, "external input `{name}` is wanted as different types")?;
                consumer_lines(f, name, consumers)
            }
            Problem::Cycle { path } => {
                // A long cycle shows its first nodes and how many more there are.
                const SHOWN: usize = 10;
                let nodes = &path[..path.len().saturating_sub(1)];
                let mut names: Vec<String> =
                    nodes.iter().take(SHOWN).map(|s| s.node.clone()).collect();
                if nodes.len() > SHOWN {
                    names.push(format!("... ({} more)", nodes.len() - SHOWN));
                }
                names.extend(path.last().map(|s| s.node.clone()));
                write!(f, "the graph has a cycle: {}", names.join(" -> "))?;
                for site in nodes.iter().take(SHOWN) {
                    write!(f, "\n  `{}`: {site}", site.node)?;
                }
                Ok(())
            }
            Problem::ConfigInputOverlap { keys } => write!(
                f,
                "keys present in both config and inputs: {}; config and inputs must be disjoint",
                quoted(keys)
            ),
            Problem::MissingInput { name, type_name, consumers, hint } => {
                write!(f, "required input `{name}` ({type_name}) was not provided")?;
                if consumers.is_empty() {
                    write!(f, "; it was requested as an output")?;
                } else {
                    write!(f, "; needed by:")?;
                    for c in consumers {
                        write!(f, "\n  `{}`: {c}", c.node)?;
                    }
                }
                hint.fmt(f)
            }
            Problem::UnknownNode { name, role, suggestion } => {
                write!(f, "unknown {role} `{name}`: no node has this name")?;
                did_you_mean(f, suggestion)
            }
            Problem::WrongValueType { name, role, expected, got, needed_by } => {
                write!(f, "{role} `{name}` has type {got}, but the graph needs {expected}")?;
                if let Some(site) = needed_by {
                    write!(f, "\n  needed by `{}`: {site}", site.node)?;
                }
                Ok(())
            }
            Problem::UnknownOverride { name, suggestion } => {
                write!(f, "override `{name}` names no node")?;
                did_you_mean(f, suggestion)
            }
            Problem::InputNamesComputedNode { name, site } => write!(
                f,
                "input `{name}` names a computed node ({site}); \
                 pass it as an override to replace the node"
            ),
            Problem::NoPath { from, to } => write!(
                f,
                "no path leads from `{from}` to `{to}`: `{to}` does not depend on `{from}`\n  \
                 help: swap them if `{from}` depends on `{to}`, or look at display_downstream_of([\"{from}\"])"
            ),
            Problem::UnknownPictureFormat { path, extension } => write!(
                f,
                "cannot write a picture to `{path}`: {} names no picture format\n  \
                 help: end the file name with .svg, .dot or .gv",
                if extension.is_empty() {
                    "no extension".to_string()
                } else {
                    format!("extension `.{extension}`")
                }
            ),
            Problem::NothingSelected => write!(
                f,
                "the driver has no nodes: no module was selected\n  \
                 help: pass module handles to with_modules([my_pipeline::MODULE]); a module gets \
                 its `MODULE` from a `hamilton_core::module!();` line in it"
            ),
            Problem::UndeclaredInput { name, type_name, consumers, hint } => {
                write!(
                    f,
                    "`{name}` ({type_name}) is an external input, but it is not declared in \
                     with_inputs; taken by:"
                )?;
                for c in consumers {
                    write!(f, "\n  `{}`: {c}", c.node)?;
                }
                hint.fmt(f)?;
                if hint.suggestion.is_none() && hint.inactive_variants.is_empty() {
                    write!(f, "\n  help: declare it with with_inputs, or rename the parameter")?;
                }
                Ok(())
            }
            Problem::UnusedDeclaredInput { name, provided_by, suggestion } => {
                match provided_by {
                    None => write!(f, "declared input `{name}` is taken by no node")?,
                    Some(p) => {
                        write!(f, "declared input `{name}` is no external input: {p} provides it")?
                    }
                }
                did_you_mean(f, suggestion)?;
                if suggestion.is_none() {
                    write!(f, "\n  help: remove it from with_inputs")?;
                }
                Ok(())
            }
            Problem::DeclaredInputType { name, declared, consumers } => {
                write!(f, "input `{name}` is declared as {declared}, but its consumers need:")?;
                consumer_lines(f, name, consumers)
            }
            Problem::UnusedConfigKey { key, suggestion } => {
                write!(
                    f,
                    "config key `{key}` is read by no config condition and taken by no node"
                )?;
                did_you_mean(f, suggestion)
            }
            Problem::NestedBlock { inner, outer } => write!(
                f,
                "map/collect blocks cannot nest: `{}` returns Parallelizable but depends per item \
                 on `{}`, so it would expand once per item of `{}`\n  \
                 inner expand: {inner}\n  outer expand: {outer}\n  \
                 help: collect the outer block first and expand the collected values, or expand \
                 over pairs in one node",
                inner.node, outer.node, outer.node
            ),
            Problem::NodeInTwoBlocks { node, first, second } => write!(
                f,
                "node `{}` ({node}) depends per item on two expand nodes, `{}` and `{}`: a node \
                 runs once per item of one block only\n  \
                 first expand:  {first}\n  second expand: {second}\n  \
                 help: collect one of the blocks first (a `Collect<T>` parameter) and take the \
                 collected value",
                node.node, first.node, second.node
            ),
            Problem::CollectWithoutBlock { collector, name, producer } => {
                write!(
                    f,
                    "`{}` ({collector}) collects `{name}`, which does not run per item: no \
                     Parallelizable node is upstream of it",
                    collector.node
                )?;
                if let Some(site) = producer {
                    write!(f, "\n  `{name}`: {site}")?;
                } else {
                    write!(f, "\n  `{name}` is an input or config entry")?;
                }
                write!(
                    f,
                    "\n  help: take `{name}` as an ordinary parameter, or make a node upstream of \
                     it return Parallelizable<T>"
                )
            }
            Problem::BlockNodeInRequest { node, expand, role } => write!(
                f,
                "node `{}` ({node}) runs once per item of `{}` and cannot be {role}\n  \
                 expand: {expand}\n  \
                 help: request or override the node that collects it, or the expand node `{}` \
                 (an override takes a Vec of items)",
                node.node, expand.node, expand.node
            ),
            Problem::BlockCycle { expand, nodes } => {
                write!(
                    f,
                    "the block of `{}` ({expand}) needs a value computed from its own collected \
                     values: a block runs as a whole, before the nodes that collect from it",
                    expand.node
                )?;
                for site in nodes {
                    write!(f, "\n  `{}`: {site}", site.node)?;
                }
                write!(
                    f,
                    "\n  help: compute these values from the block's inputs, or start a second \
                     block after the collect"
                )
            }
            Problem::NoExecutorThreads => write!(
                f,
                "the parallel executor was given 0 threads; it needs at least 1\n  \
                 help: use Executor::parallel() for one thread per core, or \
                 Executor::Parallel {{ threads: n }} with n >= 1"
            ),
            Problem::AsyncNodeNeedsAsyncExecutor { site, executor } => write!(
                f,
                "node `{}` ({site}) is async, but the driver's executor ({executor}) runs only \
                 synchronous nodes\n  \
                 help: build the driver with .with_executor(Executor::Async) (feature `async` of \
                 hamilton-core) and run it with execute_async(..).await",
                site.node
            ),
            Problem::WrongEntryPoint { executor, called, instead } => write!(
                f,
                "`{called}` cannot run this driver: its executor is {executor}\n  \
                 help: call `{instead}` instead, or build the driver with another executor"
            ),
            Problem::NoAsyncRuntime => write!(
                f,
                "execute_async was awaited outside a tokio runtime: the async executor spawns \
                 its nodes on the current runtime\n  \
                 help: await it inside #[tokio::main], a Runtime's block_on, or a task spawned \
                 on a runtime"
            ),
            Problem::Io(p) => p.fmt(f),
            Problem::TwoGracefulAdapters { first, second } => write!(
                f,
                "two graceful-error adapters were installed (`{first}` and `{second}`); at most \
                 one may decide what a node failure does\n  \
                 help: install a single GracefulErrors (GracefulErrors::catching filters errors)"
            ),
        }
    }
}

/// When producer and parameter read alike, says what differs: the parameter form (`Option<..>`,
/// `&..`, `Arc<..>`) takes a value of another type, or two types share a name.
fn same_spelling_help(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    (produced_spelled, produced): (&str, &str),
    spelled: &str,
    needs: &str,
) -> fmt::Result {
    if needs == produced {
        return Ok(());
    }
    if spelled != produced_spelled {
        let short = short_type_name(needs);
        if short == short_type_name(produced) {
            write!(
                f,
                "\n  help: `{short}` names two different types here: the parameter needs {needs}, \
                 the producer gives {produced}"
            )?;
        }
        return Ok(());
    }
    let form = if spelled.starts_with("Option<") {
        Some("an `Option<..>` parameter is an optional dependency on a value of the type inside it")
    } else if spelled.starts_with('&') {
        Some("a `&..` parameter borrows a value of the type behind the reference")
    } else if spelled.starts_with("Arc<") {
        Some("an `Arc<..>` parameter shares a value of the type inside it")
    } else {
        None
    };
    match form {
        Some(form) => write!(
            f,
            "\n  help: both are spelled `{spelled}`, but {form}, so `{name}: {spelled}` needs a \
             {needs}, not a {produced}; to take the whole value, write `{name}: &{spelled}`"
        ),
        None => write!(
            f,
            "\n  help: both are spelled `{spelled}`, but they are different types: the parameter \
             needs {needs}, the producer gives {produced}"
        ),
    }
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// Every problem found by one build or request check, reported together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// The problems, in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }

    /// The codes of all problems, in order (handy in tests).
    pub fn codes(&self) -> Vec<&'static str> {
        self.0.iter().map(Problem::code).collect()
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One problem reads as itself; several get a count first.
        if let [one] = self.0.as_slice() {
            return one.fmt(f);
        }
        write!(f, "{} problems found:", self.0.len())?;
        for p in &self.0 {
            write!(f, "\n\n{p}")?;
        }
        Ok(())
    }
}

/// Why a node stopped the run.
#[derive(Debug)]
#[non_exhaustive]
pub enum Cause {
    /// The function returned `Err`.
    Returned(BoxError),
    /// The function panicked, with this message.
    Panicked(String),
    /// H020: validators of importance `fail` did not pass; every failing one, in order.
    Validation(Vec<ValidationResult>),
}

/// A node that failed during a run, with its location and the cause.
#[derive(Debug)]
pub struct NodeFailure {
    /// Where the failing node is.
    pub site: Site,
    /// What happened.
    pub cause: Cause,
    /// For a node of a map/collect block: the index (from 0) of the item it failed on.
    pub item: Option<usize>,
}

impl fmt::Display for NodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let site = &self.site;
        let on_item = match self.item {
            Some(i) => format!(" on item {i} (counted from 0)"),
            None => String::new(),
        };
        match &self.cause {
            // A loader or saver names its node, path and cause itself (H064, H065).
            Cause::Returned(e) if e.is::<crate::io::IoFailure>() => e.fmt(f),
            Cause::Returned(e) => {
                let code = returned_code(e);
                write!(f, "error[{code}]: node `{}` ({site}) failed{on_item}: {e}", site.node)
            }
            Cause::Panicked(msg) => {
                write!(f, "error[H014]: node `{}` ({site}) panicked{on_item}: {msg}", site.node)
            }
            Cause::Validation(failed) => {
                let n = failed.len();
                let validators = if n == 1 { "validator" } else { "validators" };
                write!(
                    f,
                    "error[H020]: data validation failed for node `{}` ({site}){on_item}: {n} \
                     {validators} of importance `fail` did not pass",
                    site.node
                )?;
                for result in failed {
                    write!(f, "\n  - {result}")?;
                }
                Ok(())
            }
        }
    }
}

/// The error type of hamilton-core.
#[non_exhaustive]
pub enum Error {
    /// The graph or the request is wired wrongly: every problem found, together.
    Invalid(Problems),
    /// H013 (returned `Err`), H014 (panicked) or H020 (data validation failed): a node stopped
    /// the run.
    NodeFailed(Box<NodeFailure>),
    /// H015: an output was read as a type other than its own.
    OutputType {
        /// The output name.
        name: String,
        /// Its type.
        stored: String,
        /// The type asked for.
        asked: String,
    },
    /// H016: an output was read that the request did not ask for.
    OutputNotRequested {
        /// The name read.
        name: String,
        /// What the request asked for.
        requested: Vec<String>,
    },
    /// H016: an output was read after [`Outputs::take`](crate::Outputs::take) removed it.
    OutputTaken {
        /// The name read.
        name: String,
        /// The outputs still held.
        remaining: Vec<String>,
    },
    /// H080: a lifecycle hook panicked; the run stopped (see [`hooks`](crate::hooks)).
    HookPanicked {
        /// The adapter's name ([`Adapter::name`](crate::hooks::Adapter::name)).
        adapter: String,
        /// The hook that panicked, e.g. `after_node`.
        hook: &'static str,
        /// The node the hook was called for (node hooks only).
        node: Option<String>,
        /// The item index, for a node inside a map/collect block.
        item: Option<usize>,
        /// The panic message.
        message: String,
    },
    /// H081: a requested output was not computed because a node failed under
    /// [`GracefulErrors`](crate::hooks::GracefulErrors).
    OutputSkipped {
        /// The output read.
        name: String,
        /// The node whose failure made it skip (the output itself, when it failed).
        failed: String,
    },
    /// H051: a file could not be written (nothing is left behind).
    Write {
        /// The file.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// H021: a result builder could not combine the outputs; every problem found.
    ResultBuild {
        /// The builder, e.g. `DataFrameResult`.
        builder: &'static str,
        /// What is wrong, one sentence each.
        problems: Vec<String>,
    },
}

impl Error {
    /// The stable codes this error carries (several for [`Error::Invalid`]).
    pub fn codes(&self) -> Vec<&'static str> {
        match self {
            Error::Invalid(p) => p.codes(),
            Error::NodeFailed(failure) => match &failure.cause {
                Cause::Returned(e) => vec![returned_code(e)],
                Cause::Panicked(_) => vec!["H014"],
                Cause::Validation(_) => vec!["H020"],
            },
            Error::OutputType { .. } => vec!["H015"],
            Error::OutputNotRequested { .. } | Error::OutputTaken { .. } => vec!["H016"],
            Error::ResultBuild { .. } => vec!["H021"],
            Error::Write { .. } => vec!["H051"],
            Error::HookPanicked { .. } => vec!["H080"],
            Error::OutputSkipped { .. } => vec!["H081"],
        }
    }

    /// The problems, when this is [`Error::Invalid`].
    pub fn problems(&self) -> Option<&Problems> {
        match self {
            Error::Invalid(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(problems) => problems.fmt(f),
            Error::NodeFailed(failure) => failure.fmt(f),
            Error::OutputType { name, stored, asked } => {
                write!(
                    f,
                    "error[H015]: output `{name}` has type {stored}, but it was read as {asked}"
                )
            }
            Error::OutputNotRequested { name, requested } => write!(
                f,
                "error[H016]: output `{name}` was not requested; the request asked for {}",
                quoted(requested)
            ),
            Error::OutputTaken { name, remaining } => {
                write!(f, "error[H016]: output `{name}` was already taken out with `take`")?;
                if remaining.is_empty() {
                    write!(f, "; no output is left")
                } else {
                    write!(f, "; the outputs left are {}", quoted(remaining))
                }
            }
            Error::Write { path, reason } => {
                write!(f, "error[H051]: cannot write `{path}`: {reason}")
            }
            Error::HookPanicked { adapter, hook, node, item, message } => {
                write!(f, "error[H080]: lifecycle adapter `{adapter}` panicked in `{hook}`")?;
                match (node, item) {
                    (Some(node), Some(i)) => write!(f, " for node `{node}` (item {i})")?,
                    (Some(node), None) => write!(f, " for node `{node}`")?,
                    _ => {}
                }
                if *hook == "after_graph_built" {
                    write!(f, ": {message}\n  the driver was not built")
                } else {
                    write!(f, ": {message}\n  the run was stopped; the driver stays usable")
                }
            }
            Error::OutputSkipped { name, failed } if name == failed => write!(
                f,
                "error[H081]: output `{name}` was not computed: the node failed and \
                 GracefulErrors kept the run going (its failure is in the adapter's failures)"
            ),
            Error::OutputSkipped { name, failed } => write!(
                f,
                "error[H081]: output `{name}` was not computed: it depends on node `{failed}`, \
                 which failed and GracefulErrors skipped its dependents (the failure is in the \
                 adapter's failures)"
            ),
            Error::ResultBuild { builder, problems } => {
                write!(f, "error[H021]: {builder} cannot combine the outputs:")?;
                for p in problems {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

/// `Debug` prints the readable message, so `fn main() -> Result<(), Error>` reports it well.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::NodeFailed(failure) => match &failure.cause {
                Cause::Returned(e) => Some(&**e),
                Cause::Panicked(_) | Cause::Validation(_) => None,
            },
            _ => None,
        }
    }
}

impl From<Problems> for Error {
    fn from(p: Problems) -> Self {
        Error::Invalid(p)
    }
}

/// A type name without module paths: `alloc::vec::Vec<alloc::string::String>` is
/// `Vec<String>`.
pub(crate) fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut segment = 0;
    let mut chars = full.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if full[i..].starts_with("::") {
            out.truncate(segment);
            chars.next();
        } else {
            out.push(c);
            segment = out.len();
        }
    }
    out
}

/// The closest of `candidates` to `name`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(cur).min(row[j]) };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The code of a node's returned error: a failed load or save (H064, H065) and a missing
/// column (H070) have their own, every other error is H013.
fn returned_code(e: &crate::BoxError) -> &'static str {
    if let Some(io) = e.downcast_ref::<crate::io::IoFailure>() {
        io.code()
    } else if e.is::<crate::MissingColumn>() {
        "H070"
    } else {
        "H013"
    }
}

/// One line per consumer: its site, the parameter as written and the value type it needs.
fn consumer_lines(f: &mut fmt::Formatter<'_>, name: &str, consumers: &[Consumer]) -> fmt::Result {
    for c in consumers {
        write!(f, "\n  {}: `{name}: {}` (needs {})", c.site, c.param_type, c.value_type)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name_within_reach() {
        let names = ["mean", "median", "centered"];
        assert_eq!(suggest("maen", names.iter().copied()), Some("mean".into()));
        assert_eq!(suggest("centred", names.iter().copied()), Some("centered".into()));
        assert_eq!(suggest("zzzzzz", names.iter().copied()), None);
    }

    #[test]
    fn short_type_names_drop_module_paths() {
        assert_eq!(short_type_name("alloc::vec::Vec<alloc::string::String>"), "Vec<String>");
        assert_eq!(
            short_type_name("std::collections::hash::map::HashMap<&str, (i64, f64)>"),
            "HashMap<&str, (i64, f64)>"
        );
        assert_eq!(short_type_name("f64"), "f64");
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
