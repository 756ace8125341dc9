//! What the attribute emits when the function has errors (tokio-macros' habit): the errors,
//! and the user's function unchanged, so one mistake does not cascade into errors at every
//! call site and IDEs keep working. A plain-number function whose signature is fine also gets
//! a stub `NAME_grad`, so callers of the gradient do not fail too.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

use crate::diagnostics::Ctxt;
use crate::parse::{self, FnKind};

pub fn expand(item: TokenStream, error: syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    let stub = grad_stub(item.clone());
    // Expands to:
    //     ::core::compile_error! { "..." }      // one per error, each with its span
    //     fn f(x: f64) -> f64 { ... }           // the user's item, as written
    //     fn f_grad(x: f64) -> (f64, (f64,)) { unreachable!() }   // plain-number functions
    quote! {
        #errors
        #item
        #stub
    }
}

fn grad_stub(item: TokenStream) -> Option<TokenStream> {
    let cx = Ctxt::new();
    let func = parse::parse(&cx, item);
    cx.check().ok()?;
    let func = func?;
    let FnKind::Plain(_) = func.kind else {
        return None;
    };
    let signature = super::plain_number::grad_signature(&func);
    Some(quote! {
        #[allow(unused_variables, clippy::all)]
        #signature {
            ::core::unreachable!("#[differentiable] reported an error for this function")
        }
    })
    .map(|tokens| tokens.into_token_stream())
}
