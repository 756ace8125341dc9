//! Every op: its forward kernel and, beside it, its backward rule.

pub(crate) mod binary;
mod compare;
pub(crate) mod kernels;
mod matmul;
mod operators;
mod reduce;
mod scalar;
mod shape_ops;
mod unary;

pub use compare::CompareOperand;
