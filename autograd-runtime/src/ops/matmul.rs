//! Matrix products through nalgebra's GEMM, on row-major buffers viewed without copies.

use crate::graph::{needs_grad, record, BackwardFn, SavedTensor};
use crate::storage::Buffer;
use crate::Tensor;
use nalgebra::DMatrixView;

/// Row-major `[m, k] x [k, n]`. A row-major `[r, c]` buffer is a column-major `[c, r]` matrix
/// (its transpose), so `C^T = B^T A^T` is computed on views, and `C^T` column-major is `C`
/// row-major.
fn gemm_buffers(a: &Buffer, b: &Buffer, m: usize, k: usize, n: usize) -> Buffer {
    match (a, b) {
        (Buffer::F32(a), Buffer::F32(b)) => {
            let at = DMatrixView::from_slice(a, k, m);
            let bt = DMatrixView::from_slice(b, n, k);
            Buffer::F32((bt * at).data.into())
        }
        (Buffer::F64(a), Buffer::F64(b)) => {
            let at = DMatrixView::from_slice(a, k, m);
            let bt = DMatrixView::from_slice(b, n, k);
            Buffer::F64((bt * at).data.into())
        }
        _ => unreachable!("matmul checks dtypes first"),
    }
}

impl Tensor {
    /// Matrix product with PyTorch's `matmul` rules for 1-d and 2-d operands: vector·vector
    /// (`DotBackward0`), matrix·vector (`MvBackward0`), vector·matrix and matrix·matrix
    /// (`MmBackward0`).
    ///
    /// # Panics
    /// When the inner sizes differ, the dtypes differ, or an operand has more than 2 dims.
    ///
    /// ```
    /// use autograd::tensor;
    /// let a = tensor![[1., 2.], [3., 4.]];
    /// let b = tensor![[5.], [6.]];
    /// assert_eq!(a.matmul(&b).to_vec(), vec![17., 39.]);
    /// ```
    #[track_caller]
    pub fn matmul(&self, other: &Tensor) -> Tensor {
        if self.dtype() != other.dtype() || !self.dtype().is_floating_point() {
            panic!(
                "matmul: expected both operands to have the same floating dtype, but got {} {:?} and {} {:?}",
                self.dtype(),
                self.shape(),
                other.dtype(),
                other.shape()
            );
        }
        match (self.dim(), other.dim()) {
            (1, 1) => self.dot(other),
            (2, 1) => self.mm_named(&other.unsqueeze(1), "MvBackward0").squeeze(1),
            (1, 2) => self.unsqueeze(0).mm(other).squeeze(0),
            (2, 2) => self.mm(other),
            _ => panic!(
                "matmul: both arguments need at least 1 and at most 2 dimensions, but got shapes {:?} and {:?}",
                self.shape(),
                other.shape()
            ),
        }
    }

    /// Product of two matrices, `[m, k] x [k, n] -> [m, n]`.
    /// d/dA = G B^T, d/dB = A^T G.
    #[track_caller]
    pub fn mm(&self, other: &Tensor) -> Tensor {
        self.mm_named(other, "MmBackward0")
    }

    #[track_caller]
    fn mm_named(&self, other: &Tensor, name: &'static str) -> Tensor {
        let (&[m, k], &[k2, n]) = (self.shape(), other.shape()) else {
            panic!(
                "mm: expected 2-d operands, got shapes {:?} and {:?}",
                self.shape(),
                other.shape()
            );
        };
        if k != k2 {
            panic!(
                "matmul: mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n}): the inner sizes {k} and {k2} must match"
            );
        }
        if self.dtype() != other.dtype() {
            panic!(
                "matmul: expected m1 and m2 to have the same dtype, but got: {} != {}",
                self.dtype(),
                other.dtype()
            );
        }
        let buffer = gemm_buffers(&self.buffer(), &other.buffer(), m, k, n);
        let out = Tensor::from_buffer(buffer, vec![m, n]);
        if !needs_grad(&[self, other]) {
            return out;
        }
        let (a, b) = (SavedTensor::new(self), SavedTensor::new(other));
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let g = &grads[0];
            let ga = if ctx.needs_input_grad(0) {
                Some(g.mm(&b.get(ctx)?.t()))
            } else {
                None
            };
            let gb = if ctx.needs_input_grad(1) {
                Some(a.get(ctx)?.t().mm(g))
            } else {
                None
            };
            Ok(vec![ga, gb])
        });
        record(name, &[self, other], vec![out], backward)
            .pop()
            .expect("one output")
    }

    /// Inner product of two vectors of equal length, a 0-d tensor. d/da = g b, d/db = g a.
    #[track_caller]
    pub fn dot(&self, other: &Tensor) -> Tensor {
        if self.dim() != 1 || other.dim() != 1 || self.numel() != other.numel() {
            panic!(
                "dot: expected 1-D tensors of the same length, but got shapes {:?} and {:?}",
                self.shape(),
                other.shape()
            );
        }
        let n = self.numel();
        let buffer = gemm_buffers(&self.buffer(), &other.buffer(), 1, n, 1);
        let out = Tensor::from_buffer(buffer, vec![]);
        if !needs_grad(&[self, other]) {
            return out;
        }
        let (a, b) = (SavedTensor::new(self), SavedTensor::new(other));
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let g = &grads[0];
            let ga = if ctx.needs_input_grad(0) {
                Some(b.get(ctx)?.mul(g))
            } else {
                None
            };
            let gb = if ctx.needs_input_grad(1) {
                Some(a.get(ctx)?.mul(g))
            } else {
                None
            };
            Ok(vec![ga, gb])
        });
        record("DotBackward0", &[self, other], vec![out], backward)
            .pop()
            .expect("one output")
    }
}
