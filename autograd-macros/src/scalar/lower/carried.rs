//! Which variables a loop carries: those its body assigns but did not bind itself.

use syn::{Expr, Ident, Pat, Stmt};

use crate::scalar::lower::env::{Binding, Env};

/// The float variables bound before the loop and assigned in `body` (in first-assignment
/// order, without duplicates), following Rust's scoping: a name the body (or a nested loop)
/// binds with `let` before assigning it is the body's own.
pub fn carried(env: &Env, body: &[Stmt]) -> Vec<Ident> {
    let mut found = Vec::new();
    scan(env, body, &mut Vec::new(), &mut found);
    found
}

fn scan(env: &Env, stmts: &[Stmt], local: &mut Vec<Ident>, found: &mut Vec<Ident>) {
    let depth = local.len();
    for stmt in stmts {
        match stmt {
            Stmt::Local(local_stmt) => {
                if let Some(name) = bound_name(&local_stmt.pat) {
                    local.push(name.clone());
                }
            }
            Stmt::Expr(expr, _) => scan_expr(env, expr, local, found),
            _ => {}
        }
    }
    local.truncate(depth);
}

fn scan_expr(env: &Env, expr: &Expr, local: &mut Vec<Ident>, found: &mut Vec<Ident>) {
    let target = match expr {
        Expr::Assign(assign) => &assign.left,
        Expr::Binary(binary) if super::compound_op(&binary.op).is_some() => &binary.left,
        Expr::ForLoop(inner) => {
            let depth = local.len();
            if let Some(name) = bound_name(&inner.pat) {
                local.push(name.clone());
            }
            scan(env, &inner.body.stmts, local, found);
            local.truncate(depth);
            return;
        }
        _ => return,
    };
    let Expr::Path(path) = &**target else { return };
    let Some(name) = path.path.get_ident() else {
        return;
    };
    let is_local = local.iter().any(|l| l == name);
    let is_float = matches!(env.get(name), Some(Binding::Float(_)));
    if !is_local && is_float && !found.contains(name) {
        found.push(name.clone());
    }
}

/// The name a `let` or `for` pattern binds, if it is a plain name.
pub fn bound_name(pat: &Pat) -> Option<&Ident> {
    match pat {
        Pat::Ident(ident) => Some(&ident.ident),
        Pat::Type(typed) => bound_name(&typed.pat),
        _ => None,
    }
}
