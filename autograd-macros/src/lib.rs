#![forbid(unsafe_code)]
use proc_macro::TokenStream;
#[proc_macro_attribute]
pub fn differentiable(_a: TokenStream, i: TokenStream) -> TokenStream { i }
