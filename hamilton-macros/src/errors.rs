//! Accumulating compile errors, so that one compile shows every mistake.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fmt::Display;

/// Collected errors; each becomes a `compile_error!` at its own span.
#[derive(Default)]
pub(crate) struct Errors {
    all: Option<syn::Error>,
}

impl Errors {
    /// Adds an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.all {
            Some(all) => all.combine(error),
            None => self.all = Some(error),
        }
    }

    /// Adds an error spanning `tokens` (from their first to their last token).
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Whether no error was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.all.is_none()
    }

    /// One `compile_error!` per error, each at its own span.
    pub(crate) fn into_tokens(self) -> TokenStream {
        self.all.map(|e| e.to_compile_error()).unwrap_or_default()
    }
}
