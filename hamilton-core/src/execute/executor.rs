//! The choice of executor: how a driver runs the nodes of a plan.

use super::node::RunId;
use super::plan::Plan;
use super::{parallel, sequential};
use crate::error::Error;
use crate::graph::Graph;
use crate::outputs::Outputs;
use crate::values::Inputs;

/// How a [`Driver`](crate::Driver) runs the nodes of a request, chosen with
/// [`Builder::with_executor`](crate::Builder::with_executor).
///
/// Every executor computes the same outputs from the same plan, frees intermediates after their
/// last consumer, and reports a failing node the same way (see the Execution page of the guide).
///
/// ```
/// use hamilton_core::prelude::*;
/// use hamilton_core::Executor;
///
/// /// The input, doubled.
/// #[node]
/// fn doubled(x: i64) -> i64 { x * 2 }
/// hamilton_core::module!();
///
/// let dr = Driver::builder().with_modules([MODULE]).with_executor(Executor::Sequential).build()?;
/// assert_eq!(dr.executor(), Executor::Sequential);
/// let out = dr.execute(&["doubled"], Inputs::new().with("x", 21_i64))?;
/// assert_eq!(*out.get::<i64>("doubled")?, 42);
/// # Ok::<(), hamilton_core::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Executor {
    /// One node after the other on the calling thread, in the plan's order (the default).
    #[default]
    Sequential,
    /// Ready nodes run at the same time on up to `threads` threads (the calling thread
    /// included); [`Executor::parallel`] uses every available core. Helper threads belong to
    /// one `execute` and are joined before it returns. `threads: 0` is a build error (H030).
    Parallel {
        /// The most threads one `execute` uses, the caller's included.
        threads: usize,
    },
    /// `async fn` nodes are awaited concurrently on the caller's tokio runtime, synchronous
    /// nodes run on its blocking pool (feature `async`). Run such a driver with
    /// [`Driver::execute_async`](crate::Driver::execute_async); `execute` is an error (H041).
    #[cfg(feature = "async")]
    Async,
}

impl Executor {
    /// [`Executor::Parallel`] with one thread per available core (one when that is unknown).
    pub fn parallel() -> Self {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Executor::Parallel { threads }
    }

    /// Whether this executor awaits `async fn` nodes (the others reject them at build, H040).
    pub(crate) fn awaits(self) -> bool {
        #[cfg(feature = "async")]
        if self == Executor::Async {
            return true;
        }
        false
    }

    /// Runs `plan` with this executor, as run `run`.
    pub(crate) fn run(
        self,
        graph: &Graph,
        plan: &Plan,
        inputs: Inputs,
        overrides: Inputs,
        run: RunId,
    ) -> Result<Outputs, Error> {
        match self {
            Executor::Sequential => sequential::run(graph, plan, inputs, overrides, run),
            Executor::Parallel { threads } => {
                parallel::run(graph, plan, inputs, overrides, threads, run)
            }
            #[cfg(feature = "async")]
            Executor::Async => Err(Error::Invalid(crate::error::Problems(vec![
                crate::error::Problem::WrongEntryPoint {
                    executor: "Executor::Async".to_string(),
                    called: "execute",
                    instead: "execute_async",
                },
            ]))),
        }
    }
}
