//! Joining tensors (`cat`, `stack`) and cutting them into pieces (`split`,
//! `split_with_sizes`, `chunk`). A cut records ONE node with every piece as an output; its
//! backward concatenates the pieces' gradients (zeros for pieces that got none). The pieces
//! are copies where PyTorch returns views, so in-place ops refuse them (see `shape_ops.rs`).

use super::indexing::around_dim;
use super::shape_ops::CopyingView;
use crate::graph::{needs_grad, record, BackwardFn};
use crate::shape::{dim_out_of_range, numel, wrap_dim, Dim};
use crate::storage::Buffer;
use crate::{DType, Tensor};

/// The dtype a list of tensors joins in: bool only if all are, else the promoted float dtype.
fn joined_dtype(tensors: &[&Tensor]) -> DType {
    if tensors.iter().all(|t| t.dtype() == DType::Bool) {
        DType::Bool
    } else if tensors.iter().any(|t| t.dtype() == DType::F64) {
        DType::F64
    } else {
        DType::F32
    }
}

/// Concatenates `[outer, lens[i], inner]` blocks along the middle dim (buffers of one dtype).
fn concat(parts: &[&Tensor], lens: &[usize], outer: usize, inner: usize, dtype: DType) -> Buffer {
    let buffers: Vec<Buffer> = parts.iter().map(|t| t.buffer().to_dtype(dtype)).collect();
    macro_rules! join {
        ($variant:ident) => {{
            let total: usize = lens.iter().sum::<usize>() * outer * inner;
            let mut out = Vec::with_capacity(total);
            for o in 0..outer {
                for (b, &len) in buffers.iter().zip(lens) {
                    let Buffer::$variant(v) = b else {
                        unreachable!("converted to one dtype")
                    };
                    out.extend_from_slice(&v[o * len * inner..(o + 1) * len * inner]);
                }
            }
            Buffer::$variant(out.into())
        }};
    }
    match dtype {
        DType::F32 => join!(F32),
        DType::F64 => join!(F64),
        DType::Bool => join!(Bool),
    }
}

/// The message for `stack` of tensors whose shapes differ (`first` at entry 0, `other` at entry
/// `i`), with the sentence PyTorch's `stack` gives: it wraps `dim` first, then compares the
/// shapes, except when `dim` is the new last dim, where it concatenates the tensors unsqueezed
/// there and `cat`'s checks speak.
fn stack_mismatch(first: &Tensor, other: &Tensor, i: usize, dim: isize) -> String {
    let (a, b) = (first.shape(), other.shape());
    let shapes = format!("(shapes {a:?} at entry 0 and {b:?} at entry {i})");
    let rank = a.len() + 1;
    if let Some(sentence) = dim_out_of_range(dim, rank) {
        return format!("{sentence} {shapes}");
    }
    let d = if dim < 0 { dim + rank as isize } else { dim } as usize;
    if d + 1 < rank {
        return format!(
            "stack expects each tensor to be equal size, but got {a:?} at entry 0 and {b:?} at entry {i}"
        );
    }
    let sentence = if a.len() != b.len() {
        format!(
            "Tensors must have same number of dimensions: got {} and {}",
            a.len() + 1,
            b.len() + 1
        )
    } else {
        let k = (0..a.len()).find(|&k| a[k] != b[k]).unwrap_or(0);
        format!(
            "Sizes of tensors must match except in dimension {d}. Expected size {} but got size {} for tensor number {i} in the list.",
            a[k], b[k]
        )
    };
    format!("{sentence} {shapes}")
}

impl Tensor {
    /// Concatenates tensors along an existing `dim` (`CatBackward0`; each input's gradient is
    /// its slice of the output gradient). Mixed float dtypes promote to F64.
    ///
    /// # Panics
    /// On an empty list, a 0-d tensor, different numbers of dims, or sizes that differ outside
    /// `dim`.
    ///
    /// ```
    /// use autograd::{tensor, Tensor};
    /// let a = tensor![[1., 2.]];
    /// let b = tensor![[3., 4.], [5., 6.]];
    /// assert_eq!(Tensor::cat(&[&a, &b], 0).shape(), &[3, 2]);
    /// ```
    #[track_caller]
    pub fn cat(tensors: &[&Tensor], dim: impl Dim) -> Tensor {
        let Some(first) = tensors.first() else {
            panic!("cat: torch.cat(): expected a non-empty list of Tensors");
        };
        if let Some(i) = tensors.iter().position(|t| t.dim() == 0) {
            panic!("cat: zero-dimensional tensor (at position {i}) cannot be concatenated");
        }
        let rank = first.dim();
        let d = wrap_dim("cat", dim, rank);
        for (i, t) in tensors.iter().enumerate() {
            if t.dim() != rank {
                panic!(
                    "cat: Tensors must have same number of dimensions: got {rank} and {} (shapes {:?} at position 0 and {:?} at position {i})",
                    t.dim(),
                    first.shape(),
                    t.shape()
                );
            }
            if let Some(a) = (0..rank).find(|&a| a != d && t.shape()[a] != first.shape()[a]) {
                panic!(
                    "cat: Sizes of tensors must match except in dimension {d}. Expected size {} but got size {} for tensor number {i} in the list. (shapes {:?} at position 0 and {:?} at position {i})",
                    first.shape()[a],
                    t.shape()[a],
                    first.shape(),
                    t.shape()
                );
            }
        }
        let lens: Vec<usize> = tensors.iter().map(|t| t.shape()[d]).collect();
        let (outer, _, inner) = around_dim(first.shape(), d);
        let buffer = concat(tensors, &lens, outer, inner, joined_dtype(tensors));
        let mut shape = first.shape().to_vec();
        shape[d] = lens.iter().sum();
        let out = Tensor::from_buffer(buffer, shape);
        if !needs_grad(tensors) {
            return out;
        }
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let mut start = 0;
            let mut result = crate::graph::InputGrads::with_capacity(lens.len());
            for (i, &len) in lens.iter().enumerate() {
                result.push(
                    ctx.needs_input_grad(i)
                        .then(|| grads[0].narrow(d, start, len).into_gradient()),
                );
                start += len;
            }
            Ok(result)
        });
        record("CatBackward0", tensors, vec![out], backward)
            .pop()
            .expect("one output")
    }

    /// Joins tensors of one shape along a new `dim` (`StackBackward0`).
    ///
    /// # Panics
    /// On an empty list, shapes that differ, or a dim out of range (`0..=rank`).
    ///
    /// ```
    /// use autograd::{tensor, Tensor};
    /// let a = tensor![1., 2.];
    /// let b = tensor![3., 4.];
    /// assert_eq!(Tensor::stack(&[&a, &b], 1).to_vec(), vec![1., 3., 2., 4.]);
    /// ```
    #[track_caller]
    pub fn stack(tensors: &[&Tensor], dim: impl Dim) -> Tensor {
        let Some(first) = tensors.first() else {
            panic!("stack: stack expects a non-empty TensorList");
        };
        if let Some(i) = tensors.iter().position(|t| t.shape() != first.shape()) {
            panic!(
                "stack: {}",
                stack_mismatch(first, tensors[i], i, dim.to_isize())
            );
        }
        let d = wrap_dim("stack", dim, first.dim() + 1);
        let (outer, inner) = (numel(&first.shape()[..d]), numel(&first.shape()[d..]));
        let lens = vec![1; tensors.len()];
        let buffer = concat(tensors, &lens, outer, inner, joined_dtype(tensors));
        let mut shape = first.shape().to_vec();
        shape.insert(d, tensors.len());
        let out = Tensor::from_buffer(buffer, shape);
        if !needs_grad(tensors) {
            return out;
        }
        let n = tensors.len();
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            Ok((0..n)
                .map(|i| {
                    ctx.needs_input_grad(i)
                        .then(|| grads[0].select(d, i).into_gradient())
                })
                .collect())
        });
        record("StackBackward0", tensors, vec![out], backward)
            .pop()
            .expect("one output")
    }

    /// Cuts `dim` into pieces of `split_size` (the last may be smaller), as PyTorch's
    /// `split(int)`. All pieces come from ONE `SplitBackward0` node; pieces that get no
    /// gradient count as zeros.
    ///
    /// Each piece is a copy here where PyTorch returns a view: in-place ops refuse it (see
    /// [`Tensor::add_`]).
    ///
    /// # Panics
    /// On a 0-d tensor, a dim out of range, or `split_size == 0` on a non-empty dim.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let parts = Tensor::arange(5.0).split(2, 0);
    /// assert_eq!(parts.iter().map(|p| p.numel()).collect::<Vec<_>>(), vec![2, 2, 1]);
    /// ```
    #[track_caller]
    pub fn split(&self, split_size: usize, dim: impl Dim) -> Vec<Tensor> {
        if self.dim() == 0 {
            panic!("split: split expects at least a 1-dimensional tensor");
        }
        let d = wrap_dim("split", dim, self.dim());
        let size = self.shape()[d];
        if split_size == 0 && size != 0 {
            panic!(
                "split: split_size can only be 0 if dimension size is 0, but got dimension size of {size} (shape {:?}, dim {d})",
                self.shape()
            );
        }
        let pieces = if split_size == 0 {
            1
        } else {
            size.div_ceil(split_size).max(1)
        };
        let mut sizes = vec![split_size; pieces];
        sizes[pieces - 1] = size - split_size * (pieces - 1);
        self.split_named(&sizes, d, "SplitBackward0", CopyingView::Split)
    }

    /// Cuts `dim` into pieces of the given sizes, as PyTorch's `split(list)`
    /// (`SplitWithSizesBackward0`, one node for all pieces).
    ///
    /// Each piece is a copy here where PyTorch returns a view: in-place ops refuse it (see
    /// [`Tensor::add_`]).
    ///
    /// # Panics
    /// When the sizes do not add up to the dim's size.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let parts = Tensor::arange(5.0).split_with_sizes(&[1, 4], 0);
    /// assert_eq!(parts[1].to_vec(), vec![1., 2., 3., 4.]);
    /// ```
    #[track_caller]
    pub fn split_with_sizes(&self, sizes: &[usize], dim: impl Dim) -> Vec<Tensor> {
        if self.dim() == 0 {
            panic!("split_with_sizes: split expects at least a 1-dimensional tensor");
        }
        let d = wrap_dim("split_with_sizes", dim, self.dim());
        let size = self.shape()[d];
        if sizes.iter().sum::<usize>() != size {
            panic!(
                "split_with_sizes: split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension {d}), but got split_sizes={sizes:?}"
            );
        }
        self.split_named(
            sizes,
            d,
            "SplitWithSizesBackward0",
            CopyingView::SplitWithSizes,
        )
    }

    /// Cuts `dim` into at most `chunks` pieces of `ceil(size / chunks)` (the last may be
    /// smaller, and there may be fewer pieces), as PyTorch's `chunk`, which records
    /// `SplitBackward0`.
    ///
    /// Each piece is a copy here where PyTorch returns a view: in-place ops refuse it (see
    /// [`Tensor::add_`]).
    ///
    /// # Panics
    /// On `chunks == 0`, a 0-d tensor, or a dim out of range.
    ///
    /// ```
    /// use autograd::Tensor;
    /// // torch.arange(6).chunk(4) gives 3 pieces of 2
    /// assert_eq!(Tensor::arange(6.0).chunk(4, 0).len(), 3);
    /// ```
    #[track_caller]
    pub fn chunk(&self, chunks: usize, dim: impl Dim) -> Vec<Tensor> {
        if chunks == 0 {
            // PyTorch checks the tensor's dims first.
            let sentence = if self.dim() == 0 {
                "chunk expects at least a 1-dimensional tensor"
            } else {
                "chunk expects `chunks` to be greater than 0, got: 0"
            };
            panic!("chunk: {sentence} (shape {:?}, 0 chunks)", self.shape());
        }
        if self.dim() == 0 {
            panic!("chunk: chunk expects at least a 1-dimensional tensor");
        }
        let d = wrap_dim("chunk", dim, self.dim());
        let size = self.shape()[d];
        if size == 0 {
            let sizes = vec![0; chunks];
            return self.split_named(&sizes, d, "SplitWithSizesBackward0", CopyingView::Chunk);
        }
        (self.split(size.div_ceil(chunks), d).into_iter())
            .map(|piece| piece.into_copy_of(self, CopyingView::Chunk, false))
            .collect()
    }

    /// The pieces of `sizes` along `d` as outputs of one node named `node`, marked as copies
    /// made by `view` (PyTorch returns them as views of `self`).
    #[track_caller]
    fn split_named(
        &self,
        sizes: &[usize],
        d: usize,
        node: &'static str,
        view: CopyingView,
    ) -> Vec<Tensor> {
        let mut start = 0;
        let mut pieces = Vec::with_capacity(sizes.len());
        for &len in sizes {
            pieces.push(crate::no_grad(|| self.narrow(d, start, len)));
            start += len;
        }
        if needs_grad(&[self]) {
            let backward: BackwardFn = Box::new(move |_, grads| {
                let parts: Vec<&Tensor> = grads.iter().collect();
                Ok(smallvec::smallvec![Some(Tensor::cat(&parts, d))])
            });
            pieces = record(node, &[self], pieces, backward);
        }
        (pieces.into_iter())
            .map(|piece| piece.into_copy_of(self, view, false))
            .collect()
    }
}
