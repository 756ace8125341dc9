//! Picking elements: narrow, slice, index_select and gather (joining and cutting tensors is in
//! `join.rs`).
//!
//! `narrow` and `slice` return copies where PyTorch returns views, so in-place ops refuse
//! their outputs (see `shape_ops.rs`); `index_select` and `gather` copy in PyTorch too.
//!
//! Every pick is a gather at flat source positions ([`Tensor::take_flat`], in `flat_pick.rs`);
//! its backward adds the gradient into zeros at the same positions, an op whose own backward
//! is the pick again, so gradients of any order flow.
//!
//! Indices are `usize` slices (there is no integer dtype). `gather` takes its index as a flat
//! row-major `&[usize]` plus the index's shape, which is what [`Tensor::max_dim`] returns with
//! the values' shape.

use super::flat_pick::Pick;
use super::shape_ops::CopyingView;
use crate::shape::{dim_out_of_range, numel, strides, wrap_dim, Dim};
use crate::Tensor;
use std::sync::Arc;

/// `shape` seen as `[outer, len, inner]` around dim `d` (all 1 for a 0-d shape).
pub(crate) fn around_dim(shape: &[usize], d: usize) -> (usize, usize, usize) {
    if shape.is_empty() {
        return (1, 1, 1);
    }
    (numel(&shape[..d]), shape[d], numel(&shape[d + 1..]))
}

/// The shape left after reducing dim `d` of `shape`: removed, or kept with size 1 (`keepdim`).
pub(crate) fn reduced_shape(shape: &[usize], d: usize, keepdim: bool) -> Vec<usize> {
    let mut out = shape.to_vec();
    if !out.is_empty() {
        if keepdim {
            out[d] = 1;
        } else {
            out.remove(d);
        }
    }
    out
}

/// Runs a generic float kernel on a tensor's elements: `float_kernel!("op", t, |v| f(v))`,
/// where `f` returns the new elements as `Vec<T>`; panics (naming the op) on bool tensors.
macro_rules! float_kernel {
    ($op:expr, $t:expr, |$v:ident| $body:expr) => {{
        let t: &$crate::Tensor = $t;
        let guard = t.buffer();
        match &*guard {
            $crate::storage::Buffer::F32($v) => $crate::storage::Buffer::F32(($body).into()),
            $crate::storage::Buffer::F64($v) => $crate::storage::Buffer::F64(($body).into()),
            $crate::storage::Buffer::Bool(_) => panic!(
                "{}: expected a floating point tensor but got dtype torch.bool (shape {:?})",
                $op,
                t.shape()
            ),
        }
    }};
}
pub(crate) use float_kernel;

/// PyTorch's sentence for `index_select` of a 0-d tensor with `n != 1` indices.
fn scalar_index_count(n: usize) -> String {
    format!("index_select(): Index to scalar can have only 1 value, got {n} value(s)")
}

/// Flat positions of picking `indices` along the middle dim of `[outer, len, inner]`.
fn positions_along(outer: usize, len: usize, inner: usize, indices: &[usize]) -> Arc<[usize]> {
    let mut out = Vec::with_capacity(outer * indices.len() * inner);
    for o in 0..outer {
        for &k in indices {
            let base = (o * len + k) * inner;
            out.extend(base..base + inner);
        }
    }
    out.into()
}

impl Tensor {
    /// Picks `indices` along dim `d`, recorded as `node`.
    #[track_caller]
    fn pick_along(&self, d: usize, indices: &[usize], node: Pick) -> Tensor {
        let (outer, len, inner) = around_dim(self.shape(), d);
        let mut shape = self.shape().to_vec();
        if !shape.is_empty() {
            shape[d] = indices.len();
        }
        self.take_flat(positions_along(outer, len, inner, indices), shape, node)
    }

    /// `length` elements along `dim` starting at `start` (`SliceBackward0`, as PyTorch, whose
    /// `narrow` is a slice).
    ///
    /// A copy here where PyTorch returns a view: in-place ops refuse it (see [`Tensor::add_`]).
    ///
    /// # Panics
    /// On a 0-d tensor, a dim out of range, or when `start + length` exceeds the dim's size.
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![[1., 2., 3.], [4., 5., 6.]];
    /// assert_eq!(x.narrow(1, 1, 2).to_vec(), vec![2., 3., 5., 6.]);
    /// ```
    #[track_caller]
    pub fn narrow(&self, dim: impl Dim, start: usize, length: usize) -> Tensor {
        if self.dim() == 0 {
            panic!("narrow: narrow() cannot be applied to a 0-dim tensor.");
        }
        let d = wrap_dim("narrow", dim, self.dim());
        let size = self.shape()[d];
        if start > size || length > size - start {
            let sentence = if start > size {
                let size = size as isize;
                format!(
                    "start out of range (expected to be in range of [{}, {size}], but got {start})",
                    -size
                )
            } else {
                format!("start ({start}) + length ({length}) exceeds dimension size ({size}).")
            };
            panic!(
                "narrow: {sentence} (dim {d} of shape {:?}, start {start}, length {length})",
                self.shape()
            );
        }
        let indices: Vec<usize> = (start..start + length).collect();
        self.pick_along(d, &indices, Pick::Slice)
            .into_copy_of(self, CopyingView::Narrow, false)
    }

    /// The slice at `index` along `dim`, with that dim removed: PyTorch's `select` (`x[i]` is
    /// `x.select(0, i)`), recorded as `SelectBackward0`.
    ///
    /// A copy here where PyTorch returns a view: in-place ops refuse it (see [`Tensor::add_`]).
    ///
    /// # Panics
    /// On a 0-d tensor, a dim out of range, or an index past the dim's size.
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![[1., 2., 3.], [4., 5., 6.]];
    /// assert_eq!(x.select(0, 1).to_vec(), vec![4., 5., 6.]);
    /// assert_eq!(x.select(1, 2).to_vec(), vec![3., 6.]);
    /// ```
    #[track_caller]
    pub fn select(&self, dim: impl Dim, index: usize) -> Tensor {
        if self.dim() == 0 {
            panic!("select: select() cannot be applied to a 0-dim tensor.");
        }
        let d = wrap_dim("select", dim, self.dim());
        if index >= self.shape()[d] {
            panic!(
                "select: select(): index {index} out of range for tensor of size {:?} at dimension {d}",
                self.shape()
            );
        }
        let (outer, len, inner) = around_dim(self.shape(), d);
        let mut shape = self.shape().to_vec();
        shape.remove(d);
        self.take_flat(
            positions_along(outer, len, inner, &[index]),
            shape,
            Pick::Select,
        )
        .into_copy_of(self, CopyingView::Select, false)
    }

    /// Python slicing `x[start:end:step]` along `dim` (`SliceBackward0`): negative `start` and
    /// `end` count from the end, both are clamped to the dim (so `isize::MAX` means "to the
    /// end"), and an empty range gives an empty dim.
    ///
    /// A copy here where PyTorch returns a view: in-place ops refuse it (see [`Tensor::add_`]).
    ///
    /// # Panics
    /// On a 0-d tensor, a dim out of range, or `step == 0`.
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![0., 1., 2., 3., 4., 5.];
    /// assert_eq!(x.slice(0, 1, isize::MAX, 2).to_vec(), vec![1., 3., 5.]);
    /// assert_eq!(x.slice(0, -2, isize::MAX, 1).to_vec(), vec![4., 5.]);
    /// ```
    #[track_caller]
    pub fn slice(&self, dim: impl Dim, start: isize, end: isize, step: usize) -> Tensor {
        if self.dim() == 0 {
            panic!("slice: slice() cannot be applied to a 0-dim tensor.");
        }
        if step == 0 {
            // PyTorch's `slice` wraps the dim first; Python's `x[::0]` says "cannot be zero".
            let sentence = dim_out_of_range(dim.to_isize(), self.dim())
                .unwrap_or_else(|| "slice step must be positive".to_string());
            panic!(
                "slice: {sentence} (got step 0 for shape {:?}; slice step cannot be zero)",
                self.shape()
            );
        }
        let d = wrap_dim("slice", dim, self.dim());
        let size = self.shape()[d] as isize;
        let clamp = |i: isize| {
            (if i < 0 {
                (i + size).max(0)
            } else {
                i.min(size)
            }) as usize
        };
        let (start, end) = (clamp(start), clamp(end));
        let indices: Vec<usize> = (start..end.max(start)).step_by(step).collect();
        self.pick_along(d, &indices, Pick::Slice)
            .into_copy_of(self, CopyingView::Slice, false)
    }

    /// The slices at `indices` along `dim`, in that order, repeats allowed
    /// (`IndexSelectBackward0`; the backward adds the gradient slices back into zeros).
    ///
    /// # Panics
    /// On a dim out of range or an index `>=` the dim's size.
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![[1., 2.], [3., 4.], [5., 6.]];
    /// assert_eq!(x.index_select(0, &[2, 0]).to_vec(), vec![5., 6., 1., 2.]);
    /// ```
    #[track_caller]
    pub fn index_select(&self, dim: impl Dim, indices: &[usize]) -> Tensor {
        let d = wrap_dim("index_select", dim, self.dim());
        let size = self.shape().get(d).copied().unwrap_or(1);
        if let Some(&bad) = indices.iter().find(|&&i| i >= size) {
            // PyTorch refuses a 0-d input with other than one index before looking at them;
            // then its CPU kernel words it by path: the dim-1 fast path and an empty input
            // check all indices up front, the general loop checks each as it copies.
            let sentence = if self.dim() == 0 && indices.len() != 1 {
                scalar_index_count(indices.len())
            } else if self.dim() > 1 && self.numel() == 0 && size == 0 {
                "index_select(): self indexing axis dim should be positive".to_string()
            } else if self.dim() > 1 && (self.numel() == 0 || d == 1) {
                format!("INDICES element is out of DATA bounds, id={bad} axis_dim={size}")
            } else {
                "index out of range in self".to_string()
            };
            panic!(
                "index_select(): index {bad} is out of bounds for dimension {d} with size {size} (shape {:?}): {sentence}",
                self.shape()
            );
        }
        if self.dim() == 0 && indices.len() != 1 {
            panic!(
                "index_select(): a 0-dim tensor takes exactly one index, got {}: {}",
                indices.len(),
                scalar_index_count(indices.len())
            );
        }
        self.pick_along(d, indices, Pick::IndexSelect)
    }

    /// PyTorch's `gather`: `out[p] = self[p with p[dim] replaced by index[p]]`, where `index`
    /// is given row-major with its shape `index_shape` (same number of dims as `self`, each
    /// dim other than `dim` no larger than `self`'s). The result has `index_shape`
    /// (`GatherBackward0`; the backward scatter-adds into zeros).
    ///
    /// # Panics
    /// When `index.len()` is not the product of `index_shape`, the dims differ in number, an
    /// index dim is too large, or an index is out of bounds.
    ///
    /// ```
    /// use autograd::tensor;
    /// let x = tensor![[1., 2.], [3., 4.]];
    /// // torch.gather(x, 1, torch.tensor([[0, 0], [1, 0]])) = [[1, 1], [4, 3]]
    /// assert_eq!(x.gather(1, &[0, 0, 1, 0], &[2, 2]).to_vec(), vec![1., 1., 4., 3.]);
    /// ```
    #[track_caller]
    pub fn gather(&self, dim: impl Dim, index: &[usize], index_shape: &[usize]) -> Tensor {
        let d = wrap_dim("gather", dim, self.dim());
        if index.len() != numel(index_shape) {
            panic!(
                "gather(): index has {} values but index_shape {index_shape:?} needs {}",
                index.len(),
                numel(index_shape)
            );
        }
        // A 0-d tensor is gathered as a 1-element vector.
        let self_shape = if self.dim() == 0 {
            vec![1]
        } else {
            self.shape().to_vec()
        };
        let idx_shape = if index_shape.is_empty() {
            vec![1]
        } else {
            index_shape.to_vec()
        };
        if idx_shape.len() != self_shape.len() {
            panic!(
                "gather(): Index tensor must have the same number of dimensions as input tensor (index shape {index_shape:?}, input shape {:?})",
                self.shape()
            );
        }
        for a in (0..self_shape.len()).filter(|&a| a != d) {
            if idx_shape[a] > self_shape[a] {
                panic!(
                    "gather(): Size does not match at dimension {a} expected index {index_shape:?} to be no larger than self {:?} apart from dimension {d}",
                    self.shape()
                );
            }
        }
        if let Some(&bad) = index.iter().find(|&&i| i >= self_shape[d]) {
            panic!(
                "gather(): index {bad} is out of bounds for dimension {d} with size {} (input shape {:?}, index shape {index_shape:?})",
                self_shape[d],
                self.shape()
            );
        }
        let src_strides = strides(&self_shape);
        let mut counter = vec![0usize; idx_shape.len()];
        let mut positions = Vec::with_capacity(index.len());
        for &j in index {
            let pos: usize = (0..counter.len())
                .map(|a| if a == d { j } else { counter[a] } * src_strides[a])
                .sum();
            positions.push(pos);
            for a in (0..counter.len()).rev() {
                counter[a] += 1;
                if counter[a] < idx_shape[a] {
                    break;
                }
                counter[a] = 0;
            }
        }
        self.take_flat(positions.into(), index_shape.to_vec(), Pick::Gather)
    }
}
