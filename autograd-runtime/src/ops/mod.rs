//! Every op: its forward kernel and, beside it, its backward rule.

mod addmm;
mod arg_extremum;
mod backward_node;
pub(crate) mod binary;
mod clamp;
mod compare;
mod dropout;
mod fast_paths;
mod flat_pick;
mod indexing;
mod inplace;
pub(crate) use inplace::torch_node_name;
mod join;
pub(crate) mod kernels;
mod loss;
mod matmul;
mod matmul_checks;
mod matmul_dispatch;
mod operators;
mod reduce;
mod reorder;
mod scalar;
mod select;
mod shape_ops;
mod softmax;
mod statistics;
mod strided;
mod unary;
mod unary_extra;

pub use compare::CompareOperand;
pub(crate) use fast_paths::{zip_fast, ZipKernels};
pub(crate) use unary::{relu_grad, relu_grad_recorded};
