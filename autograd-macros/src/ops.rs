//! The runtime's tensor ops, as the macro knows them: ONE table that the analysis (is this
//! call static?) and the static expansion (what is its adjoint? does it fuse?) both read.
//! Names follow DESIGN.md's public API; a new runtime op the macro should see through is
//! one row here.

use crate::scalar::rules::UnaryFn;
use crate::scalar::BinaryOp;

/// What an argument of a tensor method must be.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A tensor expression (`&w`, `w`, `x * 2.0`).
    Tensor,
    /// A float: a literal or a scalar parameter (`pow(2.0)`).
    Scalar,
    /// An integer: a literal or an integer parameter (`sum_dim(1, ..)`).
    Dim,
    /// `true`, `false` or a `bool` parameter (`keepdim`).
    Bool,
    /// `&[2, 3]`: integer literals or parameters.
    Shape,
}

/// How an op's backward is built: the static expansion matches on it exhaustively, so a new
/// class cannot be added without its adjoint.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OpClass {
    /// Elementwise through the scalar engine: fuses with its neighbours.
    Elementwise(UnaryFn),
    /// `pow(p)`: elementwise `powf` with a scalar exponent; fuses too.
    Pow,
    /// `sum`, `mean`, `norm`, `sum_dim`, `mean_dim`.
    Reduction(Reduction),
    /// `matmul`.
    MatMul,
    /// `t`, `transpose`, `reshape`, `unsqueeze`, `squeeze`: the data does not change.
    Layout(Layout),
    /// `clone()`: the same tensor.
    Identity,
}

/// The reductions. `sum` and `mean` may end a fused chain.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reduction {
    Sum,
    Mean,
    Norm,
    /// `sum_dim(dim, keepdim)`.
    SumDim,
    /// `mean_dim(dim, keepdim)`.
    MeanDim,
}

/// The ops that only change how the elements are seen.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    T,
    /// `transpose(d0, d1)`.
    Transpose,
    /// `reshape(&[..])`.
    Reshape,
    /// `unsqueeze(d)`.
    Unsqueeze,
    /// `squeeze(d)`.
    Squeeze,
}

/// One tensor method.
#[derive(Debug)]
pub struct TensorOp {
    pub name: &'static str,
    /// The arguments after the receiver (the arity is `1 + args.len()`).
    pub args: &'static [ArgKind],
    pub class: OpClass,
}

impl TensorOp {
    #[cfg(test)]
    pub fn is_elementwise(&self) -> bool {
        matches!(self.class, OpClass::Elementwise(_) | OpClass::Pow)
    }
}

macro_rules! ops {
    ($($name:literal ($($arg:ident),*) => $class:expr,)*) => {
        &[$(TensorOp { name: $name, args: &[$(ArgKind::$arg),*], class: $class },)*]
    };
}

use OpClass::*;

/// Every tensor method the macro knows.
pub static TENSOR_OPS: &[TensorOp] = ops! {
    "exp"() => Elementwise(UnaryFn::Exp),
    "log"() => Elementwise(UnaryFn::Ln),
    "sqrt"() => Elementwise(UnaryFn::Sqrt),
    "abs"() => Elementwise(UnaryFn::Abs),
    "sin"() => Elementwise(UnaryFn::Sin),
    "cos"() => Elementwise(UnaryFn::Cos),
    "tanh"() => Elementwise(UnaryFn::Tanh),
    "sigmoid"() => Elementwise(UnaryFn::Sigmoid),
    "relu"() => Elementwise(UnaryFn::Relu),
    "neg"() => Elementwise(UnaryFn::Neg),
    "pow"(Scalar) => Pow,
    "sum"() => Reduction(Reduction::Sum),
    "mean"() => Reduction(Reduction::Mean),
    "norm"() => Reduction(Reduction::Norm),
    "sum_dim"(Dim, Bool) => Reduction(Reduction::SumDim),
    "mean_dim"(Dim, Bool) => Reduction(Reduction::MeanDim),
    "matmul"(Tensor) => MatMul,
    "t"() => Layout(Layout::T),
    "transpose"(Dim, Dim) => Layout(Layout::Transpose),
    "reshape"(Shape) => Layout(Layout::Reshape),
    "unsqueeze"(Dim) => Layout(Layout::Unsqueeze),
    "squeeze"(Dim) => Layout(Layout::Squeeze),
    "clone"() => Identity,
};

/// The runtime's method for `a op b` between two tensors, `tensor op scalar` and
/// `scalar op tensor` (what the operator impls call, so the static forward computes exactly
/// what the tape would).
pub fn operator_methods(op: BinaryOp) -> [&'static str; 3] {
    match op {
        BinaryOp::Add => ["add", "add_scalar", "add_scalar"],
        BinaryOp::Sub => ["sub", "sub_scalar", "rsub_scalar"],
        BinaryOp::Mul => ["mul", "mul_scalar", "mul_scalar"],
        BinaryOp::Div => ["div", "div_scalar", "rdiv_scalar"],
    }
}

pub fn tensor_method(name: &str) -> Option<&'static TensorOp> {
    TENSOR_OPS.iter().find(|op| op.name == name)
}

/// "`exp`, `log`, ..." for error messages.
pub fn method_list() -> String {
    let names: Vec<String> = TENSOR_OPS
        .iter()
        .map(|op| format!("`{}`", op.name))
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        for (i, op) in TENSOR_OPS.iter().enumerate() {
            assert!(
                TENSOR_OPS[..i].iter().all(|o| o.name != op.name),
                "{}",
                op.name
            );
            assert!(std::ptr::eq(tensor_method(op.name).unwrap(), op));
        }
        assert!(tensor_method("atan2").is_none());
    }

    #[test]
    fn elementwise_ops_fuse() {
        assert!(tensor_method("tanh").unwrap().is_elementwise());
        assert!(tensor_method("pow").unwrap().is_elementwise());
        assert!(!tensor_method("matmul").unwrap().is_elementwise());
        assert_eq!(
            tensor_method("sum_dim").unwrap().args,
            [ArgKind::Dim, ArgKind::Bool]
        );
    }
}
