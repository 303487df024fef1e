//! `tracing` spans per run and per node, for any subscriber (a log formatter, an OpenTelemetry
//! exporter through `tracing-opentelemetry`, ...).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, PoisonError};

use tracing::Span;
use tracing::field::{Empty, display};

use super::{
    Adapter, GraphEnd, GraphExecutionHook, GraphStart, NodeContext, NodeExecutionHook, NodeOutcome,
    RunId,
};

/// Opens a `tracing` span per run (`hamilton.run`, fields `run_id`, `outputs`, then `status`,
/// `error`) and one per node call inside it (`hamilton.node`, fields `node`, `module`, `tags`,
/// `item`, `run_id`, then `status`, `duration_us`, `error`). The node span is entered while the
/// function runs, so the node's own `tracing` events nest inside it; a failure is recorded in
/// the span's `error` field and as an `ERROR` event. Spans are at `INFO` level.
///
/// ```
/// use std::sync::Arc;
/// use hamilton_core::prelude::*;
/// use hamilton_core::hooks::TracingAdapter;
///
/// /// The input, doubled.
/// #[node]
/// fn doubled(x: i64) -> i64 { x * 2 }
/// hamilton_core::module!();
///
/// let dr = Driver::builder()
///     .with_modules([MODULE])
///     .with_adapter(Arc::new(TracingAdapter::new()))
///     .build()?;
/// dr.execute(&["doubled"], Inputs::new().with("x", 2_i64))?;
/// # Ok::<(), hamilton_core::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct TracingAdapter {
    /// Per run: its span, and the dispatcher current when it started (threads that the
    /// executor starts have no default subscriber of their own; node spans and the events of
    /// node code go to this one).
    runs: Mutex<HashMap<RunId, (Span, tracing::Dispatch)>>,
    /// Spans of `async fn` node calls, which may end on another thread: kept here, not entered.
    awaited: Mutex<HashMap<CallKey, Span>>,
}

/// Identifies one node call on this thread: run, node name address, item.
type CallKey = (RunId, usize, Option<usize>);

thread_local! {
    /// The node spans entered on this thread (a node runs on one thread from before to after).
    static ENTERED: RefCell<Vec<(CallKey, Entered)>> =
        const { RefCell::new(Vec::new()) };
}

/// A node span entered on this thread, with the run's dispatcher set as this thread's default.
/// Field order matters: the span is exited before the default is restored.
struct Entered {
    span: tracing::span::EnteredSpan,
    _default: tracing::dispatcher::DefaultGuard,
}

fn key(node: &NodeContext<'_>) -> CallKey {
    (node.run_id(), node.name().as_ptr() as usize, node.item())
}

impl TracingAdapter {
    /// A new adapter.
    pub fn new() -> Self {
        TracingAdapter::default()
    }

    fn run_span(&self, run: RunId) -> (Span, tracing::Dispatch) {
        let runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
        match runs.get(&run) {
            Some((span, dispatch)) => (span.clone(), dispatch.clone()),
            None => (Span::current(), tracing::dispatcher::get_default(Clone::clone)),
        }
    }
}

impl GraphExecutionHook for TracingAdapter {
    fn before_graph(&self, run: &GraphStart<'_>) {
        let span = tracing::info_span!(
            "hamilton.run",
            run_id = run.run_id().get(),
            outputs = display(run.outputs().join(",")),
            status = Empty,
            error = Empty,
        );
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        self.runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(run.run_id(), (span, dispatch));
    }

    fn after_graph(&self, run: &GraphEnd<'_>) {
        let span = self.runs.lock().unwrap_or_else(PoisonError::into_inner).remove(&run.run_id());
        if let Some((span, _)) = span {
            span.record("status", if run.success() { "ok" } else { "failed" });
            if let Some(e) = run.error() {
                span.record("error", display(e));
                tracing::error!(parent: &span, error = %e, "run failed");
            }
        }
    }
}

impl NodeExecutionHook for TracingAdapter {
    fn before_node(&self, node: &NodeContext<'_>) {
        let mut tags = String::new();
        for t in node.tags() {
            let sep = if tags.is_empty() { "" } else { "," };
            let _ = write!(tags, "{sep}{}={}", t.key, t.value);
        }
        let (parent, dispatch) = self.run_span(node.run_id());
        let default = tracing::dispatcher::set_default(&dispatch);
        let span = tracing::info_span!(
            parent: &parent,
            "hamilton.node",
            node = node.name(),
            module = node.module(),
            tags = tags.as_str(),
            item = node.item(),
            run_id = node.run_id().get(),
            status = Empty,
            duration_us = Empty,
            error = Empty,
        );
        if node.is_async() {
            drop(default);
            self.awaited.lock().unwrap_or_else(PoisonError::into_inner).insert(key(node), span);
            return;
        }
        let entered = Entered { span: span.entered(), _default: default };
        ENTERED.with(|e| e.borrow_mut().push((key(node), entered)));
    }

    fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) {
        let k = key(node);
        if node.is_async() {
            let span = self.awaited.lock().unwrap_or_else(PoisonError::into_inner).remove(&k);
            if let Some(span) = span {
                record(&span, outcome);
            }
            return;
        }
        let entered = ENTERED.with(|e| {
            let mut e = e.borrow_mut();
            let at = e.iter().rposition(|(key, _)| *key == k)?;
            Some(e.remove(at).1)
        });
        let Some(entered) = entered else { return };
        record(&entered.span, outcome);
        drop(entered);
    }
}

/// Records a node call's end in its span.
fn record(span: &Span, outcome: &NodeOutcome<'_>) {
    span.record("status", outcome.status().as_str());
    span.record("duration_us", outcome.duration().as_micros() as u64);
    if let Some(e) = outcome.error() {
        span.record("error", display(e));
        tracing::error!(parent: span, error = %e, "node failed");
    }
}

impl Adapter for TracingAdapter {
    fn graph_hook(&self) -> Option<&dyn GraphExecutionHook> {
        Some(self)
    }

    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        Some(self)
    }
}
