//! Elementwise arithmetic between two tensors, with PyTorch broadcasting and type promotion.

use super::fast_paths::mul_grads;
use super::kernels::zip_float;
use crate::graph::{needs_grad, record_one, BackwardCtx, SavedTensor};
use crate::shape::{broadcast_shapes, ShapeVec};
use crate::{DType, Tensor};
use std::borrow::Cow;

/// The broadcast shape of an op's operands, or a panic naming the op and both shapes.
#[track_caller]
pub(crate) fn broadcast_or_panic(op: &str, a: &Tensor, b: &Tensor) -> ShapeVec {
    broadcast_shapes(a.shape(), b.shape()).unwrap_or_else(|| {
        panic!(
            "{op}: shapes {:?} and {:?} do not broadcast (each dim, aligned from the right, must be equal or 1){}",
            a.shape(),
            b.shape(),
            crate::shape::pytorch_suffix(crate::shape::broadcast_error(a.shape(), b.shape()))
        )
    })
}

/// The dtype an op on `a` and `b` computes in: PyTorch's `torch.result_type`, where a 0-d
/// operand only decides the dtype when the other is 0-d too or of a lower category
/// (`f32 [3] + f64 0-d` is float32, `f32 0-d + f64 0-d` float64); see [`DType::result_type`].
pub(crate) fn result_type(a: &Tensor, b: &Tensor) -> DType {
    DType::result_type((a.dtype(), a.dim()), (b.dtype(), b.dim()))
}

/// Both operands in their [`result_type`], converting through a recorded `to_dtype` so
/// gradients flow back in the original dtype.
///
/// # Panics
/// When an operand is not floating point.
#[track_caller]
pub(crate) fn promote<'a>(
    op: &str,
    a: &'a Tensor,
    b: &'a Tensor,
) -> (Cow<'a, Tensor>, Cow<'a, Tensor>) {
    check_floating_operands(op, a, b);
    converted_to(result_type(a, b), a, b)
}

/// Both operands in the dtype they promote to by dtype alone, whatever their ranks: PyTorch's
/// promotion for ops that broadcast their operands to one shape before promoting them
/// (`mse_loss` calls `broadcast_tensors` first, so a 0-d float64 target makes it float64).
///
/// # Panics
/// When an operand is not floating point.
#[track_caller]
pub(crate) fn promote_broadcast<'a>(
    op: &str,
    a: &'a Tensor,
    b: &'a Tensor,
) -> (Cow<'a, Tensor>, Cow<'a, Tensor>) {
    check_floating_operands(op, a, b);
    converted_to(a.dtype().promote(b.dtype()), a, b)
}

/// Panics, with PyTorch's sentence where there is one, unless both operands are floating point.
#[track_caller]
fn check_floating_operands(op: &str, a: &Tensor, b: &Tensor) {
    if a.dtype().is_floating_point() && b.dtype().is_floating_point() {
        return;
    }
    panic!(
        "{op}: expected floating point operands but got {} {:?} and {} {:?}{}",
        a.dtype(),
        a.shape(),
        b.dtype(),
        b.shape(),
        crate::shape::pytorch_suffix(crate::shape::non_float_operands_error(
            op,
            (a.shape(), a.dtype()),
            (b.shape(), b.dtype())
        ))
    );
}

/// Each operand converted to `dtype` through a recorded `to_dtype` (borrowed when it has it).
fn converted_to<'a>(
    dtype: DType,
    a: &'a Tensor,
    b: &'a Tensor,
) -> (Cow<'a, Tensor>, Cow<'a, Tensor>) {
    let convert = |t: &'a Tensor| {
        if t.dtype() == dtype {
            Cow::Borrowed(t)
        } else {
            Cow::Owned(t.to_dtype(dtype))
        }
    };
    (convert(a), convert(b))
}

/// Both operands' values in their [`result_type`], converted outside any graph: the ops that
/// use them record their node on the original operands and the engine hands each operand its
/// gradient in its own dtype (PyTorch promotes inside the kernel, with no conversion node).
///
/// # Panics
/// When an operand is not floating point.
#[track_caller]
pub(crate) fn promoted_values<'a>(
    op: &str,
    a: &'a Tensor,
    b: &'a Tensor,
) -> (Cow<'a, Tensor>, Cow<'a, Tensor>) {
    if a.dtype() == b.dtype() && a.dtype().is_floating_point() {
        return (Cow::Borrowed(a), Cow::Borrowed(b));
    }
    // The checks (and their panics) are `promote`'s; without grad mode it records nothing.
    crate::no_grad(|| promote(op, a, b))
}

/// Records a two-input op whose rule maps `(grad, a, b)` to unreduced gradients for `a` and
/// `b`; the engine-facing rule sums them back to each input's shape.
#[track_caller]
fn record_binary(
    name: &'static str,
    a: &Tensor,
    b: &Tensor,
    out: Tensor,
    rule: impl Fn(&Tensor, &Tensor, &Tensor, [bool; 2]) -> [Option<Tensor>; 2] + Send + Sync + 'static,
) -> Tensor {
    if !needs_grad(&[a, b]) {
        return out;
    }
    let (sa, sb) = (SavedTensor::new(a), SavedTensor::new(b));
    let backward = move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| {
        let needs = [ctx.needs_input_grad(0), ctx.needs_input_grad(1)];
        let (a, b) = (sa.get_ref(ctx)?, sb.get_ref(ctx)?);
        let [ga, gb] = rule(&grads[0], a, b, needs);
        // The saved operands carry their shapes: broadcast gradients are summed back to them.
        Ok(smallvec::smallvec![
            ga.map(|g| g.reduce_grad_to(a.shape())),
            gb.map(|g| g.reduce_grad_to(b.shape())),
        ])
    };
    record_one(name, &[a, b], out, backward)
}

/// Records `a + b` (`sign_b` 1) or `a - b` (`sign_b` -1): the rule needs no operand values, so
/// nothing is saved and in-place changes to the operands afterwards are harmless (as PyTorch).
#[track_caller]
fn record_linear(name: &'static str, a: &Tensor, b: &Tensor, out: Tensor, sign_b: f64) -> Tensor {
    if !needs_grad(&[a, b]) {
        return out;
    }
    // The operands' shapes are those of the nodes their edges lead to: nothing to keep.
    let backward = move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| {
        let g = &grads[0];
        let ga = ctx
            .input_shape(0)
            .map(|shape| g.clone().reduce_grad_to(shape));
        let gb = ctx.input_shape(1).map(|shape| {
            let g = if sign_b < 0.0 { g.neg() } else { g.clone() };
            g.reduce_grad_to(shape)
        });
        Ok(smallvec::smallvec![ga, gb])
    };
    record_one(name, &[a, b], out, backward)
}

impl Tensor {
    /// `self + other` with broadcasting. d/da = 1, d/db = 1.
    #[track_caller]
    pub fn add(&self, other: &Tensor) -> Tensor {
        let (a, b) = promoted_values("add", self, other);
        let shape = broadcast_or_panic("add", &a, &b);
        let out = zip_float!("add", &a, &b, shape, |x, y| x + y);
        record_linear("AddBackward0", self, other, out, 1.0)
    }

    /// `self - other` with broadcasting. d/da = 1, d/db = -1.
    #[track_caller]
    pub fn sub(&self, other: &Tensor) -> Tensor {
        let (a, b) = promoted_values("sub", self, other);
        let shape = broadcast_or_panic("sub", &a, &b);
        let out = zip_float!("sub", &a, &b, shape, |x, y| x - y);
        record_linear("SubBackward0", self, other, out, -1.0)
    }

    /// `self * other` with broadcasting. d/da = b, d/db = a.
    #[track_caller]
    pub fn mul(&self, other: &Tensor) -> Tensor {
        let (a, b) = promoted_values("mul", self, other);
        let shape = broadcast_or_panic("mul", &a, &b);
        let out = zip_float!("mul", &a, &b, shape, |x, y| x * y);
        record_binary("MulBackward0", self, other, out, |g, a, b, n| {
            if n == [true, true] {
                if let Some((ga, gb)) = mul_grads(g, a, b) {
                    return [Some(ga), Some(gb)];
                }
            }
            [n[0].then(|| g.mul(b)), n[1].then(|| g.mul(a))]
        })
    }

    /// `self / other` with broadcasting. d/da = 1/b, d/db = -a/b^2.
    #[track_caller]
    pub fn div(&self, other: &Tensor) -> Tensor {
        let (a, b) = promoted_values("div", self, other);
        let shape = broadcast_or_panic("div", &a, &b);
        let out = zip_float!("div", &a, &b, shape, |x, y| x / y);
        record_binary("DivBackward0", self, other, out, |g, a, b, n| {
            // PyTorch's order, `-g * ((a / b) / b)`: no `b * b` to overflow or underflow.
            [
                n[0].then(|| g.div(b)),
                n[1].then(|| g.neg().mul(&a.div(b).div(b))),
            ]
        })
    }

    /// Sums `self` down to `shape`, a shape it could have been broadcast from (PyTorch's
    /// `sum_to_size`, ATen's `sum_to`): sums the leading dims `self` has in excess and every
    /// dim where `shape` has 1, then drops the leading ones. An empty `shape` is always a full
    /// [`Tensor::sum`] (`SumBackward0`), even of a 0-d or `[1]` tensor; a `shape` equal to
    /// `self`'s gives `self` back.
    ///
    /// # Panics
    /// When `self` cannot have been broadcast from `shape`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let g = Tensor::ones(&[2, 3]);
    /// assert_eq!(g.sum_to_size(&[3]).to_vec(), vec![2.0, 2.0, 2.0]);
    /// assert_eq!(g.sum_to_size(&[2, 1]).to_vec(), vec![3.0, 3.0]);
    /// let x = Tensor::scalar(2.0).requires_grad_(true);
    /// assert_eq!(x.sum_to_size(&[]).grad_fn().unwrap().name(), "SumBackward0");
    /// ```
    #[track_caller]
    pub fn sum_to_size(&self, shape: &[usize]) -> Tensor {
        if shape.is_empty() {
            return self.sum();
        }
        if self.shape() == shape {
            return self.clone();
        }
        if broadcast_shapes(shape, self.shape()).as_deref() != Some(self.shape()) {
            panic!(
                "sum_to_size: size {{{shape:?}}} is not expandable to size {{{:?}}}.",
                self.shape()
            );
        }
        // One sum over the leading dims and the dims `shape` has as 1, keeping them, then a
        // view dropping the leading ones.
        let lead = self.dim() - shape.len();
        let dims: Vec<usize> = (0..lead)
            .chain((lead..self.dim()).filter(|&d| shape[d - lead] == 1 && self.shape()[d] != 1))
            .collect();
        let summed = if dims.is_empty() {
            self.clone()
        } else {
            self.sum_dims_keepdim(&dims)
        };
        if lead > 0 {
            summed.reshape(shape)
        } else {
            summed
        }
    }

    /// A backward rule's gradient reduced to its input's `shape`, as PyTorch's engine does
    /// with every gradient a node returns: moved through when it already has that shape (also
    /// a 0-d one, where [`Tensor::sum_to_size`] would sum), otherwise `sum_to_size(shape)`.
    ///
    /// PRECONDITION: `self` could have been broadcast from `shape`.
    pub(crate) fn reduce_grad_to(self, shape: &[usize]) -> Tensor {
        if self.shape() == shape {
            self
        } else {
            self.sum_to_size(shape)
        }
    }
}
