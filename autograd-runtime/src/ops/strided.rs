//! PyTorch's strided layouts, as far as `matmul` needs them to record PyTorch's nodes.
//!
//! Tensors here are always contiguous (`transpose` and `expand` copy), but inside `matmul`
//! PyTorch works on views whose strides decide which nodes it records: `reshape` of a
//! contiguous tensor is a `view` (`ViewBackward0`), of a non-contiguous one that strides can
//! still express an `_reshape_alias` (`ReshapeAliasBackward0`), and otherwise a `clone` viewed
//! with `_unsafe_view` (`UnsafeViewBackward0(CloneBackward0(..))`). [`Strided`] tracks the
//! sizes and strides PyTorch's tensor would have; the methods below record its nodes over our
//! contiguous data.

use crate::graph::record_unary_output;
use crate::shape::numel;
use crate::Tensor;

/// The sizes and strides (in elements) of a PyTorch tensor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Strided {
    shape: Vec<usize>,
    strides: Vec<usize>,
}

impl Strided {
    /// A contiguous tensor of `shape` (PyTorch's strides: a size-0 dim counts as 1).
    pub(crate) fn contiguous(shape: &[usize]) -> Strided {
        let mut strides = vec![1; shape.len()];
        for i in (0..shape.len().saturating_sub(1)).rev() {
            strides[i] = strides[i + 1] * shape[i + 1].max(1);
        }
        Strided {
            shape: shape.to_vec(),
            strides,
        }
    }

    /// The sizes.
    pub(crate) fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// `expand(to)` (`inferExpandGeometry`): a broadcast dim gets stride 0, a new leading dim
    /// of size 1 the stride of a contiguous dim.
    /// PRECONDITION: `self.shape` broadcasts to `to`.
    pub(crate) fn expanded(&self, to: &[usize]) -> Strided {
        let (rank, own) = (to.len(), self.shape.len());
        let mut shape = vec![0; rank];
        let mut strides = vec![0; rank];
        for i in (0..rank).rev() {
            let (mut size, mut stride) = match (i + own).checked_sub(rank) {
                Some(d) => (self.shape[d], self.strides[d]),
                None if i + 1 < rank => (1, shape[i + 1] * strides[i + 1]),
                None => (1, 1),
            };
            if size != to[i] {
                size = to[i];
                stride = 0;
            }
            shape[i] = size;
            strides[i] = stride;
        }
        Strided { shape, strides }
    }

    /// `mT`: the last two dims swapped.
    /// PRECONDITION: at least 2 dims.
    pub(crate) fn transposed_last(&self) -> Strided {
        let mut out = self.clone();
        let n = out.shape.len();
        out.shape.swap(n - 2, n - 1);
        out.strides.swap(n - 2, n - 1);
        out
    }

    /// PyTorch's `is_contiguous()`: row-major strides, ignoring dims of size 1; an empty
    /// tensor is contiguous.
    pub(crate) fn is_contiguous(&self) -> bool {
        if numel(&self.shape) == 0 {
            return true;
        }
        let mut expected = 1;
        for (&size, &stride) in self.shape.iter().zip(&self.strides).rev() {
            if size != 1 {
                if stride != expected {
                    return false;
                }
                expected *= size;
            }
        }
        true
    }

    /// Whether PyTorch's `reshape` to `shape` returns a view (sharing this tensor's version
    /// counter) rather than a copy.
    /// PRECONDITION: `shape` has as many elements as `self`.
    pub(crate) fn reshapes_as_view(&self, shape: &[usize]) -> bool {
        self.is_contiguous() || self.can_view_as(shape)
    }

    /// Whether strides can express `shape` over the same elements without a copy (PyTorch's
    /// `computeStride`, which `reshape` and `view` use).
    /// PRECONDITION: `shape` has as many elements as `self`.
    pub(crate) fn can_view_as(&self, shape: &[usize]) -> bool {
        let (old, stride) = (&self.shape, &self.strides);
        if old.is_empty() || numel(old) == 0 {
            return true;
        }
        // Walk the old dims from the last, in chunks of dims that are contiguous with each
        // other (size-1 dims join any chunk); the new dims must split each chunk exactly.
        let mut view_d = shape.len();
        let mut chunk_base = stride[old.len() - 1];
        let (mut tensor_numel, mut view_numel) = (1, 1);
        for d in (0..old.len()).rev() {
            tensor_numel *= old[d];
            let chunk_ends =
                d == 0 || (old[d - 1] != 1 && stride[d - 1] != tensor_numel * chunk_base);
            if !chunk_ends {
                continue;
            }
            while view_d > 0 && (view_numel < tensor_numel || shape[view_d - 1] == 1) {
                view_numel *= shape[view_d - 1];
                view_d -= 1;
            }
            if view_numel != tensor_numel {
                return false;
            }
            if d > 0 {
                chunk_base = stride[d - 1];
                tensor_numel = 1;
                view_numel = 1;
            }
        }
        view_d == 0
    }
}

impl Tensor {
    /// PyTorch's `reshape` of this tensor when PyTorch's would be laid out as `layout`: a view
    /// (`ViewBackward0`) when contiguous, `_reshape_alias` (`ReshapeAliasBackward0`) when
    /// strides can express `shape`, otherwise a copy viewed in `shape`
    /// (`UnsafeViewBackward0(CloneBackward0(..))`). The values are the same either way.
    /// PRECONDITION: `layout` has `self`'s shape, and `shape` as many elements.
    #[track_caller]
    pub(crate) fn reshape_strided(&self, layout: &Strided, shape: &[usize]) -> Tensor {
        debug_assert_eq!(layout.shape(), self.shape());
        if layout.is_contiguous() {
            self.reshape(shape)
        } else if layout.reshapes_as_view(shape) {
            self.reshaped_node("ReshapeAliasBackward0", shape)
        } else {
            self.clone_node().unsafe_view(shape)
        }
    }

    /// PyTorch's `contiguous()` of this tensor laid out as `layout`: the tensor itself when
    /// contiguous, otherwise a copy (`CloneBackward0`).
    /// PRECONDITION: `layout` has `self`'s shape.
    #[track_caller]
    pub(crate) fn contiguous_strided(&self, layout: &Strided) -> Tensor {
        debug_assert_eq!(layout.shape(), self.shape());
        if layout.is_contiguous() {
            self.clone()
        } else {
            self.clone_node()
        }
    }

    /// The same elements seen with `shape` (PyTorch's internal `_unsafe_view`, which ends a
    /// folded or batched `matmul` and a flattened `Linear`): `UnsafeViewBackward0`.
    /// PRECONDITION: `shape` has as many elements as `self`.
    #[track_caller]
    pub(crate) fn unsafe_view(&self, shape: &[usize]) -> Tensor {
        self.reshaped_node("UnsafeViewBackward0", shape)
    }

    /// The same elements seen with `shape`, recorded as `name`; d/dx reshapes the gradient
    /// back.
    #[track_caller]
    fn reshaped_node(&self, name: &'static str, shape: &[usize]) -> Tensor {
        let out = Tensor::from_storage_shared(self, shape);
        let input_shape = self.shape().to_vec();
        record_unary_output(name, &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.reshape(&input_shape))])
        })
    }

    /// PyTorch's `clone()` of a non-contiguous view (`CloneBackward0`, d/dx = 1). Our data is
    /// already a contiguous copy made by `transpose` or `expand` and used by nothing else, so
    /// the result shares it instead of copying again.
    #[track_caller]
    fn clone_node(&self) -> Tensor {
        let out = Tensor::from_storage_shared(self, self.shape());
        record_unary_output("CloneBackward0", &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.clone())])
        })
    }

    /// PyTorch's in-place `squeeze_(dim)` of a fresh result, with which `matmul` ends a
    /// vector-matrix product: `SqueezeBackward4` (derivatives.yaml `squeeze_.dim`).
    /// PRECONDITION: dim `dim` has size 1.
    #[track_caller]
    pub(crate) fn squeeze_in_place_node(&self, dim: usize) -> Tensor {
        debug_assert_eq!(self.shape()[dim], 1);
        let mut shape = self.shape().to_vec();
        shape.remove(dim);
        let out = Tensor::from_storage_shared(self, shape);
        record_unary_output("SqueezeBackward4", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.unsqueeze(dim))])
        })
    }
}
