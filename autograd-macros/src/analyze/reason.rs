//! Why a body is not a static path, and where.

use std::fmt;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// The first expression that keeps a body off the static path.
#[derive(Debug)]
pub struct NotStatic {
    /// The offending tokens (the error spans them).
    pub tokens: TokenStream,
    pub reason: Reason,
}

impl NotStatic {
    pub fn new(tokens: impl ToTokens, reason: Reason) -> Self {
        NotStatic {
            tokens: tokens.into_token_stream(),
            reason,
        }
    }

    /// The error for `#[differentiable(static)]` on this body.
    pub fn into_error(self) -> syn::Error {
        syn::Error::new_spanned(
            self.tokens,
            format!(
                "#[differentiable(static)]: this function is not a static path: {}; a static \
                 body is `let` bindings and a tail expression built from tensor ops, operators, \
                 literals and parameters (remove `static` to run it on the dynamic tape)",
                self.reason
            ),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// `for`, `while`, `loop`, `break`, `continue`.
    Loop(&'static str),
    /// `if`, `match`, `if let`.
    Branch(&'static str),
    /// `return` or `?`.
    EarlyReturn(&'static str),
    Closure,
    Macro(String),
    /// Assignment, compound assignment, `&mut`.
    Mutation(&'static str),
    UnknownFunction(String),
    UnknownMethod(String),
    /// A known method called with the wrong number of arguments.
    Arity {
        method: String,
        expected: usize,
    },
    /// A known method's argument of the wrong kind.
    Argument {
        method: String,
        expected: &'static str,
    },
    /// A method of the op table on a value that is not a tensor.
    NotATensor(String),
    UnknownName(String),
    UnsupportedLiteral,
    UnsupportedOperator(String),
    /// Anything else, described.
    Unsupported(&'static str),
    /// The tail does not produce what the signature returns.
    Result(&'static str),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Loop(kind) => write!(f, "{kind} is a loop, whose trip count is only known at run time"),
            Reason::Branch(kind) => write!(f, "`{kind}` branches on a run-time value"),
            Reason::EarlyReturn(kind) => write!(f, "{kind} is an early return"),
            Reason::Closure => write!(f, "a closure can run any number of times"),
            Reason::Macro(name) => write!(f, "the macro call `{name}!` cannot be analysed"),
            Reason::Mutation(kind) => write!(f, "{kind} mutates a value"),
            Reason::UnknownFunction(name) => write!(f, "`{name}` is a function the macro does not know (only the runtime's tensor methods are static)"),
            Reason::UnknownMethod(name) => write!(f, "`{name}` is not one of the runtime's tensor ops ({})", crate::ops::method_list()),
            Reason::Arity { method, expected } => write!(f, "`{method}` takes {expected} argument(s)"),
            Reason::Argument { method, expected } => write!(f, "`{method}` expects {expected} here"),
            Reason::NotATensor(method) => write!(f, "`{method}` is called on a value that is not a tensor"),
            Reason::UnknownName(name) => write!(f, "`{name}` is neither a parameter nor a `let` binding"),
            Reason::UnsupportedLiteral => write!(f, "only float, integer and bool literals are supported"),
            Reason::UnsupportedOperator(op) => write!(f, "the operator `{op}` is not a differentiable tensor op"),
            Reason::Unsupported(what) => write!(f, "{what} is not supported"),
            Reason::Result(what) => write!(f, "{what}"),
        }
    }
}
