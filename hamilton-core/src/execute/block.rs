//! Running a map/collect block: a sub-plan instantiated once per item, with its own slots.
//!
//! In the outer plan a block is one step (see [`plan`](super::plan)): its arguments are the
//! expand node's value and the outer values the block reads; its value is the gathered per-item
//! values of every collected node. Executors run it like any other step. Inside, items run one
//! after the other on reused slots, or, with more than one thread, in chunks on scoped threads
//! that are joined before the step returns.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::args::{ArgRef, Args, NodeError, Value};
use super::node::{self, NodeCall};
use super::plan::Step;
use crate::error::{Cause, Error};
use crate::graph::Graph;
use crate::map::{ExpandSpec, Gathered};
use crate::registry::Call;

/// The sub-plan of one block. Local slot 0 holds the item, slots `1..=outer` the outer values
/// (never moved out or released: every item reads them), then one slot per block node. Its
/// steps are ordinary plan steps over the local slots, run through [`node::run`] with the item
/// index.
pub(crate) struct BlockPlan {
    pub(crate) expand: ExpandSpec,
    /// The expand node's graph index.
    pub(crate) expand_node: u32,
    pub(crate) slots: usize,
    pub(crate) outer: usize,
    pub(crate) steps: Vec<Step>,
    pub(crate) args: Vec<ArgRef>,
    pub(crate) release: Vec<u32>,
    /// The local slots gathered after each item, one list each, in this order.
    pub(crate) gathered: Vec<u32>,
    /// The most threads the items may use (1: on the calling thread).
    pub(crate) threads: usize,
}

/// The value of a block step that gathers more than one node: one list each, taken by the
/// plan's pick steps.
pub(crate) struct GatheredLists(Vec<Mutex<Vec<Value>>>);

/// The call of a block step. [`node::run`] runs a step with a block through [`run`] instead, so
/// this function is only reached if a step is invoked outside the seam.
pub(crate) fn outside_the_seam(_: &mut Args<'_>) -> Result<Value, NodeError> {
    Err(NodeError::Failed("a map/collect block runs through its executor's node seam".into()))
}

/// The call of the pick step that takes list `k` out of a block step's [`GatheredLists`].
pub(crate) fn pick_call(k: usize) -> Call {
    Call::Dynamic(Arc::new(move |args: &mut Args<'_>| {
        let lists = args.get::<GatheredLists>(0)?;
        let mut list = lists.0[k].lock().unwrap_or_else(PoisonError::into_inner);
        Ok(Value::new(Gathered(std::mem::take(&mut *list))))
    }))
}

/// Runs a block step: `args` are the expand node's value, then the outer values. The value is
/// the gathered list (a `Gathered`), or one list per gathered node (`GatheredLists`).
pub(crate) fn run(
    graph: &Graph,
    call: &NodeCall,
    plan: &BlockPlan,
    args: &mut Args<'_>,
) -> Result<Value, Error> {
    let value = args.value_opt(0);
    let items =
        value.ok_or(()).and_then(|v| (plan.expand.split)(v).map_err(|_| ())).map_err(|()| {
            let cause = Cause::Returned(
                format!(
                    "its value is neither a Parallelizable<{item}> nor a Vec<{item}> (an override \
                 list must not be shared with a copy of the overrides)",
                    item = plan.expand.item.display_name(),
                )
                .into(),
            );
            node::failure(graph, &NodeCall { node: plan.expand_node, ..*call }, cause)
        })?;
    let outer: Vec<Option<Value>> = (1..=plan.outer).map(|k| args.value_opt(k)).collect();
    let mut lists = if plan.threads > 1 && items.len() > 1 {
        run_parallel(graph, call, plan, &outer, items)?
    } else {
        let mut lists: Vec<Vec<Value>> =
            plan.gathered.iter().map(|_| Vec::with_capacity(items.len())).collect();
        run_items(graph, call, plan, &outer, 0, items, &mut lists)?;
        lists
    };
    Ok(if lists.len() == 1 {
        Value::new(Gathered(lists.pop().unwrap_or_default()))
    } else {
        Value::new(GatheredLists(lists.into_iter().map(Mutex::new).collect()))
    })
}

/// Runs the block for `items` (numbered from `first`), appending the gathered values to `lists`.
fn run_items(
    graph: &Graph,
    call: &NodeCall,
    plan: &BlockPlan,
    outer: &[Option<Value>],
    first: usize,
    items: Vec<Value>,
    lists: &mut [Vec<Value>],
) -> Result<(), Error> {
    let mut local: Vec<Option<Value>> = vec![None; plan.slots];
    local[1..=plan.outer].clone_from_slice(outer);
    for (i, item) in items.into_iter().enumerate() {
        let index = first + i;
        local[0] = Some(item);
        for step in &plan.steps {
            let refs = &plan.args[step.args.0 as usize..step.args.1 as usize];
            let inner = NodeCall { node: step.node, run: call.run, item: Some(index) };
            let value = node::run(graph, &inner, step, &mut Args::new(&mut local, refs))?;
            local[step.out as usize] = Some(value);
            for &dead in &plan.release[step.release.0 as usize..step.release.1 as usize] {
                local[dead as usize] = None;
            }
        }
        for (list, &slot) in lists.iter_mut().zip(&plan.gathered) {
            match local[slot as usize].take() {
                Some(value) => list.push(value),
                // Every gathered slot is the item or a block node that just ran.
                None => {
                    let cause = Cause::Returned("a gathered value is missing".into());
                    let at = NodeCall { node: plan.expand_node, run: call.run, item: Some(index) };
                    return Err(node::failure(graph, &at, cause));
                }
            }
        }
    }
    Ok(())
}

/// Runs the items in chunks on up to `plan.threads` threads (the caller's included). After a
/// failure no new chunk starts; the failure of the lowest item index is returned.
fn run_parallel(
    graph: &Graph,
    call: &NodeCall,
    plan: &BlockPlan,
    outer: &[Option<Value>],
    items: Vec<Value>,
) -> Result<Vec<Vec<Value>>, Error> {
    let n = items.len();
    let workers = plan.threads.min(n);
    let chunk = (n / (workers * 8)).max(1);
    let mut chunks: Vec<Mutex<Vec<Value>>> = Vec::with_capacity(n.div_ceil(chunk));
    let mut items = items.into_iter();
    loop {
        let part: Vec<Value> = items.by_ref().take(chunk).collect();
        if part.is_empty() {
            break;
        }
        chunks.push(Mutex::new(part));
    }
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    type Done = Vec<(usize, Vec<Vec<Value>>)>;
    let work = || -> Result<Done, Error> {
        let mut done = Vec::new();
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= chunks.len() || stop.load(Ordering::Relaxed) {
                return Ok(done);
            }
            let part =
                std::mem::take(&mut *chunks[c].lock().unwrap_or_else(PoisonError::into_inner));
            let mut lists: Vec<Vec<Value>> =
                plan.gathered.iter().map(|_| Vec::with_capacity(part.len())).collect();
            if let Err(failure) = run_items(graph, call, plan, outer, c * chunk, part, &mut lists) {
                stop.store(true, Ordering::Relaxed);
                return Err(failure);
            }
            done.push((c, lists));
        }
    };
    let results: Vec<Result<Done, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
        let mut results = vec![work()];
        // `node::run` catches every panic of a node, so a worker does not panic.
        results.extend(handles.into_iter().filter_map(|h| h.join().ok()));
        results
    });
    let mut done: Done = Vec::with_capacity(chunks.len());
    let mut failure: Option<Error> = None;
    for result in results {
        match result {
            Ok(d) => done.extend(d),
            Err(f) => {
                if failure.as_ref().is_none_or(|g| item_of(&f) < item_of(g)) {
                    failure = Some(f);
                }
            }
        }
    }
    if let Some(f) = failure {
        return Err(f);
    }
    done.sort_unstable_by_key(|(c, _)| *c);
    let mut lists: Vec<Vec<Value>> = plan.gathered.iter().map(|_| Vec::with_capacity(n)).collect();
    for (_, part) in done {
        for (list, values) in lists.iter_mut().zip(part) {
            list.extend(values);
        }
    }
    Ok(lists)
}

/// The item index a failure names (failures outside items come first).
fn item_of(error: &Error) -> Option<usize> {
    match error {
        Error::NodeFailed(failure) => failure.item,
        _ => None,
    }
}
