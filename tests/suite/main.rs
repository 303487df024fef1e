//! Integration tests of hamilton-core: one module per behaviour.

mod smoke;
