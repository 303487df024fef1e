//! Every built-in validator on a passing and a failing value of each type it supports.

use hamilton_core::polars::prelude::{DataFrame, DataType, NamedFrom, Series, df};
use hamilton_core::prelude::*;
use hamilton_core::quality::validators::{
    AllowNans, AllowNone, AllowedValue, Contains, DataTypeIs, MaxFractionNans, MaxStandardDev,
    MeanInRange, Range, Schema, ValuesIn,
};
use hamilton_core::quality::{Importance, ValidationResult, Validator};

/// The diagnostics of a result as `(key, value)` pairs of `&str`.
fn diags(r: &ValidationResult) -> Vec<(&str, &str)> {
    r.diagnostics.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Asserts a passing result with this message and no diagnostics.
#[track_caller]
fn assert_pass(r: &ValidationResult, message: &str) {
    assert!(r.passes, "expected a pass: {r}");
    assert_eq!(r.message, message);
    assert!(r.diagnostics.is_empty(), "a pass has no diagnostics: {r}");
}

/// Asserts a passing result without diagnostics, whatever its message.
#[track_caller]
fn assert_passes(r: &ValidationResult) {
    assert!(r.passes, "expected a pass: {r}");
    assert!(r.diagnostics.is_empty(), "a pass has no diagnostics: {r}");
}

/// Asserts a failing result with this message and these diagnostics, in order.
#[track_caller]
fn assert_fail(r: &ValidationResult, message: &str, diagnostics: &[(&str, &str)]) {
    assert!(!r.passes, "expected a failure: {r}");
    assert_eq!(r.message, message);
    assert_eq!(diags(r), diagnostics);
}

fn series<T, P: ?Sized>(name: &str, values: T) -> Series
where
    Series: NamedFrom<T, P>,
{
    Series::new(name.into(), values)
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

// ---------------------------------------------------------------------------------------------
// ValidationResult, names, descriptions

#[test]
fn a_result_displays_validator_message_and_diagnostics() {
    let mut r = ValidationResult::fail("50 is outside [0, 10]")
        .with_diagnostic("range", "[0, 10]")
        .with_diagnostic("value", 50);
    assert_eq!(r.to_string(), "50 is outside [0, 10] (range: [0, 10], value: 50)");
    r.validator = "range_validator".into();
    assert_eq!(r.to_string(), "range_validator: 50 is outside [0, 10] (range: [0, 10], value: 50)");
    assert_eq!(r.diagnostic("value"), Some("50"));
    assert_eq!(r.diagnostic("index"), None);
    let ok = ValidationResult::pass("fine");
    assert!(ok.passes && ok.diagnostics.is_empty() && ok.validator.is_empty());
    assert_eq!(ok.importance, Importance::Warn);
    assert_eq!(ok.to_string(), "fine");
    assert_eq!(ValidationResult::new(false, "no"), ValidationResult::fail("no"));
    assert_eq!(Importance::default(), Importance::Warn);
    assert_eq!(format!("{} {}", Importance::Warn, Importance::Fail), "warn fail");
}

#[test]
fn built_in_validators_are_named_after_their_argument() {
    let names = [
        <Range as Validator<i64>>::name(&Range::new(0, 1)),
        <ValuesIn<_> as Validator<String>>::name(&ValuesIn::from_arg(["a"])),
        <DataTypeIs as Validator<Series>>::name(&DataTypeIs::from_arg(DataType::Int64)),
        <AllowNans as Validator<f64>>::name(&AllowNans::from_arg(false)),
        <MaxFractionNans as Validator<Vec<f64>>>::name(&MaxFractionNans::from_arg(0.1)),
        <MeanInRange as Validator<Vec<f64>>>::name(&MeanInRange::from_arg((0, 1))),
        <MaxStandardDev as Validator<Vec<f64>>>::name(&MaxStandardDev::from_arg(1)),
        <AllowNone as Validator<Option<i64>>>::name(&AllowNone::from_arg(false)),
        <Contains as Validator<String>>::name(&Contains::from_arg("a")),
        <Contains as Validator<Series>>::name(&Contains::not_from_arg("a")),
        <Schema as Validator<DataFrame>>::name(&Schema::new([("a", DataType::Int64)])),
    ];
    assert_eq!(
        names.map(|n| n.into_owned()),
        [
            "range_validator",
            "values_in_validator",
            "data_type_validator",
            "allow_nans_validator",
            "max_fraction_nans_validator",
            "mean_in_range_validator",
            "max_standard_dev_validator",
            "allow_none_validator",
            "contains_validator",
            "does_not_contain_validator",
            "schema_validator",
        ]
    );
}

#[test]
fn built_in_validators_describe_what_they_check() {
    let range = Range::new(0, 10);
    assert_eq!(<Range as Validator<i64>>::description(&range), "the value lies within [0, 10]");
    assert_eq!(
        <Range as Validator<Vec<f32>>>::description(&range),
        "every value lies within [0, 10]"
    );
    assert_eq!(
        <Range as Validator<Series>>::description(&range),
        "every value lies within [0, 10]"
    );
    assert_eq!(
        <ValuesIn<_> as Validator<String>>::description(&ValuesIn::from_arg(["a", "b"])),
        "the value is one of [\"a\", \"b\"]"
    );
    assert_eq!(
        <ValuesIn<_> as Validator<bool>>::description(&ValuesIn::from_arg([true])),
        "the value is one of [true]"
    );
    assert_eq!(
        <Contains as Validator<Vec<String>>>::description(&Contains::not_from_arg("x")),
        "every text does not contain \"x\""
    );
    assert_eq!(
        <Schema as Validator<DataFrame>>::description(&Schema::new([
            ("a", DataType::Int64),
            ("b", DataType::String)
        ])),
        "the DataFrame has the columns {a: i64, b: str}"
    );
    assert_eq!(
        <AllowNone as Validator<Option<u8>>>::description(&AllowNone::from_arg(false)),
        "the value is not None"
    );
    assert_eq!(
        <DataTypeIs as Validator<Series>>::description(&DataTypeIs::from_arg(DataType::Float64)),
        "the Series has dtype f64"
    );
}

// ---------------------------------------------------------------------------------------------
// range

#[test]
fn range_on_scalars() {
    let r = Range::from_arg((0, 10));
    assert_eq!(r, Range { lo: 0.0, hi: 10.0 });
    assert_pass(&r.validate(&5_i64), "5 is within [0, 10]");
    assert_pass(&r.validate(&0_i64), "0 is within [0, 10]");
    assert_pass(&r.validate(&10_i64), "10 is within [0, 10]");
    assert_fail(
        &r.validate(&50_i64),
        "50 is outside [0, 10]",
        &[("range", "[0, 10]"), ("value", "50")],
    );
    assert_fail(
        &r.validate(&-1_i32),
        "-1 is outside [0, 10]",
        &[("range", "[0, 10]"), ("value", "-1")],
    );
    assert_pass(&r.validate(&7_u8), "7 is within [0, 10]");
    assert_fail(
        &r.validate(&11_usize),
        "11 is outside [0, 10]",
        &[("range", "[0, 10]"), ("value", "11")],
    );

    let r = Range::from_arg((0.5, 1.5));
    assert_pass(&r.validate(&1.25_f64), "1.25 is within [0.5, 1.5]");
    assert_fail(
        &r.validate(&0.25_f32),
        "0.25 is outside [0.5, 1.5]",
        &[("range", "[0.5, 1.5]"), ("value", "0.25")],
    );
    // NaN is not out of range: `allow_nans` is the check for NaN.
    assert!(r.validate(&f64::NAN).passes);
}

#[test]
fn range_on_vecs_reports_the_first_value_outside() {
    let r = Range::from_arg((0, 10));
    assert_pass(&r.validate(&vec![0.0_f64, 5.5, 10.0]), "all 3 values are within [0, 10]");
    assert_fail(
        &r.validate(&vec![1.0_f64, 50.0, 3.0, -2.0]),
        "2 of 4 values are outside [0, 10]; the first is 50 at index 1",
        &[("range", "[0, 10]"), ("value", "50"), ("index", "1"), ("outside", "2")],
    );
    assert_pass(&r.validate(&vec![3_i32, 4]), "all 2 values are within [0, 10]");
    assert_fail(
        &r.validate(&vec![3_i32, 4, 12]),
        "1 of 3 values are outside [0, 10]; the first is 12 at index 2",
        &[("range", "[0, 10]"), ("value", "12"), ("index", "2"), ("outside", "1")],
    );
    assert_pass(&r.validate(&Vec::<u64>::new()), "all 0 values are within [0, 10]");
    // NaN is skipped, but counted in the length.
    assert_pass(&r.validate(&vec![f32::NAN, 1.0]), "all 2 values are within [0, 10]");
    assert_fail(
        &r.validate(&vec![f64::NAN, 11.0]),
        "1 of 2 values are outside [0, 10]; the first is 11 at index 1",
        &[("range", "[0, 10]"), ("value", "11"), ("index", "1"), ("outside", "1")],
    );
}

#[test]
fn range_on_series_skips_nulls_and_nan() {
    let r = Range::from_arg((0, 10));
    assert_pass(&r.validate(&series("a", &[1_i64, 2, 10])), "all 3 values are within [0, 10]");
    assert_fail(
        &r.validate(&series("a", &[1_i64, 20, 3, 30])),
        "2 of 4 values are outside [0, 10]; the first is 20 at index 1",
        &[("range", "[0, 10]"), ("value", "20"), ("index", "1"), ("outside", "2")],
    );
    let floats = series("f", &[Some(1.5_f64), None, Some(f64::NAN), Some(9.0)]);
    assert_pass(&r.validate(&floats), "all 4 values are within [0, 10]");
    let floats = series("f", &[Some(1.5_f64), None, Some(f64::NAN), Some(-0.5)]);
    assert_fail(
        &r.validate(&floats),
        "1 of 4 values are outside [0, 10]; the first is -0.5 at index 3",
        &[("range", "[0, 10]"), ("value", "-0.5"), ("index", "3"), ("outside", "1")],
    );
    let small = series("u", &[Some(200_u32), None]);
    assert_fail(
        &r.validate(&small),
        "1 of 2 values are outside [0, 10]; the first is 200 at index 0",
        &[("range", "[0, 10]"), ("value", "200"), ("index", "0"), ("outside", "1")],
    );
}

#[test]
fn range_cannot_check_a_string_or_boolean_series() {
    let r = Range::from_arg((0, 10));
    assert_fail(
        &r.validate(&series("city", &["Paris", "Lyon"])),
        "range_validator cannot check this Series: \
         it checks numeric Series, and `city` has dtype str",
        &[],
    );
    assert_fail(
        &r.validate(&series("flag", &[true])),
        "range_validator cannot check this Series: \
         it checks numeric Series, and `flag` has dtype bool",
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// values_in

#[test]
fn values_in_on_numbers() {
    let v = ValuesIn::from_arg([1, 2, 3]);
    assert_eq!(
        v.values,
        vec![AllowedValue::Number(1.0), AllowedValue::Number(2.0), AllowedValue::Number(3.0)]
    );
    assert_pass(&v.validate(&2_i64), "2 is in [1, 2, 3]");
    assert_fail(
        &v.validate(&5_i64),
        "5 is not in [1, 2, 3]",
        &[("allowed", "[1, 2, 3]"), ("value", "5")],
    );
    // Numbers compare as f64, whatever their type.
    assert_pass(&v.validate(&3.0_f64), "3 is in [1, 2, 3]");
    assert_pass(&v.validate(&1_u16), "1 is in [1, 2, 3]");
    assert_fail(
        &v.validate(&2.5_f32),
        "2.5 is not in [1, 2, 3]",
        &[("allowed", "[1, 2, 3]"), ("value", "2.5")],
    );

    assert_pass(&v.validate(&vec![1_i64, 3, 3]), "all 3 values are in [1, 2, 3]");
    assert_fail(
        &v.validate(&vec![1_i64, 7, 2, 9]),
        "2 of 4 values are not in [1, 2, 3]; the first is 7 at index 1",
        &[("allowed", "[1, 2, 3]"), ("value", "7"), ("index", "1"), ("not_allowed", "2")],
    );
    // NaN is skipped in a Vec.
    assert_pass(&v.validate(&vec![f64::NAN, 2.0]), "all 2 values are in [1, 2, 3]");
    assert_fail(
        &v.validate(&vec![f64::NAN, 0.5]),
        "1 of 2 values are not in [1, 2, 3]; the first is 0.5 at index 1",
        &[("allowed", "[1, 2, 3]"), ("value", "0.5"), ("index", "1"), ("not_allowed", "1")],
    );
}

#[test]
fn values_in_skips_a_nan_scalar() {
    assert!(Range::from_arg((0, 1)).validate(&f64::NAN).passes);
    let r = ValuesIn::from_arg([1.0]).validate(&f64::NAN);
    assert!(r.passes, "{r}");
    assert!(ValuesIn::from_arg([1.0]).validate(&f32::NAN).passes);
}

#[test]
fn values_in_on_text_and_flags() {
    let v = ValuesIn::from_arg(["eu", "us"]);
    assert_pass(&v.validate(&"eu".to_string()), "\"eu\" is in [\"eu\", \"us\"]");
    assert_fail(
        &v.validate(&"asia".to_string()),
        "\"asia\" is not in [\"eu\", \"us\"]",
        &[("allowed", "[\"eu\", \"us\"]"), ("value", "\"asia\"")],
    );
    assert_pass(&v.validate(&strings(&["us", "eu"])), "all 2 values are in [\"eu\", \"us\"]");
    assert_fail(
        &v.validate(&strings(&["us", "EU", "eu", "mars"])),
        "2 of 4 values are not in [\"eu\", \"us\"]; the first is \"EU\" at index 1",
        &[
            ("allowed", "[\"eu\", \"us\"]"),
            ("value", "\"EU\""),
            ("index", "1"),
            ("not_allowed", "2"),
        ],
    );

    let v = ValuesIn::from_arg([true]);
    assert_pass(&v.validate(&true), "true is in [true]");
    assert_fail(
        &v.validate(&false),
        "false is not in [true]",
        &[("allowed", "[true]"), ("value", "false")],
    );
    assert_pass(&v.validate(&vec![true, true]), "all 2 values are in [true]");
    assert_fail(
        &v.validate(&vec![true, false]),
        "1 of 2 values are not in [true]; the first is false at index 1",
        &[("allowed", "[true]"), ("value", "false"), ("index", "1"), ("not_allowed", "1")],
    );

    // A text is not a number: a list of texts cannot check an `i64` at all (a compile error,
    // tests/ui/cases/values_in_of_another_kind.rs), and in a Series, "1" does not allow 1.
    let v = ValuesIn::from_arg(["1"]);
    assert!(!v.validate(&series("n", &[1_i64])).passes);
}

#[test]
fn values_in_on_series_of_each_dtype() {
    let v = ValuesIn::from_arg([1, 2]);
    assert_pass(
        &v.validate(&series("n", &[Some(1_i32), None, Some(2)])),
        "all 3 values are in [1, 2]",
    );
    assert_fail(
        &v.validate(&series("n", &[Some(1_i32), None, Some(4)])),
        "1 of 3 values are not in [1, 2]; the first is 4 at index 2",
        &[("allowed", "[1, 2]"), ("value", "4"), ("index", "2"), ("not_allowed", "1")],
    );
    let v = ValuesIn::from_arg(["a", "b"]);
    assert_pass(
        &v.validate(&series("s", &[Some("a"), None, Some("b")])),
        "all 3 values are in [\"a\", \"b\"]",
    );
    assert_fail(
        &v.validate(&series("s", &[Some("a"), Some("c")])),
        "1 of 2 values are not in [\"a\", \"b\"]; the first is \"c\" at index 1",
        &[("allowed", "[\"a\", \"b\"]"), ("value", "\"c\""), ("index", "1"), ("not_allowed", "1")],
    );
    let v = ValuesIn::from_arg([false]);
    assert_pass(&v.validate(&series("b", &[false, false])), "all 2 values are in [false]");
    assert_fail(
        &v.validate(&series("b", &[true, false])),
        "1 of 2 values are not in [false]; the first is true at index 0",
        &[("allowed", "[false]"), ("value", "true"), ("index", "0"), ("not_allowed", "1")],
    );
}

#[test]
fn values_in_cannot_check_a_series_of_another_dtype() {
    let v = ValuesIn::from_arg([1]);
    assert_fail(
        &v.validate(&Series::new_null("empty".into(), 2)),
        "values_in_validator cannot check this Series: \
         it checks numeric, string or boolean Series, \
         and `empty` has dtype null",
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// data_type

#[test]
fn data_type_on_series() {
    let v = DataTypeIs::from_arg(DataType::Int64);
    assert_pass(&v.validate(&series("n", &[1_i64])), "`n` has dtype i64");
    assert_fail(
        &v.validate(&series("n", &[1.0_f64])),
        "`n` has dtype f64, expected i64",
        &[("expected", "i64"), ("actual", "f64")],
    );
    let v = DataTypeIs::from_arg(DataType::String);
    assert_pass(&v.validate(&series("s", &["x"])), "`s` has dtype str");
    assert_fail(
        &v.validate(&series("s", &[true])),
        "`s` has dtype bool, expected str",
        &[("expected", "str"), ("actual", "bool")],
    );
}

// ---------------------------------------------------------------------------------------------
// allow_nans, max_fraction_nans

#[test]
fn allow_nans_on_floats() {
    let no = AllowNans::from_arg(false);
    assert_pass(&no.validate(&1.5_f64), "the value is allowed");
    assert_fail(&no.validate(&f64::NAN), "the value is NaN", &[]);
    assert_pass(&no.validate(&0.0_f32), "the value is allowed");
    assert_fail(&no.validate(&f32::NAN), "the value is NaN", &[]);
    let yes = AllowNans::from_arg(true);
    assert_pass(&yes.validate(&f64::NAN), "the value is allowed");

    assert_pass(&no.validate(&vec![1.0_f64, 2.0]), "0 of 2 values are NaN or null");
    assert_fail(
        &no.validate(&vec![1.0_f64, f64::NAN, 2.0, f64::NAN]),
        "2 of 4 values are NaN or null; the first is at index 1",
        &[("index", "1"), ("nans", "2")],
    );
    assert_fail(
        &no.validate(&vec![f32::NAN]),
        "1 of 1 values are NaN or null; the first is at index 0",
        &[("index", "0"), ("nans", "1")],
    );
    assert_pass(&yes.validate(&vec![f32::NAN, 1.0]), "1 of 2 values are NaN or null");
}

#[test]
fn allow_nans_on_series_counts_nan_and_null() {
    let no = AllowNans::from_arg(false);
    assert_pass(&no.validate(&series("f", &[1.0_f64, 2.0])), "0 of 2 values are NaN or null");
    assert_fail(
        &no.validate(&series("f", &[Some(1.0_f64), None, Some(f64::NAN)])),
        "2 of 3 values are NaN or null; the first is at index 1",
        &[("index", "1"), ("nans", "2")],
    );
    assert_fail(
        &no.validate(&series("i", &[Some(1_i64), Some(2), None])),
        "1 of 3 values are NaN or null; the first is at index 2",
        &[("index", "2"), ("nans", "1")],
    );
    // A string or boolean Series counts its nulls.
    assert_pass(&no.validate(&series("s", &["a", "b"])), "0 of 2 values are NaN or null");
    assert_fail(
        &no.validate(&series("s", &[None, Some("a")])),
        "1 of 2 values are NaN or null; the first is at index 0",
        &[("index", "0"), ("nans", "1")],
    );
    assert_fail(
        &no.validate(&series("b", &[Some(true), None])),
        "1 of 2 values are NaN or null; the first is at index 1",
        &[("index", "1"), ("nans", "1")],
    );
    assert_pass(
        &AllowNans::from_arg(true).validate(&series("f", &[None, Some(1.0_f64)])),
        "1 of 2 values are NaN or null",
    );
}

#[test]
fn max_fraction_nans_on_vecs_and_series() {
    let quarter = MaxFractionNans::from_arg(0.25);
    let tenth = MaxFractionNans::from_arg(0.1);
    let values = vec![1.0_f64, f64::NAN, 3.0, 4.0];
    assert_pass(
        &quarter.validate(&values),
        "1 of 4 values (0.25) are NaN or null; at most 0.25 is allowed",
    );
    assert_fail(
        &tenth.validate(&values),
        "1 of 4 values (0.25) are NaN or null; at most 0.1 is allowed",
        &[("fraction", "0.25"), ("max_fraction", "0.1"), ("first_index", "1")],
    );
    assert_pass(
        &tenth.validate(&vec![1.0_f32, 2.0]),
        "0 of 2 values (0) are NaN or null; at most 0.1 is allowed",
    );
    assert_fail(
        &tenth.validate(&vec![f32::NAN, f32::NAN]),
        "2 of 2 values (1) are NaN or null; at most 0.1 is allowed",
        &[("fraction", "1"), ("max_fraction", "0.1"), ("first_index", "0")],
    );
    assert_pass(
        &MaxFractionNans::from_arg(0).validate(&Vec::<f64>::new()),
        "0 of 0 values (0) are NaN or null; at most 0 is allowed",
    );

    let half = MaxFractionNans::from_arg(0.5);
    assert_pass(
        &half.validate(&series("f", &[Some(1.0_f64), None])),
        "1 of 2 values (0.5) are NaN or null; at most 0.5 is allowed",
    );
    assert_fail(
        &half.validate(&series("f", &[Some(f64::NAN), None, Some(1.0), None])),
        "3 of 4 values (0.75) are NaN or null; at most 0.5 is allowed",
        &[("fraction", "0.75"), ("max_fraction", "0.5"), ("first_index", "0")],
    );
    assert_fail(
        &half.validate(&series("s", &[Some("a"), None, None, None])),
        "3 of 4 values (0.75) are NaN or null; at most 0.5 is allowed",
        &[("fraction", "0.75"), ("max_fraction", "0.5"), ("first_index", "1")],
    );
}

// ---------------------------------------------------------------------------------------------
// mean_in_range, max_standard_dev

#[test]
fn mean_in_range_on_vecs() {
    let v = MeanInRange::from_arg((1, 3));
    assert_pass(&v.validate(&vec![1_i64, 2, 3]), "the mean 2 is within [1, 3]");
    assert_fail(
        &v.validate(&vec![10_i64, 20]),
        "the mean 15 is outside [1, 3]",
        &[("mean", "15"), ("range", "[1, 3]")],
    );
    assert_pass(&v.validate(&vec![1.5_f64, f64::NAN, 2.5]), "the mean 2 is within [1, 3]");
    assert_fail(
        &v.validate(&vec![0.5_f32]),
        "the mean 0.5 is outside [1, 3]",
        &[("mean", "0.5"), ("range", "[1, 3]")],
    );
    assert_fail(&v.validate(&Vec::<u32>::new()), "there is no value to average ([1, 3])", &[]);
    assert_fail(&v.validate(&vec![f64::NAN]), "there is no value to average ([1, 3])", &[]);
}

#[test]
fn mean_in_range_on_series() {
    let v = MeanInRange::from_arg((0.0, 1.0));
    assert_pass(
        &v.validate(&series("p", &[Some(0.5_f64), None, Some(1.0)])),
        "the mean 0.75 is within [0, 1]",
    );
    assert_fail(
        &v.validate(&series("n", &[4_i32, 6])),
        "the mean 5 is outside [0, 1]",
        &[("mean", "5"), ("range", "[0, 1]")],
    );
    assert_fail(
        &v.validate(&series("s", &["a"])),
        "mean_in_range_validator cannot check this Series: \
         it checks numeric Series, and `s` has dtype str",
        &[],
    );
}

#[test]
fn max_standard_dev_on_vecs_and_series() {
    // Sample standard deviation (ddof = 1) of 1, 2, 3 is 1.
    let one = MaxStandardDev::from_arg(1);
    let half = MaxStandardDev::from_arg(0.5);
    assert_pass(&one.validate(&vec![1_i64, 2, 3]), "the standard deviation 1 is at most 1");
    assert_fail(
        &half.validate(&vec![1_i64, 2, 3]),
        "the standard deviation 1 is above the maximum 0.5",
        &[("standard_dev", "1"), ("max_standard_dev", "0.5")],
    );
    assert_pass(
        &half.validate(&vec![2.0_f64, f64::NAN, 2.0]),
        "the standard deviation 0 is at most 0.5",
    );
    assert_pass(&half.validate(&vec![100.0_f32]), "1 value(s): no standard deviation to bound");
    assert_pass(&half.validate(&Vec::<i8>::new()), "0 value(s): no standard deviation to bound");

    assert_fail(
        &one.validate(&series("n", &[Some(1_i64), None, Some(3)])),
        "the standard deviation 1.4142135623730951 is above the maximum 1",
        &[("standard_dev", "1.4142135623730951"), ("max_standard_dev", "1")],
    );
    assert_pass(
        &one.validate(&series("f", &[Some(1.0_f64), Some(f64::NAN), Some(2.0)])),
        "the standard deviation 0.7071067811865476 is at most 1",
    );
    assert_fail(
        &one.validate(&series("b", &[true, false])),
        "max_standard_dev_validator cannot check this Series: \
         it checks numeric Series, and `b` has dtype bool",
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// allow_none

#[test]
fn allow_none_on_options() {
    let no = AllowNone::from_arg(false);
    assert_pass(&no.validate(&Some(3_i64)), "the value is present");
    assert_fail(&no.validate(&None::<i64>), "the value is None", &[]);
    assert_pass(&no.validate(&Some("x".to_string())), "the value is present");
    assert_fail(&no.validate(&None::<String>), "the value is None", &[]);
    let yes = AllowNone::from_arg(true);
    assert_pass(&yes.validate(&None::<Vec<f64>>), "the value is None, which is allowed");
    assert_pass(&yes.validate(&Some(vec![1.0_f64])), "the value is present");
}

// ---------------------------------------------------------------------------------------------
// contains, does_not_contain

#[test]
fn contains_on_text() {
    let v = Contains::from_arg("@");
    assert_eq!(v, Contains { needle: "@".into(), present: true });
    assert_pass(&v.validate(&"ann@example.com".to_string()), "the text contains \"@\"");
    assert_fail(
        &v.validate(&"ann.example.com".to_string()),
        "the text \"ann.example.com\" does not satisfy `contains \"@\"`",
        &[("value", "\"ann.example.com\"")],
    );
    // The pass message is checked in `contains_pass_messages_use_the_plural`.
    assert_passes(&v.validate(&strings(&["a@b", "c@d"])));
    assert_fail(
        &v.validate(&strings(&["a@b", "cd", "e@f", "gh"])),
        "2 of 4 values do not satisfy `contains \"@\"`; the first is \"cd\" at index 1",
        &[("value", "\"cd\""), ("index", "1")],
    );
}

#[test]
fn does_not_contain_on_text() {
    let v = Contains::not_from_arg("TODO");
    assert_eq!(v, Contains { needle: "TODO".into(), present: false });
    assert_pass(&v.validate(&"done".to_string()), "the text does not contain \"TODO\"");
    assert_fail(
        &v.validate(&"TODO: write".to_string()),
        "the text \"TODO: write\" does not satisfy `does not contain \"TODO\"`",
        &[("value", "\"TODO: write\"")],
    );
    assert_passes(&v.validate(&strings(&["a", "b"])));
    assert_fail(
        &v.validate(&strings(&["a", "b TODO"])),
        "1 of 2 values do not satisfy `does not contain \"TODO\"`; \
         the first is \"b TODO\" at index 1",
        &[("value", "\"b TODO\""), ("index", "1")],
    );
}

#[test]
fn contains_on_string_series_skips_nulls() {
    let v = Contains::from_arg("-");
    assert_passes(&v.validate(&series("id", &[Some("a-1"), None, Some("b-2")])));
    assert_fail(
        &v.validate(&series("id", &[Some("a-1"), None, Some("b2")])),
        "1 of 3 values do not satisfy `contains \"-\"`; the first is \"b2\" at index 2",
        &[("value", "\"b2\""), ("index", "2")],
    );
    let v = Contains::not_from_arg("-");
    assert_passes(&v.validate(&series("id", &["a1"])));
    assert_fail(
        &v.validate(&series("id", &["a1", "-"])),
        "1 of 2 values do not satisfy `does not contain \"-\"`; the first is \"-\" at index 1",
        &[("value", "\"-\""), ("index", "1")],
    );
}

#[test]
fn contains_pass_messages_use_the_plural() {
    let texts = strings(&["a@b", "c@d"]);
    assert_pass(&Contains::from_arg("@").validate(&texts), "all 2 values contain \"@\"");
    assert_pass(&Contains::not_from_arg("x").validate(&texts), "all 2 values do not contain \"x\"");
    let column = series("id", &["a@1"]);
    assert_pass(&Contains::from_arg("@").validate(&column), "all 1 values contain \"@\"");
    assert_pass(
        &Contains::not_from_arg("x").validate(&column),
        "all 1 values do not contain \"x\"",
    );
}

#[test]
fn contains_cannot_check_a_series_of_another_dtype() {
    assert_fail(
        &Contains::from_arg("1").validate(&series("n", &[1_i64])),
        "contains_validator cannot check this Series: \
         it checks string Series, and `n` has dtype i64",
        &[],
    );
    assert_fail(
        &Contains::not_from_arg("1").validate(&series("b", &[true])),
        "does_not_contain_validator cannot check this Series: \
         it checks string Series, and `b` has dtype bool",
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// schema

fn orders() -> DataFrame {
    df!("id" => [1_i64, 2], "city" => ["Paris", "Lyon"], "amount" => [9.5_f64, 3.0]).unwrap()
}

#[test]
fn schema_on_dataframes() {
    let v = Schema::from_arg([("id", DataType::Int64), ("city", DataType::String)]);
    assert_eq!(
        v.columns,
        vec![("id".to_string(), DataType::Int64), ("city".to_string(), DataType::String)]
    );
    // Other columns are allowed.
    assert_pass(&v.validate(&orders()), "the frame matches {id: i64, city: str}");

    let v = Schema::from_arg([
        ("id", DataType::Int64),
        ("amount", DataType::Int64),
        ("country", DataType::String),
        ("city", DataType::Boolean),
        ("zip", DataType::String),
    ]);
    assert_fail(
        &v.validate(&orders()),
        "the frame does not match the schema: missing column(s) `country`, `zip`; \
         `amount` is f64 (expected i64), `city` is str (expected bool)",
        &[
            ("missing", "`country`, `zip`"),
            ("wrong_dtype", "`amount` is f64 (expected i64), `city` is str (expected bool)"),
            ("columns", "`id`, `city`, `amount`"),
        ],
    );
    let v = Schema::new([("id", DataType::String)]);
    assert_fail(
        &v.validate(&orders()),
        "the frame does not match the schema: `id` is i64 (expected str)",
        &[("wrong_dtype", "`id` is i64 (expected str)"), ("columns", "`id`, `city`, `amount`")],
    );
    let v = Schema::new([("missing", DataType::String)]);
    assert_fail(
        &v.validate(&DataFrame::empty()),
        "the frame does not match the schema: missing column(s) `missing`",
        &[("missing", "`missing`"), ("columns", "")],
    );
}

// ---------------------------------------------------------------------------------------------
// Through #[check_output] and the driver

mod checked {
    use super::*;

    #[node]
    #[check_output(range = (0, 100))]
    fn score(raw_score: &i64) -> i64 {
        *raw_score
    }

    #[node]
    #[check_output(range = (0.0, 1.0), allow_nans = false, max_fraction_nans = 0.5)]
    fn ratios(raw_ratios: &[f64]) -> Vec<f64> {
        raw_ratios.to_vec()
    }

    #[node]
    #[check_output(values_in = ["eu", "us"], contains = "u")]
    fn region(raw_region: &str) -> String {
        raw_region.to_string()
    }

    #[node]
    #[check_output(values_in = [true])]
    fn active(raw_active: &bool) -> bool {
        *raw_active
    }

    #[node]
    #[check_output(allow_none = false)]
    fn maybe(raw_maybe: &Option<i64>) -> Option<i64> {
        *raw_maybe
    }

    #[node]
    #[check_output(mean_in_range = (1, 3), max_standard_dev = 1)]
    fn samples(raw_samples: &[i32]) -> Vec<i32> {
        raw_samples.to_vec()
    }

    #[node]
    #[check_output(does_not_contain = "TODO", contains = "-")]
    fn notes(raw_notes: &[String]) -> Vec<String> {
        raw_notes.to_vec()
    }

    #[node]
    #[check_output(data_type = DataType::Int64, range = (0, 10), values_in = [1, 2, 3])]
    #[check_output(allow_nans = false, max_fraction_nans = 0.0, mean_in_range = (1, 2))]
    #[check_output(max_standard_dev = 1.0)]
    fn column(n: &usize) -> Series {
        Series::new("column".into(), (1..=*n as i64).collect::<Vec<_>>())
    }

    #[node]
    #[check_output(contains = "a", does_not_contain = "z", values_in = ["ab", "ac"])]
    fn labels() -> Series {
        Series::new("labels".into(), &["ab", "ac"])
    }

    #[node]
    #[check_output(schema = [("id", DataType::Int64), ("city", DataType::String)])]
    fn frame(with_city: &bool) -> DataFrame {
        if *with_city { orders() } else { orders().drop("city").unwrap() }
    }

    hamilton_core::module!();
}

fn checked_driver() -> Driver {
    Driver::builder().with_modules([checked::MODULE]).build().unwrap()
}

/// Runs `node` and returns the result of each of its validators, by validator name.
fn results(dr: &Driver, node: &str, inputs: Inputs) -> Vec<(String, bool)> {
    let validators: Vec<String> = dr
        .list_available_variables(
            &TagFilter::new().equals("hamilton.data_quality.source_node", node),
        )
        .iter()
        .map(|v| v.name().to_string())
        .collect();
    assert!(!validators.is_empty(), "`{node}` has validator nodes");
    let out = dr.execute(&validators, inputs).unwrap();
    validators
        .iter()
        .map(|name| {
            let r = out.get::<ValidationResult>(name).unwrap();
            assert_eq!(format!("{node}_{}", r.validator), *name);
            (r.validator.clone(), r.passes)
        })
        .collect()
}

fn pairs(expected: &[(&str, bool)]) -> Vec<(String, bool)> {
    expected.iter().map(|(n, p)| (n.to_string(), *p)).collect()
}

#[test]
fn attribute_validators_on_scalars_run_in_the_graph() {
    let dr = checked_driver();
    let passing = Inputs::new().with("raw_score", 42_i64);
    assert_eq!(results(&dr, "score", passing), pairs(&[("range_validator", true)]));
    let failing = Inputs::new().with("raw_score", 420_i64);
    assert_eq!(results(&dr, "score", failing), pairs(&[("range_validator", false)]));

    let region = |s: &str| Inputs::new().with("raw_region", s.to_string());
    assert_eq!(
        results(&dr, "region", region("us")),
        pairs(&[("contains_validator", true), ("values_in_validator", true)])
    );
    assert_eq!(
        results(&dr, "region", region("eu-west")),
        pairs(&[("contains_validator", true), ("values_in_validator", false)])
    );
    assert_eq!(
        results(&dr, "active", Inputs::new().with("raw_active", false)),
        pairs(&[("values_in_validator", false)])
    );
    assert_eq!(
        results(&dr, "maybe", Inputs::new().with("raw_maybe", Some(1_i64))),
        pairs(&[("allow_none_validator", true)])
    );
    assert_eq!(
        results(&dr, "maybe", Inputs::new().with("raw_maybe", None::<i64>)),
        pairs(&[("allow_none_validator", false)])
    );
}

#[test]
fn attribute_validators_on_vecs_run_in_the_graph() {
    let dr = checked_driver();
    let ratios = |v: Vec<f64>| Inputs::new().with("raw_ratios", v);
    assert_eq!(
        results(&dr, "ratios", ratios(vec![0.1, 0.9])),
        pairs(&[
            ("allow_nans_validator", true),
            ("max_fraction_nans_validator", true),
            ("range_validator", true)
        ])
    );
    assert_eq!(
        results(&dr, "ratios", ratios(vec![f64::NAN, 1.5])),
        pairs(&[
            ("allow_nans_validator", false),
            ("max_fraction_nans_validator", true),
            ("range_validator", false)
        ])
    );
    let samples = |v: Vec<i32>| Inputs::new().with("raw_samples", v);
    assert_eq!(
        results(&dr, "samples", samples(vec![1, 2, 3])),
        pairs(&[("max_standard_dev_validator", true), ("mean_in_range_validator", true)])
    );
    assert_eq!(
        results(&dr, "samples", samples(vec![0, 10])),
        pairs(&[("max_standard_dev_validator", false), ("mean_in_range_validator", false)])
    );
    let notes = |v: &[&str]| Inputs::new().with("raw_notes", strings(v));
    assert_eq!(
        results(&dr, "notes", notes(&["a-b"])),
        pairs(&[("contains_validator", true), ("does_not_contain_validator", true)])
    );
    assert_eq!(
        results(&dr, "notes", notes(&["TODO-1", "ab"])),
        pairs(&[("contains_validator", false), ("does_not_contain_validator", false)])
    );
}

#[test]
fn attribute_validators_on_series_and_frames_run_in_the_graph() {
    let dr = checked_driver();
    assert_eq!(
        results(&dr, "column", Inputs::new().with("n", 2_usize)),
        pairs(&[
            ("allow_nans_validator", true),
            ("data_type_validator", true),
            ("max_fraction_nans_validator", true),
            ("max_standard_dev_validator", true),
            ("mean_in_range_validator", true),
            ("range_validator", true),
            ("values_in_validator", true),
        ])
    );
    // 1..=11: 11 is outside [0, 10] and not in [1, 2, 3], the mean is 6, the deviation 3.3.
    assert_eq!(
        results(&dr, "column", Inputs::new().with("n", 11_usize)),
        pairs(&[
            ("allow_nans_validator", true),
            ("data_type_validator", true),
            ("max_fraction_nans_validator", true),
            ("max_standard_dev_validator", false),
            ("mean_in_range_validator", false),
            ("range_validator", false),
            ("values_in_validator", false),
        ])
    );
    assert_eq!(
        results(&dr, "labels", Inputs::new()),
        pairs(&[
            ("contains_validator", true),
            ("does_not_contain_validator", true),
            ("values_in_validator", true)
        ])
    );
    assert_eq!(
        results(&dr, "frame", Inputs::new().with("with_city", true)),
        pairs(&[("schema_validator", true)])
    );
    let out = dr
        .execute(&["frame_schema_validator", "frame"], Inputs::new().with("with_city", false))
        .unwrap();
    let r = out.get::<ValidationResult>("frame_schema_validator").unwrap();
    assert_eq!(
        r.to_string(),
        "schema_validator: the frame does not match the schema: missing column(s) `city` \
         (missing: `city`, columns: `id`, `amount`)"
    );
    assert_eq!(r.importance, Importance::Warn);
    // A warning: the frame is still produced, as the function returned it.
    assert_eq!(out.get::<DataFrame>("frame").unwrap().get_column_names(), ["id", "amount"]);
}

#[test]
fn a_result_node_records_the_validator_and_its_importance() {
    let dr = checked_driver();
    let out =
        dr.execute(&["score_range_validator"], Inputs::new().with("raw_score", -3_i64)).unwrap();
    let r = out.get::<ValidationResult>("score_range_validator").unwrap();
    assert_eq!(r.validator, "range_validator");
    assert_eq!(r.importance, Importance::Warn);
    assert!(!r.passes);
    assert_eq!(r.message, "-3 is outside [0, 100]");
    assert_eq!(r.diagnostic("value"), Some("-3"));
}

#[test]
fn values_in_compares_an_f32_as_the_decimal_it_was_written_as() {
    let allowed = ValuesIn::new([0.1, 0.25]);
    assert!(Validator::<f32>::validate(&allowed, &0.1_f32).passes);
    assert!(allowed.validate(&vec![0.1_f32, 0.25]).passes);
    assert!(!Validator::<f32>::validate(&allowed, &0.2_f32).passes);
    let column = Series::new("x".into(), &[0.1_f32, 0.25]);
    assert!(allowed.validate(&column).passes);
    // An f32 in the list is read the same way.
    assert!(Validator::<f64>::validate(&ValuesIn::new([0.1_f32]), &0.1_f64).passes);
}

#[test]
fn every_built_in_has_a_plain_constructor() {
    assert!(!AllowNans::new(false).validate(&vec![f64::NAN]).passes);
    assert!(MaxFractionNans::new(0.5).validate(&vec![1.0, f64::NAN]).passes);
    assert!(MeanInRange::new(1, 3).validate(&vec![1, 3]).passes);
    assert!(!MaxStandardDev::new(0.1).validate(&vec![1.0, 3.0]).passes);
    assert!(!AllowNone::new(false).validate(&None::<i64>).passes);
    assert!(Contains::new("@").validate(&"a@b".to_string()).passes);
    assert!(!Contains::absent("@").validate(&"a@b".to_string()).passes);
    assert!(DataTypeIs::new(DataType::Int32).validate(&Series::new("i".into(), &[1_i32])).passes);
}
