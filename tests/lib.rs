//! Integration tests of hamilton-core live in `suite/` (one file per behaviour); compile-fail UI
//! tests of the macros are the `hamilton-ui-tests` package in `ui/`.
//!
//! This library holds no code. Under `cargo test` rustdoc runs the Rust blocks of the README and
//! of every page in `docs/` as doc-tests (the items below include each page), so the examples
//! that users read compile and run. A block that is not Rust is marked `text`, `toml`, `sh`...;
//! lines starting with `# ` are compiled but hidden, by rustdoc and mdBook alike.

/// Doc-tests of the pages: one item per page, documented by the page's text.
#[cfg(doctest)]
pub mod pages {
    #[doc = include_str!("../README.md")]
    pub struct Readme;
    #[doc = include_str!("../docs/introduction.md")]
    pub struct Introduction;
    #[doc = include_str!("../docs/concepts.md")]
    pub struct Concepts;
    #[doc = include_str!("../docs/writing-nodes.md")]
    pub struct WritingNodes;
    #[doc = include_str!("../docs/driver.md")]
    pub struct TheDriver;
    #[doc = include_str!("../docs/data-quality.md")]
    pub struct DataQuality;
    #[doc = include_str!("../docs/polars.md")]
    pub struct Polars;
    #[doc = include_str!("../docs/execution.md")]
    pub struct Execution;
    #[doc = include_str!("../docs/loading-and-saving.md")]
    pub struct LoadingAndSaving;
    #[doc = include_str!("../docs/seeing-your-dataflow.md")]
    pub struct SeeingYourDataflow;
    #[doc = include_str!("../docs/example-digits.md")]
    pub struct ExampleDigits;
    #[doc = include_str!("../docs/errors.md")]
    pub struct Errors;
    #[doc = include_str!("../docs/benchmarks.md")]
    pub struct Benchmarks;
}

/// The small application the pages' examples talk about (`my_app`), so that their Rust blocks
/// compile and run with a hidden `# use hamilton_tests::docs::*;` line instead of repeating it.
pub mod docs {
    pub use hamilton_core::prelude::*;

    /// Runs the `#[test]` functions of a page's example. rustdoc compiles doc-tests without
    /// `cfg(test)`, which would drop them unchecked: each is defined as a plain function and
    /// called, and a returned `Err` fails the doc-test.
    #[macro_export]
    macro_rules! doc_tests {
        ($($(#[$attr:meta])* fn $name:ident() $(-> $ret:ty)? $body:block)*) => {
            $( fn $name() $(-> $ret)? $body )*
            $( $crate::docs::Outcome::check($name(), stringify!($name)); )*
        };
    }

    /// What a test function returns: `()` or a `Result` whose `Err` fails the test.
    pub trait Outcome {
        /// Panics when the outcome is a failure.
        fn check(self, name: &str);
    }

    impl Outcome for () {
        fn check(self, _: &str) {}
    }

    impl<E: std::fmt::Debug> Outcome for Result<(), E> {
        fn check(self, name: &str) {
            if let Err(e) = self {
                panic!("test `{name}` failed: {e:?}");
            }
        }
    }

    /// A calendar date, for the `holidays` input.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Date {
        /// Year.
        pub year: i32,
        /// Month, 1–12.
        pub month: u32,
        /// Day of the month.
        pub day: u32,
    }

    /// A date.
    pub fn date(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// The report the pages' pipeline produces.
    #[derive(Clone, Debug, PartialEq)]
    pub struct Report {
        /// Its text.
        pub text: String,
    }

    /// Publishes a report (prints it).
    pub fn publish(report: &Report) {
        println!("{}", report.text);
    }

    /// The inputs the pages' examples pass: `orders_path` and `min_amount`.
    pub fn inputs() -> Inputs {
        Inputs::new().with("orders_path", "data/orders.csv").with("min_amount", 5.0_f64)
    }

    /// The pages' example application.
    pub mod my_app {
        /// Loading the orders.
        pub mod loading {
            use hamilton_core::prelude::*;

            /// One order.
            #[derive(Clone, Debug, PartialEq)]
            pub struct Order {
                /// Order id.
                pub id: u32,
                /// Amount in dollars.
                pub amount: f64,
                /// Sales region.
                pub region: String,
            }

            /// Three orders, for tests and examples.
            pub fn fixture_orders() -> Vec<Order> {
                [(1, 12.5, "eu"), (2, 3.99, "us"), (3, 40.0, "eu")]
                    .into_iter()
                    .map(|(id, amount, region)| Order { id, amount, region: region.to_string() })
                    .collect()
            }

            /// The orders of the file at `orders_path` (here: the fixture, whatever the path).
            #[node]
            #[tag(owner = "data", stage = "loading")]
            pub fn orders(orders_path: &str) -> Vec<Order> {
                let _ = orders_path;
                fixture_orders()
            }

            hamilton_core::module!();
        }

        /// Features and the report computed from the orders.
        pub mod features {
            use super::loading::Order;
            use crate::docs::Report;
            use hamilton_core::prelude::*;

            /// Revenue per order, in cents.
            #[node]
            #[tag(owner = "growth", stage = "features", pii = "false")]
            pub fn revenue(orders: &[Order]) -> Vec<u64> {
                orders.iter().map(|o| (o.amount * 100.0).round() as u64).collect()
            }

            /// Mean amount of the orders of at least `min_amount` dollars (all by default).
            #[node]
            #[tag(owner = "growth", stage = "labels", pii = "false")]
            pub fn mean_order(orders: &[Order], #[default(0.0)] min_amount: f64) -> f64 {
                let kept: Vec<f64> =
                    orders.iter().map(|o| o.amount).filter(|&a| a >= min_amount).collect();
                kept.iter().sum::<f64>() / kept.len().max(1) as f64
            }

            /// The weekly report.
            #[node]
            #[tag(owner = "growth")]
            pub fn report(revenue: &[u64], mean_order: f64) -> Report {
                let total: u64 = revenue.iter().sum();
                Report { text: format!("revenue {total} cents, mean order {mean_order:.2}") }
            }

            /// Order ids, a column.
            #[node]
            pub fn id(orders: &[Order]) -> Vec<u32> {
                orders.iter().map(|o| o.id).collect()
            }

            /// Amounts, a column.
            #[node]
            pub fn spend(orders: &[Order]) -> Vec<f64> {
                orders.iter().map(|o| o.amount).collect()
            }

            /// Regions, a column.
            #[node]
            pub fn region(orders: &[Order]) -> Vec<String> {
                orders.iter().map(|o| o.region.clone()).collect()
            }

            hamilton_core::module!();
        }

        hamilton_core::module!();
    }

    /// The driver the pages' examples use: both modules of `my_app`, config `env = "prod"`.
    pub fn driver() -> Driver {
        Driver::builder()
            .with_modules([my_app::loading::MODULE, my_app::features::MODULE])
            .with_config(Config::new().with("env", "prod"))
            .build()
            .expect("the docs' example application is wired correctly")
    }
}
