//! Dynamic map/collect: `Parallelizable<T>` expands, the block runs once per item, `Collect<T>`
//! gathers in item order; block shapes that cannot work are build errors naming the functions.

use hamilton_core::prelude::*;
use hamilton_core::{Error, Overrides};

use crate::at;

const SRC: &str = include_str!("map_collect.rs");

/// The executors every behaviour is checked under: sequential, and parallel on 2 and 4 threads
/// (items are the parallel executor's unit of work).
fn drivers(module: hamilton_core::ModuleRef) -> Vec<Driver> {
    let executors = [
        Executor::Sequential,
        Executor::Parallel { threads: 2 },
        Executor::Parallel { threads: 4 },
    ];
    executors
        .into_iter()
        .map(|e| Driver::builder().with_modules([module]).with_executor(e).build().unwrap())
        .collect()
}

fn build_error(module: hamilton_core::ModuleRef) -> Error {
    Driver::builder().with_modules([module]).build().unwrap_err()
}

mod squares {
    use hamilton_core::prelude::*;

    /// One item per number from 1 to `count`.
    #[node]
    fn number(count: &u64) -> Parallelizable<u64> {
        (1..=*count).collect()
    }

    /// Per item.
    #[node]
    fn sq(number: &u64) -> u64 {
        number * number
    }

    /// Per item, taking the item's square by value.
    #[node]
    fn plus(sq: u64) -> u64 {
        sq + 1
    }

    /// Gathers every item's `plus`.
    #[node]
    fn total(plus: Collect<u64>) -> u64 {
        plus.into_iter().sum()
    }

    /// The same values, in item order.
    #[node]
    fn listed(plus: Collect<u64>) -> Vec<u64> {
        plus.into_vec()
    }

    /// A collect that also takes an ordinary input.
    #[node]
    fn scaled_total(plus: Collect<u64>, factor: &u64) -> u64 {
        plus.iter().sum::<u64>() * factor
    }

    /// Collects the items themselves (the expand node feeds the collect directly).
    #[node]
    fn numbers(number: Collect<u64>) -> Vec<u64> {
        number.into_vec()
    }

    /// Collects two block nodes at once.
    #[node]
    fn pairs(sq: Collect<u64>, plus: Collect<u64>) -> Vec<(u64, u64)> {
        sq.into_iter().zip(plus).collect()
    }

    hamilton_core::module!();
}

fn plain_loop(count: u64) -> (u64, Vec<u64>) {
    let listed: Vec<u64> = (1..=count).map(|n| n * n + 1).collect();
    (listed.iter().sum(), listed)
}

#[test]
fn map_reduce_over_items_equals_the_plain_loop() {
    for dr in drivers(squares::MODULE) {
        for count in [1_u64, 2, 7, 100, 1000] {
            let out = dr.execute(&["total", "listed"], Inputs::new().with("count", count)).unwrap();
            let (total, listed) = plain_loop(count);
            assert_eq!(*out.get::<u64>("total").unwrap(), total);
            assert_eq!(out.get::<Vec<u64>>("listed").unwrap(), &listed);
        }
    }
}

#[test]
fn a_zero_length_expansion_gives_empty_collections() {
    for dr in drivers(squares::MODULE) {
        let request = ["total", "listed", "numbers", "pairs"];
        let out = dr.execute(&request, Inputs::new().with("count", 0_u64)).unwrap();
        assert_eq!(*out.get::<u64>("total").unwrap(), 0);
        assert!(out.get::<Vec<u64>>("listed").unwrap().is_empty());
        assert!(out.get::<Vec<u64>>("numbers").unwrap().is_empty());
        assert!(out.get::<Vec<(u64, u64)>>("pairs").unwrap().is_empty());
    }
}

#[test]
fn overriding_the_expand_node_with_a_list_runs_the_block_over_it() {
    for dr in drivers(squares::MODULE) {
        // No `count`: the expand node's upstream is not needed.
        let overrides = Overrides::new().with("number", vec![1_u64, 2, 3]);
        let out = dr.execute_with(&["total", "numbers"], Inputs::new(), overrides).unwrap();
        assert_eq!(*out.get::<u64>("total").unwrap(), 2 + 5 + 10);
        assert_eq!(out.get::<Vec<u64>>("numbers").unwrap(), &vec![1, 2, 3]);
        // A Parallelizable works as well.
        let overrides = Overrides::new().with("number", Parallelizable::new([4_u64]));
        let out = dr.execute_with(&["total"], Inputs::new(), overrides).unwrap();
        assert_eq!(*out.get::<u64>("total").unwrap(), 17);
    }
}

#[test]
fn overriding_the_collect_node_prunes_the_block() {
    for dr in drivers(squares::MODULE) {
        let overrides = Overrides::new().with("total", 5_u64);
        let out = dr.execute_with(&["total"], Inputs::new(), overrides).unwrap();
        assert_eq!(*out.get::<u64>("total").unwrap(), 5);
    }
}

#[test]
fn a_collect_may_take_an_ordinary_input_too() {
    for dr in drivers(squares::MODULE) {
        let inputs = Inputs::new().with("count", 3_u64).with("factor", 10_u64);
        let out = dr.execute(&["scaled_total"], inputs).unwrap();
        assert_eq!(*out.get::<u64>("scaled_total").unwrap(), 170);
    }
}

#[test]
fn a_parallelizable_feeding_a_collect_directly_collects_the_items() {
    for dr in drivers(squares::MODULE) {
        let out = dr.execute(&["numbers"], Inputs::new().with("count", 4_u64)).unwrap();
        assert_eq!(out.get::<Vec<u64>>("numbers").unwrap(), &vec![1, 2, 3, 4]);
    }
}

#[test]
fn several_collects_of_one_block_run_the_block_once() {
    for dr in drivers(squares::MODULE) {
        let request = ["pairs", "total", "numbers"];
        let out = dr.execute(&request, Inputs::new().with("count", 3_u64)).unwrap();
        assert_eq!(out.get::<Vec<(u64, u64)>>("pairs").unwrap(), &vec![(1, 2), (4, 5), (9, 10)]);
        assert_eq!(*out.get::<u64>("total").unwrap(), 17);
        assert_eq!(out.get::<Vec<u64>>("numbers").unwrap(), &vec![1, 2, 3]);
    }
}

#[test]
fn the_expand_node_itself_can_be_requested() {
    for dr in drivers(squares::MODULE) {
        let out = dr.execute(&["number", "total"], Inputs::new().with("count", 3_u64)).unwrap();
        let items: Vec<u64> =
            out.get::<Parallelizable<u64>>("number").unwrap().iter().copied().collect();
        assert_eq!(items, vec![1, 2, 3]);
        assert_eq!(*out.get::<u64>("total").unwrap(), 17);
    }
}

mod with_outer {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use hamilton_core::prelude::*;

    pub(super) static OFFSET_RUNS: AtomicUsize = AtomicUsize::new(0);

    #[node]
    fn word(text: &str) -> Parallelizable<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    /// Outside the block: runs once.
    #[node]
    fn offset(base: &usize) -> usize {
        OFFSET_RUNS.fetch_add(1, Ordering::SeqCst);
        base * 100
    }

    /// A block node taking an ordinary value from outside the block.
    #[node]
    fn score(word: &str, offset: &usize) -> usize {
        word.len() + offset
    }

    #[node]
    fn scores(score: Collect<usize>) -> Vec<usize> {
        score.into_vec()
    }

    hamilton_core::module!();
}

#[test]
fn block_nodes_take_ordinary_values_computed_once_outside_the_block() {
    for dr in drivers(with_outer::MODULE) {
        let before = with_outer::OFFSET_RUNS.load(std::sync::atomic::Ordering::SeqCst);
        let inputs = Inputs::new().with("text", "a bb ccc".to_string()).with("base", 1_usize);
        let out = dr.execute(&["scores"], inputs).unwrap();
        assert_eq!(out.get::<Vec<usize>>("scores").unwrap(), &vec![101, 102, 103]);
        let after = with_outer::OFFSET_RUNS.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(after - before, 1);
    }
}

mod failing {
    use hamilton_core::prelude::*;

    #[node]
    fn number(count: &u64) -> Parallelizable<u64> {
        (0..*count).collect()
    }

    #[node]
    fn checked(number: &u64) -> Result<u64, String> {
        if *number == 2 { Err(format!("{number} is not allowed")) } else { Ok(*number) }
    }

    #[node]
    fn fragile(checked: &u64) -> u64 {
        assert!(*checked != 4, "four is unlucky");
        *checked
    }

    #[node]
    fn total(fragile: Collect<u64>) -> u64 {
        fragile.into_iter().sum()
    }

    hamilton_core::module!();
}

#[test]
fn a_failing_item_names_the_node_and_the_item_index() {
    for dr in drivers(failing::MODULE) {
        let err = dr.execute(&["total"], Inputs::new().with("count", 10_u64)).unwrap_err();
        assert_eq!(err.codes(), vec!["H013"]);
        let site = at(SRC, "map_collect.rs", "fn checked(number: &u64)", 0);
        assert_eq!(
            err.to_string(),
            format!(
                "error[H013]: node `checked` (fn checked at {site}) failed on item 2 (counted \
                 from 0): 2 is not allowed"
            )
        );
        // The driver stays usable.
        let out = dr.execute(&["total"], Inputs::new().with("count", 2_u64)).unwrap();
        assert_eq!(*out.get::<u64>("total").unwrap(), 1);
    }
}

#[test]
fn a_panicking_item_names_the_node_and_the_item_index() {
    for dr in drivers(failing::MODULE) {
        let overrides = Overrides::new().with("number", vec![0_u64, 1, 3, 4, 5]);
        let err = dr.execute_with(&["total"], Inputs::new(), overrides).unwrap_err();
        assert_eq!(err.codes(), vec!["H014"]);
        let site = at(SRC, "map_collect.rs", "fn fragile(checked: &u64)", 0);
        assert_eq!(
            err.to_string(),
            format!(
                "error[H014]: node `fragile` (fn fragile at {site}) panicked on item 3 (counted \
                 from 0): four is unlucky"
            )
        );
    }
}

#[test]
fn block_nodes_cannot_be_requested_or_overridden() {
    let dr = Driver::builder().with_modules([squares::MODULE]).build().unwrap();
    let err = dr.execute(&["sq", "total"], Inputs::new().with("count", 3_u64)).unwrap_err();
    assert_eq!(err.codes(), vec!["H038"]);
    let sq = at(SRC, "map_collect.rs", "fn sq(number: &u64)", 0);
    let number = at(SRC, "map_collect.rs", "fn number(count: &u64)", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H038]: node `sq` (fn sq at {sq}) runs once per item of \
             `number` and cannot be requested as an output\n  expand: fn number at {number}\n  \
             help: request or override the node that collects it, or the expand node `number` \
             (an override takes a Vec of items)"
        )
    );
    let overrides = Overrides::new().with("plus", 1_u64);
    let err = dr
        .validate_execution(&["total"], &Inputs::new().with("count", 3_u64), &overrides)
        .unwrap_err();
    assert_eq!(err.codes(), vec!["H038"]);
    assert!(err.to_string().contains("runs once per item of `number` and cannot be overridden"));
}

mod nested {
    use hamilton_core::prelude::*;

    #[node]
    fn row(rows: &u64) -> Parallelizable<u64> {
        (0..*rows).collect()
    }

    #[node]
    fn cell(row: &u64) -> Parallelizable<u64> {
        (0..*row).collect()
    }

    #[node]
    fn value(cell: &u64) -> u64 {
        *cell
    }

    #[node]
    fn values(value: Collect<u64>) -> Vec<u64> {
        value.into_vec()
    }

    hamilton_core::module!();
}

#[test]
fn nested_blocks_are_rejected_naming_both_expand_nodes() {
    let err = build_error(nested::MODULE);
    assert_eq!(err.codes(), vec!["H035"]);
    let cell = at(SRC, "map_collect.rs", "fn cell(row: &u64)", 0);
    let row = at(SRC, "map_collect.rs", "fn row(rows: &u64)", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H035]: map/collect blocks cannot nest: `cell` returns \
             Parallelizable but depends per item on `row`, so it would expand once per item of \
             `row`\n  inner expand: fn cell at {cell}\n  outer expand: fn row at {row}\n  \
             help: collect the outer block first and expand the collected values, or expand \
             over pairs in one node"
        )
    );
}

mod two_blocks {
    use hamilton_core::prelude::*;

    #[node]
    fn left(n: &u64) -> Parallelizable<u64> {
        (0..*n).collect()
    }

    #[node]
    fn right(n: &u64) -> Parallelizable<u64> {
        (0..*n).collect()
    }

    #[node]
    fn both(left: &u64, right: &u64) -> u64 {
        left + right
    }

    #[node]
    fn sums(both: Collect<u64>) -> Vec<u64> {
        both.into_vec()
    }

    hamilton_core::module!();
}

#[test]
fn a_node_depending_on_two_blocks_is_rejected() {
    let err = build_error(two_blocks::MODULE);
    assert_eq!(err.codes(), vec!["H036"]);
    let both = at(SRC, "map_collect.rs", "fn both(left: &u64", 0);
    let left = at(SRC, "map_collect.rs", "fn left(n: &u64)", 0);
    let right = at(SRC, "map_collect.rs", "fn right(n: &u64)", 0);
    assert_eq!(
        err.to_string(),
        format!(
            "error[H036]: node `both` (fn both at {both}) depends per item \
             on two expand nodes, `left` and `right`: a node runs once per item of one block \
             only\n  first expand:  fn left at {left}\n  second expand: fn right at {right}\n  \
             help: collect one of the blocks first (a `Collect<T>` parameter) and take the \
             collected value"
        )
    );
}

mod no_block {
    use hamilton_core::prelude::*;

    #[node]
    fn plain(x: &u64) -> u64 {
        x + 1
    }

    #[node]
    fn gathered(plain: Collect<u64>) -> u64 {
        plain.into_iter().sum()
    }

    #[node]
    fn from_input(y: Collect<u64>) -> u64 {
        y.into_iter().sum()
    }

    hamilton_core::module!();
}

#[test]
fn a_collect_without_a_parallelizable_upstream_is_rejected() {
    let err = build_error(no_block::MODULE);
    assert_eq!(err.codes(), vec!["H037", "H037"]);
    let msg = err.to_string();
    let gathered = at(SRC, "map_collect.rs", "fn gathered(plain: Collect<u64>)", 0);
    let plain = at(SRC, "map_collect.rs", "fn plain(x: &u64)", 0);
    assert!(
        msg.contains(&format!(
            "error[H037]: `gathered` (fn gathered at {gathered}) collects `plain`, which does \
             not run per item: no Parallelizable node is upstream of it\n  `plain`: fn plain at \
             {plain}\n  help: take `plain` as an ordinary parameter, or make a node upstream of \
             it return Parallelizable<T>"
        )),
        "{msg}"
    );
    assert!(msg.contains("collects `y`, which does not run per item"), "{msg}");
    assert!(msg.contains("`y` is an input or config entry"), "{msg}");
}

mod feedback {
    use hamilton_core::prelude::*;

    #[node]
    fn item(n: &u64) -> Parallelizable<u64> {
        (0..*n).collect()
    }

    #[node]
    fn doubled(item: &u64) -> u64 {
        item * 2
    }

    #[node]
    fn most(doubled: Collect<u64>) -> u64 {
        doubled.into_iter().max().unwrap_or(0)
    }

    /// In the block, but needs what the block collects.
    #[node]
    fn share(doubled: &u64, most: &u64) -> u64 {
        doubled * 100 / most.max(&1)
    }

    #[node]
    fn shares(share: Collect<u64>) -> Vec<u64> {
        share.into_vec()
    }

    hamilton_core::module!();
}

#[test]
fn a_block_needing_its_own_collected_value_is_rejected() {
    let err = build_error(feedback::MODULE);
    assert_eq!(err.codes(), vec!["H039"]);
    let item = at(SRC, "map_collect.rs", "fn item(n: &u64)", 0);
    let most = at(SRC, "map_collect.rs", "fn most(doubled: Collect<u64>)", 0);
    let msg = err.to_string();
    assert_eq!(
        msg,
        format!(
            "error[H039]: the block of `item` (fn item at {item}) needs a \
             value computed from its own collected values: a block runs as a whole, before the \
             nodes that collect from it\n  `most`: fn most at {most}\n  help: compute these \
             values from the block's inputs, or start a second block after the collect"
        )
    );
}

mod self_collect {
    use hamilton_core::prelude::*;

    #[node]
    fn item(n: &u64) -> Parallelizable<u64> {
        (0..*n).collect()
    }

    #[node]
    fn doubled(item: &u64) -> u64 {
        item * 2
    }

    /// Per item (it takes `item`), collecting its own block.
    #[node]
    fn odd(item: &u64, doubled: Collect<u64>) -> u64 {
        item + doubled.len() as u64
    }

    hamilton_core::module!();
}

#[test]
fn a_block_node_collecting_its_own_block_is_rejected() {
    let err = build_error(self_collect::MODULE);
    assert_eq!(err.codes(), vec!["H039"]);
    let odd = at(SRC, "map_collect.rs", "fn odd(item: &u64", 0);
    assert!(err.to_string().contains(&format!("\n  `odd`: fn odd at {odd}")), "{err}");
}

/// The example of the Map/collect section of `docs/execution.md`, as written there.
mod guide {
    use hamilton_core::prelude::*;

    /// One item per file name.
    #[node]
    fn file(names: &[String]) -> Parallelizable<String> {
        names.iter().cloned().collect()
    }

    /// Runs once per item: `file` is one `String` here.
    #[node]
    fn words(file: &str, separator: &str) -> usize {
        file.split(separator).count()
    }

    /// Runs once per item.
    #[node]
    fn weighted(words: usize, weight: &usize) -> usize {
        words * weight
    }

    /// Runs once: the per-item values of `weighted`, in item order.
    #[node]
    fn total_words(weighted: Collect<usize>) -> usize {
        weighted.into_iter().sum()
    }

    hamilton_core::module!();
}

#[test]
fn the_guide_example_computes_what_it_says() {
    for dr in drivers(guide::MODULE) {
        let inputs = Inputs::new()
            .with("names", vec!["a_b".to_string(), "c_d_e".to_string()])
            .with("separator", "_".to_string())
            .with("weight", 10_usize);
        let out = dr.execute(&["total_words"], inputs).unwrap();
        assert_eq!(*out.get::<usize>("total_words").unwrap(), 50);
    }
}

mod concurrent {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use hamilton_core::prelude::*;

    pub(super) static RUNNING: AtomicUsize = AtomicUsize::new(0);
    pub(super) static MOST: AtomicUsize = AtomicUsize::new(0);

    #[node]
    fn job(jobs: &u64) -> Parallelizable<u64> {
        (0..*jobs).collect()
    }

    /// Notes how many items run at once.
    #[node]
    fn done(job: &u64) -> u64 {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        MOST.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(20));
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        *job
    }

    #[node]
    fn all_done(done: Collect<u64>) -> Vec<u64> {
        done.into_vec()
    }

    hamilton_core::module!();
}

#[test]
fn items_run_at_the_same_time_under_the_parallel_executor() {
    use std::sync::atomic::Ordering;
    let dr = Driver::builder()
        .with_modules([concurrent::MODULE])
        .with_executor(Executor::Parallel { threads: 2 })
        .build()
        .unwrap();
    concurrent::MOST.store(0, Ordering::SeqCst);
    let out = dr.execute(&["all_done"], Inputs::new().with("jobs", 8_u64)).unwrap();
    assert_eq!(out.get::<Vec<u64>>("all_done").unwrap(), &(0..8).collect::<Vec<u64>>());
    assert_eq!(concurrent::MOST.load(Ordering::SeqCst), 2);
}

#[test]
fn an_expand_override_of_another_type_names_both_accepted_types() {
    let dr = Driver::builder().with_modules([squares::MODULE]).build().unwrap();
    let overrides = Overrides::new().with("number", vec![1_i32]);
    let err = dr.execute_with(&["total"], Inputs::new(), overrides).unwrap_err();
    assert_eq!(err.codes(), vec!["H012"]);
    let msg = err.to_string();
    assert!(
        msg.contains(
            "override `number` has type Vec<i32>, but the graph needs Parallelizable<u64> (or \
             Vec<u64>)"
        ),
        "{msg}"
    );
}

mod validated {
    use hamilton_core::prelude::*;

    #[node]
    fn reading(count: &u64) -> Parallelizable<f64> {
        (0..*count).map(|i| i as f64).collect()
    }

    /// Checked per item.
    #[node]
    #[check_output(range = (0.0, 2.0), importance = "fail")]
    fn level(reading: &f64) -> f64 {
        *reading
    }

    #[node]
    fn levels(level: Collect<f64>) -> Vec<f64> {
        level.into_vec()
    }

    hamilton_core::module!();
}

#[test]
fn validators_of_a_block_node_check_every_item_and_name_the_failing_one() {
    for dr in drivers(validated::MODULE) {
        let out = dr.execute(&["levels"], Inputs::new().with("count", 3_u64)).unwrap();
        assert_eq!(out.get::<Vec<f64>>("levels").unwrap(), &vec![0.0, 1.0, 2.0]);
        let err = dr.execute(&["levels"], Inputs::new().with("count", 5_u64)).unwrap_err();
        assert_eq!(err.codes(), vec!["H020"]);
        let msg = err.to_string();
        assert!(
            msg.starts_with("error[H020]: data validation failed for node `level`")
                && msg.contains("on item 3 (counted from 0): 1 validator of importance `fail`"),
            "{msg}"
        );
    }
}
