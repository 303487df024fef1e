//! Per-node timings, slowest first (Hamilton's `PrintLn` adapter, as data).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::{Adapter, NodeContext, NodeExecutionHook, NodeOutcome, NodeStatus, RunId};

/// One node call's duration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeTiming {
    /// The run.
    pub run: RunId,
    /// The node name.
    pub node: String,
    /// The item index inside a map/collect block.
    pub item: Option<usize>,
    /// How long the function took.
    pub duration: Duration,
    /// Ran, failed or skipped.
    pub status: NodeStatus,
}

/// Records how long every node call takes; [`report`](Timings::report) lists them slowest first.
///
/// ```
/// use std::sync::Arc;
/// use hamilton_core::prelude::*;
/// use hamilton_core::hooks::Timings;
///
/// /// The input, doubled.
/// #[node]
/// fn doubled(x: i64) -> i64 { x * 2 }
/// hamilton_core::module!();
///
/// let timings = Arc::new(Timings::new());
/// let dr = Driver::builder().with_modules([MODULE]).with_adapter(timings.clone()).build()?;
/// dr.execute(&["doubled"], Inputs::new().with("x", 2_i64))?;
/// let report = timings.report();
/// assert_eq!(report[0].node, "doubled");
/// println!("{}", timings.table()); // node, duration, status; slowest first
/// # Ok::<(), hamilton_core::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Timings {
    calls: Mutex<Vec<NodeTiming>>,
}

impl Timings {
    /// No calls recorded yet.
    pub fn new() -> Self {
        Timings::default()
    }

    /// Every call recorded so far, slowest first (ties in call order).
    pub fn report(&self) -> Vec<NodeTiming> {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner).clone();
        calls.sort_by_key(|t| std::cmp::Reverse(t.duration));
        calls
    }

    /// Removes every recorded call.
    pub fn clear(&self) {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// The report as a plain-text table: one line per call, slowest first.
    pub fn table(&self) -> TimingTable {
        TimingTable(self.report())
    }
}

/// A plain-text table of [`NodeTiming`]s ([`Timings::table`]).
#[derive(Clone, Debug)]
pub struct TimingTable(pub Vec<NodeTiming>);

impl fmt::Display for TimingTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = |t: &NodeTiming| match t.item {
            Some(i) => format!("{}[{i}]", t.node),
            None => t.node.clone(),
        };
        let width = self.0.iter().map(|t| label(t).len()).max().unwrap_or(4).max(4);
        writeln!(f, "{:<width$}  {:>12}  status", "node", "duration")?;
        for t in &self.0 {
            let d = format!("{:.3?}", t.duration);
            writeln!(f, "{:<width$}  {d:>12}  {}", label(t), t.status.as_str())?;
        }
        Ok(())
    }
}

impl NodeExecutionHook for Timings {
    fn after_node(&self, node: &NodeContext<'_>, outcome: &NodeOutcome<'_>) {
        let timing = NodeTiming {
            run: node.run_id(),
            node: node.name().to_string(),
            item: node.item(),
            duration: outcome.duration(),
            status: outcome.status(),
        };
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).push(timing);
    }
}

impl Adapter for Timings {
    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        Some(self)
    }
}
