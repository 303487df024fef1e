//! `hamilton-bench`: Python Hamilton's anchor workloads W1 (graph build), W2 (execution
//! overhead) and W3 (polars feature engineering) from `/work/shared/bench/README.md`, on the
//! same graphs, node for node, and W4 (parallel execution, defined in `docs/benchmarks.md`).
//!
//! ```text
//! cargo run --release -p hamilton-bench                      # all; N = 100 and 1000
//! cargo run --release -p hamilton-bench --features large     # also N = 10000
//! cargo run --release -p hamilton-bench -- w1 --no-wait      # only W1, no quiet-machine guard
//! cargo run --release -p hamilton-bench -- w3                # only W3 (polars, 1M rows)
//! cargo run --release -p hamilton-bench -- w4                # only W4 (parallel executor)
//! cargo run --release -p hamilton-bench -- w6                # only W6 (async executor)
//! cargo run --release -p hamilton-bench -- profile build chain 1000 5000   # a loop for perf
//! ```
//!
//! Prints Markdown tables, with Python Hamilton 1.90.0's figures from the README beside ours,
//! and checks every graph's result. See `docs/benchmarks.md`.

mod graphs;
mod measure;
mod w3;
mod w4;
mod w6;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hamilton_core::polars::prelude::DataFrame;
use hamilton_core::results::DataFrameResult;
use hamilton_core::{Driver, Executor, Inputs};

use graphs::{Graph, Shape};
use measure::{Rules, Sample, measure_rounds, measure_runs as measure};

/// Python Hamilton 1.90.0's figures, copied from the bench README (median of 3 runs' medians).
mod python {
    use super::Shape;

    /// W1 build ms and the untimed check execute ms ("1 execute, info").
    pub(crate) fn w1(shape: Shape, n: usize) -> Option<(f64, f64)> {
        Some(match (shape, n) {
            (Shape::Chain, 100) => (4.96, 1.25),
            (Shape::Chain, 1000) => (42.0, 9.27),
            (Shape::Chain, 10_000) => (525.6, 102.1),
            (Shape::Fanin, 100) => (5.32, 2.28),
            (Shape::Fanin, 1000) => (44.9, 131.4),
            (Shape::Fanin, 10_000) => (565.4, 13803.0),
            (Shape::Fantree, 100) => (5.83, 1.11),
            (Shape::Fantree, 1000) => (48.6, 9.14),
            (Shape::Fantree, 10_000) => (632.6, 101.4),
            _ => return None,
        })
    }

    /// W2 chain: (Hamilton execute ms, plain calls ms).
    pub(crate) fn w2(n: usize) -> Option<(f64, f64)> {
        match n {
            1000 => Some((9.17, 0.066)),
            10_000 => Some((96.6, 0.59)),
            _ => None,
        }
    }

    /// W3 end to end: (variant, median ms, CPU ms), in the README's order.
    pub(crate) const W3: [(&str, f64, f64); 4] = [
        ("hamilton", 265.6, 298.2),
        ("hamilton_polars_rb", 245.2, 273.2),
        ("polars_eager", 250.9, 285.0),
        ("polars_lazy", 168.2, 303.9),
    ];

    /// W3 driver build ms (38 graph nodes).
    pub(crate) const W3_BUILD_MS: f64 = 2.5;
}

/// This port's targets on the 2-core machine: W1 in ms, W2 in µs per node.
const TARGET_W1_10K_MS: f64 = 2.0;
const TARGET_W2_CACHED_US: f64 = 0.15;
const TARGET_W2_PLANNING_US: f64 = 0.3;
/// W3: Hamilton's end-to-end time over the hand-written polars code's.
const TARGET_W3_RATIO: f64 = 1.05;
/// W4: Parallel over Sequential speed-up on 16 CPU-bound nodes (2 cores).
const TARGET_W4_SPEEDUP: f64 = 1.85;
/// W4 wide: Parallel time over Sequential time on 10,000 trivial nodes.
const TARGET_W4_WIDE_RATIO: f64 = 3.0;
/// W3: the parallel executor's time over the sequential executor's.
const TARGET_W3_PARALLEL_RATIO: f64 = 1.0;
/// W6 (a): 20 async nodes awaiting 100 ms timers, ms per execute.
const TARGET_W6A_MS: f64 = 105.0;
/// W6 (b): 10 such nodes and 2 CPU-bound sync nodes of ~200 ms, ms per execute (2 cores).
const TARGET_W6B_MS: f64 = 220.0;
struct Options {
    w1: bool,
    w2: bool,
    w3: bool,
    w4: bool,
    w6: bool,
    /// The W3 parquet file.
    data: String,
    wait: bool,
    runs: usize,
    /// `profile OP SHAPE N ITERATIONS`: run one operation in a loop, for a profiler.
    profile: Option<Profile>,
}

/// The operation a `profile` run repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProfileOp {
    /// `Builder::build`.
    Build,
    /// `execute` on a driver built once (the plan is cached after the first call).
    Execute,
    /// A fresh driver (built, not counted) and its first `execute` (planning included).
    Plan,
}

struct Profile {
    op: ProfileOp,
    shape: Shape,
    n: usize,
    iterations: usize,
}

const USAGE: &str = "\
usage: hamilton-bench [w1] [w2] [w3] [w4] [w6] [--runs K] [--no-wait] [--data PATH]
       hamilton-bench profile (build|execute|plan) (chain|fanin|fantree) N ITERATIONS
  w1          graph build (all shapes and sizes)
  w2          execution overhead (chain; fanin and fantree)
  w3          polars feature engineering, 1,000,000 rows, end to end
              (sequential and parallel executor)
  w4          parallel executor: 16 CPU-bound nodes of ~50 ms; 10,000 trivial nodes
  w6          async executor: 20 async nodes awaiting 100 ms timers; 10 of them beside 2
              CPU-bound sync nodes of ~200 ms
  (none)      all five
  --runs K    K independent runs per figure, reporting the median of the run medians and
              their spread (default 3, as the Python figures)
  --data PATH the W3 parquet file (default: benches/data/w3_data.parquet)
  --no-wait  one attempt per figure, even when other processes load the machine
  profile    repeat one operation, untimed, for `perf record` or `valgrind --tool=callgrind`
             (plan = a fresh driver per iteration and its first execute)
Build with `--features large` for the N = 10000 graphs.";

fn parse_profile(args: &[String]) -> Result<Profile, String> {
    let [op, shape, n, iterations] = args else {
        return Err("`profile` takes OP SHAPE N ITERATIONS".to_string());
    };
    let op = match op.as_str() {
        "build" => ProfileOp::Build,
        "execute" => ProfileOp::Execute,
        "plan" => ProfileOp::Plan,
        other => return Err(format!("unknown profile operation `{other}`")),
    };
    let shape = match shape.as_str() {
        "chain" => Shape::Chain,
        "fanin" => Shape::Fanin,
        "fantree" => Shape::Fantree,
        other => return Err(format!("unknown shape `{other}`")),
    };
    let n = n.parse().map_err(|_| format!("N must be a number, not `{n}`"))?;
    let iterations = iterations
        .parse()
        .map_err(|_| format!("ITERATIONS must be a number, not `{iterations}`"))?;
    Ok(Profile { op, shape, n, iterations })
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        w1: false,
        w2: false,
        w3: false,
        w4: false,
        w6: false,
        data: DEFAULT_DATA.to_string(),
        wait: true,
        runs: 3,
        profile: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "profile") {
        o.profile = Some(parse_profile(&args[1..])?);
        return Ok(o);
    }
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                let k = args.next().unwrap_or_default();
                o.runs =
                    k.parse().ok().filter(|&k| k > 0).ok_or("--runs takes a positive number")?;
            }
            "--data" => o.data = args.next().ok_or("--data takes a path")?,
            "w1" => o.w1 = true,
            "w2" => o.w2 = true,
            "w3" => o.w3 = true,
            "w4" => o.w4 = true,
            "w6" => o.w6 = true,
            "--no-wait" => o.wait = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if !o.w1 && !o.w2 && !o.w3 && !o.w4 && !o.w6 {
        o.w1 = true;
        o.w2 = true;
        o.w3 = true;
        o.w4 = true;
        o.w6 = true;
    }
    Ok(o)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        }
    };
    if let Some(p) = &options.profile {
        return profile(p);
    }
    let rules = |repeats| Rules {
        warmup: 1,
        repeats,
        max_others: 0.25,
        attempts: if options.wait { 5 } else { 1 },
        runs: options.runs,
    };
    environment(&options);
    let graphs = graphs::all();
    let mut report = Report::default();
    if options.w1 {
        w1(&graphs, rules(5), &mut report);
    }
    if options.w2 {
        w2(&graphs, rules(20), &mut report);
    }
    if options.w3 {
        w3(&options.data, rules(5), &mut report);
    }
    if options.w4 {
        w4(rules(5), rules(20), &mut report);
    }
    if options.w6 {
        w6(rules(10), &mut report);
    }
    if !report.targets.is_empty() {
        println!("## Targets\n");
        println!("| target | measured | met |\n|---|---:|---|");
        for t in &report.targets {
            println!("{t}");
        }
        println!();
    }
    if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        for f in &report.failures {
            eprintln!("check failed: {f}");
        }
        ExitCode::FAILURE
    }
}

/// What the run found besides the tables: target checks (table rows) and failed checks.
#[derive(Default)]
struct Report {
    targets: Vec<String>,
    failures: Vec<String>,
}

impl Report {
    fn target(&mut self, what: String, measured: f64, limit: f64, unit: &str) {
        let met = if measured <= limit { "yes" } else { "**no**" };
        self.targets.push(format!("| {what} ≤ {limit} {unit} | {measured:.3} {unit} | {met} |"));
    }
}

/// The heading line that states how a table's figures were taken.
fn method(rules: Rules) -> String {
    let runs = if rules.runs > 1 {
        format!("; median of {} runs' medians, min–max = spread of the run medians", rules.runs)
    } else {
        "; one run, min–max = fastest and slowest call".to_string()
    };
    format!("median of {} after {} warm-up{runs}", rules.repeats, rules.warmup)
}

fn environment(options: &Options) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let workloads: Vec<&str> = [
        (options.w1, "W1"),
        (options.w2, "W2"),
        (options.w3, "W3"),
        (options.w4, "W4"),
        (options.w6, "W6"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    println!("# hamilton-rs benchmarks ({})\n", workloads.join(", "));
    println!("| item | value |\n|---|---|");
    println!("| machine | {cores} × {cpu}, Linux {} |", kernel.trim());
    println!("| rustc | {} |", env!("BENCH_RUSTC_VERSION"));
    let profile = if cfg!(debug_assertions) {
        "debug (figures meaningless: use --release)"
    } else {
        "release"
    };
    println!("| profile | {profile} |");
    let large = if cfg!(feature = "large") { "on (N = 10000 included)" } else { "off" };
    println!("| feature `large` | {large} |");
    println!(
        "| Python figures | Hamilton 1.90.0, CPython 3.11.7, from the bench README (its table names a 2-vCPU Intel Xeon KVM guest) |"
    );
    if options.w3 {
        let threads = std::env::var("POLARS_MAX_THREADS")
            .unwrap_or_else(|_| format!("{cores} (all cores; `POLARS_MAX_THREADS` unset)"));
        println!(
            "| polars (W3) | {} (Rust), eager Series arithmetic; threads: {threads}. Python: polars 2.1.0, threads = 2 |",
            hamilton_core::polars::VERSION
        );
    }

    // The first build of a process collects and sorts every registered node once; later
    // builds (all timed figures, after a warm-up) do not pay for it.
    let graphs = graphs::all();
    let registered: usize =
        graphs.iter().map(Graph::function_nodes).sum::<usize>() + w3::FUNCTION_NODES;
    let start = Instant::now();
    let dr = build(&graphs[0]);
    let first = start.elapsed();
    drop(dr);
    println!(
        "| first build in the process | {} ms ({} {}, incl. the one-time collection of all {registered} registered nodes) |\n",
        ms(first),
        graphs[0].shape.name(),
        graphs[0].n
    );
}

fn profile(p: &Profile) -> ExitCode {
    let graphs = graphs::all();
    let Some(g) = graphs.iter().find(|g| g.shape == p.shape && g.n == p.n) else {
        eprintln!(
            "error: no {} graph with N = {} in this build (N = 10000 needs `--features large`)",
            p.shape.name(),
            p.n
        );
        return ExitCode::FAILURE;
    };
    let output = g.output();
    let request = [output.as_str()];
    let dr = build(g);
    let start = Instant::now();
    for _ in 0..p.iterations {
        match p.op {
            ProfileOp::Build => drop(black_box(build(g))),
            ProfileOp::Execute => drop(black_box(dr.execute(&request, inputs()))),
            ProfileOp::Plan => {
                let fresh = build(g);
                drop(black_box(fresh.execute(&request, inputs())));
            }
        }
    }
    let per = start.elapsed() / p.iterations.max(1) as u32;
    eprintln!("{:?} {} N = {}: {} ms per iteration", p.op, p.shape.name(), p.n, ms(per));
    ExitCode::SUCCESS
}

fn build(g: &Graph) -> Driver {
    Driver::builder().with_modules([g.module]).build().expect("the generated graph builds")
}

fn inputs() -> Inputs {
    Inputs::new().with("x", 0_i64)
}

/// Executes the graph's check request; `Err` describes a wrong or missing result.
fn check(dr: &Driver, g: &Graph) -> Result<(), String> {
    let output = g.output();
    let out = dr.execute(&[output.as_str()], inputs()).map_err(|e| e.to_string())?;
    let got = *out.get::<i64>(&output).map_err(|e| e.to_string())?;
    if got == g.expected() {
        Ok(())
    } else {
        Err(format!("{} N = {}: {output} = {got}, expected {}", g.shape.name(), g.n, g.expected()))
    }
}

fn w1(graphs: &[Graph], rules: Rules, report: &mut Report) {
    println!(
        "## W1 graph build: `Driver::builder().with_modules([m::MODULE]).build()`, {}\n",
        method(rules)
    );
    println!(
        "| shape | N | function nodes | build ms | min–max ms | µs per function node | Python build ms | Python µs per node | × faster | 1 execute, info (ms) | Python 1 execute (ms) | others_cores |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for g in graphs {
        let s = measure(rules, || (), |()| build(g));
        let dr = build(g);
        let start = Instant::now();
        let checked = check(&dr, g);
        let exec = start.elapsed();
        if let Err(e) = checked {
            report.failures.push(e);
        }
        let nodes = g.function_nodes();
        let (py_build, py_exec) = python::w1(g.shape, g.n).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "| {} | {} | {nodes} | {} | {}–{} | {} | {py_build} | {:.1} | {:.0}× | {} | {py_exec} | {} |",
            g.shape.name(),
            g.n,
            ms(s.median),
            ms(s.min),
            ms(s.max),
            per_node(s.median, nodes),
            py_build * 1000.0 / nodes as f64,
            py_build / (s.median.as_secs_f64() * 1e3),
            ms(exec),
            others(&s),
        );
        if g.n == 10_000 {
            let what = format!("W1 build, {} N = 10000", g.shape.name());
            report.target(what, s.median.as_secs_f64() * 1e3, TARGET_W1_10K_MS, "ms");
        }
    }
    println!();
}

/// Execute of `g`'s request (a) again on one driver (plan cached) and (b) as the first execute of
/// a fresh driver (planning included; the build is not timed).
fn execute_figures(g: &Graph, rules: Rules) -> (Sample, Sample) {
    let output = g.output();
    let request = [output.as_str()];
    let dr = build(g);
    let cached = measure(rules, inputs, |i| dr.execute(&request, i).expect("executes"));
    let first = measure(
        rules,
        || (build(g), inputs()),
        |(fresh, i)| {
            let out = fresh.execute(&request, i).expect("executes");
            // The driver is dropped with the result, after the clock stops.
            (out, fresh)
        },
    );
    (cached, first)
}

fn w2(graphs: &[Graph], rules: Rules, report: &mut Report) {
    println!("## W2 chain execute: `dr.execute(&[\"node_{{N-1}}\"], inputs)`, {}\n", method(rules));
    println!(
        "| N | variant | per execute ms | min–max ms | µs per node | target µs/node | Python µs per node | × faster than Python | others_cores |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for g in graphs.iter().filter(|g| g.shape == Shape::Chain && g.n >= 1000) {
        let (py_exec, py_plain) = python::w2(g.n).unwrap_or((f64::NAN, f64::NAN));
        let py_exec_us = py_exec * 1000.0 / g.n as f64;
        let py_plain_us = py_plain * 1000.0 / g.n as f64;
        let (cached, first) = execute_figures(g, rules);
        let parallel = {
            let output = g.output();
            let request = [output.as_str()];
            let dr = Driver::builder()
                .with_modules([g.module])
                .with_executor(Executor::parallel())
                .build()
                .expect("the generated graph builds");
            if let Err(e) = check(&dr, g) {
                report.failures.push(format!("parallel: {e}"));
            }
            measure(rules, inputs, |i| dr.execute(&request, i).expect("executes"))
        };
        let functions = g.functions.expect("chain graphs carry their functions");
        let direct = measure(
            rules,
            || (),
            |()| {
                let mut v = black_box(0_i64);
                for f in black_box(functions) {
                    v = f(v);
                }
                black_box(v)
            },
        );
        let v = functions.iter().fold(0_i64, |v, f| f(v));
        if v != g.expected() {
            report.failures.push(format!(
                "direct chain N = {}: {v}, expected {}",
                g.n,
                g.expected()
            ));
        }
        if let Err(e) = check(&build(g), g) {
            report.failures.push(e);
        }
        let us = |s: &Sample| s.median.as_secs_f64() * 1e6 / g.n as f64;
        report.target(
            format!("W2 (a) chain N = {}, µs/node", g.n),
            us(&cached),
            TARGET_W2_CACHED_US,
            "µs",
        );
        report.target(
            format!("W2 (b) chain N = {}, µs/node", g.n),
            us(&first),
            TARGET_W2_PLANNING_US,
            "µs",
        );
        let rows = [
            (
                "(a) execute again (plan cached)",
                &cached,
                TARGET_W2_CACHED_US.to_string(),
                py_exec_us,
            ),
            (
                "(b) first execute (incl. planning)",
                &first,
                TARGET_W2_PLANNING_US.to_string(),
                py_exec_us,
            ),
            ("(c) direct calls, no framework", &direct, "–".to_string(), py_plain_us),
            ("(e) parallel executor, execute again", &parallel, "–".to_string(), py_exec_us),
        ];
        for (variant, s, target, py) in rows {
            println!(
                "| {} | {variant} | {} | {}–{} | {} | {target} | {py:.3} | {:.0}× | {} |",
                g.n,
                ms(s.median),
                ms(s.min),
                ms(s.max),
                per_node(s.median, g.n),
                py / us(s),
                others(s),
            );
        }
        println!(
            "| {} | (b) − (a): planning alone | | | {:.3} | | | | |",
            g.n,
            us(&first) - us(&cached)
        );
    }
    println!();

    println!("## W2 execute of every shape (linear in N?), {}\n", method(rules));
    println!(
        "| shape | N | function nodes | execute again ms | µs per node | first execute ms (incl. planning) | µs per node | Python 1 execute ms | others_cores |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for g in graphs {
        let nodes = g.function_nodes();
        let (cached, first) = execute_figures(g, rules);
        let py_exec = python::w1(g.shape, g.n).map_or(f64::NAN, |p| p.1);
        println!(
            "| {} | {} | {nodes} | {} | {} | {} | {} | {py_exec} | {} |",
            g.shape.name(),
            g.n,
            ms(cached.median),
            per_node(cached.median, nodes),
            ms(first.median),
            per_node(first.median, nodes),
            others(if cached.others >= first.others { &cached } else { &first }),
        );
    }
    println!();
}

/// The W3 data file in this repository.
const DEFAULT_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/w3_data.parquet");

/// A W3 variant: its name, Python's variant beside it, and one end-to-end call.
struct W3Variant<'a> {
    name: &'static str,
    python: &'static str,
    run: Box<dyn FnMut() -> Result<DataFrame, String> + 'a>,
}

fn w3(path: &str, rules: Rules, report: &mut Report) {
    if let Err(e) = w3_checked(path, rules, report) {
        report.failures.push(format!("W3: {e}"));
    }
}

fn w3_checked(path: &str, rules: Rules, report: &mut Report) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    println!(
        "## W3 polars features: 1,000,000 rows → 1,000,000 × 32, end to end incl. parquet read\n"
    );
    println!("Data: `{path}`.\n");

    // The README's verification values for the data file.
    let got = w3::data_check(path).map_err(|e| err(&e))?;
    let want = w3::expected_data();
    println!("| data check | this file | README | equal |\n|---|---|---|---|");
    let rows = [
        ("rows", got.rows.to_string(), want.rows.to_string()),
        ("sum(id)", got.sum_id.to_string(), want.sum_id.to_string()),
        ("sum(a)", got.sum_a.to_string(), want.sum_a.to_string()),
        ("sum(b)", got.sum_b.to_string(), want.sum_b.to_string()),
        ("sum(c)", got.sum_c.to_string(), want.sum_c.to_string()),
        ("count(cat == \"cat_00\")", got.count_cat_00.to_string(), want.count_cat_00.to_string()),
        ("row 0", format!("{:?}", got.row0), format!("{:?}", want.row0)),
    ];
    for (what, g, w) in &rows {
        let equal = if g == w { "yes" } else { "**no**" };
        println!("| {what} | {g} | {w} | {equal} |");
    }
    println!();
    if got != want {
        report.failures.push("W3: the data file differs from the README's check values".into());
    }

    // Drivers: one per request shape, built once (the build is timed separately).
    let build = || Driver::builder().with_modules([w3::MODULE]).build();
    let dr = build().map_err(|e| err(&e))?;
    let par = Driver::builder()
        .with_modules([w3::MODULE])
        .with_executor(Executor::parallel())
        .build()
        .map_err(|e| err(&e))?;
    let build_time = measure(rules, || (), |()| build().expect("the W3 module builds"));
    let inputs = || Inputs::new().with("data_path", path.to_string());

    let mut variants = vec![
        W3Variant {
            name: "hamilton",
            python: "hamilton",
            run: Box::new(|| {
                let mut out = dr.execute(&["features"], inputs()).map_err(|e| err(&e))?;
                out.take::<DataFrame>("features").map_err(|e| err(&e))
            }),
        },
        W3Variant {
            name: "hamilton_polars_rb",
            python: "hamilton_polars_rb",
            run: Box::new(|| {
                let out = dr.execute(&w3::OUTPUT_COLUMNS, inputs()).map_err(|e| err(&e))?;
                out.build(&DataFrameResult).map_err(|e| err(&e))
            }),
        },
        W3Variant {
            name: "hamilton_parallel",
            python: "",
            run: Box::new(|| {
                let mut out = par.execute(&["features"], inputs()).map_err(|e| err(&e))?;
                out.take::<DataFrame>("features").map_err(|e| err(&e))
            }),
        },
        W3Variant {
            name: "hand_written",
            python: "polars_eager",
            run: Box::new(|| w3::hand_written(path).map_err(|e| err(&e))),
        },
    ];

    // The reference, then one untimed checked call of every variant.
    let reference = w3::hand_written(path).map_err(|e| err(&e))?;
    for v in &mut variants {
        let out = (v.run)()?;
        if let Err(e) = w3::same_frame(&out, &reference) {
            report.failures.push(format!("W3 {}: output differs from hand_written: {e}", v.name));
        }
    }
    let sums = ["f_01", "f_11", "f_21", "f_29", "f_30"]
        .map(|c| w3::column_sum(&reference, c).map_err(|e| err(&e)));
    println!("| output checksum | this port | Python | relative difference |\n|---|---|---|---|");
    let expected = [Some(w3::EXPECTED_SUM_F01), Some(w3::EXPECTED_SUM_F11), None, None, None];
    for ((name, sum), want) in
        ["f_01", "f_11", "f_21", "f_29", "f_30"].iter().zip(sums).zip(expected)
    {
        let sum = sum?;
        match want {
            Some(want) => {
                let rel = ((sum - want) / want).abs();
                let diff = if rel == 0.0 { "0 (equal)".to_string() } else { format!("{rel:.1e}") };
                println!("| sum({name}) | {sum} | {want} | {diff} |");
                if rel > 1e-9 {
                    report.failures.push(format!("W3: sum({name}) = {sum}, Python {want}"));
                }
            }
            None => println!("| sum({name}) | {sum:e} | (not in the README) | |"),
        }
    }
    println!();
    drop(reference);

    // Round-robin timing, `rules.runs` independent runs.
    // Every variant passed its check above; a failure now would be a bug, not a figure.
    let mut timed: Vec<Box<dyn FnMut() -> DataFrame + '_>> = variants
        .iter_mut()
        .map(|v| {
            let name = v.name;
            let run = &mut v.run;
            Box::new(move || run().unwrap_or_else(|e| panic!("W3 {name}: {e}"))) as Box<_>
        })
        .collect();
    let mut calls: Vec<&mut dyn FnMut() -> DataFrame> =
        timed.iter_mut().map(|f| &mut **f as _).collect();
    let runs: Vec<measure::Rounds> =
        (0..rules.runs.max(1)).map(|_| measure_rounds(rules, &mut calls)).collect();
    drop(calls);
    drop(timed);

    // One run: its calls; several: the runs' medians.
    let per_variant = |v: usize, cpu: bool| -> Sample {
        let times = |r: &measure::Rounds| if cpu { r.cpu[v].clone() } else { r.wall[v].clone() };
        if let [one] = runs.as_slice() {
            return Sample::of(&times(one), 0.0, 0);
        }
        let medians: Vec<Duration> =
            runs.iter().map(|r| Sample::of(&times(r), 0.0, 0).median).collect();
        Sample::of(&medians, 0.0, 0)
    };
    let wall: Vec<Sample> = (0..variants.len()).map(|v| per_variant(v, false)).collect();
    let cpu: Vec<Sample> = (0..variants.len()).map(|v| per_variant(v, true)).collect();
    let hand = variants.iter().position(|v| v.name == "hand_written").expect("hand_written");
    let others = runs.iter().map(|r| r.others).fold(0.0, f64::max);
    let redone: usize = runs.iter().map(|r| r.redone).sum();
    let py_eager = python::W3[2].1;
    let method = if rules.runs > 1 {
        format!(
            "median of {} runs' medians (each: {} warm-up round, then the median of {} rounds); min–max = spread of the run medians",
            rules.runs, rules.warmup, rules.repeats
        )
    } else {
        format!(
            "{} warm-up round, then the median of {} rounds; min–max = fastest and slowest call",
            rules.warmup, rules.repeats
        )
    };
    println!(
        "Each round calls every variant once, in the order below; {method}. others_cores = {others:.2}{}.\n",
        if redone > 0 { format!(" ({redone} redone)") } else { String::new() }
    );
    println!(
        "| variant | ms | min–max ms | CPU ms | × hand_written | Python variant | Python ms | Python CPU ms | Python × polars_eager |"
    );
    println!("|---|---:|---:|---:|---:|---|---:|---:|---:|");
    for (py_name, py_ms, py_cpu) in python::W3 {
        let py = format!("{py_name} | {py_ms:.1} | {py_cpu:.1} | {:.2}", py_ms / py_eager);
        match variants.iter().position(|v| v.python == py_name) {
            Some(v) => println!(
                "| {} | {} | {}–{} | {} | {:.3} | {py} |",
                variants[v].name,
                ms(wall[v].median),
                ms(wall[v].min),
                ms(wall[v].max),
                ms(cpu[v].median),
                wall[v].median.as_secs_f64() / wall[hand].median.as_secs_f64(),
            ),
            None => println!("| – | | | | | {py} |"),
        }
    }
    println!();

    // hamilton / hand_written: of the medians, and paired round by round.
    let ham = variants.iter().position(|v| v.name == "hamilton").expect("hamilton");
    let ratio = wall[ham].median.as_secs_f64() / wall[hand].median.as_secs_f64();
    let mut paired: Vec<f64> = runs
        .iter()
        .flat_map(|r| {
            r.wall[ham].iter().zip(&r.wall[hand]).map(|(h, w)| h.as_secs_f64() / w.as_secs_f64())
        })
        .collect();
    paired.sort_by(f64::total_cmp);
    let (lo, mid, hi) = (paired[0], paired[paired.len() / 2], paired[paired.len() - 1]);
    println!(
        "hamilton / hand_written: {ratio:.3} (of the medians); round by round: median {mid:.3}, min–max {lo:.3}–{hi:.3} ({} rounds). Python hamilton / polars_eager: {:.3}.\n",
        paired.len(),
        python::W3[0].1 / py_eager,
    );
    report.target("W3 hamilton / hand_written".to_string(), ratio, TARGET_W3_RATIO, "×");

    // The parallel executor against the sequential one, on the same request.
    let par_v = variants.iter().position(|v| v.name == "hamilton_parallel").expect("parallel");
    let par_ratio = wall[par_v].median.as_secs_f64() / wall[ham].median.as_secs_f64();
    let mut paired: Vec<f64> = runs
        .iter()
        .flat_map(|r| {
            r.wall[par_v].iter().zip(&r.wall[ham]).map(|(p, h)| p.as_secs_f64() / h.as_secs_f64())
        })
        .collect();
    paired.sort_by(f64::total_cmp);
    println!(
        "hamilton_parallel (`Executor::parallel()`, {} threads; output identical to hand_written, checked above): {} ms (min–max {}–{}), CPU {} ms; over hamilton (sequential): {par_ratio:.3} (of the medians); round by round: median {:.3}, min–max {:.3}–{:.3}.\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        ms(wall[par_v].median),
        ms(wall[par_v].min),
        ms(wall[par_v].max),
        ms(cpu[par_v].median),
        paired[paired.len() / 2],
        paired[0],
        paired[paired.len() - 1],
    );
    report.target(
        "W3 hamilton_parallel / hamilton (sequential)".to_string(),
        par_ratio,
        TARGET_W3_PARALLEL_RATIO,
        "×",
    );

    println!(
        "Driver build of the W3 module (38 graph nodes; not in the figures above): {} ms (median of {} after {} warm-up; {}–{} ms). Python: {} ms. Peak RSS of the process: {:.0} MiB.\n",
        ms(build_time.median),
        rules.repeats,
        rules.warmup,
        ms(build_time.min),
        ms(build_time.max),
        python::W3_BUILD_MS,
        measure::peak_rss_mib(),
    );
    Ok(())
}

fn w4(rules: Rules, wide_rules: Rules, report: &mut Report) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rounds = w4::calibrate(50.0);
    let one = measure(rules, || (), |()| black_box(w4::spin(99, rounds)));
    println!(
        "## W4 parallel execution: 16 independent CPU-bound nodes of ~50 ms + a sink, `Executor::Sequential` vs `Executor::parallel()` ({cores} threads), {}\n",
        method(rules)
    );
    println!(
        "One node's work, called directly: {} ms ({rounds} mixing rounds, calibrated at start).\n",
        ms(one.median)
    );
    println!("| executor | per execute ms | min–max ms | × sequential | others_cores |");
    println!("|---|---:|---:|---:|---:|");
    let expected = w4::w4_expected(rounds);
    let mut medians = Vec::new();
    for (name, executor) in
        [("Sequential", Executor::Sequential), ("Parallel", Executor::parallel())]
    {
        let dr = w4::w4_driver(executor);
        let input = || Inputs::new().with("rounds", rounds);
        match dr.execute(&["w4_total"], input()).map(|o| o.get::<u64>("w4_total").copied()) {
            Ok(Ok(v)) if v == expected => {}
            other => report.failures.push(format!("W4 {name}: {other:?}, expected {expected}")),
        }
        let s = measure(rules, input, |i| dr.execute(&["w4_total"], i).expect("W4 executes"));
        let speedup = medians
            .first()
            .map_or(1.0, |seq: &Duration| seq.as_secs_f64() / s.median.as_secs_f64());
        println!(
            "| {name} | {} | {}–{} | {speedup:.2}× faster | {} |",
            ms(s.median),
            ms(s.min),
            ms(s.max),
            others(&s)
        );
        medians.push(s.median);
    }
    let speedup = medians[0].as_secs_f64() / medians[1].as_secs_f64();
    println!(
        "\nParallel over Sequential: {speedup:.3}× (ideal on {cores} cores: {cores}.00×). Python Hamilton's thread executor: 1.00× (804 ms vs 801 ms sequential).\n"
    );
    report.targets.push(format!(
        "| W4 Parallel speed-up ≥ {TARGET_W4_SPEEDUP}× | {speedup:.3}× | {} |",
        if speedup >= TARGET_W4_SPEEDUP { "yes" } else { "**no**" }
    ));

    const WIDE: usize = 10_000;
    println!(
        "## W4 wide: {WIDE} independent trivial nodes + a sink taking all, {}\n",
        method(wide_rules)
    );
    println!(
        "| nodes | executor | per execute ms | min–max ms | µs per node | × sequential | others_cores |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (reads_x, nodes) in [(false, "`w_i() = i`"), (true, "`w_i(x: &u64) = x + i`")] {
        let mut medians = Vec::new();
        for (name, executor) in [
            ("Sequential", Executor::Sequential),
            ("Parallel, 1 thread", Executor::Parallel { threads: 1 }),
            ("Parallel", Executor::parallel()),
        ] {
            let dr = w4::wide_driver(WIDE, reads_x, executor);
            let x = if reads_x { 7 } else { 0 };
            let input = || if reads_x { Inputs::new().with("x", 7_u64) } else { Inputs::new() };
            let want = w4::wide_expected(WIDE, x);
            match dr.execute(&["wide_total"], input()).map(|o| o.get::<u64>("wide_total").copied())
            {
                Ok(Ok(v)) if v == want => {}
                other => {
                    report.failures.push(format!("W4 wide {name}: {other:?}, expected {want}"))
                }
            }
            let s = measure(wide_rules, input, |i| {
                dr.execute(&["wide_total"], i).expect("W4 wide executes")
            });
            let ratio = medians
                .first()
                .map_or(1.0, |seq: &Duration| s.median.as_secs_f64() / seq.as_secs_f64());
            println!(
                "| {nodes} | {name} | {} | {}–{} | {} | {ratio:.2} | {} |",
                ms(s.median),
                ms(s.min),
                ms(s.max),
                per_node(s.median, WIDE + 1),
                others(&s)
            );
            medians.push(s.median);
        }
        let ratio = medians[2].as_secs_f64() / medians[0].as_secs_f64();
        report.target(
            format!("W4 wide ({nodes}) Parallel / Sequential"),
            ratio,
            TARGET_W4_WIDE_RATIO,
            "×",
        );
    }
    println!();
}

fn w6(rules: Rules, report: &mut Report) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let rt = w6::runtime(cores);
    let rounds = w4::calibrate(200.0);
    let one = measure(rules, || (), |()| black_box(w4::spin(99, rounds)));
    println!(
        "## W6 async execution: `Executor::Async`, `execute_async` awaited on a tokio runtime with {cores} workers, {}\n",
        method(rules)
    );
    println!(
        "(a) 20 independent async nodes each awaiting a 100 ms timer + a sink; (b) 10 of them + 2 independent CPU-bound sync nodes ({} ms each, called directly; {rounds} mixing rounds) + a sink.\n",
        ms(one.median)
    );
    println!("| workload | per execute ms | min–max ms | Python AsyncDriver ms | others_cores |");
    println!("|---|---:|---:|---:|---:|");
    let cases: [(&str, Driver, &str, u64, f64, f64); 2] = [
        ("(a) 20 timers", w6::w6a_driver(), "w6a_total", w6::W6A_EXPECTED, 103.0, TARGET_W6A_MS),
        (
            "(b) 10 timers + 2 CPU",
            w6::w6b_driver(),
            "w6b_total",
            w6::w6b_expected(rounds),
            503.0,
            TARGET_W6B_MS,
        ),
    ];
    for (name, dr, output, expected, python, target) in cases {
        let input = || Inputs::new().with("delay_ms", 100_u64).with("rounds", rounds);
        let run = |i| rt.block_on(dr.execute_async(&[output], i));
        match run(input()).map(|o| o.get::<u64>(output).copied()) {
            Ok(Ok(v)) if v == expected => {}
            other => report.failures.push(format!("W6 {name}: {other:?}, expected {expected}")),
        }
        let s = measure(rules, input, |i| run(i).expect("W6 executes"));
        println!(
            "| {name} | {} | {}–{} | {python:.0} | {} |",
            ms(s.median),
            ms(s.min),
            ms(s.max),
            others(&s)
        );
        report.target(format!("W6 {name} per execute"), s.median.as_secs_f64() * 1e3, target, "ms");
    }
    println!();
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.1}")
    } else if ms >= 1.0 {
        format!("{ms:.3}")
    } else {
        format!("{ms:.4}")
    }
}

fn per_node(d: Duration, nodes: usize) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e6 / nodes as f64)
}

fn others(s: &Sample) -> String {
    match s.redone {
        0 => format!("{:.2}", s.others),
        k => format!("{:.2} ({k} redone)", s.others),
    }
}
