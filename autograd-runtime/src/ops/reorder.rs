//! Ops that reorder or repeat elements: permute, flatten, repeat and flip, each as PyTorch's
//! op of the same name (values, node names, error sentences).
//!
//! PyTorch's `permute` returns a view; here it returns a copy (tensors are contiguous), marked
//! as one so in-place ops refuse it, as for `transpose` (see `shape_ops.rs`). A permutation
//! that keeps the elements in row-major order (the identity, or one moving only dims of
//! size 1) shares the input's storage instead and writes through, as PyTorch's view does.
//! `flatten` is a `reshape` (sharing storage), `repeat` and `flip` copy in PyTorch too.
//!
//! Every kernel is a gather at flat source positions; every backward is written with these
//! ops, so a gradient taken with `create_graph` records PyTorch's nodes and differentiates
//! again.

use super::shape_ops::CopyingView;
use crate::grad_mode::no_grad;
use crate::graph::record_unary_output;
use crate::shape::{broadcast_index_iter, numel, strides, wrap_dim, Dim};
use crate::storage::Buffer;
use crate::Tensor;

/// The elements of `buffer` at `positions` (one source position per output element).
fn gather(buffer: &Buffer, positions: impl ExactSizeIterator<Item = usize>) -> Buffer {
    let n = positions.len();
    match buffer {
        Buffer::F32(v) => Buffer::F32(crate::buffer_pool::collect(n, positions.map(|i| v[i]))),
        Buffer::F64(v) => Buffer::F64(crate::buffer_pool::collect(n, positions.map(|i| v[i]))),
        Buffer::Bool(v) => Buffer::Bool(positions.map(|i| v[i]).collect()),
    }
}

/// `dims` wrapped into `0..rank` in order, each checked in range (naming `op`) and then
/// against the ones before it; `duplicate` is the message for a dim given twice.
#[track_caller]
fn wrap_distinct_dims<D: Dim>(
    op: &str,
    dims: &[D],
    rank: usize,
    duplicate: impl Fn(usize) -> String,
) -> Vec<usize> {
    let mut wrapped = Vec::with_capacity(dims.len());
    for &dim in dims {
        let d = wrap_dim(op, dim, rank);
        if wrapped.contains(&d) {
            panic!("{op}: {}", duplicate(d));
        }
        wrapped.push(d);
    }
    wrapped
}

/// The permutation undoing `perm` (`inverse[perm[i]] = i`).
fn inverse_permutation(perm: &[usize]) -> Vec<usize> {
    let mut inverse = vec![0; perm.len()];
    for (i, &p) in perm.iter().enumerate() {
        inverse[p] = i;
    }
    inverse
}

/// Whether permuting `shape` by `perm` keeps the row-major order of the elements: the dims of
/// size other than 1 stay in order.
fn keeps_element_order(shape: &[usize], perm: &[usize]) -> bool {
    let moved: Vec<usize> = perm.iter().copied().filter(|&p| shape[p] != 1).collect();
    moved.windows(2).all(|w| w[0] < w[1])
}

/// PyTorch's `repeat_backward`: the gradient of `input_shape` repeated `repeats` times, from
/// the output's gradient `g`. Leading dims that `repeat` added are summed away one at a time
/// (`sum(0)`), then each repeated dim is split into `[repeat, size]` by one reshape and all the
/// repeat dims summed at once; with a repeat of 0 the gradient is zeros.
fn repeat_backward(g: &Tensor, repeats: &[usize], input_shape: &[usize]) -> Tensor {
    if repeats.contains(&0) {
        return Tensor::full_dtype(input_shape, 0.0, g.dtype());
    }
    let added = repeats.len() - input_shape.len();
    let mut grad = g.clone();
    for _ in 0..added {
        grad = grad.sum_dim(0, false);
    }
    let mut split_shape = Vec::with_capacity(2 * input_shape.len());
    let mut sum_dims = Vec::new();
    for (&size, &repeat) in input_shape.iter().zip(&repeats[added..]) {
        if repeat != 1 {
            split_shape.push(repeat);
            sum_dims.push(split_shape.len() - 1);
        }
        split_shape.push(size);
    }
    if sum_dims.is_empty() {
        return grad;
    }
    grad.reshape(&split_shape).sum_dims(&sum_dims)
}

impl Tensor {
    /// The dims reordered: dim `i` of the result is dim `dims[i]` of `self` (negative dims
    /// count from the end), as PyTorch's `permute` (`PermuteBackward0`; d/dx permutes the
    /// gradient back).
    ///
    /// A copy here where PyTorch returns a view, unless the elements keep their order: in-place
    /// ops refuse it (see [`Tensor::add_`]).
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![[1., 2., 3.], [4., 5., 6.]];
    /// let p = x.permute(&[1, 0]);
    /// assert_eq!(p.shape(), &[3, 2]);
    /// assert_eq!(p.to_vec(), vec![1., 4., 2., 5., 3., 6.]);
    /// assert_eq!(x.unsqueeze(0).permute(&[-1, 0, 1]).shape(), &[3, 1, 2]);
    /// ```
    ///
    /// # Panics
    /// When `dims` does not have one entry per dim, names a dim out of range, or names one
    /// twice (with PyTorch's sentences).
    #[track_caller]
    pub fn permute<D: Dim>(&self, dims: &[D]) -> Tensor {
        let rank = self.dim();
        if dims.len() != rank {
            panic!(
                "permute: permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {rank} is not equal to len(dims) = {} (shape {:?})",
                dims.len(),
                self.shape()
            );
        }
        let perm = wrap_distinct_dims("permute", dims, rank, |_| {
            "permute(): duplicate dims are not allowed.".to_string()
        });
        let shape: Vec<usize> = perm.iter().map(|&p| self.shape()[p]).collect();
        let in_place = keeps_element_order(self.shape(), &perm);
        let out = if in_place {
            Tensor::from_storage_shared(self, shape.as_slice())
        } else {
            let src_strides = strides(self.shape());
            let out_strides: Vec<usize> = perm.iter().map(|&p| src_strides[p]).collect();
            let buffer = gather(&self.buffer(), broadcast_index_iter(&shape, &out_strides));
            Tensor::from_buffer(buffer, shape)
        };
        let inverse = inverse_permutation(&perm);
        let out = record_unary_output("PermuteBackward0", &[self], out, || {
            move |_, g| {
                Ok(smallvec::smallvec![Some(
                    g.permute(&inverse).into_gradient()
                )])
            }
        });
        if in_place {
            return out.into_view_of(self);
        }
        let overlaps = self.view_flags().overlaps();
        out.into_copy_of(self, CopyingView::Permute, overlaps)
    }

    /// Dims `start_dim..=end_dim` merged into one (negative dims count from the end), as
    /// PyTorch's `flatten`: a [`Tensor::reshape`] (`ViewBackward0`, sharing storage). A 0-d
    /// tensor becomes shape `[1]`; when `start_dim` and `end_dim` are the same dim, the result
    /// is `self` itself (same node), as in PyTorch. `flatten(0, -1)` is PyTorch's `flatten()`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::arange(24.0).reshape(&[2, 3, 4]);
    /// assert_eq!(x.flatten(0, -1).shape(), &[24]);
    /// assert_eq!(x.flatten(1, -1).shape(), &[2, 12]);
    /// assert_eq!(x.flatten(0, 1).shape(), &[6, 4]);
    /// assert_eq!(Tensor::scalar(5.0).flatten(0, -1).shape(), &[1]);
    /// ```
    ///
    /// # Panics
    /// When a dim is out of range, or `start_dim` comes after `end_dim` (PyTorch's sentences).
    #[track_caller]
    pub fn flatten(&self, start_dim: impl Dim, end_dim: impl Dim) -> Tensor {
        let rank = self.dim();
        let start = wrap_dim("flatten", start_dim, rank);
        let end = wrap_dim("flatten", end_dim, rank);
        if start > end {
            panic!(
                "flatten: flatten() has invalid args: start_dim cannot come after end_dim (shape {:?}, start_dim {start}, end_dim {end})",
                self.shape()
            );
        }
        if rank == 0 {
            return self.reshape(&[1]);
        }
        if start == end {
            return self.clone();
        }
        let shape = self.shape();
        let merged = numel(&shape[start..=end]);
        let flat: Vec<usize> = (shape[..start].iter().copied())
            .chain(std::iter::once(merged))
            .chain(shape[end + 1..].iter().copied())
            .collect();
        self.reshape(&flat)
    }

    /// `self` tiled `repeats[i]` times along dim `i`, as PyTorch's `repeat`
    /// (`RepeatBackward0`). With more repeats than dims, `self` first gets leading dims of
    /// size 1. d/dx sums the gradient over the copies.
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![[1., 2.]];
    /// let r = x.repeat(&[2, 2]);
    /// assert_eq!(r.shape(), &[2, 4]);
    /// assert_eq!(r.to_vec(), vec![1., 2., 1., 2., 1., 2., 1., 2.]);
    /// assert_eq!(x.repeat(&[3, 1, 1]).shape(), &[3, 1, 2]);
    /// ```
    ///
    /// # Panics
    /// When `repeats` has fewer entries than `self` has dims (PyTorch's sentence).
    #[track_caller]
    pub fn repeat(&self, repeats: &[usize]) -> Tensor {
        if repeats.len() < self.dim() {
            panic!(
                "repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (shape {:?}, repeats {repeats:?})",
                self.shape()
            );
        }
        let added = repeats.len() - self.dim();
        let padded: Vec<usize> = std::iter::repeat_n(1, added)
            .chain(self.shape().iter().copied())
            .collect();
        let padded_strides = strides(&padded);
        // Output dim i of size repeats[i] * padded[i], walked as the pair [repeats[i],
        // padded[i]] with strides [0, stride]: each copy reads the same source elements.
        let mut split_shape = Vec::with_capacity(2 * padded.len());
        let mut split_strides = Vec::with_capacity(2 * padded.len());
        for ((&repeat, &size), &stride) in repeats.iter().zip(&padded).zip(&padded_strides) {
            split_shape.extend([repeat, size]);
            split_strides.extend([0, stride]);
        }
        let buffer = gather(
            &self.buffer(),
            broadcast_index_iter(&split_shape, &split_strides),
        );
        let shape: Vec<usize> = repeats.iter().zip(&padded).map(|(r, s)| r * s).collect();
        let out = Tensor::from_buffer(buffer, shape);
        let (repeats, input_shape) = (repeats.to_vec(), self.shape().to_vec());
        record_unary_output("RepeatBackward0", &[self], out, || {
            move |_, g| {
                Ok(smallvec::smallvec![Some(repeat_backward(
                    g,
                    &repeats,
                    &input_shape
                ))])
            }
        })
    }

    /// The elements in reverse order along each of `dims` (negative dims count from the end),
    /// as PyTorch's `flip` (`FlipBackward0`; d/dx flips the gradient back). A copy, as in
    /// PyTorch.
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![[1., 2., 3.], [4., 5., 6.]];
    /// assert_eq!(x.flip(&[1]).to_vec(), vec![3., 2., 1., 6., 5., 4.]);
    /// assert_eq!(x.flip(&[0, -1]).to_vec(), vec![6., 5., 4., 3., 2., 1.]);
    /// ```
    ///
    /// # Panics
    /// When a dim is out of range or given twice (PyTorch's sentences).
    #[track_caller]
    pub fn flip<D: Dim>(&self, dims: &[D]) -> Tensor {
        let flipped = wrap_distinct_dims("flip", dims, self.dim(), |d| {
            format!(
                "dim {d} appears multiple times in the list of dims (shape {:?})",
                self.shape()
            )
        });
        let shape = self.shape();
        let src_strides = strides(shape);
        // Source position = offset + (forward steps along kept dims) - (steps along flipped
        // dims), where offset starts each flipped dim at its last element.
        let along = |keep: bool| -> Vec<usize> {
            (0..shape.len())
                .map(|d| {
                    if flipped.contains(&d) != keep {
                        src_strides[d]
                    } else {
                        0
                    }
                })
                .collect()
        };
        let (forward, backward) = (along(true), along(false));
        let offset: usize = (flipped.iter())
            .map(|&d| {
                shape
                    .get(d)
                    .map_or(0, |&n| n.saturating_sub(1) * src_strides[d])
            })
            .sum();
        let positions = broadcast_index_iter(shape, &forward)
            .zip(broadcast_index_iter(shape, &backward))
            .map(|(ahead, behind)| offset + ahead - behind);
        let buffer = gather(&self.buffer(), positions);
        let out = Tensor::from_buffer(buffer, shape);
        record_unary_output("FlipBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.flip(&flipped))])
        })
    }

    /// The sum over `dims` (ascending, distinct), which are removed, recorded as ONE
    /// `SumBackward1` node as PyTorch's multi-dim `sum(dims)`; d/dx unsqueezes the gradient at
    /// each summed dim and expands it back.
    fn sum_dims(&self, dims: &[usize]) -> Tensor {
        let kept = no_grad(|| self.sum_dims_keepdim(dims));
        let reduced: Vec<usize> = (self.shape().iter().enumerate())
            .filter(|(d, _)| !dims.contains(d))
            .map(|(_, &n)| n)
            .collect();
        let out = Tensor::from_storage_shared(&kept, reduced.as_slice());
        let (dims, shape) = (dims.to_vec(), self.shape().to_vec());
        record_unary_output("SumBackward1", &[self], out, || {
            move |_, g| {
                let unsqueezed = dims.iter().fold(g.clone(), |t, &d| t.unsqueeze(d));
                Ok(smallvec::smallvec![Some(
                    unsqueezed.expand(&shape).into_gradient()
                )])
            }
        })
    }
}
