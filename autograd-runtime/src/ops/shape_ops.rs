//! Ops that move elements without changing them: reshape, transpose, (un)squeeze, expand.

use crate::graph::record_unary_output;
use crate::shape::{
    broadcast_index_iter, broadcast_shapes, broadcast_strides, numel, pytorch_suffix, strides,
    wrap_dim, Dim,
};
use crate::storage::Buffer;
use crate::Tensor;

/// Gathers `buffer` at `indices` (one source index per output element).
fn gather_buffer(buffer: &Buffer, indices: impl ExactSizeIterator<Item = usize>) -> Buffer {
    let n = indices.len();
    match buffer {
        Buffer::F32(v) => Buffer::F32(crate::buffer_pool::collect(n, indices.map(|i| v[i]))),
        Buffer::F64(v) => Buffer::F64(crate::buffer_pool::collect(n, indices.map(|i| v[i]))),
        Buffer::Bool(v) => Buffer::Bool(indices.map(|i| v[i]).collect()),
    }
}

/// PyTorch's sentence for expanding a tensor of shape `from` (legacy type name `type_name`)
/// to `to` (`expand`, then `inferExpandGeometry`: the first mismatch from the right, numbered
/// in `to`), or `None` when it expands.
pub(super) fn expand_error(from: &[usize], to: &[usize], type_name: &str) -> Option<String> {
    if from.is_empty() {
        return None;
    }
    if to.len() < from.len() {
        return Some(format!(
            "expand({type_name}{{{from:?}}}, size={to:?}): the number of sizes provided ({}) must be greater or equal to the number of dimensions in the tensor ({})",
            to.len(),
            from.len()
        ));
    }
    (0..to.len()).rev().find_map(|i| {
        let size = (i + from.len()).checked_sub(to.len()).map_or(1, |d| from[d]);
        (size != to[i] && size != 1).then(|| {
            format!(
                "The expanded size of the tensor ({}) must match the existing size ({size}) at non-singleton dimension {i}.  Target sizes: {to:?}.  Tensor sizes: {from:?}",
                to[i]
            )
        })
    })
}

/// For each element of `shape` permuted by `perm`, in row-major order, its index in the source.
fn permuted_indices(shape: &[usize], perm: &[usize]) -> Vec<usize> {
    let src_strides = strides(shape);
    let out_shape: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let out_strides: Vec<usize> = perm.iter().map(|&p| src_strides[p]).collect();
    broadcast_index_iter(&out_shape, &out_strides).collect()
}

impl Tensor {
    /// The same elements in a new shape with as many elements (`ViewBackward0`).
    ///
    /// # Panics
    /// When the element counts differ.
    #[track_caller]
    pub fn reshape(&self, shape: &[usize]) -> Tensor {
        if numel(shape) != self.numel() {
            panic!(
                "reshape: shape '{shape:?}' is invalid for input of size {} (input shape {:?})",
                self.numel(),
                self.shape()
            );
        }
        let out = Tensor::from_storage_shared(self, shape);
        let input_shape = self.shape().to_vec();
        record_unary_output("ViewBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.reshape(&input_shape))])
        })
    }

    /// The same elements with a view of another shape (alias of [`Tensor::reshape`]).
    #[track_caller]
    pub fn view(&self, shape: &[usize]) -> Tensor {
        self.reshape(shape)
    }

    /// Swaps dims `dim0` and `dim1` (a copy: tensors are contiguous).
    #[track_caller]
    pub fn transpose(&self, dim0: impl Dim, dim1: impl Dim) -> Tensor {
        let rank = self.dim();
        let (a, b) = (
            wrap_dim("transpose", dim0, rank),
            wrap_dim("transpose", dim1, rank),
        );
        let out = self.transposed_copy(a, b);
        record_unary_output("TransposeBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.transpose(a, b))])
        })
    }

    /// The transpose of a tensor of at most 2 dims (`TBackward0`).
    ///
    /// # Panics
    /// On tensors of more than 2 dims, as PyTorch.
    #[track_caller]
    pub fn t(&self) -> Tensor {
        if self.dim() > 2 {
            panic!(
                "t: t() expects a tensor with <= 2 dimensions, but self is {}D (shape {:?})",
                self.dim(),
                self.shape()
            );
        }
        let out = if self.dim() < 2 {
            self.detach_copy_meta()
        } else {
            self.transposed_copy(0, 1)
        };
        record_unary_output("TBackward0", &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.t())])
        })
    }

    fn transposed_copy(&self, a: usize, b: usize) -> Tensor {
        let rank = self.dim();
        if rank == 0 || a == b {
            return self.detach_copy_meta();
        }
        let mut perm: Vec<usize> = (0..rank).collect();
        perm.swap(a, b);
        let indices = permuted_indices(self.shape(), &perm);
        let buffer = gather_buffer(&self.buffer(), indices.into_iter());
        let mut shape = self.shape().to_vec();
        shape.swap(a, b);
        Tensor::from_buffer(buffer, shape)
    }

    /// A new tensor handle on the same storage without grad metadata.
    fn detach_copy_meta(&self) -> Tensor {
        Tensor::from_storage_shared(self, self.shape())
    }

    /// Inserts a dim of size 1 at `dim` (`-1` appends).
    #[track_caller]
    pub fn unsqueeze(&self, dim: impl Dim) -> Tensor {
        let d = wrap_dim("unsqueeze", dim, self.dim() + 1);
        let mut shape = self.shape().to_vec();
        shape.insert(d, 1);
        let out = Tensor::from_storage_shared(self, shape);
        record_unary_output("UnsqueezeBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.squeeze(d))])
        })
    }

    /// Removes `dim` if it has size 1; otherwise returns the same shape (as PyTorch).
    #[track_caller]
    pub fn squeeze(&self, dim: impl Dim) -> Tensor {
        let d = wrap_dim("squeeze", dim, self.dim());
        let mut shape = self.shape().to_vec();
        let removed = self.dim() > 0 && shape[d] == 1;
        if removed {
            shape.remove(d);
        }
        let out = Tensor::from_storage_shared(self, shape);
        record_unary_output("SqueezeBackward1", &[self], out, || {
            move |_, g| {
                Ok(smallvec::smallvec![Some(if removed {
                    g.unsqueeze(d)
                } else {
                    g.clone()
                })])
            }
        })
    }

    /// Repeats size-1 dims (and new leading dims) to `shape`, as PyTorch's `expand`.
    /// d/dx sums the gradient back to the input's shape.
    ///
    /// # Panics
    /// When the shape is not a broadcast of `self`'s.
    #[track_caller]
    pub fn expand(&self, shape: &[usize]) -> Tensor {
        if broadcast_shapes(self.shape(), shape).as_deref() != Some(shape) {
            panic!(
                "expand: the expanded size {shape:?} must match the existing size {:?} at each non-singleton dimension{}",
                self.shape(),
                pytorch_suffix(expand_error(
                    self.shape(),
                    shape,
                    self.dtype().tensor_type_name()
                ))
            );
        }
        let out = if self.shape() == shape {
            Tensor::from_storage_shared(self, shape)
        } else {
            let src_strides = broadcast_strides(self.shape(), shape);
            let buffer = gather_buffer(&self.buffer(), broadcast_index_iter(shape, &src_strides));
            Tensor::from_buffer(buffer, shape)
        };
        let input_shape = self.shape().to_vec();
        record_unary_output("ExpandBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.sum_to_size(&input_shape))])
        })
    }

    /// Same as [`Tensor::expand`], under NumPy's name.
    #[track_caller]
    pub fn broadcast_to(&self, shape: &[usize]) -> Tensor {
        self.expand(shape)
    }
}
