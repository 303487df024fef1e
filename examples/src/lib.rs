//! Pipelines of the runnable examples (`src/bin/*`).
