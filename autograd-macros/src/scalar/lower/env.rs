//! The names in scope while lowering a body, with Rust's shadowing.

use syn::Ident;

use crate::scalar::ir::{Operand, VarId};
use crate::types::ArrayTy;

#[derive(Clone, Debug)]
pub enum Binding {
    /// A float: its current value (assignments replace it).
    Float(Operand),
    /// A nalgebra array parameter.
    Array { var: VarId, ty: ArrayTy },
    /// Anything else the user bound (an integer, a loop variable): not differentiable, read
    /// verbatim.
    Other,
}

/// A stack of scopes, innermost last; each scope lists its bindings in order.
#[derive(Default)]
pub struct Env {
    scopes: Vec<Vec<(Ident, Binding)>>,
}

impl Env {
    pub fn new() -> Self {
        Env {
            scopes: vec![Vec::new()],
        }
    }

    pub fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    pub fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    /// `let name = ...`: shadows any earlier `name`.
    pub fn bind(&mut self, name: Ident, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name, binding));
        }
    }

    pub fn get(&self, name: &Ident) -> Option<&Binding> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, b)| b)
    }

    /// The binding an assignment `name = ...` updates.
    pub fn get_mut(&mut self, name: &Ident) -> Option<&mut Binding> {
        self.scopes
            .iter_mut()
            .rev()
            .flat_map(|scope| scope.iter_mut().rev())
            .find(|(n, _)| n == name)
            .map(|(_, b)| b)
    }

    /// Whether `name` is a differentiable value (a float or an array).
    pub fn is_differentiable(&self, name: &Ident) -> bool {
        matches!(
            self.get(name),
            Some(Binding::Float(_) | Binding::Array { .. })
        )
    }
}
