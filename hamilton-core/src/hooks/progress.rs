//! A terminal progress bar over a run's node calls (feature `progress`, with `indicatif`).

use std::collections::HashMap;
use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, PoisonError};

use indicatif::{ProgressDrawTarget, ProgressStyle, TermLike};

use super::{
    Adapter, GraphEnd, GraphExecutionHook, GraphStart, NodeContext, NodeExecutionHook, NodeOutcome,
    RunId,
};

/// Where the bar is drawn.
#[derive(Clone)]
enum Target {
    /// On stderr, only when it is a terminal.
    Auto,
    /// On stderr, terminal or not.
    Forced,
    /// Into a writer, as plain lines (for logs and tests).
    Writer(Arc<Mutex<dyn Write + Send>>),
}

/// Shows a progress bar per run: one tick per node call outside map/collect blocks, the node
/// being run as the message, and the outcome at the end (Hamilton's `h_tqdm.ProgressBar`).
///
/// [`ProgressBar::new`] draws only when stderr is a terminal (nothing in CI logs or pipes);
/// [`ProgressBar::forced`] draws on stderr anyway; [`ProgressBar::to_writer`] writes plain
/// lines into any writer.
///
/// ```
/// use std::sync::Arc;
/// use hamilton_core::prelude::*;
/// use hamilton_core::hooks::ProgressBar;
///
/// /// The input, doubled.
/// #[node]
/// fn doubled(x: i64) -> i64 { x * 2 }
/// hamilton_core::module!();
///
/// let dr = Driver::builder()
///     .with_modules([MODULE])
///     .with_adapter(Arc::new(ProgressBar::new()))
///     .build()?;
/// dr.execute(&["doubled"], Inputs::new().with("x", 2_i64))?;
/// # Ok::<(), hamilton_core::Error>(())
/// ```
pub struct ProgressBar {
    target: Target,
    bars: Mutex<HashMap<RunId, indicatif::ProgressBar>>,
}

impl fmt::Debug for ProgressBar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match self.target {
            Target::Auto => "stderr if a terminal",
            Target::Forced => "stderr",
            Target::Writer(_) => "writer",
        };
        f.debug_struct("ProgressBar").field("target", &target).finish()
    }
}

impl Default for ProgressBar {
    fn default() -> Self {
        ProgressBar::new()
    }
}

impl ProgressBar {
    /// A bar on stderr, drawn only when stderr is a terminal.
    pub fn new() -> Self {
        ProgressBar { target: Target::Auto, bars: Mutex::new(HashMap::new()) }
    }

    /// A bar on stderr, drawn even when stderr is not a terminal.
    pub fn forced() -> Self {
        ProgressBar { target: Target::Forced, bars: Mutex::new(HashMap::new()) }
    }

    /// A bar written into `writer` as plain lines, one per redraw.
    pub fn to_writer(writer: impl Write + Send + 'static) -> Self {
        let writer: Arc<Mutex<dyn Write + Send>> = Arc::new(Mutex::new(writer));
        ProgressBar { target: Target::Writer(writer), bars: Mutex::new(HashMap::new()) }
    }

    fn draw_target(&self) -> ProgressDrawTarget {
        match &self.target {
            Target::Auto if std::io::stderr().is_terminal() => ProgressDrawTarget::stderr(),
            Target::Auto => ProgressDrawTarget::hidden(),
            Target::Forced => {
                let stderr: Arc<Mutex<dyn Write + Send>> = Arc::new(Mutex::new(std::io::stderr()));
                ProgressDrawTarget::term_like(Box::new(Lines(stderr)))
            }
            Target::Writer(w) => ProgressDrawTarget::term_like(Box::new(Lines(Arc::clone(w)))),
        }
    }

    fn bar(&self, run: RunId) -> Option<indicatif::ProgressBar> {
        self.bars.lock().unwrap_or_else(PoisonError::into_inner).get(&run).cloned()
    }
}

/// A "terminal" that writes each redraw as one plain line: no cursor movement.
#[derive(Clone)]
struct Lines(Arc<Mutex<dyn Write + Send>>);

impl fmt::Debug for Lines {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lines")
    }
}

impl TermLike for Lines {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        writeln!(self.0.lock().unwrap_or_else(PoisonError::into_inner), "{s}")
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        if s.trim().is_empty() {
            return Ok(());
        }
        writeln!(self.0.lock().unwrap_or_else(PoisonError::into_inner), "{}", s.trim_end())
    }
    fn clear_line(&self) -> std::io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).flush()
    }
}

impl GraphExecutionHook for ProgressBar {
    fn before_graph(&self, run: &GraphStart<'_>) {
        let bar =
            indicatif::ProgressBar::with_draw_target(Some(run.steps() as u64), self.draw_target());
        if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(format!("run {}", run.run_id().get()));
        self.bars.lock().unwrap_or_else(PoisonError::into_inner).insert(run.run_id(), bar);
    }

    fn after_graph(&self, run: &GraphEnd<'_>) {
        let bar = self.bars.lock().unwrap_or_else(PoisonError::into_inner).remove(&run.run_id());
        if let Some(bar) = bar {
            if run.success() {
                bar.finish_with_message(format!("done in {:.2?}", run.duration()));
            } else {
                // The bar stays where the run stopped.
                bar.abandon_with_message(format!("failed in {:.2?}", run.duration()));
            }
        }
    }
}

impl NodeExecutionHook for ProgressBar {
    fn before_node(&self, node: &NodeContext<'_>) {
        if let Some(bar) = self.bar(node.run_id()) {
            match node.item() {
                Some(i) => bar.set_message(format!("{}[{i}]", node.name())),
                None => bar.set_message(node.name().to_string()),
            }
        }
    }

    fn after_node(&self, node: &NodeContext<'_>, _: &NodeOutcome<'_>) {
        if node.item().is_none()
            && let Some(bar) = self.bar(node.run_id())
        {
            bar.inc(1);
        }
    }
}

impl Adapter for ProgressBar {
    fn graph_hook(&self) -> Option<&dyn GraphExecutionHook> {
        Some(self)
    }

    fn node_hook(&self) -> Option<&dyn NodeExecutionHook> {
        Some(self)
    }
}
