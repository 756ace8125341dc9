//! The static expansion: one graph node named after the function, whose backward is the
//! generated adjoint code (DESIGN.md, "Static expansion").
//!
//! Phase 1: the analysis already decides which bodies are static (and `static` on any other
//! body is a compile error), but a static body still runs on the tape. Phase 2 replaces
//! [`expand`]'s body with the generated node, built from [`StaticBody`] and the op table, with
//! chains of elementwise ops fused through the scalar engine (`crate::scalar`), and the
//! facade path from `args.krate`.

use proc_macro2::TokenStream;

use super::dynamic_mode;
use crate::analyze::StaticBody;
use crate::attr::Args;
use crate::parse::Function;

pub fn expand(_args: &Args, func: &Function, _body: &StaticBody) -> TokenStream {
    // Expands to (phase 1): the user's function, as the dynamic mode does.
    dynamic_mode::expand(func)
}
