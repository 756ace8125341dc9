//! Is a tensor function's body a *static path*? (DESIGN.md, "The macro": `let` bindings and a
//! tail expression built from known tensor ops, operators, scalar literals and parameters;
//! no loops, branches, early returns, closures, macros, mutation or unknown calls.)
//!
//! A static body comes back as a [`StaticBody`], the typed expression trees the static
//! expansion (phase 2) differentiates; any other body as the first offending expression, in
//! source order, with the [`Reason`].

mod expr;
mod reason;

use proc_macro2::TokenStream;
use syn::{Expr, Ident, Pat, Stmt};

use crate::ops::TensorOp;
use crate::parse::Function;
use crate::scalar::BinaryOp;
use crate::types::{ParamTy, ReturnTy};
pub use reason::{NotStatic, Reason};

/// What an expression of a static body evaluates to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Tensor,
    Scalar,
    Int,
    Bool,
    /// `&[2, 3]`.
    Shape,
}

/// A static body: `let name = value;` statements, then the result (one tensor, or the
/// elements of a returned tuple).
#[derive(Debug)]
pub struct StaticBody {
    pub lets: Vec<Let>,
    pub result: Vec<TExpr>,
}

/// `let pat = value;` where `pat` binds `name` (`name`, `mut name`, `name: T`).
#[derive(Debug)]
pub struct Let {
    pub name: Ident,
    /// The pattern as written (the static expansion re-emits non-tensor `let`s verbatim, type
    /// ascription included).
    pub pat: Pat,
    pub value: TExpr,
}

/// An expression of a static body. `&x`, `x.clone()` and parentheses are looked through.
#[derive(Debug)]
pub enum TExpr {
    /// A tensor parameter or `let`.
    Tensor(Ident),
    /// A value of another kind, verbatim (no tensor in it): `2.0`, `scale * 0.5`, `1`, `true`.
    Value(Kind, TokenStream),
    Neg(Box<TExpr>),
    /// `+ - * /`, with broadcasting; either side may be a scalar.
    Binary(BinaryOp, Box<TExpr>, Box<TExpr>),
    /// A method of the op table; the receiver is a tensor.
    Method {
        op: &'static TensorOp,
        receiver: Box<TExpr>,
        args: Vec<TExpr>,
    },
}

impl TExpr {
    pub fn kind(&self) -> Kind {
        match self {
            TExpr::Value(kind, _) => *kind,
            _ => Kind::Tensor,
        }
    }
}

/// Classifies `func`'s body (a tensor function).
pub fn analyze(func: &Function, ret: &ReturnTy) -> Result<StaticBody, NotStatic> {
    let mut analyzer = Analyzer { env: Vec::new() };
    for param in &func.params {
        let kind = match param.class {
            ParamTy::Tensor | ParamTy::TensorRef => Kind::Tensor,
            ParamTy::Float(_) => Kind::Scalar,
            ParamTy::Int => Kind::Int,
            ParamTy::Bool => Kind::Bool,
            ParamTy::Array(_) | ParamTy::Unsupported => continue,
        };
        analyzer.env.push((param.ident.clone(), kind));
    }
    let block = &func.item.block;
    let Some((last, init)) = block.stmts.split_last() else {
        return Err(NotStatic::new(block, Reason::Result("the body is empty")));
    };
    let mut lets = Vec::new();
    for stmt in init {
        lets.push(analyzer.stmt(stmt)?);
    }
    let tail = match last {
        Stmt::Expr(tail, None) => tail,
        other => {
            analyzer.stmt(other)?;
            return Err(NotStatic::new(
                crate::diagnostics::at(block.brace_token.span.close()),
                Reason::Result("the body must end with the value it returns (a tail expression)"),
            ));
        }
    };
    let result = analyzer.tail(tail, ret)?;
    Ok(StaticBody { lets, result })
}

struct Analyzer {
    /// Parameters and `let` bindings, in order (later ones shadow earlier ones).
    env: Vec<(Ident, Kind)>,
}

impl Analyzer {
    fn lookup(&self, name: &Ident) -> Option<Kind> {
        self.env
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, k)| *k)
    }

    /// A statement before the tail: only `let name = value;` is static.
    fn stmt(&mut self, stmt: &Stmt) -> Result<Let, NotStatic> {
        match stmt {
            Stmt::Local(local) => {
                let Some(name) = plain_binding(&local.pat) else {
                    return Err(NotStatic::new(
                        &local.pat,
                        Reason::Unsupported("a destructuring pattern"),
                    ));
                };
                let Some(init) = &local.init else {
                    return Err(NotStatic::new(
                        local,
                        Reason::Unsupported("`let` without a value"),
                    ));
                };
                if let Some((else_token, _)) = &init.diverge {
                    return Err(NotStatic::new(else_token, Reason::Branch("let ... else")));
                }
                let value = self.expr(&init.expr)?;
                self.env.push((name.clone(), value.kind()));
                Ok(Let {
                    name: name.clone(),
                    pat: local.pat.clone(),
                    value,
                })
            }
            // `;` alone parses as an empty verbatim expression: point at the semicolon.
            Stmt::Expr(Expr::Verbatim(tokens), Some(semi)) if tokens.is_empty() => {
                Err(NotStatic::new(
                    semi,
                    Reason::Unsupported("an empty statement `;` (remove it)"),
                ))
            }
            Stmt::Expr(expr, _) => {
                self.expr(expr)?;
                Err(NotStatic::new(
                    expr,
                    Reason::Unsupported("an expression statement (its value is discarded)"),
                ))
            }
            Stmt::Macro(mac) => Err(NotStatic::new(
                expr::pair(&mac.mac.path, &mac.mac.bang_token),
                Reason::Macro(expr::path_string(&mac.mac.path)),
            )),
            Stmt::Item(item) => Err(NotStatic::new(
                item,
                Reason::Unsupported("an item inside the body"),
            )),
        }
    }

    fn tail(&mut self, tail: &Expr, ret: &ReturnTy) -> Result<Vec<TExpr>, NotStatic> {
        let elems: Vec<&Expr> = match (tail, ret) {
            (Expr::Tuple(tuple), ReturnTy::TensorTuple(n)) => {
                if tuple.elems.len() != *n {
                    return Err(NotStatic::new(
                        tuple,
                        Reason::Result("the returned tuple's length differs from the signature's"),
                    ));
                }
                tuple.elems.iter().collect()
            }
            _ => vec![tail],
        };
        let mut result = Vec::new();
        for elem in elems {
            let value = self.expr(elem)?;
            if value.kind() != Kind::Tensor {
                return Err(NotStatic::new(
                    elem,
                    Reason::Result("the returned value must be a tensor"),
                ));
            }
            result.push(value);
        }
        Ok(result)
    }
}

/// `name`, `mut name`, `name: T`.
fn plain_binding(pat: &Pat) -> Option<&Ident> {
    match pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => Some(&ident.ident),
        Pat::Type(typed) => plain_binding(&typed.pat),
        _ => None,
    }
}
