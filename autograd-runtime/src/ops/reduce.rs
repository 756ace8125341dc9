//! Reductions: sums, means and the 2-norm, over everything or along one dim.

use crate::dtype::{DType, Float};
use crate::graph::{record_unary_output, record_unary_saving_output, SavedTensor};
use crate::shape::{numel, wrap_dim, Dim};
use crate::storage::Buffer;
use crate::Tensor;

/// `a / b` computed in `dtype` (`f32` rounds both operands first, as a tensor op would).
fn divide_in(dtype: DType, a: f64, b: f64) -> f64 {
    match dtype {
        DType::F32 => ((a as f32) / (b as f32)) as f64,
        _ => a / b,
    }
}

/// Sums `f(v)` over a slice accurately: in `f64`, pairwise over blocks so rounding error grows
/// with log(n) rather than n.
pub(crate) fn pairwise_sum<T: Copy>(v: &[T], f: impl Fn(T) -> f64 + Copy) -> f64 {
    const BLOCK: usize = 128;
    if v.len() <= BLOCK {
        // From +0 as PyTorch's accumulators (std's float `sum` starts at -0, so a sum of
        // negative zeros would stay -0).
        return v.iter().fold(0.0, |acc, &x| acc + f(x));
    }
    let (left, right) = v.split_at(v.len() / 2);
    pairwise_sum(left, f) + pairwise_sum(right, f)
}

/// Sums along `dim` of a tensor viewed as `[outer, len, inner]`.
fn sum_along<T: Float>(v: &[T], outer: usize, len: usize, inner: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        let base = o * len * inner;
        if inner == 1 {
            out.push(T::from_f64(pairwise_sum(
                &v[base..base + len],
                <T as crate::dtype::Element>::to_f64,
            )));
            continue;
        }
        for i in 0..inner {
            let column: f64 = (0..len).fold(0.0, |acc, k| {
                acc + crate::dtype::Element::to_f64(v[base + k * inner + i])
            });
            out.push(T::from_f64(column));
        }
    }
    out
}

impl Tensor {
    /// Sum of all elements, a 0-d tensor. d/dx_i = 1.
    #[track_caller]
    pub fn sum(&self) -> Tensor {
        let out = Tensor::full_dtype(&[], self.sum_value("sum"), self.dtype());
        let shape = crate::shape::ShapeVec::from_slice(self.shape());
        record_unary_output("SumBackward0", &[self], out, || {
            move |ctx, g| {
                if ctx.create_graph() {
                    return Ok(smallvec::smallvec![Some(g.expand(&shape).into_gradient())]);
                }
                // Nothing records: every element of the gradient is the incoming value.
                Ok(smallvec::smallvec![Some(Tensor::full_dtype(
                    &shape,
                    g.item(),
                    g.dtype()
                ))])
            }
        })
    }

    /// Mean of all elements, a 0-d tensor (NaN for an empty tensor). d/dx_i = 1/n.
    #[track_caller]
    pub fn mean(&self) -> Tensor {
        let n = self.numel();
        // The sum rounded to the dtype, then divided in the dtype (as `sum() / n`).
        let value = divide_in(self.dtype(), self.sum_value("mean"), n as f64);
        let out = Tensor::full_dtype(&[], value, self.dtype());
        let shape = crate::shape::ShapeVec::from_slice(self.shape());
        record_unary_output("MeanBackward0", &[self], out, || {
            move |ctx, g| {
                if ctx.create_graph() {
                    return Ok(smallvec::smallvec![Some(
                        g.expand(&shape).div_number(n as f64)
                    )]);
                }
                let value = divide_in(g.dtype(), g.item(), n as f64);
                Ok(smallvec::smallvec![Some(Tensor::full_dtype(
                    &shape,
                    value,
                    g.dtype()
                ))])
            }
        })
    }

    /// The sum of every element (pairwise, in `f64`).
    /// # Panics
    /// On a bool tensor, naming `op`.
    fn sum_value(&self, op: &str) -> f64 {
        match &*self.buffer() {
            Buffer::F32(v) => pairwise_sum(v, |x| x as f64),
            Buffer::F64(v) => pairwise_sum(v, |x| x),
            Buffer::Bool(_) => {
                panic!("{op}: expected a floating point tensor but got torch.bool")
            }
        }
    }

    /// Sum along `dim` (negative counts from the end); `keepdim` keeps it with size 1.
    ///
    /// ```
    /// use autograd::tensor;
    /// let t = tensor![[1., 2.], [3., 4.]];
    /// assert_eq!(t.sum_dim(0, false).to_vec(), vec![4., 6.]);
    /// assert_eq!(t.sum_dim(-1, true).shape(), &[2, 1]);
    /// ```
    #[track_caller]
    pub fn sum_dim(&self, dim: impl Dim, keepdim: bool) -> Tensor {
        let d = wrap_dim("sum_dim", dim, self.dim());
        if self.dim() == 0 {
            // A 0-d tensor summed over its one (implicit) dim is itself, but still PyTorch's
            // `sum.dim_IntList` node.
            let out = crate::no_grad(|| self.sum());
            return record_unary_output("SumBackward1", &[self], out, || {
                |_, g| Ok(smallvec::smallvec![Some(g.clone())])
            });
        }
        let shape = crate::shape::ShapeVec::from_slice(self.shape());
        let (outer, len, inner) = (numel(&shape[..d]), shape[d], numel(&shape[d + 1..]));
        let buffer = {
            let b = self.buffer();
            match &*b {
                Buffer::F32(v) => Buffer::F32(sum_along(v, outer, len, inner).into()),
                Buffer::F64(v) => Buffer::F64(sum_along(v, outer, len, inner).into()),
                Buffer::Bool(_) => {
                    panic!("sum_dim: expected a floating point tensor but got torch.bool")
                }
            }
        };
        let mut out_shape = shape.clone();
        if keepdim {
            out_shape[d] = 1;
        } else {
            out_shape.remove(d);
        }
        let out = Tensor::from_buffer(buffer, out_shape);
        record_unary_output("SumBackward1", &[self], out, || {
            move |_, g| {
                let g = if keepdim { g.clone() } else { g.unsqueeze(d) };
                Ok(smallvec::smallvec![Some(g.expand(&shape).into_gradient())])
            }
        })
    }

    /// Sum over `dims` (ascending, distinct) keeping each with size 1, recorded as one
    /// `SumBackward1` node as PyTorch's multi-dim `sum(dims, keepdim=True)`.
    pub(crate) fn sum_dims_keepdim(&self, dims: &[usize]) -> Tensor {
        let out = crate::no_grad(|| dims.iter().fold(self.detach(), |t, &d| t.sum_dim(d, true)));
        let shape = crate::shape::ShapeVec::from_slice(self.shape());
        record_unary_output("SumBackward1", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.expand(&shape).into_gradient())])
        })
    }

    /// Mean along `dim`; `keepdim` keeps it with size 1. d/dx = 1/len along the dim.
    #[track_caller]
    pub fn mean_dim(&self, dim: impl Dim, keepdim: bool) -> Tensor {
        let d = wrap_dim("mean_dim", dim, self.dim());
        let len = if self.dim() == 0 { 1 } else { self.shape()[d] };
        let out = crate::no_grad(|| self.sum_dim(d, keepdim))
            .div_scalar(len as f64)
            .detach();
        let shape = crate::shape::ShapeVec::from_slice(self.shape());
        record_unary_output("MeanBackward1", &[self], out, || {
            move |_, g| {
                let g = if keepdim || shape.is_empty() {
                    g.clone()
                } else {
                    g.unsqueeze(d)
                };
                Ok(smallvec::smallvec![Some(
                    g.expand(&shape).div_number(len as f64)
                )])
            }
        })
    }

    /// The 2-norm of all elements, a 0-d tensor. d/dx = x / ||x|| (0 when the norm is 0, as
    /// PyTorch), computed as PyTorch's `norm_backward`: `g * (x / norm).masked_fill_(norm == 0,
    /// 0)`, recorded op by op under `create_graph` with the saved result as `norm`.
    #[track_caller]
    pub fn norm(&self) -> Tensor {
        let value = {
            let buffer = self.buffer();
            match &*buffer {
                Buffer::F32(v) => euclidean_norm(v),
                Buffer::F64(v) => euclidean_norm(v),
                Buffer::Bool(_) => {
                    panic!("norm: expected a floating point tensor but got torch.bool")
                }
            }
        };
        let out = Tensor::full_dtype(&[], value, self.dtype());
        record_unary_saving_output("LinalgVectorNormBackward0", &[self], out, |output| {
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let x = input.get(ctx)?;
                // Under create_graph the result comes with this node as its history (PyTorch
                // saves `result`), so second derivatives flow through it.
                let norm = if ctx.create_graph() {
                    output.get_with_history(ctx)?
                } else {
                    output.get(ctx)?
                };
                let direction = x.div(&norm).masked_fill(&norm.eq(0.0), 0.0);
                Ok(smallvec::smallvec![Some(g.mul(&direction))])
            }
        })
    }
}

/// The 2-norm as PyTorch's CPU kernel gives it: one element is its absolute value; otherwise
/// each square is taken in the element type (so it overflows to infinity, or underflows to 0,
/// where PyTorch's does: `[1e20, 1e20]` in f32 has norm inf, `[1e-30, 1e-30]` norm 0), the
/// squares summed (pairwise, in `f64`) and rounded to the element type, then square-rooted.
fn euclidean_norm<T: crate::dtype::Float>(v: &[T]) -> f64 {
    use crate::dtype::Element;
    if let [x] = v {
        return Element::to_f64(*x).abs();
    }
    let sum_of_squares: T = Element::from_f64(pairwise_sum(v, |x| Element::to_f64(x * x)));
    Element::to_f64(sum_of_squares.sqrt())
}
