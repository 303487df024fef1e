//! What a `#[node]` registers, and how the registered nodes are collected and selected by module.
//!
//! Every `#[node]` function emits one [`NodeSpec`] in a `static` and submits it through
//! `inventory`. [`ModuleRef`] handles (made with [`module!`](crate::module)) select the specs of
//! one module and its submodules; naming a handle from another crate also makes the linker keep
//! that crate, so its registrations are never lost.

use std::any::TypeId;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use crate::error::Site;
use crate::execute::args::{Args, CallResult, NodeError};
use crate::map::ExpandSpec;
use crate::quality::ValidatorSpec;

/// A string that is usually `'static` (from generated code) but may be owned (manual nodes).
pub type Str = Cow<'static, str>;

/// The identity of a Rust type as the graph sees it: its [`TypeId`], its full name, and the
/// spelling the user wrote in the source (empty when the node was not written by hand).
#[derive(Clone, Copy)]
pub struct TypeSpec {
    /// `TypeId::of::<T>()`: what edges and inputs are matched on.
    pub id: TypeId,
    /// `std::any::type_name::<T>` (a function, because `type_name` is not `const`).
    pub name: fn() -> &'static str,
    /// The type as spelled in the source, e.g. `Vec<f64>`.
    pub spelled: &'static str,
}

impl TypeSpec {
    /// The spec of `T`, with the user's spelling (pass `""` when there is none).
    pub const fn of<T: ?Sized + 'static>(spelled: &'static str) -> Self {
        TypeSpec { id: TypeId::of::<T>(), name: std::any::type_name::<T>, spelled }
    }

    /// The name to show a user: the source spelling when known, the full name otherwise.
    pub fn display_name(&self) -> &'static str {
        if self.spelled.is_empty() { (self.name)() } else { self.spelled }
    }
}

impl fmt::Debug for TypeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str((self.name)())
    }
}

impl PartialEq for TypeSpec {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// How a node function takes one of its parameters (DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// `&T` (also `&str` for a `String` value and `&[T]` for a `Vec<T>`): borrows the stored value.
    Ref,
    /// `T`: cloned, or moved when this is the value's last consumer.
    Owned,
    /// `Arc<T>`: shares the stored value without copying it.
    Arc,
    /// `Option<&T>`: `None` when nothing provides the value.
    OptionRef,
    /// `Option<T>`: `None` when nothing provides the value.
    OptionOwned,
    /// `Option<Arc<T>>`: `None` when nothing provides the value.
    OptionArc,
    /// `Collect<T>`: the per-item values of a map/collect block node, gathered in item order.
    Collect,
}

impl ParamKind {
    /// Whether the parameter may be left without a value (an optional dependency).
    pub fn is_option(self) -> bool {
        matches!(self, ParamKind::OptionRef | ParamKind::OptionOwned | ParamKind::OptionArc)
    }

    /// Whether the parameter takes its value by value (a move is possible on last use).
    pub fn is_owned(self) -> bool {
        matches!(self, ParamKind::Owned | ParamKind::OptionOwned | ParamKind::Collect)
    }
}

/// One parameter of a node function: a dependency on the value of the same name.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    /// The parameter name, which is the name of the value it needs.
    pub name: Str,
    /// The type of the *value* it needs (`f64` for `&f64`, `String` for `&str`).
    pub ty: TypeSpec,
    /// The parameter type as written, e.g. `&Vec<f64>`.
    pub spelled: &'static str,
    /// How the value is passed.
    pub kind: ParamKind,
    /// Whether `#[default(expr)]` supplies a value when nothing else does.
    pub has_default: bool,
}

impl ParamSpec {
    /// Whether the node can run without this value (an `Option` or a `#[default]`).
    pub fn is_optional(&self) -> bool {
        self.kind.is_option() || self.has_default
    }
}

/// One `key = "value"` tag of a node (`#[tag(...)]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// The tag key.
    pub key: Str,
    /// The tag value.
    pub value: Str,
}

/// Which config test a [`Condition`] applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionKind {
    /// `#[config_when(k = "v")]`: the config value equals `v`.
    When,
    /// `#[config_when_not(k = "v")]`: the config value is absent or differs from `v`.
    WhenNot,
    /// `#[config_when_in(k = ["a", "b"])]`: the config value is one of the listed values.
    WhenIn,
}

/// One config test on one key; all conditions of a node must hold for it to be part of the graph.
#[derive(Clone, Debug)]
pub struct Condition {
    /// The config key tested.
    pub key: Str,
    /// The test.
    pub kind: ConditionKind,
    /// The value(s) compared with the config value's text.
    pub values: Cow<'static, [Str]>,
}

impl Condition {
    /// Whether the condition holds for a config value's text (`None` when the key is absent or
    /// its value has no text form).
    pub fn holds(&self, text: Option<&str>) -> bool {
        let matches = |t: &str| self.values.iter().any(|v| v == t);
        match self.kind {
            ConditionKind::When | ConditionKind::WhenIn => text.is_some_and(matches),
            ConditionKind::WhenNot => !text.is_some_and(matches),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ConditionKind::When => write!(f, "config_when({} = {:?})", self.key, self.values[0]),
            ConditionKind::WhenNot => {
                write!(f, "config_when_not({} = {:?})", self.key, self.values[0])
            }
            ConditionKind::WhenIn => write!(f, "config_when_in({} = {:?})", self.key, self.values),
        }
    }
}

/// The future an async node's shim returns: it owns everything the call needs (its arguments
/// are taken out of [`Args`] before the future is made), so it can run on any thread.
pub type NodeFuture = Pin<Box<dyn Future<Output = CallResult> + Send + 'static>>;

/// The function that runs a node: reads its arguments from [`Args`] and returns its value.
#[derive(Clone)]
pub enum Call {
    /// A generated shim (what `#[node]` emits).
    Fn(fn(&mut Args<'_>) -> CallResult),
    /// A closure, for nodes made at run time.
    Dynamic(Arc<dyn Fn(&mut Args<'_>) -> CallResult + Send + Sync>),
    /// The shim of an `async fn` node: takes its arguments (as `Arc`s or owned values) out of
    /// [`Args`] and returns the future of the call. Runs only under the async executor.
    Async(fn(&mut Args<'_>) -> NodeFuture),
    /// An async closure, for async nodes made at run time (see [`NodeSpec::dynamic_async`]).
    DynamicAsync(Arc<dyn Fn(&mut Args<'_>) -> NodeFuture + Send + Sync>),
}

impl Call {
    /// Whether the call returns a future (an `async fn` node), which only the async executor
    /// can run.
    pub fn is_async(&self) -> bool {
        matches!(self, Call::Async(_) | Call::DynamicAsync(_))
    }

    /// Whether the call was made at run time, so its output type is checked after each call.
    pub(crate) fn is_dynamic(&self) -> bool {
        matches!(self, Call::Dynamic(_) | Call::DynamicAsync(_))
    }

    /// Runs a synchronous call. An async call cannot run here: the graph checks (H040) keep
    /// async nodes out of drivers whose executor is not async, so this is an error, not a panic.
    #[inline]
    pub(crate) fn invoke(&self, args: &mut Args<'_>) -> CallResult {
        match self {
            Call::Fn(f) => f(args),
            Call::Dynamic(f) => f(args),
            Call::Async(_) | Call::DynamicAsync(_) => Err(NodeError::Failed(
                "an async node cannot run under a synchronous executor".into(),
            )),
        }
    }

    /// Starts a call: an async call returns its future, a synchronous one is `None` (run it with
    /// [`invoke`](Call::invoke) where blocking is allowed).
    #[cfg(feature = "async")]
    #[inline]
    pub(crate) fn start(&self, args: &mut Args<'_>) -> Option<NodeFuture> {
        match self {
            Call::Async(f) => Some(f(args)),
            Call::DynamicAsync(f) => Some(f(args)),
            Call::Fn(_) | Call::Dynamic(_) => None,
        }
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Call::Fn(_) => "Call::Fn",
            Call::Dynamic(_) => "Call::Dynamic",
            Call::Async(_) => "Call::Async",
            Call::DynamicAsync(_) => "Call::DynamicAsync",
        })
    }
}

/// Everything the framework knows about one node function.
///
/// `#[node]` builds one as a `static`; [`Builder::with_node`](crate::Builder::with_node) accepts
/// hand-made ones for nodes created at run time.
#[derive(Clone, Debug)]
pub struct NodeSpec {
    /// The node name (the function name without a `__variant` suffix, or `#[node(name = ..)]`).
    pub name: Str,
    /// The function name as written.
    pub function: Str,
    /// `module_path!()` of the function.
    pub module: Str,
    /// `file!()` of the function.
    pub file: Str,
    /// The line of the function name.
    pub line: u32,
    /// The doc comment, one string.
    pub doc: Str,
    /// `#[tag(...)]` entries.
    pub tags: Cow<'static, [Tag]>,
    /// Config conditions (all must hold).
    pub conditions: Cow<'static, [Condition]>,
    /// `#[config_when_default]`: used when no other variant of the name applies.
    pub default_variant: bool,
    /// The parameters, in declaration order.
    pub params: Cow<'static, [ParamSpec]>,
    /// The type of the value produced.
    pub output: TypeSpec,
    /// Whether the function returns `Result<T, E>`.
    pub fallible: bool,
    /// A hash of the function's tokens (doc comments excluded): changes when the code changes.
    pub code_version: u64,
    /// How to run it.
    pub call: Call,
    /// `#[check_output]` / `#[check_output_custom]` validators of its value (see
    /// [`quality`](crate::quality)): in the graph, the node becomes `x_raw`, one node per
    /// validator and the validated `x`.
    pub validators: Cow<'static, [ValidatorSpec]>,
    /// For a node returning [`Parallelizable<T>`](crate::Parallelizable) (an expand node): its
    /// item type and how its value splits into items.
    pub expand: Option<ExpandSpec>,
}

impl NodeSpec {
    /// A node made at run time: `name` computed by `call` from `params`, producing `output`.
    ///
    /// The location fields name the caller's source location; docs, tags and config conditions
    /// start empty and can be set on the returned value.
    ///
    /// ```
    /// use hamilton_core::prelude::*;
    /// use hamilton_core::{NodeSpec, ParamSpec, ParamKind, TypeSpec};
    ///
    /// let double = NodeSpec::dynamic(
    ///     "double",
    ///     vec![ParamSpec::new("x", TypeSpec::of::<i64>(""), ParamKind::Ref)],
    ///     TypeSpec::of::<i64>(""),
    ///     |args| Ok(hamilton_core::Value::new(args.get::<i64>(0)? * 2)),
    /// );
    /// let dr = Driver::builder().with_node(double).build().unwrap();
    /// let out = dr.execute(&["double"], Inputs::new().with("x", 21_i64)).unwrap();
    /// assert_eq!(*out.get::<i64>("double").unwrap(), 42);
    /// ```
    #[track_caller]
    pub fn dynamic(
        name: impl Into<String>,
        params: Vec<ParamSpec>,
        output: TypeSpec,
        call: impl Fn(&mut Args<'_>) -> CallResult + Send + Sync + 'static,
    ) -> Self {
        let call = Call::Dynamic(Arc::new(call));
        NodeSpec::made_at_run_time(
            name.into(),
            params,
            output,
            call,
            std::panic::Location::caller(),
        )
    }

    fn made_at_run_time(
        name: String,
        params: Vec<ParamSpec>,
        output: TypeSpec,
        call: Call,
        location: &'static std::panic::Location<'static>,
    ) -> Self {
        NodeSpec {
            function: Cow::Owned(name.clone()),
            name: Cow::Owned(name),
            module: Cow::Borrowed("<dynamic>"),
            file: Cow::Borrowed(location.file()),
            line: location.line(),
            doc: Cow::Borrowed(""),
            tags: Cow::Borrowed(&[]),
            conditions: Cow::Borrowed(&[]),
            default_variant: false,
            params: Cow::Owned(params),
            output,
            fallible: true,
            code_version: 0,
            call,
            validators: Cow::Borrowed(&[]),
            expand: None,
        }
    }

    /// An async node made at run time: like [`dynamic`](NodeSpec::dynamic), but `call` takes
    /// what it needs out of [`Args`] and returns a future (a [`NodeFuture`]) that computes the
    /// value. Such a node runs only under the async executor.
    ///
    /// ```
    /// # #[cfg(feature = "async")] {
    /// use hamilton_core::prelude::*;
    /// use hamilton_core::{NodeSpec, ParamKind, ParamSpec, TypeSpec, Value};
    ///
    /// let doubled = NodeSpec::dynamic_async(
    ///     "doubled",
    ///     vec![ParamSpec::new("x", TypeSpec::of::<i64>(""), ParamKind::Arc)],
    ///     TypeSpec::of::<i64>(""),
    ///     |args| {
    ///         // Take the arguments now; the future owns them.
    ///         let x = args.arc::<i64>(0);
    ///         Box::pin(async move { Ok(Value::new(*x? * 2)) })
    ///     },
    /// );
    /// let dr = Driver::builder().with_node(doubled).with_executor(Executor::Async).build().unwrap();
    /// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let out = runtime.block_on(dr.execute_async(&["doubled"], Inputs::new().with("x", 21_i64)));
    /// assert_eq!(*out.unwrap().get::<i64>("doubled").unwrap(), 42);
    /// # }
    /// ```
    #[track_caller]
    pub fn dynamic_async(
        name: impl Into<String>,
        params: Vec<ParamSpec>,
        output: TypeSpec,
        call: impl Fn(&mut Args<'_>) -> NodeFuture + Send + Sync + 'static,
    ) -> Self {
        let call = Call::DynamicAsync(Arc::new(call));
        NodeSpec::made_at_run_time(
            name.into(),
            params,
            output,
            call,
            std::panic::Location::caller(),
        )
    }

    /// Where the function is: node and function name, module and `file:line`.
    pub(crate) fn site(&self) -> Site {
        Site {
            node: self.name.to_string(),
            function: self.function.to_string(),
            module: self.module.to_string(),
            file: self.file.to_string(),
            line: self.line,
        }
    }

    /// Where the function is, as `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Whether the node takes part in a graph built with `config` (ignoring default variants,
    /// which the graph builder resolves against the other variants of the same name).
    pub(crate) fn conditions_hold(&self, config: &crate::Config) -> bool {
        self.conditions.iter().all(|c| c.holds(config.text(&c.key)))
    }
}

impl ParamSpec {
    /// A parameter without a default.
    pub fn new(name: impl Into<String>, ty: TypeSpec, kind: ParamKind) -> Self {
        ParamSpec { name: Cow::Owned(name.into()), ty, spelled: "", kind, has_default: false }
    }
}

/// What `inventory` collects: a pointer to one generated [`NodeSpec`].
#[doc(hidden)]
pub struct Registration(pub &'static NodeSpec);

inventory::collect!(Registration);

/// All registered specs of this program, sorted by (module, name) once per process.
pub(crate) fn registered() -> &'static [&'static NodeSpec] {
    static ALL: OnceLock<Vec<&'static NodeSpec>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static NodeSpec> =
            inventory::iter::<Registration>.into_iter().map(|r| r.0).collect();
        all.sort_by(|a, b| {
            (&a.module, &a.name, &a.function, a.line).cmp(&(
                &b.module,
                &b.name,
                &b.function,
                b.line,
            ))
        });
        all
    })
}

/// The registered specs of `module` and its submodules, in (module, name) order.
///
/// Sorted paths keep the module itself in one run and its submodules (`module::…`) in another;
/// binary searches find both without walking siblings that merely share a prefix (`a::b0`).
pub(crate) fn in_module(module: &str) -> impl Iterator<Item = &'static NodeSpec> {
    let all = registered();
    let run = |from: usize, belongs: &dyn Fn(&str) -> bool| {
        let len = all[from..].partition_point(|s| belongs(&s.module));
        &all[from..from + len]
    };
    let own_start = all.partition_point(|s| s.module.as_ref() < module);
    let own = run(own_start, &|m| m == module);
    let prefix = format!("{module}::");
    let sub_start = all.partition_point(|s| s.module.as_ref() < prefix.as_str());
    let sub = run(sub_start, &|m| m.starts_with(prefix.as_str()));
    own.iter().chain(sub).copied()
}

/// All module paths that hold at least one registered node (for did-you-mean suggestions).
pub(crate) fn known_modules() -> impl Iterator<Item = &'static str> {
    let mut last: Option<&'static str> = None;
    registered().iter().filter_map(move |s| {
        let m: &'static str = match &s.module {
            Cow::Borrowed(m) => m,
            Cow::Owned(_) => return None,
        };
        if last == Some(m) {
            None
        } else {
            last = Some(m);
            Some(m)
        }
    })
}

/// A compiler-checked handle on a module of nodes, made by [`module!`](crate::module).
///
/// Passing it to [`Builder::with_modules`](crate::Builder::with_modules) selects the nodes of that
/// module and of its submodules. Because the handle is an item of the module, a typo does not
/// compile, and naming it from another crate makes that crate (and its registrations) linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleRef {
    path: &'static str,
    file: &'static str,
    line: u32,
}

impl ModuleRef {
    #[doc(hidden)]
    pub const fn __new(path: &'static str, file: &'static str, line: u32) -> Self {
        ModuleRef { path, file, line }
    }

    /// The module path, e.g. `my_crate::pipeline`.
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// Where the `module!()` line is, as `file:line`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}
