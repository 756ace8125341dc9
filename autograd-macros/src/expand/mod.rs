//! The pipeline (thiserror-impl's shape): parse the arguments and the function, check them,
//! pick the expansion. Everything here works on `proc_macro2` tokens so unit tests (and a
//! future fuzz target) can call [`differentiable`] directly.

mod dynamic_mode;
mod fallback;
mod plain_number;
mod static_mode;

use proc_macro2::{Span, TokenStream};

use crate::analyze::analyze;
use crate::attr::{Args, Mode};
use crate::diagnostics::Ctxt;
use crate::parse::{self, FnKind, Function};

/// `#[differentiable(attr)] item`, or every error found in it.
pub fn differentiable(attr: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let cx = Ctxt::new();
    let args = Args::parse(&cx, attr);
    let expanded = parse::parse(&cx, item).and_then(|func| expand(&cx, &args, &func));
    cx.check()?;
    // Every `None` above recorded an error, so this is unreachable; it is an error rather
    // than a panic because a proc macro must never panic in a user's build.
    expanded.ok_or_else(|| {
        syn::Error::new(
            Span::call_site(),
            "#[differentiable]: internal error (no expansion and no error); please report it",
        )
    })
}

/// What the attribute emits: the expansion, or the errors beside the user's function.
pub fn differentiable_or_fallback(attr: TokenStream, item: TokenStream) -> TokenStream {
    match differentiable(attr, item.clone()) {
        Ok(expanded) => expanded,
        Err(error) => fallback::expand(item, error),
    }
}

fn expand(cx: &Ctxt, args: &Args, func: &Function) -> Option<TokenStream> {
    match &func.kind {
        FnKind::Plain(float) => {
            if let Mode::Dynamic(span) = args.mode {
                cx.error_at(span, "`dynamic` applies to tensor functions: a plain-number function's gradient is always generated at compile time");
                return None;
            }
            plain_number::expand(cx, func, *float)
        }
        FnKind::Tensor(ret) => match (args.mode, analyze(func, ret)) {
            (Mode::Dynamic(_), _) | (Mode::Auto, Err(_)) => Some(dynamic_mode::expand(func)),
            (Mode::Static, Err(not_static)) => {
                cx.syn_error(not_static.into_error());
                None
            }
            (Mode::Static | Mode::Auto, Ok(body)) => Some(static_mode::expand(args, func, &body)),
        },
    }
}

#[cfg(test)]
mod tests;
