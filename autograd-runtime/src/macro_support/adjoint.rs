//! Adjoints of the ops whose rule is more than one tensor expression, for the backward that
//! `#[differentiable]` generates for a static body. Each is written in differentiable tensor
//! ops (so a backward run with `create_graph` records through it) and gives what the op's own
//! node would give.

use crate::shape::{numel, wrap_dim, Dim};
use crate::Tensor;

/// `mean()` of a tensor of `shape`: d/dx_i = 1/n.
pub fn mean_backward(g: &Tensor, shape: &[usize]) -> Tensor {
    g.expand(shape).div_scalar(numel(shape) as f64)
}

/// `sum_dim(dim, keepdim)` of a tensor of `shape`: the gradient spread back along `dim`.
#[track_caller]
pub fn sum_dim_backward(g: &Tensor, shape: &[usize], dim: impl Dim, keepdim: bool) -> Tensor {
    if shape.is_empty() {
        // `sum_dim` of a 0-d tensor is the tensor itself.
        return g.clone();
    }
    let d = wrap_dim("sum_dim", dim, shape.len());
    let g = if keepdim { g.clone() } else { g.unsqueeze(d) };
    g.expand(shape)
}

/// `mean_dim(dim, keepdim)` of a tensor of `shape`: d/dx = 1/len along `dim`.
#[track_caller]
pub fn mean_dim_backward(g: &Tensor, shape: &[usize], dim: impl Dim, keepdim: bool) -> Tensor {
    let len = if shape.is_empty() {
        1
    } else {
        shape[wrap_dim("mean_dim", dim, shape.len())]
    };
    sum_dim_backward(g, shape, dim, keepdim).div_scalar(len as f64)
}

/// `norm()` of `x`, which was `norm`: d/dx = x / ||x||, and 0 when the norm is 0 (PyTorch's
/// subgradient).
pub fn norm_backward(g: &Tensor, x: &Tensor, norm: &Tensor) -> Tensor {
    if norm.item() == 0.0 {
        return x.zeros_like();
    }
    x.mul(&g.div(norm))
}

/// `a.matmul(b)`: the gradients of the operands that `needs`, by the rules of the node the
/// product records (`DotBackward0`, `MvBackward0`, `MmBackward0`; batched products sum the
/// broadcast batch dims back).
#[track_caller]
pub fn matmul_backward(
    g: &Tensor,
    a: &Tensor,
    b: &Tensor,
    needs: [bool; 2],
) -> [Option<Tensor>; 2] {
    let [need_a, need_b] = needs;
    match (a.dim(), b.dim()) {
        (1, 1) => [need_a.then(|| b.mul(g)), need_b.then(|| a.mul(g))],
        (2, 1) => [
            need_a.then(|| g.unsqueeze(1).mm(&b.unsqueeze(0))),
            need_b.then(|| a.t().mv(g)),
        ],
        (1, 2) => {
            let g = g.unsqueeze(0);
            [
                need_a.then(|| g.mm(&b.t()).squeeze(0)),
                need_b.then(|| a.unsqueeze(1).mm(&g)),
            ]
        }
        (2, 2) => [
            need_a.then(|| g.mm_rhs_transposed(b)),
            need_b.then(|| a.mm_lhs_transposed(g)),
        ],
        (da, db) => {
            // Batched: a 1-d operand becomes a matrix, the gradient gets the dims the product
            // dropped, and each operand's gradient is summed over the batch dims it was
            // broadcast along.
            let a1 = if da == 1 { a.unsqueeze(0) } else { a.clone() };
            let b1 = if db == 1 { b.unsqueeze(1) } else { b.clone() };
            let mut g1 = g.clone();
            if db == 1 {
                g1 = g1.unsqueeze(g1.dim());
            }
            if da == 1 {
                g1 = g1.unsqueeze(g1.dim() - 1);
            }
            [
                need_a.then(|| {
                    g1.matmul(&b1.transpose(-1, -2))
                        .sum_to_size(a1.shape())
                        .reshape(a.shape())
                }),
                need_b.then(|| {
                    a1.transpose(-1, -2)
                        .matmul(&g1)
                        .sum_to_size(b1.shape())
                        .reshape(b.shape())
                }),
            ]
        }
    }
}

/// Adds `contribution` into an adjoint (a value used more than once sums its contributions).
pub fn accumulate(adjoint: &mut Option<Tensor>, contribution: Tensor) {
    *adjoint = Some(match adjoint.take() {
        None => contribution,
        Some(sum) => sum.add(&contribution),
    });
}
