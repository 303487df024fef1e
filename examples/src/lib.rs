//! Pipelines of the runnable examples. Each module is one topic; its binary in `src/bin/` builds
//! a driver over it and prints the results.

pub mod digits;
pub mod hello_world;
