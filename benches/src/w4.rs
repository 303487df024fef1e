//! W4, parallel execution (issue 8), defined in `docs/benchmarks.md`:
//!
//! - **W4**: 16 independent CPU-bound nodes of about 50 ms each, plus a sink summing them;
//! - **W4 wide**: 10,000 independent trivial nodes plus a sink that takes all of them: the
//!   executors' own cost per node; a second variant has every node read one shared input.

use std::hint::black_box;
use std::time::Instant;

use hamilton_core::prelude::*;
use hamilton_core::{NodeSpec, ParamKind, ParamSpec, TypeSpec, Value};

/// CPU-bound work: `rounds` steps of a 64-bit mixing function from `seed`, which the optimiser
/// cannot shorten (each step depends on the last).
pub(crate) fn spin(seed: u64, rounds: u64) -> u64 {
    let mut v = seed ^ 0x9e37_79b9_7f4a_7c15;
    for _ in 0..black_box(rounds) {
        v ^= v >> 31;
        v = v.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        v ^= v >> 29;
    }
    v
}

/// The number of [`spin`] rounds that take about `ms` milliseconds on this machine, measured
/// on the calling thread (the fastest of five calls of 2 million rounds).
pub(crate) fn calibrate(ms: f64) -> u64 {
    const PROBE: u64 = 2_000_000;
    let fastest = (0..5)
        .map(|i| {
            let start = Instant::now();
            black_box(spin(i, PROBE));
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min);
    (PROBE as f64 * ms / 1e3 / fastest) as u64
}

/// W4's nodes: `cpu_00` .. `cpu_15` and the sink `w4_total`.
#[allow(clippy::too_many_arguments)]
pub(crate) mod cpu {
    use super::*;

    macro_rules! cpu_nodes {
        ($($name:ident = $seed:literal;)*) => {$(
            /// One CPU-bound node: `rounds` steps of mixing.
            #[node]
            fn $name(rounds: &u64) -> u64 {
                spin($seed, *rounds)
            }
        )*};
    }

    cpu_nodes! {
        cpu_00 = 0; cpu_01 = 1; cpu_02 = 2; cpu_03 = 3; cpu_04 = 4; cpu_05 = 5; cpu_06 = 6;
        cpu_07 = 7; cpu_08 = 8; cpu_09 = 9; cpu_10 = 10; cpu_11 = 11; cpu_12 = 12; cpu_13 = 13;
        cpu_14 = 14; cpu_15 = 15;
    }

    /// The sink: every CPU node's result, combined.
    #[node]
    fn w4_total(
        cpu_00: u64,
        cpu_01: u64,
        cpu_02: u64,
        cpu_03: u64,
        cpu_04: u64,
        cpu_05: u64,
        cpu_06: u64,
        cpu_07: u64,
        cpu_08: u64,
        cpu_09: u64,
        cpu_10: u64,
        cpu_11: u64,
        cpu_12: u64,
        cpu_13: u64,
        cpu_14: u64,
        cpu_15: u64,
    ) -> u64 {
        [
            cpu_00, cpu_01, cpu_02, cpu_03, cpu_04, cpu_05, cpu_06, cpu_07, cpu_08, cpu_09, cpu_10,
            cpu_11, cpu_12, cpu_13, cpu_14, cpu_15,
        ]
        .iter()
        .fold(0, |a, v| a ^ v)
    }

    hamilton_core::module!();
}

/// What `w4_total` must be for `rounds`.
pub(crate) fn w4_expected(rounds: u64) -> u64 {
    (0..16).fold(0, |a, seed| a ^ spin(seed, rounds))
}

/// W4's driver with `executor`.
pub(crate) fn w4_driver(executor: Executor) -> Driver {
    Driver::builder()
        .with_modules([cpu::MODULE])
        .with_executor(executor)
        .build()
        .expect("W4 builds")
}

/// W4 wide: nodes `w0` .. `w{n-1}`, each `i` (or `x + i`, reading the input `x: u64` by
/// reference, when `reads_x`), and the sink `wide_total` taking every one by value. Made at run
/// time: 10,000 generated functions would cost the bench's compile time for nothing.
pub(crate) fn wide_driver(n: usize, reads_x: bool, executor: Executor) -> Driver {
    let u64_type = || TypeSpec::of::<u64>("u64");
    let mut builder = Driver::builder().with_executor(executor);
    for i in 0..n as u64 {
        let spec = if reads_x {
            let x = ParamSpec::new("x", u64_type(), ParamKind::Ref);
            NodeSpec::dynamic(format!("w{i}"), vec![x], u64_type(), move |a| {
                Ok(Value::new(a.get::<u64>(0)?.wrapping_add(i)))
            })
        } else {
            NodeSpec::dynamic(format!("w{i}"), vec![], u64_type(), move |_| Ok(Value::new(i)))
        };
        builder = builder.with_node(spec);
    }
    let params = (0..n).map(|i| ParamSpec::new(format!("w{i}"), u64_type(), ParamKind::Owned));
    builder =
        builder.with_node(NodeSpec::dynamic("wide_total", params.collect(), u64_type(), |a| {
            let mut total = 0u64;
            for i in 0..a.len() {
                total = total.wrapping_add(a.owned::<u64>(i)?);
            }
            Ok(Value::new(total))
        }));
    builder.build().expect("W4 wide builds")
}

/// What `wide_total` must be for `n` nodes and `x` (0 when the nodes do not read it).
pub(crate) fn wide_expected(n: usize, x: u64) -> u64 {
    (0..n as u64).fold(0u64, |a, i| a.wrapping_add(x.wrapping_add(i)))
}
