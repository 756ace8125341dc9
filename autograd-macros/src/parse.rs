//! The annotated item: a function the macro can handle, or spanned errors saying why not.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{FnArg, GenericParam, Ident, Item, ItemFn, Pat, ReturnType, Signature, Type};

use crate::diagnostics::Ctxt;
use crate::types::{classify_param, classify_return, FloatTy, ParamTy, ReturnTy};

/// A function accepted by the macro.
pub struct Function {
    /// The user's function, unchanged (every expansion emits it).
    pub item: ItemFn,
    pub params: Vec<Param>,
    pub kind: FnKind,
}

pub struct Param {
    pub ident: Ident,
    pub ty: Type,
    pub class: ParamTy,
}

pub enum FnKind {
    /// Parameters and result are floats (or nalgebra arrays of them) of one type.
    Plain(FloatTy),
    /// At least one `Tensor`/`&Tensor` parameter; the result is a `Tensor` or a tuple of them.
    Tensor(ReturnTy),
}

const PLAIN_TYPES: &str = "`f32`, `f64` or a nalgebra fixed-size `SVector`/`SMatrix`";
const TENSOR_TYPES: &str = "`Tensor`, `&Tensor`, `f32`, `f64`, an integer or `bool`";

/// Parses and validates the item, recording every problem in `cx`. `None` when there were
/// errors (at least one is recorded then).
pub fn parse(cx: &Ctxt, item: TokenStream) -> Option<Function> {
    let item = match syn::parse2::<Item>(item) {
        Ok(Item::Fn(item)) => item,
        Ok(other) => {
            not_a_function(cx, &other);
            return None;
        }
        Err(error) => {
            cx.syn_error(error);
            return None;
        }
    };
    check_qualifiers(cx, &item.sig);
    let params = parse_params(cx, &item.sig);
    // A parameter rejected above, or one of a generic type, would make "no differentiable
    // parameter" a false alarm.
    let generic = item.sig.generics.type_params().next().is_some();
    let kind = if params.len() == item.sig.inputs.len() && !generic {
        classify(cx, &item.sig, &params)
    } else {
        None
    };
    if cx.has_errors() {
        return None;
    }
    Some(Function {
        item,
        params,
        kind: kind?,
    })
}

fn not_a_function(cx: &Ctxt, item: &Item) {
    // Span the item's keyword and name: tight, and on the line the user is looking at.
    let (tokens, what) = match item {
        Item::Struct(s) => (pair(&s.struct_token, &s.ident), "a struct"),
        Item::Enum(e) => (pair(&e.enum_token, &e.ident), "an enum"),
        Item::Const(c) => (pair(&c.const_token, &c.ident), "a constant"),
        Item::Static(s) => (pair(&s.static_token, &s.ident), "a static"),
        Item::Impl(i) => (pair(&i.impl_token, &i.self_ty), "an impl block"),
        Item::Trait(t) => (pair(&t.trait_token, &t.ident), "a trait"),
        Item::Mod(m) => (pair(&m.mod_token, &m.ident), "a module"),
        Item::Type(t) => (pair(&t.type_token, &t.ident), "a type alias"),
        other => (other.to_token_stream(), "this item"),
    };
    cx.error_spanned_by(
        tokens,
        format!("#[differentiable] can only be applied to a function, not to {what}"),
    );
}

fn pair(first: &impl ToTokens, second: &impl ToTokens) -> TokenStream {
    let mut tokens = first.to_token_stream();
    second.to_tokens(&mut tokens);
    tokens
}

fn check_qualifiers(cx: &Ctxt, sig: &Signature) {
    if let Some(token) = &sig.constness {
        cx.error_spanned_by(token, "#[differentiable] does not support `const fn`: the generated gradient code cannot run in const context");
    }
    if let Some(token) = &sig.asyncness {
        cx.error_spanned_by(token, "#[differentiable] does not support `async fn`: differentiate a synchronous function and call it from async code");
    }
    if let Some(token) = &sig.unsafety {
        cx.error_spanned_by(token, "#[differentiable] does not support `unsafe fn`: move the unsafe code out of the differentiated function");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(abi, "#[differentiable] does not support `extern` functions");
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(
            variadic,
            "#[differentiable] does not support variadic functions",
        );
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(_) => {}
            GenericParam::Type(_) | GenericParam::Const(_) => cx.error_spanned_by(
                param,
                format!(
                    "#[differentiable] does not support generic parameters: the macro needs \
                     concrete types ({PLAIN_TYPES}, or `Tensor`)"
                ),
            ),
        }
    }
    if let Some(clause) = &sig.generics.where_clause {
        // Spanned by the keyword: an empty clause has no other tokens to point at.
        cx.error_spanned_by(
            clause.where_token,
            "#[differentiable] does not support `where` clauses",
        );
    }
}

fn parse_params(cx: &Ctxt, sig: &Signature) -> Vec<Param> {
    let mut params = Vec::new();
    for arg in &sig.inputs {
        let typed = match arg {
            FnArg::Receiver(receiver) => {
                cx.error_spanned_by(
                    receiver,
                    "#[differentiable] does not support `self` receivers: write a free (or associated) function taking the values it differentiates",
                );
                continue;
            }
            FnArg::Typed(typed) => typed,
        };
        match &*typed.pat {
            Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => params.push(Param {
                ident: pat.ident.clone(),
                ty: (*typed.ty).clone(),
                class: classify_param(&typed.ty),
            }),
            pat => cx.error_spanned_by(
                pat,
                "#[differentiable] does not support this parameter pattern: bind each parameter to a plain name (`x: f64`) and destructure inside the body",
            ),
        }
    }
    params
}

fn classify(cx: &Ctxt, sig: &Signature, params: &[Param]) -> Option<FnKind> {
    let ret = match &sig.output {
        ReturnType::Type(_, ty) => Some(classify_return(ty)),
        ReturnType::Default => None,
    };
    let tensor_fn = params.iter().any(|p| p.class.is_tensor())
        || matches!(ret, Some(ReturnTy::Tensor | ReturnTy::TensorTuple(_)));
    let differentiable = params
        .iter()
        .any(|p| matches!(p.class, ParamTy::Float(_) | ParamTy::Array(_)) || p.class.is_tensor());
    if !differentiable || (tensor_fn && !params.iter().any(|p| p.class.is_tensor())) {
        cx.error_at(
            params_span(sig),
            format!(
                "no differentiable parameter: #[differentiable] needs a parameter of type {PLAIN_TYPES} (a plain-number function) or `Tensor`/`&Tensor` (a tensor function)"
            ),
        );
        return None;
    }
    if tensor_fn {
        classify_tensor_fn(cx, sig, params, ret)
    } else {
        classify_plain_fn(cx, sig, params, ret)
    }
}

fn classify_tensor_fn(
    cx: &Ctxt,
    sig: &Signature,
    params: &[Param],
    ret: Option<ReturnTy>,
) -> Option<FnKind> {
    for param in params {
        if matches!(param.class, ParamTy::Array(_) | ParamTy::Unsupported) {
            cx.error_spanned_by(
                &param.ty,
                format!("unsupported parameter type in a tensor function: expected {TENSOR_TYPES}"),
            );
        }
    }
    match ret {
        Some(ret @ (ReturnTy::Tensor | ReturnTy::TensorTuple(_))) => Some(FnKind::Tensor(ret)),
        _ => {
            return_error(
                cx,
                sig,
                "a tensor function returns `Tensor` or a tuple of `Tensor`s",
            );
            None
        }
    }
}

fn classify_plain_fn(
    cx: &Ctxt,
    sig: &Signature,
    params: &[Param],
    ret: Option<ReturnTy>,
) -> Option<FnKind> {
    let ret_float = match ret {
        Some(ReturnTy::Float(float)) => Some(float),
        _ => {
            return_error(
                cx,
                sig,
                "a plain-number function returns `f32` or `f64` (its gradient is taken with respect to every parameter)",
            );
            None
        }
    };
    let first_param_float = params.iter().find_map(|p| param_float(&p.class));
    let float = ret_float.or(first_param_float)?;
    for param in params {
        match param_float(&param.class) {
            Some(f) if f == float => {}
            Some(_) => cx.error_spanned_by(
                &param.ty,
                format!(
                    "a plain-number function uses one float type: expected `{}` here, like the rest of the signature",
                    float.symbol()
                ),
            ),
            None => cx.error_spanned_by(
                &param.ty,
                format!("unsupported parameter type in a plain-number function: expected {PLAIN_TYPES}"),
            ),
        }
    }
    if let (Some(ret_float), ReturnType::Type(_, ty)) = (ret_float, &sig.output) {
        if ret_float != float {
            cx.error_spanned_by(ty, "a plain-number function uses one float type");
        }
    }
    Some(FnKind::Plain(float))
}

fn param_float(class: &ParamTy) -> Option<FloatTy> {
    match class {
        ParamTy::Float(f) => Some(*f),
        ParamTy::Array(a) => Some(a.elem),
        _ => None,
    }
}

fn return_error(cx: &Ctxt, sig: &Signature, expected: &str) {
    match &sig.output {
        ReturnType::Type(_, ty) => {
            cx.error_spanned_by(ty, format!("unsupported return type: {expected}"));
        }
        ReturnType::Default => cx.error_at(
            sig.paren_token.span.close(),
            format!("missing return type: {expected}"),
        ),
    }
}

/// The parenthesised parameter list, for errors about the parameters as a whole.
fn params_span(sig: &Signature) -> Span {
    sig.paren_token.span.join()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors(item: TokenStream) -> Vec<String> {
        let cx = Ctxt::new();
        let parsed = parse(&cx, item);
        let result = cx.check();
        assert_eq!(parsed.is_some(), result.is_ok());
        match result {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn plain_and_tensor_functions_are_accepted() {
        assert!(errors(quote!(
            fn f(x: f64, y: f64) -> f64 {
                x * y
            }
        ))
        .is_empty());
        assert!(errors(quote!(
            fn f(x: &Tensor, s: f64, d: usize) -> Tensor {
                x * s
            }
        ))
        .is_empty());
        assert!(errors(quote!(
            fn f<'a>(x: &'a Tensor) -> (Tensor, Tensor) {
                (x.exp(), x.sin())
            }
        ))
        .is_empty());
    }

    #[test]
    fn every_signature_problem_is_reported_at_once() {
        let all = errors(quote!(
            async unsafe fn f<T>((a, b): (f64, f64), c: f64) -> f64 {
                c
            }
        ));
        assert_eq!(all.len(), 4, "{all:?}");
        assert!(all[0].contains("`async fn`"));
        assert!(all[1].contains("`unsafe fn`"));
        assert!(all[2].contains("generic parameters"));
        assert!(all[3].contains("parameter pattern"));
    }

    #[test]
    fn not_a_function() {
        let all = errors(quote!(
            struct S;
        ));
        assert_eq!(
            all,
            ["#[differentiable] can only be applied to a function, not to a struct"]
        );
    }

    #[test]
    fn no_differentiable_parameter() {
        assert!(errors(quote!(
            fn f(n: usize) -> f64 {
                1.0
            }
        ))[0]
            .starts_with("no differentiable parameter"));
        assert!(errors(quote!(
            fn f() -> Tensor {
                todo!()
            }
        ))[0]
            .starts_with("no differentiable parameter"));
    }

    #[test]
    fn return_types() {
        assert!(errors(quote!(
            fn f(x: f64) -> String {
                todo!()
            }
        ))[0]
            .starts_with("unsupported return type"));
        assert!(errors(quote!(
            fn f(x: f64) {}
        ))[0]
            .starts_with("missing return type"));
        assert!(errors(quote!(
            fn f(x: &Tensor) -> f64 {
                1.0
            }
        ))[0]
            .contains("returns `Tensor`"));
    }

    #[test]
    fn one_float_type() {
        let all = errors(quote!(
            fn f(x: f32, y: f64) -> f32 {
                x
            }
        ));
        assert_eq!(all.len(), 1);
        assert!(all[0].contains("expected `f32`"));
    }
}
