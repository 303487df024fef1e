//! A layered (Sugiyama-style) layout, so pictures need no system Graphviz.
//!
//! 1. Layers: longest path from the sources; a source (an input or a config entry) then moves
//!    next to its first consumer, so it is not drawn far away at the start.
//! 2. Edges spanning several layers get one dummy point per layer crossed: they are routed
//!    through their own slot in each layer, never across a box.
//! 3. Order within layers: barycentre sweeps, down and up, keeping the order with the fewest
//!    crossings.
//! 4. Positions across layers: each sweep pulls nodes towards the mean of their neighbours and
//!    then solves "closest positions that keep the order and the gaps" exactly (isotonic
//!    regression by pool-adjacent-violators).
//! 5. Edges: straight inside a layer's band, a smooth S-curve across the gap between layers;
//!    ports are spread along a box side so many edges at one box stay apart.
//!
//! Coordinates are computed along the flow ("along", the layer axis) and across it, then mapped
//! to x/y by the orientation.

/// A laid-out graph: box centres, edge routes and the drawing's size (margins included).
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// Centre of each node, in screen coordinates.
    pub(crate) centers: Vec<(f64, f64)>,
    /// One route per edge, in the order given. Points alternate: `p[2k] -> p[2k+1]` is a
    /// straight segment (inside a layer's band), `p[2k+1] -> p[2k+2]` a curve across a gap.
    pub(crate) routes: Vec<Vec<(f64, f64)>>,
    pub(crate) width: f64,
    pub(crate) height: f64,
}

/// Gaps, in pixels.
const NODE_GAP: f64 = 18.0;
const DUMMY_GAP: f64 = 8.0;
const DUMMY_SIZE: f64 = 4.0;
const MARGIN: f64 = 16.0;
const MIN_LAYER_GAP: f64 = 56.0;
const MAX_LAYER_GAP: f64 = 200.0;
const ORDER_SWEEPS: usize = 24;
const POSITION_SWEEPS: usize = 12;

/// Lays out `sizes.len()` boxes of `(width, height)` joined by `edges` (`from`, `to`; the graph
/// must be acyclic). `left_to_right` picks the orientation.
pub(crate) fn layout(
    sizes: &[(f64, f64)],
    edges: &[(usize, usize)],
    left_to_right: bool,
) -> Layout {
    let n = sizes.len();
    // Sizes along and across the flow.
    let along_of = |s: (f64, f64)| if left_to_right { s.0 } else { s.1 };
    let across_of = |s: (f64, f64)| if left_to_right { s.1 } else { s.0 };

    let layer = layers(n, edges);

    // Dummy points for long edges; `chains[e]` is the node sequence of edge `e`.
    let mut layer_of = layer.clone();
    let mut along: Vec<f64> = sizes.iter().map(|&s| along_of(s)).collect();
    let mut across: Vec<f64> = sizes.iter().map(|&s| across_of(s)).collect();
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    for &(u, v) in edges {
        let mut chain = vec![u];
        for l in layer[u] + 1..layer[v] {
            chain.push(layer_of.len());
            layer_of.push(l);
            along.push(0.0);
            across.push(DUMMY_SIZE);
        }
        chain.push(v);
        chains.push(chain);
    }
    let total = layer_of.len();
    let is_dummy = |i: usize| i >= n;
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); total];
    for chain in &chains {
        for w in chain.windows(2) {
            succs[w[0]].push(w[1]);
            preds[w[1]].push(w[0]);
        }
    }
    let layer_count = layer_of.iter().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    for (i, &l) in layer_of.iter().enumerate() {
        layers[l].push(i);
    }

    order(&mut layers, &preds, &succs, total);
    // Nodes with no edge at all (a config entry only `config_when` reads) go after the others
    // of their layer, placed once the others are.
    let isolated = |i: usize| preds[i].is_empty() && succs[i].is_empty();
    for row in &mut layers {
        row.sort_by_key(|&i| isolated(i));
    }

    // Positions across: pack, then pull towards neighbours.
    let gap = |a: usize, b: usize| {
        (across[a] + across[b]) / 2.0
            + if is_dummy(a) || is_dummy(b) { DUMMY_GAP } else { NODE_GAP }
    };
    let mut pos = vec![0.0; total];
    for row in &layers {
        let mut at = 0.0;
        for (k, &i) in row.iter().enumerate() {
            if k > 0 {
                at += gap(row[k - 1], i);
            }
            pos[i] = at;
        }
    }
    for sweep in 0..POSITION_SWEEPS {
        let down = sweep % 2 == 0;
        let rows: Vec<usize> = if down {
            (1..layer_count).collect()
        } else {
            (0..layer_count.saturating_sub(1)).rev().collect()
        };
        for l in rows {
            let row = &layers[l];
            let mut targets = Vec::with_capacity(row.len());
            let mut weights = Vec::with_capacity(row.len());
            for &i in row {
                let neighbours = if down { &preds[i] } else { &succs[i] };
                if neighbours.is_empty() {
                    targets.push(pos[i]);
                    // Isolated nodes are placed afterwards: they must not pull the others.
                    weights.push(if isolated(i) { 1e-9 } else { 0.2 });
                } else {
                    let mean =
                        neighbours.iter().map(|&j| pos[j]).sum::<f64>() / neighbours.len() as f64;
                    targets.push(mean);
                    // Dummy chains weigh more: long edges should run straight.
                    weights.push(if is_dummy(i) { 4.0 } else { 1.0 });
                }
            }
            let gaps: Vec<f64> = row.windows(2).map(|w| gap(w[0], w[1])).collect();
            let placed = closest_ordered(&targets, &weights, &gaps);
            for (&i, p) in row.iter().zip(placed) {
                pos[i] = p;
            }
        }
    }
    for row in &layers {
        let mut end = row
            .iter()
            .filter(|&&i| !isolated(i))
            .map(|&i| pos[i] + across[i] / 2.0)
            .fold(f64::NEG_INFINITY, f64::max);
        for &i in row.iter().filter(|&&i| isolated(i)) {
            pos[i] = if end.is_finite() { end + NODE_GAP + across[i] / 2.0 } else { pos[i] };
            end = pos[i] + across[i] / 2.0;
        }
    }
    let low = (0..total).map(|i| pos[i] - across[i] / 2.0).fold(f64::INFINITY, f64::min);
    let low = if low.is_finite() { low } else { 0.0 };
    for p in &mut pos {
        *p += MARGIN - low;
    }
    let across_extent = (0..total).map(|i| pos[i] + across[i] / 2.0).fold(0.0, f64::max) + MARGIN;

    // Positions along: each layer is a band as thick as its thickest box; the gap after it grows
    // with how steeply its edges run, so fans stay readable.
    let thickness: Vec<f64> =
        layers.iter().map(|row| row.iter().map(|&i| along[i]).fold(0.0, f64::max)).collect();
    let mut band_start = vec![0.0; layer_count];
    let mut at = MARGIN;
    for l in 0..layer_count {
        band_start[l] = at;
        at += thickness[l];
        if l + 1 < layer_count {
            let mut steepest: f64 = 0.0;
            for &i in &layers[l] {
                for &j in &succs[i] {
                    steepest = steepest.max((pos[j] - pos[i]).abs());
                }
            }
            at += (steepest * 0.22).clamp(MIN_LAYER_GAP, MAX_LAYER_GAP);
        }
    }
    let along_extent = at + MARGIN;
    let band_end: Vec<f64> = (0..layer_count).map(|l| band_start[l] + thickness[l]).collect();
    let center_along = |i: usize| band_start[layer_of[i]] + thickness[layer_of[i]] / 2.0;

    // Ports: spread the ends of a box's edges along its side, ordered by where they go.
    let mut out_port = vec![0.0; chains.len()];
    let mut in_port = vec![0.0; chains.len()];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, chain) in chains.iter().enumerate() {
        outgoing[chain[0]].push(e);
        incoming[chain[chain.len() - 1]].push(e);
    }
    let spread =
        |list: &mut Vec<usize>, key: &dyn Fn(usize) -> f64, node: usize, ports: &mut [f64]| {
            list.sort_by(|&a, &b| key(a).total_cmp(&key(b)));
            let k = list.len();
            let room = (across[node] - 12.0).max(0.0).min(k as f64 * 10.0);
            for (slot, &e) in list.iter().enumerate() {
                let offset =
                    if k > 1 { -room / 2.0 + room * slot as f64 / (k - 1) as f64 } else { 0.0 };
                ports[e] = pos[node] + offset;
            }
        };
    for node in 0..n {
        spread(&mut outgoing[node], &|e| pos[chains[e][1]], node, &mut out_port);
        spread(&mut incoming[node], &|e| pos[chains[e][chains[e].len() - 2]], node, &mut in_port);
    }

    let to_screen = |along: f64, across: f64| {
        if left_to_right { (along, across) } else { (across, along) }
    };
    let centers: Vec<(f64, f64)> = (0..n).map(|i| to_screen(center_along(i), pos[i])).collect();
    let routes: Vec<Vec<(f64, f64)>> = chains
        .iter()
        .enumerate()
        .map(|(e, chain)| {
            let (u, v) = (chain[0], chain[chain.len() - 1]);
            let mut points = Vec::with_capacity(chain.len() * 2);
            points.push(to_screen(center_along(u) + along[u] / 2.0, out_port[e]));
            points.push(to_screen(band_end[layer_of[u]], out_port[e]));
            for &d in &chain[1..chain.len() - 1] {
                points.push(to_screen(band_start[layer_of[d]], pos[d]));
                points.push(to_screen(band_end[layer_of[d]], pos[d]));
            }
            points.push(to_screen(band_start[layer_of[v]], in_port[e]));
            points.push(to_screen(center_along(v) - along[v] / 2.0, in_port[e]));
            points
        })
        .collect();
    let (width, height) = to_screen(along_extent, across_extent);
    Layout { centers, routes, width, height }
}

/// Longest-path layers; sources then move up to just before their first consumer.
fn layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indegree = vec![0usize; n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_pred = vec![false; n];
    for &(u, v) in edges {
        indegree[v] += 1;
        succs[u].push(v);
        has_pred[v] = true;
    }
    let mut topo: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut head = 0;
    while head < topo.len() {
        let u = topo[head];
        head += 1;
        for &v in &succs[u] {
            indegree[v] -= 1;
            if indegree[v] == 0 {
                topo.push(v);
            }
        }
    }
    // A cycle cannot reach here (the graph was validated); nodes left out stay in layer 0.
    let mut layer = vec![0usize; n];
    for &u in &topo {
        for &v in &succs[u] {
            layer[v] = layer[v].max(layer[u] + 1);
        }
    }
    for &u in topo.iter().rev() {
        if !has_pred[u] && !succs[u].is_empty() {
            let first = succs[u].iter().map(|&v| layer[v]).min().unwrap_or(1);
            layer[u] = first.saturating_sub(1);
        }
    }
    layer
}

/// Orders every layer by barycentre sweeps, keeping the best order found.
fn order(layers: &mut [Vec<usize>], preds: &[Vec<usize>], succs: &[Vec<usize>], total: usize) {
    let mut index = vec![0.0f64; total];
    let reindex = |layers: &[Vec<usize>], index: &mut [f64]| {
        for row in layers {
            for (k, &i) in row.iter().enumerate() {
                index[i] = k as f64;
            }
        }
    };
    reindex(layers, &mut index);
    let mut best = layers.to_vec();
    let mut best_crossings = crossings(layers, succs, &index);
    for sweep in 0..ORDER_SWEEPS {
        let down = sweep % 2 == 0;
        let count = layers.len();
        let rows: Vec<usize> =
            if down { (1..count).collect() } else { (0..count.saturating_sub(1)).rev().collect() };
        for l in rows {
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&i| {
                    let neighbours = if down { &preds[i] } else { &succs[i] };
                    let key = if neighbours.is_empty() {
                        index[i]
                    } else {
                        neighbours.iter().map(|&j| index[j]).sum::<f64>() / neighbours.len() as f64
                    };
                    (key, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, i)| i).collect();
            for (k, &i) in layers[l].iter().enumerate() {
                index[i] = k as f64;
            }
        }
        let c = crossings(layers, succs, &index);
        if c < best_crossings {
            best_crossings = c;
            best = layers.to_vec();
        }
        if best_crossings == 0 {
            break;
        }
    }
    layers.clone_from_slice(&best);
}

/// Edge crossings between adjacent layers.
fn crossings(layers: &[Vec<usize>], succs: &[Vec<usize>], index: &[f64]) -> usize {
    let mut total = 0;
    for row in layers {
        let mut pairs: Vec<(f64, f64)> =
            row.iter().flat_map(|&u| succs[u].iter().map(move |&v| (index[u], index[v]))).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for a in 0..pairs.len() {
            for b in a + 1..pairs.len() {
                if pairs[a].0 < pairs[b].0 && pairs[a].1 > pairs[b].1 {
                    total += 1;
                }
            }
        }
    }
    total
}

/// The positions closest (weighted least squares) to `targets` that keep their order and at
/// least `gaps[k]` between item `k` and `k + 1`: isotonic regression on the targets less the
/// cumulative gaps, by pool-adjacent-violators.
fn closest_ordered(targets: &[f64], weights: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offset = Vec::with_capacity(targets.len());
    let mut at = 0.0;
    for k in 0..targets.len() {
        if k > 0 {
            at += gaps[k - 1];
        }
        offset.push(at);
    }
    // Blocks of (weighted mean, weight, item count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(targets.len());
    for k in 0..targets.len() {
        blocks.push((targets[k] - offset[k], weights[k], 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let w = w1 + w2;
            *blocks.last_mut().expect("two blocks") = ((m1 * w1 + m2 * w2) / w, w, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for (mean, _, count) in blocks {
        for _ in 0..count {
            out.push(mean + offset[out.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_ordered_keeps_order_and_gaps() {
        let placed = closest_ordered(&[10.0, 10.0, 10.0], &[1.0; 3], &[5.0, 5.0]);
        assert_eq!(placed, vec![5.0, 10.0, 15.0]);
        let free = closest_ordered(&[0.0, 100.0], &[1.0; 2], &[5.0]);
        assert_eq!(free, vec![0.0, 100.0]);
    }

    #[test]
    fn boxes_of_a_layer_do_not_overlap_and_long_edges_get_bends() {
        // a -> b -> c -> d, a -> d (long edge), x -> d (source pulled next to d).
        let sizes = vec![(60.0, 30.0); 5];
        let edges = [(0, 1), (1, 2), (2, 3), (0, 3), (4, 3)];
        let l = layout(&sizes, &edges, true);
        for i in 0..5 {
            for j in i + 1..5 {
                let (a, b) = (l.centers[i], l.centers[j]);
                let apart = (a.0 - b.0).abs() >= 60.0 || (a.1 - b.1).abs() >= 30.0;
                assert!(apart, "boxes {i} and {j} overlap: {a:?} {b:?}");
            }
        }
        // The long edge crosses two layers: two dummy slots, four more points.
        assert_eq!(l.routes[3].len(), 8);
        // x sits in the layer just before d.
        assert!(l.centers[4].0 > l.centers[1].0);
    }
}
