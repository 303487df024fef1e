//! Execution: the planner and the executors that share it (DESIGN §7).

pub(crate) mod args;
pub(crate) mod block;
pub(crate) mod plan;
pub(crate) mod sequential;
