//! Integration tests of hamilton-core live in `suite/` (one file per behaviour); compile-fail UI
//! tests of the macros are the `hamilton-ui-tests` package in `ui/`. This library is empty.
