//! Integration tests of hamilton-core live in `suite/` (one file per behaviour) and compile-fail
//! UI tests of the macros in `ui/`. This library is empty.
