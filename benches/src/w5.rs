//! W5: dynamic map/collect. `item` expands `0..N` (`Parallelizable<u64>`), the block computes
//! `sq = item²` and `plus = sq + 1` once per item, `total` collects `plus` into a sum.

use hamilton_core::{Driver, Executor, Inputs};

use crate::measure::{Rules, Sample, measure_runs as measure};
use crate::{Report, method, ms, others};

mod pipeline {
    use hamilton_core::prelude::*;

    /// The items `0..n`.
    #[node]
    fn item(n: &u64) -> Parallelizable<u64> {
        (0..*n).collect()
    }

    /// Per item: its square.
    #[node]
    fn sq(item: &u64) -> u64 {
        item * item
    }

    /// Per item: the square plus one.
    #[node]
    fn plus(sq: &u64) -> u64 {
        sq + 1
    }

    /// Every item's `plus`, summed.
    #[node]
    fn total(plus: Collect<u64>) -> u64 {
        plus.into_iter().sum()
    }

    hamilton_core::module!();
}

/// Python Hamilton 1.90.0's dynamic execution, from issue 8 (one sitting on this machine):
/// (N, executor, seconds per execute).
const PYTHON: [(u64, &str, f64); 4] = [
    (100, "sequential", 0.036),
    (1000, "sequential", 2.26),
    (3000, "sequential", 18.8),
    (3000, "2 threads", 20.8),
];

/// This port's target: µs per item, sequential.
const TARGET_US_PER_ITEM: f64 = 1.0;

fn expected(n: u64) -> u64 {
    (0..n).map(|i| i * i + 1).sum()
}

pub(crate) fn w5(rules: Rules, report: &mut Report) {
    println!(
        "## W5 map/collect: `dr.execute(&[\"total\"], n = N)`, block `sq`, `plus` per item, {}\n",
        method(rules)
    );
    println!(
        "| N | executor | per execute ms | min–max ms | µs per item | Python ms | Python µs per item | others_cores |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|");
    let executors = [
        ("sequential", Executor::Sequential),
        ("parallel, 2 threads", Executor::Parallel { threads: 2 }),
    ];
    let mut per_item: Vec<(u64, &str, f64)> = Vec::new();
    for n in [100_u64, 1000, 10_000] {
        for (name, executor) in executors {
            let dr = Driver::builder()
                .with_modules([pipeline::MODULE])
                .with_executor(executor)
                .build()
                .expect("the W5 graph builds");
            let run = |dr: &Driver| {
                dr.execute(&["total"], Inputs::new().with("n", n))
                    .map(|out| out.get::<u64>("total").copied())
            };
            match run(&dr) {
                Ok(Ok(total)) if total == expected(n) => {}
                other => report.failures.push(format!("W5 {name} N = {n}: {other:?}")),
            }
            let s: Sample = measure(rules, || (), |()| run(&dr));
            let us = s.median.as_secs_f64() * 1e6 / n as f64;
            per_item.push((n, name, us));
            let python = PYTHON
                .iter()
                .find(|p| p.0 == n && (p.1 == "sequential") == (executor == Executor::Sequential));
            let (py_ms, py_us) = python.map_or(("–".to_string(), "–".to_string()), |p| {
                (format!("{:.0}", p.2 * 1e3), format!("{:.0}", p.2 * 1e6 / n as f64))
            });
            println!(
                "| {n} | {name} | {} | {}–{} | {us:.3} | {py_ms} | {py_us} | {} |",
                ms(s.median),
                ms(s.min),
                ms(s.max),
                others(&s),
            );
            if executor == Executor::Sequential {
                report.target(
                    format!("W5 sequential N = {n}, µs/item"),
                    us,
                    TARGET_US_PER_ITEM,
                    "µs",
                );
            }
        }
    }
    println!();
    println!(
        "Python Hamilton at N = 3000 (not run here: 6.3 ms per item): 18.8 s sequential, 20.8 s with 2 threads.\n"
    );
    for (name, _) in executors {
        let at =
            |n: u64| per_item.iter().find(|p| p.0 == n && p.1 == name).map_or(f64::NAN, |p| p.2);
        println!(
            "Linearity, {name}: µs per item at N = 10000 over N = 1000: {:.2} (1.0 = linear)\n",
            at(10_000) / at(1000)
        );
    }
}
