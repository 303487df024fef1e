//! Type-erased values and the argument access that generated node shims use.

use std::any::{Any, TypeId};
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// A boxed error, as returned by fallible nodes.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What a node shim returns: the node's value, or why it could not produce one.
pub type CallResult = Result<Value, NodeError>;

/// One value flowing through the graph: shared, immutable, of any `Send + Sync + 'static` type.
#[derive(Clone)]
pub struct Value(Arc<dyn Any + Send + Sync>);

impl Value {
    /// Wraps a value.
    #[inline]
    pub fn new<T: Send + Sync + 'static>(value: T) -> Self {
        Value(Arc::new(value))
    }

    /// The [`TypeId`] of the wrapped value.
    pub fn type_id_of_value(&self) -> TypeId {
        (*self.0).type_id()
    }

    /// A reference to the wrapped value, if it is a `T`.
    #[inline]
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }

    /// The wrapped value as a shared `Arc<T>`, if it is a `T`.
    #[inline]
    pub fn downcast_arc<T: Send + Sync + 'static>(self) -> Result<Arc<T>, Value> {
        self.0.downcast::<T>().map_err(Value)
    }

    /// The wrapped value by value: moved out when this is the only reference, cloned otherwise.
    #[inline]
    pub fn into_inner<T: Clone + Send + Sync + 'static>(self) -> Result<T, Value> {
        self.downcast_arc::<T>().map(|arc| Arc::try_unwrap(arc).unwrap_or_else(|a| (*a).clone()))
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Value(..)")
    }
}

/// Why a node did not produce a value.
#[derive(Debug)]
#[non_exhaustive]
pub enum NodeError {
    /// The function returned `Err`.
    Failed(BoxError),
    /// Validators of importance `fail` did not pass (error H020); every failing one is listed.
    Validation(Vec<crate::quality::ValidationResult>),
    /// An argument was missing or of an unexpected type. The graph checks make this unreachable
    /// for generated nodes; a hand-made [`NodeSpec`](crate::NodeSpec) may hit it.
    Argument {
        /// Position of the parameter.
        index: usize,
        /// What was wrong.
        problem: &'static str,
    },
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeError::Failed(e) => fmt::Display::fmt(e, f),
            NodeError::Validation(failed) => {
                let list: Vec<String> = failed.iter().map(ToString::to_string).collect();
                write!(f, "data validation failed: {}", list.join("; "))
            }
            NodeError::Argument { index, problem } => write!(f, "argument {index}: {problem}"),
        }
    }
}

/// Where one parameter of a planned node finds its value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArgRef {
    /// Slot index, or [`ArgRef::ABSENT`] for an optional value that nothing provides.
    pub(crate) slot: u32,
    /// Whether this call may move the value out of its slot (last consumer, not requested).
    pub(crate) take: bool,
}

impl ArgRef {
    pub(crate) const ABSENT: u32 = u32::MAX;
}

/// The arguments of one node call, read by position.
///
/// Generated shims first take the by-value and `Arc` parameters (which need `&mut self`), then
/// borrow the `&T` ones.
///
/// The values are either read in place from a plan's whole slot vector (the sequential
/// executor: no copy, a by-value parameter moves the value out of its slot when the plan says
/// this call is its last consumer), or gathered for this one call (every other executor): then
/// parameter `i` is `values[i]`, owned by the call. A gathered value is a shared [`Value`], so a
/// by-value parameter moves the wrapped value when no one else holds it and clones it otherwise:
/// that needs no per-parameter flag and is right whichever thread finishes with the value last.
pub struct Args<'a> {
    values: &'a mut [Option<Value>],
    /// `Some`: parameter `i` is `values[refs[i].slot]`; `None`: parameter `i` is `values[i]`.
    refs: Option<&'a [ArgRef]>,
}

const MISSING: &str = "no value was provided";
const WRONG_TYPE: &str = "the value has an unexpected type";

impl<'a> Args<'a> {
    /// Arguments read in place from a plan's slot vector, located by `refs`.
    #[inline]
    pub(crate) fn new(slots: &'a mut [Option<Value>], refs: &'a [ArgRef]) -> Self {
        Args { values: slots, refs: Some(refs) }
    }

    /// Arguments gathered for one call: parameter `i` is `values[i]` (`None` when nothing
    /// provides an optional value).
    #[inline]
    pub(crate) fn gathered(values: &'a mut [Option<Value>]) -> Self {
        Args { values, refs: None }
    }

    #[inline]
    fn slot(&self, i: usize) -> Option<&Value> {
        match self.refs {
            Some(refs) => {
                let r = refs.get(i)?;
                if r.slot == ArgRef::ABSENT { None } else { self.values[r.slot as usize].as_ref() }
            }
            None => self.values.get(i)?.as_ref(),
        }
    }

    #[inline]
    fn value_for_owned(&mut self, i: usize) -> Option<Value> {
        match self.refs {
            Some(refs) => {
                let r = *refs.get(i)?;
                if r.slot == ArgRef::ABSENT {
                    return None;
                }
                let slot = &mut self.values[r.slot as usize];
                if r.take { slot.take() } else { slot.clone() }
            }
            None => self.values.get_mut(i)?.take(),
        }
    }

    /// The number of parameters.
    pub fn len(&self) -> usize {
        self.refs.map_or(self.values.len(), <[ArgRef]>::len)
    }

    /// Whether the call has no parameters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Parameter `i` as the type-erased shared value (moved out of its slot on last use, or out
    /// of the gathered arguments).
    pub fn value(&mut self, i: usize) -> Result<Value, NodeError> {
        self.value_for_owned(i).ok_or(NodeError::Argument { index: i, problem: MISSING })
    }

    /// Borrows parameter `i` as `&T`.
    #[inline]
    pub fn get<T: 'static>(&self, i: usize) -> Result<&T, NodeError> {
        self.get_opt(i)?.ok_or(NodeError::Argument { index: i, problem: MISSING })
    }

    /// Borrows parameter `i` as `&T`, or `None` when nothing provides it.
    #[inline]
    pub fn get_opt<T: 'static>(&self, i: usize) -> Result<Option<&T>, NodeError> {
        match self.slot(i) {
            None => Ok(None),
            Some(v) => v
                .downcast_ref::<T>()
                .map(Some)
                .ok_or(NodeError::Argument { index: i, problem: WRONG_TYPE }),
        }
    }

    /// Parameter `i` by value: moved when this call is its last consumer, cloned otherwise.
    #[inline]
    pub fn owned<T: Clone + Send + Sync + 'static>(&mut self, i: usize) -> Result<T, NodeError> {
        self.owned_opt(i)?.ok_or(NodeError::Argument { index: i, problem: MISSING })
    }

    /// Parameter `i` by value, or `None` when nothing provides it.
    #[inline]
    pub fn owned_opt<T: Clone + Send + Sync + 'static>(
        &mut self,
        i: usize,
    ) -> Result<Option<T>, NodeError> {
        match self.value_for_owned(i) {
            None => Ok(None),
            Some(v) => v
                .into_inner::<T>()
                .map(Some)
                .map_err(|_| NodeError::Argument { index: i, problem: WRONG_TYPE }),
        }
    }

    /// Parameter `i` as a shared `Arc<T>` (no copy).
    #[inline]
    pub fn arc<T: Send + Sync + 'static>(&mut self, i: usize) -> Result<Arc<T>, NodeError> {
        self.arc_opt(i)?.ok_or(NodeError::Argument { index: i, problem: MISSING })
    }

    /// Parameter `i` as a shared `Arc<T>`, or `None` when nothing provides it.
    #[inline]
    pub fn arc_opt<T: Send + Sync + 'static>(
        &mut self,
        i: usize,
    ) -> Result<Option<Arc<T>>, NodeError> {
        match self.value_for_owned(i) {
            None => Ok(None),
            Some(v) => v
                .downcast_arc::<T>()
                .map(Some)
                .map_err(|_| NodeError::Argument { index: i, problem: WRONG_TYPE }),
        }
    }
}
