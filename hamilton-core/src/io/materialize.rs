//! Declaring loaders and savers ([`from_`], [`to`]), turning them into graph nodes, and the
//! driver's `materialize`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::panic::Location;
use std::sync::Arc;
use std::time::Instant;

use super::adapter::{self, LoaderEntry, Lookup, SaverEntry};
use super::problem::{Declared, Direction, IoFailure, IoProblem};
use super::{Loaded, Metadata, Param, Params, declaration};
use crate::driver::{Builder, Driver};
use crate::error::{Error, Problem, Problems, suggest};
use crate::execute::args::{NodeError, Value};
use crate::graph::{Graph, NodeKind, SpecRef, build};
use crate::outputs::Outputs;
use crate::registry::{NodeSpec, ParamKind, ParamSpec, Tag, TypeSpec};
use crate::values::{Config, Inputs, Overrides};

/// A loader or saver declared for one node: made by the functions of [`from_`] and [`to`],
/// completed with [`path`](Materializer::path) and [`param`](Materializer::param).
#[derive(Clone)]
pub struct Materializer {
    format: String,
    role: Role,
    params: Vec<(String, Param)>,
    at: &'static Location<'static>,
}

#[derive(Clone)]
enum Role {
    /// Feeds node `target`.
    Load { target: String, entry: Option<LoaderEntry> },
    /// Node `id` saves node `dependency`.
    Save { id: String, dependency: String, entry: Option<SaverEntry> },
}

impl std::fmt::Debug for Materializer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let declared = self.declared();
        write!(f, "{declared}")
    }
}

impl Materializer {
    #[track_caller]
    fn load(format: &str, target: &str, entry: Option<LoaderEntry>) -> Self {
        Materializer {
            format: format.to_string(),
            role: Role::Load { target: target.to_string(), entry },
            params: Vec::new(),
            at: Location::caller(),
        }
    }

    #[track_caller]
    fn save(format: &str, id: &str, dependency: &str, entry: Option<SaverEntry>) -> Self {
        Materializer {
            format: format.to_string(),
            role: Role::Save { id: id.to_string(), dependency: dependency.to_string(), entry },
            params: Vec::new(),
            at: Location::caller(),
        }
    }

    /// Sets the `path` parameter: a fixed path (`&str`, `PathBuf`, [`value`](super::value)) or
    /// the value of a `String` node, input or config entry ([`source`](super::source)).
    pub fn path(self, path: impl Into<Param>) -> Self {
        self.param("path", path)
    }

    /// Sets any parameter the adapter understands (e.g. `separator` for CSV).
    pub fn param(mut self, key: impl Into<String>, value: impl Into<Param>) -> Self {
        let key = key.into();
        self.params.retain(|(k, _)| *k != key);
        self.params.push((key, value.into()));
        self
    }

    /// The node this materializer adds: `load_data.<target>` for a loader, the id for a saver.
    pub fn node_name(&self) -> String {
        match &self.role {
            Role::Load { target, .. } => format!("load_data.{target}"),
            Role::Save { id, .. } => id.clone(),
        }
    }

    fn declared(&self) -> Declared {
        Declared {
            direction: match self.role {
                Role::Load { .. } => Direction::Load,
                Role::Save { .. } => Direction::Save,
            },
            node: self.node_name(),
            format: self.format.clone(),
            at: format!("{}:{}", self.at.file(), self.at.line()),
        }
    }
}

/// Loaders, Hamilton's `from_`: each feeds a node of the graph, which it replaces (like a
/// computed override); the node's type picks the adapter.
pub mod from_ {
    use super::{LoaderEntry, Materializer};
    use crate::io::DataLoader;

    /// A loader of the named format (built-in or [registered](crate::io::register_loader)).
    #[track_caller]
    pub fn format(name: &str, target: &str) -> Materializer {
        Materializer::load(name, target, None)
    }

    /// A loader given as a value rather than by format name; `name` is shown in messages and
    /// metadata.
    #[track_caller]
    pub fn adapter<T: Send + Sync + 'static, L: DataLoader<T>>(
        name: &str,
        target: &str,
        loader: L,
    ) -> Materializer {
        Materializer::load(name, target, Some(LoaderEntry::new::<T, L>(name, loader)))
    }

    macro_rules! formats {
        ($($(#[$doc:meta])* $name:ident),*) => {$(
            $(#[$doc])*
            #[track_caller]
            pub fn $name(target: &str) -> Materializer {
                Materializer::load(stringify!($name), target, None)
            }
        )*};
    }
    formats!(
        /// CSV into a polars `DataFrame` (feature `csv`).
        csv,
        /// Parquet into a polars `DataFrame` (feature `parquet`).
        parquet,
        /// A JSON array of rows into a polars `DataFrame` (feature `json`).
        json,
        /// Newline-delimited JSON into a polars `DataFrame` (feature `json`).
        ndjson,
        /// Arrow IPC (Feather v2) into a polars `DataFrame` (feature `ipc`).
        ipc,
        /// A UTF-8 text file into a `String`.
        text,
        /// A file's bytes into a `Vec<u8>`.
        bytes
    );

    /// JSON into any `DeserializeOwned` type `T` (feature `serde-json`).
    #[cfg(feature = "serde-json")]
    #[track_caller]
    pub fn serde_json<T>(target: &str) -> Materializer
    where
        T: serde::de::DeserializeOwned + Send + Sync + 'static,
    {
        adapter::<T, _>("serde_json", target, crate::io::SerdeJson)
    }
}

/// Savers, Hamilton's `to`: node `id` saves the value of node `dependency` and produces its
/// [`Metadata`](crate::io::Metadata); the dependency's type picks the adapter.
pub mod to {
    use super::{Materializer, SaverEntry};
    use crate::io::DataSaver;

    /// A saver of the named format (built-in or [registered](crate::io::register_saver)).
    #[track_caller]
    pub fn format(name: &str, id: &str, dependency: &str) -> Materializer {
        Materializer::save(name, id, dependency, None)
    }

    /// A saver given as a value rather than by format name.
    #[track_caller]
    pub fn adapter<T: Send + Sync + 'static, S: DataSaver<T>>(
        name: &str,
        id: &str,
        dependency: &str,
        saver: S,
    ) -> Materializer {
        Materializer::save(name, id, dependency, Some(SaverEntry::new::<T, S>(name, saver)))
    }

    macro_rules! formats {
        ($($(#[$doc:meta])* $name:ident),*) => {$(
            $(#[$doc])*
            #[track_caller]
            pub fn $name(id: &str, dependency: &str) -> Materializer {
                Materializer::save(stringify!($name), id, dependency, None)
            }
        )*};
    }
    formats!(
        /// A polars `DataFrame` as CSV (feature `csv`).
        csv,
        /// A polars `DataFrame` as Parquet (feature `parquet`).
        parquet,
        /// A polars `DataFrame` as a JSON array of rows (feature `json`).
        json,
        /// A polars `DataFrame` as newline-delimited JSON (feature `json`).
        ndjson,
        /// A polars `DataFrame` as Arrow IPC / Feather v2 (feature `ipc`).
        ipc,
        /// A `String` as a UTF-8 text file.
        text,
        /// A `Vec<u8>` as a file.
        bytes
    );

    /// Any `Serialize` type `T` as pretty JSON (feature `serde-json`).
    #[cfg(feature = "serde-json")]
    #[track_caller]
    pub fn serde_json<T>(id: &str, dependency: &str) -> Materializer
    where
        T: serde::Serialize + Send + Sync + 'static,
    {
        adapter::<T, _>("serde_json", id, dependency, crate::io::SerdeJson)
    }
}

/// What [`Driver::materialize`] returns: each saver's metadata, by saver id, and the other
/// requested outputs.
#[derive(Debug)]
pub struct Materialized {
    /// Metadata of every saver that ran, by id.
    pub metadata: BTreeMap<String, Metadata>,
    /// The additional outputs requested.
    pub outputs: Outputs,
}

const HAMILTON_TAG: &str = "hamilton.materializer";

/// The nodes that `materializers` add to `base`, and the names of the nodes that loaders
/// replace; or every problem found.
fn plan_nodes(
    base: &Graph,
    materializers: &[Materializer],
) -> Result<(Vec<NodeSpec>, HashSet<String>), Vec<Problem>> {
    let mut problems = Vec::new();
    let mut specs = Vec::new();
    let mut replaced = HashSet::new();
    let mut names: HashSet<String> = HashSet::new();
    for m in materializers {
        let declared = m.declared();
        if !names.insert(declared.node.clone()) {
            problems.push(io(IoProblem::BadRequest {
                reason: format!(
                    "two materializers add node `{}` (the second declared at {})",
                    declared.node, declared.at
                ),
            }));
            continue;
        }
        match &m.role {
            Role::Load { target, entry } => {
                let Some(t) = lookup(base, target, "loader target", &mut problems) else {
                    continue;
                };
                let node = base.node(t);
                if let NodeKind::Config(_) = node.kind {
                    problems.push(io(IoProblem::BadRequest {
                        reason: format!(
                            "{declared} targets `{target}`, a config entry; config values are \
                             fixed at build time and cannot be loaded"
                        ),
                    }));
                    continue;
                }
                if base.lookup(&declared.node).is_some() {
                    problems.push(taken(&declared));
                    continue;
                }
                let entry = match entry {
                    Some(e) => check_type(e.clone(), &e.ty, base, t, &declared, &mut problems),
                    None => pick(
                        adapter::find_loader(&m.format, node.ty.id),
                        base,
                        t,
                        &declared,
                        &mut problems,
                    ),
                };
                let Some(entry) = entry else { continue };
                let Some(sources) =
                    check_params(m, entry.required, entry.optional, base, &declared, &mut problems)
                else {
                    continue;
                };
                replaced.insert(target.clone());
                specs.extend(loader_nodes(m, entry, sources, node.ty, target, declared));
            }
            Role::Save { id, dependency, entry } => {
                if base.lookup(id).is_some() {
                    problems.push(taken(&declared));
                    continue;
                }
                let Some(d) = lookup(base, dependency, "saver dependency", &mut problems) else {
                    continue;
                };
                let ty = base.node(d).ty;
                let entry = match entry {
                    Some(e) => check_type(e.clone(), &e.ty, base, d, &declared, &mut problems),
                    None => pick(
                        adapter::find_saver(&m.format, ty.id),
                        base,
                        d,
                        &declared,
                        &mut problems,
                    ),
                };
                let Some(entry) = entry else { continue };
                let Some(sources) =
                    check_params(m, entry.required, entry.optional, base, &declared, &mut problems)
                else {
                    continue;
                };
                specs.push(saver_node(m, entry, sources, ty, dependency, declared));
            }
        }
    }
    if problems.is_empty() { Ok((specs, replaced)) } else { Err(problems) }
}

fn io(p: IoProblem) -> Problem {
    Problem::Io(p)
}

fn taken(declared: &Declared) -> Problem {
    io(IoProblem::BadRequest {
        reason: format!("{declared}: a node named `{}` already exists", declared.node),
    })
}

fn lookup(
    base: &Graph,
    name: &str,
    role: &'static str,
    problems: &mut Vec<Problem>,
) -> Option<u32> {
    let found = base.lookup(name);
    if found.is_none() {
        problems.push(Problem::UnknownNode {
            name: name.to_string(),
            role,
            suggestion: suggest(name, base.names()),
        });
    }
    found
}

fn wrong_type(base: &Graph, node: u32, declared: &Declared, handles: Vec<String>) -> Problem {
    let n = base.node(node);
    io(IoProblem::WrongType {
        declared: declared.clone(),
        node: n.name.to_string(),
        node_type: n.ty.display_name().to_string(),
        node_site: n.spec().map(|s| s.site()),
        handles,
    })
}

fn check_type<E>(
    entry: E,
    ty: &TypeSpec,
    base: &Graph,
    node: u32,
    declared: &Declared,
    problems: &mut Vec<Problem>,
) -> Option<E> {
    if ty.id == base.node(node).ty.id {
        Some(entry)
    } else {
        let handles = vec![adapter::short_type_name((ty.name)())];
        problems.push(wrong_type(base, node, declared, handles));
        None
    }
}

fn pick<E>(
    found: Lookup<E>,
    base: &Graph,
    node: u32,
    declared: &Declared,
    problems: &mut Vec<Problem>,
) -> Option<E> {
    let problem = match found {
        Lookup::Found(e) => return Some(e),
        Lookup::WrongType(handles) => wrong_type(base, node, declared, handles),
        Lookup::UnknownFormat(known) => io(IoProblem::UnknownFormat {
            declared: declared.clone(),
            suggestion: suggest(&declared.format, known.iter().map(String::as_str)),
            known,
        }),
    };
    problems.push(problem);
    None
}

/// Checks the parameters against what the adapter accepts; returns the fixed ones resolved and
/// the (key, source node) pairs.
fn check_params(
    m: &Materializer,
    required: &'static [&'static str],
    optional: &'static [&'static str],
    base: &Graph,
    declared: &Declared,
    problems: &mut Vec<Problem>,
) -> Option<(Params, Vec<(String, String)>)> {
    let before = problems.len();
    let bad = |key: &str, reason: String| {
        io(IoProblem::BadParameter { declared: declared.clone(), key: key.to_string(), reason })
    };
    for key in required {
        if !m.params.iter().any(|(k, _)| k == key) {
            problems.push(bad(key, format!("missing; the `{}` adapter requires it", m.format)));
        }
    }
    let mut fixed = Params::new();
    let mut sources = Vec::new();
    for (key, param) in &m.params {
        if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
            let accepted: Vec<&str> = required.iter().chain(optional).copied().collect();
            let mut reason = format!(
                "unknown to the `{}` adapter, which accepts: {}",
                m.format,
                if accepted.is_empty() { "nothing".to_string() } else { accepted.join(", ") }
            );
            if let Some(s) = suggest(key, accepted.iter().copied()) {
                reason.push_str(&format!("\n  help: did you mean `{s}`?"));
            }
            problems.push(bad(key, reason));
            continue;
        }
        match param {
            Param::Value(v) => fixed.insert(key.clone(), v.clone()),
            Param::Source(name) => {
                if let Some(i) = base.lookup(name) {
                    let ty = base.node(i).ty;
                    if ty.id != std::any::TypeId::of::<String>() {
                        problems.push(bad(
                            key,
                            format!(
                                "its source `{name}` is a {}, but parameters take a String",
                                ty.display_name()
                            ),
                        ));
                        continue;
                    }
                }
                sources.push((key.clone(), name.clone()));
            }
        }
    }
    (problems.len() == before).then_some((fixed, sources))
}

fn source_params(sources: &[(String, String)]) -> Vec<ParamSpec> {
    sources
        .iter()
        .map(|(_, node)| ParamSpec::new(node.clone(), TypeSpec::of::<String>(""), ParamKind::Ref))
        .collect()
}

/// Gives a materializer node the declaration's location and its tags.
fn place(mut spec: NodeSpec, m: &Materializer, kind: &str) -> NodeSpec {
    spec.file = Cow::Borrowed(m.at.file());
    spec.line = m.at.line();
    spec.module = Cow::Borrowed("<materializer>");
    spec.tags = Cow::Owned(vec![
        Tag { key: Cow::Borrowed(HAMILTON_TAG), value: Cow::Owned(kind.to_string()) },
        Tag { key: Cow::Borrowed("hamilton.format"), value: Cow::Owned(m.format.clone()) },
    ]);
    spec
}

/// `load_data.<target>` (the load, producing [`Loaded`]) and `<target>` (its value).
fn loader_nodes(
    m: &Materializer,
    entry: LoaderEntry,
    (fixed, sources): (Params, Vec<(String, String)>),
    ty: TypeSpec,
    target: &str,
    declared: Declared,
) -> [NodeSpec; 2] {
    let loader_name = declared.node.clone();
    let target_name = target.to_string();
    let keys: Vec<String> = sources.iter().map(|(k, _)| k.clone()).collect();
    let format = m.format.clone();
    let load = NodeSpec::dynamic(
        loader_name.clone(),
        source_params(&sources),
        TypeSpec::of::<Loaded>(""),
        move |args| {
            let params = resolve(&fixed, &keys, args)?;
            let start = Instant::now();
            match (entry.load)(&params) {
                Ok((value, meta)) => {
                    let metadata = meta.complete(&format, &params, start.elapsed());
                    Ok(Value::new(Loaded { value, metadata }))
                }
                Err(cause) => Err(NodeError::Failed(Box::new(IoFailure {
                    declared: declared.clone(),
                    node: target_name.clone(),
                    path: params.get("path").map(str::to_string),
                    cause,
                }))),
            }
        },
    );
    let value = NodeSpec::dynamic(
        target,
        vec![ParamSpec::new(loader_name, TypeSpec::of::<Loaded>(""), ParamKind::Ref)],
        ty,
        |args| Ok(args.get::<Loaded>(0)?.value.clone()),
    );
    [place(load, m, "loader"), place(value, m, "loaded")]
}

/// `<id>`: saves `dependency`, producing [`Metadata`].
fn saver_node(
    m: &Materializer,
    entry: SaverEntry,
    (fixed, sources): (Params, Vec<(String, String)>),
    ty: TypeSpec,
    dependency: &str,
    declared: Declared,
) -> NodeSpec {
    let mut params = vec![ParamSpec::new(dependency.to_string(), ty, ParamKind::Ref)];
    params.extend(source_params(&sources));
    let keys: Vec<String> = sources.iter().map(|(k, _)| k.clone()).collect();
    let format = m.format.clone();
    let dependency = dependency.to_string();
    let spec = NodeSpec::dynamic(
        declared.node.clone(),
        params,
        TypeSpec::of::<Metadata>(""),
        move |args| {
            let value = args.value(0)?;
            let params = resolve_from(&fixed, &keys, args, 1)?;
            let start = Instant::now();
            match (entry.save)(&value, &params) {
                Ok(meta) => Ok(Value::new(meta.complete(&format, &params, start.elapsed()))),
                Err(cause) => Err(NodeError::Failed(Box::new(IoFailure {
                    declared: declared.clone(),
                    node: dependency.clone(),
                    path: params.get("path").map(str::to_string),
                    cause,
                }))),
            }
        },
    );
    place(spec, m, "saver")
}

fn resolve(
    fixed: &Params,
    keys: &[String],
    args: &mut crate::Args<'_>,
) -> Result<Params, NodeError> {
    resolve_from(fixed, keys, args, 0)
}

fn resolve_from(
    fixed: &Params,
    keys: &[String],
    args: &mut crate::Args<'_>,
    first: usize,
) -> Result<Params, NodeError> {
    let mut params = fixed.clone();
    for (i, key) in keys.iter().enumerate() {
        params.insert(key.clone(), args.get::<String>(first + i)?.clone());
    }
    Ok(params)
}

/// Builds the graph of `specs` plus the nodes of `materializers` (and, with `declared`, of the
/// `#[load_from]` / `#[save_to]` attributes of `base`'s functions), whose types come from `base`,
/// the graph of `specs` alone. Returns the graph and the specs it was built from, or `None` when
/// there is nothing to add.
pub(crate) fn extend(
    base: &Graph,
    specs: &[SpecRef],
    config: &Config,
    later_module_wins: bool,
    materializers: &[Materializer],
    declared: bool,
) -> Option<Result<(Graph, Vec<SpecRef>), Problems>> {
    let mut all_materializers = if declared { declaration::declared_in(base) } else { Vec::new() };
    let materializers = if all_materializers.is_empty() {
        materializers
    } else {
        all_materializers.extend(materializers.iter().cloned());
        &all_materializers
    };
    if materializers.is_empty() {
        return None;
    }
    Some(plan_nodes(base, materializers).map_err(Problems).and_then(|(extra, replaced)| {
        let mut all: Vec<SpecRef> =
            specs.iter().filter(|s| !replaced.contains(s.name.as_ref())).cloned().collect();
        all.extend(extra.into_iter().map(|s| SpecRef::Owned(Arc::new(s))));
        let graph = build::build(all.clone(), config, later_module_wins)?;
        Ok((graph, all))
    }))
}

impl Builder {
    /// Adds loaders and savers to the graph for good (Hamilton's `with_materializers`): a
    /// loader replaces its target node, and a saver becomes a node that runs only when its id is
    /// requested, producing its [`Metadata`].
    pub fn with_materializers(
        mut self,
        materializers: impl IntoIterator<Item = Materializer>,
    ) -> Self {
        self.materializers.extend(materializers);
        self
    }
}

impl Driver {
    /// Runs a request whose inputs come from `materializers`' loaders and whose results go to
    /// their savers (Hamilton's `dr.materialize`). Every saver runs; `extra` names further
    /// outputs to return. The graph with the materializers is built for this call only and
    /// checked as a whole before anything runs.
    pub fn materialize<S: AsRef<str>>(
        &self,
        materializers: &[Materializer],
        extra: &[S],
        inputs: Inputs,
    ) -> Result<Materialized, Error> {
        self.materialize_with(materializers, extra, inputs, Overrides::new())
    }

    /// [`materialize`](Driver::materialize) with overrides.
    pub fn materialize_with<S: AsRef<str>>(
        &self,
        materializers: &[Materializer],
        extra: &[S],
        inputs: Inputs,
        overrides: Overrides,
    ) -> Result<Materialized, Error> {
        let (driver, savers, outputs) = self.materialization(materializers, extra)?;
        let mut out = driver.execute_with(&outputs, inputs, overrides)?;
        let mut metadata = BTreeMap::new();
        for id in savers {
            let meta = out.take::<Metadata>(&id)?;
            metadata.insert(id, meta);
        }
        Ok(Materialized { metadata, outputs: out })
    }

    /// A dry run of [`materialize_with`](Driver::materialize_with): reports the problems it
    /// would, without loading, computing or saving anything.
    pub fn validate_materialization<S: AsRef<str>>(
        &self,
        materializers: &[Materializer],
        extra: &[S],
        inputs: &Inputs,
        overrides: &Overrides,
    ) -> Result<(), Error> {
        let (driver, _, outputs) = self.materialization(materializers, extra)?;
        driver.validate_execution(&outputs, inputs, overrides)
    }

    /// The driver with the materializers' nodes, the saver ids, and the outputs to request.
    fn materialization<S: AsRef<str>>(
        &self,
        materializers: &[Materializer],
        extra: &[S],
    ) -> Result<(Driver, Vec<String>, Vec<String>), Error> {
        let savers: Vec<String> = materializers
            .iter()
            .filter(|m| matches!(m.role, Role::Save { .. }))
            .map(Materializer::node_name)
            .collect();
        if savers.is_empty() && extra.is_empty() {
            return Err(Error::Invalid(Problems(vec![io(IoProblem::BadRequest {
                reason: "no saver and no additional output: nothing would be saved or returned"
                    .to_string(),
            })])));
        }
        let later = self.later_module_wins;
        let (graph, specs) =
            match extend(&self.graph, &self.specs, &self.config, later, materializers, false) {
                Some(built) => built?,
                // Only extra outputs: the driver's own graph serves.
                None => {
                    (build::build(self.specs.clone(), &self.config, later)?, self.specs.clone())
                }
            };
        let mut outputs = savers.clone();
        for name in extra {
            if !outputs.iter().any(|o| o == name.as_ref()) {
                outputs.push(name.as_ref().to_string());
            }
        }
        let driver = Driver::from_parts(graph, self.config.clone(), self.executor, specs, later);
        Ok((driver, savers, outputs))
    }
}
