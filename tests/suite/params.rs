//! Every parameter form of DESIGN §3 receives the right value.

use hamilton_core::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

mod forms {
    use super::*;

    #[node]
    fn text(word: &str) -> String {
        format!("<{word}>")
    }

    #[node]
    fn numbers(count: &usize) -> Vec<i64> {
        (1..=*count as i64).collect()
    }

    #[node]
    fn total(numbers: &[i64]) -> i64 {
        numbers.iter().sum()
    }

    #[node]
    fn total_by_value(numbers: Vec<i64>) -> i64 {
        numbers.into_iter().sum()
    }

    #[node]
    fn shared(numbers: Arc<Vec<i64>>) -> usize {
        numbers.len()
    }

    #[node]
    fn with_optional_ref(total: Option<&i64>, bonus: Option<&i64>) -> i64 {
        total.copied().unwrap_or(-1) + bonus.copied().unwrap_or(0)
    }

    #[node]
    fn with_optional_owned(
        bonus: Option<i64>,
        label: Option<String>,
        maybe_arc: Option<Arc<Vec<i64>>>,
    ) -> String {
        format!("{:?} {:?} {:?}", bonus, label, maybe_arc.map(|a| a.len()))
    }

    #[node]
    fn with_defaults(
        #[default(10)] factor: i64,
        #[default("fallback")] name: &str,
        #[default(vec![1, 2])] base: &[i64],
        total: i64,
    ) -> String {
        format!("{} {name} {:?}", factor * total, base)
    }

    #[node]
    fn optional_text(word: Option<&str>) -> usize {
        word.map_or(0, str::len)
    }

    hamilton_core::module!();
}

fn forms_driver() -> Driver {
    Driver::builder().with_modules([forms::MODULE]).build().unwrap()
}

#[test]
fn borrowed_str_and_slice_parameters_read_strings_and_vecs() {
    let out = forms_driver()
        .execute(&["text", "total"], Inputs::new().with("word", "hi").with("count", 4_usize))
        .unwrap();
    assert_eq!(out.get::<String>("text").unwrap(), "<hi>");
    assert_eq!(*out.get::<i64>("total").unwrap(), 10);
}

#[test]
fn by_value_and_arc_parameters_receive_the_value() {
    let out = forms_driver()
        .execute(&["total_by_value", "shared"], Inputs::new().with("count", 3_usize))
        .unwrap();
    assert_eq!(*out.get::<i64>("total_by_value").unwrap(), 6);
    assert_eq!(*out.get::<usize>("shared").unwrap(), 3);
}

#[test]
fn optional_parameters_are_none_when_nothing_provides_them() {
    let dr = forms_driver();
    let out = dr
        .execute(
            &["with_optional_ref", "with_optional_owned", "optional_text"],
            Inputs::new().with("count", 2_usize),
        )
        .unwrap();
    assert_eq!(*out.get::<i64>("with_optional_ref").unwrap(), 3);
    assert_eq!(out.get::<String>("with_optional_owned").unwrap(), "None None None");
    assert_eq!(*out.get::<usize>("optional_text").unwrap(), 0);

    let inputs = Inputs::new()
        .with("count", 2_usize)
        .with("bonus", 100_i64)
        .with("label", "x")
        .with("maybe_arc", vec![1_i64])
        .with("word", "four");
    let out =
        dr.execute(&["with_optional_ref", "with_optional_owned", "optional_text"], inputs).unwrap();
    assert_eq!(*out.get::<i64>("with_optional_ref").unwrap(), 103);
    assert_eq!(out.get::<String>("with_optional_owned").unwrap(), "Some(100) Some(\"x\") Some(1)");
    assert_eq!(*out.get::<usize>("optional_text").unwrap(), 4);
}

#[test]
fn optional_dependency_on_a_node_is_not_required_when_that_node_is_not_needed() {
    // `with_optional_ref` takes `total` optionally, but `total` is a node: it runs.
    let out = forms_driver()
        .execute(&["with_optional_ref"], Inputs::new().with("count", 3_usize))
        .unwrap();
    assert_eq!(*out.get::<i64>("with_optional_ref").unwrap(), 6);
}

#[test]
fn defaults_apply_only_when_nothing_provides_the_value() {
    let dr = forms_driver();
    let out = dr.execute(&["with_defaults"], Inputs::new().with("count", 2_usize)).unwrap();
    assert_eq!(out.get::<String>("with_defaults").unwrap(), "30 fallback [1, 2]");
    let inputs = Inputs::new()
        .with("count", 2_usize)
        .with("factor", 2_i64)
        .with("name", "given")
        .with("base", vec![7_i64]);
    let out = dr.execute(&["with_defaults"], inputs).unwrap();
    assert_eq!(out.get::<String>("with_defaults").unwrap(), "6 given [7]");
}

#[test]
fn nodes_report_optional_and_required_dependencies() {
    let dr = forms_driver();
    let v = dr.variable("with_defaults").unwrap();
    assert_eq!(v.required_dependencies(), vec!["total"]);
    assert_eq!(v.optional_dependencies(), vec!["factor", "name", "base"]);
}

/// A value that counts its clones.
#[derive(Debug)]
pub(crate) struct Counted(pub(crate) u32);

static CLONES: AtomicUsize = AtomicUsize::new(0);

impl Clone for Counted {
    fn clone(&self) -> Self {
        CLONES.fetch_add(1, Ordering::SeqCst);
        Counted(self.0)
    }
}

mod moves {
    use super::*;

    #[node]
    fn made(seed: &u32) -> Counted {
        Counted(*seed)
    }

    #[node]
    fn first_reader(made: &Counted) -> u32 {
        made.0
    }

    #[node]
    fn last_taker(made: Counted, first_reader: u32) -> u32 {
        made.0 + first_reader
    }

    hamilton_core::module!();
}

#[test]
fn a_by_value_parameter_moves_the_value_on_its_last_use_and_clones_otherwise() {
    let dr = Driver::builder().with_modules([moves::MODULE]).build().unwrap();
    let before = CLONES.load(Ordering::SeqCst);
    let out = dr.execute(&["last_taker"], Inputs::new().with("seed", 5_u32)).unwrap();
    assert_eq!(*out.get::<u32>("last_taker").unwrap(), 10);
    assert_eq!(CLONES.load(Ordering::SeqCst) - before, 0, "the last consumer moves the value");

    // Requested as an output too: the value must survive, so the consumer gets a clone.
    let before = CLONES.load(Ordering::SeqCst);
    let out = dr.execute(&["last_taker", "made"], Inputs::new().with("seed", 5_u32)).unwrap();
    assert_eq!(out.get::<Counted>("made").unwrap().0, 5);
    assert_eq!(CLONES.load(Ordering::SeqCst) - before, 1);
}

mod fallible {
    use super::*;

    #[node]
    fn parsed(text: &str) -> Result<i64, std::num::ParseIntError> {
        text.trim().parse()
    }

    #[node]
    fn boxed(parsed: i64) -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
        if parsed < 0 { Err("negative".into()) } else { Ok(parsed * 2) }
    }

    hamilton_core::module!();
}

#[test]
fn fallible_nodes_return_their_ok_value() {
    let dr = Driver::builder().with_modules([fallible::MODULE]).build().unwrap();
    let out = dr.execute(&["boxed"], Inputs::new().with("text", " 21 ")).unwrap();
    assert_eq!(*out.get::<i64>("boxed").unwrap(), 42);
    assert_eq!(dr.variable("parsed").unwrap().type_name(), "i64");
}

mod result_named_values {
    use super::*;

    /// A value type whose name ends in `Result` but is no `std::result::Result`.
    #[derive(Clone, Debug, PartialEq)]
    pub(super) struct SearchResult<T> {
        pub(super) hits: Vec<T>,
    }

    #[node]
    fn search(query: &str) -> SearchResult<i64> {
        SearchResult { hits: vec![query.len() as i64] }
    }

    hamilton_core::module!();
}

#[test]
fn only_result_and_polars_result_returns_are_fallible() {
    use result_named_values::SearchResult;
    let dr = Driver::builder().with_modules([result_named_values::MODULE]).build().unwrap();
    let out = dr.execute(&["search"], Inputs::new().with("query", "abc")).unwrap();
    assert_eq!(out.get::<SearchResult<i64>>("search").unwrap().hits, vec![3]);
}
