//! Lifecycle hooks: what adapters see, in which order, under every executor; failures seen by
//! hooks; a panicking hook; the built-in adapters (timings, tracing spans, graceful errors).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hamilton_core::hooks::{
    Adapter, GracefulErrors, GraphBuilt, GraphConstructionHook, GraphEnd, GraphExecutionHook,
    GraphStart, NodeContext, NodeExecutionHook, NodeOutcome, NodeStatus, Timings, TracingAdapter,
};
use hamilton_core::prelude::*;

/// Every executor the hooks must work under.
fn executors() -> Vec<Executor> {
    vec![Executor::Sequential, Executor::Parallel { threads: 3 }]
}

mod flow {
    use super::*;

    /// The input plus one.
    #[node]
    #[tag(owner = "core", stage = "first")]
    fn a(x: i64) -> i64 {
        x + 1
    }

    /// Twice `a`.
    #[node]
    fn b(a: &i64) -> i64 {
        a * 2
    }

    /// Three times `a`.
    #[node]
    fn c(a: i64) -> i64 {
        a * 3
    }

    /// `b` and `c` together, with a label.
    #[node]
    fn d(b: i64, c: i64, label: &str) -> String {
        format!("{label}{}", b + c)
    }

    /// Fails when `x` is negative.
    #[node]
    fn checked(x: i64) -> Result<i64, std::io::Error> {
        if x < 0 { Err(std::io::Error::other("negative x")) } else { Ok(x) }
    }

    /// Needs `checked`.
    #[node]
    fn after_checked(checked: i64) -> i64 {
        checked + 100
    }

    /// Needs `after_checked`: skipped two levels down.
    #[node]
    fn far_after(after_checked: i64, c: i64) -> i64 {
        after_checked + c
    }

    /// Panics when `x` is 13.
    #[node]
    fn unlucky(x: i64) -> i64 {
        assert!(x != 13, "13 is unlucky");
        x
    }

    /// Sleeps `x` milliseconds.
    #[node]
    fn slow(x: i64) -> i64 {
        std::thread::sleep(Duration::from_millis(x as u64 * 20));
        x
    }

    /// Sleeps a little.
    #[node]
    fn quick(x: i64) -> i64 {
        std::thread::sleep(Duration::from_millis(x as u64));
        x
    }

    hamilton_core::module!();
}

/// Records every hook call as a line of text.
#[derive(Default)]
struct Recorder {
    tag: &'static str,
    lines: Mutex<Vec<String>>,
}

impl Recorder {
    fn named(tag: &'static str) -> Arc<Self> {
        Arc::new(Recorder { tag, lines: Mutex::new(Vec::new()) })
    }
    fn push(&self, line: String) {
        self.lines.lock().unwrap().push(format!("{}{line}", self.tag));
    }
    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

impl GraphConstructionHook for Recorder {
    fn after_graph_built(&self, graph: &GraphBuilt<'_>) {
        self.push(format!("built {} nodes", graph.nodes().len()));
    }
}

impl GraphExecutionHook for Recorder {
    fn before_graph(&self, run: &GraphStart<'_>) {
        let inputs: Vec<String> = run.inputs().iter().map(|(n, t)| format!("{n}:{t}")).collect();
        self.push(format!(
            "before_graph run={} outputs={:?} inputs={inputs:?} steps={}",
            run.run_id().get(),
            run.outputs(),
            run.steps()
        ));
    }
    fn after_graph(&self, run: &GraphEnd<'_>) {
        let err = run.error().map(|e| e.codes().join(",")).unwrap_or_default();
        self.push(format!(
            "after_graph run={} success={} {err}",
            run.run_id().get(),
            run.success()
        ));
    }
}

impl NodeExecutionHook for Recorder {
    fn before_node(&self, node: &NodeContext<'_>) {
        self.push(format!("before {} run={}", node.name(), node.run_id().get()));
    }
    fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) {
        let err = outcome.error().map(|e| e.codes().join(",")).unwrap_or_default();
        self.push(format!(
            "after {} {} run={} {err}",
            node.name(),
            outcome.status().as_str(),
            node.run_id().get()
        ));
    }
}

impl Adapter for Recorder {
    fn construction_hook(&self) -> Option<&dyn GraphConstructionHook> {
        Some(self)
    }
    fn graph_hook(&self) -> Option<&dyn GraphExecutionHook> {
        Some(self)
    }
    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        Some(self)
    }
}

fn driver(executor: Executor, adapters: Vec<Arc<dyn Adapter>>) -> Driver {
    Driver::builder()
        .with_modules([flow::MODULE])
        .with_executor(executor)
        .with_adapters(adapters)
        .build()
        .unwrap()
}

fn inputs(x: i64) -> Inputs {
    Inputs::new().with("x", x).with("label", "sum=")
}

/// The position of the first line starting with `prefix`.
fn pos(lines: &[String], prefix: &str) -> usize {
    lines
        .iter()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with `{prefix}` in {lines:#?}"))
}

#[test]
fn hooks_fire_in_order_around_the_run_and_each_node_under_every_executor() {
    for executor in executors() {
        let rec = Recorder::named("");
        let dr = driver(executor, vec![rec.clone()]);
        let out = dr.execute(&["d"], inputs(2)).unwrap();
        assert_eq!(out.get::<String>("d").unwrap(), "sum=15");
        let lines = rec.lines();
        assert_eq!(lines[0], "built 12 nodes", "{executor:?}");
        let run = lines[1].split("run=").nth(1).unwrap().split(' ').next().unwrap().to_string();
        assert_eq!(
            lines[1],
            format!(
                "before_graph run={run} outputs=[\"d\"] \
                 inputs=[\"label:alloc::string::String\", \"x:i64\"] steps=4"
            ),
            "{executor:?}"
        );
        assert_eq!(lines.last().unwrap(), &format!("after_graph run={run} success=true "));
        assert_eq!(lines.len(), 2 + 4 * 2 + 1, "{lines:#?}");
        for node in ["a", "b", "c", "d"] {
            assert!(lines.contains(&format!("before {node} run={run}")), "{lines:#?}");
            assert!(lines.contains(&format!("after {node} ran run={run} ")), "{lines:#?}");
            assert!(
                pos(&lines, &format!("before {node} ")) < pos(&lines, &format!("after {node} "))
            );
        }
        // Dependencies finish before their dependents start.
        assert!(pos(&lines, "after a ") < pos(&lines, "before b "));
        assert!(pos(&lines, "after a ") < pos(&lines, "before c "));
        assert!(pos(&lines, "after b ") < pos(&lines, "before d "));
        assert!(pos(&lines, "after c ") < pos(&lines, "before d "));
    }
}

#[test]
fn each_run_has_its_own_id_seen_by_graph_and_node_hooks() {
    let rec = Recorder::named("");
    let dr = driver(Executor::Sequential, vec![rec.clone()]);
    dr.execute(&["a"], inputs(1)).unwrap();
    dr.execute(&["a"], inputs(1)).unwrap();
    let lines = rec.lines();
    let ids: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("before_graph"))
        .map(|l| l.split("run=").nth(1).unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    assert!(lines.contains(&format!("before a run={}", ids[1])), "{lines:#?}");
}

/// Keeps what a node hook can read about a node.
#[derive(Default)]
struct Describe(Mutex<Vec<String>>);

impl NodeExecutionHook for Describe {
    fn before_node(&self, node: &NodeContext<'_>) {
        let tags: Vec<String> =
            node.tags().iter().map(|t| format!("{}={}", t.key, t.value)).collect();
        let inputs: Vec<String> = node.input_types().map(|(n, t)| format!("{n}: {t}")).collect();
        self.0.lock().unwrap().push(format!(
            "{} module={} tags={tags:?} inputs={inputs:?} result={} item={:?} at={}",
            node.name(),
            node.module(),
            node.result_type(),
            node.item(),
            node.location().rsplit('/').next().unwrap().split(':').next().unwrap(),
        ));
    }
}

impl Adapter for Describe {
    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        Some(self)
    }
}

#[test]
fn a_node_hook_sees_name_module_tags_input_and_result_types() {
    let describe = Arc::new(Describe::default());
    let dr = Driver::builder().with_modules([flow::MODULE]).with_adapter(describe.clone()).build();
    dr.unwrap().execute(&["d"], inputs(1)).unwrap();
    let seen = describe.0.lock().unwrap().clone();
    assert_eq!(
        seen[0],
        "a module=hamilton_tests_suite::hooks::flow tags=[\"owner=core\", \"stage=first\"] \
         inputs=[\"x: i64\"] result=i64 item=None at=hooks.rs"
            .replace("hamilton_tests_suite", module_root())
    );
    assert!(
        seen[3].starts_with("d module=")
            && seen[3].contains("inputs=[\"b: i64\", \"c: i64\", \"label: String\"] result=String"),
        "{seen:#?}"
    );
}

/// The crate name of this test binary, as `module_path!` spells it.
fn module_root() -> &'static str {
    module_path!().split("::").next().unwrap()
}

#[test]
fn hooks_see_a_failing_node_and_the_failed_run() {
    for executor in executors() {
        let rec = Recorder::named("");
        let dr = driver(executor, vec![rec.clone()]);
        let err = dr.execute(&["after_checked"], inputs(-1)).unwrap_err();
        assert_eq!(err.codes(), ["H013"]);
        let lines = rec.lines();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("after checked failed run=") && l.ends_with(" H013")),
            "{lines:#?}"
        );
        assert!(!lines.iter().any(|l| l.starts_with("before after_checked")), "{lines:#?}");
        assert!(lines.last().unwrap().ends_with("success=false H013"), "{lines:#?}");
        // A panicking node is a failure too (H014).
        let err = dr.execute(&["unlucky"], inputs(13)).unwrap_err();
        assert_eq!(err.codes(), ["H014"]);
        assert!(
            rec.lines()
                .iter()
                .any(|l| l.starts_with("after unlucky failed") && l.ends_with(" H014"))
        );
    }
}

#[test]
fn several_adapters_compose_and_are_called_in_installation_order() {
    for executor in executors() {
        let first = Recorder::named("1:");
        let second = Recorder::named("2:");
        let shared = Arc::new(Mutex::new(Vec::<String>::new()));
        /// Writes into one shared list, so the interleaving of two adapters shows.
        struct Into(&'static str, Arc<Mutex<Vec<String>>>);
        impl NodeExecutionHook for Into {
            fn before_node(&self, node: &NodeContext<'_>) {
                self.1.lock().unwrap().push(format!("{} {}", self.0, node.name()));
            }
        }
        impl Adapter for Into {
            fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
                Some(self)
            }
        }
        let dr = Driver::builder()
            .with_modules([flow::MODULE])
            .with_executor(executor)
            .with_adapter(first.clone())
            .with_adapters([
                Arc::new(Into("x", shared.clone())) as Arc<dyn Adapter>,
                Arc::new(Into("y", shared.clone())),
            ])
            .with_adapter(second.clone())
            .build()
            .unwrap();
        dr.execute(&["a"], inputs(1)).unwrap();
        assert_eq!(*shared.lock().unwrap(), ["x a", "y a"]);
        let strip = |lines: Vec<String>| -> Vec<String> {
            lines.into_iter().map(|l| l[2..].to_string()).collect()
        };
        assert_eq!(strip(first.lines()), strip(second.lines()));
        assert_eq!(first.lines().len(), 5);
    }
}

/// An adapter that panics in one hook while `armed`.
struct Panicky {
    hook: &'static str,
    armed: AtomicBool,
}

impl Panicky {
    fn new(hook: &'static str) -> Arc<Self> {
        Arc::new(Panicky { hook, armed: AtomicBool::new(true) })
    }
    fn maybe(&self, hook: &str) {
        if self.hook == hook && self.armed.load(Ordering::SeqCst) {
            panic!("hook trouble in {hook}");
        }
    }
}

impl GraphConstructionHook for Panicky {
    fn after_graph_built(&self, _: &GraphBuilt<'_>) {
        self.maybe("after_graph_built");
    }
}
impl GraphExecutionHook for Panicky {
    fn before_graph(&self, _: &GraphStart<'_>) {
        self.maybe("before_graph");
    }
    fn after_graph(&self, _: &GraphEnd<'_>) {
        self.maybe("after_graph");
    }
}
impl NodeExecutionHook for Panicky {
    fn before_node(&self, node: &NodeContext<'_>) {
        if node.name() == "b" {
            self.maybe("before_node");
        }
    }
    fn after_node(&self, node: &NodeContext<'_>, _: &NodeOutcome<'_>) {
        if node.name() == "c" {
            self.maybe("after_node");
        }
    }
}
impl Adapter for Panicky {
    fn name(&self) -> String {
        "panicky".to_string()
    }
    fn construction_hook(&self) -> Option<&dyn GraphConstructionHook> {
        Some(self)
    }
    fn graph_hook(&self) -> Option<&dyn GraphExecutionHook> {
        Some(self)
    }
    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        Some(self)
    }
}

#[test]
fn a_panicking_node_hook_stops_the_run_with_h080_and_the_driver_stays_usable() {
    for executor in executors() {
        for hook in ["before_node", "after_node"] {
            let panicky = Panicky::new(hook);
            let rec = Recorder::named("");
            let dr = driver(executor, vec![panicky.clone(), rec.clone()]);
            let err = dr.execute(&["d"], inputs(1)).unwrap_err();
            assert_eq!(err.codes(), ["H080"], "{executor:?} {hook}");
            let node = if hook == "before_node" { "b" } else { "c" };
            assert_eq!(
                err.to_string(),
                format!(
                    "error[H080]: lifecycle adapter `panicky` panicked in `{hook}` for node \
                     `{node}`: hook trouble in {hook}\n  the run was stopped; the driver stays usable"
                )
            );
            let lines = rec.lines();
            // The other adapter still saw the node end and the failed run: a panic before the
            // node makes it a failure; after it, the node had run (its value is discarded).
            let status = if hook == "before_node" { "failed" } else { "ran" };
            assert!(
                lines.iter().any(|l| l.starts_with(&format!("after {node} {status}"))),
                "{lines:#?}"
            );
            assert!(lines.last().unwrap().ends_with("success=false H080"), "{lines:#?}");
            assert!(!lines.iter().any(|l| l.starts_with("before d")), "{lines:#?}");
            if hook == "before_node" {
                assert!(
                    !lines.iter().any(|l| l.starts_with("after b ran")),
                    "b must not run: {lines:#?}"
                );
            }
            panicky.armed.store(false, Ordering::SeqCst);
            let out = dr.execute(&["d"], inputs(1)).unwrap();
            assert_eq!(out.get::<String>("d").unwrap(), "sum=10");
        }
    }
}

#[test]
fn a_panicking_graph_hook_is_h080_and_no_node_runs_when_before_graph_panics() {
    for executor in executors() {
        let panicky = Panicky::new("before_graph");
        let rec = Recorder::named("");
        let dr = driver(executor, vec![panicky.clone(), rec.clone()]);
        let err = dr.execute(&["d"], inputs(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error[H080]: lifecycle adapter `panicky` panicked in `before_graph`: hook trouble in \
             before_graph\n  the run was stopped; the driver stays usable"
        );
        let lines = rec.lines();
        assert!(!lines.iter().any(|l| l.starts_with("before a")), "{lines:#?}");
        assert!(lines.last().unwrap().ends_with("success=false H080"));

        let panicky = Panicky::new("after_graph");
        let dr = driver(executor, vec![panicky.clone()]);
        let err = dr.execute(&["d"], inputs(1)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("error[H080]: lifecycle adapter `panicky` panicked in `after_graph`")
        );
        // A failing run keeps its own error when an after_graph hook panics too.
        let err = dr.execute(&["checked"], inputs(-1)).unwrap_err();
        assert_eq!(err.codes(), ["H013"]);
    }
}

#[test]
fn a_panicking_construction_hook_fails_the_build_with_h080() {
    let err = Driver::builder()
        .with_modules([flow::MODULE])
        .with_adapter(Panicky::new("after_graph_built"))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error[H080]: lifecycle adapter `panicky` panicked in `after_graph_built`: hook trouble \
         in after_graph_built\n  the driver was not built"
    );
}

#[test]
fn timings_report_lists_node_calls_slowest_first() {
    for executor in executors() {
        let timings = Arc::new(Timings::new());
        let dr = driver(executor, vec![timings.clone()]);
        dr.execute(&["slow", "quick", "a"], inputs(2)).unwrap();
        let report = timings.report();
        let names: Vec<&str> = report.iter().map(|t| t.node.as_str()).collect();
        assert_eq!(names.len(), 3);
        assert_eq!(names[0], "slow", "{report:?}");
        assert_eq!(names[1], "quick", "{report:?}");
        assert!(report[0].duration >= Duration::from_millis(40));
        assert!(report.windows(2).all(|w| w[0].duration >= w[1].duration));
        assert!(report.iter().all(|t| t.status == NodeStatus::Ran && t.item.is_none()));
        let table = timings.table().to_string();
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("node") && lines[0].ends_with("status"), "{table}");
        assert!(lines[1].starts_with("slow ") && lines[1].ends_with(" ran"), "{table}");
        timings.clear();
        assert!(timings.report().is_empty());
    }
}

#[test]
fn graceful_errors_skip_the_dependents_of_a_failure_and_finish_the_rest() {
    for executor in executors() {
        let graceful = Arc::new(GracefulErrors::new());
        let rec = Recorder::named("");
        let dr = driver(executor, vec![graceful.clone(), rec.clone()]);
        let out = dr.execute(&["far_after", "after_checked", "d", "checked"], inputs(-1)).unwrap();
        assert_eq!(out.get::<String>("d").unwrap(), "sum=0");
        let err = out.get::<i64>("far_after").unwrap_err();
        assert_eq!(err.codes(), ["H081"]);
        assert_eq!(
            err.to_string(),
            "error[H081]: output `far_after` was not computed: it depends on node `checked`, \
             which failed and GracefulErrors skipped its dependents (the failure is in the \
             adapter's failures)"
        );
        let err = out.get::<i64>("checked").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("error[H081]: output `checked` was not computed: the node failed")
        );
        assert_eq!(
            out.skipped().collect::<Vec<_>>(),
            [("far_after", "checked"), ("after_checked", "checked"), ("checked", "checked")]
        );
        let failures = graceful.take_failures();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].node, "checked");
        assert_eq!(failures[0].error.codes(), ["H013"]);
        assert!(failures[0].error.to_string().contains("negative x"));
        let lines = rec.lines();
        for (node, status) in [
            ("checked", "failed"),
            ("after_checked", "skipped"),
            ("far_after", "skipped"),
            ("d", "ran"),
        ] {
            assert!(
                lines.iter().any(|l| l.starts_with(&format!("after {node} {status} "))),
                "{node}: {lines:#?}"
            );
        }
        assert!(lines.last().unwrap().contains("success=true"));
    }
}

#[test]
fn graceful_errors_can_catch_only_some_errors() {
    let graceful = Arc::new(GracefulErrors::catching_type::<std::io::Error>());
    let dr = driver(Executor::Sequential, vec![graceful.clone()]);
    // An io::Error is caught ...
    let out = dr.execute(&["after_checked"], inputs(-1)).unwrap();
    assert_eq!(out.get::<i64>("after_checked").unwrap_err().codes(), ["H081"]);
    // ... a panic is not.
    let err = dr.execute(&["unlucky"], inputs(13)).unwrap_err();
    assert_eq!(err.codes(), ["H014"]);
    assert_eq!(graceful.failures().len(), 1);
}

#[test]
fn two_graceful_error_adapters_are_h082() {
    let err = Driver::builder()
        .with_modules([flow::MODULE])
        .with_adapter(Arc::new(GracefulErrors::new()))
        .with_adapter(Arc::new(GracefulErrors::new()))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error[H082]: two graceful-error adapters were installed (`GracefulErrors` and \
         `GracefulErrors`); at most one may decide what a node failure does\n  help: install a \
         single GracefulErrors (GracefulErrors::catching filters errors)"
    );
}

mod spans {
    //! A `tracing` subscriber that keeps spans (name, fields, parent) and events.

    use std::fmt;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Metadata, Subscriber};

    #[derive(Clone, Debug, Default)]
    pub(crate) struct Span {
        pub(crate) name: String,
        pub(crate) fields: Vec<(String, String)>,
        pub(crate) parent: Option<u64>,
        pub(crate) id: u64,
    }

    impl Span {
        pub(crate) fn field(&self, name: &str) -> Option<&str> {
            self.fields.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
        }
    }

    /// An event: the span it happened in, and its fields as `key=value` text.
    pub(crate) type Event = (Option<u64>, String);

    #[derive(Clone, Default)]
    pub(crate) struct Keep {
        pub(crate) spans: Arc<Mutex<Vec<Span>>>,
        pub(crate) events: Arc<Mutex<Vec<Event>>>,
        next: Arc<AtomicU64>,
        current: Arc<Mutex<Vec<u64>>>,
    }

    struct Fields<'a>(&'a mut Vec<(String, String)>);
    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            self.0.push((
                field.name().to_string(),
                format!("{value:?}").trim_matches('"').to_string(),
            ));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push((field.name().to_string(), value.to_string()));
        }
    }

    impl Subscriber for Keep {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, attrs: &Attributes<'_>) -> Id {
            let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
            let mut span =
                Span { name: attrs.metadata().name().to_string(), id, ..Span::default() };
            attrs.record(&mut Fields(&mut span.fields));
            span.parent = attrs.parent().map(Id::into_u64).or_else(|| {
                if attrs.is_contextual() {
                    self.current.lock().unwrap().last().copied()
                } else {
                    None
                }
            });
            self.spans.lock().unwrap().push(span);
            Id::from_u64(id)
        }
        fn record(&self, id: &Id, values: &Record<'_>) {
            let mut spans = self.spans.lock().unwrap();
            let span = spans.iter_mut().find(|s| s.id == id.into_u64()).unwrap();
            values.record(&mut Fields(&mut span.fields));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut fields = Vec::new();
            event.record(&mut Fields(&mut fields));
            let parent = event
                .parent()
                .map(Id::into_u64)
                .or_else(|| self.current.lock().unwrap().last().copied());
            let text: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            self.events.lock().unwrap().push((parent, text.join(" ")));
        }
        fn enter(&self, id: &Id) {
            self.current.lock().unwrap().push(id.into_u64());
        }
        fn exit(&self, id: &Id) {
            let mut current = self.current.lock().unwrap();
            if let Some(at) = current.iter().rposition(|c| *c == id.into_u64()) {
                current.remove(at);
            }
        }
    }
}

#[test]
fn tracing_adapter_opens_a_span_per_run_and_per_node_and_records_errors() {
    let keep = spans::Keep::default();
    let dr = driver(Executor::Sequential, vec![Arc::new(TracingAdapter::new())]);
    tracing::subscriber::with_default(keep.clone(), || {
        dr.execute(&["d"], inputs(1)).unwrap();
        dr.execute(&["after_checked"], inputs(-1)).unwrap_err();
    });
    let spans = keep.spans.lock().unwrap().clone();
    let runs: Vec<&spans::Span> = spans.iter().filter(|s| s.name == "hamilton.run").collect();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].field("outputs"), Some("d"));
    assert_eq!(runs[0].field("status"), Some("ok"));
    assert_eq!(runs[1].field("status"), Some("failed"));
    assert!(runs[1].field("error").unwrap().starts_with("error[H013]: node `checked`"));
    let a = spans.iter().find(|s| s.field("node") == Some("a")).unwrap();
    assert_eq!(a.name, "hamilton.node");
    assert_eq!(a.parent, Some(runs[0].id), "node spans are children of their run's span");
    assert_eq!(a.field("tags"), Some("owner=core,stage=first"));
    assert!(a.field("module").unwrap().ends_with("hooks::flow"));
    assert_eq!(a.field("status"), Some("ran"));
    assert_eq!(a.field("run_id"), runs[0].field("run_id"));
    let checked = spans.iter().find(|s| s.field("node") == Some("checked")).unwrap();
    assert_eq!(checked.parent, Some(runs[1].id));
    assert_eq!(checked.field("status"), Some("failed"));
    assert!(checked.field("error").unwrap().contains("negative x"));
    let events = keep.events.lock().unwrap().clone();
    assert!(
        events
            .iter()
            .any(|(parent, text)| *parent == Some(checked.id) && text.contains("node failed")),
        "the node's error event is inside its span: {events:#?}"
    );
}

#[test]
fn tracing_spans_nest_under_their_run_under_the_parallel_executor() {
    let keep = spans::Keep::default();
    let dr = driver(Executor::Parallel { threads: 3 }, vec![Arc::new(TracingAdapter::new())]);
    // Helper threads have no default subscriber of their own: set it globally for this binary
    // would affect other tests, so the dispatcher is passed explicitly.
    let dispatch = tracing::Dispatch::new(keep.clone());
    tracing::dispatcher::with_default(&dispatch, || dr.execute(&["d"], inputs(1)).unwrap());
    let spans = keep.spans.lock().unwrap().clone();
    let run = spans.iter().find(|s| s.name == "hamilton.run").unwrap();
    // Nodes that ran on the calling thread are children of the run span.
    let nodes: Vec<&spans::Span> = spans.iter().filter(|s| s.name == "hamilton.node").collect();
    assert!(!nodes.is_empty());
    assert!(nodes.iter().all(|n| n.parent == Some(run.id)), "{nodes:#?}");
}

/// A writer shared with the test.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn progress_bar_counts_the_node_calls_of_a_run_and_ends_with_its_outcome() {
    use hamilton_core::hooks::ProgressBar;
    for executor in executors() {
        let out = Shared::default();
        let dr = driver(executor, vec![Arc::new(ProgressBar::to_writer(out.clone()))]);
        dr.execute(&["d"], inputs(1)).unwrap();
        dr.execute(&["after_checked"], inputs(-1)).unwrap_err();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let last_lines: Vec<&str> =
            text.lines().filter(|l| l.contains("done") || l.contains("failed")).collect();
        assert_eq!(last_lines.len(), 2, "{text}");
        assert!(last_lines[0].contains("4/4 done in "), "{text}");
        assert!(last_lines[1].contains("1/2 failed in "), "{text}");
        assert!(last_lines[0].contains("[=============================="), "{text}");
    }
    // Without a terminal on stderr (as under `cargo test`), the default bar draws nothing and
    // still counts.
    let dr = driver(Executor::Sequential, vec![Arc::new(ProgressBar::new())]);
    assert_eq!(dr.execute(&["d"], inputs(1)).unwrap().get::<String>("d").unwrap(), "sum=10");
}

mod items {
    use hamilton_core::prelude::*;

    /// One item per number from 1 to `count`.
    #[node]
    fn number(count: &u64) -> Parallelizable<u64> {
        (1..=*count).collect()
    }

    /// Per item.
    #[node]
    fn squared(number: &u64) -> u64 {
        number * number
    }

    /// Gathers every item's square.
    #[node]
    fn total(squared: Collect<u64>) -> u64 {
        squared.into_iter().sum()
    }

    hamilton_core::module!();
}

#[test]
fn node_hooks_fire_for_every_item_of_a_map_collect_block_with_its_index() {
    for executor in [Executor::Sequential, Executor::Parallel { threads: 2 }] {
        let rec = Recorder::named("");
        /// Keeps `node[item]` of each finished call.
        #[derive(Default)]
        struct Items(Mutex<Vec<String>>);
        impl NodeExecutionHook for Items {
            fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) {
                let item = node.item().map_or(String::new(), |i| format!("[{i}]"));
                let line = format!("{}{item} {}", node.name(), outcome.status().as_str());
                self.0.lock().unwrap().push(line);
            }
        }
        impl Adapter for Items {
            fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
                Some(self)
            }
        }
        let items = Arc::new(Items::default());
        let dr = Driver::builder()
            .with_modules([items::MODULE])
            .with_executor(executor)
            .with_adapters([rec.clone() as Arc<dyn Adapter>, items.clone()])
            .build()
            .unwrap();
        let out = dr.execute(&["total"], Inputs::new().with("count", 3_u64)).unwrap();
        assert_eq!(*out.get::<u64>("total").unwrap(), 14);
        let mut seen = items.0.lock().unwrap().clone();
        seen.sort();
        assert_eq!(
            seen,
            ["number ran", "squared[0] ran", "squared[1] ran", "squared[2] ran", "total ran"],
            "{executor:?}"
        );
        assert!(rec.lines().last().unwrap().contains("success=true"));
    }
}
