//! The attribute's arguments: `#[differentiable]`, `#[differentiable(static)]`,
//! `#[differentiable(dynamic)]`, each optionally with `crate = path` (tokio-macros' habits:
//! a span per argument, duplicates rejected, unknown keys answered with the valid ones).

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Path, Token};

use crate::diagnostics::Ctxt;
use crate::symbol::{Symbol, CRATE, DEFAULT_CRATE, DYNAMIC, STATIC};

/// How a tensor function's backward is built.
#[derive(Copy, Clone, Debug)]
pub enum Mode {
    /// Static when the body allows it, the dynamic tape otherwise.
    Auto,
    /// `static`: the body must be a static path (a compile error otherwise).
    Static,
    /// `dynamic`: always the tape.
    Dynamic(Span),
}

/// The parsed arguments.
pub struct Args {
    pub mode: Mode,
    /// The facade path the expansion names (`::autograd` unless overridden).
    pub krate: Path,
}

const VALID: &str = "expected one of: `static`, `dynamic`, `crate = path`";

impl Args {
    /// Parses the tokens inside `#[differentiable(...)]`, recording every problem in `cx`.
    pub fn parse(cx: &Ctxt, tokens: TokenStream) -> Args {
        let mut args = Args {
            mode: Mode::Auto,
            krate: default_crate(),
        };
        let parser = |input: ParseStream| parse_args(cx, input, &mut args);
        if let Err(error) = parser.parse2(tokens) {
            cx.syn_error(error);
        }
        args
    }
}

fn default_crate() -> Path {
    let name = Ident::new(DEFAULT_CRATE.as_str(), Span::call_site());
    syn::parse_quote!(::#name)
}

fn parse_args(cx: &Ctxt, input: ParseStream, args: &mut Args) -> syn::Result<()> {
    let mut seen: Vec<(Symbol, Span)> = Vec::new();
    while !input.is_empty() {
        // `static` and `crate` are keywords: `parse_any` accepts them as identifiers.
        let key = input.call(Ident::parse_any)?;
        let symbol = [STATIC, DYNAMIC, CRATE].into_iter().find(|s| key == *s);
        match symbol {
            None => {
                cx.error_spanned_by(&key, format!("unknown argument `{key}`; {VALID}"));
                skip_value(input)?;
            }
            Some(symbol) => {
                if seen.iter().any(|(s, _)| *s == symbol) {
                    cx.error_spanned_by(&key, format!("duplicate argument `{symbol}`"));
                    skip_value(input)?;
                } else {
                    seen.push((symbol, key.span()));
                    parse_one(cx, input, args, symbol, &key)?;
                }
            }
        }
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(())
}

fn parse_one(
    cx: &Ctxt,
    input: ParseStream,
    args: &mut Args,
    symbol: Symbol,
    key: &Ident,
) -> syn::Result<()> {
    if symbol == CRATE {
        input.parse::<Token![=]>()?;
        args.krate = if input.peek(LitStr) {
            input.parse::<LitStr>()?.parse::<Path>()?
        } else {
            input.parse::<Path>()?
        };
        return Ok(());
    }
    if input.peek(Token![=]) {
        cx.error_spanned_by(key, format!("`{symbol}` takes no value"));
        skip_value(input)?;
    }
    let mode = if symbol == STATIC {
        Mode::Static
    } else {
        Mode::Dynamic(key.span())
    };
    match args.mode {
        Mode::Auto => args.mode = mode,
        Mode::Static | Mode::Dynamic(_) => cx.error_spanned_by(
            key,
            "`static` and `dynamic` cannot be used together: `static` requires the \
             compile-time backward, `dynamic` forces the tape",
        ),
    }
    Ok(())
}

/// Skips `= value` after a key that was rejected, so parsing can report the next argument.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    if input.parse::<Option<Token![=]>>()?.is_some() {
        while !input.is_empty() && !input.peek(Token![,]) {
            input.parse::<proc_macro2::TokenTree>()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: TokenStream) -> (Args, syn::Result<()>) {
        let cx = Ctxt::new();
        let args = Args::parse(&cx, tokens);
        (args, cx.check())
    }

    fn messages(tokens: TokenStream) -> Vec<String> {
        let (_, result) = parse(tokens);
        result
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn empty_is_auto_with_the_facade_path() {
        let (args, result) = parse(quote!());
        result.unwrap();
        assert!(matches!(args.mode, Mode::Auto));
        let krate = args.krate;
        assert_eq!(quote!(#krate).to_string(), quote!(::autograd).to_string());
    }

    #[test]
    fn modes_and_crate_path() {
        let (args, result) = parse(quote!(static, crate = ::my::ad));
        result.unwrap();
        assert!(matches!(args.mode, Mode::Static));
        let krate = args.krate;
        assert_eq!(quote!(#krate).to_string(), quote!(::my::ad).to_string());
        let (args, result) = parse(quote!(dynamic, crate = "other"));
        result.unwrap();
        assert!(matches!(args.mode, Mode::Dynamic(_)));
        assert!(args.krate.is_ident("other"));
    }

    #[test]
    fn unknown_lists_valid_keys() {
        let messages = messages(quote!(fast, static));
        assert_eq!(messages.len(), 1);
        assert!(messages[0].contains("unknown argument `fast`"));
        assert!(messages[0].contains("`crate = path`"));
    }

    #[test]
    fn duplicate_and_conflicting_arguments() {
        assert_eq!(
            messages(quote!(static, static)),
            ["duplicate argument `static`"]
        );
        let both = messages(quote!(static, dynamic));
        assert!(both[0].starts_with("`static` and `dynamic` cannot be used together"));
    }

    #[test]
    fn all_problems_are_reported_together() {
        let all = messages(quote!(fast = 1, static = true, crate = a, crate = b));
        assert_eq!(all.len(), 3, "{all:?}");
    }
}
