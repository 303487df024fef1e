//! Generated code is not confused by the user's own names, raw identifiers lose their `r#`, and
//! `#[node]` keeps what the user wrote (doc text from macros, `Arc<str>` values).

use hamilton_core::prelude::*;

/// A glob-imported enum with `None` and `Some` variants, and types of the user's own named `Arc`
/// and `Option`, in the scope of every node below.
mod names {
    use hamilton_core::prelude::*;

    #[derive(Clone, Debug, PartialEq)]
    pub(crate) enum Choice {
        None,
        Some,
    }
    use Choice::*;

    /// The user's own `Option`: a plain value when named by a path.
    #[derive(Clone, Debug, PartialEq)]
    pub(crate) struct Option<T>(pub(crate) T);

    /// The user's own `Arc`.
    #[derive(Clone, Debug, PartialEq)]
    pub(crate) struct Arc<T>(pub(crate) T);

    #[node]
    fn choice() -> Choice {
        Some
    }

    /// Takes an optional dependency, spelled with the standard `Option`'s full path.
    #[node]
    fn described(
        choice: &Choice,
        missing: std::option::Option<&i64>,
        #[default(3)] fallback: i64,
    ) -> String {
        format!("{choice:?} {missing:?} {fallback} {:?}", None)
    }

    #[node]
    fn wrapped() -> self::Option<i64> {
        Option(7)
    }

    /// `self::Option<i64>` is the user's type: a by-value parameter, not an optional one.
    #[node]
    fn unwrapped(wrapped: self::Option<i64>, counted: self::Arc<u8>) -> i64 {
        wrapped.0 + i64::from(counted.0)
    }

    #[node]
    fn counted() -> Arc<u8> {
        Arc(1)
    }

    /// A function named like the generated call shim used to be.
    #[node(name = "shim_named")]
    fn __hamilton_shim(unwrapped: i64) -> i64 {
        unwrapped * 10
    }

    #[node(name = "alias_named")]
    fn __hamilton_node(shim_named: &i64) -> i64 {
        shim_named + 1
    }

    hamilton_core::module!();
}

#[test]
fn user_names_do_not_change_what_generated_code_means() {
    let dr = Driver::builder().with_modules([names::MODULE]).build().unwrap();
    let out = dr.execute(&["described", "alias_named"], Inputs::new()).unwrap();
    assert_eq!(out.get::<String>("described").unwrap(), "Some None 3 None");
    // 7 + 1, through `__hamilton_shim` (* 10) and `__hamilton_node` (+ 1).
    assert_eq!(*out.get::<i64>("alias_named").unwrap(), 81);
    // `self::Option<i64>` and `self::Arc<u8>` are the user's types, taken by value: required.
    let unwrapped = dr.variable("unwrapped").unwrap();
    assert_eq!(unwrapped.required_dependencies(), vec!["wrapped", "counted"]);
    assert!(unwrapped.optional_dependencies().is_empty());
    assert_eq!(dr.variable("wrapped").unwrap().type_spelled(), "self::Option<i64>");
    // `std::option::Option<&i64>` is the standard `Option`: an optional dependency.
    let described = dr.variable("described").unwrap();
    assert_eq!(described.optional_dependencies(), vec!["missing", "fallback"]);
}

/// Without the prelude, generated code still compiles: it names everything by full path.
#[no_implicit_prelude]
mod without_prelude {
    use ::hamilton_core::prelude::*;

    #[node]
    fn base(#[default(2)] factor: i64, offset: ::std::option::Option<&i64>) -> i64 {
        factor + offset.copied().unwrap_or(0)
    }

    #[node]
    fn labels(
        base: &i64,
    ) -> ::std::result::Result<::std::vec::Vec<::std::string::String>, ::std::fmt::Error> {
        ::std::result::Result::Ok(::std::vec![::std::format!("{base}")])
    }

    ::hamilton_core::module!();
}

#[test]
fn nodes_compile_and_run_without_the_implicit_prelude() {
    let dr = Driver::builder().with_modules([without_prelude::MODULE]).build().unwrap();
    let out = dr.execute(&["labels"], Inputs::new().with("offset", 5_i64)).unwrap();
    assert_eq!(out.get::<Vec<String>>("labels").unwrap(), &vec!["7".to_string()]);
}

mod raw_keys {
    use hamilton_core::prelude::*;

    #[node]
    #[config_when(r#type = "daily")]
    #[tag(r#match = "exact", r#owner = "growth")]
    fn period__daily() -> u32 {
        1
    }

    #[node]
    #[config_when_in(r#type = ["weekly", "biweekly"])]
    fn period__weekly() -> u32 {
        7
    }

    hamilton_core::module!();
}

#[test]
fn raw_identifier_keys_are_read_without_r_hash() {
    let period = |kind: &str| {
        let dr = Driver::builder()
            .with_modules([raw_keys::MODULE])
            .with_config(Config::new().with("type", kind.to_string()))
            .build()
            .unwrap();
        let tags: Vec<(String, String)> = dr
            .variable("period")
            .unwrap()
            .tags()
            .iter()
            .map(|t| (t.key.to_string(), t.value.to_string()))
            .collect();
        let out = dr.execute(&["period"], Inputs::new()).unwrap();
        (*out.get::<u32>("period").unwrap(), tags)
    };
    let (daily, tags) = period("daily");
    assert_eq!(daily, 1);
    assert_eq!(
        tags,
        vec![
            ("match".to_string(), "exact".to_string()),
            ("owner".to_string(), "growth".to_string())
        ]
    );
    assert_eq!(period("biweekly").0, 7);
}

mod docs_and_values {
    use hamilton_core::prelude::*;
    use std::sync::Arc;

    macro_rules! unit {
        () => {
            "dollars"
        };
    }

    /// The greeting,
    #[doc = concat!("in ", unit!(), ",")]
    /// for everyone.
    #[node]
    fn greeting() -> Arc<str> {
        Arc::from("hello")
    }

    #[doc = concat!("Only ", "a macro.")]
    #[node]
    fn items() -> Arc<[i64]> {
        Arc::from(vec![1, 2, 3])
    }

    #[node]
    fn double() -> Arc<dyn Fn(i64) -> i64 + Send + Sync> {
        Arc::new(|x| x * 2)
    }

    /// An `Arc` of an unsized type is itself the value: cloned (cheaply), not unwrapped.
    #[node]
    fn summary(
        greeting: Arc<str>,
        items: &Arc<[i64]>,
        missing: Option<Arc<str>>,
        double: Arc<dyn Fn(i64) -> i64 + Send + Sync>,
    ) -> String {
        format!("{greeting} {} {missing:?} {}", items.len(), double(21))
    }

    hamilton_core::module!();
}

#[test]
fn doc_text_from_macros_is_kept_and_arc_of_unsized_types_are_values() {
    let dr = Driver::builder().with_modules([docs_and_values::MODULE]).build().unwrap();
    assert_eq!(dr.variable("greeting").unwrap().doc(), "The greeting,\nin dollars,\nfor everyone.");
    assert_eq!(dr.variable("items").unwrap().doc(), "Only a macro.");
    assert_eq!(dr.variable("greeting").unwrap().type_spelled(), "Arc<str>");
    let out = dr.execute(&["summary"], Inputs::new()).unwrap();
    assert_eq!(out.get::<String>("summary").unwrap(), "hello 3 None 42");
    let out = dr.execute(&["greeting"], Inputs::new()).unwrap();
    assert_eq!(&**out.get::<std::sync::Arc<str>>("greeting").unwrap(), "hello");
}

mod conditional {
    use hamilton_core::prelude::*;

    #[node]
    #[cfg(any())]
    fn compiled_out() -> i64 {
        1
    }

    #[node]
    #[cfg(not(any()))]
    fn compiled_in() -> i64 {
        2
    }

    hamilton_core::module!();
}

#[test]
fn cfg_on_a_node_function_removes_its_registration_with_it() {
    let dr = Driver::builder().with_modules([conditional::MODULE]).build().unwrap();
    assert!(dr.variable("compiled_out").is_none());
    assert!(dr.variable("compiled_in").is_some());
}
