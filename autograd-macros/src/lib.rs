//! `#[differentiable]`, the attribute of the `autograd` crate (re-exported there).
//!
//! The pipeline is `parse` (the arguments and the function) -> `analyze` (is a tensor body a
//! static path?) -> `expand` (plain-number gradient, static node, or the dynamic tape), with
//! every error collected in `diagnostics` and spanned on the offending code. This file only
//! converts between `proc_macro` and `proc_macro2`; the logic is in `expand::differentiable`.

#![forbid(unsafe_code)]

mod analyze;
mod attr;
mod diagnostics;
mod expand;
mod ops;
mod parse;
mod scalar;
mod symbol;
mod types;

use proc_macro::TokenStream;

/// Differentiates a function (see the `autograd` crate's documentation).
#[proc_macro_attribute]
pub fn differentiable(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::differentiable_or_fallback(attr.into(), item.into()).into()
}
