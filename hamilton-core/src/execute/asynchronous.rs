//! The async executor (feature `async`): runs a plan on the caller's tokio runtime.
//!
//! Every step whose inputs are ready is started at once: the future of an `async fn` node is
//! spawned as a task (so many of them wait on I/O or timers together, on every worker thread of
//! the runtime), and a synchronous node runs on tokio's blocking pool, so a CPU-bound node never
//! stalls the runtime's workers. All of them live in one [`JoinSet`]: on the first failure the
//! async tasks are cancelled, the blocking ones (which cannot be interrupted) are waited for, and
//! only then does the run return its error, so nothing started by a run outlives it.
//!
//! Values are freed as in the other executors: a slot counts the steps that still have to read
//! it, and the step that reads it last takes it (so a by-value parameter moves it when nothing
//! else holds it).

use std::collections::HashMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::task::{Id, JoinSet};

use super::args::{ArgRef, Args, CallResult, Value};
use super::node::{self, NodeCall, RunId};
use super::plan::{Plan, Step};
use super::{outputs, preload};
use crate::driver::Driver;
use crate::error::{Cause, Error, Problem, Problems};
use crate::execute::executor::Executor;
use crate::graph::Graph;
use crate::outputs::Outputs;
use crate::registry::NodeFuture;
use crate::values::{Inputs, Overrides};

/// No step produces this slot: it is preloaded (config, input, override).
const PRELOADED: u32 = u32::MAX;

/// Who waits for whom, derived from the plan's steps and argument slots.
struct Dependencies {
    /// Per slot: how many steps read it.
    readers: Vec<u32>,
    /// Per step: how many of its argument slots are produced by steps that have not finished.
    waiting: Vec<u32>,
    /// CSR: the steps that read the output of step `s` are `users[first[s]..first[s + 1]]`.
    first: Vec<u32>,
    users: Vec<u32>,
    /// Per slot: whether the request asked for it (such a value stays until the end).
    requested: Vec<bool>,
}

impl Dependencies {
    fn of(plan: &Plan) -> Self {
        let mut producer = vec![PRELOADED; plan.slots];
        for (s, step) in plan.steps.iter().enumerate() {
            producer[step.out as usize] = s as u32;
        }
        let mut readers = vec![0u32; plan.slots];
        let mut waiting = vec![0u32; plan.steps.len()];
        let mut first = vec![0u32; plan.steps.len() + 1];
        let argument_slots = |step: &Step| {
            plan.args_of(step).iter().map(|a| a.slot).filter(|&slot| slot != ArgRef::ABSENT)
        };
        for (s, step) in plan.steps.iter().enumerate() {
            for slot in argument_slots(step) {
                readers[slot as usize] += 1;
                let p = producer[slot as usize];
                if p != PRELOADED {
                    waiting[s] += 1;
                    first[p as usize + 1] += 1;
                }
            }
        }
        for s in 0..plan.steps.len() {
            first[s + 1] += first[s];
        }
        let mut users = vec![0u32; first[plan.steps.len()] as usize];
        let mut fill = first.clone();
        for (s, step) in plan.steps.iter().enumerate() {
            for slot in argument_slots(step) {
                let p = producer[slot as usize];
                if p != PRELOADED {
                    users[fill[p as usize] as usize] = s as u32;
                    fill[p as usize] += 1;
                }
            }
        }
        let mut requested = vec![false; plan.slots];
        for &(slot, _) in &plan.outputs {
            requested[slot as usize] = true;
        }
        Dependencies { readers, waiting, first, users, requested }
    }
}

/// Where one run stands: the slots, the dependency counts and the tasks in flight.
struct Run {
    graph: Arc<Graph>,
    plan: Arc<Plan>,
    id: RunId,
    slots: Vec<Option<Value>>,
    deps: Dependencies,
    tasks: JoinSet<(u32, Result<Value, Error>)>,
    /// The step of each task, to name the node should its task end without a result.
    step_of: HashMap<Id, u32>,
}

/// Runs `plan` on the current tokio runtime (the caller checked that there is one).
pub(crate) async fn run(
    graph: Arc<Graph>,
    plan: Arc<Plan>,
    inputs: Inputs,
    overrides: Inputs,
) -> Result<Outputs, Error> {
    let mut slots: Vec<Option<Value>> = vec![None; plan.slots];
    preload(&graph, &plan, inputs, overrides, |slot, value| slots[slot as usize] = value);
    let deps = Dependencies::of(&plan);
    let mut run = Run {
        graph,
        plan,
        id: RunId::next(),
        slots,
        deps,
        tasks: JoinSet::new(),
        step_of: HashMap::new(),
    };
    let result = run.drive().await;
    if result.is_err() {
        run.stop().await;
    }
    result?;
    Ok(outputs(&run.graph, &run.plan, |slot| run.slots[slot as usize].clone()))
}

impl Run {
    /// Starts the steps that wait for nothing, then, as each task ends, stores its value and
    /// starts the steps that were waiting only for it. Returns at the first failure.
    async fn drive(&mut self) -> Result<(), Error> {
        for s in 0..self.plan.steps.len() {
            if self.deps.waiting[s] == 0 {
                self.start(s)?;
            }
        }
        while let Some(joined) = self.tasks.join_next_with_id().await {
            let (s, result) = match joined {
                Ok((id, done)) => {
                    self.step_of.remove(&id);
                    done
                }
                Err(e) => {
                    // Tasks catch their own panics and this run cancels none before it fails,
                    // so this is the runtime shutting down under the run.
                    let s = self.step_of.remove(&e.id()).unwrap_or(0);
                    let step = &self.plan.steps[s as usize];
                    let call = NodeCall::of(step, self.id);
                    let cause = format!("its task ended without a result: {e}");
                    return Err(node::failure(&self.graph, &call, Cause::Returned(cause.into())));
                }
            };
            let value = result?;
            let s = s as usize;
            let out = self.plan.steps[s].out;
            self.slots[out as usize] = Some(value);
            for k in self.deps.first[s]..self.deps.first[s + 1] {
                let user = self.deps.users[k as usize] as usize;
                self.deps.waiting[user] -= 1;
                if self.deps.waiting[user] == 0 {
                    self.start(user)?;
                }
            }
        }
        Ok(())
    }

    /// Starts step `s`: gathers its arguments, then spawns its future (async node) or its call on
    /// the blocking pool (sync node).
    fn start(&mut self, s: usize) -> Result<(), Error> {
        let mut gathered = self.gather(s);
        let plan = Arc::clone(&self.plan);
        let step = &plan.steps[s];
        let call = NodeCall::of(step, self.id);
        let s = s as u32;
        let handle = if step.call.is_async() {
            // The shim only moves the arguments into the future; the node's own code runs when
            // the task polls it.
            let started = catch_unwind(AssertUnwindSafe(|| {
                step.call.start(&mut Args::gathered(&mut gathered))
            }));
            let future = match started {
                Ok(Some(future)) => future,
                Ok(None) => {
                    let cause = "a synchronous node was started as async".into();
                    return Err(node::failure(&self.graph, &call, Cause::Returned(cause)));
                }
                Err(payload) => {
                    let cause = Cause::Panicked(node::panic_message(&*payload));
                    return Err(node::failure(&self.graph, &call, cause));
                }
            };
            let graph = Arc::clone(&self.graph);
            self.tasks.spawn(async move {
                let result = CatchUnwind(future).await;
                (s, settle(&graph, &call, &plan.steps[s as usize], result))
            })
        } else {
            let graph = Arc::clone(&self.graph);
            self.tasks.spawn_blocking(move || {
                let step = &plan.steps[s as usize];
                (s, node::run(&graph, &call, step, &mut Args::gathered(&mut gathered)))
            })
        };
        self.step_of.insert(handle.id(), s);
        Ok(())
    }

    /// Takes step `s`'s arguments out of the slots: a clone of each value, except that the last
    /// reader of a value that was not requested takes the value itself.
    fn gather(&mut self, s: usize) -> Vec<Option<Value>> {
        let refs = self.plan.args_of(&self.plan.steps[s]);
        let mut values = Vec::with_capacity(refs.len());
        for r in refs {
            if r.slot == ArgRef::ABSENT {
                values.push(None);
                continue;
            }
            let slot = r.slot as usize;
            self.deps.readers[slot] -= 1;
            let last = self.deps.readers[slot] == 0 && !self.deps.requested[slot];
            values.push(if last { self.slots[slot].take() } else { self.slots[slot].clone() });
        }
        values
    }

    /// After a failure: cancels the async tasks and waits for every task to end (blocking ones
    /// cannot be interrupted and finish their call), so none outlives the run.
    async fn stop(&mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
        self.step_of.clear();
    }
}

/// The value of an awaited async call, or the error naming its node: the same outcomes as
/// [`node::run`] gives a synchronous call (H013, H014, H020, and the declared-type check of
/// nodes made at run time).
fn settle(
    graph: &Graph,
    call: &NodeCall,
    step: &Step,
    result: std::thread::Result<CallResult>,
) -> Result<Value, Error> {
    match result {
        Ok(Ok(value)) => {
            if step.declared.is_some_and(|id| id != value.type_id_of_value()) {
                let declared = (graph.node(call.node).ty.name)();
                let cause = format!("returned a value that is not its declared {declared}");
                return Err(node::failure(graph, call, Cause::Returned(cause.into())));
            }
            Ok(value)
        }
        Ok(Err(e)) => Err(node::failure(graph, call, node::cause_of(e))),
        Err(payload) => {
            Err(node::failure(graph, call, Cause::Panicked(node::panic_message(&*payload))))
        }
    }
}

/// Polls a node's future under `catch_unwind`, so a panic inside it becomes that node's H014
/// error instead of tearing down the task.
struct CatchUnwind(NodeFuture);

impl Future for CatchUnwind {
    type Output = std::thread::Result<CallResult>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let future = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => Poll::Ready(Ok(result)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

impl Driver {
    /// Computes `outputs` from `inputs` with the async executor: `async fn` nodes are awaited
    /// concurrently, synchronous nodes run on tokio's blocking pool. The driver must be built with
    /// [`Executor::Async`](crate::Executor::Async) (otherwise H041), and the future awaited
    /// inside a tokio runtime (otherwise H042).
    ///
    /// Inputs are checked exactly as by [`execute`](Driver::execute) before any node runs. On
    /// the first failing node the other async nodes are cancelled, the running synchronous
    /// ones are waited for, and the error names the failing node (H013, H014, H020).
    ///
    /// ```
    /// use hamilton_core::prelude::*;
    /// use hamilton_core::Executor;
    ///
    /// /// A value fetched from somewhere slow.
    /// #[node]
    /// async fn fetched(key: &str) -> String {
    ///     tokio::task::yield_now().await;
    ///     format!("value of {key}")
    /// }
    ///
    /// /// Its length: a synchronous node, run on the blocking pool.
    /// #[node]
    /// fn length(fetched: &str) -> usize {
    ///     fetched.len()
    /// }
    /// hamilton_core::module!();
    ///
    /// # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// # runtime.block_on(async {
    /// let dr = Driver::builder().with_modules([MODULE]).with_executor(Executor::Async).build()?;
    /// let out = dr.execute_async(&["length"], Inputs::new().with("key", "k".to_string())).await?;
    /// assert_eq!(*out.get::<usize>("length")?, 10);
    /// # Ok::<(), hamilton_core::Error>(())
    /// # })?;
    /// # Ok::<(), hamilton_core::Error>(())
    /// ```
    pub async fn execute_async<S: AsRef<str>>(
        &self,
        outputs: &[S],
        inputs: Inputs,
    ) -> Result<Outputs, Error> {
        self.execute_with_async(outputs, inputs, Overrides::new()).await
    }

    /// Like [`execute_async`](Driver::execute_async), with overrides: values that replace any
    /// node, whose upstream then does not run.
    pub async fn execute_with_async<S: AsRef<str>>(
        &self,
        outputs: &[S],
        inputs: Inputs,
        overrides: Overrides,
    ) -> Result<Outputs, Error> {
        if self.executor() != Executor::Async {
            let problem = Problem::WrongEntryPoint {
                executor: format!("Executor::{:?}", self.executor()),
                called: "execute_async",
                instead: "execute",
            };
            return Err(Error::Invalid(Problems(vec![problem])));
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Invalid(Problems(vec![Problem::NoAsyncRuntime])));
        }
        let plan = self.prepare(outputs, &inputs, &overrides)?;
        run(Arc::clone(&self.graph), plan, inputs, overrides).await
    }
}
