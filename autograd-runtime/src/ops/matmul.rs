//! Matrix products through nalgebra's GEMM, on row-major buffers viewed without copies:
//! `dot`, `mv`, `mm` and batched `bmm` (`matmul`'s dispatch to them is in `matmul_dispatch`).

use super::matmul_checks::{bmm_error, check_dtypes, dot_error, mv_error, Operand};
use crate::grad_mode::is_grad_enabled;
use crate::graph::{needs_grad, record, BackwardFn, SavedTensor};
use crate::shape::{pytorch_suffix, scalar_type_name, type_meta_name};
use crate::storage::Buffer;
use crate::Tensor;
use nalgebra::{DMatrixView, DMatrixViewMut, RealField};

/// For each operand of a product, the tensor PyTorch's operand would be a view of, when
/// `matmul` made the operand by copying it (a transpose or a broadcast): PyTorch's saved view
/// shares that tensor's version counter, so the backward checks its version too.
pub(crate) type ViewBases<'a> = [Option<&'a Tensor>; 2];

/// Operands that stand for nothing but themselves.
const NO_BASES: ViewBases<'static> = [None, None];

/// `out = a b` for row-major `a: [m, k]`, `b: [k, n]`, `out: [m, n]`. A row-major `[r, c]`
/// buffer is a column-major `[c, r]` matrix (its transpose), so `C^T = B^T A^T` is computed on
/// views, and `C^T` column-major is `C` row-major.
fn gemm_into<T: RealField + Copy>(a: &[T], b: &[T], out: &mut [T], m: usize, k: usize, n: usize) {
    let at = DMatrixView::from_slice(a, k, m);
    let bt = DMatrixView::from_slice(b, n, k);
    let mut ct = DMatrixViewMut::from_slice(out, n, m);
    ct.gemm(T::one(), &bt, &at, T::zero());
}

/// `batch` independent products `[m, k] x [k, n]` of consecutive blocks, one GEMM each.
fn batched_gemm<T: RealField + Copy + crate::buffer_pool::Pooled>(
    a: &[T],
    b: &[T],
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
) -> Vec<T> {
    // A recycled buffer, cleared: nalgebra's GEMM does not promise to ignore C when beta is 0.
    let mut out = crate::buffer_pool::take_overwritable_vec(batch * m * n);
    out.fill(T::zero());
    for i in 0..batch {
        gemm_into(
            &a[i * m * k..(i + 1) * m * k],
            &b[i * k * n..(i + 1) * k * n],
            &mut out[i * m * n..(i + 1) * m * n],
            m,
            k,
            n,
        );
    }
    positive_zeros(&mut out);
    out
}

/// Turns `-0` results into `+0`, as PyTorch's products (accumulated from `+0`) give them.
fn positive_zeros<T: RealField + Copy>(out: &mut [T]) {
    for o in out.iter_mut() {
        *o += T::zero();
    }
}

fn gemm_buffers(a: &Buffer, b: &Buffer, batch: usize, m: usize, k: usize, n: usize) -> Buffer {
    match (a, b) {
        (Buffer::F32(a), Buffer::F32(b)) => Buffer::F32(batched_gemm(a, b, batch, m, k, n).into()),
        (Buffer::F64(a), Buffer::F64(b)) => Buffer::F64(batched_gemm(a, b, batch, m, k, n).into()),
        _ => unreachable!("matmul checks dtypes first"),
    }
}

/// Row-major `op(A) op(B)` for 2-d `a` and `b`, where `op` transposes when `ta`/`tb` say so,
/// without transposed copies: the transposes become strides of matrixmultiply's GEMM (the one
/// nalgebra uses for large matrices). Called directly because nalgebra's small-matrix path
/// mishandles non-contiguous views, and the copies cost W3 a sixth of its time.
macro_rules! gemm_transposed {
    ($name:ident, $t:ty, $gemm:path) => {
        fn $name(
            a: &[$t],
            a_shape: [usize; 2],
            ta: bool,
            b: &[$t],
            b_shape: [usize; 2],
            tb: bool,
        ) -> Vec<$t> {
            let (m, k) = if ta {
                (a_shape[1], a_shape[0])
            } else {
                (a_shape[0], a_shape[1])
            };
            let n = if tb { b_shape[0] } else { b_shape[1] };
            assert_eq!(
                a.len(),
                m * k,
                "gemm: lhs has {} elements, expected {m}x{k}",
                a.len()
            );
            assert_eq!(
                b.len(),
                k * n,
                "gemm: rhs has {} elements, expected {k}x{n}",
                b.len()
            );
            // Element (i, l) of op(A) is at i * rsa + l * csa; likewise for op(B) and C.
            let (rsa, csa) = if ta { (1, m) } else { (k, 1) };
            let (rsb, csb) = if tb { (1, k) } else { (n, 1) };
            // GEMM with beta 0 writes every element of C without reading it (matrixmultiply's
            // documented contract), so a recycled buffer needs no clearing, except when k is 0
            // and there is nothing to write.
            let mut out = crate::buffer_pool::take_overwritable_vec::<$t>(m * n);
            if k == 0 {
                out.fill(0.0);
            }
            if m * n > 0 {
                // SAFETY: `a` holds the m x k matrix op(A) and `b` the k x n matrix op(B) under
                // the strides above (every index i * rs + l * cs is < m * k, resp. k * n, as the
                // asserts check the lengths); `out` holds m * n elements written row-major
                // (strides n, 1), and does not alias `a` or `b` (a fresh buffer).
                unsafe {
                    $gemm(
                        m,
                        k,
                        n,
                        1.0,
                        a.as_ptr(),
                        rsa as isize,
                        csa as isize,
                        b.as_ptr(),
                        rsb as isize,
                        csb as isize,
                        0.0,
                        out.as_mut_ptr(),
                        n as isize,
                        1,
                    );
                }
            }
            positive_zeros(&mut out);
            out
        }
    };
}
gemm_transposed!(gemm_transposed_f32, f32, matrixmultiply::sgemm);
gemm_transposed!(gemm_transposed_f64, f64, matrixmultiply::dgemm);

/// `op(a) op(b)` for 2-d tensors of one float dtype, outside any graph (see
/// `gemm_transposed_f32`/`_f64`); the backward of `mm` uses it when it is not being recorded.
fn mm_transposed(a: &Tensor, ta: bool, b: &Tensor, tb: bool) -> Tensor {
    let (sa, sb) = ([a.shape()[0], a.shape()[1]], [b.shape()[0], b.shape()[1]]);
    let m = if ta { sa[1] } else { sa[0] };
    let n = if tb { sb[0] } else { sb[1] };
    let buffer = match (&*a.buffer(), &*b.buffer()) {
        (Buffer::F32(x), Buffer::F32(y)) => {
            Buffer::F32(gemm_transposed_f32(x, sa, ta, y, sb, tb).into())
        }
        (Buffer::F64(x), Buffer::F64(y)) => {
            Buffer::F64(gemm_transposed_f64(x, sa, ta, y, sb, tb).into())
        }
        _ => unreachable!("mm checks dtypes first"),
    };
    Tensor::from_buffer(buffer, [m, n].as_slice())
}

impl Tensor {
    /// Batched matrix product `[b, m, k] x [b, k, n] -> [b, m, n]`, one GEMM per batch
    /// (`BmmBackward0`). d/dA = G B^T, d/dB = A^T G, batch by batch.
    ///
    /// # Panics
    /// When an operand is not 3-d, the batch or inner sizes differ, or the dtypes differ.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let a = Tensor::ones(&[2, 3, 4]);
    /// let b = Tensor::ones(&[2, 4, 5]);
    /// let c = a.bmm(&b);
    /// assert_eq!(c.shape(), &[2, 3, 5]);
    /// assert_eq!(c.to_vec()[0], 4.0);
    /// ```
    #[track_caller]
    pub fn bmm(&self, other: &Tensor) -> Tensor {
        self.bmm_of_views(other, NO_BASES)
    }

    /// [`Tensor::bmm`] of operands PyTorch would have as views of `bases` (see
    /// [`ViewBases`]).
    #[track_caller]
    pub(crate) fn bmm_of_views(&self, other: &Tensor, bases: ViewBases<'_>) -> Tensor {
        check_dtypes("bmm", self, other);
        let (&[batch, m, k], &[batch2, k2, n]) = (self.shape(), other.shape()) else {
            panic!(
                "bmm: expected 3-d operands (batch1 and batch2 must be 3D tensors), got shapes {:?} and {:?}{}",
                self.shape(),
                other.shape(),
                pytorch_suffix(bmm_error(self.shape(), other.shape()))
            );
        };
        if batch != batch2 || k != k2 {
            panic!(
                "bmm: Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k}] but got: [{batch2}, {k2}]. (shapes {:?} and {:?})",
                self.shape(),
                other.shape()
            );
        }
        let buffer = gemm_buffers(&self.buffer(), &other.buffer(), batch, m, k, n);
        let out = Tensor::from_buffer(buffer, vec![batch, m, n]);
        self.record_product(
            "BmmBackward0",
            other,
            out,
            bases,
            |g, b| g.bmm(&b.transpose(1, 2)),
            |a, g| a.transpose(1, 2).bmm(g),
        )
    }

    /// Matrix-vector product, `[m, k] x [k] -> [m]` (`MvBackward0`).
    /// d/dA = g v^T (an outer product), d/dv = A^T g.
    ///
    /// # Panics
    /// When the operands are not a matrix and a vector of matching size, or the dtypes differ.
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![[1., 2.], [3., 4.]].mv(&tensor![1., 1.]).to_vec(), vec![3., 7.]);
    /// ```
    #[track_caller]
    pub fn mv(&self, other: &Tensor) -> Tensor {
        self.mv_of_views(other, NO_BASES)
    }

    /// [`Tensor::mv`] of operands PyTorch would have as views of `bases`.
    #[track_caller]
    pub(crate) fn mv_of_views(&self, other: &Tensor, bases: ViewBases<'_>) -> Tensor {
        check_dtypes("mv", self, other);
        let (&[m, k], &[k2]) = (self.shape(), other.shape()) else {
            panic!(
                "mv: expected a matrix and a vector, got shapes {:?} and {:?}{}",
                self.shape(),
                other.shape(),
                pytorch_suffix(mv_error(self.shape(), other.shape()))
            );
        };
        if k != k2 {
            panic!(
                "mv: size mismatch, got input ({m}), mat ({m}x{k}), vec ({k2}): the inner sizes {k} and {k2} must match"
            );
        }
        let buffer = gemm_buffers(&self.buffer(), &other.buffer(), 1, m, k, 1);
        let out = Tensor::from_buffer(buffer, vec![m]);
        self.record_product(
            "MvBackward0",
            other,
            out,
            bases,
            |g, v| g.unsqueeze(1).mm(&v.unsqueeze(0)),
            |a, g| a.t().mv(g),
        )
    }

    /// Product of two matrices, `[m, k] x [k, n] -> [m, n]` (`MmBackward0`).
    /// d/dA = G B^T, d/dB = A^T G.
    #[track_caller]
    pub fn mm(&self, other: &Tensor) -> Tensor {
        self.mm_of_views(other, NO_BASES)
    }

    /// [`Tensor::mm`] of operands PyTorch would have as views of `bases`.
    #[track_caller]
    pub(crate) fn mm_of_views(&self, other: &Tensor, bases: ViewBases<'_>) -> Tensor {
        let (&[m, k], &[k2, n]) = (self.shape(), other.shape()) else {
            let sentence = if self.dim() != 2 {
                "self must be a matrix"
            } else {
                "mat2 must be a matrix"
            };
            panic!(
                "mm: expected 2-d operands, got shapes {:?} and {:?}: {sentence}",
                self.shape(),
                other.shape()
            );
        };
        if k != k2 {
            panic!(
                "matmul: mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n}): the inner sizes {k} and {k2} must match"
            );
        }
        if self.dtype() == other.dtype() && !self.dtype().is_floating_point() {
            panic!(
                "mm: expected floating point operands but got {} {:?} and {} {:?}: \"addmm_impl_cpu_\" not implemented for '{}'",
                self.dtype(),
                self.shape(),
                other.dtype(),
                other.shape(),
                scalar_type_name(self.dtype())
            );
        }
        if self.dtype() != other.dtype() {
            panic!(
                "matmul: expected m1 and m2 to have the same dtype, but got: {} != {} ({} {:?} and {} {:?})",
                type_meta_name(self.dtype()),
                type_meta_name(other.dtype()),
                self.dtype(),
                self.shape(),
                other.dtype(),
                other.shape()
            );
        }
        let buffer = gemm_buffers(&self.buffer(), &other.buffer(), 1, m, k, n);
        let out = Tensor::from_buffer(buffer, vec![m, n]);
        self.record_product(
            "MmBackward0",
            other,
            out,
            bases,
            |g, b| g.mm_rhs_transposed(b),
            |a, g| a.mm_lhs_transposed(g),
        )
    }

    /// `self · other^T` for matrices: the gradient `G B^T` of a product. Recorded (under
    /// `create_graph`, or in a forward) it is `mm` of a transpose; otherwise the transpose is
    /// a GEMM stride, with no copy.
    pub(crate) fn mm_rhs_transposed(&self, other: &Tensor) -> Tensor {
        if is_grad_enabled() && (self.requires_grad() || other.requires_grad()) {
            self.mm(&other.t())
        } else {
            mm_transposed(self, false, other, true)
        }
    }

    /// `self^T · other` for matrices: the gradient `A^T G` of a product (see
    /// [`Tensor::mm_rhs_transposed`]).
    pub(crate) fn mm_lhs_transposed(&self, other: &Tensor) -> Tensor {
        if is_grad_enabled() && (self.requires_grad() || other.requires_grad()) {
            self.t().mm(other)
        } else {
            mm_transposed(self, true, other, false)
        }
    }

    /// Inner product of two vectors of equal length, a 0-d tensor. d/da = g b, d/db = g a.
    #[track_caller]
    pub fn dot(&self, other: &Tensor) -> Tensor {
        if self.dim() != 1 || other.dim() != 1 || self.numel() != other.numel() {
            panic!(
                "dot: expected 1-D tensors of the same length, but got shapes {:?} and {:?}{}",
                self.shape(),
                other.shape(),
                pytorch_suffix(dot_error(&Operand::of(self), &Operand::of(other)))
            );
        }
        check_dtypes("dot", self, other);
        let n = self.numel();
        let buffer = gemm_buffers(&self.buffer(), &other.buffer(), 1, 1, n, 1);
        let out = Tensor::from_buffer(buffer, vec![]);
        self.record_product(
            "DotBackward0",
            other,
            out,
            NO_BASES,
            |g, b| b.mul(g),
            |a, g| a.mul(g),
        )
    }

    /// Records a bilinear product `out = self ⋅ other` of operands PyTorch would have as views
    /// of `bases`, whose input gradients are `lhs_grad(g, other)` and `rhs_grad(self, g)`.
    #[track_caller]
    fn record_product(
        &self,
        name: &'static str,
        other: &Tensor,
        out: Tensor,
        bases: ViewBases<'_>,
        lhs_grad: fn(&Tensor, &Tensor) -> Tensor,
        rhs_grad: fn(&Tensor, &Tensor) -> Tensor,
    ) -> Tensor {
        if !needs_grad(&[self, other]) {
            return out;
        }
        let (a, b) = (
            SavedTensor::of_view(self, bases[0]),
            SavedTensor::of_view(other, bases[1]),
        );
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let g = &grads[0];
            let ga = if ctx.needs_input_grad(0) {
                Some(lhs_grad(g, &b.get(ctx)?))
            } else {
                None
            };
            let gb = if ctx.needs_input_grad(1) {
                Some(rhs_grad(&a.get(ctx)?, g))
            } else {
                None
            };
            Ok(smallvec::smallvec![ga, gb])
        });
        record(name, &[self, other], vec![out], backward)
            .pop()
            .expect("one output")
    }
}
