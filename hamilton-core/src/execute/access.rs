//! How generated code reaches a node's arguments and wraps its value, chosen at compile time by
//! the value's type, so that a type that cannot be a value is reported once, in our words.
//!
//! `#[node]` asks a probe for each value type (`(&&ValueProbe::<T>::NEW).form()`). Method
//! resolution picks the most capable form whose bounds hold ("autoref specialisation"): for a
//! `Send + Sync + 'static` type the accessors of [`Access`], for any other the inert
//! [`NotAValue`], whose methods have no bounds. The only error is then the check
//! [`check_value`] (`#[diagnostic::on_unimplemented]`, spanned on the user's type); a failed
//! `Send` deep inside `Vec<Rc<i64>>` no longer repeats as rustc's raw `E0277` at every use.

use std::marker::PhantomData;
use std::sync::Arc;

use super::args::{Args, BoxError, CallResult, NodeError, Value};

/// Why a call through an inert form fails; unreachable, as such a shim does not compile.
const NOT_A_VALUE: &str = "the type cannot be a node value";

/// The probe of a value type `T`, for values (outputs and every parameter's value type).
pub struct ValueProbe<T>(PhantomData<fn() -> T>);

impl<T> ValueProbe<T> {
    /// The probe.
    pub const NEW: Self = ValueProbe(PhantomData);
}

/// The probe of a by-value parameter's value type `T` (which must also be `Clone`).
pub struct OwnedProbe<T>(PhantomData<fn() -> T>);

impl<T> OwnedProbe<T> {
    /// The probe.
    pub const NEW: Self = OwnedProbe(PhantomData);
}

/// A `Send + Sync + 'static` type: its form is [`Access`].
pub trait ValueReady<T> {
    /// The accessors of `T`.
    fn form(&self) -> Access<T>;
}

impl<T: Send + Sync + 'static> ValueReady<T> for &ValueProbe<T> {
    fn form(&self) -> Access<T> {
        Access(PhantomData)
    }
}

/// Any other type: its form is [`NotAValue`].
pub trait ValueMissing<T> {
    /// The inert form.
    fn form(&self) -> NotAValue<T>;
}

impl<T> ValueMissing<T> for ValueProbe<T> {
    fn form(&self) -> NotAValue<T> {
        NotAValue(PhantomData)
    }
}

/// A `Clone + Send + Sync + 'static` type: its form is [`OwnedAccess`].
pub trait OwnedReady<T> {
    /// The accessors of `T` by value.
    fn form(&self) -> OwnedAccess<T>;
}

impl<T: Clone + Send + Sync + 'static> OwnedReady<T> for &&OwnedProbe<T> {
    fn form(&self) -> OwnedAccess<T> {
        OwnedAccess(PhantomData)
    }
}

/// A value that is not `Clone`: its form is [`NotClone`].
pub trait OwnedNotClone<T> {
    /// The inert form.
    fn form(&self) -> NotClone<T>;
}

impl<T: Send + Sync + 'static> OwnedNotClone<T> for &OwnedProbe<T> {
    fn form(&self) -> NotClone<T> {
        NotClone(PhantomData)
    }
}

/// Not a value at all: its form is [`NotAValue`].
pub trait OwnedMissing<T> {
    /// The inert form.
    fn form(&self) -> NotAValue<T>;
}

impl<T> OwnedMissing<T> for OwnedProbe<T> {
    fn form(&self) -> NotAValue<T> {
        NotAValue(PhantomData)
    }
}

/// The accessors of a value type.
pub struct Access<T>(PhantomData<fn() -> T>);

impl<T: Send + Sync + 'static> Access<T> {
    /// Borrows parameter `i`.
    #[inline]
    pub fn get<'a>(&self, args: &'a Args<'_>, i: usize) -> Result<&'a T, NodeError> {
        args.get::<T>(i)
    }

    /// Borrows parameter `i`, or `None` when nothing provides it.
    #[inline]
    pub fn get_opt<'a>(&self, args: &'a Args<'_>, i: usize) -> Result<Option<&'a T>, NodeError> {
        args.get_opt::<T>(i)
    }

    /// Parameter `i` as a shared `Arc<T>`.
    #[inline]
    pub fn arc(&self, args: &mut Args<'_>, i: usize) -> Result<Arc<T>, NodeError> {
        args.arc::<T>(i)
    }

    /// Parameter `i` as a shared `Arc<T>`, or `None` when nothing provides it.
    #[inline]
    pub fn arc_opt(&self, args: &mut Args<'_>, i: usize) -> Result<Option<Arc<T>>, NodeError> {
        args.arc_opt::<T>(i)
    }

    /// Wraps a node's return value.
    #[inline]
    pub fn wrap(&self, value: T) -> CallResult {
        Ok(Value::new(value))
    }

    /// Wraps a fallible node's `Result`.
    #[inline]
    pub fn wrap_result<E: Into<BoxError>>(&self, result: Result<T, E>) -> CallResult {
        match result {
            Ok(v) => Ok(Value::new(v)),
            Err(e) => Err(NodeError::Failed(e.into())),
        }
    }
}

/// The accessors of a by-value parameter's type.
pub struct OwnedAccess<T>(PhantomData<fn() -> T>);

impl<T: Clone + Send + Sync + 'static> OwnedAccess<T> {
    /// Parameter `i` by value: moved when this call is its last consumer, cloned otherwise.
    #[inline]
    pub fn owned(&self, args: &mut Args<'_>, i: usize) -> Result<T, NodeError> {
        args.owned::<T>(i)
    }

    /// Parameter `i` by value, or `None` when nothing provides it.
    #[inline]
    pub fn owned_opt(&self, args: &mut Args<'_>, i: usize) -> Result<Option<T>, NodeError> {
        args.owned_opt::<T>(i)
    }
}

/// The inert form of a type that cannot be a value: the same methods without bounds, so that
/// only [`check_value`] reports the type. A shim using it does not compile, so they never run;
/// they fail as a hand-made call with a value of the wrong type would.
pub struct NotAValue<T>(PhantomData<fn() -> T>);

impl<T> NotAValue<T> {
    fn refuse<R>(i: usize) -> Result<R, NodeError> {
        Err(NodeError::Argument { index: i, problem: NOT_A_VALUE })
    }

    /// See [`Access::get`].
    pub fn get<'a>(&self, _: &'a Args<'_>, i: usize) -> Result<&'a T, NodeError> {
        Self::refuse(i)
    }

    /// See [`Access::get_opt`].
    pub fn get_opt<'a>(&self, _: &'a Args<'_>, i: usize) -> Result<Option<&'a T>, NodeError> {
        Self::refuse(i)
    }

    /// See [`Access::arc`].
    pub fn arc(&self, _: &mut Args<'_>, i: usize) -> Result<Arc<T>, NodeError> {
        Self::refuse(i)
    }

    /// See [`Access::arc_opt`].
    pub fn arc_opt(&self, _: &mut Args<'_>, i: usize) -> Result<Option<Arc<T>>, NodeError> {
        Self::refuse(i)
    }

    /// See [`OwnedAccess::owned`].
    pub fn owned(&self, _: &mut Args<'_>, i: usize) -> Result<T, NodeError> {
        Self::refuse(i)
    }

    /// See [`OwnedAccess::owned_opt`].
    pub fn owned_opt(&self, _: &mut Args<'_>, i: usize) -> Result<Option<T>, NodeError> {
        Self::refuse(i)
    }

    /// See [`Access::wrap`].
    pub fn wrap(&self, _: T) -> CallResult {
        Err(NodeError::Failed(NOT_A_VALUE.into()))
    }

    /// See [`Access::wrap_result`].
    pub fn wrap_result<E>(&self, _: Result<T, E>) -> CallResult {
        Err(NodeError::Failed(NOT_A_VALUE.into()))
    }
}

/// The inert form of a by-value parameter's type that is a value but not `Clone`.
pub struct NotClone<T>(PhantomData<fn() -> T>);

impl<T> NotClone<T> {
    /// See [`OwnedAccess::owned`].
    pub fn owned(&self, _: &mut Args<'_>, i: usize) -> Result<T, NodeError> {
        Err(NodeError::Argument { index: i, problem: "the type is not `Clone`" })
    }

    /// See [`OwnedAccess::owned_opt`].
    pub fn owned_opt(&self, _: &mut Args<'_>, i: usize) -> Result<Option<T>, NodeError> {
        Err(NodeError::Argument { index: i, problem: "the type is not `Clone`" })
    }
}

/// Implemented by the forms of value types.
#[diagnostic::on_unimplemented(
    message = "`{T}` cannot be a node value: values must be `Send + Sync + 'static`",
    label = "not `Send + Sync + 'static`",
    note = "values are shared between threads; `Rc`, `RefCell`, `Cell`, raw pointers and `dyn Trait` without `+ Send + Sync` are not",
    note = "use `Arc` for `Rc`, `Mutex` or `RwLock` for `RefCell`, add `+ Send + Sync` to a `dyn Trait`, or produce an owned, thread-safe type"
)]
pub trait IsValue<T> {}
impl<T> IsValue<T> for Access<T> {}
impl<T> IsValue<T> for OwnedAccess<T> {}
impl<T> IsValue<T> for NotClone<T> {}

/// Implemented by the forms of by-value parameter types (and, so that a type that is no value
/// at all is reported once, by [`NotAValue`]).
#[diagnostic::on_unimplemented(
    message = "by-value parameter of type `{T}` must be `Clone`",
    label = "not `Clone`",
    note = "a value with several consumers is cloned for all but the last: take it as `&{T}` or `Arc<{T}>` instead, or derive `Clone`"
)]
pub trait IsClone<T> {}
impl<T> IsClone<T> for OwnedAccess<T> {}
impl<T> IsClone<T> for NotAValue<T> {}

/// Checks (spanned on the user's type) that `T` can be a value.
pub fn check_value<T>(_: &impl IsValue<T>) {}

/// Checks (spanned on the user's type) that a by-value parameter's type is `Clone`.
pub fn check_clone<T>(_: &impl IsClone<T>) {}

/// A parameter spelled `Option<..>` is an optional dependency: it must be the standard
/// `Option`, not a type of the user's own of that name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `std::option::Option`, but `#[node]` reads a parameter spelled `Option<..>` as an optional dependency",
    label = "a type of your own named `Option` is in scope here",
    note = "to take your own type as a value, name it by a path (`self::Option<..>`, `crate::..`), or rename it"
)]
pub trait StdOption<T> {
    /// The parameter from the standard `Option` (the identity).
    fn from_std(value: Option<T>) -> Self;
}

impl<T> StdOption<T> for Option<T> {
    #[inline]
    fn from_std(value: Option<T>) -> Self {
        value
    }
}

/// An `Option` parameter from the value, spanned on the parameter's type.
#[inline]
pub fn std_option<O: StdOption<T>, T>(value: Option<T>) -> O {
    O::from_std(value)
}

/// A parameter spelled `Arc<..>` shares the value: it must be the standard `Arc`, not a type of
/// the user's own of that name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `std::sync::Arc`, but `#[node]` reads a parameter spelled `Arc<..>` as a shared value",
    label = "a type of your own named `Arc` is in scope here",
    note = "to take your own type as a value, name it by a path (`self::Arc<..>`, `crate::..`), or rename it"
)]
pub trait StdArc<T: ?Sized> {
    /// The parameter from the standard `Arc` (the identity).
    fn from_std(value: Arc<T>) -> Self;
}

impl<T: ?Sized> StdArc<T> for Arc<T> {
    #[inline]
    fn from_std(value: Arc<T>) -> Self {
        value
    }
}

/// An `Arc` parameter from the value, spanned on the parameter's type.
#[inline]
pub fn std_arc<A: StdArc<T>, T: ?Sized>(value: Arc<T>) -> A {
    A::from_std(value)
}
