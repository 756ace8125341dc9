//! The engine's intermediate representation.
//!
//! INVARIANT: every [`VarId`] is defined once, by a [`Stmt::Def`] or as a program input, and
//! only read after its definition in the same block or an enclosing one; the one exception is
//! a loop's carried *slot*, defined before the loop and overwritten at the end of each
//! iteration (see [`Loop`]). This is what lets the reverse code read any value it needs.

use proc_macro2::{Span, TokenStream};
use quote::format_ident;
use syn::Ident;

use crate::scalar::rules::{Math, UnaryFn};
use crate::types::{ArrayTy, FloatTy};

/// A value of the program.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct VarId(usize);

#[derive(Clone, Debug)]
pub enum VarTy {
    /// A float of the program's float type.
    Scalar,
    /// A nalgebra fixed-size array (only inputs are arrays; their elements are read with
    /// [`Op::Index`]).
    Array(ArrayTy),
}

pub struct VarInfo {
    /// The name in the generated code.
    pub name: Ident,
    /// The name of its adjoint.
    pub adjoint: Ident,
    pub ty: VarTy,
    /// Carried loop slots are overwritten, so they are `let mut`.
    pub mutable: bool,
}

/// An operand: a variable, or a constant (non-differentiable) expression emitted verbatim.
#[derive(Clone, Debug)]
pub enum Operand {
    Var(VarId),
    /// Tokens of a float expression that depends on no differentiable value (`2.0`,
    /// `i as f64`, `std::f64::consts::PI`): its adjoint is dropped.
    Const(TokenStream),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// One operation; its forward formula and adjoint are in [`crate::scalar::rules`].
#[derive(Clone, Debug)]
pub enum Op {
    Copy(Operand),
    Unary(UnaryFn, Operand),
    Binary(BinaryOp, Operand, Operand),
    /// `x.powi(n)`: the `i32` exponent is verbatim tokens (it may use a loop index).
    Powi(Operand, TokenStream),
    /// `x.powf(y)`.
    Powf(Operand, Operand),
    /// `a.min(b)` / `a.max(b)`; ties split the gradient equally (PyTorch's `minimum`/`maximum`).
    Min(Operand, Operand),
    Max(Operand, Operand),
    /// `array[index]`, `index` verbatim tokens (`0`, `i`, `(r, c)`).
    Index {
        array: VarId,
        index: TokenStream,
    },
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// `let dst = op;`
    Def {
        dst: VarId,
        op: Op,
    },
    /// A statement with no differentiable value (`let n = 3;`): re-emitted wherever the
    /// forward code is (also when a loop body is recomputed in the reverse).
    Verbatim(TokenStream),
    Loop(Loop),
}

/// `for pat in iter { body }`.
///
/// Forward: each iteration pushes (loop variable, entry value of every carried variable) on
/// the loop's tape, runs the body, and writes each carried variable's exit value into its
/// slot. Reverse: pop the tape, recompute the body from the saved entry values, run the
/// body's adjoint. So the tape holds the loop-carried values only, one tuple per iteration.
#[derive(Clone, Debug)]
pub struct Loop {
    /// The loop variable (`None` for `_`).
    pub var: Option<Ident>,
    /// The iterator expression, verbatim: it depends on no differentiable value.
    pub iter: TokenStream,
    pub tape: Ident,
    pub carried: Vec<Carried>,
    pub body: Vec<Stmt>,
}

/// A variable assigned inside a loop and defined before it.
#[derive(Clone, Debug)]
pub struct Carried {
    /// Defined before the loop (`let mut slot = init;`), overwritten at each iteration's end.
    pub slot: VarId,
    /// The value at an iteration's start (what the body reads).
    pub entry: VarId,
    /// The value at an iteration's end.
    pub exit: Operand,
}

/// A whole program: inputs, statements, one output.
pub struct Program {
    pub float: FloatTy,
    /// Where `exp`, `tanh`, ... come from (`std` unless a front-end says otherwise).
    pub math: Math,
    pub vars: Vec<VarInfo>,
    pub inputs: Vec<VarId>,
    pub body: Vec<Stmt>,
    pub output: Operand,
    sources: Vec<TokenStream>,
    loops: usize,
    fresh: usize,
}

/// The names of value `n` and of its adjoint. Every generated name is hygienic (mixed-site),
/// so it can neither capture nor be captured by a user's name, and the four shapes cannot
/// collide with each other: a value's name ends in its number, an adjoint's in `_adj`, a
/// tape's in `_tape`, another name's in a word ([`Program::fresh_ident`]).
fn names(hint: &str, n: usize) -> (Ident, Ident) {
    let hint = hint.trim_start_matches("r#");
    let name = format_ident!("__{}_{}", hint, n, span = Span::mixed_site());
    let adjoint = format_ident!("__{}_{}_adj", hint, n, span = Span::mixed_site());
    (name, adjoint)
}

impl Program {
    pub fn new(float: FloatTy) -> Self {
        Program {
            float,
            math: Math::Std,
            vars: Vec::new(),
            inputs: Vec::new(),
            body: Vec::new(),
            output: Operand::Const(TokenStream::new()),
            sources: Vec::new(),
            loops: 0,
            fresh: 0,
        }
    }

    /// An input, read from `source` (an expression valid where the forward code starts: the
    /// user's parameter name, or an element read in a fused kernel). It gets a hygienic name
    /// of its own, so a user `let` that shadows the parameter cannot change what the reverse
    /// code reads.
    pub fn input(&mut self, source: TokenStream, hint: &str, ty: VarTy) -> VarId {
        let id = self.new_var(hint, ty, false);
        self.inputs.push(id);
        self.sources.push(source);
        id
    }

    /// The expression each input is read from, in the order of [`Program::inputs`].
    pub fn sources(&self) -> &[TokenStream] {
        &self.sources
    }

    /// A scalar temporary; `hint` (a user variable's name, or `t`) makes the expansion legible.
    pub fn temp(&mut self, hint: &str) -> VarId {
        self.new_scalar(hint, false)
    }

    /// A carried loop slot (mutable).
    pub fn slot(&mut self, hint: &str) -> VarId {
        self.new_scalar(hint, true)
    }

    /// A fresh tape name for a loop.
    pub fn tape(&mut self) -> Ident {
        self.loops += 1;
        format_ident!("__loop{}_tape", self.loops, span = Span::mixed_site())
    }

    /// How many values exist so far (to tell the ones created after this point).
    pub fn var_count(&self) -> usize {
        self.vars.len()
    }

    /// Names a value after the user variable it is bound to, if it was created after `since`
    /// (an older value already has a name, maybe a parameter's).
    pub fn rename_if_newer(&mut self, value: &Operand, since: usize, hint: &str) {
        let Operand::Var(id) = value else { return };
        if id.0 < since || self.inputs.contains(id) {
            return;
        }
        let (name, adjoint) = names(hint, id.0);
        let info = &mut self.vars[id.0];
        info.name = name;
        info.adjoint = adjoint;
    }

    pub fn var(&self, id: VarId) -> &VarInfo {
        &self.vars[id.0]
    }

    fn new_scalar(&mut self, hint: &str, mutable: bool) -> VarId {
        self.new_var(hint, VarTy::Scalar, mutable)
    }

    /// A name for a non-float value the reverse code reads (an exponent, an index).
    pub fn fresh_ident(&mut self, what: &'static str) -> Ident {
        self.fresh += 1;
        format_ident!("__k{}_{}", self.fresh, what, span = Span::mixed_site())
    }

    fn new_var(&mut self, hint: &str, ty: VarTy, mutable: bool) -> VarId {
        let (name, adjoint) = names(hint, self.vars.len());
        self.push(name, adjoint, ty, mutable)
    }

    fn push(&mut self, name: Ident, adjoint: Ident, ty: VarTy, mutable: bool) -> VarId {
        self.vars.push(VarInfo {
            name,
            adjoint,
            ty,
            mutable,
        });
        VarId(self.vars.len() - 1)
    }
}
