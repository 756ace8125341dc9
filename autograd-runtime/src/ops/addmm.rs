//! `addmm`: a matrix product plus a broadcast input, as one node (`AddmmBackward0`), the
//! fused op `nn::Linear` runs on a batch of inputs with a bias.

use super::shape_ops::expand_error;
use crate::grad_mode::no_grad;
use crate::graph::{needs_grad, record, BackwardFn, SavedTensor};
use crate::shape::{broadcast_shapes, pytorch_suffix, scalar_type_name};
use crate::Tensor;

/// Panics with PyTorch's first complaint about `addmm(input, mat1, mat2)`, if it has one:
/// dtypes, then the matrices' dims and inner sizes, then whether `input` broadcasts to the
/// product's shape, which is returned.
#[track_caller]
fn check_addmm(input: &Tensor, mat1: &Tensor, mat2: &Tensor) -> [usize; 2] {
    let shapes = format!(
        "(shapes {:?}, {:?} and {:?})",
        input.shape(),
        mat1.shape(),
        mat2.shape()
    );
    for (name, t) in [("self", input), ("mat1", mat1)] {
        if t.dtype() != mat2.dtype() {
            panic!(
                "addmm: expected the input and both matrices to have the same floating dtype, but got {}, {} and {} {shapes}: {name} and mat2 must have the same dtype, but got {} and {}",
                input.dtype(),
                mat1.dtype(),
                mat2.dtype(),
                scalar_type_name(t.dtype()),
                scalar_type_name(mat2.dtype())
            );
        }
    }
    if !mat2.dtype().is_floating_point() {
        panic!(
            "addmm: expected floating point operands, got {} {shapes}",
            mat2.dtype()
        );
    }
    // PyTorch calls mat1 `self` here (the check is shared with `mm`).
    for (name, t) in [("self", mat1), ("mat2", mat2)] {
        if t.dim() != 2 {
            panic!(
                "addmm: expected 2-d matrices {shapes}: {name} must be a matrix, got {}-D tensor",
                t.dim()
            );
        }
    }
    let (m, k, k2, n) = (
        mat1.shape()[0],
        mat1.shape()[1],
        mat2.shape()[0],
        mat2.shape()[1],
    );
    if k != k2 {
        panic!(
            "addmm: the inner sizes {k} and {k2} of the matrices must match {shapes}: mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})"
        );
    }
    if broadcast_shapes(input.shape(), &[m, n]).as_deref() != Some(&[m, n][..]) {
        panic!(
            "addmm: the input must broadcast to the product's shape [{m}, {n}] {shapes}{}",
            pytorch_suffix(expand_error(
                input.shape(),
                &[m, n],
                input.dtype().tensor_type_name()
            ))
        );
    }
    [m, n]
}

impl Tensor {
    /// `self + mat1 · mat2`, PyTorch's `torch.addmm(self, mat1, mat2)` (with its default
    /// `beta = alpha = 1`): `mat1` is `[m, k]`, `mat2` is `[k, n]`, and `self` broadcasts to
    /// `[m, n]` (a bias `[n]`, a column `[m, 1]`, a 0-d number...). One node,
    /// `AddmmBackward0`, with inputs `self, mat1, mat2` (derivatives.yaml `addmm`):
    /// d/dself = G summed back to `self`'s shape, d/dmat1 = G mat2^T, d/dmat2 = mat1^T G.
    ///
    /// The values are those of `mat1.mm(mat2).add(self)`.
    ///
    /// # Panics
    /// When the dtypes differ or are not floating point, `mat1` or `mat2` is not 2-d, their
    /// inner sizes differ, or `self` does not broadcast to `[m, n]`.
    ///
    /// ```
    /// use autograd::tensor;
    /// let bias = tensor![10., 20.];
    /// let x = tensor![[1., 2.], [3., 4.]];
    /// let w = tensor![[1., 0.], [0., 1.]];
    /// assert_eq!(bias.addmm(&x, &w).to_vec(), vec![11., 22., 13., 24.]);
    /// ```
    #[track_caller]
    pub fn addmm(&self, mat1: &Tensor, mat2: &Tensor) -> Tensor {
        check_addmm(self, mat1, mat2);
        let out = no_grad(|| mat1.mm(mat2).add(self));
        if !needs_grad(&[self, mat1, mat2]) {
            return out;
        }
        // Each matrix is saved only for the other's gradient, as PyTorch does.
        let saved_mat2 = mat1.requires_grad().then(|| SavedTensor::new(mat2));
        let saved_mat1 = mat2.requires_grad().then(|| SavedTensor::new(mat1));
        let input_shape = self.shape().to_vec();
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let g = &grads[0];
            let g_input = ctx.needs_input_grad(0).then(|| g.sum_to_size(&input_shape));
            let g_mat1 = match (&saved_mat2, ctx.needs_input_grad(1)) {
                (Some(mat2), true) => Some(g.mm_rhs_transposed(&mat2.get(ctx)?)),
                _ => None,
            };
            let g_mat2 = match (&saved_mat1, ctx.needs_input_grad(2)) {
                (Some(mat1), true) => Some(mat1.get(ctx)?.mm_lhs_transposed(g)),
                _ => None,
            };
            Ok(smallvec::smallvec![g_input, g_mat1, g_mat2])
        });
        record("AddmmBackward0", &[self, mat1, mat2], vec![out], backward)
            .pop()
            .expect("one output")
    }
}
