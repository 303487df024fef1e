//! The built-in validators of `#[check_output(...)]`, one per argument.
//!
//! | argument | checks | applies to |
//! |---|---|---|
//! | `range = (lo, hi)` | every value within `lo..=hi` | numbers, `Vec` of numbers, numeric `Series` |
//! | `values_in = [..]` | every value is one of the list | numbers, `String`, `bool` (as the list's values), their `Vec`s, `Series` |
//! | `data_type = DataType::..` | the polars dtype | `Series` |
//! | `allow_nans = false` | no NaN (and, in a `Series`, no null) | `f32`, `f64`, their `Vec`s, `Series` |
//! | `max_fraction_nans = f` | at most that fraction of NaN / null | `Vec` of floats, `Series` |
//! | `mean_in_range = (lo, hi)` | the mean within `lo..=hi` | `Vec` of numbers, numeric `Series` |
//! | `max_standard_dev = s` | the sample standard deviation at most `s` | `Vec` of numbers, numeric `Series` |
//! | `allow_none = false` | the value is `Some` | `Option<T>` |
//! | `contains = "s"` | the text contains `s` | `String`, `Vec<String>`, string `Series` |
//! | `does_not_contain = "s"` | the text does not contain `s` | `String`, `Vec<String>`, string `Series` |
//! | `schema = [("col", DataType::..), ..]` | the columns exist with those dtypes | `DataFrame` |
//!
//! `range`, `values_in` and `allow_nans` also check an `Option` of a type they apply to: `Some`
//! is checked, `None` passes (combine them with `allow_none = false` to refuse it).
//!
//! Using one on another type is a compile error at the attribute. `range`, `values_in`,
//! `mean_in_range` and `max_standard_dev` skip NaN and null values (`allow_nans` and
//! `max_fraction_nans` are about those). Numbers are compared as `f64`; `values_in` compares an
//! `f32` as the decimal it was written as (`0.1_f32` is in `[0.1]`).
//!
//! Arguments are checked when a driver is built: `range = (10, 0)`, a `max_fraction_nans`
//! outside `0..=1`, a negative `max_standard_dev`, an empty `values_in` list or an empty
//! `contains` text is error H022.
//!
//! Each is also a plain struct implementing [`Validator`], usable with
//! `#[check_output_custom(...)]` or directly:
//!
//! ```
//! use hamilton_core::quality::Validator;
//! use hamilton_core::quality::validators::Range;
//!
//! let result = Range::new(0, 10).validate(&vec![1.0, 50.0, 3.0]);
//! assert!(!result.passes);
//! assert_eq!(result.diagnostic("index"), Some("1"));
//! assert_eq!(result.diagnostic("value"), Some("50"));
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use super::{ValidationResult, Validator};

mod sealed {
    pub trait Sealed {}
}

/// A primitive number a validator can read (as `f64`). Implemented for Rust's integer and float
/// types; sealed.
pub trait Number: sealed::Sealed + Copy + Send + Sync + 'static {
    /// The value as `f64` (large 64-bit integers round).
    fn to_f64(self) -> f64;

    /// The value as `f64` with the decimal it was written as: an `f32` `0.1` is `0.1`, not
    /// `0.10000000149011612` (what `values_in` compares).
    fn to_decimal_f64(self) -> f64 {
        self.to_f64()
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Number for $t {
            #[inline]
            fn to_f64(self) -> f64 { self as f64 }
        }
    )*};
}
numbers!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f64);

impl sealed::Sealed for f32 {}
impl Number for f32 {
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }

    fn to_decimal_f64(self) -> f64 {
        f32_decimal(self)
    }
}

/// An `f32` as the `f64` of its shortest decimal form (what it was written as).
pub(crate) fn f32_decimal(v: f32) -> f64 {
    if v.is_finite() { v.to_string().parse().unwrap_or(f64::from(v)) } else { f64::from(v) }
}

// Validators implement `Validator<T>` for each concrete type they check (not through a blanket
// impl over `Number`), so that using one on another type reports "this validator cannot check a
// node output of type `T`" rather than a missing `Number` bound.
macro_rules! for_numbers {
    ($impls:ident $(for $v:ident)?) => {
        $impls!($($v:)? i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
    };
}
macro_rules! for_floats {
    ($impls:ident $(for $v:ident)?) => {
        $impls!($($v:)? f32, f64);
    };
}

/// `Validator<Vec<T>>` for a validator over a sequence of numbers: its `NAME`, `describe` and
/// `check` (which sees NaN as `None`, as a null in a `Series`).
macro_rules! vec_impls {
    ($v:ident: $($t:ty),*) => {$(
        impl Validator<Vec<$t>> for $v {
            fn name(&self) -> Cow<'static, str> {
                $v::NAME.into()
            }
            fn description(&self) -> String {
                self.describe()
            }
            fn check_arguments(&self) -> Result<(), String> {
                self.arguments()
            }
            fn validate(&self, value: &Vec<$t>) -> ValidationResult {
                self.check(numbers(value))
            }
        }
    )*};
}

/// `Validator<Option<T>>` for a validator of single values `T`: `Some` is checked as `T`, `None`
/// passes (whether a value may be missing is what `allow_none` checks).
macro_rules! option_impls {
    ($v:ty: $($t:ty),*) => {$(
        impl Validator<Option<$t>> for $v {
            fn name(&self) -> Cow<'static, str> {
                <$v>::NAME.into()
            }
            fn description(&self) -> String {
                format!("{}, when there is one", <Self as Validator<$t>>::description(self))
            }
            fn check_arguments(&self) -> Result<(), String> {
                self.arguments()
            }
            fn validate(&self, value: &Option<$t>) -> ValidationResult {
                match value {
                    Some(v) => <Self as Validator<$t>>::validate(self, v),
                    None => ValidationResult::pass("there is no value (None), which allow_none checks"),
                }
            }
        }
    )*};
}

/// One value of a `values_in` list: a number (as `f64`), a text or a boolean.
#[derive(Clone, Debug, PartialEq)]
pub enum AllowedValue {
    /// A number.
    Number(f64),
    /// A text.
    Text(String),
    /// A boolean.
    Bool(bool),
}

impl fmt::Display for AllowedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllowedValue::Number(n) => write!(f, "{n}"),
            AllowedValue::Text(t) => write!(f, "{t:?}"),
            AllowedValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl<N: Number> From<N> for AllowedValue {
    fn from(n: N) -> Self {
        AllowedValue::Number(n.to_decimal_f64())
    }
}

impl From<&str> for AllowedValue {
    fn from(s: &str) -> Self {
        AllowedValue::Text(s.to_string())
    }
}

impl From<String> for AllowedValue {
    fn from(s: String) -> Self {
        AllowedValue::Text(s)
    }
}

impl From<bool> for AllowedValue {
    fn from(b: bool) -> Self {
        AllowedValue::Bool(b)
    }
}

/// `lo..=hi` is a range: neither bound NaN, `lo <= hi`.
fn bounds(lo: f64, hi: f64) -> Result<(), String> {
    if lo.is_nan() || hi.is_nan() {
        Err(format!("a bound is NaN: ({lo}, {hi})"))
    } else if lo > hi {
        Err(format!("the lower bound {lo} is above the upper bound {hi}"))
    } else {
        Ok(())
    }
}

fn interval(lo: f64, hi: f64) -> String {
    format!("[{lo}, {hi}]")
}

/// The values of a slice as a validator walks them: `None` for NaN (as for a null in a `Series`).
fn numbers<N: Number>(values: &[N]) -> impl Iterator<Item = Option<f64>> + '_ {
    values.iter().map(|n| {
        let v = n.to_f64();
        (!v.is_nan()).then_some(v)
    })
}

/// Counts of a walk over numbers.
#[derive(Default)]
struct Stats {
    len: usize,
    missing: usize,
    sum: f64,
    first_missing: Option<usize>,
}

impl Stats {
    fn of(values: impl Iterator<Item = Option<f64>>) -> (Stats, Vec<f64>) {
        let mut stats = Stats::default();
        let mut present = Vec::new();
        for (i, v) in values.enumerate() {
            stats.len += 1;
            match v {
                Some(v) => {
                    stats.sum += v;
                    present.push(v);
                }
                None => {
                    stats.missing += 1;
                    stats.first_missing.get_or_insert(i);
                }
            }
        }
        (stats, present)
    }
}

// ---------------------------------------------------------------------------------------------
// range

/// `range = (lo, hi)`: every value lies within `lo..=hi` (NaN and nulls are skipped).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// The lowest allowed value.
    pub lo: f64,
    /// The highest allowed value.
    pub hi: f64,
}

impl Range {
    /// `lo..=hi`.
    pub fn new(lo: impl Number, hi: impl Number) -> Self {
        Range { lo: lo.to_f64(), hi: hi.to_f64() }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg<A: Number, B: Number>((lo, hi): (A, B)) -> Self {
        Range::new(lo, hi)
    }

    const NAME: &'static str = "range_validator";

    fn arguments(&self) -> Result<(), String> {
        bounds(self.lo, self.hi)
    }

    fn describe(&self) -> String {
        format!("every value lies within {}", interval(self.lo, self.hi))
    }

    fn check(&self, values: impl Iterator<Item = Option<f64>>) -> ValidationResult {
        let mut outside = 0usize;
        let mut first: Option<(usize, f64)> = None;
        let mut len = 0;
        for (i, v) in values.enumerate() {
            len += 1;
            if let Some(v) = v
                && !(self.lo <= v && v <= self.hi)
            {
                outside += 1;
                first.get_or_insert((i, v));
            }
        }
        let range = interval(self.lo, self.hi);
        match first {
            None => ValidationResult::pass(format!("all {len} values are within {range}")),
            Some((index, value)) => ValidationResult::fail(format!(
                "{outside} of {len} values are outside {range}; the first is {value} at index {index}"
            ))
            .with_diagnostic("range", range)
            .with_diagnostic("value", value)
            .with_diagnostic("index", index)
            .with_diagnostic("outside", outside),
        }
    }
}
for_numbers!(vec_impls for Range);

macro_rules! range_impls {
    ($($t:ty),*) => {$(
        impl Validator<$t> for Range {
            fn name(&self) -> Cow<'static, str> {
                "range_validator".into()
            }
            fn description(&self) -> String {
                format!("the value lies within {}", interval(self.lo, self.hi))
            }
            fn check_arguments(&self) -> Result<(), String> {
                self.arguments()
            }
            fn validate(&self, value: &$t) -> ValidationResult {
                let v = value.to_f64();
                let range = interval(self.lo, self.hi);
                if v.is_nan() || (self.lo <= v && v <= self.hi) {
                    ValidationResult::pass(format!("{v} is within {range}"))
                } else {
                    ValidationResult::fail(format!("{v} is outside {range}"))
                        .with_diagnostic("range", range)
                        .with_diagnostic("value", v)
                }
            }
        }
    )*};
}
for_numbers!(range_impls);
for_numbers!(option_impls for Range);

// ---------------------------------------------------------------------------------------------
// values_in

/// `values_in = [..]`: every value is one of the listed values (nulls and NaN are skipped).
///
/// `K` is the kind of the listed values, [`Numbers`], [`Texts`] or [`Flags`], inferred from them:
/// a list of texts checks `String`s, not numbers, so `values_in = ["a"]` on an `i64` output is a
/// compile error at the attribute. Any kind can check a `Series` (its dtype is known at run time).
#[derive(Debug)]
pub struct ValuesIn<K> {
    /// The allowed values.
    pub values: Vec<AllowedValue>,
    kind: PhantomData<fn() -> K>,
}

impl<K> Clone for ValuesIn<K> {
    fn clone(&self) -> Self {
        ValuesIn { values: self.values.clone(), kind: PhantomData }
    }
}

impl<K> PartialEq for ValuesIn<K> {
    fn eq(&self, other: &Self) -> bool {
        self.values == other.values
    }
}

/// The values of a `values_in` list are numbers.
#[derive(Clone, Copy, Debug)]
pub enum Numbers {}
/// The values of a `values_in` list are texts.
#[derive(Clone, Copy, Debug)]
pub enum Texts {}
/// The values of a `values_in` list are booleans.
#[derive(Clone, Copy, Debug)]
pub enum Flags {}

/// What a `values_in` list may hold: numbers, `&str` or `String`, `bool`; `Kind` says which.
pub trait Allowed: Into<AllowedValue> {
    /// [`Numbers`], [`Texts`] or [`Flags`].
    type Kind;
}

impl<N: Number> Allowed for N {
    type Kind = Numbers;
}
impl Allowed for &str {
    type Kind = Texts;
}
impl Allowed for String {
    type Kind = Texts;
}
impl Allowed for bool {
    type Kind = Flags;
}

impl<K> ValuesIn<K> {
    /// Allows `values`.
    pub fn new<S: Allowed<Kind = K>>(values: impl IntoIterator<Item = S>) -> Self {
        ValuesIn { values: values.into_iter().map(Into::into).collect(), kind: PhantomData }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg<S: Allowed<Kind = K>>(values: impl IntoIterator<Item = S>) -> Self {
        ValuesIn::new(values)
    }

    const NAME: &'static str = "values_in_validator";

    fn arguments(&self) -> Result<(), String> {
        if self.values.is_empty() {
            Err("the list of allowed values is empty: no value would pass".into())
        } else {
            Ok(())
        }
    }

    fn describe(&self) -> String {
        format!("every value is one of {}", self.allowed())
    }

    fn allowed(&self) -> String {
        let list: Vec<String> = self.values.iter().map(ToString::to_string).collect();
        format!("[{}]", list.join(", "))
    }

    fn check(&self, values: impl Iterator<Item = Option<AllowedValue>>) -> ValidationResult {
        let mut other = 0usize;
        let mut first: Option<(usize, AllowedValue)> = None;
        let mut len = 0;
        for (i, v) in values.enumerate() {
            len += 1;
            if let Some(v) = v
                && !self.values.contains(&v)
            {
                other += 1;
                if first.is_none() {
                    first = Some((i, v));
                }
            }
        }
        let allowed = self.allowed();
        match first {
            None => ValidationResult::pass(format!("all {len} values are in {allowed}")),
            Some((index, value)) => ValidationResult::fail(format!(
                "{other} of {len} values are not in {allowed}; the first is {value} at index {index}"
            ))
            .with_diagnostic("allowed", allowed)
            .with_diagnostic("value", value)
            .with_diagnostic("index", index)
            .with_diagnostic("not_allowed", other),
        }
    }

    fn check_one(&self, value: Option<AllowedValue>) -> ValidationResult {
        let allowed = self.allowed();
        let Some(value) = value else {
            return ValidationResult::pass("the value is NaN, which values_in leaves out");
        };
        if self.values.contains(&value) {
            ValidationResult::pass(format!("{value} is in {allowed}"))
        } else {
            ValidationResult::fail(format!("{value} is not in {allowed}"))
                .with_diagnostic("allowed", allowed)
                .with_diagnostic("value", value)
        }
    }
}

/// An element `values_in` compares: `None` for NaN, which it leaves out.
trait Element {
    fn allowed_value(&self) -> Option<AllowedValue>;
}

impl<N: Number> Element for N {
    fn allowed_value(&self) -> Option<AllowedValue> {
        let n = self.to_decimal_f64();
        (!n.is_nan()).then_some(AllowedValue::Number(n))
    }
}

impl Element for String {
    fn allowed_value(&self) -> Option<AllowedValue> {
        Some(AllowedValue::Text(self.clone()))
    }
}

impl Element for bool {
    fn allowed_value(&self) -> Option<AllowedValue> {
        Some(AllowedValue::Bool(*self))
    }
}

macro_rules! values_in_impls {
    ($kind:ident: $($t:ty),*) => {$(
        impl Validator<$t> for ValuesIn<$kind> {
            fn name(&self) -> Cow<'static, str> {
                Self::NAME.into()
            }
            fn description(&self) -> String {
                format!("the value is one of {}", self.allowed())
            }
            fn check_arguments(&self) -> Result<(), String> {
                self.arguments()
            }
            fn validate(&self, value: &$t) -> ValidationResult {
                self.check_one(value.allowed_value())
            }
        }

        impl Validator<Vec<$t>> for ValuesIn<$kind> {
            fn name(&self) -> Cow<'static, str> {
                Self::NAME.into()
            }
            fn description(&self) -> String {
                self.describe()
            }
            fn check_arguments(&self) -> Result<(), String> {
                self.arguments()
            }
            fn validate(&self, value: &Vec<$t>) -> ValidationResult {
                self.check(value.iter().map(Element::allowed_value))
            }
        }
    )*};
}
values_in_impls!(Numbers: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
values_in_impls!(Texts: String);
values_in_impls!(Flags: bool);
option_impls!(ValuesIn<Numbers>: i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
option_impls!(ValuesIn<Texts>: String);
option_impls!(ValuesIn<Flags>: bool);

// ---------------------------------------------------------------------------------------------
// allow_nans, max_fraction_nans

/// `allow_nans = false`: no NaN (in a `Series`, no null either). `allow_nans = true` passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllowNans {
    /// Whether NaN values are allowed.
    pub allow: bool,
}

impl AllowNans {
    /// `allow_nans = allow`.
    pub fn new(allow: bool) -> Self {
        AllowNans { allow }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg(allow: bool) -> Self {
        AllowNans { allow }
    }

    const NAME: &'static str = "allow_nans_validator";

    fn arguments(&self) -> Result<(), String> {
        Ok(())
    }

    fn describe(&self) -> String {
        if self.allow {
            "values may be NaN or null".into()
        } else {
            "no value is NaN or null".into()
        }
    }

    fn check(&self, values: impl Iterator<Item = Option<f64>>) -> ValidationResult {
        let (stats, _) = Stats::of(values);
        match stats.first_missing {
            Some(index) if !self.allow => ValidationResult::fail(format!(
                "{} of {} values are NaN or null; the first is at index {index}",
                stats.missing, stats.len
            ))
            .with_diagnostic("index", index)
            .with_diagnostic("nans", stats.missing),
            _ => ValidationResult::pass(format!(
                "{} of {} values are NaN or null",
                stats.missing, stats.len
            )),
        }
    }
}
for_floats!(vec_impls for AllowNans);

macro_rules! allow_nans_impls {
    ($($t:ty),*) => {$(
        impl Validator<$t> for AllowNans {
            fn name(&self) -> Cow<'static, str> {
                "allow_nans_validator".into()
            }
            fn description(&self) -> String {
                if self.allow { "the value may be NaN".into() } else { "the value is not NaN".into() }
            }
            fn validate(&self, value: &$t) -> ValidationResult {
                if !self.allow && value.to_f64().is_nan() {
                    ValidationResult::fail("the value is NaN")
                } else {
                    ValidationResult::pass("the value is allowed")
                }
            }
        }
    )*};
}
for_floats!(allow_nans_impls);
for_floats!(option_impls for AllowNans);

/// `max_fraction_nans = f`: at most that fraction (0..=1) of the values are NaN or null.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaxFractionNans {
    /// The highest allowed fraction.
    pub max: f64,
}

impl MaxFractionNans {
    /// At most a fraction `max` (0 to 1) of NaN or null values.
    pub fn new(max: impl Number) -> Self {
        MaxFractionNans { max: max.to_f64() }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg(max: impl Number) -> Self {
        MaxFractionNans { max: max.to_f64() }
    }

    const NAME: &'static str = "max_fraction_nans_validator";

    fn arguments(&self) -> Result<(), String> {
        if (0.0..=1.0).contains(&self.max) {
            Ok(())
        } else {
            Err(format!("a fraction is between 0 and 1, not {}", self.max))
        }
    }

    fn describe(&self) -> String {
        format!("at most a fraction {} of the values are NaN or null", self.max)
    }

    fn check(&self, values: impl Iterator<Item = Option<f64>>) -> ValidationResult {
        let (stats, _) = Stats::of(values);
        let fraction = if stats.len == 0 { 0.0 } else { stats.missing as f64 / stats.len as f64 };
        let text = format!(
            "{} of {} values ({fraction}) are NaN or null; at most {} is allowed",
            stats.missing, stats.len, self.max
        );
        if fraction <= self.max {
            ValidationResult::pass(text)
        } else {
            ValidationResult::fail(text)
                .with_diagnostic("fraction", fraction)
                .with_diagnostic("max_fraction", self.max)
                .with_diagnostic("first_index", stats.first_missing.unwrap_or(0))
        }
    }
}
for_floats!(vec_impls for MaxFractionNans);

// ---------------------------------------------------------------------------------------------
// mean_in_range, max_standard_dev

/// `mean_in_range = (lo, hi)`: the mean of the values (NaN and nulls skipped) is within `lo..=hi`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanInRange {
    /// The lowest allowed mean.
    pub lo: f64,
    /// The highest allowed mean.
    pub hi: f64,
}

impl MeanInRange {
    /// A mean within `lo..=hi`.
    pub fn new(lo: impl Number, hi: impl Number) -> Self {
        MeanInRange { lo: lo.to_f64(), hi: hi.to_f64() }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg<A: Number, B: Number>((lo, hi): (A, B)) -> Self {
        MeanInRange { lo: lo.to_f64(), hi: hi.to_f64() }
    }

    const NAME: &'static str = "mean_in_range_validator";

    fn arguments(&self) -> Result<(), String> {
        bounds(self.lo, self.hi)
    }

    fn describe(&self) -> String {
        format!("the mean lies within {}", interval(self.lo, self.hi))
    }

    fn check(&self, values: impl Iterator<Item = Option<f64>>) -> ValidationResult {
        let (stats, present) = Stats::of(values);
        let range = interval(self.lo, self.hi);
        if present.is_empty() {
            return ValidationResult::fail(format!("there is no value to average ({range})"));
        }
        let mean = stats.sum / present.len() as f64;
        if self.lo <= mean && mean <= self.hi {
            ValidationResult::pass(format!("the mean {mean} is within {range}"))
        } else {
            ValidationResult::fail(format!("the mean {mean} is outside {range}"))
                .with_diagnostic("mean", mean)
                .with_diagnostic("range", range)
        }
    }
}
for_numbers!(vec_impls for MeanInRange);

/// `max_standard_dev = s`: the sample standard deviation (ddof = 1) is at most `s`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaxStandardDev {
    /// The highest allowed standard deviation.
    pub max: f64,
}

impl MaxStandardDev {
    /// A sample standard deviation of at most `max`.
    pub fn new(max: impl Number) -> Self {
        MaxStandardDev { max: max.to_f64() }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg(max: impl Number) -> Self {
        MaxStandardDev { max: max.to_f64() }
    }

    const NAME: &'static str = "max_standard_dev_validator";

    fn arguments(&self) -> Result<(), String> {
        if self.max >= 0.0 {
            Ok(())
        } else {
            Err(format!("a standard deviation is at least 0, not {}", self.max))
        }
    }

    fn describe(&self) -> String {
        format!("the sample standard deviation is at most {}", self.max)
    }

    fn check(&self, values: impl Iterator<Item = Option<f64>>) -> ValidationResult {
        let (stats, present) = Stats::of(values);
        if present.len() < 2 {
            return ValidationResult::pass(format!(
                "{} value(s): no standard deviation to bound",
                present.len()
            ));
        }
        let mean = stats.sum / present.len() as f64;
        let var = present.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>()
            / (present.len() - 1) as f64;
        let std = var.sqrt();
        if std <= self.max {
            ValidationResult::pass(format!("the standard deviation {std} is at most {}", self.max))
        } else {
            ValidationResult::fail(format!(
                "the standard deviation {std} is above the maximum {}",
                self.max
            ))
            .with_diagnostic("standard_dev", std)
            .with_diagnostic("max_standard_dev", self.max)
        }
    }
}
for_numbers!(vec_impls for MaxStandardDev);

// ---------------------------------------------------------------------------------------------
// allow_none

/// `allow_none = false`: an `Option` output is `Some`. `allow_none = true` passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllowNone {
    /// Whether `None` is allowed.
    pub allow: bool,
}

impl AllowNone {
    /// `allow_none = allow`.
    pub fn new(allow: bool) -> Self {
        AllowNone { allow }
    }

    /// What `#[check_output]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg(allow: bool) -> Self {
        AllowNone { allow }
    }
}

impl<T: Send + Sync + 'static> Validator<Option<T>> for AllowNone {
    fn name(&self) -> Cow<'static, str> {
        "allow_none_validator".into()
    }
    fn description(&self) -> String {
        if self.allow { "the value may be None".into() } else { "the value is not None".into() }
    }
    fn validate(&self, value: &Option<T>) -> ValidationResult {
        match value {
            None if !self.allow => ValidationResult::fail("the value is None"),
            None => ValidationResult::pass("the value is None, which is allowed"),
            Some(_) => ValidationResult::pass("the value is present"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// contains, does_not_contain

/// `contains = "s"` (`present = true`) or `does_not_contain = "s"` (`present = false`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contains {
    /// The text looked for.
    pub needle: String,
    /// Whether it must be present (`contains`) or absent (`does_not_contain`).
    pub present: bool,
}

impl Contains {
    /// Every text contains `needle` (`contains = needle`).
    pub fn new(needle: impl Into<String>) -> Self {
        Contains { needle: needle.into(), present: true }
    }

    /// No text contains `needle` (`does_not_contain = needle`).
    pub fn absent(needle: impl Into<String>) -> Self {
        Contains { needle: needle.into(), present: false }
    }

    /// What `#[check_output(contains = ..)]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn from_arg(needle: impl Into<String>) -> Self {
        Contains::new(needle)
    }

    /// What `#[check_output(does_not_contain = ..)]` calls with the attribute argument.
    #[doc(hidden)]
    pub fn not_from_arg(needle: impl Into<String>) -> Self {
        Contains::absent(needle)
    }

    fn arguments(&self) -> Result<(), String> {
        if self.needle.is_empty() {
            Err("the text to look for is empty: every text contains it".into())
        } else {
            Ok(())
        }
    }

    fn verb(&self) -> &'static str {
        if self.present { "contains" } else { "does not contain" }
    }

    fn verb_plural(&self) -> &'static str {
        if self.present { "contain" } else { "do not contain" }
    }

    fn holds(&self, text: &str) -> bool {
        text.contains(self.needle.as_str()) == self.present
    }

    fn check<'a>(&self, texts: impl Iterator<Item = Option<&'a str>>) -> ValidationResult {
        let mut bad = 0usize;
        let mut first: Option<(usize, String)> = None;
        let mut len = 0;
        for (i, t) in texts.enumerate() {
            len += 1;
            if let Some(t) = t
                && !self.holds(t)
            {
                bad += 1;
                first.get_or_insert_with(|| (i, t.to_string()));
            }
        }
        let needle = &self.needle;
        let verb = self.verb();
        match first {
            None => ValidationResult::pass(format!(
                "all {len} values {} {needle:?}",
                self.verb_plural()
            )),
            Some((index, value)) => ValidationResult::fail(format!(
                "{bad} of {len} values do not satisfy `{verb} {needle:?}`; the first is {value:?} at index {index}"
            ))
            .with_diagnostic("value", format!("{value:?}"))
            .with_diagnostic("index", index),
        }
    }

    fn name_of(&self) -> Cow<'static, str> {
        if self.present { "contains_validator".into() } else { "does_not_contain_validator".into() }
    }
}

impl Validator<String> for Contains {
    fn name(&self) -> Cow<'static, str> {
        self.name_of()
    }
    fn description(&self) -> String {
        format!("the text {} {:?}", self.verb(), self.needle)
    }
    fn check_arguments(&self) -> Result<(), String> {
        self.arguments()
    }
    fn validate(&self, value: &String) -> ValidationResult {
        let (verb, needle) = (self.verb(), &self.needle);
        if self.holds(value) {
            ValidationResult::pass(format!("the text {verb} {needle:?}"))
        } else {
            ValidationResult::fail(format!(
                "the text {value:?} does not satisfy `{verb} {needle:?}`"
            ))
            .with_diagnostic("value", format!("{value:?}"))
        }
    }
}

impl Validator<Vec<String>> for Contains {
    fn name(&self) -> Cow<'static, str> {
        self.name_of()
    }
    fn description(&self) -> String {
        format!("every text {} {:?}", self.verb(), self.needle)
    }
    fn check_arguments(&self) -> Result<(), String> {
        self.arguments()
    }
    fn validate(&self, value: &Vec<String>) -> ValidationResult {
        self.check(value.iter().map(|s| Some(s.as_str())))
    }
}

#[cfg(feature = "polars")]
mod frames;
#[cfg(feature = "polars")]
pub use frames::{DataTypeIs, Schema};
