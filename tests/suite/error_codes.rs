//! The error codes page (`docs/errors.md`) and the suite agree: every documented code has a
//! section, and some test of this suite asserts its message.

/// Every file of this suite, by name.
const SUITE: &[(&str, &str)] = &[
    ("asynchronous.rs", include_str!("asynchronous.rs")),
    ("config.rs", include_str!("config.rs")),
    ("execution.rs", include_str!("execution.rs")),
    ("executor_equivalence.rs", include_str!("executor_equivalence.rs")),
    ("features.rs", include_str!("features.rs")),
    ("hooks.rs", include_str!("hooks.rs")),
    ("lineage.rs", include_str!("lineage.rs")),
    ("macro_names.rs", include_str!("macro_names.rs")),
    ("materialize.rs", include_str!("materialize.rs")),
    ("modifiers.rs", include_str!("modifiers.rs")),
    ("map_collect.rs", include_str!("map_collect.rs")),
    ("parallel.rs", include_str!("parallel.rs")),
    ("params.rs", include_str!("params.rs")),
    ("quality.rs", include_str!("quality.rs")),
    ("requests.rs", include_str!("requests.rs")),
    ("results.rs", include_str!("results.rs")),
    ("run_report.rs", include_str!("run_report.rs")),
    ("validation.rs", include_str!("validation.rs")),
    ("validators.rs", include_str!("validators.rs")),
    ("viz.rs", include_str!("viz.rs")),
    ("wiring.rs", include_str!("wiring.rs")),
];

/// Tests outside this suite that assert messages of codes only the command line reports
/// (H053, H054).
const OTHER_TESTS: &[(&str, &str)] =
    &[("examples/tests/cli.rs", include_str!("../../examples/tests/cli.rs"))];

const ERRORS_MD: &str = include_str!("../../docs/errors.md");

/// The codes with a `## Hnnn` section, in page order.
fn documented() -> Vec<&'static str> {
    ERRORS_MD
        .lines()
        .filter_map(|l| l.strip_prefix("## H"))
        .filter(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

#[test]
fn the_codes_are_documented_in_increasing_order() {
    // Codes are stable and grouped by area (H030-H034 executors, H035-H039 map/collect, ...), so
    // a range may have unused numbers; the page lists the used ones in order.
    let codes = documented();
    assert!(!codes.is_empty());
    let numbers: Vec<usize> = codes.iter().map(|c| c.parse().unwrap()).collect();
    assert_eq!(numbers[0], 1, "sections of docs/errors.md: {codes:?}");
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "sections of docs/errors.md: {codes:?}");
    let last = codes.last().unwrap();
    assert!(
        ERRORS_MD.contains(&format!("`H001` to `H{last}`")),
        "the introduction of docs/errors.md names the range up to H{last}"
    );
}

#[test]
fn every_documented_code_has_a_test_asserting_its_message() {
    for code in documented() {
        let needle = format!("error[H{code}]: ");
        let example = format!("```text\n{needle}");
        assert!(ERRORS_MD.contains(&example), "docs/errors.md shows no H{code} message");
        let tested = SUITE.iter().chain(OTHER_TESTS).any(|(_, src)| src.contains(&needle));
        assert!(tested, "no test in tests/suite asserts a message starting with `{needle}`");
    }
}

#[test]
fn the_suite_lists_every_file_of_the_suite() {
    let main = include_str!("main.rs");
    for module in main.lines().filter_map(|l| l.strip_prefix("mod ")) {
        let file = format!("{}.rs", module.trim_end_matches(';'));
        assert!(
            file == "error_codes.rs" || SUITE.iter().any(|(name, _)| *name == file),
            "{file} is missing from SUITE in error_codes.rs"
        );
    }
}

#[test]
fn every_page_of_the_guide_runs_as_doc_tests() {
    // `tests/lib.rs` includes each page, so that rustdoc compiles and runs its Rust blocks.
    let summary = include_str!("../../docs/SUMMARY.md");
    let lib = include_str!("../lib.rs");
    for page in summary.split("](").skip(1).filter_map(|rest| rest.split(')').next()) {
        let include = format!("include_str!(\"../docs/{page}\")");
        assert!(lib.contains(&include), "tests/lib.rs does not include docs/{page}");
    }
}
