//! The run report: one self-contained HTML page per run, checked as text and in a real browser
//! (headless Chromium, when installed).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use hamilton_core::hooks::{GracefulErrors, RunReport};
use hamilton_core::polars::prelude::*;
use hamilton_core::prelude::*;

mod sales {
    use super::*;

    /// Daily amounts, as a list.
    #[node]
    fn amounts(days: i64) -> Vec<f64> {
        (0..days).map(|d| 10.0 * d as f64).collect()
    }

    /// The total of the amounts.
    #[node]
    #[check_output(range = (0.0, 1000.0), importance = "warn")]
    fn total(amounts: &[f64]) -> f64 {
        std::thread::sleep(std::time::Duration::from_millis(30));
        amounts.iter().sum()
    }

    /// Amounts as a frame.
    #[node]
    fn frame(amounts: &[f64]) -> DataFrame {
        let day: Vec<i64> = (0..amounts.len() as i64).collect();
        df!("day" => day, "amount" => amounts.to_vec()).expect("equal lengths")
    }

    /// A rate that someone may override.
    #[node]
    fn rate(days: i64) -> f64 {
        1.0 / days as f64
    }

    /// The total scaled by the rate.
    #[node]
    fn scaled(total: f64, rate: f64) -> f64 {
        total * rate
    }

    /// Fails when there are no days.
    #[node]
    fn average(total: f64, days: i64) -> Result<f64, std::io::Error> {
        if days == 0 {
            Err(std::io::Error::other("no days to average over"))
        } else {
            Ok(total / days as f64)
        }
    }

    /// Depends on the average.
    #[node]
    fn summary_line(average: f64) -> String {
        format!("average {average}")
    }

    hamilton_core::module!();
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hamilton-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs a successful request (with an override) and returns the page.
fn successful_page(dir: &Path, executor: Executor) -> String {
    let report = Arc::new(RunReport::new(dir));
    let dr = Driver::builder()
        .with_modules([sales::MODULE])
        .with_executor(executor)
        .with_adapter(report.clone())
        .build()
        .unwrap();
    let out = dr
        .execute_with(
            &["scaled", "frame", "total"],
            Inputs::new().with("days", 4_i64),
            Overrides::new().with("rate", 0.5_f64),
        )
        .unwrap();
    assert_eq!(*out.get::<f64>("scaled").unwrap(), 30.0);
    let page = report.last_page().unwrap();
    assert!(page.file_name().unwrap().to_str().unwrap().starts_with("hamilton-run-"));
    assert!(report.errors().is_empty());
    std::fs::read_to_string(page).unwrap()
}

#[test]
fn the_page_shows_statuses_timings_data_quality_inputs_and_outputs() {
    for executor in [Executor::Sequential, Executor::Parallel { threads: 2 }] {
        let dir = fresh_dir(&format!("ok-{executor:?}").replace([' ', '{', '}', ':'], ""));
        let html = successful_page(&dir, executor);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("id=\"run-status\">succeeded</span>"));
        assert!(html.contains("requested: scaled, frame, total"));
        for (node, status) in [
            ("days", "input"),
            ("rate", "overridden"),
            ("amounts", "ran"),
            ("total_raw", "ran"),
            ("total_range_validator", "ran"),
            ("scaled", "ran"),
            ("frame", "ran"),
        ] {
            assert!(
                html.contains(&format!("data-node=\"{node}\" data-status=\"{status}\"")),
                "{node} should be {status}"
            );
        }
        // The overridden node's upstream is not in the run; nothing the run did not need either.
        assert!(!html.contains("data-node=\"average\""));
        // Timings, slowest first: total_raw sleeps 30 ms.
        let timings = &html[html.find("id=\"timings\"").unwrap()..];
        let first_row = timings.split("<tr><td>").nth(1).unwrap();
        assert!(first_row.starts_with("total_raw</td>"), "{first_row}");
        assert!(first_row.contains("<td class=\"num\">100%</td>"));
        // Data quality: the warn validator's result.
        assert!(html.contains(
            "<tr class=\"passed\"><td>total_range_validator</td><td>range_validator</td><td>Warn</td><td>passed</td>"
        ));
        // Inputs, overrides and outputs with types and summaries (a frame's shape).
        assert!(html.contains("<tr><td>days</td><td><code>i64</code></td><td>4</td></tr>"));
        assert!(html.contains("<tr><td>rate</td><td><code>f64</code></td><td>0.5</td></tr>"));
        assert!(html.contains(
            "<tr><td>frame</td><td><code>DataFrame</code></td><td>4 rows × 2 columns: day, amount</td></tr>"
        ));
        assert!(html.contains("<tr><td>total</td><td><code>f64</code></td><td>60</td></tr>"));
        // Self-contained: no script, no link to anything outside the page.
        assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_failed_run_and_graceful_skips_are_on_the_page() {
    let dir = fresh_dir("failed");
    let report = Arc::new(RunReport::new(&dir));
    let dr = Driver::builder()
        .with_modules([sales::MODULE])
        .with_adapter(report.clone())
        .build()
        .unwrap();
    let err = dr.execute(&["summary_line"], Inputs::new().with("days", 0_i64)).unwrap_err();
    assert_eq!(err.codes(), ["H013"]);
    let html = std::fs::read_to_string(report.last_page().unwrap()).unwrap();
    assert!(html.contains("id=\"run-status\">failed</span>"));
    assert!(html.contains("<pre id=\"run-error\">error[H013]: node `average`"));
    assert!(html.contains("data-node=\"average\" data-status=\"failed\""));
    assert!(html.contains("data-node=\"summary_line\" data-status=\"not-run\""));

    let graceful = Arc::new(GracefulErrors::new());
    let dr = Driver::builder()
        .with_modules([sales::MODULE])
        .with_adapters([report.clone() as Arc<dyn hamilton_core::hooks::Adapter>, graceful])
        .build()
        .unwrap();
    dr.execute(&["summary_line", "total"], Inputs::new().with("days", 0_i64)).unwrap();
    assert_eq!(report.pages().len(), 2);
    let html = std::fs::read_to_string(report.last_page().unwrap()).unwrap();
    assert!(html.contains("id=\"run-status\">succeeded</span>"));
    assert!(html.contains("data-node=\"average\" data-status=\"failed\""));
    assert!(html.contains("data-node=\"summary_line\" data-status=\"skipped\""));
    assert!(html.contains(
        "<td>summary_line</td><td><code></code></td><td>not computed: `average` failed</td>"
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_report_that_cannot_be_written_is_h083_and_the_run_still_succeeds() {
    let file = fresh_dir("blocked");
    std::fs::write(&file, "a file where the folder should be").unwrap();
    let report = Arc::new(RunReport::new(&file));
    let dr = Driver::builder()
        .with_modules([sales::MODULE])
        .with_adapter(report.clone())
        .build()
        .unwrap();
    let out = dr.execute(&["total"], Inputs::new().with("days", 2_i64)).unwrap();
    assert_eq!(*out.get::<f64>("total").unwrap(), 10.0);
    let errors = report.errors();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with(&format!(
            "error[H083]: the run report of run {} could not be written into `{}`: ",
            errors[0].split("run ").nth(2).unwrap().split(' ').next().unwrap(),
            file.display()
        )),
        "{}",
        errors[0]
    );
    assert!(report.pages().is_empty());
    std::fs::remove_file(&file).unwrap();
}

/// The Chromium binary, if installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))
}

#[test]
fn the_page_renders_in_a_real_browser() {
    let Some(browser) = chromium() else {
        eprintln!(
            "SKIPPED the_page_renders_in_a_real_browser: no `chromium` on PATH \
             (install the Debian package `chromium` to run it)"
        );
        return;
    };
    let dir = fresh_dir("browser");
    successful_page(&dir, Executor::Sequential);
    let page = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "html"))
        .unwrap();
    let shot = dir.join("page.png");
    let profile = dir.join("profile");
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1400,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let dom = String::from_utf8(output.stdout).unwrap();
    // The browser parsed the page into the DOM we wrote: the SVG graph with a node per step,
    // the tables with their rows.
    assert!(dom.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"graph\""), "{dom}");
    assert_eq!(dom.matches("<g class=\"node\"").count(), 8, "{dom}");
    assert!(dom.contains("data-node=\"rate\" data-status=\"overridden\""));
    assert_eq!(
        dom[dom.find("id=\"timings\"").unwrap()..]
            .split("</table>")
            .next()
            .unwrap()
            .matches("<tr>")
            .count(),
        1 + 6
    );
    assert!(dom.contains("4 rows × 2 columns: day, amount"));
    // A screenshot was taken of the rendered page: a PNG of the window's size.
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1400, 1600));
    assert!(png.len() > 20_000, "a blank page compresses to a few KB: {} bytes", png.len());
    if let Ok(keep) = std::env::var("HAMILTON_KEEP_REPORT_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
