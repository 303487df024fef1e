//! Map/collect blocks: which nodes run once per item, and the shapes a block may take.
//!
//! The block of an expand node `E` (one returning `Parallelizable<T>`) is every node that depends
//! on `E` other than through a `Collect` parameter, directly or through other block nodes. A
//! `Collect` parameter gathers a block node's values (or `E`'s items themselves) for a node
//! outside the block. Contracting each block to one unit must leave the graph acyclic: a block
//! runs as a whole, after everything it reads and before everything that collects from it.

use super::Graph;
use crate::error::Problem;
use crate::registry::ParamKind;

/// No block: the node runs once.
pub(crate) const NONE: u32 = u32::MAX;

/// One map/collect block.
pub(crate) struct Block {
    /// The expand node.
    pub(crate) expand: u32,
    /// The nodes that run once per item, in topological order.
    pub(crate) members: Vec<u32>,
}

/// Every block of a graph, and an order of the graph with each block as one unit.
#[derive(Default)]
pub(crate) struct Blocks {
    pub(crate) blocks: Vec<Block>,
    /// For each node, the block it belongs to, or [`NONE`]. Empty when there is no block.
    pub(crate) block_of: Vec<u32>,
    /// For each node, the block it expands, or [`NONE`]. Empty when there is no block.
    pub(crate) expands: Vec<u32>,
    /// A topological order of the nodes outside blocks and of the blocks (`n + b` stands for
    /// block `b`, where `n` is the number of nodes).
    pub(crate) schedule: Vec<u32>,
}

impl Blocks {
    pub(crate) fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The block node `i` belongs to, or [`NONE`].
    #[inline]
    pub(crate) fn block_of(&self, i: u32) -> u32 {
        self.block_of.get(i as usize).copied().unwrap_or(NONE)
    }

    /// The block that expand node `i` starts, or [`NONE`].
    #[inline]
    pub(crate) fn expanded_by(&self, i: u32) -> u32 {
        self.expands.get(i as usize).copied().unwrap_or(NONE)
    }
}

impl Graph {
    /// Whether parameter `k` of node `i` is a `Collect<T>`.
    pub(crate) fn is_collect_param(&self, i: u32, k: usize) -> bool {
        self.node(i).spec().is_some_and(|s| s.params[k].kind == ParamKind::Collect)
    }

    /// The block whose values a `Collect` parameter gathers when it names node `d`: the block of
    /// `d`, or the block `d` expands (a collect of the items themselves).
    pub(crate) fn gathered_block(&self, d: u32) -> u32 {
        match self.blocks.expanded_by(d) {
            NONE => self.blocks.block_of(d),
            b => b,
        }
    }
}

/// Finds the blocks of `graph` (whose `topo` is set) and checks their shapes.
pub(crate) fn analyse(graph: &mut Graph, problems: &mut Vec<Problem>) {
    let n = graph.nodes.len();
    let expand_nodes: Vec<u32> =
        graph.topo.iter().copied().filter(|&i| graph.node(i).expand().is_some()).collect();
    let has_collect =
        (0..n as u32).any(|i| (0..graph.deps_of(i).len()).any(|k| graph.is_collect_param(i, k)));
    if expand_nodes.is_empty() && !has_collect {
        return;
    }
    let mut blocks: Vec<Block> = Vec::with_capacity(expand_nodes.len());
    let mut block_of = vec![NONE; n];
    let mut expands = vec![NONE; n];
    for (b, &e) in expand_nodes.iter().enumerate() {
        expands[e as usize] = b as u32;
        blocks.push(Block { expand: e, members: Vec::new() });
    }
    // Blocks, walking users by non-collect edges. A node reached from a second expand is in two
    // blocks (reported once); an expand reached from another is nested (not walked through).
    let mut reported_twice = vec![false; n];
    let mut in_this = vec![false; n];
    for (b, &e) in expand_nodes.iter().enumerate() {
        in_this.iter_mut().for_each(|x| *x = false);
        let mut stack = vec![e];
        while let Some(x) = stack.pop() {
            for &u in graph.users_of(x) {
                if in_this[u as usize] || !per_item_edge(graph, u, x) {
                    continue;
                }
                in_this[u as usize] = true;
                if graph.node(u).expand().is_some() {
                    problems.push(Problem::NestedBlock {
                        inner: graph.node(u).site(),
                        outer: graph.node(e).site(),
                    });
                    continue;
                }
                let first = block_of[u as usize];
                if first == NONE {
                    block_of[u as usize] = b as u32;
                } else if !std::mem::replace(&mut reported_twice[u as usize], true) {
                    problems.push(Problem::NodeInTwoBlocks {
                        node: graph.node(u).site(),
                        first: graph.node(blocks[first as usize].expand).site(),
                        second: graph.node(e).site(),
                    });
                }
                stack.push(u);
            }
        }
    }
    for &i in &graph.topo {
        let b = block_of[i as usize];
        if b != NONE {
            blocks[b as usize].members.push(i);
        }
    }
    graph.blocks = Blocks { blocks, block_of, expands, schedule: Vec::new() };

    // Collect parameters must gather a block node or an expand node's items.
    for i in 0..n as u32 {
        for (k, &d) in graph.deps_of(i).iter().enumerate() {
            if graph.is_collect_param(i, k) && graph.gathered_block(d) == NONE {
                let producer = graph.node(d);
                problems.push(Problem::CollectWithoutBlock {
                    collector: graph.node(i).site(),
                    name: producer.name.to_string(),
                    producer: producer.spec().map(|s| s.site()),
                });
            }
        }
    }
    if problems.is_empty() {
        schedule(graph, problems);
    }
}

/// Whether node `u` takes `x` per item: by a parameter other than `Collect`.
fn per_item_edge(graph: &Graph, u: u32, x: u32) -> bool {
    graph.deps_of(u).iter().enumerate().any(|(k, &d)| d == x && !graph.is_collect_param(u, k))
}

/// Orders the graph with each block contracted to one unit (Kahn's algorithm), or reports the
/// blocks that cannot be ordered: those that collect from themselves, or need a node that needs
/// them.
fn schedule(graph: &mut Graph, problems: &mut Vec<Problem>) {
    let n = graph.nodes.len();
    let units = n + graph.blocks.blocks.len();
    let unit = |i: u32| match graph.blocks.block_of(i) {
        NONE => i as usize,
        b => n + b as usize,
    };
    // Unit edges (from, to), deduplicated later by counting only once per pair.
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for i in 0..n as u32 {
        let to = unit(i);
        for (k, &d) in graph.deps_of(i).iter().enumerate() {
            let from = if graph.is_collect_param(i, k) {
                n + graph.gathered_block(d) as usize
            } else {
                unit(d)
            };
            if from == to {
                if graph.is_collect_param(i, k) {
                    let b = graph.gathered_block(d);
                    let expand = graph.blocks.blocks[b as usize].expand;
                    problems.push(Problem::BlockCycle {
                        expand: graph.node(expand).site(),
                        nodes: vec![graph.node(i).site()],
                    });
                }
                continue;
            }
            edges.push((from as u32, to as u32));
        }
    }
    // Every block also follows its expand node.
    for (b, block) in graph.blocks.blocks.iter().enumerate() {
        edges.push((block.expand, (n + b) as u32));
    }
    if !problems.is_empty() {
        return;
    }
    edges.sort_unstable();
    edges.dedup();
    let mut start = vec![0u32; units + 1];
    for &(from, _) in &edges {
        start[from as usize + 1] += 1;
    }
    for u in 0..units {
        start[u + 1] += start[u];
    }
    let mut pending = vec![0u32; units];
    for &(_, to) in &edges {
        pending[to as usize] += 1;
    }
    let is_unit = |u: usize| u >= n || graph.blocks.block_of(u as u32) == NONE;
    let mut order: Vec<u32> =
        (0..units).filter(|&u| is_unit(u) && pending[u] == 0).map(|u| u as u32).collect();
    let mut head = 0;
    while head < order.len() {
        let u = order[head] as usize;
        head += 1;
        for &(_, to) in &edges[start[u] as usize..start[u + 1] as usize] {
            pending[to as usize] -= 1;
            if pending[to as usize] == 0 {
                order.push(to);
            }
        }
    }
    let expected = (0..units).filter(|&u| is_unit(u)).count();
    if order.len() == expected {
        graph.blocks.schedule = order;
        return;
    }
    // Each stuck block, with the nodes outside blocks on its loop: stuck nodes from which the
    // block is reached again (walking the unit edges backwards from the block).
    for (b, block) in graph.blocks.blocks.iter().enumerate() {
        if pending[n + b] == 0 {
            continue;
        }
        let mut upstream = vec![false; units];
        let mut stack = vec![(n + b) as u32];
        while let Some(to) = stack.pop() {
            for &(from, _) in edges.iter().filter(|e| e.1 == to) {
                if pending[from as usize] > 0
                    && !std::mem::replace(&mut upstream[from as usize], true)
                {
                    stack.push(from);
                }
            }
        }
        let nodes = (0..n)
            .filter(|&u| is_unit(u) && upstream[u])
            .map(|u| graph.node(u as u32).site())
            .collect();
        problems.push(Problem::BlockCycle { expand: graph.node(block.expand).site(), nodes });
    }
}
