//! # hamilton-core
//!
//! Hamilton's dataflow model in Rust. Every data step is a plain function: `#[node]` registers
//! it, its name is the value it computes and its parameter names are the values it needs. A
//! [`Driver`] collects the nodes of chosen modules, applies config, builds and validates the
//! graph (every wiring mistake reported at once, with source locations and both types), and
//! computes only what is asked for.
//!
//! ```
//! use hamilton_core::prelude::*;
//!
//! /// The numbers to work on.
//! #[node]
//! fn raw(count: &usize) -> Vec<f64> {
//!     (1..=*count).map(|i| i as f64).collect()
//! }
//!
//! /// Their mean.
//! #[node]
//! fn mean(raw: &[f64]) -> f64 {
//!     raw.iter().sum::<f64>() / raw.len() as f64
//! }
//!
//! /// The numbers minus their mean.
//! #[node]
//! fn centered(raw: &[f64], mean: f64) -> Vec<f64> {
//!     raw.iter().map(|x| x - mean).collect()
//! }
//!
//! hamilton_core::module!();
//!
//! // Nodes stay ordinary functions.
//! assert_eq!(mean(&[1.0, 3.0]), 2.0);
//!
//! let dr = Driver::builder().with_modules([MODULE]).build()?;
//! let out = dr.execute(&["mean", "centered"], Inputs::new().with("count", 3_usize))?;
//! assert_eq!(*out.get::<f64>("mean")?, 2.0);
//! assert_eq!(out.get::<Vec<f64>>("centered")?, &vec![-1.0, 0.0, 1.0]);
//! # Ok::<(), hamilton_core::Error>(())
//! ```
//!
//! See the guide in `docs/` for concepts, writing nodes and the error codes.

#[cfg(feature = "cli")]
pub mod cli;
mod driver;
mod error;
mod execute;
mod graph;
pub mod hooks;
pub mod io;
pub mod map;
mod modifiers;
mod outputs;
pub mod quality;
mod registry;
pub mod results;
mod values;
pub mod viz;

/// The polars version hamilton-core is built with: name polars through this path, so a pipeline
/// and the framework share one `DataFrame` type.
#[cfg(feature = "polars")]
pub use polars;

/// The petgraph version [`Driver::to_petgraph`] returns graphs of (feature `petgraph`).
#[cfg(feature = "petgraph")]
pub use petgraph;

pub use driver::{Builder, Driver, ExternalInput};
pub use error::{
    Cause, Consumer, Error, InactiveVariant, InputHint, NodeFailure, Problem, Problems, Producer,
    Site, ValueRole,
};
pub use execute::args::{Args, BoxError, CallResult, NodeError, Value};
pub use execute::executor::Executor;
pub use graph::lineage::{TagFilter, Variable, VariableKind};
pub use map::{Collect, ExpandSpec, Parallelizable};
pub use modifiers::MissingColumn;
pub use outputs::{OutputNames, Outputs};
pub use registry::{
    Call, Condition, ConditionKind, ModuleRef, NodeFuture, NodeSpec, ParamKind, ParamSpec, Str,
    Tag, TypeSpec,
};
pub use values::{Config, Inputs, Overrides};

/// `#[check_output(range = (0, 1), ...)]`: built-in validators of the node's output (see
/// [`quality`]).
pub use hamilton_macros::check_output;
/// `#[check_output_custom(MyValidator, ...)]`: custom validators of the node's output (see
/// [`quality::Validator`]).
pub use hamilton_macros::check_output_custom;
/// `#[config_when(key = "value")]`: the node variant applies when the config key has that value.
pub use hamilton_macros::config_when;
/// `#[config_when_default]`: the node variant applies when no other variant of its name does.
pub use hamilton_macros::config_when_default;
/// `#[config_when_in(key = ["a", "b"])]`: the variant applies when the config value is listed.
pub use hamilton_macros::config_when_in;
/// `#[config_when_not(key = "value")]`: the variant applies unless the config key has that value.
pub use hamilton_macros::config_when_not;
/// `#[does(other_fn)]`: the node's empty body runs another function with the node's parameters.
pub use hamilton_macros::does;
/// `#[extract_columns("a", "b")]`: one `Series` node per column of the returned polars
/// `DataFrame` (see the Modifiers page of the book).
pub use hamilton_macros::extract_columns;
/// `#[extract_fields(a: f64, b: String)]`: one node per field of the returned struct (see the
/// Modifiers page of the book).
pub use hamilton_macros::extract_fields;
/// `#[inject(x = source("a"), k = value(2))]`: binds parameters to other nodes or to values (see
/// the Modifiers page of the book).
pub use hamilton_macros::inject;
/// `#[node]`: registers a function as a node of the dataflow graph. See the crate docs.
pub use hamilton_macros::node;
/// `#[parameterize(out_a(x = value(1)), out_b(x = source("b")))]`: one function, one node per
/// output (see the Modifiers page of the book).
pub use hamilton_macros::parameterize;
/// `#[parameterize_sources(out_a(x = "a"))]`: `#[parameterize]` with every binding a source.
pub use hamilton_macros::parameterize_sources;
/// `#[parameterize_values(x, out_a = 1, out_b = 2)]`: one node per value of one parameter.
pub use hamilton_macros::parameterize_values;
/// `#[save_to(parquet(path = value("out.parquet")), id = "save_x")]`: a saver of the node's
/// value (see [`io`]), run only when its id is requested.
pub use hamilton_macros::save_to;
/// `#[tag(key = "value", ...)]`: metadata on a node, for queries and tooling.
pub use hamilton_macros::tag;
/// `#[tag_outputs(a(key = "value"))]`: tags of single nodes of a function that makes several.
pub use hamilton_macros::tag_outputs;
/// `#[unpack_fields(a, b)]`: one node per element of the returned tuple (see the Modifiers page
/// of the book).
pub use hamilton_macros::unpack_fields;

/// Defines `pub const MODULE: ModuleRef` for the module it is written in.
///
/// Pass `MODULE` to [`Builder::with_modules`]: it selects the `#[node]` functions of this module
/// and its submodules. A misspelled module does not compile, and naming the handle from another
/// crate makes sure that crate, with its registrations, is linked.
///
/// ```
/// mod pipeline {
///     use hamilton_core::prelude::*;
///     #[node]
///     fn one() -> i32 { 1 }
///     hamilton_core::module!();
/// }
/// let dr = hamilton_core::Driver::builder().with_modules([pipeline::MODULE]).build().unwrap();
/// ```
#[macro_export]
macro_rules! module {
    () => {
        /// This module's node handle, for `Builder::with_modules` (it also selects submodules).
        #[allow(dead_code)]
        pub const MODULE: $crate::ModuleRef =
            $crate::ModuleRef::__new(::core::module_path!(), ::core::file!(), ::core::line!());
    };
}

/// What a pipeline module needs: the attributes, the driver and its value types.
pub mod prelude {
    pub use crate::{
        Collect, Config, Driver, Error, Executor, Inputs, Outputs, Overrides, Parallelizable,
        TagFilter, check_output, check_output_custom, config_when, config_when_default,
        config_when_in, config_when_not, does, extract_columns, extract_fields, inject, node,
        parameterize, parameterize_sources, parameterize_values, save_to, tag, unpack_fields,
    };
}

/// Internal: the only surface generated code uses. Not a public API; it may change in any
/// release (the macros crate is pinned to this crate's exact version).
#[doc(hidden)]
pub mod __private {
    pub use crate::execute::access::{
        Access, HamiltonCollect, HamiltonParallelizable, IsClone, IsCollectItem, IsValue,
        NotAValue, NotClone, OwnedAccess, OwnedMissing, OwnedNotClone, OwnedProbe, OwnedReady,
        StdArc, StdOption, ValueMissing, ValueProbe, ValueReady, check_clone, check_collect_item,
        check_value, hamilton_collect, hamilton_parallelizable, std_arc, std_option,
    };
    pub use crate::execute::args::{Args, BoxError, CallResult, NodeError, Value};
    pub use crate::map::{Collect, ExpandSpec};
    #[cfg(feature = "polars")]
    pub use crate::modifiers::columns::{extract_column, extract_column_or};
    pub use crate::quality::{Importance, Validator, ValidatorSpec, run_validator, validators};
    pub use crate::registry::{
        Call, Condition, ConditionKind, NodeFuture, NodeSpec, ParamKind, ParamSpec, Registration,
        Tag, TypeSpec,
    };
    pub use inventory;

    /// What `#[load_from]` / `#[save_to]` expand to.
    pub mod io {
        pub use crate::io::{Declaration, from_, source, to, value};
    }
    #[cfg(feature = "polars")]
    pub use polars::prelude::{DataFrame, Series};
    pub use std::borrow::Cow;
    pub use std::sync::LazyLock;

    /// Boxes a validator for node output type `T`; a validator that does not apply to `T` fails
    /// here, at the attribute argument the call is spanned on.
    pub fn boxed_validator<T: 'static, V: Validator<T>>(v: V) -> Box<dyn Validator<T>> {
        Box::new(v)
    }

    // Values and by-value parameters are checked, and wrapped, through the forms of
    // `execute/access.rs` (`ValueProbe`, `OwnedProbe`): one error per unfit type.

    /// Boxes the future of an `async fn` node's call. The future must be `Send`: the async
    /// executor may poll it on any worker thread of the runtime.
    #[inline]
    pub fn boxed_future<F>(future: F) -> NodeFuture
    where
        F: std::future::Future<Output = CallResult> + Send + 'static,
    {
        Box::pin(future)
    }

    /// `async fn` nodes need the `async` feature of hamilton-core (which brings tokio).
    #[diagnostic::on_unimplemented(
        message = "`async fn` nodes need the `async` feature of hamilton-core",
        label = "needs `hamilton-core` with `features = [\"async\"]`",
        note = "enable it in Cargo.toml: `hamilton-core = {{ version = \"...\", features = [\"async\"] }}`, and build the driver with `Executor::Async`"
    )]
    pub trait AsyncFeature {}
    #[cfg(feature = "async")]
    impl AsyncFeature for () {}

    /// Checks (at compile time, spanned on the `async` keyword) that the `async` feature is on.
    pub fn require_async_feature<T: AsyncFeature>() {}

    /// The error type of a fallible node must convert into a boxed error.
    #[diagnostic::on_unimplemented(
        message = "the error type `{Self}` of a fallible node must convert into `Box<dyn Error + Send + Sync>`",
        label = "not convertible into a boxed error",
        note = "implement `std::error::Error` (with `Display` and `Debug`) for it, or return `Box<dyn Error + Send + Sync>`"
    )]
    pub trait NodeErrorType: Into<BoxError> {}
    impl<E: Into<BoxError>> NodeErrorType for E {}

    /// Checks that a fallible node's error type converts into a boxed error.
    pub fn require_error<E: NodeErrorType>() {}
}
