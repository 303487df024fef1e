//! Compile-fail UI tests of the macros: one case per file in `cases/`, with the expected compiler
//! output beside it (`.stderr`). This library is empty.
