//! Selecting values: max/min (over everything and along a dim), elementwise maximum/minimum,
//! where and masked_fill (clamp is in `clamp.rs`). Subgradients at ties and kinks follow
//! PyTorch's `derivatives.yaml`.

use super::backward_node::record_into_zeros;
use super::binary::{broadcast_or_panic, promoted_values};
use super::flat_pick::{Pick, Scatter};
use super::indexing::{around_dim, float_kernel, reduced_shape};
use super::kernels::zip_float;
use crate::dtype::Float;
use crate::graph::{
    needs_grad, note_saved_value, record, record_unary_output, record_unary_saving_output,
    BackwardFn, SavedTensor,
};
use crate::shape::{
    broadcast_error, broadcast_index_iter, broadcast_shapes, broadcast_strides, pytorch_suffix,
    scalar_type_name, type_meta_name, wrap_dim, Dim,
};
use crate::storage::Buffer;
use crate::{DType, Tensor};
use std::sync::Arc;

/// The first maximum (or minimum) of each `[outer, len, inner]` column with its index, or the
/// last one with `last_on_ties` (PyTorch's full reductions, which shows with -0 and +0). A NaN
/// wins (the first one), as in PyTorch's CPU kernel.
/// PRECONDITION: `len > 0`.
pub(super) fn arg_extremum<T: Float>(
    v: &[T],
    (outer, len, inner): (usize, usize, usize),
    is_max: bool,
    last_on_ties: bool,
) -> (Vec<T>, Vec<usize>) {
    let mut values = Vec::with_capacity(outer * inner);
    let mut indices = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| v[(o * len + k) * inner + i];
            let (mut best, mut best_k) = (at(0), 0);
            for k in 1..len {
                if best.is_nan() {
                    break;
                }
                let x = at(k);
                let tie = last_on_ties && x == best;
                if x.is_nan() || tie || (is_max && x > best) || (!is_max && x < best) {
                    (best, best_k) = (x, k);
                }
            }
            values.push(best);
            indices.push(best_k);
        }
    }
    (values, indices)
}

/// A `Bool` tensor of `x`'s shape: `f` of each element.
pub(super) fn bool_mask(x: &Tensor, f: impl Fn(f64) -> bool) -> Tensor {
    let mask = x.to_vec().into_iter().map(f).collect();
    Tensor::from_buffer(Buffer::Bool(mask), x.shape())
}

/// A 0-d zero of `like`'s dtype (PyTorch's `at::scalar_tensor(0., grad.options())`).
pub(super) fn zero_of(like: &Tensor) -> Tensor {
    Tensor::full_dtype(&[], 0.0, like.dtype())
}

/// `out[p] = cond[p] ? x[p] : y[p]` over `shape`, reading all three with broadcasting.
/// PRECONDITION: `cond` is Bool; `x` and `y` share a float dtype; `shape` is the broadcast.
fn where_raw(cond: &Tensor, x: &Tensor, y: &Tensor, shape: &[usize]) -> Tensor {
    fn pick<T: Copy>(c: &[bool], x: &[T], y: &[T], s: [Vec<usize>; 3], shape: &[usize]) -> Vec<T> {
        broadcast_index_iter(shape, &s[0])
            .zip(broadcast_index_iter(shape, &s[1]))
            .zip(broadcast_index_iter(shape, &s[2]))
            .map(|((i, j), k)| if c[i] { x[j] } else { y[k] })
            .collect()
    }
    let strides = [cond, x, y].map(|t| broadcast_strides(t.shape(), shape));
    let (cb, xb, yb) = (cond.buffer(), x.buffer(), y.buffer());
    let Buffer::Bool(c) = &*cb else {
        unreachable!("where: the condition is checked to be Bool")
    };
    let buffer = match (&*xb, &*yb) {
        (Buffer::F32(u), Buffer::F32(v)) => Buffer::F32(pick(c, u, v, strides, shape).into()),
        (Buffer::F64(u), Buffer::F64(v)) => Buffer::F64(pick(c, u, v, strides, shape).into()),
        _ => unreachable!("where: operands are promoted to one float dtype"),
    };
    Tensor::from_buffer(buffer, shape)
}

impl Tensor {
    /// The largest element, a 0-d tensor (NaN if any element is NaN). With ties the gradient
    /// is shared evenly among the maxima (`MaxBackward1`, PyTorch's `evenly_distribute_backward`).
    ///
    /// # Panics
    /// On an empty tensor.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f64, 3.0, 3.0], &[3]).requires_grad_(true);
    /// x.max().backward();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.5, 0.5]);
    /// ```
    #[track_caller]
    pub fn max(&self) -> Tensor {
        self.extremum_all("max", "MaxBackward1", true)
    }

    /// The smallest element, a 0-d tensor (`MinBackward1`, ties share the gradient evenly).
    #[track_caller]
    pub fn min(&self) -> Tensor {
        self.extremum_all("min", "MinBackward1", false)
    }

    #[track_caller]
    fn extremum_all(&self, op: &'static str, node: &'static str, is_max: bool) -> Tensor {
        let n = self.numel();
        if n == 0 {
            panic!(
                "{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument. (shape {:?})",
                self.shape()
            );
        }
        let buffer = float_kernel!(op, self, |v| arg_extremum(v, (1, n, 1), is_max, true).0);
        let out = Tensor::from_buffer(buffer, vec![]);
        let value = out.item();
        // PyTorch saves `self` and `result` (evenly_distribute_backward reads both): an
        // in-place change to either fails the backward, `self` checked first.
        record_unary_saving_output(node, &[self], out, |result| {
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let x = input.get(ctx)?;
                result.check(ctx)?;
                let mask = bool_mask(&x, |e| e == value || (value.is_nan() && e.is_nan()));
                Ok(smallvec::smallvec![Some(evenly_distribute(g, &mask))])
            }
        })
    }

    /// The largest values along `dim` and, row-major in the values' shape, the index of each
    /// (the first maximum on ties; a NaN wins). `keepdim` keeps `dim` with size 1. The
    /// gradient goes to the returned index only (`MaxBackward0`).
    ///
    /// # Panics
    /// On a dim out of range or of size 0.
    ///
    /// ```
    /// use autograd::tensor;
    /// let (values, indices) = tensor![[1., 5., 5.], [7., 2., 0.]].max_dim(1, false);
    /// assert_eq!(values.to_vec(), vec![5., 7.]);
    /// assert_eq!(indices, vec![1, 0]);
    /// ```
    #[track_caller]
    pub fn max_dim(&self, dim: impl Dim, keepdim: bool) -> (Tensor, Vec<usize>) {
        self.extremum_dim(dim, keepdim, "max", "MaxBackward0", true)
    }

    /// The smallest values along `dim` and their indices (`MinBackward0`); see
    /// [`Tensor::max_dim`].
    #[track_caller]
    pub fn min_dim(&self, dim: impl Dim, keepdim: bool) -> (Tensor, Vec<usize>) {
        self.extremum_dim(dim, keepdim, "min", "MinBackward0", false)
    }

    #[track_caller]
    fn extremum_dim(
        &self,
        dim: impl Dim,
        keepdim: bool,
        op: &'static str,
        node: &'static str,
        is_max: bool,
    ) -> (Tensor, Vec<usize>) {
        let d = wrap_dim(op, dim, self.dim());
        let shape = self.shape().to_vec();
        let (outer, len, inner) = around_dim(&shape, d);
        if len == 0 {
            panic!("{op}(): Expected reduction dim {d} to have non-zero size. (shape {shape:?})");
        }
        let (buffer, indices) = match &*self.buffer() {
            Buffer::F32(v) => {
                let (values, indices) = arg_extremum(v, (outer, len, inner), is_max, false);
                (Buffer::F32(values.into()), indices)
            }
            Buffer::F64(v) => {
                let (values, indices) = arg_extremum(v, (outer, len, inner), is_max, false);
                (Buffer::F64(values.into()), indices)
            }
            Buffer::Bool(_) => panic!(
                "{op}: expected a floating point tensor but got dtype torch.bool (shape {shape:?})"
            ),
        };
        let out = Tensor::from_buffer(buffer, reduced_shape(&shape, d, keepdim));
        let out = record_unary_output(node, &[self], out, || {
            // PyTorch saves the indices (as a tensor) for the backward.
            note_saved_value();
            // Where each value came from, as a flat position in the input.
            let targets: Arc<[usize]> = (indices.iter().enumerate())
                .map(|(k, &j)| (k / inner * len + j) * inner + k % inner)
                .collect();
            move |_, g| {
                // PyTorch's `zeros.scatter(dim, indices.unsqueeze(dim), grad.unsqueeze(dim))`
                // (`ScatterBackward0`): the unsqueeze keeps the element order.
                let g = if keepdim || shape.is_empty() {
                    g.clone()
                } else {
                    g.unsqueeze(d)
                };
                Ok(smallvec::smallvec![Some(g.scatter_flat_as(
                    Scatter::Overwrite,
                    targets.clone(),
                    shape.clone()
                ))])
            }
        });
        (out, indices)
    }

    /// Elementwise maximum with broadcasting (NaN propagates). At ties each input gets half
    /// the gradient (`MaximumBackward0`).
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![1., 5.].maximum(&tensor![3., 2.]).to_vec(), vec![3., 5.]);
    /// ```
    #[track_caller]
    pub fn maximum(&self, other: &Tensor) -> Tensor {
        self.elementwise_extremum(other, "maximum", "MaximumBackward0", true)
    }

    /// Elementwise minimum with broadcasting (NaN propagates); ties split the gradient
    /// (`MinimumBackward0`).
    #[track_caller]
    pub fn minimum(&self, other: &Tensor) -> Tensor {
        self.elementwise_extremum(other, "minimum", "MinimumBackward0", false)
    }

    #[track_caller]
    fn elementwise_extremum(
        &self,
        other: &Tensor,
        op: &'static str,
        node: &'static str,
        is_max: bool,
    ) -> Tensor {
        // Computed in the promoted dtype, recorded on the operands themselves: no conversion
        // node, and the engine hands each operand its gradient in its own dtype (PyTorch).
        let (a, b) = promoted_values(op, self, other);
        let shape = broadcast_or_panic(op, &a, &b);
        let out = zip_float!(op, &a, &b, shape, |x, y| {
            if x.is_nan() || y.is_nan() {
                x + y
            } else if (is_max && x >= y) || (!is_max && x <= y) {
                // Ties (also -0 against +0) give `self`, as PyTorch.
                x
            } else {
                y
            }
        });
        if !needs_grad(&[self, other]) {
            return out;
        }
        let (sa, sb) = (SavedTensor::new(self), SavedTensor::new(other));
        let (shape_a, shape_b) = (self.shape().to_vec(), other.shape().to_vec());
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let g = &grads[0];
            let (x, y) = (sa.get(ctx)?, sb.get(ctx)?);
            // PyTorch: where(self == other, grad / 2, grad).masked_fill_(self < other, 0) for
            // self, and `self > other` for other (the comparisons swap for minimum); they
            // compare in the forward's promoted dtype.
            let shared = Tensor::where_cond(&x.eq(&y), &g.div_number(2.0), g);
            let (a_loses, b_loses) = if is_max {
                (x.lt(&y), x.gt(&y))
            } else {
                (x.gt(&y), x.lt(&y))
            };
            Ok(smallvec::smallvec![
                (ctx.needs_input_grad(0))
                    .then(|| shared.masked_fill(&a_loses, 0.0).reduce_grad_to(&shape_a)),
                (ctx.needs_input_grad(1))
                    .then(|| shared.masked_fill(&b_loses, 0.0).reduce_grad_to(&shape_b)),
            ])
        });
        record(node, &[self, other], vec![out], backward)
            .pop()
            .expect("one output")
    }

    /// `condition ? x : y` elementwise, broadcasting all three (PyTorch's `torch.where`;
    /// `where` is a Rust keyword). Each branch gets the gradient where it was chosen
    /// (`WhereBackward0`, whose inputs are `x` and `y`).
    ///
    /// # Panics
    /// When `condition` is not `Bool` or the shapes do not broadcast.
    ///
    /// ```
    /// use autograd::{tensor, Tensor};
    /// let x = tensor![1., -2., 3.];
    /// let y = Tensor::where_cond(&x.gt(0.0), &x, &Tensor::scalar(0.0));
    /// assert_eq!(y.to_vec(), vec![1., 0., 3.]);
    /// ```
    #[track_caller]
    pub fn where_cond(condition: &Tensor, x: &Tensor, y: &Tensor) -> Tensor {
        if condition.dtype() != DType::Bool {
            panic!(
                "where: where expected condition to be a boolean tensor, but got a tensor with dtype {} (condition {} {:?})",
                scalar_type_name(condition.dtype()),
                condition.dtype(),
                condition.shape()
            );
        }
        // Computed in the promoted dtype, recorded on `x` and `y` themselves (as maximum).
        let (a, b) = promoted_values("where", x, y);
        let shape = broadcast_shapes(condition.shape(), a.shape())
            .and_then(|s| broadcast_shapes(&s, b.shape()))
            .unwrap_or_else(|| {
                // PyTorch broadcasts condition with x, then the result with y.
                let sentence = broadcast_error(condition.shape(), a.shape()).or_else(|| {
                    let cx = broadcast_shapes(condition.shape(), a.shape()).unwrap_or_default();
                    broadcast_error(&cx, b.shape())
                });
                panic!(
                    "where: shapes of condition {:?}, x {:?} and y {:?} do not broadcast (each dim, aligned from the right, must be equal or 1){}",
                    condition.shape(),
                    a.shape(),
                    b.shape(),
                    pytorch_suffix(sentence)
                )
            });
        let out = where_raw(condition, &a, &b, &shape);
        if !needs_grad(&[x, y]) {
            return out;
        }
        let cond = SavedTensor::new(condition);
        let (shape_a, shape_b) = (x.shape().to_vec(), y.shape().to_vec());
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let (g, c) = (&grads[0], cond.get(ctx)?);
            let zero = zero_of(g);
            Ok(smallvec::smallvec![
                (ctx.needs_input_grad(0))
                    .then(|| Tensor::where_cond(&c, g, &zero).reduce_grad_to(&shape_a)),
                (ctx.needs_input_grad(1))
                    .then(|| Tensor::where_cond(&c, &zero, g).reduce_grad_to(&shape_b)),
            ])
        });
        record("WhereBackward0", &[x, y], vec![out], backward)
            .pop()
            .expect("one output")
    }

    /// `value` where `mask` is true, `self` elsewhere; the result has the broadcast shape of
    /// `self` and `mask`. The gradient is zero at the filled positions (`MaskedFillBackward0`).
    ///
    /// # Panics
    /// When `mask` is not `Bool` or does not broadcast with `self`, or when `value` is finite
    /// but beyond what an F32 `self` can hold (PyTorch's "value cannot be converted to type
    /// float without overflow").
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![1., 2., 3.];
    /// assert_eq!(x.masked_fill(&x.gt(1.5), 0.0).to_vec(), vec![1., 0., 0.]);
    /// ```
    #[track_caller]
    pub fn masked_fill(&self, mask: &Tensor, value: f64) -> Tensor {
        if mask.dtype() != DType::Bool {
            // PyTorch broadcasts the mask with self before it looks at the mask's dtype.
            let sentence = broadcast_error(mask.shape(), self.shape()).unwrap_or_else(|| {
                format!(
                    "masked_fill_ only supports boolean masks, but got mask with dtype {}",
                    type_meta_name(mask.dtype())
                )
            });
            panic!(
                "masked_fill: {sentence} (mask {} {:?}, self {:?})",
                mask.dtype(),
                mask.shape(),
                self.shape()
            );
        }
        if !self.dtype().is_floating_point() {
            panic!(
                "masked_fill: expected a floating point tensor but got dtype {} (shape {:?}){}",
                self.dtype(),
                self.shape(),
                pytorch_suffix(broadcast_error(mask.shape(), self.shape()))
            );
        }
        let shape = broadcast_shapes(self.shape(), mask.shape()).unwrap_or_else(|| {
            // PyTorch's out-of-place masked_fill broadcasts the mask first, the input second.
            panic!(
                "masked_fill: shapes {:?} and {:?} do not broadcast (each dim, aligned from the right, must be equal or 1){}",
                self.shape(),
                mask.shape(),
                pytorch_suffix(broadcast_error(mask.shape(), self.shape()))
            )
        });
        super::clamp::check_number_fits("masked_fill", "value", self, value);
        let fill = Tensor::full_dtype(&[], value, self.dtype());
        let out = where_raw(mask, &fill, self, &shape);
        let self_shape = self.shape().to_vec();
        record_unary_output("MaskedFillBackward0", &[self], out, || {
            let mask = SavedTensor::new(mask);
            move |ctx, g| {
                let g = g.masked_fill(&mask.get(ctx)?, 0.0);
                Ok(smallvec::smallvec![Some(g.reduce_grad_to(&self_shape))])
            }
        })
    }
}

/// PyTorch's `evenly_distribute_backward` of a full max/min: `g / count` at each of the
/// `count` positions of `mask`, 0 elsewhere, recorded as PyTorch computes it,
/// `zeros.masked_fill_(mask, g / mask.sum())` (`MaskedFillBackward1`, whose backward sums the
/// gradient at the mask through `masked_select`).
fn evenly_distribute(g: &Tensor, mask: &Tensor) -> Tensor {
    let flags = mask.to_vec();
    let positions: Arc<[usize]> = (flags.iter().enumerate())
        .filter(|(_, &m)| m != 0.0)
        .map(|(i, _)| i)
        .collect();
    let share = g.div_scalar(positions.len() as f64);
    let out = crate::no_grad(|| Tensor::where_cond(mask, &share, &zero_of(g)));
    let count = positions.len();
    record_into_zeros("MaskedFillBackward1", &share, out, || {
        // The mask is a tensor PyTorch saves.
        note_saved_value();
        move |_, gg| {
            Ok(gg
                .take_flat(positions.clone(), vec![count], Pick::MaskedSelect)
                .sum())
        }
    })
}
