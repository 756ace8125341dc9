//! Every keyword the macro reads or writes, spelled once (serde_derive's `Symbol`).
//!
//! Comparing an [`Ident`] or a [`Path`] against a constant here, rather than against a
//! string literal scattered through the code, keeps a typo from silently disabling a check.

use std::fmt;

use syn::{Ident, Path};

/// A keyword, comparable with identifiers and single-segment paths.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Symbol(&'static str);

impl Symbol {
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

// ---- attribute arguments: `#[differentiable(static | dynamic, crate = path)]` ----
pub const STATIC: Symbol = Symbol("static");
pub const DYNAMIC: Symbol = Symbol("dynamic");
pub const CRATE: Symbol = Symbol("crate");
/// The facade crate the expansion names unless `crate = path` overrides it.
pub const DEFAULT_CRATE: Symbol = Symbol("autograd");

// ---- names the expansion generates ----
/// `fn f` gets `fn f_grad`.
pub const GRAD_SUFFIX: Symbol = Symbol("_grad");

// ---- types the signature may use ----
pub const F32: Symbol = Symbol("f32");
pub const F64: Symbol = Symbol("f64");
pub const TENSOR: Symbol = Symbol("Tensor");
pub const BOOL: Symbol = Symbol("bool");
/// Integer types accepted as non-differentiable parameters of tensor functions.
pub const INTEGERS: [Symbol; 10] = [
    Symbol("usize"),
    Symbol("isize"),
    Symbol("u8"),
    Symbol("u16"),
    Symbol("u32"),
    Symbol("u64"),
    Symbol("i8"),
    Symbol("i16"),
    Symbol("i32"),
    Symbol("i64"),
];

// ---- nalgebra fixed-size types (plain-number functions) ----
pub const SVECTOR: Symbol = Symbol("SVector");
pub const SMATRIX: Symbol = Symbol("SMatrix");
/// `Vector1` .. `Vector6`, `Matrix1` .. `Matrix6`, `Matrix2x3` ...: the alias prefixes.
pub const VECTOR_ALIAS: Symbol = Symbol("Vector");
pub const MATRIX_ALIAS: Symbol = Symbol("Matrix");

// ---- float methods of plain-number functions that take an argument ----
pub const POWI: Symbol = Symbol("powi");
pub const POWF: Symbol = Symbol("powf");
pub const MIN: Symbol = Symbol("min");
pub const MAX: Symbol = Symbol("max");

// ---- methods on nalgebra values that the plain-number lowering unrolls ----
pub const DOT: Symbol = Symbol("dot");
pub const NORM: Symbol = Symbol("norm");
pub const NORM_SQUARED: Symbol = Symbol("norm_squared");
pub const SUM: Symbol = Symbol("sum");

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
