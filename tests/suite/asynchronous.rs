//! The async executor: `async fn` nodes, sync nodes on the blocking pool, failures, misuse.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use hamilton_core::prelude::*;
use hamilton_core::{Executor, NodeSpec, ParamKind, ParamSpec, TypeSpec, Value};

const SRC: &str = include_str!("asynchronous.rs");

/// A runtime with two workers (the blocking pool is separate).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A runtime whose only worker is the thread that calls `block_on`.
fn single_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn async_driver(module: hamilton_core::ModuleRef) -> Driver {
    Driver::builder().with_modules([module]).with_executor(Executor::Async).build().unwrap()
}

#[allow(clippy::too_many_arguments)]
mod kinds {
    use super::*;

    /// Every parameter kind of an async node: borrowed, by value, shared, optional, defaulted.
    #[node]
    async fn described(
        name: &str,
        scores: &[f64],
        count: usize,
        weights: Arc<Vec<f64>>,
        label: Option<&String>,
        missing: Option<&String>,
        bonus: Option<i64>,
        #[default(7)] seven: i64,
        #[default(String::from("fallback"))] note: &String,
    ) -> String {
        tokio::task::yield_now().await;
        let total: f64 = scores.iter().zip(weights.iter()).map(|(s, w)| s * w).sum();
        format!(
            "{name}:{count}:{total}:{}:{}:{}:{seven}:{note}",
            label.map_or("-", |l| l.as_str()),
            missing.is_some(),
            bonus.unwrap_or(0)
        )
    }

    /// A fallible async node.
    #[node]
    pub(super) async fn parsed(count: usize) -> Result<i64, std::num::TryFromIntError> {
        i64::try_from(count)
    }

    /// A sync node downstream of async ones.
    #[node]
    fn summary(described: &str, parsed: i64) -> String {
        format!("{described}|{parsed}")
    }

    hamilton_core::module!();
}

#[test]
fn async_nodes_take_every_parameter_kind_and_mix_with_sync_nodes() {
    let dr = async_driver(kinds::MODULE);
    let inputs = Inputs::new()
        .with("name", "a".to_string())
        .with("scores", vec![1.0, 2.0])
        .with("count", 3_usize)
        .with("weights", vec![10.0, 100.0])
        .with("label", "L".to_string())
        .with("bonus", 5_i64);
    let out = runtime().block_on(dr.execute_async(&["summary", "parsed"], inputs)).unwrap();
    assert_eq!(out.get::<String>("summary").unwrap(), "a:3:210:L:false:5:7:fallback|3");
    assert_eq!(*out.get::<i64>("parsed").unwrap(), 3);
    // The function stays callable as written.
    let direct = single_thread().block_on(kinds::parsed(4));
    assert_eq!(direct.unwrap(), 4);
}

#[test]
fn overrides_replace_async_nodes_and_prune_their_upstream() {
    let dr = async_driver(kinds::MODULE);
    let overrides = Overrides::new().with("described", "given".to_string());
    let inputs = Inputs::new().with("count", 2_usize);
    let run = dr.execute_with_async(&["summary"], inputs, overrides);
    let out = single_thread().block_on(run).unwrap();
    assert_eq!(out.get::<String>("summary").unwrap(), "given|2");
}

#[test]
fn the_future_of_execute_async_can_be_spawned() {
    fn spawnable<F: std::future::Future + Send + 'static>(_: &F) {}
    let dr = Arc::new(async_driver(kinds::MODULE));
    let run =
        async move { dr.execute_async(&["parsed"], Inputs::new().with("count", 2_usize)).await };
    spawnable(&run);
    let out = runtime().block_on(async { tokio::spawn(run).await.unwrap() }).unwrap();
    assert_eq!(*out.get::<i64>("parsed").unwrap(), 2);
}

mod together {
    use super::*;

    static BARRIER: std::sync::LazyLock<tokio::sync::Barrier> =
        std::sync::LazyLock::new(|| tokio::sync::Barrier::new(3));

    /// Each of these three returns only once all three wait at the barrier: they must be awaited
    /// concurrently.
    #[node]
    async fn first() -> u8 {
        BARRIER.wait().await;
        1
    }

    #[node]
    async fn second() -> u8 {
        BARRIER.wait().await;
        2
    }

    #[node]
    async fn third() -> u8 {
        BARRIER.wait().await;
        3
    }

    #[node]
    fn total(first: u8, second: u8, third: u8) -> u8 {
        first + second + third
    }

    hamilton_core::module!();
}

#[test]
fn independent_async_nodes_are_awaited_concurrently() {
    let dr = async_driver(together::MODULE);
    let rt = single_thread();
    let run = async {
        tokio::time::timeout(Duration::from_secs(30), dr.execute_async(&["total"], Inputs::new()))
            .await
    };
    let out = rt.block_on(run).expect("three nodes waiting for each other must all run").unwrap();
    assert_eq!(*out.get::<u8>("total").unwrap(), 6);
}

mod blocking {
    use super::*;
    use std::sync::Mutex;
    use std::sync::mpsc::{Receiver, Sender, channel};

    type Channel = (Mutex<Sender<u8>>, Mutex<Receiver<u8>>);

    pub(super) fn channel_pair() -> &'static Channel {
        static CHANNEL: std::sync::OnceLock<Channel> = std::sync::OnceLock::new();
        CHANNEL.get_or_init(|| {
            let (tx, rx) = channel();
            (Mutex::new(tx), Mutex::new(rx))
        })
    }

    /// A sync node that blocks its thread until the async node below has run: on a runtime with
    /// one thread, it would stall the async node for ever unless it ran on the blocking pool.
    #[node]
    fn waiting() -> u8 {
        let rx = channel_pair().1.lock().unwrap();
        rx.recv_timeout(Duration::from_secs(30)).expect("the async node never ran")
    }

    #[node]
    async fn signalling() -> u8 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        channel_pair().0.lock().unwrap().send(42).unwrap();
        1
    }

    #[node]
    fn both(waiting: u8, signalling: u8) -> u8 {
        waiting + signalling
    }

    hamilton_core::module!();
}

#[test]
fn sync_nodes_run_on_the_blocking_pool_and_never_stall_async_ones() {
    let dr = async_driver(blocking::MODULE);
    let out = single_thread().block_on(dr.execute_async(&["both"], Inputs::new())).unwrap();
    assert_eq!(*out.get::<u8>("both").unwrap(), 43);
}

mod misuse {
    use super::*;

    #[node]
    async fn fetched(url: &str) -> String {
        url.to_uppercase()
    }

    #[node]
    async fn also_fetched(url: &str) -> usize {
        url.len()
    }

    #[node]
    fn plain(fetched: &str) -> usize {
        fetched.len()
    }

    hamilton_core::module!();
}

#[test]
fn async_nodes_under_a_sync_executor_are_a_build_error_listing_each() {
    let err = Driver::builder().with_modules([misuse::MODULE]).build().unwrap_err();
    assert_eq!(err.codes(), vec!["H040", "H040"]);
    let msg = err.to_string();
    let line = super::at(SRC, "asynchronous.rs", "async fn also_fetched", 0);
    assert!(
        msg.contains(&format!(
            "error[H040]: node `also_fetched` (fn also_fetched at {line}) is async, but the \
             driver's executor (Executor::Sequential) runs only synchronous nodes\n  help: build \
             the driver with .with_executor(Executor::Async)"
        )),
        "{msg}"
    );
    let line = super::at(SRC, "asynchronous.rs", "async fn fetched", 0);
    assert!(msg.contains(&format!("node `fetched` (fn fetched at {line}) is async")), "{msg}");
    assert!(!msg.contains("`plain`"), "{msg}");
}

mod validated {
    use super::*;

    /// An async node with a validator: the async function becomes `ratio_raw`.
    #[node]
    #[check_output(range = (0.0, 1.0), importance = "fail")]
    async fn ratio(part: &f64, whole: &f64) -> f64 {
        part / whole
    }

    hamilton_core::module!();
}

#[test]
fn validators_check_async_nodes_too() {
    let dr = async_driver(validated::MODULE);
    let rt = single_thread();
    let inputs = |part: f64| Inputs::new().with("part", part).with("whole", 4.0_f64);
    let out = rt.block_on(dr.execute_async(&["ratio"], inputs(1.0))).unwrap();
    assert_eq!(*out.get::<f64>("ratio").unwrap(), 0.25);
    let err = rt.block_on(dr.execute_async(&["ratio"], inputs(8.0))).unwrap_err();
    assert_eq!(err.codes(), vec!["H020"]);
    assert!(err.to_string().contains("data validation failed for node `ratio`"), "{err}");
}

mod sync_only {
    use super::*;

    #[node]
    fn one() -> u8 {
        1
    }

    hamilton_core::module!();
}

#[test]
fn each_driver_answers_only_its_own_entry_point() {
    let dr = async_driver(misuse::MODULE);
    let inputs = || Inputs::new().with("url", "u".to_string());
    let err = dr.execute(&["plain"], inputs()).unwrap_err();
    assert_eq!(err.codes(), vec!["H041"]);
    assert_eq!(
        err.to_string(),
        "error[H041]: `execute` cannot run this driver: its executor is \
         Executor::Async\n  help: call `execute_async` instead, or build the driver with another \
         executor"
    );

    let sync = Driver::builder().with_modules([sync_only::MODULE]).build().unwrap();
    let err = single_thread().block_on(sync.execute_async(&["one"], Inputs::new())).unwrap_err();
    assert_eq!(err.codes(), vec!["H041"]);
    assert!(
        err.to_string().contains(
            "error[H041]: `execute_async` cannot run this driver: its executor is \
             Executor::Sequential\n  help: call `execute` instead"
        ),
        "{err}"
    );
}

#[test]
fn execute_async_outside_a_runtime_is_an_error_not_a_panic() {
    let dr = async_driver(misuse::MODULE);
    let mut run = std::pin::pin!(dr.execute_async(&["plain"], Inputs::new()));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let std::task::Poll::Ready(result) = run.as_mut().poll(&mut cx) else {
        panic!("the runtime check comes before any await")
    };
    let err = result.unwrap_err();
    assert_eq!(err.codes(), vec!["H042"]);
    assert!(
        err.to_string().contains("error[H042]: execute_async was awaited outside a tokio runtime"),
        "{err}"
    );
}

mod failing {
    use super::*;

    pub(super) static SLOW_DROPPED: AtomicBool = AtomicBool::new(false);
    pub(super) static BLOCKING_STARTED: AtomicBool = AtomicBool::new(false);
    pub(super) static BLOCKING_FINISHED: AtomicBool = AtomicBool::new(false);

    /// Sets its flag when dropped: the future holding it was cancelled or finished.
    pub(super) struct Guard;

    impl Drop for Guard {
        fn drop(&mut self) {
            SLOW_DROPPED.store(true, Ordering::SeqCst);
        }
    }

    #[node]
    async fn slow() -> u8 {
        let _guard = Guard;
        tokio::time::sleep(Duration::from_secs(3600)).await;
        0
    }

    #[node]
    fn busy() -> u8 {
        BLOCKING_STARTED.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(200));
        BLOCKING_FINISHED.store(true, Ordering::SeqCst);
        0
    }

    #[node]
    async fn broken(mode: &str) -> Result<u8, String> {
        while !BLOCKING_STARTED.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        match mode {
            "panic" => panic!("the service answered {mode}"),
            _ => Err(format!("the service answered {mode}")),
        }
    }

    #[node]
    fn all(slow: u8, busy: u8, broken: u8) -> u8 {
        slow + busy + broken
    }

    hamilton_core::module!();
}

#[test]
fn a_failing_async_node_is_named_and_nothing_outlives_the_run() {
    let dr = async_driver(failing::MODULE);
    let rt = runtime();
    for (mode, code, ending) in [
        ("error", "H013", "failed: the service answered error"),
        ("panic", "H014", "panicked: the service answered panic"),
    ] {
        failing::SLOW_DROPPED.store(false, Ordering::SeqCst);
        failing::BLOCKING_STARTED.store(false, Ordering::SeqCst);
        failing::BLOCKING_FINISHED.store(false, Ordering::SeqCst);
        let inputs = Inputs::new().with("mode", mode.to_string());
        let err = rt.block_on(dr.execute_async(&["all"], inputs)).unwrap_err();
        assert_eq!(err.codes(), vec![code]);
        let line = super::at(SRC, "asynchronous.rs", "async fn broken", 0);
        let msg = err.to_string();
        assert_eq!(msg, format!("error[{code}]: node `broken` (fn broken at {line}) {ending}"));
        assert!(failing::SLOW_DROPPED.load(Ordering::SeqCst), "the pending async node was dropped");
        assert!(
            failing::BLOCKING_FINISHED.load(Ordering::SeqCst),
            "the running sync node was waited for"
        );
    }
    // The driver is usable afterwards.
    let overrides = Overrides::new().with("slow", 1_u8).with("broken", 2_u8);
    let out = rt.block_on(dr.execute_with_async(&["all"], Inputs::new(), overrides)).unwrap();
    assert_eq!(*out.get::<u8>("all").unwrap(), 3);
}

mod released {
    use super::*;

    pub(super) static DROPS: AtomicUsize = AtomicUsize::new(0);

    #[derive(Clone)]
    pub(super) struct Big(pub(super) Vec<u8>);

    impl Drop for Big {
        fn drop(&mut self) {
            DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[node]
    async fn big() -> Big {
        Big(vec![1; 1024])
    }

    /// Takes `big` by value as its only consumer: it is moved, not cloned.
    #[node]
    async fn moved(big: Big) -> usize {
        let n = big.0.len();
        drop(big);
        n
    }

    /// Runs after `moved`: `big` was dropped exactly once by then.
    #[node]
    fn after(moved: usize) -> usize {
        assert_eq!(DROPS.load(Ordering::SeqCst), 1, "big must be gone, and never cloned");
        moved
    }

    hamilton_core::module!();
}

#[test]
fn intermediates_are_moved_to_their_last_consumer_and_freed() {
    let dr = async_driver(released::MODULE);
    let out = runtime().block_on(dr.execute_async(&["after"], Inputs::new())).unwrap();
    assert_eq!(*out.get::<usize>("after").unwrap(), 1024);
    assert_eq!(released::DROPS.load(Ordering::SeqCst), 1);
}

#[test]
fn dynamic_async_nodes_run_and_their_declared_type_is_checked() {
    let doubled = NodeSpec::dynamic_async(
        "doubled",
        vec![ParamSpec::new("x", TypeSpec::of::<i64>(""), ParamKind::Arc)],
        TypeSpec::of::<i64>(""),
        |args| {
            let x = args.arc::<i64>(0);
            Box::pin(async move {
                tokio::task::yield_now().await;
                Ok(Value::new(*x? * 2))
            })
        },
    );
    let liar = NodeSpec::dynamic_async("liar", vec![], TypeSpec::of::<i64>(""), |_| {
        Box::pin(async { Ok(Value::new("text")) })
    });
    let dr = Driver::builder()
        .with_node(doubled)
        .with_node(liar)
        .with_executor(Executor::Async)
        .build()
        .unwrap();
    let rt = single_thread();
    let out = rt.block_on(dr.execute_async(&["doubled"], Inputs::new().with("x", 21_i64))).unwrap();
    assert_eq!(*out.get::<i64>("doubled").unwrap(), 42);
    let err = rt.block_on(dr.execute_async(&["liar"], Inputs::new())).unwrap_err();
    assert_eq!(err.codes(), vec!["H013"]);
    assert!(err.to_string().ends_with("returned a value that is not its declared i64"), "{err}");
}
