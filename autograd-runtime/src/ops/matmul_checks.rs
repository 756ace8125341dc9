//! What PyTorch checks and decides before a matrix product: dtype and shape complaints in its
//! own words, and whether `matmul` folds an operand into a matrix (`should_fold`).

use super::strided::Strided;
use crate::shape::{
    broadcast_error, broadcast_shapes, numel, pytorch_suffix, scalar_type_name, type_meta_name,
};
use crate::{DType, Tensor};

/// Panics unless both operands have the same floating dtype.
#[track_caller]
pub(super) fn check_dtypes(op: &str, a: &Tensor, b: &Tensor) {
    if a.dtype() != b.dtype() || !a.dtype().is_floating_point() {
        let (x, y) = (Operand::of(a), Operand::of(b));
        // PyTorch checks some shapes before the dtypes: its first complaint, when known.
        let sentence = match op {
            "matmul" => matmul_error(&x, &y),
            "dot" => dot_error(&x, &y),
            "mv" => mv_error(&x.shape, &y.shape),
            "bmm" => bmm_error(&x.shape, &y.shape),
            _ => None,
        }
        .or_else(|| {
            // One non-float dtype on both sides: the CPU kernel PyTorch dispatches to refuses it.
            (a.dtype() == b.dtype()).then(|| {
                let kernel = match (op, a.dim(), b.dim()) {
                    ("dot", ..) | ("matmul", 1, 1) => "dot",
                    ("mv", ..) | ("matmul", _, 1) => "addmv_impl_cpu",
                    ("bmm", ..) => "bmm",
                    ("matmul", _, 2) => "addmm_impl_cpu_",
                    _ => "bmm",
                };
                format!(
                    "\"{kernel}\" not implemented for '{}'",
                    scalar_type_name(a.dtype())
                )
            })
        });
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
pub(super) struct Operand {
    pub(super) shape: Vec<usize>,
    pub(super) dtype: DType,
    pub(super) requires_grad: bool,
}

impl Operand {
    pub(super) fn of(t: &Tensor) -> Operand {
        Operand {
            shape: t.shape().to_vec(),
            dtype: t.dtype(),
            requires_grad: t.requires_grad(),
        }
    }

    /// The operand without its leading dim (`squeeze(0)` of a dim of 1).
    pub(super) fn squeezed(&self) -> Operand {
        Operand {
            shape: self.shape[1..].to_vec(),
            ..self.clone()
        }
    }
}

/// PyTorch's first complaint about `mm` of matrices of shapes `s1` and `s2` (`mm`'s shape check,
/// then `addmm`'s dtype check), or `None`.
pub(super) fn mm_error(s1: &[usize], dt1: DType, s2: &[usize], dt2: DType) -> Option<String> {
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
pub(super) fn mv_error(mat: &[usize], vec: &[usize]) -> Option<String> {
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
pub(super) fn dot_error(a: &Operand, b: &Operand) -> Option<String> {
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
pub(super) fn bmm_error(s1: &[usize], s2: &[usize]) -> Option<String> {
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
/// one (transposed when it is the second) can be viewed as `[-1, last]` without a copy. Size-1
/// dims do not count against that view (PyTorch 2.15 folds `v[4] @ b[1, 4, 5]` and
/// `v[4] @ b[2, 4, 1]` with `mv`, but runs `v[4] @ b[2, 4, 5]` as a `bmm`).
pub(super) fn should_fold(a: &Operand, b: &Operand) -> bool {
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
    if numel(&larger.shape) == 0 || first_larger {
        // an empty operand always folds; a contiguous first operand views as [-1, last]
        return true;
    }
    let transposed = Strided::contiguous(&larger.shape).transposed_last();
    let last = transposed.shape()[transposed.shape().len() - 1];
    let rows = numel(&transposed.shape()[..transposed.shape().len() - 1]);
    transposed.can_view_as(&[rows, last])
}

/// PyTorch's first complaint about `torch.matmul(a, b)`: the checks of whichever of `dot`, `mv`,
/// `mm` (of folded operands) or `bmm` (of broadcast batches) it dispatches to, in their order;
/// `None` when PyTorch would not complain, or in words not known here.
pub(super) fn matmul_error(a: &Operand, b: &Operand) -> Option<String> {
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
