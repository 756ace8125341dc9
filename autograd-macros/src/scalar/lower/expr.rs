//! Expressions of a plain-number function, lowered to definitions.
//!
//! Any sub-expression that reads no differentiable value is a constant and stays verbatim
//! (`2.0`, `i as f64`, `PI`, `COEFFS[k]`). The rest must be built from the supported
//! operations; each becomes one [`Op`], so every intermediate value has a name the reverse
//! code can read.

use proc_macro2::{Literal, TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{BinOp, Expr, ExprField, ExprIndex, ExprPath, Ident, Member, Pat, Token, UnOp};

use super::env::{Binding, Env};
use super::Lowerer;
use crate::scalar::ir::{BinaryOp, Op, Operand, Stmt, VarId};
use crate::scalar::rules::UnaryFn;
use crate::symbol::{DOT, F32, F64, MAX, MIN, NORM, NORM_SQUARED, POWF, POWI, SUM};
use crate::types::{float_ty, ArrayTy, FloatTy};

/// Float methods and the engine function each one is.
const UNARY_METHODS: &[(&str, UnaryFn)] = &[
    ("exp", UnaryFn::Exp),
    ("ln", UnaryFn::Ln),
    ("sqrt", UnaryFn::Sqrt),
    ("sin", UnaryFn::Sin),
    ("cos", UnaryFn::Cos),
    ("tanh", UnaryFn::Tanh),
    ("abs", UnaryFn::Abs),
];

/// nalgebra's named vector components (`v.x` is `v[0]`).
const COMPONENTS: [&str; 6] = ["x", "y", "z", "w", "a", "b"];

type Args = Punctuated<Expr, Token![,]>;

impl Lowerer<'_> {
    pub(super) fn expr(&mut self, expr: &Expr) -> Operand {
        if is_constant(&self.env, expr) {
            return Operand::Const(expr.to_token_stream());
        }
        match expr {
            Expr::Paren(inner) => self.expr(&inner.expr),
            Expr::Group(inner) => self.expr(&inner.expr),
            Expr::Path(path) => self.path(path),
            Expr::Unary(unary) => match unary.op {
                UnOp::Neg(_) => {
                    let a = self.expr(&unary.expr);
                    self.unary(UnaryFn::Neg, a)
                }
                op => self.fail(op, "this operator"),
            },
            Expr::Binary(binary) => match binary_op(&binary.op) {
                Some(op) => {
                    let a = self.expr(&binary.left);
                    let b = self.expr(&binary.right);
                    binary_def(self, "t", op, a, b)
                }
                None => self.fail(binary.op, "this operator"),
            },
            Expr::MethodCall(call) => self.method(&call.receiver, &call.method, &call.args),
            Expr::Call(call) => match float_method_path(&call.func) {
                // `f64::max(a, b)` is `a.max(b)`.
                Some(method) if !call.args.is_empty() => {
                    let rest: Args = call.args.iter().skip(1).cloned().collect();
                    self.method(&call.args[0], method, &rest)
                }
                _ => self.fail(&call.func, "a call to a function"),
            },
            Expr::Cast(cast) if float_ty(&cast.ty) == Some(self.prog.float) => {
                self.expr(&cast.expr)
            }
            Expr::Index(index) => self.index(index),
            Expr::Field(field) => self.field(field),
            other => {
                let (tokens, what) = describe(other);
                self.fail(tokens, what)
            }
        }
    }

    /// Records an unsupported construct; the returned operand is never emitted.
    fn fail<T: ToTokens>(&mut self, tokens: T, what: &str) -> Operand {
        self.unsupported(tokens, what);
        Operand::Const(TokenStream::new())
    }

    fn path(&mut self, path: &ExprPath) -> Operand {
        let Some(name) = path.path.get_ident() else {
            return Operand::Const(path.to_token_stream());
        };
        match self.env.get(name) {
            Some(Binding::Float(value)) => value.clone(),
            Some(Binding::Array { .. }) => self.fail(
                name,
                "using a whole array as a number (read elements with `v[i]` or `v.x`, or use `dot`, `norm`, `norm_squared`, `sum`)",
            ),
            _ => Operand::Const(path.to_token_stream()),
        }
    }

    /// Tokens the reverse code can read: `tokens` themselves when they name nothing (a
    /// literal), else a hygienic `let` of type `ty` holding their value. The reverse code runs
    /// after the whole forward code, where a user's `let` may have shadowed a name the tokens
    /// use (`let y = x.powi(n); let n = 0; ...`).
    fn stable(&mut self, tokens: TokenStream, ty: TokenStream, what: &'static str) -> TokenStream {
        if !names_something(&tokens) {
            return tokens;
        }
        let name = self.prog.fresh_ident(what);
        self.emit(Stmt::Verbatim(quote!(let #name: #ty = #tokens;)));
        name.into_token_stream()
    }

    /// A variable holding `operand`: constants are bound to a typed temporary so a method
    /// can be called on them (see the PRECONDITION in `rules`).
    fn typed(&mut self, operand: Operand) -> Operand {
        match operand {
            Operand::Const(_) => self.def("c", Op::Copy(operand)),
            var => var,
        }
    }

    fn unary(&mut self, f: UnaryFn, a: Operand) -> Operand {
        match (f, a) {
            (UnaryFn::Neg, Operand::Const(a)) => Operand::Const(quote!(-(#a))),
            (f, a) => {
                let a = self.typed(a);
                self.def("t", Op::Unary(f, a))
            }
        }
    }

    fn method(&mut self, receiver: &Expr, method: &Ident, args: &Args) -> Operand {
        if let Some((var, ty)) = self.array(receiver) {
            return self.array_method(var, &ty, method, args);
        }
        let name = method.to_string();
        let binary = [POWI, POWF, MIN, MAX].iter().any(|s| method == s);
        let arity = usize::from(binary);
        let known = UNARY_METHODS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f);
        if known.is_none() && arity == 0 {
            return self.fail(method, &format!("the method `{name}`"));
        }
        if args.len() != arity {
            return self.fail(
                method,
                &format!(
                    "`{name}` with {} argument(s) (it takes {arity})",
                    args.len()
                ),
            );
        }
        let x = self.expr(receiver);
        if let Some(f) = known {
            return self.unary(f, x);
        }
        let x = self.typed(x);
        if *method == POWI {
            if !is_constant(&self.env, &args[0]) {
                self.error(
                    &args[0],
                    "the exponent of `powi` must not depend on differentiable values (use `powf`)",
                );
            }
            let exponent = self.stable(args[0].to_token_stream(), quote!(i32), "pow");
            return self.def("t", Op::Powi(x, exponent));
        }
        let y = self.expr(&args[0]);
        let y = self.typed(y);
        let op = if *method == POWF {
            Op::Powf(x, y)
        } else if *method == MIN {
            Op::Min(x, y)
        } else {
            Op::Max(x, y)
        };
        self.def("t", op)
    }

    /// The array a (possibly referenced or parenthesised) expression names.
    fn array(&self, expr: &Expr) -> Option<(VarId, ArrayTy)> {
        match expr {
            Expr::Paren(inner) => self.array(&inner.expr),
            Expr::Reference(inner) => self.array(&inner.expr),
            Expr::Path(path) => match self.env.get(path.path.get_ident()?)? {
                Binding::Array { var, ty } => Some((*var, ty.clone())),
                _ => None,
            },
            _ => None,
        }
    }

    /// `dot`, `norm`, `norm_squared`, `sum`, unrolled over the elements (the sizes are known).
    fn array_method(&mut self, var: VarId, ty: &ArrayTy, method: &Ident, args: &Args) -> Operand {
        let arity = usize::from(*method == DOT);
        if args.len() != arity {
            return self.fail(
                method,
                &format!("`{method}` with {} argument(s)", args.len()),
            );
        }
        let terms: Vec<Operand> = if *method == SUM {
            (0..ty.len()).map(|k| self.element(var, k)).collect()
        } else if *method == NORM || *method == NORM_SQUARED {
            (0..ty.len())
                .map(|k| {
                    let e = self.element(var, k);
                    self.def("t", Op::Binary(BinaryOp::Mul, e.clone(), e))
                })
                .collect()
        } else if *method == DOT {
            let Some((other, other_ty)) = self.array(&args[0]) else {
                return self.fail(
                    &args[0],
                    "`dot` with something other than an array parameter",
                );
            };
            if (other_ty.rows, other_ty.cols) != (ty.rows, ty.cols) {
                return self.fail(&args[0], "`dot` of arrays of different sizes");
            }
            (0..ty.len())
                .map(|k| {
                    let (a, b) = (self.element(var, k), self.element(other, k));
                    self.def("t", Op::Binary(BinaryOp::Mul, a, b))
                })
                .collect()
        } else {
            return self.fail(method, &format!("the array method `{method}`"));
        };
        let mut terms = terms.into_iter();
        let first = terms.next().unwrap_or(Operand::Const(quote!(0.0)));
        let total = terms.fold(first, |acc, term| {
            self.def("t", Op::Binary(BinaryOp::Add, acc, term))
        });
        if *method == NORM {
            self.def("t", Op::Unary(UnaryFn::Sqrt, total))
        } else {
            total
        }
    }

    fn element(&mut self, array: VarId, k: usize) -> Operand {
        let index = Literal::usize_unsuffixed(k).into_token_stream();
        self.def("e", Op::Index { array, index })
    }

    /// `v[i]`, `m[(r, c)]`: the index must not depend on differentiable values.
    fn index(&mut self, index: &ExprIndex) -> Operand {
        let Some((array, _)) = self.array(&index.expr) else {
            return self.fail(
                &index.expr,
                "indexing anything but a nalgebra array parameter",
            );
        };
        if !is_constant(&self.env, &index.index) {
            return self.fail(
                &index.index,
                "an index that depends on differentiable values",
            );
        }
        let ty = match &*index.index {
            Expr::Tuple(tuple) if tuple.elems.len() == 2 => quote!((usize, usize)),
            _ => quote!(usize),
        };
        let index = self.stable(index.index.to_token_stream(), ty, "idx");
        self.def("e", Op::Index { array, index })
    }

    /// `v.x`, `v.y`, ... on a vector.
    fn field(&mut self, field: &ExprField) -> Operand {
        let component = match &field.member {
            Member::Named(name) => COMPONENTS.iter().position(|c| name == c),
            Member::Unnamed(_) => None,
        };
        match (self.array(&field.base), component) {
            (Some((array, ty)), Some(k)) if ty.cols == 1 && k < ty.rows => self.element(array, k),
            _ => self.fail(
                field,
                "this field access (only `x`, `y`, `z`, `w`, `a`, `b` of a vector parameter are)",
            ),
        }
    }
}

/// `a op b`, folded when both are constants.
pub(super) fn binary_def(
    lowerer: &mut Lowerer,
    hint: &str,
    op: BinaryOp,
    a: Operand,
    b: Operand,
) -> Operand {
    match (a, b) {
        (Operand::Const(a), Operand::Const(b)) => {
            let a = quote!((#a));
            let b = quote!((#b));
            Operand::Const(op.forward(&a, &b))
        }
        (a, b) => {
            // The adjoints of `*` and `/` read the operands (see `Lowerer::stable`).
            let a = stable_operand(lowerer, a);
            let b = stable_operand(lowerer, b);
            lowerer.def(hint, Op::Binary(op, a, b))
        }
    }
}

fn stable_operand(lowerer: &mut Lowerer, operand: Operand) -> Operand {
    match operand {
        Operand::Const(tokens) if names_something(&tokens) => lowerer.typed(Operand::Const(tokens)),
        other => other,
    }
}

/// Whether `tokens` contain an identifier (so their value depends on what is in scope).
fn names_something(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|tree| match tree {
        TokenTree::Ident(_) => true,
        TokenTree::Group(group) => names_something(&group.stream()),
        _ => false,
    })
}

fn binary_op(op: &BinOp) -> Option<BinaryOp> {
    match op {
        BinOp::Add(_) => Some(BinaryOp::Add),
        BinOp::Sub(_) => Some(BinaryOp::Sub),
        BinOp::Mul(_) => Some(BinaryOp::Mul),
        BinOp::Div(_) => Some(BinaryOp::Div),
        _ => None,
    }
}

/// `f64::exp` in `f64::exp(x)`: the method name.
fn float_method_path(func: &Expr) -> Option<&Ident> {
    let Expr::Path(path) = func else { return None };
    let segments = &path.path.segments;
    if path.qself.is_some() || segments.len() != 2 {
        return None;
    }
    let ty = &segments[0].ident;
    (*ty == F32 || *ty == F64).then_some(&segments[1].ident)
}

/// Whether `expr` reads no differentiable value (conservatively: no token names one).
pub fn is_constant(env: &Env, expr: &Expr) -> bool {
    fn reads(env: &Env, tokens: TokenStream) -> bool {
        tokens.into_iter().any(|tree| match tree {
            TokenTree::Ident(ident) => env.is_differentiable(&ident),
            TokenTree::Group(group) => reads(env, group.stream()),
            _ => false,
        })
    }
    !reads(env, expr.to_token_stream())
}

/// Whether a constant `let` binds a float (rather than an integer or something else), from
/// its type annotation or, without one, from a float literal, a cast to a float or an
/// `f64::...` path in its value.
pub fn looks_float(pat: &Pat, init: &Expr, float: FloatTy) -> bool {
    if let Pat::Type(typed) = pat {
        return float_ty(&typed.ty) == Some(float);
    }
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_lit_float(&mut self, _: &'ast syn::LitFloat) {
            self.0 = true;
        }
        fn visit_lit_int(&mut self, lit: &'ast syn::LitInt) {
            self.0 |= lit.suffix() == "f32" || lit.suffix() == "f64";
        }
        fn visit_path(&mut self, path: &'ast syn::Path) {
            self.0 |= path
                .segments
                .iter()
                .any(|s| s.ident == F32 || s.ident == F64);
            syn::visit::visit_path(self, path);
        }
    }
    let mut finder = Finder(false);
    finder.visit_expr(init);
    finder.0
}

/// A tight span and a name for an unsupported expression.
pub(super) fn describe(expr: &Expr) -> (TokenStream, &'static str) {
    match expr {
        Expr::If(e) => (pair(&e.if_token, &e.cond), "`if`"),
        Expr::Match(e) => (pair(&e.match_token, &e.expr), "`match`"),
        Expr::While(e) => (
            pair(&e.while_token, &e.cond),
            "a `while` loop (only `for` over a range is)",
        ),
        Expr::Loop(e) => (
            e.loop_token.to_token_stream(),
            "`loop` (only `for` over a range is)",
        ),
        Expr::Closure(e) => (e.to_token_stream(), "a closure"),
        Expr::Macro(e) => (pair(&e.mac.path, &e.mac.bang_token), "a macro call"),
        Expr::Block(e) => (e.to_token_stream(), "a block expression"),
        Expr::Try(e) => (e.question_token.to_token_stream(), "the `?` operator"),
        Expr::Return(e) => (e.to_token_stream(), "an early `return`"),
        Expr::Reference(e) => (e.to_token_stream(), "a reference"),
        Expr::Tuple(e) => (e.to_token_stream(), "a tuple"),
        Expr::Cast(e) => (
            e.to_token_stream(),
            "this cast (only to the function's float type is)",
        ),
        Expr::Assign(e) => (e.to_token_stream(), "an assignment inside an expression"),
        other => (other.to_token_stream(), "this expression"),
    }
}

fn pair(first: &impl ToTokens, second: &impl ToTokens) -> TokenStream {
    let mut tokens = first.to_token_stream();
    second.to_tokens(&mut tokens);
    tokens
}
