//! Reporting cycles as readable paths.

use super::Graph;
use crate::error::Problem;

/// Finds one cycle through each group of nodes that a topological sort could not order.
///
/// Every such node has a dependency that is itself unordered, so following dependencies from
/// any of them must come back to a node already on the walk: that loop is a cycle. Walks are
/// iterative, so long cycles cannot overflow the stack.
pub(super) fn find_cycles(graph: &Graph, stuck: &[u32]) -> Vec<Problem> {
    const FRESH: u8 = 0;
    const ON_WALK: u8 = 1;
    const DONE: u8 = 2;
    let n = graph.nodes.len();
    let mut in_stuck = vec![false; n];
    for &s in stuck {
        in_stuck[s as usize] = true;
    }
    let mut state = vec![FRESH; n];
    let mut problems = Vec::new();
    for &start in stuck {
        if state[start as usize] != FRESH {
            continue;
        }
        let mut walk: Vec<u32> = Vec::new();
        let mut cur = start;
        loop {
            match state[cur as usize] {
                DONE => break,
                ON_WALK => {
                    let from = walk.iter().position(|&w| w == cur).unwrap_or(0);
                    problems.push(cycle_problem(graph, &walk[from..]));
                    break;
                }
                _ => {}
            }
            state[cur as usize] = ON_WALK;
            walk.push(cur);
            match graph.deps_of(cur).iter().copied().find(|&d| in_stuck[d as usize]) {
                Some(next) => cur = next,
                None => break,
            }
        }
        for w in walk {
            state[w as usize] = DONE;
        }
    }
    problems
}

/// `walk` follows dependencies (consumer to producer); the report shows data flow, starting at
/// the alphabetically first node so that the same cycle always reads the same.
fn cycle_problem(graph: &Graph, walk: &[u32]) -> Problem {
    let mut flow: Vec<u32> = walk.iter().rev().copied().collect();
    let first = (0..flow.len()).min_by_key(|&i| graph.node(flow[i]).name.as_ref()).unwrap_or(0);
    flow.rotate_left(first);
    flow.push(flow[0]);
    let path = flow.iter().filter_map(|&i| graph.node(i).spec().map(|s| s.site())).collect();
    Problem::Cycle { path }
}
