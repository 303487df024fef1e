//! `#[check_output]` in the graph: x_raw, validator result nodes, the validated x, warn and fail.
