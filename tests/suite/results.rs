//! Result builders: the dict-like default and the polars `DataFrame` builder.

use hamilton_core::polars::prelude::*;
use hamilton_core::prelude::*;
use hamilton_core::results::{DataFrameResult, DictResult};

mod frame {
    use hamilton_core::polars::prelude::*;
    use hamilton_core::prelude::*;

    #[node]
    fn price() -> Series {
        Series::new("whatever".into(), &[1.0, 2.0, 3.0])
    }

    #[node]
    fn units() -> Vec<i64> {
        vec![4, 5, 6]
    }

    #[node]
    fn names() -> Vec<String> {
        vec!["a".into(), "b".into(), "c".into()]
    }

    #[node]
    fn rate() -> f64 {
        0.5
    }

    #[node]
    fn region() -> String {
        "eu".to_string()
    }

    #[node]
    fn flag() -> bool {
        true
    }

    #[node]
    fn table() -> DataFrame {
        df!("left" => [7_i32, 8, 9], "right" => ["x", "y", "z"]).unwrap()
    }

    #[node]
    fn short() -> Vec<f64> {
        vec![1.0, 2.0]
    }

    #[node]
    fn longer() -> Series {
        Series::new("longer".into(), &[1_i64, 2, 3, 4, 5])
    }

    #[node]
    fn lookup() -> std::collections::HashMap<String, i64> {
        std::collections::HashMap::new()
    }

    #[node]
    fn left() -> Vec<f64> {
        vec![0.0, 0.0, 0.0]
    }

    #[node]
    fn counts() -> Vec<usize> {
        vec![1, 2, 3]
    }

    #[node]
    fn maybe() -> Vec<Option<f64>> {
        vec![Some(1.0), None, Some(3.0)]
    }

    #[node]
    fn nothing() -> DataFrame {
        DataFrame::empty_with_height(3)
    }

    /// A polars `PolarsResult<T>` return is a fallible node whose value is the `Series`.
    #[node]
    fn doubled(price: &Series) -> PolarsResult<Series> {
        price + price
    }

    #[node]
    fn mismatched(price: &Series, longer: &Series) -> PolarsResult<Series> {
        price + longer
    }

    hamilton_core::module!();
}

fn driver() -> Driver {
    Driver::builder().with_modules([frame::MODULE]).build().unwrap()
}

#[test]
fn the_dict_result_is_the_outputs_unchanged() {
    let out = driver().execute(&["rate"], Inputs::new()).unwrap().build(&DictResult).unwrap();
    assert_eq!(*out.get::<f64>("rate").unwrap(), 0.5);
}

#[test]
fn series_vecs_and_frames_become_columns_in_request_order() {
    let out = driver().execute(&["units", "price", "table", "names"], Inputs::new()).unwrap();
    let frame = out.build(&DataFrameResult).unwrap();
    assert_eq!(frame.get_column_names(), ["units", "price", "left", "right", "names"]);
    assert_eq!(frame.height(), 3);
    // A Series is renamed after its node.
    assert_eq!(frame.column("price").unwrap().f64().unwrap().get(2), Some(3.0));
    assert_eq!(frame.column("units").unwrap().dtype(), &DataType::Int64);
    assert_eq!(frame.column("names").unwrap().str().unwrap().get(1), Some("b"));
    assert_eq!(frame.column("left").unwrap().i32().unwrap().get(0), Some(7));
}

#[test]
fn scalars_are_repeated_to_the_frame_height() {
    let out = driver().execute(&["rate", "price", "region", "flag"], Inputs::new()).unwrap();
    let frame = out.build(&DataFrameResult).unwrap();
    assert_eq!(frame.shape(), (3, 4));
    let rate = frame.column("rate").unwrap().as_materialized_series().clone();
    assert_eq!(rate.f64().unwrap().into_no_null_iter().collect::<Vec<_>>(), [0.5, 0.5, 0.5]);
    assert_eq!(frame.column("region").unwrap().str().unwrap().get(2), Some("eu"));
    assert_eq!(frame.column("flag").unwrap().bool().unwrap().get(1), Some(true));
}

#[test]
fn only_scalars_make_one_row() {
    let out = driver().execute(&["rate", "region"], Inputs::new()).unwrap();
    assert_eq!(out.build(&DataFrameResult).unwrap().shape(), (1, 2));
}

#[test]
fn every_combination_problem_is_reported_at_once() {
    let out = driver()
        .execute(&["price", "short", "longer", "table", "lookup", "left"], Inputs::new())
        .unwrap();
    let err = out.build(&DataFrameResult).unwrap_err();
    assert_eq!(err.codes(), ["H021"]);
    assert_eq!(
        err.to_string(),
        "error[H021]: DataFrameResult cannot combine the outputs:\n  \
         - output `lookup` is a std::collections::hash::map::HashMap<alloc::string::String, i64>, \
         which cannot become a column (expected a Series, a DataFrame, a Vec or a scalar of \
         numbers, bool or String)\n  \
         - the columns differ in length: `price` has 3 rows, `short` has 2 rows, `longer` has 5 \
         rows, `table` (a DataFrame) has 3 rows, `left` has 3 rows\n  \
         - column `left` is given twice"
    );
}

#[test]
fn a_polars_result_return_is_a_fallible_node() {
    let dr = driver();
    let out = dr.execute(&["doubled"], Inputs::new()).unwrap();
    assert_eq!(out.get::<Series>("doubled").unwrap().f64().unwrap().get(2), Some(6.0));
    let err = dr.execute(&["mismatched"], Inputs::new()).unwrap_err();
    assert_eq!(err.codes(), ["H013"]);
    let text = err.to_string();
    assert!(
        text.starts_with(
            "error[H013]: node `mismatched` (fn mismatched at tests/suite/results.rs:"
        )
    );
    assert!(text.contains("length"), "{text}");
}

#[test]
fn usize_and_option_vecs_become_columns_and_an_empty_frame_adds_none() {
    let out = driver().execute(&["counts", "maybe", "nothing", "rate"], Inputs::new()).unwrap();
    let frame = out.build(&DataFrameResult).unwrap();
    assert_eq!(frame.get_column_names(), ["counts", "maybe", "rate"]);
    assert_eq!(frame.column("counts").unwrap().dtype(), &DataType::UInt64);
    assert_eq!(frame.column("maybe").unwrap().null_count(), 1);
    assert_eq!(frame.height(), 3);
}

#[test]
fn no_outputs_make_an_empty_frame() {
    let out = driver().execute::<&str>(&[], Inputs::new()).unwrap();
    assert_eq!(out.build(&DataFrameResult).unwrap().shape(), (0, 0));
}
