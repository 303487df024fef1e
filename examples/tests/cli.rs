//! The command line of the digits binary (`hamilton_core::cli`): output and exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn digits(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_digits")).args(args).output().expect("digits runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("digits-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn list_filters_by_tag() {
    let out = digits(&["list", "--tag", "stage=split"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "held_out_digits\tfunction\tDataFrame\ntraining_digits\tfunction\tDataFrame\n"
    );
    let out = digits(&["list", "--tag", "hamilton.data_quality.source_node=accuracy"]);
    assert_eq!(text(&out.stdout), "accuracy_range_validator\tfunction\tValidationResult\n");
}

#[test]
fn view_writes_the_picture_named_by_its_extension() {
    let dir = scratch("view");
    let svg = dir.join("digits.svg");
    let out = digits(&["view", "--out", svg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&svg).unwrap();
    assert!(written.starts_with("<svg") && written.contains("predicted_digits_raw"));
    let png = dir.join("digits.png");
    let out = digits(&["view", "--out", png.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("error[H052]"), "{}", text(&out.stderr));
    assert!(!png.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn validate_reports_every_problem_with_exit_code_2() {
    let ok = digits(&["validate", "--output", "accuracy", "--input", "input_digits=DataFrame"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let bad = digits(&["validate", "--output", "accuracy", "--input", "input_digit=DataFrame"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = text(&bad.stderr);
    assert!(err.starts_with("2 problems found:"), "{err}");
    assert!(err.contains("error[H011]: unknown input `input_digit`"), "{err}");
    assert!(err.contains("error[H010]: required input `input_digits` (DataFrame)"), "{err}");
    let typed = digits(&["validate", "--input", "input_digits=Series"]);
    assert_eq!(typed.status.code(), Some(2));
    assert!(text(&typed.stderr).contains(
        "error[H012]: input `input_digits` has type Series, but the graph needs DataFrame"
    ));
}

#[test]
fn run_prints_outputs_and_fails_with_exit_code_1() {
    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv");
    let out = digits(&[
        "run",
        "--config",
        "env=dev",
        "--output",
        "accuracy,accuracy_range_validator",
        "--input",
        &format!("input_digits={csv}"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("accuracy = 0.9"), "{stdout}");
    assert!(stdout.contains("accuracy_range_validator = "), "{stdout}");

    let failed = digits(&["run", "--output", "digits_df", "--input", "data_path=/no/such.csv"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(text(&failed.stderr).starts_with("error[H013]: node `digits_df`"));

    let unparsable = digits(&["run", "--output", "digits_model", "--input", "svm_c=lots"]);
    assert_eq!(unparsable.status.code(), Some(2));
    assert!(text(&unparsable.stderr).starts_with(
        "error[H054]: input `svm_c` cannot be given as `lots` on the command line: not a f64"
    ));
    let usage = digits(&["run"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn catalogs_version_and_diff() {
    let dir = scratch("catalog");
    let (dev, prod) = (dir.join("dev.json"), dir.join("prod.json"));
    for (env, file) in [("env=dev", &dev), ("env=prod", &prod)] {
        let out = digits(&[
            "catalog",
            "--format",
            "json",
            "--config",
            env,
            "--out",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    let md = digits(&["catalog"]);
    assert!(text(&md.stdout).starts_with("# Feature catalog\n"));

    let version = text(&digits(&["version", "--config", "env=dev"]).stdout);
    let graph_line = version.lines().last().unwrap();
    assert!(graph_line.starts_with("graph\t") && graph_line.len() == 6 + 16, "{version}");
    assert!(std::fs::read_to_string(&dev).unwrap().contains(&graph_line[6..]));

    let out = digits(&["diff", dev.to_str().unwrap(), prod.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("changed  training_digits ("), "{stdout}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let same = digits(&["diff", dev.to_str().unwrap(), dev.to_str().unwrap()]);
    assert_eq!(text(&same.stdout), "no node added, removed or changed\n");

    let bogus = dir.join("bogus.json");
    std::fs::write(&bogus, "{\"nodes\": 3}").unwrap();
    let out = digits(&["diff", bogus.to_str().unwrap(), dev.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("error[H053]: "), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is not a JSON catalog: it has no `nodes` list"));
    std::fs::remove_dir_all(&dir).unwrap();
}
