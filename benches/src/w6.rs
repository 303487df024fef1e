//! W6, the async executor (issue 8), defined in `docs/benchmarks.md`:
//!
//! - **W6 (a)**: 20 independent `async fn` nodes, each awaiting a 100 ms timer, plus a sink;
//! - **W6 (b)**: 10 of those async nodes plus 2 independent CPU-bound synchronous nodes of about
//!   200 ms each, plus a sink: the sync nodes run on tokio's blocking pool, beside the timers.

use hamilton_core::Executor;
use hamilton_core::prelude::*;

/// The 20 timer nodes `wait_00` .. `wait_19`: each awaits `delay_ms` milliseconds.
pub(crate) mod timers {
    use super::*;

    macro_rules! timer_nodes {
        ($($name:ident = $i:literal;)*) => {$(
            /// One I/O-like node: awaits a timer, then returns its index.
            #[node]
            async fn $name(delay_ms: &u64) -> u64 {
                tokio::time::sleep(std::time::Duration::from_millis(*delay_ms)).await;
                $i
            }
        )*};
    }

    timer_nodes! {
        wait_00 = 0; wait_01 = 1; wait_02 = 2; wait_03 = 3; wait_04 = 4; wait_05 = 5;
        wait_06 = 6; wait_07 = 7; wait_08 = 8; wait_09 = 9; wait_10 = 10; wait_11 = 11;
        wait_12 = 12; wait_13 = 13; wait_14 = 14; wait_15 = 15; wait_16 = 16; wait_17 = 17;
        wait_18 = 18; wait_19 = 19;
    }

    hamilton_core::module!();
}

/// W6 (a)'s sink over the 20 timers.
#[allow(clippy::too_many_arguments)]
pub(crate) mod all_timers {
    use super::*;

    /// The sum of the 20 timer nodes' indices (190).
    #[node]
    fn w6a_total(
        wait_00: u64,
        wait_01: u64,
        wait_02: u64,
        wait_03: u64,
        wait_04: u64,
        wait_05: u64,
        wait_06: u64,
        wait_07: u64,
        wait_08: u64,
        wait_09: u64,
        wait_10: u64,
        wait_11: u64,
        wait_12: u64,
        wait_13: u64,
        wait_14: u64,
        wait_15: u64,
        wait_16: u64,
        wait_17: u64,
        wait_18: u64,
        wait_19: u64,
    ) -> u64 {
        [
            wait_00, wait_01, wait_02, wait_03, wait_04, wait_05, wait_06, wait_07, wait_08,
            wait_09, wait_10, wait_11, wait_12, wait_13, wait_14, wait_15, wait_16, wait_17,
            wait_18, wait_19,
        ]
        .iter()
        .sum()
    }

    hamilton_core::module!();
}

/// W6 (b): two CPU-bound sync nodes and the sink over them and the first 10 timers.
#[allow(clippy::too_many_arguments)]
pub(crate) mod mixed {
    use super::*;

    /// CPU-bound (about 200 ms): runs on the blocking pool.
    #[node]
    fn crunch_a(rounds: &u64) -> u64 {
        crate::w4::spin(1, *rounds)
    }

    /// CPU-bound (about 200 ms): runs on the blocking pool.
    #[node]
    fn crunch_b(rounds: &u64) -> u64 {
        crate::w4::spin(2, *rounds)
    }

    /// The timers' indices summed, mixed with both CPU results.
    #[node]
    fn w6b_total(
        wait_00: u64,
        wait_01: u64,
        wait_02: u64,
        wait_03: u64,
        wait_04: u64,
        wait_05: u64,
        wait_06: u64,
        wait_07: u64,
        wait_08: u64,
        wait_09: u64,
        crunch_a: u64,
        crunch_b: u64,
    ) -> u64 {
        let waits = wait_00
            + wait_01
            + wait_02
            + wait_03
            + wait_04
            + wait_05
            + wait_06
            + wait_07
            + wait_08
            + wait_09;
        waits ^ crunch_a ^ crunch_b
    }

    hamilton_core::module!();
}

/// What `w6a_total` must be.
pub(crate) const W6A_EXPECTED: u64 = 190;

/// What `w6b_total` must be for `rounds`.
pub(crate) fn w6b_expected(rounds: u64) -> u64 {
    45 ^ crate::w4::spin(1, rounds) ^ crate::w4::spin(2, rounds)
}

/// The W6 (a) driver: the timers and their sink, on the async executor.
pub(crate) fn w6a_driver() -> Driver {
    Driver::builder()
        .with_modules([timers::MODULE, all_timers::MODULE])
        .with_executor(Executor::Async)
        .build()
        .expect("W6 (a) builds")
}

/// The W6 (b) driver: the timers, the CPU-bound nodes and their sink, on the async executor.
pub(crate) fn w6b_driver() -> Driver {
    Driver::builder()
        .with_modules([timers::MODULE, mixed::MODULE])
        .with_executor(Executor::Async)
        .build()
        .expect("W6 (b) builds")
}

/// The runtime of the W6 figures: one worker per core (the blocking pool is tokio's own).
pub(crate) fn runtime(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_time()
        .build()
        .expect("a tokio runtime")
}
