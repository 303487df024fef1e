//! The parallel executor: the ready steps of a plan run on several threads at once.
//!
//! Shape (DESIGN §7): a step's producer hands its value to each reader in that reader's own
//! argument cell (shared clones of one [`Value`], the last cell getting the original), so no two
//! threads ever lock the same cell at once and no count of remaining readers is needed: the
//! value dies when the last reader has run, as under the sequential executor, and a by-value
//! parameter moves it when no other reader still holds it. An atomic count of unfinished dependencies per step feeds a ready stack: the thread that
//! finishes a step's last dependency makes it ready, keeps one ready step for itself and pushes
//! the others. A thread takes from a long stack in small batches and counts its finished steps
//! in one atomic subtraction per batch, so thousands of tiny nodes do not queue up on one lock;
//! a thread that holds steps while another waits hands them over after its current step.
//!
//! Threads: the calling thread works, and helpers are scoped threads of this one `execute`,
//! spawned only when there is more ready work than threads (a chain never spawns any) and
//! joined before `execute` returns, so no thread outlives a run, whatever happens in it. This
//! deliberately avoids rayon's global pool: polars runs its own rayon pool inside many of its
//! calls, and a node that calls polars from one of our threads simply waits for that pool,
//! without nesting one pool's workers inside another's.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::Scope;

use super::args::{ArgRef, Args, Value};
use super::node::{self, NodeCall, RunId};
use super::plan::Plan;
use super::{outputs, preload};
use crate::error::Error;
use crate::graph::Graph;
use crate::outputs::Outputs;
use crate::values::Inputs;

/// Arguments of up to this many parameters are gathered on the stack.
const INLINE_ARGS: usize = 8;
/// A thread takes `1 / BATCH_DIVISOR` of the shared ready stack at a time (at least one step,
/// at most [`MAX_BATCH`]): one at a time until more than `2 * BATCH_DIVISOR` steps wait.
const BATCH_DIVISOR: usize = 64;
const MAX_BATCH: usize = 8;

/// What one thread holds: ready steps it took, and steps it finished but has not yet counted.
struct Local {
    ready: Vec<u32>,
    finished: usize,
}

/// The dependencies between a plan's steps, computed once per plan.
pub(crate) struct Schedule {
    /// Per step: how many of its arguments other steps compute.
    indegree: Vec<u32>,
    /// Per step: the range of its dependent steps in `users`.
    users_start: Vec<u32>,
    users: Vec<u32>,
    /// Per slot: the range of its readers in `readers` (indices into the plan's arguments).
    readers_start: Vec<u32>,
    readers: Vec<u32>,
    /// Per slot: whether the request asks for it.
    requested: Vec<bool>,
    /// Steps whose arguments are all preloaded, in plan order.
    roots: Vec<u32>,
}

impl Schedule {
    fn of(plan: &Plan) -> Self {
        let mut producer = vec![u32::MAX; plan.slots];
        for (s, step) in plan.steps.iter().enumerate() {
            producer[step.out as usize] = s as u32;
        }
        let mut requested = vec![false; plan.slots];
        for &(slot, _) in &plan.outputs {
            requested[slot as usize] = true;
        }
        let mut readers_start = vec![0u32; plan.slots + 1];
        for arg in plan.args.iter().filter(|a| a.slot != ArgRef::ABSENT) {
            readers_start[arg.slot as usize + 1] += 1;
        }
        for slot in 0..plan.slots {
            readers_start[slot + 1] += readers_start[slot];
        }
        let mut fill = readers_start.clone();
        let mut readers = vec![0u32; readers_start[plan.slots] as usize];
        for (k, arg) in plan.args.iter().enumerate().filter(|(_, a)| a.slot != ArgRef::ABSENT) {
            readers[fill[arg.slot as usize] as usize] = k as u32;
            fill[arg.slot as usize] += 1;
        }
        let mut indegree = vec![0u32; plan.steps.len()];
        let mut users_count = vec![0u32; plan.steps.len() + 1];
        for (s, step) in plan.steps.iter().enumerate() {
            for arg in plan.args_of(step).iter().filter(|a| a.slot != ArgRef::ABSENT) {
                let p = producer[arg.slot as usize];
                if p != u32::MAX {
                    indegree[s] += 1;
                    users_count[p as usize + 1] += 1;
                }
            }
        }
        for s in 0..plan.steps.len() {
            users_count[s + 1] += users_count[s];
        }
        let users_start = users_count;
        let mut fill = users_start.clone();
        let mut users = vec![0u32; users_start[plan.steps.len()] as usize];
        for (s, step) in plan.steps.iter().enumerate() {
            for arg in plan.args_of(step).iter().filter(|a| a.slot != ArgRef::ABSENT) {
                let p = producer[arg.slot as usize];
                if p != u32::MAX {
                    users[fill[p as usize] as usize] = s as u32;
                    fill[p as usize] += 1;
                }
            }
        }
        let roots = (0..plan.steps.len() as u32).filter(|&s| indegree[s as usize] == 0).collect();
        Schedule { indegree, users_start, users, readers_start, readers, requested, roots }
    }

    fn readers_of(&self, slot: u32) -> &[u32] {
        &self.readers[self.readers_start[slot as usize] as usize
            ..self.readers_start[slot as usize + 1] as usize]
    }

    fn users_of(&self, step: u32) -> &[u32] {
        &self.users
            [self.users_start[step as usize] as usize..self.users_start[step as usize + 1] as usize]
    }
}

/// The ready stack and the sleeping workers.
struct Queue {
    ready: Vec<u32>,
    sleeping: usize,
    /// Set when every step ran or the run stopped: workers leave.
    done: bool,
}

/// The state of one parallel run, shared by its threads.
struct Run<'a> {
    graph: &'a Graph,
    plan: &'a Plan,
    schedule: &'a Schedule,
    id: RunId,
    /// Per argument of the plan: the value handed to that one reader, taken when it runs.
    cells: Vec<Mutex<Option<Value>>>,
    /// Per slot: the value, kept only when the request asks for it.
    requested: Vec<Mutex<Option<Value>>>,
    /// Per step: dependencies not yet computed.
    pending: Vec<AtomicU32>,
    /// Steps not yet finished.
    remaining: AtomicUsize,
    queue: Mutex<Queue>,
    wake: Condvar,
    /// Set by the first failure: no step starts after it.
    stop: AtomicBool,
    error: Mutex<Option<Error>>,
    /// Threads waiting for work (mirrors `Queue::sleeping`, read without the lock).
    idle: AtomicUsize,
    /// Helper threads spawned so far, and the most this run may spawn.
    helpers: AtomicUsize,
    max_helpers: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `plan` on up to `threads` threads (the caller's included).
///
/// Inputs and overrides must already have been type-checked against the plan.
pub(crate) fn run(
    graph: &Graph,
    plan: &Plan,
    inputs: Inputs,
    overrides: Inputs,
    threads: usize,
) -> Result<Outputs, Error> {
    let schedule = plan.schedule.get_or_init(|| Schedule::of(plan));
    let mut run = Run {
        graph,
        plan,
        schedule,
        id: RunId::next(),
        cells: (0..plan.args.len()).map(|_| Mutex::new(None)).collect(),
        requested: (0..plan.slots).map(|_| Mutex::new(None)).collect(),
        pending: schedule.indegree.iter().map(|&d| AtomicU32::new(d)).collect(),
        remaining: AtomicUsize::new(plan.steps.len()),
        queue: Mutex::new(Queue { ready: Vec::new(), sleeping: 0, done: plan.steps.is_empty() }),
        wake: Condvar::new(),
        stop: AtomicBool::new(false),
        error: Mutex::new(None),
        idle: AtomicUsize::new(0),
        helpers: AtomicUsize::new(0),
        max_helpers: threads.max(1) - 1,
    };
    preload(graph, plan, inputs, overrides, |slot, value| {
        if let Some(value) = value {
            run.hand_out(slot, value);
        }
    });

    if !plan.steps.is_empty() {
        let run = &run;
        std::thread::scope(|scope| {
            // Reverse plan order on the stack: the first root is popped first.
            let ready: Vec<u32> = schedule.roots.iter().rev().copied().collect();
            let extra = ready.len().saturating_sub(1);
            lock(&run.queue).ready = ready;
            run.spawn_helpers(scope, extra);
            run.work(scope);
        });
    }

    if let Some(error) = run.error.get_mut().unwrap_or_else(PoisonError::into_inner).take() {
        return Err(error);
    }
    let requested = &mut run.requested;
    Ok(outputs(graph, plan, |slot| {
        requested[slot as usize].get_mut().unwrap_or_else(PoisonError::into_inner).clone()
    }))
}

impl<'a> Run<'a> {
    /// Spawns up to `wanted` more helpers, within the run's limit. A thread that cannot be
    /// spawned is no error: the threads already working finish the run.
    fn spawn_helpers<'scope>(&'scope self, scope: &'scope Scope<'scope, '_>, wanted: usize) {
        for _ in 0..wanted {
            let claimed = self.helpers.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |h| {
                (h < self.max_helpers).then_some(h + 1)
            });
            if claimed.is_err() {
                return;
            }
            let spawned = std::thread::Builder::new()
                .name("hamilton-worker".to_string())
                .spawn_scoped(scope, move || self.work(scope));
            if spawned.is_err() {
                return;
            }
        }
    }

    /// Runs ready steps until the run is done or stopped.
    fn work<'scope>(&'scope self, scope: &'scope Scope<'scope, '_>) {
        let mut local = Local { ready: Vec::new(), finished: 0 };
        loop {
            let Some(step) = local.ready.pop() else {
                if !self.count_finished(&mut local) || !self.take_ready(&mut local.ready) {
                    return;
                }
                continue;
            };
            if self.stop.load(Ordering::Relaxed) || !self.run_step(scope, step, &mut local) {
                return;
            }
            local.finished += 1;
            if !local.ready.is_empty() && self.idle.load(Ordering::Relaxed) > 0 {
                // Another thread waits for work: hand over what this one holds.
                self.push(scope, &mut local.ready);
            }
        }
    }

    /// Subtracts this thread's finished steps from the run's remaining ones; `false` when they
    /// were the last ones (the run is then done).
    fn count_finished(&self, local: &mut Local) -> bool {
        let n = std::mem::take(&mut local.finished);
        if n > 0 && self.remaining.fetch_sub(n, Ordering::AcqRel) == n {
            self.finish();
            return false;
        }
        true
    }

    /// Moves ready steps from the shared stack into `mine`, waiting while other threads may
    /// still make some ready; `false` when the run is done. A long stack is taken from in
    /// batches (a few per cent of it at a time), which keeps the lock out of the way of many
    /// small nodes; a short one one step at a time, which keeps the threads balanced.
    fn take_ready(&self, mine: &mut Vec<u32>) -> bool {
        let mut queue = lock(&self.queue);
        loop {
            if queue.done {
                return false;
            }
            let len = queue.ready.len();
            if len > 0 {
                let n = (len / BATCH_DIVISOR).clamp(1, MAX_BATCH);
                mine.extend(queue.ready.drain(len - n..));
                return true;
            }
            queue.sleeping += 1;
            self.idle.fetch_add(1, Ordering::Relaxed);
            queue = self.wake.wait(queue).unwrap_or_else(PoisonError::into_inner);
            self.idle.fetch_sub(1, Ordering::Relaxed);
            queue.sleeping -= 1;
        }
    }

    /// Moves `steps` to the shared stack, wakes sleeping threads for them and starts helpers
    /// when there is more work than threads.
    fn push<'scope>(&'scope self, scope: &'scope Scope<'scope, '_>, steps: &mut Vec<u32>) {
        let pushed = steps.len();
        let sleeping = {
            let mut queue = lock(&self.queue);
            queue.ready.append(steps);
            queue.sleeping
        };
        for _ in 0..pushed.min(sleeping) {
            self.wake.notify_one();
        }
        if pushed > sleeping {
            self.spawn_helpers(scope, pushed - sleeping);
        }
    }

    /// Ends the run for every thread.
    fn finish(&self) {
        lock(&self.queue).done = true;
        self.wake.notify_all();
    }

    /// Gathers the arguments of `s`, runs it, stores its value and makes its dependents ready
    /// (one kept by this thread, the others shared); `false` when the step failed.
    fn run_step<'scope>(
        &'scope self,
        scope: &'scope Scope<'scope, '_>,
        s: u32,
        local: &mut Local,
    ) -> bool {
        let step = &self.plan.steps[s as usize];
        let refs = self.plan.args_of(step);
        let call = NodeCall::of(step, self.id);
        let result = if refs.len() <= INLINE_ARGS {
            let mut values: [Option<Value>; INLINE_ARGS] = Default::default();
            self.gather(step.args, &mut values[..refs.len()]);
            node::run(self.graph, &call, step, &mut Args::gathered(&mut values[..refs.len()]))
        } else {
            let mut values = vec![None; refs.len()];
            self.gather(step.args, &mut values);
            node::run(self.graph, &call, step, &mut Args::gathered(&mut values))
        };
        // The gathered arguments are dropped here: a value whose last consumer this was dies now.
        let value = match result {
            Ok(value) => value,
            Err(error) => {
                let mut first = lock(&self.error);
                if first.is_none() {
                    *first = Some(error);
                }
                drop(first);
                self.stop.store(true, Ordering::Relaxed);
                self.finish();
                return false;
            }
        };
        self.hand_out(step.out, value);

        let mut keep = None;
        let mut share = Vec::new();
        for &user in self.schedule.users_of(s) {
            if self.pending[user as usize].fetch_sub(1, Ordering::AcqRel) == 1 {
                if keep.is_none() {
                    keep = Some(user);
                } else {
                    share.push(user);
                }
            }
        }
        if !share.is_empty() {
            // Reverse order: the first ready dependent is taken first.
            share.reverse();
            self.push(scope, &mut share);
        }
        local.ready.extend(keep);
        true
    }

    /// Gives `value` (of `slot`) to each of its readers, in that reader's own argument cell,
    /// and keeps it when it is requested. The last cell gets the value itself, the others share
    /// it: it dies when the last reader has run, with no count of readers to keep.
    fn hand_out(&self, slot: u32, value: Value) {
        if self.schedule.requested[slot as usize] {
            *lock(&self.requested[slot as usize]) = Some(value.clone());
        }
        if let [rest @ .., last] = self.schedule.readers_of(slot) {
            for &k in rest {
                *lock(&self.cells[k as usize]) = Some(value.clone());
            }
            *lock(&self.cells[*last as usize]) = Some(value);
        }
    }

    /// Takes a step's arguments out of their cells (an absent optional value stays `None`).
    fn gather(&self, args: (u32, u32), values: &mut [Option<Value>]) {
        let cells = &self.cells[args.0 as usize..args.1 as usize];
        for (cell, value) in cells.iter().zip(values) {
            *value = lock(cell).take();
        }
    }
}
