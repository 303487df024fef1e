//! The generated benchmark graphs (see `build.rs`): one module per shape and size, each with its
//! own `MODULE` handle, plus a descriptor of each for the harness.

use hamilton_core::ModuleRef;

/// Declares one module per generated file; the N = 10000 graphs only with feature `large`.
macro_rules! generated {
    ($($(#[$attr:meta])* $name:ident;)*) => {$(
        $(#[$attr])*
        // The definitions' arithmetic (`x + 0`) and its 10-ary and N-ary sums, kept as written.
        #[allow(clippy::identity_op, clippy::too_many_arguments)]
        pub(crate) mod $name {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
        }
    )*};
}

generated! {
    chain_100;
    chain_1000;
    #[cfg(feature = "large")]
    chain_10000;
    fanin_100;
    fanin_1000;
    #[cfg(feature = "large")]
    fanin_10000;
    fantree_100;
    fantree_1000;
    #[cfg(feature = "large")]
    fantree_10000;
}

/// A chain node as a plain function.
pub(crate) type ChainFn = fn(i64) -> i64;

/// The three W1 shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Chain,
    Fanin,
    Fantree,
}

impl Shape {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Shape::Chain => "chain",
            Shape::Fanin => "fanin",
            Shape::Fantree => "fantree",
        }
    }
}

/// One generated graph.
pub(crate) struct Graph {
    pub(crate) shape: Shape,
    pub(crate) n: usize,
    pub(crate) module: ModuleRef,
    /// The chain's functions in order (chain only), for the direct-call baseline.
    pub(crate) functions: Option<&'static [ChainFn]>,
}

impl Graph {
    /// The number of function nodes (the graph has one more node: the input `x`).
    pub(crate) fn function_nodes(&self) -> usize {
        match self.shape {
            Shape::Chain => self.n,
            Shape::Fanin => self.n + 1,
            Shape::Fantree => {
                let (mut total, mut level) = (0, self.n);
                while level >= 1 {
                    total += level;
                    level /= 10;
                }
                total
            }
        }
    }

    /// The node the W1 check (and W2) requests.
    pub(crate) fn output(&self) -> String {
        match self.shape {
            Shape::Chain => format!("node_{}", self.n - 1),
            Shape::Fanin | Shape::Fantree => "total".to_string(),
        }
    }

    /// The value of [`output`](Graph::output) for `x = 0`.
    pub(crate) fn expected(&self) -> i64 {
        let n = self.n as i64;
        match self.shape {
            Shape::Chain => n,
            Shape::Fanin | Shape::Fantree => n * (n - 1) / 2,
        }
    }
}

/// Every graph compiled into this binary, by shape then size.
pub(crate) fn all() -> Vec<Graph> {
    let chain = |n, module, functions: &'static [ChainFn]| Graph {
        shape: Shape::Chain,
        n,
        module,
        functions: Some(functions),
    };
    let other = |shape, n, module| Graph { shape, n, module, functions: None };
    vec![
        chain(100, chain_100::MODULE, &chain_100::FUNCTIONS),
        chain(1000, chain_1000::MODULE, &chain_1000::FUNCTIONS),
        #[cfg(feature = "large")]
        chain(10_000, chain_10000::MODULE, &chain_10000::FUNCTIONS),
        other(Shape::Fanin, 100, fanin_100::MODULE),
        other(Shape::Fanin, 1000, fanin_1000::MODULE),
        #[cfg(feature = "large")]
        other(Shape::Fanin, 10_000, fanin_10000::MODULE),
        other(Shape::Fantree, 100, fantree_100::MODULE),
        other(Shape::Fantree, 1000, fantree_1000::MODULE),
        #[cfg(feature = "large")]
        other(Shape::Fantree, 10_000, fantree_10000::MODULE),
    ]
}
