//! Softmax, log-softmax and logsumexp along a dim, numerically stable: each column is shifted
//! by its maximum before exponentiating, so large inputs do not overflow.

use super::backward_node::record_formula;
use super::indexing::{around_dim, float_kernel, reduced_shape};
use crate::dtype::Float;
use crate::graph::{record_unary_saving_output, SavedTensor};
use crate::shape::{wrap_dim, Dim};
use crate::Tensor;

/// Softmax (or log-softmax) of each `[outer, len, inner]` column. A column holding NaN, or
/// only `-inf`, gives NaN, as in PyTorch.
fn softmax_kernel<T: Float>(
    v: &[T],
    (outer, len, inner): (usize, usize, usize),
    log: bool,
) -> Vec<T> {
    let mut out = vec![T::zero(); v.len()];
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| (o * len + k) * inner + i;
            let max = (0..len).map(|k| v[at(k)]).fold(T::neg_infinity(), T::max);
            let sum: T = (0..len).map(|k| (v[at(k)] - max).exp()).sum();
            let log_sum = sum.ln();
            for k in 0..len {
                let shifted = v[at(k)] - max;
                out[at(k)] = if log {
                    shifted - log_sum
                } else {
                    shifted.exp() / sum
                };
            }
        }
    }
    out
}

/// `log(sum(exp(x)))` of each `[outer, len, inner]` column. An infinite maximum is not
/// subtracted (PyTorch masks it to 0), so `+inf` gives `+inf` and all `-inf` gives `-inf`.
fn logsumexp_kernel<T: Float>(v: &[T], (outer, len, inner): (usize, usize, usize)) -> Vec<T> {
    let mut out = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| v[(o * len + k) * inner + i];
            let max = (0..len).map(at).fold(T::neg_infinity(), T::max);
            let shift = if max.is_infinite() { T::zero() } else { max };
            let sum: T = (0..len).map(|k| (at(k) - shift).exp()).sum();
            out.push(sum.ln() + shift);
        }
    }
    out
}

impl Tensor {
    /// `exp(x) / sum(exp(x))` along `dim` (`SoftmaxBackward0`).
    /// d/dx: `y * (g - sum(g * y, dim))`.
    ///
    /// # Panics
    /// On a dim out of range or a bool tensor.
    ///
    /// ```
    /// use autograd::tensor;
    /// let y = tensor![[1., 1.], [0., 1000.]].softmax(1);
    /// assert_eq!(y.to_vec(), vec![0.5, 0.5, 0.0, 1.0]);
    /// ```
    #[track_caller]
    pub fn softmax(&self, dim: impl Dim) -> Tensor {
        let d = wrap_dim("softmax", dim, self.dim());
        let cols = around_dim(self.shape(), d);
        let buffer = float_kernel!("softmax", self, |v| softmax_kernel(v, cols, false));
        let out = Tensor::from_buffer(buffer, self.shape());
        record_unary_saving_output("SoftmaxBackward0", &[self], out, |output| {
            move |ctx, g| {
                if ctx.create_graph() {
                    // The output with this node as its history (PyTorch saves only `result`).
                    let y = output.get_with_history(ctx)?;
                    return Ok(smallvec::smallvec![Some(softmax_backward_recorded(
                        g, &y, d
                    ))]);
                }
                Ok(smallvec::smallvec![Some(softmax_backward(
                    g,
                    &output.get(ctx)?,
                    d
                ))])
            }
        })
    }

    /// `x - log(sum(exp(x)))` along `dim`, computed without forming `exp(x)` of large values
    /// (`LogSoftmaxBackward0`). d/dx: `g - exp(y) * sum(g, dim)`.
    ///
    /// ```
    /// use autograd::tensor;
    /// let y = tensor![0., 0.].log_softmax(0);
    /// assert!((y.to_vec()[0] - (0.5f64).ln()).abs() < 1e-6);
    /// ```
    #[track_caller]
    pub fn log_softmax(&self, dim: impl Dim) -> Tensor {
        let d = wrap_dim("log_softmax", dim, self.dim());
        let cols = around_dim(self.shape(), d);
        let buffer = float_kernel!("log_softmax", self, |v| softmax_kernel(v, cols, true));
        let out = Tensor::from_buffer(buffer, self.shape());
        record_unary_saving_output("LogSoftmaxBackward0", &[self], out, |output| {
            move |ctx, g| {
                if ctx.create_graph() {
                    let y = output.get_with_history(ctx)?;
                    return Ok(smallvec::smallvec![Some(log_softmax_backward_recorded(
                        g, &y, d
                    ))]);
                }
                Ok(smallvec::smallvec![Some(log_softmax_backward(
                    g,
                    &output.get(ctx)?,
                    d
                ))])
            }
        })
    }

    /// `log(sum(exp(x)))` along `dim`, shifted by the maximum so it does not overflow;
    /// `keepdim` keeps `dim` with size 1 (`LogsumexpBackward0`). d/dx: `g * exp(x - result)`.
    ///
    /// ```
    /// use autograd::tensor;
    /// // log(e^1000 + e^1000) = 1000 + log 2, with no overflow
    /// let r = tensor![1000., 1000.].double().logsumexp(0, false);
    /// assert!((r.item() - (1000.0 + 2f64.ln())).abs() < 1e-9);
    /// ```
    #[track_caller]
    pub fn logsumexp(&self, dim: impl Dim, keepdim: bool) -> Tensor {
        let d = wrap_dim("logsumexp", dim, self.dim());
        let cols = around_dim(self.shape(), d);
        let buffer = float_kernel!("logsumexp", self, |v| logsumexp_kernel(v, cols));
        let out = Tensor::from_buffer(buffer, reduced_shape(self.shape(), d, keepdim));
        record_unary_saving_output("LogsumexpBackward0", &[self], out, |output| {
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let x = input.get(ctx)?;
                let r = if ctx.create_graph() {
                    output.get_with_history(ctx)?
                } else {
                    output.get(ctx)?
                };
                let (g, r) = if keepdim || x.dim() == 0 {
                    (g.clone(), r)
                } else {
                    (g.unsqueeze(d), r.unsqueeze(d))
                };
                Ok(smallvec::smallvec![Some(g.mul(&x.sub(&r).exp()))])
            }
        })
    }
}

/// softmax's backward from its output `y`, op by op (PyTorch's
/// `_softmax_backward_data`): `y * (g - sum(g * y, d))`.
fn softmax_backward(g: &Tensor, y: &Tensor, d: usize) -> Tensor {
    y.mul(&g.sub(&g.mul(y).sum_dim(d, true)))
}

/// [`softmax_backward`] recorded for `create_graph` as PyTorch's one
/// `SoftmaxBackwardDataBackward0` node on `(g, y)`. Its own backward (derivatives.yaml's
/// `_softmax_backward_data` entry): `_softmax_backward_data(gg, y)` to `g` and
/// `softmax_double_backward`, `g * gg - sum(y * g, d) * gg - g * sum(y * gg, d)`, to `y`.
fn softmax_backward_recorded(g: &Tensor, y: &Tensor, d: usize) -> Tensor {
    record_formula(
        "SoftmaxBackwardDataBackward0",
        &[g, y],
        &[g, y],
        |t| softmax_backward(t[0], t[1], d),
        move |ctx, gg, saved| {
            let (g, y) = (&saved[0], &saved[1]);
            let to_y = || {
                (g.mul(gg))
                    .sub(&y.mul(g).sum_dim(d, true).mul(gg))
                    .sub(&g.mul(&y.mul(gg).sum_dim(d, true)))
            };
            Ok(smallvec::smallvec![
                ctx.needs_input_grad(0)
                    .then(|| softmax_backward_recorded(gg, y, d)),
                ctx.needs_input_grad(1).then(to_y),
            ])
        },
    )
}

/// log_softmax's backward from its output `y`, op by op (PyTorch's
/// `_log_softmax_backward_data`): `g - exp(y) * sum(g, d)`.
fn log_softmax_backward(g: &Tensor, y: &Tensor, d: usize) -> Tensor {
    g.sub(&y.exp().mul(&g.sum_dim(d, true)))
}

/// [`log_softmax_backward`] recorded for `create_graph` as PyTorch's one
/// `LogSoftmaxBackwardDataBackward0` node on `(g, y)`. Its own backward (derivatives.yaml's
/// `_log_softmax_backward_data` entry), op by op as there: `gg - sum(gg * exp(y), d)` to `g`,
/// `-sum(g, d) * exp(y) * gg` to `y`.
fn log_softmax_backward_recorded(g: &Tensor, y: &Tensor, d: usize) -> Tensor {
    record_formula(
        "LogSoftmaxBackwardDataBackward0",
        &[g, y],
        &[g, y],
        |t| log_softmax_backward(t[0], t[1], d),
        move |ctx, gg, saved| {
            let (g, y) = (&saved[0], &saved[1]);
            Ok(smallvec::smallvec![
                ctx.needs_input_grad(0)
                    .then(|| gg.sub(&gg.mul(&y.exp()).sum_dim(d, true))),
                ctx.needs_input_grad(1)
                    .then(|| g.sum_dim(d, true).neg().mul(&y.exp()).mul(gg)),
            ])
        },
    )
}
