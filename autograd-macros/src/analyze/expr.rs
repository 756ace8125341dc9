//! Expressions of a tensor function's body: static or not, and why.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{BinOp, Expr, ExprMethodCall, Lit, UnOp};

use super::{Analyzer, Kind, NotStatic, Reason, TExpr};
use crate::ops::{tensor_method, ArgKind, OpClass};
use crate::scalar::BinaryOp;
use crate::symbol::{F32, F64};

impl Analyzer {
    /// Checks `expr` in source order (left before right, receiver before arguments), so the
    /// error names the first offending expression.
    pub(super) fn expr(&mut self, expr: &Expr) -> Result<TExpr, NotStatic> {
        let value = |kind| Ok(TExpr::Value(kind, expr.to_token_stream()));
        match expr {
            Expr::Paren(inner) => self.expr(&inner.expr),
            Expr::Group(inner) => self.expr(&inner.expr),
            Expr::Lit(lit) => match &lit.lit {
                Lit::Float(_) => value(Kind::Scalar),
                Lit::Int(_) => value(Kind::Int),
                Lit::Bool(_) => value(Kind::Bool),
                _ => Err(NotStatic::new(lit, Reason::UnsupportedLiteral)),
            },
            Expr::Path(path) => {
                if let Some(name) = path.path.get_ident() {
                    return match self.lookup(name) {
                        Some(Kind::Tensor) => Ok(TExpr::Tensor(name.clone())),
                        Some(kind) => value(kind),
                        None => Err(NotStatic::new(name, Reason::UnknownName(name.to_string()))),
                    };
                }
                // `std::f64::consts::PI`, `f32::EPSILON`: float constants.
                if path
                    .path
                    .segments
                    .iter()
                    .any(|s| s.ident == F32 || s.ident == F64)
                {
                    return value(Kind::Scalar);
                }
                Err(NotStatic::new(
                    path,
                    Reason::UnknownName(path_string(&path.path)),
                ))
            }
            Expr::Reference(reference) => {
                if let Some(mutability) = &reference.mutability {
                    let tokens = pair(&reference.and_token, mutability);
                    return Err(NotStatic::new(tokens, Reason::Mutation("`&mut`")));
                }
                match self.expr(&reference.expr)? {
                    TExpr::Value(kind, _) => value(kind),
                    tensor => Ok(tensor),
                }
            }
            Expr::Array(array) => {
                for elem in &array.elems {
                    if self.expr(elem)?.kind() != Kind::Int {
                        return Err(NotStatic::new(
                            elem,
                            Reason::Unsupported("an array of anything but integers"),
                        ));
                    }
                }
                value(Kind::Shape)
            }
            Expr::Unary(unary) => match unary.op {
                UnOp::Neg(_) => match self.expr(&unary.expr)? {
                    TExpr::Value(kind @ (Kind::Scalar | Kind::Int), _) => value(kind),
                    TExpr::Value(..) => Err(NotStatic::new(
                        unary,
                        Reason::UnsupportedOperator("-".into()),
                    )),
                    tensor => Ok(TExpr::Neg(Box::new(tensor))),
                },
                UnOp::Deref(star) => Err(NotStatic::new(
                    star,
                    Reason::Unsupported("a dereference (`*`)"),
                )),
                op => Err(NotStatic::new(
                    op,
                    Reason::UnsupportedOperator(op.to_token_stream().to_string()),
                )),
            },
            Expr::Binary(binary) => {
                let op = match binary.op {
                    BinOp::Add(_) => BinaryOp::Add,
                    BinOp::Sub(_) => BinaryOp::Sub,
                    BinOp::Mul(_) => BinaryOp::Mul,
                    BinOp::Div(_) => BinaryOp::Div,
                    BinOp::AddAssign(_)
                    | BinOp::SubAssign(_)
                    | BinOp::MulAssign(_)
                    | BinOp::DivAssign(_)
                    | BinOp::RemAssign(_)
                    | BinOp::BitXorAssign(_)
                    | BinOp::BitAndAssign(_)
                    | BinOp::BitOrAssign(_)
                    | BinOp::ShlAssign(_)
                    | BinOp::ShrAssign(_) => {
                        return Err(NotStatic::new(
                            binary,
                            Reason::Mutation("a compound assignment"),
                        ))
                    }
                    op => {
                        let name = op.to_token_stream().to_string();
                        return Err(NotStatic::new(op, Reason::UnsupportedOperator(name)));
                    }
                };
                let left = self.expr(&binary.left)?;
                let right = self.expr(&binary.right)?;
                match (left.kind(), right.kind()) {
                    (Kind::Tensor, Kind::Tensor | Kind::Scalar) | (Kind::Scalar, Kind::Tensor) => {
                        Ok(TExpr::Binary(op, Box::new(left), Box::new(right)))
                    }
                    (Kind::Scalar, Kind::Scalar) => value(Kind::Scalar),
                    (Kind::Int, Kind::Int) => value(Kind::Int),
                    _ => Err(NotStatic::new(
                        binary,
                        Reason::Unsupported("arithmetic on these operands"),
                    )),
                }
            }
            Expr::MethodCall(call) => self.method(call),
            Expr::Call(call) => Err(NotStatic::new(
                &call.func,
                Reason::UnknownFunction(expr_string(&call.func)),
            )),
            Expr::Macro(mac) => Err(NotStatic::new(
                pair(&mac.mac.path, &mac.mac.bang_token),
                Reason::Macro(path_string(&mac.mac.path)),
            )),
            other => Err(not_static(other)),
        }
    }

    fn method(&mut self, call: &ExprMethodCall) -> Result<TExpr, NotStatic> {
        let receiver = self.expr(&call.receiver)?;
        let name = call.method.to_string();
        let method = &call.method;
        let Some(op) = tensor_method(&name) else {
            return Err(NotStatic::new(method, Reason::UnknownMethod(name)));
        };
        if let Some(turbofish) = &call.turbofish {
            return Err(NotStatic::new(
                turbofish,
                Reason::Unsupported("a turbofish"),
            ));
        }
        if receiver.kind() != Kind::Tensor {
            return Err(NotStatic::new(method, Reason::NotATensor(name)));
        }
        if call.args.len() != op.args.len() {
            let expected = op.args.len();
            return Err(NotStatic::new(
                method,
                Reason::Arity {
                    method: name,
                    expected,
                },
            ));
        }
        let mut args = Vec::new();
        for (arg, expected) in call.args.iter().zip(op.args) {
            let value = self.expr(arg)?;
            let (kind, what) = match expected {
                ArgKind::Tensor => (Kind::Tensor, "a tensor"),
                ArgKind::Scalar => (
                    Kind::Scalar,
                    "a float (a literal or an `f32`/`f64` parameter)",
                ),
                ArgKind::Dim => (Kind::Int, "an integer (a literal or an integer parameter)"),
                ArgKind::Bool => (Kind::Bool, "a `bool`"),
                ArgKind::Shape => (Kind::Shape, "a shape such as `&[2, 3]`"),
            };
            if value.kind() != kind {
                return Err(NotStatic::new(
                    arg,
                    Reason::Argument {
                        method: name,
                        expected: what,
                    },
                ));
            }
            args.push(value);
        }
        if op.class == OpClass::Identity {
            return Ok(receiver);
        }
        Ok(TExpr::Method {
            op,
            receiver: Box::new(receiver),
            args,
        })
    }
}

/// The error for every other kind of expression, spanning its head (`for pat in iter`,
/// `if cond`, `match value`) rather than all of it.
fn not_static(expr: &Expr) -> NotStatic {
    match expr {
        Expr::ForLoop(e) => {
            let mut head = pair(&e.for_token, &e.pat);
            e.in_token.to_tokens(&mut head);
            e.expr.to_tokens(&mut head);
            NotStatic::new(head, Reason::Loop("a `for` loop"))
        }
        Expr::While(e) => NotStatic::new(
            pair(&e.while_token, &e.cond),
            Reason::Loop("a `while` loop"),
        ),
        Expr::Loop(e) => NotStatic::new(e.loop_token, Reason::Loop("`loop`")),
        Expr::Break(e) => NotStatic::new(e, Reason::Loop("`break`")),
        Expr::Continue(e) => NotStatic::new(e, Reason::Loop("`continue`")),
        Expr::If(e) => {
            let kind = if matches!(*e.cond, Expr::Let(_)) {
                "if let"
            } else {
                "if"
            };
            NotStatic::new(pair(&e.if_token, &e.cond), Reason::Branch(kind))
        }
        Expr::Match(e) => NotStatic::new(pair(&e.match_token, &e.expr), Reason::Branch("match")),
        Expr::Let(e) => NotStatic::new(e, Reason::Branch("let")),
        Expr::Return(e) => NotStatic::new(e, Reason::EarlyReturn("`return`")),
        Expr::Try(e) => NotStatic::new(e.question_token, Reason::EarlyReturn("the `?` operator")),
        Expr::Closure(e) => NotStatic::new(e, Reason::Closure),
        Expr::Assign(e) => NotStatic::new(e, Reason::Mutation("an assignment")),
        Expr::Block(e) => NotStatic::new(e, Reason::Unsupported("a block expression")),
        Expr::Unsafe(e) => NotStatic::new(e.unsafe_token, Reason::Unsupported("an `unsafe` block")),
        Expr::Field(e) => NotStatic::new(e, Reason::Unsupported("a field access")),
        Expr::Index(e) => NotStatic::new(e, Reason::Unsupported("indexing")),
        Expr::Tuple(e) => NotStatic::new(
            e,
            Reason::Unsupported("a tuple (except as the returned value)"),
        ),
        Expr::Cast(e) => NotStatic::new(e, Reason::Unsupported("a cast")),
        Expr::Struct(e) => NotStatic::new(e, Reason::Unsupported("a struct literal")),
        Expr::Range(e) => NotStatic::new(e, Reason::Unsupported("a range")),
        Expr::Await(e) => NotStatic::new(e, Reason::Unsupported("`.await`")),
        Expr::Async(e) => NotStatic::new(e, Reason::Unsupported("an `async` block")),
        other => NotStatic::new(other, Reason::Unsupported("this expression")),
    }
}

pub(super) fn pair(first: &impl ToTokens, second: &impl ToTokens) -> TokenStream {
    let mut tokens = first.to_token_stream();
    second.to_tokens(&mut tokens);
    tokens
}

/// `std::println` rather than `std :: println`.
pub(super) fn path_string(path: &syn::Path) -> String {
    expr_string(path)
}

fn expr_string(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}
