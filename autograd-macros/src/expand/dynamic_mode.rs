//! The dynamic fallback: the body runs as written and every op records its own graph node.

use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::parse::Function;

/// Expands to the user's function, unchanged: the runtime's ops already record themselves on
/// the tape, so nothing needs generating. It is always correct, only slower than the static
/// path.
pub fn expand(func: &Function) -> TokenStream {
    func.item.to_token_stream()
}
