//! The run report: one self-contained HTML page per run (no server, no network, no script).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::context::{NodeRole, PlannedNode};
use super::{
    Adapter, GraphEnd, GraphExecutionHook, GraphStart, NodeContext, NodeExecutionHook, NodeOutcome,
    NodeStatus, RunId,
};
use crate::error::{Cause, Error, short_type_name};
use crate::execute::args::Value;
use crate::quality::ValidationResult;

/// Writes one HTML page per run into a folder: the run's graph as an SVG picture (nodes
/// coloured by status: ran, failed, skipped, overridden, given; computed nodes shaded by
/// duration), a table of node timings (slowest first), every data-quality result, and
/// summaries of the inputs and outputs (type; value for scalars; length of lists; shape of
/// polars frames). The page needs no server, no network and no script.
///
/// The page is `hamilton-run-<run id>.html`, written when the run ends (successful or not),
/// through a temporary file and a rename, so a page is never half written. A page that cannot
/// be written does not fail the run: the error (H083) is logged through `tracing` and kept for
/// [`errors`](RunReport::errors).
///
/// The picture is a simple layered layout of the run's nodes made here: columns by dependency
/// depth (given values on the left), nodes in a column ordered by the rows of what they read,
/// scaled down to the page's width. An edge that skips columns may pass behind a box.
///
/// ```no_run
/// use std::sync::Arc;
/// use hamilton_core::prelude::*;
/// use hamilton_core::hooks::RunReport;
///
/// /// The input, doubled.
/// #[node]
/// fn doubled(x: i64) -> i64 { x * 2 }
/// hamilton_core::module!();
///
/// let report = Arc::new(RunReport::new("reports"));
/// let dr = Driver::builder().with_modules([MODULE]).with_adapter(report.clone()).build()?;
/// dr.execute(&["doubled"], Inputs::new().with("x", 2_i64))?;
/// println!("report: {}", report.last_page().unwrap().display());
/// # Ok::<(), hamilton_core::Error>(())
/// ```
#[derive(Debug)]
pub struct RunReport {
    dir: PathBuf,
    runs: Mutex<HashMap<RunId, Record>>,
    pages: Mutex<Vec<PathBuf>>,
    errors: Mutex<Vec<String>>,
}

/// What a run's page shows, gathered while it runs.
#[derive(Debug, Default)]
struct Record {
    started: Option<SystemTime>,
    outputs: Vec<String>,
    inputs: Vec<(String, String, String)>,
    overrides: Vec<(String, String, String)>,
    nodes: Vec<Planned>,
    calls: Vec<Call>,
    checks: Vec<(String, ValidationResult)>,
}

#[derive(Debug)]
struct Planned {
    name: String,
    type_name: String,
    role: NodeRole,
    deps: Vec<String>,
    module: String,
}

#[derive(Debug)]
struct Call {
    node: String,
    item: Option<usize>,
    status: NodeStatus,
    duration: Duration,
    error: Option<String>,
}

impl RunReport {
    /// Writes the pages into `dir` (created when missing).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        RunReport {
            dir: dir.into(),
            runs: Mutex::new(HashMap::new()),
            pages: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// The pages written so far, oldest first.
    pub fn pages(&self) -> Vec<PathBuf> {
        self.pages.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The last page written.
    pub fn last_page(&self) -> Option<PathBuf> {
        self.pages.lock().unwrap_or_else(PoisonError::into_inner).last().cloned()
    }

    /// Pages that could not be written (H083), one message each.
    pub fn errors(&self) -> Vec<String> {
        self.errors.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn with_record(&self, run: RunId, f: impl FnOnce(&mut Record)) {
        if let Some(r) = self.runs.lock().unwrap_or_else(PoisonError::into_inner).get_mut(&run) {
            f(r);
        }
    }

    fn write(&self, run: RunId, html: &str) -> Result<PathBuf, std::io::Error> {
        std::fs::create_dir_all(&self.dir)?;
        let page = self.dir.join(format!("hamilton-run-{}.html", run.get()));
        let temporary = self.dir.join(format!(".hamilton-run-{}.html.partial", run.get()));
        std::fs::write(&temporary, html)?;
        if let Err(e) = std::fs::rename(&temporary, &page) {
            let _ = std::fs::remove_file(&temporary);
            return Err(e);
        }
        Ok(page)
    }
}

/// A short text of `value`: scalars and text themselves, lists their length and first items,
/// polars frames their shape and columns, anything else nothing.
fn summary(value: &Value) -> String {
    macro_rules! scalars {
        ($($t:ty),*) => {$(
            if let Some(v) = value.downcast_ref::<$t>() {
                return v.to_string();
            }
            if let Some(v) = value.downcast_ref::<Vec<$t>>() {
                let head: Vec<String> = v.iter().take(5).map(ToString::to_string).collect();
                let more = if v.len() > 5 { ", …" } else { "" };
                return format!("{} items: [{}{more}]", v.len(), head.join(", "));
            }
        )*};
    }
    scalars!(bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);
    if let Some(s) = value.downcast_ref::<String>() {
        let mut t: String = s.chars().take(80).collect();
        if s.chars().count() > 80 {
            t.push('…');
        }
        return format!("{t:?}");
    }
    if let Some(v) = value.downcast_ref::<Vec<String>>() {
        return format!("{} items", v.len());
    }
    if let Some(r) = value.downcast_ref::<ValidationResult>() {
        return r.to_string();
    }
    #[cfg(feature = "polars")]
    {
        use crate::polars::prelude::{DataFrame, Series};
        if let Some(df) = value.downcast_ref::<DataFrame>() {
            let (rows, cols) = df.shape();
            let names: Vec<String> =
                df.get_column_names().iter().take(8).map(|n| n.to_string()).collect();
            let more = if cols > 8 { ", …" } else { "" };
            return format!("{rows} rows × {cols} columns: {}{more}", names.join(", "));
        }
        if let Some(s) = value.downcast_ref::<Series>() {
            return format!("{} values of {}", s.len(), s.dtype());
        }
    }
    String::new()
}

fn entries(values: &crate::values::Inputs) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = values
        .entries
        .iter()
        .map(|(k, e)| (k.clone(), short_type_name((e.type_name)()), summary(&e.value)))
        .collect();
    v.sort();
    v
}

impl GraphExecutionHook for RunReport {
    fn before_graph(&self, run: &GraphStart<'_>) {
        let nodes = run
            .nodes()
            .into_iter()
            .map(|n: PlannedNode<'_>| Planned {
                name: n.name.to_string(),
                type_name: n.type_name.to_string(),
                role: n.role,
                deps: n.dependencies.iter().map(ToString::to_string).collect(),
                module: n.module.to_string(),
            })
            .collect();
        let record = Record {
            started: Some(SystemTime::now()),
            outputs: run.outputs().iter().map(ToString::to_string).collect(),
            inputs: entries(run.inputs),
            overrides: entries(run.overrides),
            nodes,
            ..Record::default()
        };
        self.runs.lock().unwrap_or_else(PoisonError::into_inner).insert(run.run_id(), record);
    }

    fn after_graph(&self, run: &GraphEnd<'_>) {
        let record = self.runs.lock().unwrap_or_else(PoisonError::into_inner).remove(&run.run_id());
        let Some(record) = record else { return };
        let html = page(run, &record);
        match self.write(run.run_id(), &html) {
            Ok(path) => self.pages.lock().unwrap_or_else(PoisonError::into_inner).push(path),
            Err(e) => {
                let message = format!(
                    "error[H083]: the run report of run {} could not be written into `{}`: {e}",
                    run.run_id().get(),
                    self.dir.display()
                );
                tracing::warn!("{message}");
                self.errors.lock().unwrap_or_else(PoisonError::into_inner).push(message);
            }
        }
    }
}

impl NodeExecutionHook for RunReport {
    fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) {
        let check = outcome.value().and_then(|v| v.downcast_ref::<ValidationResult>()).cloned();
        let failed_checks = match outcome.error() {
            Some(Error::NodeFailed(f)) => match &f.cause {
                Cause::Validation(results) => results.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let call = Call {
            node: node.name().to_string(),
            item: node.item(),
            status: outcome.status(),
            duration: outcome.duration(),
            error: outcome.error().map(ToString::to_string),
        };
        self.with_record(node.run_id(), |r| {
            r.calls.push(call);
            let name = node.name().to_string();
            r.checks.extend(check.map(|c| (name.clone(), c)));
            r.checks.extend(failed_checks.into_iter().map(|c| (name.clone(), c)));
        });
    }
}

impl Adapter for RunReport {
    fn graph_hook(&self) -> Option<&dyn GraphExecutionHook> {
        Some(self)
    }

    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        Some(self)
    }
}

/// Text for HTML (element content and attribute values).
fn esc(s: &str) -> String {
    crate::viz::xml_text(s)
}

/// A node's status on the page: from its calls (the worst one wins) or its role.
fn status_of(node: &Planned, calls: &[&Call]) -> &'static str {
    match node.role {
        NodeRole::Input => "input",
        NodeRole::Config => "config",
        NodeRole::Overridden => "overridden",
        _ if calls.iter().any(|c| c.status == NodeStatus::Failed) => "failed",
        _ if calls.iter().any(|c| c.status == NodeStatus::Skipped) => "skipped",
        _ if calls.is_empty() => "not-run",
        _ => "ran",
    }
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2433}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;margin:0 0 12px} .ok{color:#1b7f3b;font-weight:600} .bad{color:#b3261e;font-weight:600}
table{border-collapse:collapse;font-size:13px} th,td{border:1px solid #d5d9e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5} td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fbeaea;border:1px solid #e3b5b1;padding:8px;white-space:pre-wrap;font-size:12px}
.legend span{display:inline-block;margin-right:14px;font-size:13px}
.legend i{display:inline-block;width:12px;height:12px;border:1px solid #555;margin-right:4px;vertical-align:-1px}
.graph{border:1px solid #d5d9e0;padding:8px}
";

/// The fill of a node: computed nodes in green shaded by duration (darker is longer).
fn fill(status: &str, share: f64) -> String {
    match status {
        "ran" => {
            let light = 88.0 - 48.0 * share.clamp(0.0, 1.0);
            format!("hsl(140,55%,{light:.0}%)")
        }
        "failed" => "#f28b82".to_string(),
        "skipped" => "#dadce0".to_string(),
        "overridden" => "#c5b3f6".to_string(),
        "not-run" => "#ffffff".to_string(),
        _ => "#fff8dc".to_string(),
    }
}

fn page(run: &GraphEnd<'_>, r: &Record) -> String {
    let mut calls_of: HashMap<&str, Vec<&Call>> = HashMap::new();
    for c in &r.calls {
        calls_of.entry(c.node.as_str()).or_default().push(c);
    }
    let total = |name: &str| -> Duration {
        calls_of.get(name).map_or(Duration::ZERO, |c| c.iter().map(|c| c.duration).sum())
    };
    let longest = r.nodes.iter().map(|n| total(&n.name)).max().unwrap_or_default();
    let share = |d: Duration| {
        if longest.is_zero() { 0.0 } else { d.as_secs_f64() / longest.as_secs_f64() }
    };

    let mut h = String::with_capacity(16 * 1024);
    let id = run.run_id().get();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Hamilton run {id}</title><style>{STYLE}</style></head><body>\n"
    );
    let started = r
        .started
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(String::new(), |d| format!("started {} (Unix time), ", d.as_secs()));
    let status = if run.success() {
        "<span class=\"ok\" id=\"run-status\">succeeded</span>"
    } else {
        "<span class=\"bad\" id=\"run-status\">failed</span>"
    };
    let _ = writeln!(
        h,
        "<h1>Hamilton run {id}</h1><p class=\"meta\">{status}; {started}took {:.3?}; requested: \
         {}</p>",
        run.duration(),
        esc(&r.outputs.join(", "))
    );
    if let Some(e) = run.error() {
        let _ = writeln!(h, "<h2>Error</h2><pre id=\"run-error\">{}</pre>", esc(&e.to_string()));
    }

    // The graph.
    let _ = write!(h, "<h2>Graph</h2>\n<div class=\"legend\">");
    for (label, status) in [
        ("ran (darker: longer)", "ran"),
        ("failed", "failed"),
        ("skipped", "skipped"),
        ("overridden", "overridden"),
        ("input or config", "input"),
    ] {
        let _ = write!(h, "<span><i style=\"background:{}\"></i>{label}</span>", fill(status, 0.5));
    }
    h.push_str("</div>\n<div class=\"graph\">");
    h.push_str(&svg(r, &calls_of, &total, &share));
    h.push_str("</div>\n");

    // Timings.
    let mut timed: Vec<&Call> = r.calls.iter().collect();
    timed.sort_by_key(|c| std::cmp::Reverse(c.duration));
    h.push_str(
        "<h2>Node timings (slowest first)</h2>\n<table id=\"timings\"><tr><th>node</th><th>item</th>\
         <th>status</th><th>duration</th><th>share of the slowest node</th></tr>\n",
    );
    for c in &timed {
        let item = c.item.map_or(String::new(), |i| i.to_string());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{item}</td><td>{}</td><td class=\"num\">{:.3?}</td>\
             <td class=\"num\">{:.0}%</td></tr>",
            esc(&c.node),
            c.status.as_str(),
            c.duration,
            100.0 * share(c.duration)
        );
    }
    h.push_str("</table>\n");
    let errors: Vec<&Call> = r.calls.iter().filter(|c| c.error.is_some()).collect();
    for c in errors {
        let _ = writeln!(
            h,
            "<pre class=\"node-error\">{}</pre>",
            esc(c.error.as_deref().unwrap_or_default())
        );
    }

    // Data quality.
    h.push_str("<h2>Data quality</h2>\n");
    if r.checks.is_empty() {
        h.push_str("<p id=\"data-quality\">No validator ran in this run.</p>\n");
    } else {
        h.push_str(
            "<table id=\"data-quality\"><tr><th>node</th><th>validator</th><th>importance</th>\
             <th>result</th><th>message</th></tr>\n",
        );
        for (node, c) in &r.checks {
            let result = if c.passes { "passed" } else { "failed" };
            let _ = writeln!(
                h,
                "<tr class=\"{result}\"><td>{}</td><td>{}</td><td>{:?}</td><td>{result}</td>\
                 <td>{}</td></tr>",
                esc(node),
                esc(&c.validator),
                c.importance,
                esc(&c.message)
            );
        }
        h.push_str("</table>\n");
    }

    // Inputs, overrides, outputs.
    let table = |h: &mut String, id: &str, title: &str, rows: &[(String, String, String)]| {
        let _ = writeln!(h, "<h2>{title}</h2>");
        if rows.is_empty() {
            let _ = writeln!(h, "<p id=\"{id}\">None.</p>");
            return;
        }
        let _ =
            writeln!(h, "<table id=\"{id}\"><tr><th>name</th><th>type</th><th>summary</th></tr>");
        for (name, ty, s) in rows {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(name),
                esc(ty),
                esc(s)
            );
        }
        h.push_str("</table>\n");
    };
    table(&mut h, "inputs", "Inputs", &r.inputs);
    table(&mut h, "overrides", "Overrides", &r.overrides);
    let outputs: Vec<(String, String, String)> = match run.outputs() {
        Some(out) => {
            let mut rows: Vec<_> = out
                .iter()
                .map(|(n, v, ty)| (n.to_string(), short_type_name((ty.name)()), summary(v)))
                .collect();
            rows.extend(out.skipped().map(|(n, failed)| {
                (n.to_string(), String::new(), format!("not computed: `{failed}` failed"))
            }));
            rows
        }
        None => Vec::new(),
    };
    table(&mut h, "outputs", "Outputs", &outputs);
    h.push_str("</body></html>\n");
    h
}

/// The run's nodes as a layered picture: a column per dependency depth, edges as curves.
fn svg(
    r: &Record,
    calls_of: &HashMap<&str, Vec<&Call>>,
    total: &dyn Fn(&str) -> Duration,
    share: &dyn Fn(Duration) -> f64,
) -> String {
    const W: f64 = 190.0;
    const H: f64 = 46.0;
    const GAP_X: f64 = 70.0;
    const GAP_Y: f64 = 18.0;
    const PAD: f64 = 10.0;
    let index: HashMap<&str, usize> =
        r.nodes.iter().enumerate().map(|(i, n)| (n.name.as_str(), i)).collect();
    // Given values come first and computed nodes in plan order, so one pass sets every depth.
    let mut depth = vec![0usize; r.nodes.len()];
    for (i, n) in r.nodes.iter().enumerate() {
        depth[i] = n
            .deps
            .iter()
            .filter_map(|d| index.get(d.as_str()))
            .map(|&d| depth[d] + 1)
            .max()
            .unwrap_or(0);
    }
    let columns = depth.iter().max().map_or(0, |d| d + 1);
    // Within a column, nodes are ordered by the mean row of what they read (fewer crossings).
    let mut row_of = vec![0.0f64; r.nodes.len()];
    let rows: Vec<usize> =
        (0..columns).map(|c| depth.iter().filter(|&&d| d == c).count()).collect();
    for column in 0..columns {
        let mut members: Vec<(f64, usize)> = (0..r.nodes.len())
            .filter(|&i| depth[i] == column)
            .map(|i| {
                let deps: Vec<f64> = r.nodes[i]
                    .deps
                    .iter()
                    .filter_map(|d| index.get(d.as_str()))
                    .map(|&d| row_of[d])
                    .collect();
                let mean = if deps.is_empty() {
                    i as f64
                } else {
                    deps.iter().sum::<f64>() / deps.len() as f64
                };
                (mean, i)
            })
            .collect();
        members.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (row, (_, i)) in members.into_iter().enumerate() {
            row_of[i] = row as f64;
        }
    }
    let at: Vec<(f64, f64)> = (0..r.nodes.len())
        .map(|i| (PAD + depth[i] as f64 * (W + GAP_X), PAD + row_of[i] * (H + GAP_Y)))
        .collect();
    let width = PAD * 2.0 + columns as f64 * (W + GAP_X) - GAP_X;
    let height = PAD * 2.0 + rows.iter().max().copied().unwrap_or(0) as f64 * (H + GAP_Y) - GAP_Y;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"graph\" width=\"{width:.0}\" \
         height=\"{height:.0}\" style=\"max-width:100%;height:auto\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"sans-serif\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker>\
         </defs>"
    );
    for (i, n) in r.nodes.iter().enumerate() {
        for d in n.deps.iter().filter_map(|d| index.get(d.as_str())) {
            let (x1, y1) = (at[*d].0 + W, at[*d].1 + H / 2.0);
            let (x2, y2) = (at[i].0, at[i].1 + H / 2.0);
            let mid = (x1 + x2) / 2.0;
            let _ = write!(
                s,
                "<path d=\"M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}\" \
                 fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>"
            );
        }
    }
    for (i, n) in r.nodes.iter().enumerate() {
        let calls = calls_of.get(n.name.as_str()).map_or(&[][..], Vec::as_slice);
        let status = status_of(n, calls);
        let d = total(&n.name);
        let (x, y) = at[i];
        let dash =
            if matches!(status, "input" | "config") { " stroke-dasharray=\"5,3\"" } else { "" };
        let detail = match status {
            "ran" | "failed" => format!("{} · {:.2?}", short_type_name(&n.type_name), d),
            _ => format!("{} · {status}", short_type_name(&n.type_name)),
        };
        let detail: String = detail.chars().take(30).collect();
        let name: String = n.name.chars().take(24).collect();
        let _ = write!(
            s,
            "<g class=\"node\" data-node=\"{}\" data-status=\"{status}\"><title>{} ({})</title>\
             <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{W}\" height=\"{H}\" rx=\"8\" \
             fill=\"{}\" stroke=\"#333\"{dash}/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"13\" \
             font-weight=\"600\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" \
             fill=\"#333\">{}</text></g>",
            esc(&n.name),
            esc(&n.name),
            esc(&n.module),
            fill(status, share(d)),
            x + W / 2.0,
            y + 19.0,
            esc(&name),
            x + W / 2.0,
            y + 36.0,
            esc(&detail),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(esc("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn summaries_show_scalars_lists_and_text() {
        assert_eq!(summary(&Value::new(42_i64)), "42");
        assert_eq!(summary(&Value::new(vec![1.5_f64; 7])), "7 items: [1.5, 1.5, 1.5, 1.5, 1.5, …]");
        assert_eq!(summary(&Value::new("hi".to_string())), "\"hi\"");
        assert_eq!(summary(&Value::new(std::time::Duration::ZERO)), "");
    }

    #[test]
    fn durations_shade_ran_nodes_darker_when_longer() {
        assert_eq!(fill("ran", 0.0), "hsl(140,55%,88%)");
        assert_eq!(fill("ran", 1.0), "hsl(140,55%,40%)");
        assert_eq!(fill("failed", 1.0), "#f28b82");
    }

    #[test]
    fn a_page_that_cannot_be_written_is_an_error_not_a_partial_file() {
        let file =
            std::env::temp_dir().join(format!("hamilton-report-not-a-dir-{}", std::process::id()));
        std::fs::write(&file, "a file where the folder should be").unwrap();
        let report = RunReport::new(&file);
        assert!(report.write(RunId(7), "<html></html>").is_err());
        std::fs::remove_file(&file).unwrap();
    }
}
