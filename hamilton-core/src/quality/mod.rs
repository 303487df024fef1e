//! Data quality: validators on node outputs, run as nodes of the graph.
//!
//! `#[check_output(...)]` and `#[check_output_custom(...)]` attach [`Validator`]s to a node `x`.
//! The graph then holds, instead of one node:
//!
//! - `x_raw`: the function itself;
//! - one `x_<validator name>` node per validator (e.g. `x_range_validator`), whose value is a
//!   [`ValidationResult`], tagged `hamilton.data_quality.contains_dq_results = "true"` and
//!   `hamilton.data_quality.source_node = "x"`;
//! - `x`: the raw value again (shared, not copied) once every validator has run. Failures of
//!   [`Importance::Warn`] validators are logged through `tracing`; failures of
//!   [`Importance::Fail`] validators stop the run with error H020, listing each of them.
//!
//! Every one of these nodes can be requested, listed and queried like any other.
//!
//! Built-in validators are in [`validators`]; custom ones implement [`Validator`]:
//!
//! ```
//! use std::borrow::Cow;
//! use hamilton_core::prelude::*;
//! use hamilton_core::quality::{ValidationResult, Validator};
//!
//! /// Passes when a list is sorted, reporting the first pair out of order.
//! struct Sorted;
//!
//! impl Validator<Vec<i64>> for Sorted {
//!     fn name(&self) -> Cow<'static, str> { "sorted_validator".into() }
//!     fn description(&self) -> String { "values are in ascending order".into() }
//!     fn validate(&self, v: &Vec<i64>) -> ValidationResult {
//!         match v.windows(2).position(|w| w[0] > w[1]) {
//!             None => ValidationResult::pass("values are sorted"),
//!             Some(i) => ValidationResult::fail(format!("{} comes before {}", v[i], v[i + 1]))
//!                 .with_diagnostic("index", i + 1),
//!         }
//!     }
//! }
//!
//! #[node]
//! #[check_output_custom(Sorted, importance = "fail")]
//! fn ranks(n: &i64) -> Vec<i64> { vec![3, 1, *n] }
//!
//! hamilton_core::module!();
//!
//! let dr = Driver::builder().with_modules([MODULE]).build().unwrap();
//! let err = dr.execute(&["ranks"], Inputs::new().with("n", 2_i64)).unwrap_err();
//! assert_eq!(err.codes(), ["H020"]);
//! assert!(err.to_string().contains("sorted_validator: 3 comes before 1 (index: 1)"));
//! // The raw value and the validator's result are nodes of their own.
//! let out = dr.execute(&["ranks_raw", "ranks_sorted_validator"], Inputs::new().with("n", 2_i64))
//!     .unwrap();
//! assert!(!out.get::<ValidationResult>("ranks_sorted_validator").unwrap().passes);
//! ```

pub mod validators;

use std::borrow::Cow;
use std::fmt;
use std::panic::catch_unwind;
use std::sync::Arc;

use crate::error::Problem;
use crate::execute::args::{Args, CallResult, NodeError, Value};
use crate::execute::node::panic_message;
use crate::registry::{Call, NodeSpec, ParamKind, ParamSpec, Str, Tag, TypeSpec};

/// What happens when a validator fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Importance {
    /// Log the failure (through `tracing`, at WARN) and go on with the value. The default.
    #[default]
    Warn,
    /// Stop the run with error H020.
    Fail,
}

impl fmt::Display for Importance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Importance::Warn => "warn",
            Importance::Fail => "fail",
        })
    }
}

/// The outcome of one validator on one value: the value of an `x_<validator>` node.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationResult {
    /// Whether the value passed.
    pub passes: bool,
    /// What was found, in a sentence.
    pub message: String,
    /// Details as `(key, value)` pairs, e.g. the first offending value and its index.
    pub diagnostics: Vec<(String, String)>,
    /// The validator's name (filled in when the validator runs as a node).
    pub validator: String,
    /// The importance it ran with (filled in when the validator runs as a node).
    pub importance: Importance,
}

impl ValidationResult {
    /// A passing result.
    pub fn pass(message: impl Into<String>) -> Self {
        Self::new(true, message)
    }

    /// A failing result.
    pub fn fail(message: impl Into<String>) -> Self {
        Self::new(false, message)
    }

    /// A result that passes when `passes` is true.
    pub fn new(passes: bool, message: impl Into<String>) -> Self {
        ValidationResult {
            passes,
            message: message.into(),
            diagnostics: Vec::new(),
            validator: String::new(),
            importance: Importance::Warn,
        }
    }

    /// Adds one diagnostic entry.
    pub fn with_diagnostic(mut self, key: impl Into<String>, value: impl fmt::Display) -> Self {
        self.diagnostics.push((key.into(), value.to_string()));
        self
    }

    /// The diagnostic of that key, if any.
    pub fn diagnostic(&self, key: &str) -> Option<&str> {
        self.diagnostics.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// `validator: message (key: value, ...)`.
impl fmt::Display for ValidationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.validator.is_empty() {
            write!(f, "{}: ", self.validator)?;
        }
        f.write_str(&self.message)?;
        if !self.diagnostics.is_empty() {
            let pairs: Vec<String> =
                self.diagnostics.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            write!(f, " ({})", pairs.join(", "))?;
        }
        Ok(())
    }
}

/// A check of a node output of type `T`.
///
/// Implement it for the types your check applies to; `#[check_output_custom(expr, ...)]` takes
/// any expression whose type implements `Validator<T>` for the node's output type `T`, and a
/// validator that does not apply to that type is a compile error at the attribute.
#[diagnostic::on_unimplemented(
    message = "this validator cannot check a node output of type `{T}`",
    label = "`{Self}` does not apply to `{T}`",
    note = "see the `hamilton_core::quality::validators` docs for the types each built-in validator checks"
)]
pub trait Validator<T: ?Sized>: Send + Sync + 'static {
    /// The validator's name; the result node is `<node>_<name>`. Built-ins use `<arg>_validator`.
    fn name(&self) -> Cow<'static, str>;
    /// What it checks, in a sentence (the result node's documentation).
    fn description(&self) -> String;
    /// Checks one value.
    fn validate(&self, value: &T) -> ValidationResult;

    /// Checks the validator's own arguments, once, when a driver is built: an `Err` (saying what
    /// is wrong) is error H022. The default accepts any.
    fn check_arguments(&self) -> Result<(), String> {
        Ok(())
    }
}

/// One validator attached to a node, as `#[check_output]` emits it.
#[derive(Clone, Debug)]
pub struct ValidatorSpec {
    /// The validator's name (see [`Validator::name`]).
    pub name: fn() -> Cow<'static, str>,
    /// Its description.
    pub description: fn() -> String,
    /// What a failure does.
    pub importance: Importance,
    /// Its [`Validator::check_arguments`], run when a driver is built.
    pub check_arguments: fn() -> Result<(), String>,
    /// Runs it: parameter 0 is the raw value; returns a [`ValidationResult`].
    pub call: Call,
}

/// Runs `validator` on parameter 0 of `args`, recording its name and importance in the result.
#[doc(hidden)]
pub fn run_validator<T: 'static>(
    validator: &dyn Validator<T>,
    importance: Importance,
    args: &mut Args<'_>,
) -> CallResult {
    let value = args.get::<T>(0)?;
    let mut result = validator.validate(value);
    result.validator = validator.name().into_owned();
    result.importance = importance;
    Ok(Value::new(result))
}

/// What the final `x` node knows of one of its validators.
struct Check {
    /// The validator's name, with `_1`, `_2`... when a node has several of that name.
    label: String,
    importance: Importance,
}

/// The call of the final `x` node: parameter 0 is the raw value, then one result per check.
///
/// Importance comes from the attribute, not from the result value, so an override of a result
/// node cannot turn a `fail` check into a warning.
fn finish(node: &str, checks: &[Check], args: &mut Args<'_>) -> CallResult {
    let raw = args.value(0)?;
    let mut failed = Vec::new();
    for (i, check) in checks.iter().enumerate() {
        let result = args.get::<ValidationResult>(i + 1)?;
        if result.passes {
            continue;
        }
        let mut result = result.clone();
        result.validator.clone_from(&check.label);
        result.importance = check.importance;
        match check.importance {
            Importance::Warn => tracing::warn!(
                target: "hamilton::data_quality",
                node,
                validator = %result.validator,
                "data validation failed for node `{node}`: {result}"
            ),
            Importance::Fail => failed.push(result),
        }
    }
    if failed.is_empty() { Ok(raw) } else { Err(NodeError::Validation(failed)) }
}

/// Tag key set on validator result nodes.
pub const TAG_CONTAINS_RESULTS: &str = "hamilton.data_quality.contains_dq_results";
/// Tag key naming the validated node on its validator result nodes.
pub const TAG_SOURCE_NODE: &str = "hamilton.data_quality.source_node";

/// The nodes a spec with validators becomes: `x_raw`, one node per validator, and `x`.
/// Validators whose arguments are wrong are reported (H022) and still expanded.
pub(crate) fn expand(spec: &NodeSpec, problems: &mut Vec<Problem>) -> Vec<NodeSpec> {
    let name = spec.name.as_ref();
    let raw_name = format!("{name}_raw");
    let raw_param = |kind| ParamSpec {
        name: Cow::Owned(raw_name.clone()),
        ty: spec.output,
        spelled: "",
        kind,
        has_default: false,
    };
    let mut nodes = Vec::with_capacity(spec.validators.len() + 2);
    let mut raw = spec.clone();
    raw.name = Cow::Owned(raw_name.clone());
    raw.validators = Cow::Borrowed(&[]);
    nodes.push(raw);

    let mut final_params = vec![raw_param(ParamKind::Arc)];
    // Result nodes carry the function's tags and the two data-quality tags, as in Hamilton.
    let mut tags = spec.tags.to_vec();
    tags.push(Tag { key: Str::Borrowed(TAG_CONTAINS_RESULTS), value: Str::Borrowed("true") });
    tags.push(Tag { key: Str::Borrowed(TAG_SOURCE_NODE), value: Str::Owned(name.to_string()) });
    let mut checks: Vec<Check> = Vec::with_capacity(spec.validators.len());
    for (i, v) in spec.validators.iter().enumerate() {
        // The instance is made on first use, here: a panic in its constructor is reported as a
        // problem of the build, not let loose.
        let (named, described, checked) = (v.name, v.description, v.check_arguments);
        let described = catch_unwind(move || (named(), described(), checked()));
        let (base, description) = match described {
            Ok((validator, description, arguments)) => {
                if let Err(reason) = arguments {
                    problems.push(Problem::InvalidValidator {
                        node: spec.site(),
                        validator: validator.to_string(),
                        reason,
                    });
                }
                (validator.into_owned(), description)
            }
            Err(payload) => {
                let validator = format!("validator {}", i + 1);
                problems.push(Problem::InvalidValidator {
                    node: spec.site(),
                    validator: validator.clone(),
                    reason: format!("making it panicked: {}", panic_message(&*payload)),
                });
                (validator.replace(' ', "_"), String::new())
            }
        };
        let mut label = base.clone();
        let mut n = 0;
        while checks.iter().any(|c| c.label == label) {
            n += 1;
            label = format!("{base}_{n}");
        }
        let node_name = format!("{name}_{label}");
        checks.push(Check { label, importance: v.importance });
        final_params.push(ParamSpec {
            name: Cow::Owned(node_name.clone()),
            ty: TypeSpec::of::<ValidationResult>(""),
            spelled: "",
            kind: ParamKind::Ref,
            has_default: false,
        });
        nodes.push(NodeSpec {
            name: Cow::Owned(node_name),
            doc: Cow::Owned(description),
            tags: Cow::Owned(tags.clone()),
            default_variant: spec.default_variant,
            params: Cow::Owned(vec![raw_param(ParamKind::Ref)]),
            output: TypeSpec::of::<ValidationResult>(""),
            fallible: false,
            call: v.call.clone(),
            validators: Cow::Borrowed(&[]),
            ..spec.clone()
        });
    }
    let node = name.to_string();
    nodes.push(NodeSpec {
        params: Cow::Owned(final_params),
        fallible: true,
        call: Call::Dynamic(Arc::new(move |args| finish(&node, &checks, args))),
        validators: Cow::Borrowed(&[]),
        ..spec.clone()
    });
    nodes
}
