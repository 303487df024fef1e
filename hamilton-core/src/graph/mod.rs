//! The validated graph: nodes in flat vectors, edges as index ranges, a topological order.
//!
//! [`build`](build::build) resolves config variants, links every parameter to its producer (a
//! function, a config entry, or an external input), checks types and looks for cycles, reporting
//! every problem at once. Lineage queries live in [`lineage`].

pub(crate) mod build;
mod cycle;
pub(crate) mod lineage;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use crate::error::Site;
use crate::registry::{NodeSpec, Str, TypeSpec};
use crate::values::Entry;

/// Node name to node index. Names are identifiers chosen by the program's author, not untrusted
/// input, so a fast non-cryptographic hash serves (building is dominated by these lookups).
pub(crate) type NameIndex = HashMap<Str, u32, BuildHasherDefault<NameHasher>>;

/// Multiply-rotate hashing, 8 bytes at a time, with a final mix so the low bits (which pick the
/// bucket) depend on every byte.
#[derive(Default)]
pub(crate) struct NameHasher(u64);

const MUL: u64 = 0xf135_7aea_2e62_a9c5;

impl NameHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(MUL);
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// A node spec, borrowed from a `static` or owned (hand-made nodes).
#[derive(Clone)]
pub(crate) enum SpecRef {
    Static(&'static NodeSpec),
    Owned(Arc<NodeSpec>),
}

impl Deref for SpecRef {
    type Target = NodeSpec;
    fn deref(&self) -> &NodeSpec {
        match self {
            SpecRef::Static(s) => s,
            SpecRef::Owned(s) => s,
        }
    }
}

impl SpecRef {
    /// Identity of the spec (to drop a spec selected twice through overlapping modules).
    pub(crate) fn addr(&self) -> usize {
        let p: *const NodeSpec = &**self;
        p as usize
    }
}

/// What a graph node is.
pub(crate) enum NodeKind {
    /// A `#[node]` function (or a hand-made spec).
    Function(SpecRef),
    /// A config entry, known at build time.
    Config(Entry),
    /// A value that must come from inputs (or overrides) at run time.
    External,
}

/// One node of the graph.
pub(crate) struct GraphNode {
    pub(crate) name: Str,
    pub(crate) kind: NodeKind,
    /// The type of the value this node holds.
    pub(crate) ty: TypeSpec,
}

impl GraphNode {
    pub(crate) fn spec(&self) -> Option<&SpecRef> {
        match &self.kind {
            NodeKind::Function(s) => Some(s),
            _ => None,
        }
    }

    /// Where the node's function is; for inputs and config, only the name is known.
    pub(crate) fn site(&self) -> Site {
        match self.spec() {
            Some(spec) => spec.site(),
            None => Site {
                node: self.name.to_string(),
                function: self.name.to_string(),
                module: String::new(),
                file: String::new(),
                line: 0,
            },
        }
    }
}

/// The validated graph. Indices are `u32`; edges are stored in compressed rows.
pub(crate) struct Graph {
    pub(crate) nodes: Vec<GraphNode>,
    pub(crate) index: NameIndex,
    /// For node `i`, `deps[dep_start[i]..dep_start[i + 1]]` is the producer of each parameter.
    pub(crate) deps: Vec<u32>,
    pub(crate) dep_start: Vec<u32>,
    /// For node `i`, `users[user_start[i]..user_start[i + 1]]` are the nodes that consume it.
    pub(crate) users: Vec<u32>,
    pub(crate) user_start: Vec<u32>,
    /// A topological order of all nodes (producers before consumers).
    pub(crate) topo: Vec<u32>,
    /// Config variants whose conditions did not hold: not part of the graph, kept to explain a
    /// missing input of their name.
    pub(crate) inactive: Vec<SpecRef>,
    /// The config keys that some condition reads or that replace a node of their name.
    pub(crate) config_reads: Vec<Str>,
}

impl Graph {
    #[inline]
    pub(crate) fn deps_of(&self, i: u32) -> &[u32] {
        &self.deps[self.dep_start[i as usize] as usize..self.dep_start[i as usize + 1] as usize]
    }

    #[inline]
    pub(crate) fn users_of(&self, i: u32) -> &[u32] {
        &self.users[self.user_start[i as usize] as usize..self.user_start[i as usize + 1] as usize]
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    pub(crate) fn node(&self, i: u32) -> &GraphNode {
        &self.nodes[i as usize]
    }

    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.name.as_ref())
    }
}
