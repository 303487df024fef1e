//! A command line for the user's own binary (feature `cli`): list, view, validate, run,
//! catalog, version and diff, mounted in one line.
//!
//! ```no_run
//! use hamilton_core::Driver;
//! # mod pipeline { hamilton_core::module!(); }
//!
//! fn main() -> std::process::ExitCode {
//!     hamilton_core::cli::main(Driver::builder().with_modules([pipeline::MODULE]))
//! }
//! ```
//!
//! Exit codes: 0 when all went well, 1 when a run failed (a node returned an error, panicked or
//! failed a validator) or a file could not be written, 2 for usage and validation errors (a bad
//! flag, a graph or request with problems). `--config key=value` (any command) adds a config
//! entry, as text, before the graph is built.

use std::any::TypeId;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::driver::{Builder, Driver};
use crate::error::{Error, Problem, Problems, Site, ValueRole, suggest};
use crate::graph::NodeKind;
use crate::graph::lineage::TagFilter;
use crate::values::{Config, Inputs, Overrides};
use crate::viz::ViewOptions;

#[derive(Parser, Debug)]
#[command(about = "Look at, check and run this program's dataflow", long_about = None)]
struct Cli {
    /// A config entry, as text (repeatable): --config env=prod
    #[arg(long = "config", value_name = "KEY=VALUE", global = true)]
    config: Vec<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the nodes: name, kind, type (filter by tag: --tag stage=train, --tag owner)
    List {
        /// A tag the node must have, with this value when given (repeatable; all must hold)
        #[arg(long = "tag", value_name = "KEY[=VALUE]")]
        tags: Vec<String>,
    },
    /// Write a picture of the graph (.svg, .dot or .gv)
    View {
        /// The file to write
        #[arg(long)]
        out: PathBuf,
        /// Only these outputs and what they need
        #[arg(long = "output", value_delimiter = ',')]
        outputs: Vec<String>,
        /// Top to bottom instead of left to right
        #[arg(long)]
        top_down: bool,
    },
    /// Build and check the graph, and the inputs a request would be given
    Validate {
        /// An input the request gets, with its type (repeatable): --input rows=usize
        #[arg(long = "input", value_name = "NAME=TYPE")]
        inputs: Vec<String>,
        /// Outputs to check that the declared inputs suffice for
        #[arg(long = "output", value_delimiter = ',')]
        outputs: Vec<String>,
    },
    /// Compute outputs and print them
    Run {
        /// The outputs to compute
        #[arg(long = "output", value_delimiter = ',', required = true)]
        outputs: Vec<String>,
        /// An input value (repeatable): numbers, booleans, text; a CSV file for a DataFrame
        #[arg(long = "input", value_name = "NAME=VALUE")]
        inputs: Vec<String>,
    },
    /// Print the feature catalog
    Catalog {
        /// Markdown or JSON
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
        /// Write it to this file instead of standard output
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the code version of every function node and of the whole graph
    Version,
    /// Compare two JSON catalogs: nodes added, removed and changed
    Diff {
        /// The older catalog
        old: PathBuf,
        /// The newer catalog
        new: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Md,
    Json,
}

/// A failure of the command line, with its exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e {
            Error::Invalid(_) => 2,
            _ => 1,
        };
        Failure { code, message: e.to_string() }
    }
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// Runs the command line on the process arguments, printing to stdout and stderr.
pub fn main(builder: Builder) -> ExitCode {
    let code = run(builder, std::env::args_os(), &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(code)
}

/// Runs the command line on `args` (the first is the program name); returns the exit code.
pub fn run<I, T>(builder: Builder, args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = if e.use_stderr() {
                write!(err, "{}", e.render())
            } else {
                write!(out, "{}", e.render())
            };
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match command(builder, cli, out) {
        Ok(()) => 0,
        Err(failure) => {
            let _ = writeln!(err, "{}", failure.message);
            failure.code
        }
    }
}

fn command(builder: Builder, cli: Cli, out: &mut dyn Write) -> Result<(), Failure> {
    if let Command::Diff { old, new } = &cli.command {
        return diff(old, new, out);
    }
    let mut config = Config::new();
    for entry in &cli.config {
        let (key, value) = split(entry, "--config", "KEY=VALUE")?;
        config.set(key, value.to_string());
    }
    let dr = builder.with_config(config).build()?;
    let print = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes()).map_err(|e| Failure { code: 1, message: e.to_string() })
    };
    match cli.command {
        Command::List { tags } => {
            let mut filter = TagFilter::new();
            for tag in &tags {
                filter = match tag.split_once('=') {
                    Some((k, v)) => filter.equals(k, v),
                    None => filter.exists(tag.as_str()),
                };
            }
            let mut text = String::new();
            for v in dr.list_available_variables(&filter) {
                let kind = match v.kind() {
                    crate::VariableKind::Function => "function",
                    crate::VariableKind::Config => "config",
                    crate::VariableKind::External => "input",
                };
                let ty = crate::viz::short_type_name(v.type_spelled());
                text.push_str(&format!("{}\t{kind}\t{ty}\n", v.name()));
            }
            print(out, &text)
        }
        Command::View { out: path, outputs, top_down } => {
            let mut options = ViewOptions::new();
            if top_down {
                options = options.orientation(crate::viz::Orientation::TopToBottom);
            }
            let picture = if outputs.is_empty() {
                dr.display_all_functions(&options)
            } else {
                dr.display_upstream_of(&outputs, &options)?
            };
            picture.write(&path)?;
            print(out, &format!("wrote {}\n", path.display()))
        }
        Command::Validate { inputs, outputs } => {
            validate(&dr, &inputs, &outputs)?;
            print(out, &format!("ok: {} nodes, no problem found\n", dr.catalog().nodes.len()))
        }
        Command::Run { outputs, inputs } => {
            let mut given = Inputs::new();
            for entry in &inputs {
                let (name, text) = split(entry, "--input", "NAME=VALUE")?;
                parse_input(&dr, name, text, &mut given)?;
            }
            let result = dr.execute_with(&outputs, given, Overrides::new())?;
            let mut text = String::new();
            for name in &outputs {
                let shown = result
                    .iter()
                    .find(|(n, _, _)| n == name)
                    .map(|(_, value, ty)| show(value, ty.display_name()))
                    .unwrap_or_default();
                text.push_str(&format!("{name} = {shown}\n"));
            }
            print(out, &text)
        }
        Command::Catalog { format, out: path } => {
            let catalog = dr.catalog();
            let text = match format {
                Format::Md => catalog.to_markdown(),
                Format::Json => catalog.to_json(),
            };
            match path {
                Some(path) => {
                    crate::viz::write_whole(&path, text.as_bytes())?;
                    print(out, &format!("wrote {}\n", path.display()))
                }
                None => print(out, &text),
            }
        }
        Command::Version => {
            let catalog = dr.catalog();
            let mut text = String::new();
            for e in catalog.nodes.iter().filter(|e| e.kind == "function") {
                text.push_str(&format!("{}\t{}\n", e.name, e.version.as_deref().unwrap_or("-")));
            }
            text.push_str(&format!("graph\t{}\n", catalog.graph_version));
            print(out, &text)
        }
        Command::Diff { .. } => unreachable!("handled before the build"),
    }
}

fn split<'a>(entry: &'a str, flag: &str, form: &str) -> Result<(&'a str, &'a str), Failure> {
    entry
        .split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| usage(format!("error: {flag} `{entry}` is not of the form {form}")))
}

/// `validate`: the declared inputs are inputs of the graph, of the declared types, and suffice
/// for the outputs (every function node when no output is named). Every problem at once.
fn validate(dr: &Driver, inputs: &[String], outputs: &[String]) -> Result<(), Failure> {
    let graph = dr.graph();
    let mut problems = Vec::new();
    let mut declared = Vec::new();
    for entry in inputs {
        let (name, ty) = split(entry, "--input", "NAME=TYPE")?;
        declared.push(name.to_string());
        match graph.lookup(name) {
            None => problems.push(Problem::UnknownNode {
                name: name.to_string(),
                role: "input",
                suggestion: suggest(name, graph.names()),
            }),
            Some(i) => match &graph.node(i).kind {
                NodeKind::Function(spec) => problems.push(Problem::InputNamesComputedNode {
                    name: name.to_string(),
                    site: spec.site(),
                }),
                NodeKind::Config(_) => {
                    problems.push(Problem::ConfigInputOverlap { keys: vec![name.to_string()] })
                }
                NodeKind::External => {
                    let node = graph.node(i);
                    let spelled = node.ty.display_name();
                    let short = crate::viz::short_type_name(spelled);
                    if ty != short && ty != spelled && ty != (node.ty.name)() {
                        problems.push(Problem::WrongValueType {
                            name: name.to_string(),
                            role: ValueRole::Input,
                            expected: short,
                            got: ty.to_string(),
                            needed_by: graph
                                .users_of(i)
                                .first()
                                .and_then(|&u| graph.node(u).spec().map(|s| s.site())),
                        });
                    }
                }
            },
        }
    }
    let roots: Vec<u32> = if outputs.is_empty() {
        (0..graph.nodes.len() as u32).filter(|&i| graph.node(i).spec().is_some()).collect()
    } else {
        dr.resolve(outputs)?
    };
    let needed = graph.reach(&roots, crate::graph::lineage::Direction::Upstream);
    let mut missing: Vec<(u32, Vec<Site>)> = Vec::new();
    for i in (0..graph.nodes.len() as u32).filter(|&i| needed[i as usize]) {
        let Some(spec) = graph.node(i).spec() else { continue };
        for (param, &dep) in spec.params.iter().zip(graph.deps_of(i)) {
            let node = graph.node(dep);
            if matches!(node.kind, NodeKind::External)
                && !param.is_optional()
                && !declared.iter().any(|d| d == node.name.as_ref())
            {
                match missing.iter_mut().find(|(m, _)| *m == dep) {
                    Some((_, sites)) => sites.push(spec.site()),
                    None => missing.push((dep, vec![spec.site()])),
                }
            }
        }
    }
    missing.sort_by(|a, b| graph.node(a.0).name.cmp(&graph.node(b.0).name));
    for (dep, consumers) in missing {
        let node = graph.node(dep);
        problems.push(Problem::MissingInput {
            name: node.name.to_string(),
            type_name: node.ty.display_name().to_string(),
            consumers,
            hint: crate::driver::wiring::input_hint(graph, dr.config(), &node.name),
        });
    }
    if problems.is_empty() { Ok(()) } else { Err(Error::Invalid(Problems(problems)).into()) }
}

/// Parses an input's text as the type the graph needs (error H054 when it cannot).
fn parse_input(dr: &Driver, name: &str, text: &str, inputs: &mut Inputs) -> Result<(), Failure> {
    let graph = dr.graph();
    let Some(i) = graph.lookup(name) else {
        return Err(Error::Invalid(Problems(vec![Problem::UnknownNode {
            name: name.to_string(),
            role: "input",
            suggestion: suggest(name, graph.names()),
        }]))
        .into());
    };
    let ty = graph.node(i).ty;
    let fail = |why: String| {
        usage(format!(
            "error[H054]: input `{name}` cannot be given as `{text}` on the command line: {why}"
        ))
    };
    macro_rules! parse_as {
        ($($t:ty),*) => {$(
            if ty.id == TypeId::of::<$t>() {
                let value: $t = text
                    .parse()
                    .map_err(|e| fail(format!("not a {} ({e})", stringify!($t))))?;
                inputs.insert(name, value);
                return Ok(());
            }
        )*};
    }
    parse_as!(String, bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
    parse_as!(f32, f64, PathBuf);
    #[cfg(feature = "csv")]
    if ty.id == TypeId::of::<polars::prelude::DataFrame>() {
        use polars::prelude::{CsvReadOptions, SerReader};
        let frame = CsvReadOptions::default()
            .with_has_header(true)
            .try_into_reader_with_file_path(Some(text.into()))
            .and_then(|reader| reader.finish())
            .map_err(|e| fail(format!("reading it as a CSV file failed: {e}")))?;
        inputs.insert(name, frame);
        return Ok(());
    }
    Err(fail(format!(
        "its type {} has no text form (numbers, booleans, text and paths do{})",
        ty.display_name(),
        if cfg!(feature = "csv") { "; a DataFrame is read from a CSV file" } else { "" }
    )))
}

/// A value for the terminal: scalars, text, polars frames and series, validation results;
/// other types by name.
fn show(value: &crate::Value, type_name: &str) -> String {
    macro_rules! try_show {
        ($($t:ty),*) => {$(
            if let Some(v) = value.downcast_ref::<$t>() {
                return v.to_string();
            }
        )*};
    }
    try_show!(String, bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
    try_show!(f32, f64, crate::quality::ValidationResult);
    #[cfg(feature = "polars")]
    try_show!(polars::prelude::DataFrame, polars::prelude::Series);
    format!("<{}>", crate::viz::short_type_name(type_name))
}

/// `diff`: which nodes two JSON catalogs add, remove or change (error H053 for a file that is
/// not a catalog).
fn diff(old: &std::path::Path, new: &std::path::Path, out: &mut dyn Write) -> Result<(), Failure> {
    let read = |path: &std::path::Path| -> Result<Vec<(String, String)>, Failure> {
        let fail = |why: String| {
            usage(format!("error[H053]: `{}` is not a JSON catalog: {why}", path.display()))
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
        let nodes = json
            .get("nodes")
            .and_then(|n| n.as_array())
            .ok_or_else(|| fail("it has no `nodes` list".to_string()))?;
        nodes
            .iter()
            .map(|node| {
                let name = node.get("name").and_then(|n| n.as_str());
                let name = name.ok_or_else(|| fail("a node has no `name`".to_string()))?;
                let version = node.get("version").and_then(|v| v.as_str()).unwrap_or("-");
                let ty = node.get("output_type").and_then(|v| v.as_str()).unwrap_or("");
                Ok((name.to_string(), format!("{version} {ty}")))
            })
            .collect()
    };
    let (before, after) = (read(old)?, read(new)?);
    let find = |list: &[(String, String)], name: &str| {
        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    };
    let mut text = String::new();
    let mut changes = 0;
    for (name, _) in after.iter().filter(|(n, _)| find(&before, n).is_none()) {
        text.push_str(&format!("added    {name}\n"));
        changes += 1;
    }
    for (name, _) in before.iter().filter(|(n, _)| find(&after, n).is_none()) {
        text.push_str(&format!("removed  {name}\n"));
        changes += 1;
    }
    for (name, was) in &before {
        if let Some(now) = find(&after, name).filter(|now| now != was) {
            text.push_str(&format!("changed  {name} ({was} -> {now})\n"));
            changes += 1;
        }
    }
    if changes == 0 {
        text.push_str("no node added, removed or changed\n");
    }
    out.write_all(text.as_bytes()).map_err(|e| Failure { code: 1, message: e.to_string() })
}
