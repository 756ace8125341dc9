//! Comparisons and boolean reductions: results are `Bool` tensors that never require grad.

use super::binary::{broadcast_or_panic, result_type};
use super::kernels::zip_to_bool;
use crate::dtype::DType;
use crate::storage::Buffer;
use crate::Tensor;

/// The right-hand side of a comparison: a tensor or a plain number.
pub trait CompareOperand {
    /// The operand as given (tensors), or as a 0-d tensor of the dtype a Python number takes
    /// against `like` (numbers): `like`'s own when it is floating point, float32 (the default
    /// dtype) against a `Bool` tensor, so `mask.gt(0.5)` compares 1.0 and 0.0 with 0.5.
    fn into_operand(self, like: &Tensor) -> Tensor;
}

/// The dtype a Python float takes against `like` in PyTorch's promotion: a number is of the
/// lowest priority, so it keeps a floating `like`'s dtype and makes a `Bool` one float32.
fn number_dtype(like: &Tensor) -> DType {
    if like.dtype().is_floating_point() {
        like.dtype()
    } else {
        DType::F32
    }
}

impl CompareOperand for &Tensor {
    fn into_operand(self, _like: &Tensor) -> Tensor {
        self.clone()
    }
}

impl CompareOperand for Tensor {
    fn into_operand(self, _like: &Tensor) -> Tensor {
        self
    }
}

impl CompareOperand for f64 {
    fn into_operand(self, like: &Tensor) -> Tensor {
        Tensor::full_dtype(&[], self, number_dtype(like))
    }
}

impl CompareOperand for f32 {
    fn into_operand(self, like: &Tensor) -> Tensor {
        Tensor::full_dtype(&[], self as f64, number_dtype(like))
    }
}

/// The comparisons: both operands are compared in their [`result_type`] (a float32 `[3]` with
/// a float64 0-d compares in float32, as PyTorch).
macro_rules! comparison {
    ($($(#[$doc:meta])* $name:ident $op:tt),*) => {$(
        $(#[$doc])*
        #[track_caller]
        pub fn $name(&self, other: impl CompareOperand) -> Tensor {
            let other = other.into_operand(self);
            let shape = broadcast_or_panic(stringify!($name), self, &other);
            let dtype = result_type(self, &other);
            let (a, b) = (self.detach().to_dtype(dtype), other.detach().to_dtype(dtype));
            zip_to_bool!(stringify!($name), &a, &b, shape, |x, y| x $op y)
        }
    )*};
}

impl Tensor {
    comparison!(
        /// Elementwise `==`, a `Bool` tensor.
        ///
        /// ```
        /// use autograd::tensor;
        /// assert_eq!(tensor![1., 2.].eq(&tensor![1., 3.]).to_string(), "tensor([ True, False])");
        /// ```
        eq ==,
        /// Elementwise `!=`.
        ne !=,
        /// Elementwise `>`.
        gt >,
        /// Elementwise `<`.
        lt <,
        /// Elementwise `>=`.
        ge >=,
        /// Elementwise `<=`.
        le <=
    );

    /// Whether every element is true (nonzero), a 0-d `Bool` tensor; true when empty.
    pub fn all(&self) -> Tensor {
        let value = match &*self.buffer() {
            Buffer::Bool(v) => v.iter().all(|&b| b),
            Buffer::F32(v) => v.iter().all(|&x| x != 0.0),
            Buffer::F64(v) => v.iter().all(|&x| x != 0.0),
        };
        Tensor::from_buffer(Buffer::Bool(vec![value]), vec![])
    }

    /// Whether any element is true (nonzero), a 0-d `Bool` tensor; false when empty.
    pub fn any(&self) -> Tensor {
        let value = match &*self.buffer() {
            Buffer::Bool(v) => v.iter().any(|&b| b),
            Buffer::F32(v) => v.iter().any(|&x| x != 0.0),
            Buffer::F64(v) => v.iter().any(|&x| x != 0.0),
        };
        Tensor::from_buffer(Buffer::Bool(vec![value]), vec![])
    }
}
