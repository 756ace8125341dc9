//! Loss functions as methods on the prediction, all with PyTorch's default `mean` reduction:
//! `mse_loss` (mean squared error), `nll_loss` (negative log-likelihood of class indices given
//! log-probabilities) and `cross_entropy` (`log_softmax` then `nll_loss`, as PyTorch).
//!
//! Class targets are `&[usize]` (there is no integer dtype); class scores are `[C]` or `[N, C]`.

use super::binary::promote_broadcast;
use super::kernels::zip_float;
use crate::dtype::Float;
use crate::graph::{
    needs_grad, record, record_one, record_unary_output, BackwardCtx, BackwardFn, SavedTensor,
};
use crate::shape::{broadcast_error, broadcast_shapes, dim_out_of_range, numel, pytorch_suffix};
use crate::storage::Buffer;
use crate::Tensor;
use std::sync::Arc;

/// Checks class scores against class targets; returns `(batch, classes)`.
#[track_caller]
fn check_class_input(op: &str, input: &Tensor, target: &[usize]) -> (usize, usize) {
    let (n, c) = match *input.shape() {
        [c] => (1, c),
        [n, c] => (n, c),
        ref s => panic!(
            "{op}: expected input of shape [C] or [N, C] (class scores along the last dim) but got {s:?}; reshape K-dimensional inputs to [N, C] first{}",
            pytorch_suffix(class_input_error(op, s, target.len()))
        ),
    };
    if input.dim() == 1 && target.len() != 1 {
        panic!(
            "{op}: For 1D input, 1D target must have size 1, but got target size: {} (input shape {:?}; give one class index)",
            target.len(),
            input.shape()
        );
    }
    if target.len() != n {
        panic!(
            "{op}: Expected input batch_size ({n}) to match target batch_size ({}). (input shape {:?})",
            target.len(),
            input.shape()
        );
    }
    if let Some(&t) = target.iter().find(|&&t| t >= c) {
        panic!(
            "{op}: Target {t} is out of bounds. (input shape {:?} has {c} classes)",
            input.shape()
        );
    }
    (n, c)
}

/// What PyTorch says about class scores of `shape` (not `[C]` or `[N, C]`) with a 1-d target of
/// `target_len` class indices: `cross_entropy` first takes `log_softmax` over dim 1, then both
/// go through `nll_loss_nd`, which checks the batch size and, for K-dimensional inputs, wants a
/// target of shape `[N, d1, ...]` (`nll_loss2d` for 4-d inputs wants a 3-d target).
fn class_input_error(op: &str, shape: &[usize], target_len: usize) -> Option<String> {
    if shape.is_empty() {
        return Some(if op == "cross_entropy" {
            dim_out_of_range(1, 0).unwrap_or_default()
        } else {
            "Expected 1 or more dimensions (got 0)".to_string()
        });
    }
    if shape[0] != target_len {
        return Some(format!(
            "Expected input batch_size ({}) to match target batch_size ({target_len}).",
            shape[0]
        ));
    }
    if shape.len() == 4 {
        return Some(
            "only batches of spatial targets supported (3D tensors) but got targets of dimension: 1"
                .to_string(),
        );
    }
    let expected: Vec<usize> = [shape[0]]
        .into_iter()
        .chain(shape[2..].iter().copied())
        .collect();
    Some(format!(
        "Expected target size {expected:?}, got [{target_len}]"
    ))
}

impl Tensor {
    /// The mean of `(self - target)^2` over all elements, a 0-d tensor (`MseLossBackward0`).
    /// d/dself = 2 (self - target) / n, d/dtarget = -2 (self - target) / n; the target may
    /// require grad too. Shapes broadcast as in PyTorch (which also warns, since a mismatch
    /// is usually a bug; this does not print anything), then the kernel computes in the
    /// promoted dtype without recording a conversion (an `F32` input with an `F64` target
    /// gives an `F64` loss whose node's inputs are the operands themselves). A bool operand
    /// counts as the other's dtype. Under `create_graph`, each gradient is recorded as
    /// PyTorch's `MseLossBackwardBackward0`.
    ///
    /// # Panics
    /// When the shapes do not broadcast or neither tensor is floating point.
    ///
    /// ```
    /// use autograd::tensor;
    /// // ((1-0)^2 + (2-4)^2) / 2 = 2.5
    /// assert_eq!(tensor![1., 2.].mse_loss(&tensor![0., 4.]).item(), 2.5);
    /// ```
    #[track_caller]
    pub fn mse_loss(&self, target: &Tensor) -> Tensor {
        let (a, b) = bools_as_float(self, target);
        let shape = broadcast_shapes(a.shape(), b.shape()).unwrap_or_else(|| {
            panic!(
                "mse_loss: input shape {:?} and target shape {:?} do not broadcast (use the same shape){}",
                a.shape(),
                b.shape(),
                pytorch_suffix(broadcast_error(a.shape(), b.shape()))
            )
        });
        // Only an operand of another shape is expanded (PyTorch's `broadcast_tensors`): same-shape
        // operands are the node's inputs directly.
        let expanded = |t: &Tensor| {
            if t.shape() == &shape[..] {
                t.clone()
            } else {
                t.expand(&shape)
            }
        };
        let (a, b) = (expanded(&a), expanded(&b));
        let squares = {
            let (ca, cb) = promoted(&a, &b);
            zip_float!("mse_loss", &ca, &cb, shape.clone(), |x, y| (x - y)
                * (x - y))
        };
        // `apply_loss_reduction`: the mean of the squares, as `mean()` computes it.
        let out = squares.mean();
        let n = numel(&shape) as f64;
        if !needs_grad(&[&a, &b]) {
            return out;
        }
        let (sa, sb) = (SavedTensor::new(&a), SavedTensor::new(&b));
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let (a, b) = (sa.get(ctx)?, sb.get(ctx)?);
            // PyTorch's `mse_loss_backward(grad, self, target)` for the input and
            // `mse_loss_backward(grad, target, self)` for the target (so equal operands give +0
            // to both, not -0 to the target).
            Ok(smallvec::smallvec![
                ctx.needs_input_grad(0)
                    .then(|| mse_loss_backward(&grads[0], &a, &b, n)),
                ctx.needs_input_grad(1)
                    .then(|| mse_loss_backward(&grads[0], &b, &a, n)),
            ])
        });
        record("MseLossBackward0", &[&a, &b], vec![out], backward)
            .pop()
            .expect("one output")
    }

    /// The mean over the batch of `-self[i, target[i]]`, for log-probabilities `self` of shape
    /// `[N, C]` (or `[C]` with one target), a 0-d tensor (`NllLossBackward0`). The gradient is
    /// `-1/N` at each target position, 0 elsewhere.
    ///
    /// # Panics
    /// On other shapes, a target count that is not `N`, or a target `>= C`.
    ///
    /// ```
    /// use autograd::tensor;
    /// let log_probs = tensor![[-1., -2.], [-3., -4.]];
    /// // -(-1 + -4) / 2
    /// assert_eq!(log_probs.nll_loss(&[0, 1]).item(), 2.5);
    /// ```
    #[track_caller]
    pub fn nll_loss(&self, target: &[usize]) -> Tensor {
        let (n, c) = check_class_input("nll_loss", self, target);
        let positions: Arc<[usize]> = (target.iter().enumerate())
            .map(|(i, &t)| i * c + t)
            .collect();
        let loss = match &*self.buffer() {
            Buffer::F32(v) => nll_mean(positions.iter().map(|&p| v[p])) as f64,
            Buffer::F64(v) => nll_mean(positions.iter().map(|&p| v[p])),
            Buffer::Bool(_) => panic!(
                "nll_loss: expected a floating point tensor but got dtype torch.bool (shape {:?}): \"nll_loss_out_frame\" not implemented for 'Bool'",
                self.shape()
            ),
        };
        let out = Tensor::full_dtype(&[], loss, self.dtype());
        let input_shape = self.shape().to_vec();
        let target: Arc<[usize]> = target.into();
        record_unary_output("NllLossBackward0", &[self], out, || {
            // Saved as PyTorch saves it: its backward is recorded with the input as an input.
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let grad = crate::no_grad(|| {
                    let per_item = g.neg().div_scalar(n as f64).expand(&[n]);
                    per_item.scatter_flat(positions.clone(), input_shape.clone())
                });
                if !ctx.create_graph() {
                    return Ok(smallvec::smallvec![Some(grad)]);
                }
                let input = input.get(ctx)?;
                Ok(smallvec::smallvec![Some(record_nll_backward(
                    g,
                    &input,
                    grad,
                    target.clone()
                ))])
            }
        })
    }

    /// Cross-entropy between class scores (logits) `self` of shape `[N, C]` (or `[C]`) and
    /// class indices `target`, averaged over the batch: `log_softmax` over the classes, then
    /// [`Tensor::nll_loss`], as PyTorch's `cross_entropy` (so the node is `NllLossBackward0`).
    /// The gradient with respect to the logits is `(softmax(self) - onehot(target)) / N`.
    ///
    /// # Panics
    /// As [`Tensor::nll_loss`].
    ///
    /// ```
    /// use autograd::tensor;
    /// let logits = tensor![[0., 0.], [0., 0.]].requires_grad_(true);
    /// let loss = logits.cross_entropy(&[0, 1]);
    /// assert!((loss.item() - 2f64.ln()).abs() < 1e-6);
    /// assert_eq!(loss.grad_fn().unwrap().name(), "NllLossBackward0");
    /// ```
    #[track_caller]
    pub fn cross_entropy(&self, target: &[usize]) -> Tensor {
        check_class_input("cross_entropy", self, target);
        let class_dim = if self.dim() == 1 { 0 } else { 1 };
        self.log_softmax(class_dim).nll_loss(target)
    }
}

/// `mse_loss`'s operands with a bool one converted to the other's dtype, as PyTorch's kernel
/// promotes it (bools cannot require grad, so nothing is recorded).
///
/// # Panics
/// When neither operand is floating point (PyTorch: `"mse_cpu" not implemented for 'Bool'`).
#[track_caller]
fn bools_as_float(a: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
    match (a.dtype().is_floating_point(), b.dtype().is_floating_point()) {
        (true, true) => (a.clone(), b.clone()),
        (true, false) => (a.clone(), b.to_dtype(a.dtype())),
        (false, true) => (a.to_dtype(b.dtype()), b.clone()),
        (false, false) => panic!(
            "mse_loss: expected a floating point input or target but got {} {:?} and {} {:?}: \"mse_cpu\" not implemented for 'Bool'",
            a.dtype(),
            a.shape(),
            b.dtype(),
            b.shape()
        ),
    }
}

/// `a` and `b` converted to their promoted dtype without recording the conversions: the
/// values a PyTorch kernel computes with when it promotes its operands internally.
fn promoted(a: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
    crate::no_grad(|| {
        let (a, b) = promote_broadcast("mse_loss", a, b);
        (a.into_owned(), b.into_owned())
    })
}

/// PyTorch's `mse_loss_backward(g, mine, other)` for the mean reduction over `n` elements:
/// `2/n * (mine - other) * g`, computed in the promoted dtype and given `mine`'s dtype. Under
/// `create_graph` it is recorded as `MseLossBackwardBackward0` with inputs `(g, mine, other)`,
/// whose gradients are derivatives.yaml's: `g` gets `sum(2/n (mine - other) gg)`, `mine`
/// gets `2 gg g / n` and `other` its negation.
fn mse_loss_backward(g: &Tensor, mine: &Tensor, other: &Tensor, n: f64) -> Tensor {
    let grad = crate::no_grad(|| {
        let (m, o) = promoted(mine, other);
        // The order of ATen's kernel: `norm * (input - target) * grad_output`.
        let grad = m.sub(&o).mul_scalar(2.0 / n).mul(g);
        grad.to_dtype(mine.dtype())
    });
    if !needs_grad(&[g, mine, other]) {
        return grad;
    }
    let (sg, sm, so) = (
        SavedTensor::new(g),
        SavedTensor::new(mine),
        SavedTensor::new(other),
    );
    let backward = move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| {
        let gg = &grads[0];
        let to_g = if ctx.needs_input_grad(0) {
            let (m, o) = (sm.get(ctx)?, so.get(ctx)?);
            Some(m.sub(&o).mul_scalar(2.0 / n).mul(gg).sum())
        } else {
            None
        };
        // derivatives.yaml's mse_loss_double_backward: `2 * (gg * g) / n`.
        let to_operands = if ctx.needs_input_grad(1) || ctx.needs_input_grad(2) {
            Some(gg.mul(&sg.get(ctx)?).mul_scalar(2.0).div_scalar(n))
        } else {
            None
        };
        let to_other = (to_operands.as_ref())
            .filter(|_| ctx.needs_input_grad(2))
            .map(Tensor::neg);
        let to_mine = to_operands.filter(|_| ctx.needs_input_grad(1));
        Ok(smallvec::smallvec![to_g, to_mine, to_other])
    };
    record_one(
        "MseLossBackwardBackward0",
        &[g, mine, other],
        grad,
        backward,
    )
}

/// The mean of the negated `picks` as ATen's `nll_loss_out_frame` computes it, in the element
/// type: a cascade of 8 partial sums, each level taking the one below every 16 items (so
/// rounding error grows slowly with the batch), summed from +0 (a zero loss is +0, never -0),
/// then divided by the count (NaN for an empty batch).
fn nll_mean<T: Float>(picks: impl Iterator<Item = T>) -> T {
    const LEVELS: usize = 8;
    const LEVEL_POWER: usize = 4;
    const LEVEL_MASK: usize = (1 << LEVEL_POWER) - 1;
    let mut sums = [T::zero(); LEVELS];
    let mut count = 0usize;
    for (b, x) in picks.enumerate() {
        sums[0] = sums[0] - x;
        for j in 0..LEVELS - 1 {
            if b & (LEVEL_MASK << (j * LEVEL_POWER)) != 0 {
                break;
            }
            sums[j + 1] = sums[j + 1] + sums[j];
            sums[j] = T::zero();
        }
        count += 1;
    }
    let total = sums.iter().fold(T::zero(), |acc, &s| acc + s);
    total / <T as crate::dtype::Element>::from_f64(count as f64)
}

/// Records `grad`, `nll_loss`'s gradient computed from the incoming gradient `g` for input
/// `input`, as PyTorch's `NllLossBackwardBackward0` (inputs `g` and `input`): the gradient is
/// linear in `g`, so `g` gets `nll_loss` of the incoming gradient; `input` gets zeros (the
/// gradient does not depend on the input's values, derivatives.yaml's `nll_loss_backward`).
fn record_nll_backward(g: &Tensor, input: &Tensor, grad: Tensor, target: Arc<[usize]>) -> Tensor {
    if !needs_grad(&[g, input]) {
        return grad;
    }
    let backward = move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| {
        let gg = &grads[0];
        let to_g = ctx.needs_input_grad(0).then(|| gg.nll_loss(&target));
        let to_input = ctx.needs_input_grad(1).then(|| gg.zeros_like());
        Ok(smallvec::smallvec![to_g, to_input])
    };
    record_one("NllLossBackwardBackward0", &[g, input], grad, backward)
}
