//! Front-end 1 of the engine: the body of a plain-number function, lowered to a [`Program`].
//!
//! Supported: `let` bindings (shadowing included), assignments `x = e`, `x += e` (`-=`,
//! `*=`, `/=`), `for` loops over an iterator that depends on no differentiable value, and a
//! tail expression (or a final `return e`). Expressions are described in [`expr`]. Anything
//! else is a spanned error listing what is supported ([`SUPPORTED`]).

mod carried;
mod env;
mod expr;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{BinOp, Block, Expr, ExprForLoop, Ident, Local, Pat, Stmt as SynStmt};

use crate::diagnostics::Ctxt;
use crate::parse::{Function, Param};
use crate::scalar::ir::{BinaryOp, Carried, Loop, Op, Operand, Program, Stmt, VarTy};
use crate::types::{FloatTy, ParamTy};
use env::{Binding, Env};

/// What a plain-number function may contain (quoted in every "not supported" error).
pub const SUPPORTED: &str = "supported in a plain-number function: float literals and constants, \
`+ - * /`, unary `-`, `powi`, `powf`, `exp`, `ln`, `sqrt`, `sin`, `cos`, `tanh`, `abs`, `min`, \
`max` (as methods or as `f64::exp(x)`), `as` casts of integers, `let` bindings, assignments \
(`=`, `+=`, `-=`, `*=`, `/=`), `for` loops over ranges, and on nalgebra arrays `v[i]`, `v.x`, \
`dot`, `norm`, `norm_squared`, `sum`";

/// Lowers `func`'s body. Errors go to `cx`; `None` when there were any.
pub fn lower(cx: &Ctxt, func: &Function, float: FloatTy) -> Option<Program> {
    let mut lowerer = Lowerer {
        cx,
        prog: Program::new(float),
        env: Env::new(),
        blocks: vec![Vec::new()],
        failed: false,
        errors: 0,
    };
    for param in &func.params {
        lowerer.bind_param(param);
    }
    let output = lowerer.body(&func.item.block);
    if lowerer.failed {
        return None;
    }
    let mut prog = lowerer.prog;
    prog.body = lowerer.blocks.pop().unwrap_or_default();
    prog.output = output;
    Some(prog)
}

struct Lowerer<'a> {
    cx: &'a Ctxt,
    prog: Program,
    env: Env,
    /// The statements being built: the function body, then one per enclosing loop.
    blocks: Vec<Vec<Stmt>>,
    failed: bool,
    /// Errors recorded so far (to stop one error from cascading into the next statement).
    errors: usize,
}

impl Lowerer<'_> {
    fn error<T: ToTokens>(&mut self, tokens: T, message: impl std::fmt::Display) {
        self.failed = true;
        self.errors += 1;
        self.cx.error_spanned_by(tokens, message);
    }

    fn unsupported<T: ToTokens>(&mut self, tokens: T, what: &str) {
        self.error(
            tokens,
            format!("{what} is not supported in a plain-number function; {SUPPORTED}"),
        );
    }

    fn emit(&mut self, stmt: Stmt) {
        if let Some(block) = self.blocks.last_mut() {
            block.push(stmt);
        }
    }

    /// Defines a new value: `let t = op;`.
    fn def(&mut self, hint: &str, op: Op) -> Operand {
        let dst = self.prog.temp(hint);
        self.emit(Stmt::Def { dst, op });
        Operand::Var(dst)
    }

    fn bind_param(&mut self, param: &Param) {
        let (source, hint) = (param.ident.to_token_stream(), param.ident.to_string());
        let binding = match &param.class {
            ParamTy::Array(ty) => {
                let var = self.prog.input(source, &hint, VarTy::Array(ty.clone()));
                Binding::Array {
                    var,
                    ty: ty.clone(),
                }
            }
            _ => Binding::Float(Operand::Var(self.prog.input(source, &hint, VarTy::Scalar))),
        };
        self.env.bind(param.ident.clone(), binding);
    }

    /// The function body; returns the output.
    fn body(&mut self, block: &Block) -> Operand {
        let Some((last, init)) = block.stmts.split_last() else {
            self.error(block, "the body must end with the value it returns");
            return Operand::Const(TokenStream::new());
        };
        self.stmts(init);
        match last {
            SynStmt::Expr(Expr::Return(ret), _) if ret.expr.is_some() => {
                let value = ret.expr.as_deref().map(|e| self.expr(e));
                value.unwrap_or(Operand::Const(TokenStream::new()))
            }
            SynStmt::Expr(expr, None) if !is_statement_like(expr) => self.expr(expr),
            other => {
                self.stmt(other);
                self.error(
                    crate::diagnostics::at(block.brace_token.span.close()),
                    "the body must end with the value it returns (a tail expression)",
                );
                Operand::Const(TokenStream::new())
            }
        }
    }

    fn stmts(&mut self, stmts: &[SynStmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &SynStmt) {
        match stmt {
            SynStmt::Local(local) => self.local(local),
            SynStmt::Expr(Expr::Assign(assign), _) => {
                self.assign(&assign.left, None, &assign.right)
            }
            SynStmt::Expr(Expr::Binary(binary), _) if compound_op(&binary.op).is_some() => {
                self.assign(&binary.left, compound_op(&binary.op), &binary.right)
            }
            SynStmt::Expr(Expr::ForLoop(for_loop), _) => self.for_loop(for_loop),
            SynStmt::Expr(Expr::Return(ret), _) => self.unsupported(ret, "an early `return`"),
            // `;` alone parses as an empty verbatim expression: point at the semicolon.
            SynStmt::Expr(Expr::Verbatim(tokens), Some(semi)) if tokens.is_empty() => {
                self.unsupported(semi, "an empty statement `;` (remove it)")
            }
            SynStmt::Expr(expr, _) => match expr::describe(expr) {
                (tokens, "this expression") => self.unsupported(
                    tokens,
                    "a statement other than `let`, an assignment or a `for` loop",
                ),
                (tokens, what) => self.unsupported(tokens, what),
            },
            SynStmt::Macro(mac) => self.unsupported(&mac.mac, "a macro call"),
            SynStmt::Item(item) => self.unsupported(item, "an item inside the body"),
        }
    }

    fn local(&mut self, local: &Local) {
        let Some(name) = plain_binding(&local.pat) else {
            return self.unsupported(&local.pat, "this pattern (only `let name = ...` is)");
        };
        let Some(init) = &local.init else {
            return self.unsupported(local, "`let` without a value");
        };
        if let Some((else_token, _)) = &init.diverge {
            return self.unsupported(else_token, "`let ... else`");
        }
        let binding = if expr::is_constant(&self.env, &init.expr) {
            // Nothing differentiable: keep the user's statement as written (its types too).
            self.emit(Stmt::Verbatim(local.to_token_stream()));
            if expr::looks_float(&local.pat, &init.expr, self.prog.float) {
                Binding::Float(Operand::Const(name.to_token_stream()))
            } else {
                Binding::Other
            }
        } else if let Some(binding) = self.alias(&init.expr) {
            binding
        } else {
            if let Pat::Type(typed) = &local.pat {
                if crate::types::float_ty(&typed.ty) != Some(self.prog.float) {
                    self.error(
                        &typed.ty,
                        format!(
                            "expected `{}`: a differentiable value has the function's float type",
                            self.prog.float.symbol()
                        ),
                    );
                }
            }
            let (since, errors) = (self.prog.var_count(), self.errors);
            let value = self.expr(&init.expr);
            self.prog.rename_if_newer(&value, since, &name.to_string());
            if self.errors > errors {
                // Already reported: later uses of `name` should not be reported again.
                Binding::Other
            } else {
                Binding::Float(value)
            }
        };
        self.env.bind(name.clone(), binding);
    }

    /// `let v = w;` with `w` an array parameter: `v` names the same array.
    fn alias(&self, init: &Expr) -> Option<Binding> {
        let Expr::Path(path) = init else { return None };
        match self.env.get(path.path.get_ident()?)? {
            binding @ Binding::Array { .. } => Some(binding.clone()),
            _ => None,
        }
    }

    /// `target = value` or `target op= value`.
    fn assign(&mut self, target: &Expr, op: Option<BinaryOp>, value: &Expr) {
        let name = match target {
            Expr::Path(path) => path.path.get_ident(),
            _ => None,
        };
        let Some(name) = name else {
            return self.unsupported(target, "assigning to anything but a variable");
        };
        let current = match self.env.get(name) {
            Some(Binding::Float(current)) => current.clone(),
            Some(_) => return self.unsupported(target, "assigning to a non-float variable"),
            None => return self.error(name, format!("cannot find variable `{name}`")),
        };
        let since = self.prog.var_count();
        let value = self.expr(value);
        let value = match op {
            None => value,
            Some(op) => expr::binary_def(self, "t", op, current, value),
        };
        self.prog.rename_if_newer(&value, since, &name.to_string());
        if let Some(Binding::Float(slot)) = self.env.get_mut(name) {
            *slot = value;
        }
    }

    fn for_loop(&mut self, for_loop: &ExprForLoop) {
        let var = match &*for_loop.pat {
            Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => {
                Some(ident.ident.clone())
            }
            Pat::Wild(_) => None,
            pat => return self.unsupported(pat, "this loop pattern (only a name or `_` is)"),
        };
        if !expr::is_constant(&self.env, &for_loop.expr) {
            return self.error(
                &for_loop.expr,
                "the loop's range must not depend on differentiable values (the number of iterations cannot have a gradient)",
            );
        }
        // Carried variables: `let mut slot = current;` before the loop, entry values inside.
        let mut carried = Vec::new();
        for name in carried::carried(&self.env, &for_loop.body.stmts) {
            let Some(Binding::Float(init)) = self.env.get(&name).cloned() else {
                continue;
            };
            let hint = name.to_string();
            let slot = self.prog.slot(&hint);
            self.emit(Stmt::Def {
                dst: slot,
                op: Op::Copy(init),
            });
            let entry = self.prog.temp(&hint);
            if let Some(Binding::Float(current)) = self.env.get_mut(&name) {
                *current = Operand::Var(entry);
            }
            carried.push((
                name,
                Carried {
                    slot,
                    entry,
                    exit: Operand::Var(entry),
                },
            ));
        }
        self.env.push_scope();
        if let Some(var) = &var {
            self.env.bind(var.clone(), Binding::Other);
        }
        self.blocks.push(Vec::new());
        self.stmts(&for_loop.body.stmts);
        let body = self.blocks.pop().unwrap_or_default();
        self.env.pop_scope();
        // Each carried variable's current value is its exit value; after the loop, the slot.
        let carried = carried
            .into_iter()
            .map(|(name, mut c)| {
                if let Some(Binding::Float(current)) = self.env.get_mut(&name) {
                    c.exit = std::mem::replace(current, Operand::Var(c.slot));
                }
                c
            })
            .collect();
        let tape = self.prog.tape();
        self.emit(Stmt::Loop(Loop {
            var,
            iter: for_loop.expr.to_token_stream(),
            tape,
            carried,
            body,
        }));
    }
}

/// `x += e` is `x = x + e`, and so on.
fn compound_op(op: &BinOp) -> Option<BinaryOp> {
    match op {
        BinOp::AddAssign(_) => Some(BinaryOp::Add),
        BinOp::SubAssign(_) => Some(BinaryOp::Sub),
        BinOp::MulAssign(_) => Some(BinaryOp::Mul),
        BinOp::DivAssign(_) => Some(BinaryOp::Div),
        _ => None,
    }
}

/// A `let` pattern the lowering handles: `name`, `mut name`, `name: T`.
fn plain_binding(pat: &Pat) -> Option<&Ident> {
    match pat {
        Pat::Ident(ident) if ident.by_ref.is_none() && ident.subpat.is_none() => Some(&ident.ident),
        Pat::Type(typed) => plain_binding(&typed.pat),
        _ => None,
    }
}

/// Expressions that end a body without being its value.
fn is_statement_like(expr: &Expr) -> bool {
    matches!(expr, Expr::Assign(_) | Expr::ForLoop(_))
        || matches!(expr, Expr::Binary(b) if compound_op(&b.op).is_some())
}
