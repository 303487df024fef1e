//! Running a map/collect block: a sub-plan instantiated once per item, with its own slots.
//!
//! In the outer plan a block is one step (see [`plan`](super::plan)): its arguments are the
//! expand node's value and the outer values the block reads; its value is the gathered per-item
//! values of every collected node. Executors run it like any other step. Inside, items run one
//! after the other on reused slots, or, with more than one thread, in chunks on scoped threads
//! that are joined before the step returns.

use std::any::TypeId;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::args::{ArgRef, Args, NodeError, Value};
use super::sequential::panic_message;
use crate::error::{Cause, NodeFailure, Site};
use crate::map::{ExpandSpec, Gathered};
use crate::registry::Call;

/// One node call of a block, on the block's local slots.
pub(crate) struct InnerStep {
    pub(crate) call: Call,
    /// For nodes made at run time: the declared output type and its name.
    pub(crate) declared: Option<(TypeId, fn() -> &'static str)>,
    pub(crate) out: u32,
    /// Range into [`BlockPlan::args`].
    pub(crate) args: (u32, u32),
    /// Range into [`BlockPlan::release`].
    pub(crate) release: (u32, u32),
    pub(crate) site: Site,
}

/// The sub-plan of one block. Local slot 0 holds the item, slots `1..=outer` the outer values
/// (never moved out or released: every item reads them), then one slot per block node.
pub(crate) struct BlockPlan {
    pub(crate) expand: ExpandSpec,
    pub(crate) expand_site: Site,
    pub(crate) slots: usize,
    pub(crate) outer: usize,
    pub(crate) steps: Vec<InnerStep>,
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

/// The call of a block step: arguments are the expand node's value, then the outer values.
pub(crate) fn block_call(plan: BlockPlan) -> Call {
    let plan = Arc::new(plan);
    Call::Dynamic(Arc::new(move |args: &mut Args<'_>| run(&plan, args)))
}

/// The call of the pick step that takes list `k` out of a block step's [`GatheredLists`].
pub(crate) fn pick_call(k: usize) -> Call {
    Call::Dynamic(Arc::new(move |args: &mut Args<'_>| {
        let lists = args.get::<GatheredLists>(0)?;
        let mut list = lists.0[k].lock().unwrap_or_else(PoisonError::into_inner);
        Ok(Value::new(Gathered(std::mem::take(&mut *list))))
    }))
}

fn run(plan: &BlockPlan, args: &mut Args<'_>) -> Result<Value, NodeError> {
    let value = args.value(0)?;
    let items = (plan.expand.split)(value).map_err(|_| {
        NodeError::Failed(
            format!(
                "the value of expand node `{}` is neither a Parallelizable<{item}> nor a \
                 Vec<{item}> (an override list must not be shared with a copy of the overrides)",
                plan.expand_site.node,
                item = plan.expand.item.display_name(),
            )
            .into(),
        )
    })?;
    let outer: Vec<Option<Value>> = (1..=plan.outer).map(|k| args.value_opt(k)).collect();
    let mut lists = if plan.threads > 1 && items.len() > 1 {
        run_parallel(plan, &outer, items)
    } else {
        let mut lists: Vec<Vec<Value>> =
            plan.gathered.iter().map(|_| Vec::with_capacity(items.len())).collect();
        run_items(plan, &outer, 0, items, &mut lists).map(|()| lists)
    }
    .map_err(NodeError::Item)?;
    Ok(if lists.len() == 1 {
        Value::new(Gathered(lists.pop().unwrap_or_default()))
    } else {
        Value::new(GatheredLists(lists.into_iter().map(Mutex::new).collect()))
    })
}

/// Runs the block for `items` (numbered from `first`), appending the gathered values to `lists`.
fn run_items(
    plan: &BlockPlan,
    outer: &[Option<Value>],
    first: usize,
    items: Vec<Value>,
    lists: &mut [Vec<Value>],
) -> Result<(), Box<NodeFailure>> {
    let mut local: Vec<Option<Value>> = vec![None; plan.slots];
    local[1..=plan.outer].clone_from_slice(outer);
    for (i, item) in items.into_iter().enumerate() {
        let index = first + i;
        local[0] = Some(item);
        for step in &plan.steps {
            let refs = &plan.args[step.args.0 as usize..step.args.1 as usize];
            let mut args = Args::new(&mut local, refs);
            let cause = match catch_unwind(AssertUnwindSafe(|| step.call.invoke(&mut args))) {
                Ok(Ok(value)) => match step.declared {
                    Some((id, name)) if id != value.type_id_of_value() => Cause::Returned(
                        format!("returned a value that is not its declared {}", name()).into(),
                    ),
                    _ => {
                        local[step.out as usize] = Some(value);
                        for &dead in &plan.release[step.release.0 as usize..step.release.1 as usize]
                        {
                            local[dead as usize] = None;
                        }
                        continue;
                    }
                },
                Ok(Err(NodeError::Failed(e))) => Cause::Returned(e),
                Ok(Err(NodeError::Validation(failed))) => Cause::Validation(failed),
                Ok(Err(NodeError::Item(inner))) => return Err(inner),
                Ok(Err(other)) => Cause::Returned(other.to_string().into()),
                Err(payload) => Cause::Panicked(panic_message(&*payload)),
            };
            return Err(Box::new(NodeFailure {
                site: step.site.clone(),
                cause,
                item: Some(index),
            }));
        }
        for (list, &slot) in lists.iter_mut().zip(&plan.gathered) {
            match local[slot as usize].take() {
                Some(value) => list.push(value),
                // Every gathered slot is the item or a block node that just ran.
                None => {
                    let cause = Cause::Returned("a gathered value is missing".into());
                    let site = plan.expand_site.clone();
                    return Err(Box::new(NodeFailure { site, cause, item: Some(index) }));
                }
            }
        }
    }
    Ok(())
}

/// Runs the items in chunks on up to `plan.threads` threads (the caller's included). After a
/// failure no new chunk starts; the failure of the lowest item index is returned.
fn run_parallel(
    plan: &BlockPlan,
    outer: &[Option<Value>],
    items: Vec<Value>,
) -> Result<Vec<Vec<Value>>, Box<NodeFailure>> {
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
    let work = || -> Result<Done, Box<NodeFailure>> {
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
            if let Err(failure) = run_items(plan, outer, c * chunk, part, &mut lists) {
                stop.store(true, Ordering::Relaxed);
                return Err(failure);
            }
            done.push((c, lists));
        }
    };
    let results: Vec<Result<Done, Box<NodeFailure>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..workers).map(|_| s.spawn(work)).collect();
        let mut results = vec![work()];
        // `run_items` catches every panic of a node, so a worker does not panic.
        results.extend(handles.into_iter().filter_map(|h| h.join().ok()));
        results
    });
    let mut done: Done = Vec::with_capacity(chunks.len());
    let mut failure: Option<Box<NodeFailure>> = None;
    for result in results {
        match result {
            Ok(d) => done.extend(d),
            Err(f) => {
                if failure.as_ref().is_none_or(|g| f.item < g.item) {
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
