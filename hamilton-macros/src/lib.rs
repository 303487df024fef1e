//! Procedural macros of hamilton-core. Use them through `hamilton_core` (its prelude re-exports
//! them); generated code only names `::hamilton_core::__private`.
//!
//! `#[node]` checks the function (every mistake reported at once, each spanned on the offending
//! token), leaves it exactly as written, and emits beside it a `NodeSpec` static, a type-erased
//! call shim and an `inventory` registration. The metadata attributes (`#[config_when]`, `#[tag]`
//! …) are read and removed by `#[node]`; on their own they are a compile error.

mod attrs;
mod errors;
mod expand;
mod materializers;
mod modifiers;
mod signature;
mod version;

use proc_macro::TokenStream;

/// Registers a function as a node of the dataflow graph (see the `hamilton_core` docs).
///
/// Accepts `#[node]` or `#[node(name = "other_name")]`; metadata attributes go below it. The
/// node's name is the function's, less a trailing `__variant`.
///
/// - Parameters: `&T`, `T: Clone`, `Arc<T>`, `Option<&T>`, `Option<T>`, `Option<Arc<T>>`, and
///   `#[default(expr)] x: T` for a value nothing else provides. `&str` and `&[T]` borrow a
///   `String` and a `Vec<T>`; `Arc<str>` and `Arc<[T]>` are values themselves. `Option` and `Arc`
///   are recognised by their spelling (bare or a standard path such as `std::sync::Arc`); a type of
///   the user's own by that name, written bare, is a compile error at the type.
/// - Return: `T`, or `Result<T, E>` (also an alias named `Result`, such as `io::Result<T>`, or
///   polars' `PolarsResult<T>`) whose `E` converts
///   into `Box<dyn Error + Send + Sync>`.
/// - Values must be sized and `Send + Sync + 'static`; a by-value parameter must be `Clone`. A
///   type that is not gets one error, in our words, at the type (also `Vec<Rc<i64>>`).
/// - Generated code names everything by its full path and calls the function through an alias,
///   so the user's names (a `None` variant in scope, `#![no_implicit_prelude]`, a function named
///   `__hamilton_shim`) change nothing.
/// - `async fn` (with hamilton-core's `async` feature): the shim takes the arguments out as
///   `Arc`s or owned values into the future it returns, so `&T` parameters borrow from the
///   future itself; the future must be `Send`.
///
/// Compile errors, each at the offending token: generics, `self`, `Self`, a function without a
/// body, `impl Trait`, patterns, `&mut`, `async` without the
/// `async` feature, a missing return type, `-> !`, a returned
/// borrow (`-> &str`), unsized values (`str`, `[T]`, `dyn Trait`), a name ending in `__`,
/// `#[cfg]` on a parameter (or `#[default]` through `cfg_attr`), unknown or repeated keys,
/// `#[default]` on an `Option`, and `#[node]` on anything but a function. After an attribute that
/// does not parse, only the parse error is reported. The function is emitted even then, so calls
/// to it do not fail as well. `tests/ui/cases/` holds one case of each.
#[proc_macro_attribute]
pub fn node(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::node(args.into(), item.into()).into()
}

/// `#[config_when(key = "value", ...)]`: read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn config_when(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("config_when", args.into(), item.into()).into()
}

/// `#[config_when_not(key = "value", ...)]`: read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn config_when_not(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("config_when_not", args.into(), item.into()).into()
}

/// `#[config_when_in(key = ["a", "b"], ...)]`: read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn config_when_in(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("config_when_in", args.into(), item.into()).into()
}

/// `#[config_when_default]`: read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn config_when_default(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("config_when_default", args.into(), item.into()).into()
}

/// `#[tag(key = "value", ...)]`: read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn tag(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("tag", args.into(), item.into()).into()
}

/// `#[check_output(range = (0, 10), allow_nans = false, importance = "fail")]`: built-in
/// validators of the node's output, read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn check_output(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("check_output", args.into(), item.into()).into()
}

/// `#[check_output_custom(MyValidator, importance = "warn")]`: validators implementing
/// `hamilton_core::quality::Validator`, read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn check_output_custom(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("check_output_custom", args.into(), item.into()).into()
}

/// `#[save_to(parquet(path = value("out.parquet")), id = "save_x")]`: a saver of the node's
/// value, run only when `id` is requested; read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn save_to(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("save_to", args.into(), item.into()).into()
}

/// `#[parameterize(out_a(x = value(1), y = source("b")), out_b(..))]`: one node per output, read
/// by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn parameterize(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("parameterize", args.into(), item.into()).into()
}

/// `#[parameterize_values(x, out_a = 1, out_b = 2)]`: one node per value of one parameter, read
/// by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn parameterize_values(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("parameterize_values", args.into(), item.into()).into()
}

/// `#[parameterize_sources(out_a(x = "a"), out_b(x = "b"))]`: one node per output, parameters
/// renamed to other nodes, read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn parameterize_sources(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("parameterize_sources", args.into(), item.into()).into()
}

/// `#[inject(x = source("a") | value(1) | group(..))]`: binds parameters, read by `#[node]`,
/// which must come first.
#[proc_macro_attribute]
pub fn inject(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("inject", args.into(), item.into()).into()
}

/// `#[extract_columns("a", "b", fill_with = 0.0)]`: one `Series` node per column of the returned
/// polars `DataFrame`, read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn extract_columns(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("extract_columns", args.into(), item.into()).into()
}

/// `#[unpack_fields(a, b)]`: one node per element of the returned tuple, read by `#[node]`, which
/// must come first.
#[proc_macro_attribute]
pub fn unpack_fields(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("unpack_fields", args.into(), item.into()).into()
}

/// `#[extract_fields(a: f64, b: String)]`: one node per field of the returned struct, read by
/// `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn extract_fields(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("extract_fields", args.into(), item.into()).into()
}

/// `#[tag_outputs(a(key = "value"), ...)]`: tags of single nodes of a function that makes several,
/// read by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn tag_outputs(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("tag_outputs", args.into(), item.into()).into()
}

/// `#[does(other_fn)]`: the node's (empty) body runs `other_fn` with the node's parameters, read
/// by `#[node]`, which must come first.
#[proc_macro_attribute]
pub fn does(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::orphan("does", args.into(), item.into()).into()
}
