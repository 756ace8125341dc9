//! `matmul`: PyTorch's dispatch (`_matmul_impl` in aten/src/ATen/native/LinearAlgebra.cpp) to
//! `dot`, `mv`, `mm` or `bmm`, recording the same nodes PyTorch records on the way.

use super::matmul_checks::{check_dtypes, matmul_error, should_fold, Operand};
use super::strided::Strided;
use crate::shape::{broadcast_shapes, numel, pytorch_suffix};
use crate::tensor::ViewFlags;
use crate::Tensor;

impl Tensor {
    /// Matrix product with `torch.matmul`'s rules: vector·vector (`DotBackward0`),
    /// matrix·vector (`MvBackward0`), matrix·matrix (`MmBackward0`), vector·matrix (an `mm`
    /// of the vector as a row, ending in PyTorch's in-place `squeeze_`: `SqueezeBackward4`),
    /// and for 3 or more dims a batched product whose batch dims (all but the last two; a 1-d
    /// operand has none) broadcast. A 1-d first operand gets a dim of 1 prepended, a 1-d second
    /// one a dim of 1 appended, removed from the result.
    ///
    /// Batched products record PyTorch's graph: an N-d tensor times a matrix or vector is folded
    /// into one `mm`/`mv` (`UnsafeViewBackward0` over it), as is a matrix or vector times an N-d
    /// tensor when the smaller operand requires grad (through transposes, ending in
    /// `CloneBackward0` for a matrix); otherwise the operands are broadcast and multiplied with
    /// one `bmm`.
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
            (1, 2) => return self.unsqueeze(0).mm(other).squeeze_in_place_node(0),
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
        if should_fold(&Operand::of(self), &Operand::of(other)) {
            self.matmul_folded(other)
        } else {
            self.matmul_batched(other)
        }
    }

    /// The larger operand, of 3 or more dims, folded into a matrix for one `mm` or `mv`:
    /// `[..., n, k] x [k, p]` (or `x [k]`) directly; `[n, k] x [..., k, p]` (or `[k] x`) as
    /// `(b^T a^T)^T`, with the second operand transposed (copied when its transpose does not
    /// fold into a matrix) and the result transposed back and made contiguous.
    ///
    /// The transposes are copies here and views in PyTorch, as is the fold unless it copies
    /// there too: the product is told the operands they stand for, whose in-place changes
    /// PyTorch's backward detects.
    #[track_caller]
    fn matmul_folded(&self, other: &Tensor) -> Tensor {
        let transpose = other.dim() > self.dim();
        let (larger, smaller) = if transpose {
            (other, self)
        } else {
            (self, other)
        };
        let (t1, t1_layout, t2) = if transpose {
            let d = other.dim();
            let layout = Strided::contiguous(other.shape()).transposed_last();
            let t2 = if self.dim() == 2 {
                self.t()
            } else {
                self.clone()
            };
            (other.transpose(d - 2, d - 1), layout, t2)
        } else {
            (
                self.clone(),
                Strided::contiguous(self.shape()),
                other.clone(),
            )
        };
        let (lead, &[k]) = t1.shape().split_at(t1.dim() - 1) else {
            unreachable!("the folded operand has at least 3 dims")
        };
        let mut out_shape = lead.to_vec();
        let flat = [numel(lead), k];
        let folded = t1.reshape_strided(&t1_layout, &flat);
        let bases = [
            t1_layout.reshapes_as_view(&flat).then_some(larger),
            Some(smaller),
        ];
        if t2.dim() == 1 {
            return folded.mv_of_views(&t2, bases).unsafe_view(&out_shape);
        }
        out_shape.push(t2.shape()[1]);
        let output = folded.mm_of_views(&t2, bases).unsafe_view(&out_shape);
        if !transpose {
            return output;
        }
        let d = output.dim();
        let layout = Strided::contiguous(&out_shape).transposed_last();
        // PyTorch's result is a view of the product, which nobody else sees: writing it in
        // place is fine, so it is no copy of anything the user has.
        (output.transpose(d - 2, d - 1).contiguous_strided(&layout))
            .with_view_flags(ViewFlags::NONE)
    }

    /// Broadcasts the batch dims, runs one `bmm`, and views the result in the output shape.
    /// The broadcast operands are flattened to 3-d with PyTorch's `reshape` (a copy when the
    /// broadcast view does not flatten). A 3-d operand with a batch of 1 that requires grad,
    /// against a 3-d operand with a larger batch, is squeezed to a matrix first (so that the
    /// product folds), as PyTorch does.
    #[track_caller]
    fn matmul_batched(&self, other: &Tensor) -> Tensor {
        let (s1, s2) = (self.shape(), other.shape());
        let (d1, d2) = (s1.len(), s2.len());
        if d1 == 3 && d2 == 3 && s1[0] != s2[0] {
            if s1[0] == 1 && self.requires_grad() {
                return self.squeeze(0).matmul(other);
            }
            if s2[0] == 1 && other.requires_grad() {
                return self.matmul(&other.squeeze(0));
            }
        }
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
        let (lhs, lhs_base) = self.expand_flat(&with(&[n, k]), &[count, n, k]);
        let (rhs, rhs_base) = if d2 == 1 {
            let (flat, base) = other.expand_flat(&with(&[k]), &[count, k]);
            (flat.unsqueeze(2), base)
        } else {
            other.expand_flat(&with(&[k, p]), &[count, k, p])
        };
        let mut out_shape = batch.to_vec();
        if d1 > 1 {
            out_shape.push(n);
        }
        if d2 > 1 {
            out_shape.push(p);
        }
        let product = lhs.bmm_of_views(&rhs, [lhs_base, rhs_base]);
        let product = if d2 == 1 { product.squeeze(2) } else { product };
        product.unsafe_view(&out_shape)
    }

    /// `self.expand(to).reshape(flat)`, with the nodes PyTorch records for it; and `self` when
    /// PyTorch's result is a view of it (the reshape does not copy), for the product to check
    /// its version.
    #[track_caller]
    fn expand_flat(&self, to: &[usize], flat: &[usize]) -> (Tensor, Option<&Tensor>) {
        let layout = Strided::contiguous(self.shape()).expanded(to);
        let base = layout.reshapes_as_view(flat).then_some(self);
        (self.expand(to).reshape_strided(&layout, flat), base)
    }
}
