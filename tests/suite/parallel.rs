//! The parallel executor: what it guarantees over the sequential one.
//!
//! - the same outputs, whatever order the threads happen to run the nodes in;
//! - ready nodes really run at the same time;
//! - intermediates freed as soon as their last consumer ran;
//! - a failing or panicking node stops the run with the error naming it: nodes already running
//!   finish, nothing new starts, no thread outlives `execute`, and the driver stays usable;
//! - one driver serves many threads at once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hamilton_core::prelude::*;
use hamilton_core::{NodeSpec, ParamKind, ParamSpec, TypeSpec, Value};

fn parallel(threads: usize) -> Executor {
    Executor::Parallel { threads }
}

/// A small deterministic random generator (no dependency; reproducible cases).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A random DAG of `n` nodes `n0..`: node `i` reads `x` and up to four earlier nodes (by
/// reference or by value) and computes a wrapping mix of them; node `fail_at` panics.
fn random_dag(seed: u64, n: usize, fail_at: Option<usize>) -> (Vec<NodeSpec>, Vec<String>) {
    let mut rng = Lcg(seed);
    let mut specs = Vec::with_capacity(n);
    for i in 0..n {
        let mut deps: Vec<usize> =
            (0..rng.below(5)).filter(|_| i > 0).map(|_| rng.below(i)).collect();
        deps.sort_unstable();
        deps.dedup();
        let kinds: Vec<ParamKind> = deps
            .iter()
            .map(|_| if rng.below(2) == 0 { ParamKind::Ref } else { ParamKind::Owned })
            .collect();
        let mut params = vec![ParamSpec::new("x", TypeSpec::of::<u64>(""), ParamKind::Ref)];
        params.extend(
            deps.iter()
                .zip(&kinds)
                .map(|(d, k)| ParamSpec::new(format!("n{d}"), TypeSpec::of::<u64>(""), *k)),
        );
        let fails = fail_at == Some(i);
        specs.push(NodeSpec::dynamic(
            format!("n{i}"),
            params,
            TypeSpec::of::<u64>(""),
            move |args| {
                if fails {
                    panic!("injected failure in n{i}");
                }
                let mut v = *args.get::<u64>(0)? ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                for (k, kind) in kinds.iter().enumerate() {
                    let d = match kind {
                        ParamKind::Ref => *args.get::<u64>(k + 1)?,
                        _ => args.owned::<u64>(k + 1)?,
                    };
                    v = v.rotate_left(7).wrapping_add(d).wrapping_mul(31);
                }
                Ok(Value::new(v))
            },
        ));
    }
    let mut outputs: Vec<String> =
        (0..n).filter(|_| rng.below(4) == 0).map(|i| format!("n{i}")).collect();
    outputs.push(format!("n{}", n - 1));
    (specs, outputs)
}

fn driver(specs: Vec<NodeSpec>, executor: Executor) -> Driver {
    specs
        .into_iter()
        .fold(Driver::builder(), |b, s| b.with_node(s))
        .with_executor(executor)
        .build()
        .unwrap()
}

fn values(out: &Outputs, names: &[String]) -> Vec<u64> {
    names.iter().map(|n| *out.get::<u64>(n).unwrap()).collect()
}

#[test]
fn parallel_outputs_equal_sequential_outputs_on_random_graphs() {
    for seed in 0..40 {
        let n = 20 + (seed as usize * 7) % 180;
        let (specs, outputs) = random_dag(seed, n, None);
        let sequential = driver(specs.clone(), Executor::Sequential);
        let par = driver(specs, parallel(4));
        let x = Inputs::new().with("x", seed);
        let want = values(&sequential.execute(&outputs, x).unwrap(), &outputs);
        // Several runs: thread timing differs from run to run, the outputs may not.
        for _ in 0..5 {
            let got = par.execute(&outputs, Inputs::new().with("x", seed)).unwrap();
            assert_eq!(values(&got, &outputs), want, "seed {seed}, {n} nodes");
            assert_eq!(got.names().collect::<Vec<_>>(), outputs, "request order");
        }
    }
}

mod meet {
    use super::*;

    pub(super) static ARRIVED: AtomicUsize = AtomicUsize::new(0);

    /// Waits (at most 10 s) until both `left` and `right` have started.
    fn rendezvous() -> bool {
        ARRIVED.fetch_add(1, Ordering::SeqCst);
        let start = Instant::now();
        while ARRIVED.load(Ordering::SeqCst) < 2 {
            if start.elapsed() > Duration::from_secs(10) {
                return false;
            }
            std::thread::yield_now();
        }
        true
    }

    #[node]
    fn left() -> bool {
        rendezvous()
    }

    #[node]
    fn right() -> bool {
        rendezvous()
    }

    #[node]
    fn met(left: bool, right: bool) -> bool {
        left && right
    }

    hamilton_core::module!();
}

#[test]
fn independent_nodes_run_at_the_same_time() {
    // Each of `left` and `right` waits for the other to start: only a second thread lets both
    // see the other.
    meet::ARRIVED.store(0, Ordering::SeqCst);
    let dr =
        Driver::builder().with_modules([meet::MODULE]).with_executor(parallel(2)).build().unwrap();
    let out = dr.execute(&["met"], Inputs::new()).unwrap();
    assert!(*out.get::<bool>("met").unwrap(), "the two nodes did not run concurrently");
}

/// Counts live instances of its own type, and the most that were ever alive at once.
mod tracked {
    use super::*;

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);
    /// Serialises the tests that read the counters.
    pub(super) static LOCK: Mutex<()> = Mutex::new(());

    /// A large value whose live bytes are counted.
    #[derive(Clone)]
    pub(crate) struct Big(Vec<u8>);

    impl Big {
        pub(crate) fn new(bytes: usize) -> Self {
            let now = LIVE.fetch_add(bytes, Ordering::SeqCst) + bytes;
            PEAK.fetch_max(now, Ordering::SeqCst);
            Big(vec![1; bytes])
        }

        pub(crate) fn len(&self) -> usize {
            self.0.len()
        }
    }

    impl Drop for Big {
        fn drop(&mut self) {
            LIVE.fetch_sub(self.0.len(), Ordering::SeqCst);
        }
    }

    pub(crate) fn live() -> usize {
        LIVE.load(Ordering::SeqCst)
    }

    pub(crate) fn reset_peak() {
        PEAK.store(LIVE.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    pub(crate) fn peak() -> usize {
        PEAK.load(Ordering::SeqCst)
    }
}

use tracked::Big;

const MB: usize = 1 << 20;

/// `wide` independent producers of a `Big`, each read by reference by its own consumer, then
/// a sink that records how many bytes are still alive when it runs.
fn fan_of_bigs(wide: usize, seen_by_sink: Arc<AtomicUsize>) -> Vec<NodeSpec> {
    let mut specs = Vec::new();
    for i in 0..wide {
        specs.push(NodeSpec::dynamic(format!("big{i}"), vec![], TypeSpec::of::<Big>(""), |_| {
            Ok(Value::new(Big::new(MB)))
        }));
        specs.push(NodeSpec::dynamic(
            format!("len{i}"),
            vec![ParamSpec::new(format!("big{i}"), TypeSpec::of::<Big>(""), ParamKind::Ref)],
            TypeSpec::of::<usize>(""),
            |args| Ok(Value::new(args.get::<Big>(0)?.len())),
        ));
    }
    let params = (0..wide)
        .map(|i| ParamSpec::new(format!("len{i}"), TypeSpec::of::<usize>(""), ParamKind::Owned))
        .collect();
    specs.push(NodeSpec::dynamic("total", params, TypeSpec::of::<usize>(""), move |args| {
        seen_by_sink.store(tracked::live(), Ordering::SeqCst);
        (0..args.len()).map(|i| args.owned::<usize>(i)).sum::<Result<usize, _>>().map(Value::new)
    }));
    specs
}

#[test]
fn intermediates_are_dropped_after_their_last_consumer_under_parallel_runs() {
    let _serial = tracked::LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let seen = Arc::new(AtomicUsize::new(usize::MAX));
    let dr = driver(fan_of_bigs(64, Arc::clone(&seen)), parallel(4));
    let before = tracked::live();
    for _ in 0..20 {
        let out = dr.execute(&["total"], Inputs::new()).unwrap();
        assert_eq!(*out.get::<usize>("total").unwrap(), 64 * MB);
        // Every `big` has had its only consumer run before the sink starts.
        assert_eq!(seen.load(Ordering::SeqCst), before, "a Big outlived its last consumer");
    }
    assert_eq!(tracked::live(), before, "values leaked past the run");
}

#[test]
fn a_chain_of_large_values_holds_at_most_two_at_a_time() {
    let _serial = tracked::LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // step0 makes a Big; step i makes a new Big from step i-1 (by reference or by value).
    let mut specs = vec![NodeSpec::dynamic("step0", vec![], TypeSpec::of::<Big>(""), |_| {
        Ok(Value::new(Big::new(8 * MB)))
    })];
    for i in 1..30 {
        let kind = if i % 2 == 0 { ParamKind::Ref } else { ParamKind::Owned };
        specs.push(NodeSpec::dynamic(
            format!("step{i}"),
            vec![ParamSpec::new(format!("step{}", i - 1), TypeSpec::of::<Big>(""), kind)],
            TypeSpec::of::<Big>(""),
            move |args| {
                let len = match kind {
                    ParamKind::Ref => args.get::<Big>(0)?.len(),
                    _ => args.owned::<Big>(0)?.len(),
                };
                Ok(Value::new(Big::new(len)))
            },
        ));
    }
    for executor in [Executor::Sequential, parallel(2)] {
        let dr = driver(specs.clone(), executor);
        let before = tracked::live();
        tracked::reset_peak();
        let out = dr.execute(&["step29"], Inputs::new()).unwrap();
        assert_eq!(out.get::<Big>("step29").unwrap().len(), 8 * MB);
        assert!(
            tracked::peak() - before <= 16 * MB,
            "{executor:?}: peak {} MiB of large values; a chain needs at most 2 × 8",
            (tracked::peak() - before) / MB
        );
        drop(out);
        assert_eq!(tracked::live(), before, "{executor:?}: values leaked past the run");
    }
}

/// Threads named by the parallel executor that are alive in this process.
fn worker_threads() -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else { return 0 };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.trim() == "hamilton-worker")
        .count()
}

#[test]
fn a_panicking_node_fails_the_run_naming_it_and_the_driver_stays_usable() {
    let n = 60;
    let (specs, outputs) = random_dag(7, n, None);
    let want = values(
        &driver(specs, Executor::Sequential)
            .execute(&outputs, Inputs::new().with("x", 7_u64))
            .unwrap(),
        &outputs,
    );

    let mut rng = Lcg(99);
    for run in 0..1000 {
        // A fresh graph for each injected failure: node `fail_at` panics.
        let fail_at = rng.below(n);
        let (specs, outputs) = random_dag(7, n, Some(fail_at));
        let dr = driver(specs, parallel(1 + run % 4));
        // The failing node runs only when a requested output needs it.
        let plain = driver(random_dag(7, n, None).0, Executor::Sequential);
        let upstream = plain.what_is_upstream_of(&outputs).unwrap();
        let needed = upstream.iter().any(|v| v.name() == format!("n{fail_at}"));
        match dr.execute(&outputs, Inputs::new().with("x", 7_u64)) {
            Err(e) => {
                assert!(needed, "run {run}: failed although n{fail_at} is not needed: {e}");
                assert_eq!(e.codes(), vec!["H014"], "run {run}");
                let message = e.to_string();
                assert!(
                    message
                        .starts_with(&format!("error[H014]: node `n{fail_at}` (fn n{fail_at} at ")),
                    "run {run}: {message}"
                );
                assert!(
                    message.ends_with(&format!("panicked: injected failure in n{fail_at}")),
                    "{message}"
                );
            }
            Ok(out) => {
                assert!(!needed, "run {run}: n{fail_at} is needed but the run succeeded");
                assert_eq!(values(&out, &outputs), want);
            }
        }
        if run % 100 == 0 {
            // The same driver, asked for a node upstream of the failure only, still works.
            let ok = dr.execute(&["n0"], Inputs::new().with("x", 7_u64));
            assert_eq!(ok.is_ok(), fail_at != 0, "run {run}");
        }
    }
    // No worker thread outlives its run: the count drops to zero (other tests may be running
    // their own runs right now, so wait for a quiet moment; a leaked thread never goes away).
    let start = Instant::now();
    while worker_threads() > 0 {
        assert!(start.elapsed() < Duration::from_secs(20), "worker threads outlived their runs");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn after_a_failure_no_new_node_starts() {
    // 200 independent nodes and a sink; one of them fails. Each records when it starts; after
    // the failure, only nodes another thread had already picked up may still start. The other
    // nodes take a millisecond (asleep): the failure is recorded a moment before the executor
    // learns of it (the node's error is built in between), and trivial nodes on other threads
    // could start inside that moment, which would measure the test, not the executor.
    for threads in [1, 2, 4] {
        for fail_at in [0, 1, 57, 199] {
            let events: Arc<Mutex<Vec<Option<usize>>>> = Arc::new(Mutex::new(Vec::new()));
            let mut specs = Vec::new();
            for i in 0..200 {
                let events = Arc::clone(&events);
                specs.push(NodeSpec::dynamic(
                    format!("w{i}"),
                    vec![],
                    TypeSpec::of::<u64>(""),
                    move |_| {
                        events.lock().unwrap().push(Some(i));
                        if i != fail_at {
                            std::thread::sleep(std::time::Duration::from_millis(1));
                        }
                        if i == fail_at {
                            events.lock().unwrap().push(None);
                            return Err(hamilton_core::NodeError::Failed(
                                format!("w{i} refuses").into(),
                            ));
                        }
                        Ok(Value::new(i as u64))
                    },
                ));
            }
            let params = (0..200)
                .map(|i| ParamSpec::new(format!("w{i}"), TypeSpec::of::<u64>(""), ParamKind::Owned))
                .collect();
            specs.push(NodeSpec::dynamic("sum", params, TypeSpec::of::<u64>(""), |args| {
                (0..args.len())
                    .map(|i| args.owned::<u64>(i))
                    .sum::<Result<u64, _>>()
                    .map(Value::new)
            }));
            let dr = driver(specs, parallel(threads));
            let e = dr.execute(&["sum"], Inputs::new()).unwrap_err();
            assert_eq!(e.codes(), vec!["H013"]);
            assert!(e.to_string().contains(&format!("node `w{fail_at}`")), "{e}");
            assert!(e.to_string().ends_with(&format!("failed: w{fail_at} refuses")), "{e}");
            let events = events.lock().unwrap();
            let failed = events.iter().position(Option::is_none).unwrap();
            let started_after = events[failed + 1..].len();
            assert!(
                started_after < threads,
                "{threads} threads, w{fail_at} failed: {started_after} nodes started after it"
            );
        }
    }
}

#[test]
fn one_parallel_driver_serves_many_threads_at_once() {
    let (specs, outputs) = random_dag(3, 150, None);
    let want: Vec<Vec<u64>> = {
        let dr = driver(specs.clone(), Executor::Sequential);
        (0..8_u64)
            .map(|x| values(&dr.execute(&outputs, Inputs::new().with("x", x)).unwrap(), &outputs))
            .collect()
    };
    let dr = Arc::new(driver(specs, Executor::parallel()));
    let failed = AtomicBool::new(false);
    std::thread::scope(|s| {
        for x in 0..8_u64 {
            let (dr, outputs, want, failed) = (Arc::clone(&dr), &outputs, &want, &failed);
            s.spawn(move || {
                for _ in 0..20 {
                    let out = dr.execute(outputs, Inputs::new().with("x", x)).unwrap();
                    if values(&out, outputs) != want[x as usize] {
                        failed.store(true, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert!(!failed.load(Ordering::SeqCst), "a concurrent run computed a different result");
}

#[test]
fn parallel_is_chosen_per_driver_and_reported() {
    let dr =
        Driver::builder().with_modules([meet::MODULE]).with_executor(parallel(3)).build().unwrap();
    assert_eq!(dr.executor(), Executor::Parallel { threads: 3 });
    let default = Driver::builder().with_modules([meet::MODULE]).build().unwrap();
    assert_eq!(default.executor(), Executor::Sequential);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(Executor::parallel(), Executor::Parallel { threads: cores });
}

#[test]
fn zero_threads_is_a_build_error() {
    let e = Driver::builder()
        .with_modules([meet::MODULE])
        .with_executor(parallel(0))
        .build()
        .unwrap_err();
    assert_eq!(e.codes(), vec!["H030"]);
    assert_eq!(
        e.to_string(),
        "error[H030]: the parallel executor was given 0 threads; it needs at least 1\n  \
         help: use Executor::parallel() for one thread per core, or \
         Executor::Parallel { threads: n } with n >= 1"
    );
}

#[test]
fn overrides_inputs_and_optional_values_work_as_under_sequential() {
    let dr =
        Driver::builder().with_modules([meet::MODULE]).with_executor(parallel(2)).build().unwrap();
    // Both inputs of `met` overridden: only `met` runs.
    let out = dr
        .execute_with(
            &["met", "left"],
            Inputs::new(),
            Overrides::new().with("left", true).with("right", true),
        )
        .unwrap();
    assert!(*out.get::<bool>("met").unwrap());
    assert!(*out.get::<bool>("left").unwrap());
    // Nothing to compute: an override requested directly.
    let out =
        dr.execute_with(&["left"], Inputs::new(), Overrides::new().with("left", false)).unwrap();
    assert!(!*out.get::<bool>("left").unwrap());
}

/// A value that counts its clones (its own counter: tests run concurrently).
struct Counted(u32);

static CLONES: AtomicUsize = AtomicUsize::new(0);

impl Clone for Counted {
    fn clone(&self) -> Self {
        CLONES.fetch_add(1, Ordering::SeqCst);
        Counted(self.0)
    }
}

mod moves {
    use super::*;

    #[node]
    fn made(seed: &u32) -> Counted {
        Counted(*seed)
    }

    #[node]
    fn reader(made: &Counted) -> u32 {
        made.0
    }

    #[node]
    fn taker(made: Counted, reader: u32) -> u32 {
        made.0 + reader
    }

    hamilton_core::module!();
}

#[test]
fn a_by_value_parameter_moves_the_value_once_no_other_reader_holds_it() {
    let dr =
        Driver::builder().with_modules([moves::MODULE]).with_executor(parallel(2)).build().unwrap();
    // `taker` runs after `reader` (it needs `reader`'s value), so it holds the only reference.
    let before = CLONES.load(Ordering::SeqCst);
    let out = dr.execute(&["taker"], Inputs::new().with("seed", 5_u32)).unwrap();
    assert_eq!(*out.get::<u32>("taker").unwrap(), 10);
    assert_eq!(CLONES.load(Ordering::SeqCst) - before, 0, "the last reader moves the value");

    // Requested as an output too: the value must survive, so `taker` gets a clone.
    let before = CLONES.load(Ordering::SeqCst);
    let out = dr.execute(&["taker", "made"], Inputs::new().with("seed", 5_u32)).unwrap();
    assert_eq!(out.get::<Counted>("made").unwrap().0, 5);
    assert_eq!(CLONES.load(Ordering::SeqCst) - before, 1);
}
