//! Matrix products through nalgebra's GEMM, on row-major buffers viewed without copies:
//! `dot`, `mm`, batched `bmm`, and `matmul` with `torch.matmul`'s rules for any number of dims.

use crate::grad_mode::is_grad_enabled;
use crate::graph::{needs_grad, record, record_unary_output, BackwardFn, SavedTensor};
use crate::shape::{
    broadcast_error, broadcast_shapes, numel, pytorch_suffix, scalar_type_name, type_meta_name,
};
use crate::storage::Buffer;
use crate::{DType, Tensor};
use nalgebra::{DMatrixView, DMatrixViewMut, RealField};

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
    out
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

/// Panics unless both operands have the same floating dtype.
#[track_caller]
fn check_dtypes(op: &str, a: &Tensor, b: &Tensor) {
    if a.dtype() != b.dtype() || !a.dtype().is_floating_point() {
        let (x, y) = (Operand::of(a), Operand::of(b));
        // PyTorch checks some shapes before the dtypes: its first complaint, when known.
        let sentence = match op {
            "matmul" => matmul_error(&x, &y),
            "dot" => dot_error(&x, &y),
            "mv" => mv_error(&x.shape, &y.shape),
            "bmm" => bmm_error(&x.shape, &y.shape),
            _ => None,
        };
        panic!(
            "{op}: expected both operands to have the same floating dtype, but got {} {:?} and {} {:?}{}",
            a.dtype(),
            a.shape(),
            b.dtype(),
            b.shape(),
            pytorch_suffix(sentence)
        );
    }
}

/// An operand as PyTorch's `matmul` dispatch sees it (it folds differently when the smaller
/// operand requires grad).
#[derive(Clone)]
struct Operand {
    shape: Vec<usize>,
    dtype: DType,
    requires_grad: bool,
}

impl Operand {
    fn of(t: &Tensor) -> Operand {
        Operand {
            shape: t.shape().to_vec(),
            dtype: t.dtype(),
            requires_grad: t.requires_grad(),
        }
    }

    /// The operand without its leading dim (`squeeze(0)` of a dim of 1).
    fn squeezed(&self) -> Operand {
        Operand {
            shape: self.shape[1..].to_vec(),
            ..self.clone()
        }
    }
}

/// PyTorch's first complaint about `mm` of matrices of shapes `s1` and `s2` (`mm`'s shape check,
/// then `addmm`'s dtype check), or `None`.
fn mm_error(s1: &[usize], dt1: DType, s2: &[usize], dt2: DType) -> Option<String> {
    if s1[1] != s2[0] {
        return Some(format!(
            "mat1 and mat2 shapes cannot be multiplied ({}x{} and {}x{})",
            s1[0], s1[1], s2[0], s2[1]
        ));
    }
    (dt1 != dt2).then(|| {
        format!(
            "expected m1 and m2 to have the same dtype, but got: {} != {}",
            type_meta_name(dt1),
            type_meta_name(dt2)
        )
    })
}

/// PyTorch's complaint about the shapes of `mv(mat, vec)` (`mv` sizes its result by
/// `mat.size(0)`, then `addmv` checks the dims and the sizes), or `None`.
fn mv_error(mat: &[usize], vec: &[usize]) -> Option<String> {
    if mat.is_empty() {
        return Some("Dimension specified as 0 but tensor has no dimensions".to_string());
    }
    if mat.len() != 2 || vec.len() != 1 {
        return Some(format!(
            "vector + matrix @ vector expected, got 1, {}, {}",
            mat.len(),
            vec.len()
        ));
    }
    (mat[1] != vec[0]).then(|| {
        format!(
            "size mismatch, got input ({}), mat ({}x{}), vec ({})",
            mat[0], mat[0], mat[1], vec[0]
        )
    })
}

/// PyTorch's first complaint about `dot` (dims, dtypes, lengths), or `None`.
fn dot_error(a: &Operand, b: &Operand) -> Option<String> {
    let (d1, d2) = (a.shape.len(), b.shape.len());
    if d1 != 1 || d2 != 1 {
        return Some(format!(
            "1D tensors expected, but got {d1}D and {d2}D tensors"
        ));
    }
    if a.dtype != b.dtype {
        return Some(format!(
            "dot : expected both vectors to have same dtype, but found {} and {}",
            scalar_type_name(a.dtype),
            scalar_type_name(b.dtype)
        ));
    }
    let (n1, n2) = (a.shape[0], b.shape[0]);
    (n1 != n2).then(|| {
        format!(
            "inconsistent tensor size, expected tensor [{n1}] and src [{n2}] to have the same number of elements, but got {n1} and {n2} elements respectively"
        )
    })
}

/// PyTorch's complaint about the shapes of `bmm`, or `None`.
fn bmm_error(s1: &[usize], s2: &[usize]) -> Option<String> {
    if s1.len() != 3 {
        return Some("batch1 must be a 3D tensor".to_string());
    }
    if s2.len() != 3 {
        return Some("batch2 must be a 3D tensor".to_string());
    }
    (s2[0] != s1[0] || s2[1] != s1[2]).then(|| {
        format!(
            "Expected size for first two dimensions of batch2 tensor to be: [{}, {}] but got: [{}, {}].",
            s1[0], s1[2], s2[0], s2[1]
        )
    })
}

/// Whether PyTorch's `matmul` folds the larger operand into a matrix for one `mm`/`mv`
/// (`should_fold`, for contiguous operands): when the smaller one requires grad, or the larger
/// one (transposed when it is the second) folds without a copy.
fn should_fold(a: &Operand, b: &Operand) -> bool {
    let (d1, d2) = (a.shape.len(), b.shape.len());
    let first_larger = d1 >= d2;
    let (larger, smaller) = if first_larger { (a, b) } else { (b, a) };
    if !(larger.shape.len() >= 3 && smaller.shape.len() <= 2) {
        return false;
    }
    if smaller.requires_grad {
        return true;
    }
    if d1 == 2 {
        return false;
    }
    if numel(&larger.shape) == 0 {
        return true;
    }
    if first_larger {
        return true;
    }
    // The second operand's last two dims swapped, with its (contiguous) strides swapped alike.
    let mut shape = larger.shape.clone();
    let mut stride = vec![1usize; shape.len()];
    for i in (0..shape.len() - 1).rev() {
        stride[i] = stride[i + 1] * shape[i + 1].max(1);
    }
    let n = shape.len();
    shape.swap(n - 2, n - 1);
    stride.swap(n - 2, n - 1);
    (0..n - 2).all(|i| stride[i] == stride[i + 1] * shape[i + 1])
}

/// PyTorch's first complaint about `torch.matmul(a, b)`: the checks of whichever of `dot`, `mv`,
/// `mm` (of folded operands) or `bmm` (of broadcast batches) it dispatches to, in their order;
/// `None` when PyTorch would not complain, or in words not known here.
fn matmul_error(a: &Operand, b: &Operand) -> Option<String> {
    let (d1, d2) = (a.shape.len(), b.shape.len());
    if d1 == 0 || d2 == 0 {
        return Some(format!(
            "both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D"
        ));
    }
    match (d1, d2) {
        (1, 1) => return dot_error(a, b),
        (2, 1) => return mv_error(&a.shape, &b.shape),
        (1, 2) => return mm_error(&[1, a.shape[0]], a.dtype, &b.shape, b.dtype),
        (2, 2) => return mm_error(&a.shape, a.dtype, &b.shape, b.dtype),
        _ => {}
    }
    if should_fold(a, b) {
        // The larger operand (the second one transposed) folded to [prod(all but last), last].
        let (t1, t2) = if d2 > d1 {
            let mut t1 = b.clone();
            t1.shape.swap(d2 - 2, d2 - 1);
            let mut t2 = a.clone();
            t2.shape.reverse();
            (t1, t2)
        } else {
            (a.clone(), b.clone())
        };
        let last = t1.shape.len() - 1;
        let folded = [numel(&t1.shape[..last]), t1.shape[last]];
        return if t2.shape.len() == 2 {
            mm_error(&folded, t1.dtype, &t2.shape, t2.dtype)
        } else {
            mv_error(&folded, &t2.shape)
        };
    }
    let (batch1, batch2) = (
        &a.shape[..d1.saturating_sub(2)],
        &b.shape[..d2.saturating_sub(2)],
    );
    if d1 == 3 && d2 == 3 && batch1[0] != batch2[0] {
        if batch1[0] == 1 && a.requires_grad {
            return matmul_error(&a.squeezed(), b);
        }
        if batch2[0] == 1 && b.requires_grad {
            return matmul_error(a, &b.squeezed());
        }
    }
    if let Some(sentence) = broadcast_error(batch1, batch2) {
        return Some(sentence);
    }
    let count = numel(&broadcast_shapes(batch1, batch2).unwrap_or_default());
    let n = if d1 > 1 { a.shape[d1 - 2] } else { 1 };
    let m1 = a.shape[d1 - 1];
    let m2 = if d2 > 1 { b.shape[d2 - 2] } else { b.shape[0] };
    let p = if d2 > 1 { b.shape[d2 - 1] } else { 1 };
    bmm_error(&[count, n, m1], &[count, m2, p])
}

impl Tensor {
    /// Matrix product with `torch.matmul`'s rules: vector·vector (`DotBackward0`),
    /// matrix·vector (`MvBackward0`), vector·matrix and matrix·matrix (`MmBackward0`), and for
    /// 3 or more dims a batched product whose batch dims (all but the last two; a 1-d operand
    /// has none) broadcast. A 1-d first operand gets a dim of 1 prepended, a 1-d second one a
    /// dim of 1 appended, removed from the result. Batched results are `UnsafeViewBackward0`
    /// nodes over an `mm` (an N-d tensor times a matrix or vector is folded into one GEMM, as
    /// PyTorch does) or a `bmm` of the broadcast operands (PyTorch folds some of these with
    /// transposes instead: same values, other inner nodes).
    ///
    /// # Panics
    /// When an operand is 0-d, the inner sizes differ, the batch dims do not broadcast, or
    /// the dtypes differ.
    ///
    /// ```
    /// use autograd::{tensor, Tensor};
    /// let a = tensor![[1., 2.], [3., 4.]];
    /// let b = tensor![[5.], [6.]];
    /// assert_eq!(a.matmul(&b).to_vec(), vec![17., 39.]);
    /// // a batch of 3 [2, 2] matrices times one [2, 1] matrix
    /// let batch = Tensor::stack(&[&a, &a, &a], 0);
    /// assert_eq!(batch.matmul(&b).shape(), &[3, 2, 1]);
    /// ```
    #[track_caller]
    pub fn matmul(&self, other: &Tensor) -> Tensor {
        check_dtypes("matmul", self, other);
        let (d1, d2) = (self.dim(), other.dim());
        if d1 == 0 || d2 == 0 {
            panic!(
                "matmul: both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D (shapes {:?} and {:?})",
                self.shape(),
                other.shape()
            );
        }
        match (d1, d2) {
            (1, 1) => return self.dot(other),
            (2, 1) => return self.mv(other),
            (1, 2) => return self.unsqueeze(0).mm(other).squeeze(0),
            (2, 2) => return self.mm(other),
            _ => {}
        }
        let k1 = self.shape()[d1 - 1];
        let k2 = other.shape()[d2.saturating_sub(2)];
        if k1 != k2 {
            panic!(
                "matmul: shapes {:?} and {:?} cannot be multiplied: the last dim of the first ({k1}) must equal the {} of the second ({k2}){}",
                self.shape(),
                other.shape(),
                if d2 == 1 { "size" } else { "second-to-last dim" },
                pytorch_suffix(matmul_error(&Operand::of(self), &Operand::of(other)))
            );
        }
        if d1 >= 3 && d2 <= 2 {
            self.matmul_folded(other)
        } else {
            self.matmul_batched(other)
        }
    }

    /// `[..., n, k] x [k, p]` (or `x [k]`) as one `[prod(...) * n, k]` GEMM.
    #[track_caller]
    fn matmul_folded(&self, other: &Tensor) -> Tensor {
        let mut out_shape = self.shape()[..self.dim() - 1].to_vec();
        let k = self.shape()[self.dim() - 1];
        let folded = self.reshape(&[numel(&out_shape), k]);
        let product = if other.dim() == 2 {
            out_shape.push(other.shape()[1]);
            folded.mm(other)
        } else {
            folded.mv(other)
        };
        product.unsafe_view(&out_shape)
    }

    /// Broadcasts the batch dims, runs one `bmm`, and views the result in the output shape.
    #[track_caller]
    fn matmul_batched(&self, other: &Tensor) -> Tensor {
        let (s1, s2) = (self.shape(), other.shape());
        let (d1, d2) = (s1.len(), s2.len());
        let n = if d1 > 1 { s1[d1 - 2] } else { 1 };
        let k = s1[d1 - 1];
        let p = if d2 > 1 { s2[d2 - 1] } else { 1 };
        let (batch1, batch2) = (&s1[..d1.saturating_sub(2)], &s2[..d2.saturating_sub(2)]);
        let batch = broadcast_shapes(batch1, batch2).unwrap_or_else(|| {
            panic!(
                "matmul: the batch dims {batch1:?} and {batch2:?} of shapes {s1:?} and {s2:?} do not broadcast (each dim, aligned from the right, must be equal or 1){}",
                pytorch_suffix(matmul_error(&Operand::of(self), &Operand::of(other)))
            )
        });
        let count = numel(&batch);
        let with = |tail: &[usize]| [batch.as_slice(), tail].concat();
        let lhs = self.expand(&with(&[n, k])).reshape(&[count, n, k]);
        let rhs = if d2 == 1 {
            other.expand(&with(&[k])).reshape(&[count, k]).unsqueeze(2)
        } else {
            other.expand(&with(&[k, p])).reshape(&[count, k, p])
        };
        let mut out_shape = batch.clone();
        if d1 > 1 {
            out_shape.push(n);
        }
        if d2 > 1 {
            out_shape.push(p);
        }
        let product = lhs.bmm(&rhs);
        let product = if d2 == 1 { product.squeeze(2) } else { product };
        product.unsafe_view(&out_shape)
    }

    /// The same elements seen with `shape` (PyTorch's internal `_unsafe_view`, which ends a
    /// batched `matmul`): `UnsafeViewBackward0`.
    #[track_caller]
    fn unsafe_view(&self, shape: &[usize]) -> Tensor {
        let out = Tensor::from_storage_shared(self, shape);
        let input_shape = self.shape().to_vec();
        record_unary_output("UnsafeViewBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.reshape(&input_shape))])
        })
    }

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
            |g, v| g.unsqueeze(1).mm(&v.unsqueeze(0)),
            |a, g| a.t().mv(g),
        )
    }

    /// Product of two matrices, `[m, k] x [k, n] -> [m, n]` (`MmBackward0`).
    /// d/dA = G B^T, d/dB = A^T G.
    #[track_caller]
    pub fn mm(&self, other: &Tensor) -> Tensor {
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
        self.record_product("DotBackward0", other, out, |g, b| b.mul(g), |a, g| a.mul(g))
    }

    /// Records a bilinear product `out = self ⋅ other` whose input gradients are
    /// `lhs_grad(g, other)` and `rhs_grad(self, g)`.
    #[track_caller]
    fn record_product(
        &self,
        name: &'static str,
        other: &Tensor,
        out: Tensor,
        lhs_grad: fn(&Tensor, &Tensor) -> Tensor,
        rhs_grad: fn(&Tensor, &Tensor) -> Tensor,
    ) -> Tensor {
        if !needs_grad(&[self, other]) {
            return out;
        }
        let (a, b) = (SavedTensor::new(self), SavedTensor::new(other));
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
