//! Ops that move elements without changing them: reshape, transpose, (un)squeeze, expand; and
//! what PyTorch would make of their outputs as views ([`ViewFlags`]).
//!
//! PyTorch returns all of them as views sharing the input's memory. Here `reshape`, `view`,
//! `squeeze`, `unsqueeze`, `flatten` (and `detach`) share the input's storage too, but `t`,
//! `transpose`, `permute`, `expand`, `narrow`, `slice`, `select`, `split` and `chunk` return
//! copies (tensors are contiguous, with no strides): in-place writes to those would not reach the input, so the in-place ops refuse
//! them ([`CopyingView`]). Views of views inherit: a reshape of a copy is still a copy.

use crate::grad_mode::is_grad_enabled;
use crate::graph::record_unary_output;
use crate::shape::{
    broadcast_index_iter, broadcast_shapes, broadcast_strides, numel, pytorch_suffix, strides,
    wrap_dim, Dim,
};
use crate::storage::Buffer;
use crate::tensor::ViewFlags;
use crate::Tensor;

/// A view op that returns a copy here where PyTorch returns a view: writes to its output would
/// not reach its input. Stored in the low bits of [`ViewFlags`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum CopyingView {
    T = 1,
    Transpose,
    Narrow,
    Slice,
    Expand,
    BroadcastTo,
    Split,
    SplitWithSizes,
    Chunk,
    Select,
    Permute,
}

impl CopyingView {
    const ALL: [CopyingView; 11] = [
        CopyingView::T,
        CopyingView::Transpose,
        CopyingView::Narrow,
        CopyingView::Slice,
        CopyingView::Expand,
        CopyingView::BroadcastTo,
        CopyingView::Split,
        CopyingView::SplitWithSizes,
        CopyingView::Chunk,
        CopyingView::Select,
        CopyingView::Permute,
    ];

    /// The method's name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            CopyingView::T => "t",
            CopyingView::Transpose => "transpose",
            CopyingView::Narrow => "narrow",
            CopyingView::Slice => "slice",
            CopyingView::Expand => "expand",
            CopyingView::BroadcastTo => "broadcast_to",
            CopyingView::Split => "split",
            CopyingView::SplitWithSizes => "split_with_sizes",
            CopyingView::Chunk => "chunk",
            CopyingView::Select => "select",
            CopyingView::Permute => "permute",
        }
    }

    /// Whether PyTorch's op returns several views (whose in-place changes it refuses).
    fn is_multi_output(self) -> bool {
        matches!(
            self,
            CopyingView::Split | CopyingView::SplitWithSizes | CopyingView::Chunk
        )
    }
}

impl ViewFlags {
    /// The [`CopyingView`] discriminant, 0 for none.
    const COPY: u16 = 0x0f;
    /// A view in PyTorch (a copy here or not).
    const VIEW: u16 = 0x10;
    /// A view that requires grad of a leaf that requires grad.
    const OF_LEAF: u16 = 0x20;
    /// A view that requires grad made by an op returning several views, or a view of one.
    const MULTI_OUTPUT: u16 = 0x40;
    /// Elements that repeat in PyTorch's layout (a broadcasting `expand`).
    const OVERLAPS: u16 = 0x80;
    /// A view made with grad mode off, or a view of one (PyTorch's `CreationMeta::NO_GRAD_MODE`,
    /// which views of it keep): with grad mode on, in-place changes that would be recorded are
    /// refused ("A view was created in no_grad mode ...").
    const NO_GRAD_MODE: u16 = 0x100;
    /// A view made with grad mode off of a tensor that requires grad: it requires grad too (as
    /// its base), yet is a leaf with no `grad_fn` and no `AccumulateGrad` node of its own, so
    /// gradients flowing to it go nowhere, as in PyTorch.
    const BASE_REQUIRES_GRAD: u16 = 0x200;

    /// The view op whose copy this is, while it is one.
    pub(crate) fn copied_by(self) -> Option<CopyingView> {
        let code = self.0 & Self::COPY;
        CopyingView::ALL.into_iter().find(|op| *op as u16 == code)
    }

    /// A view in PyTorch, sharing the version counter of its base there.
    pub(crate) fn is_view(self) -> bool {
        self.0 & Self::VIEW != 0
    }

    /// PyTorch refuses in-place changes with grad mode on: "a view of a leaf Variable ...".
    pub(crate) fn of_leaf(self) -> bool {
        self.0 & Self::OF_LEAF != 0
    }

    /// PyTorch refuses in-place changes with grad mode on: "... returns multiple views ...".
    pub(crate) fn multi_output(self) -> bool {
        self.0 & Self::MULTI_OUTPUT != 0
    }

    /// PyTorch refuses in-place changes but `fill_`/`zero_`: "more than one element ...".
    pub(crate) fn overlaps(self) -> bool {
        self.0 & Self::OVERLAPS != 0
    }

    /// PyTorch refuses recorded in-place changes: "A view was created in no_grad mode ...".
    pub(crate) fn no_grad_mode(self) -> bool {
        self.0 & Self::NO_GRAD_MODE != 0
    }

    /// Made in no-grad mode of a tensor that requires grad, so it requires grad (see
    /// [`Tensor::requires_grad`]) without a gradient edge of its own.
    pub(crate) fn base_requires_grad(self) -> bool {
        self.0 & Self::BASE_REQUIRES_GRAD != 0
    }

    /// What a `detach()` keeps: it is no view PyTorch tracks and requires no grad, but its
    /// elements are still the copy's (and repeat where the copy's did).
    pub(crate) fn detached(self) -> ViewFlags {
        ViewFlags(self.0 & (Self::COPY | Self::OVERLAPS))
    }

    /// What an op output computed in no-grad mode keeps once a node is attached to it: no
    /// longer a view made in no-grad mode (it has a history now).
    pub(crate) fn recorded(self) -> ViewFlags {
        ViewFlags(self.0 & !(Self::NO_GRAD_MODE | Self::BASE_REQUIRES_GRAD))
    }
}

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

/// Whether PyTorch's base of a view of `input` requires grad. PyTorch's base is the tensor at
/// the root of a chain of views, which is not kept here, but is known in every case that
/// matters: `input` itself when it is no view; for a view with a history, a base that
/// requires grad (the history leads to it); for a view made in no-grad mode, what its own
/// base did; and for a view that is a leaf otherwise (one its user flagged with
/// `requires_grad_`, as `arange(6).reshape(2, 3).requires_grad_(true)`), a base that does not.
fn root_base_requires_grad(input: &Tensor) -> bool {
    let flags = input.view_flags();
    if !flags.is_view() {
        return input.requires_grad();
    }
    flags.base_requires_grad() || input.grad_edge().is_some()
}

/// Whether `a` and `b` are the same sizes once dims of size 1 are left out (a reshape between
/// them is a view for any strides).
fn same_non_unit_dims(a: &[usize], b: &[usize]) -> bool {
    a.iter()
        .filter(|&&d| d != 1)
        .eq(b.iter().filter(|&&d| d != 1))
}

/// For each element of `shape` permuted by `perm`, in row-major order, its index in the source.
fn permuted_indices(shape: &[usize], perm: &[usize]) -> Vec<usize> {
    let src_strides = strides(shape);
    let out_shape: Vec<usize> = perm.iter().map(|&p| shape[p]).collect();
    let out_strides: Vec<usize> = perm.iter().map(|&p| src_strides[p]).collect();
    broadcast_index_iter(&out_shape, &out_strides).collect()
}

impl Tensor {
    /// Marks `self`, a view op's output sharing `input`'s storage (`squeeze`, `unsqueeze`,
    /// ...), as PyTorch's view of `input`: still a copy when `input` is one.
    pub(crate) fn into_view_of(self, input: &Tensor) -> Tensor {
        let inherited = input.view_flags().0 & (ViewFlags::COPY | ViewFlags::OVERLAPS);
        let flags = inherited | ViewFlags::VIEW | self.autograd_view_bits(input, false);
        self.with_view_flags(ViewFlags(flags))
    }

    /// Marks `self`, `input` reshaped (sharing its storage), as [`Tensor::into_view_of`] does,
    /// except that of a copy it keeps only that it is one: PyTorch's reshape of a view that
    /// its strides cannot express is a fresh copy, not a view (`x.t().reshape(6)`), and
    /// without strides it is not known which, so only the library's own refusal applies (and,
    /// made in no-grad mode, it requires no grad, as PyTorch's fresh copy). A reshape that only
    /// inserts or removes dims of size 1 is a view whatever the strides, so it is one here.
    fn into_reshape_of(self, input: &Tensor) -> Tensor {
        let flags = input.view_flags();
        if flags.copied_by().is_none() || same_non_unit_dims(self.shape(), input.shape()) {
            return self.into_view_of(input);
        }
        self.with_view_flags(ViewFlags((flags.0 & ViewFlags::COPY) | ViewFlags::VIEW))
    }

    /// Marks `self`, a copy of (some of) `input`'s elements made by the view op `op`, as
    /// PyTorch's view of `input`; `overlaps` when PyTorch's view repeats elements.
    pub(crate) fn into_copy_of(self, input: &Tensor, op: CopyingView, overlaps: bool) -> Tensor {
        let mut flags =
            op as u16 | ViewFlags::VIEW | self.autograd_view_bits(input, op.is_multi_output());
        if overlaps {
            flags |= ViewFlags::OVERLAPS;
        }
        self.with_view_flags(ViewFlags(flags))
    }

    /// The same tensor, no longer marked as a copy: for a gradient a backward rule made with a
    /// view op from the incoming gradient, which is nobody's tensor (PyTorch's is a view of it,
    /// copied when it becomes a strided `.grad`), so that no write to it can diverge and the
    /// engine need not copy it (see `Tensor::is_exclusive`).
    pub(crate) fn into_gradient(self) -> Tensor {
        self.with_view_flags(ViewFlags::NONE)
    }

    /// The autograd bits of `self` as PyTorch's view of `input` (made by an op returning
    /// several views when `multi_output`), following PyTorch's `CreationMeta`:
    /// - made with grad mode off: a view made in no-grad mode, requiring grad when its base
    ///   does (PyTorch's view requires grad as its base does, yet has no history; see
    ///   [`root_base_requires_grad`]);
    /// - made with grad mode on: still one made in no-grad mode when `input` was (PyTorch
    ///   propagates that), and when the view requires grad (was recorded), whether its base is
    ///   a leaf (`input` is a leaf that requires grad, or a view of one) and whether it
    ///   descends from an op returning several views.
    fn autograd_view_bits(&self, input: &Tensor, multi_output: bool) -> u16 {
        if !is_grad_enabled() {
            return if root_base_requires_grad(input) {
                ViewFlags::NO_GRAD_MODE | ViewFlags::BASE_REQUIRES_GRAD
            } else {
                ViewFlags::NO_GRAD_MODE
            };
        }
        let flags = input.view_flags();
        let mut bits = flags.0 & ViewFlags::NO_GRAD_MODE;
        if !self.requires_grad() {
            return bits;
        }
        bits |= flags.0 & ViewFlags::MULTI_OUTPUT;
        if multi_output {
            bits |= ViewFlags::MULTI_OUTPUT;
        }
        if flags.of_leaf() || (input.is_leaf() && input.requires_grad()) {
            bits |= ViewFlags::OF_LEAF;
        }
        bits
    }

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
        .into_reshape_of(self)
    }

    /// The same elements with a view of another shape (alias of [`Tensor::reshape`]).
    #[track_caller]
    pub fn view(&self, shape: &[usize]) -> Tensor {
        self.reshape(shape)
    }

    /// Swaps dims `dim0` and `dim1` (a copy: tensors are contiguous).
    ///
    /// A copy here where PyTorch returns a view: in-place ops refuse it (see [`Tensor::add_`]).
    #[track_caller]
    pub fn transpose(&self, dim0: impl Dim, dim1: impl Dim) -> Tensor {
        let rank = self.dim();
        let (a, b) = (
            wrap_dim("transpose", dim0, rank),
            wrap_dim("transpose", dim1, rank),
        );
        let out = self.transposed_copy(a, b);
        let out = record_unary_output("TransposeBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.transpose(a, b).into_gradient())])
        });
        if rank == 0 || a == b {
            return out.into_view_of(self);
        }
        let overlaps = self.view_flags().overlaps();
        out.into_copy_of(self, CopyingView::Transpose, overlaps)
    }

    /// The transpose of a tensor of at most 2 dims (`TBackward0`).
    ///
    /// Of a matrix, a copy here where PyTorch returns a view: in-place ops refuse it (see
    /// [`Tensor::add_`]).
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
        let out = record_unary_output("TBackward0", &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.t().into_gradient())])
        });
        if self.dim() < 2 {
            return out.into_view_of(self);
        }
        let overlaps = self.view_flags().overlaps();
        out.into_copy_of(self, CopyingView::T, overlaps)
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
        .into_view_of(self)
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
        .into_view_of(self)
    }

    /// Repeats size-1 dims (and new leading dims) to `shape`, as PyTorch's `expand`.
    /// d/dx sums the gradient back to the input's shape.
    ///
    /// To another shape, a copy here where PyTorch returns a view: in-place ops refuse it (see
    /// [`Tensor::add_`]).
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
        let same = self.shape() == shape;
        let out = if same {
            Tensor::from_storage_shared(self, shape)
        } else {
            let src_strides = broadcast_strides(self.shape(), shape);
            let buffer = gather_buffer(&self.buffer(), broadcast_index_iter(shape, &src_strides));
            Tensor::from_buffer(buffer, shape)
        };
        let input_shape = self.shape().to_vec();
        let out = record_unary_output("ExpandBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.sum_to_size(&input_shape))])
        });
        if same {
            return out.into_view_of(self);
        }
        // PyTorch's expanded view repeats elements when it has more of them (stride 0).
        let overlaps = self.view_flags().overlaps() || numel(shape) > self.numel();
        out.into_copy_of(self, CopyingView::Expand, overlaps)
    }

    /// Same as [`Tensor::expand`], under NumPy's name.
    #[track_caller]
    pub fn broadcast_to(&self, shape: &[usize]) -> Tensor {
        let out = self.expand(shape);
        if self.shape() == shape {
            return out;
        }
        let overlaps = out.view_flags().overlaps();
        out.into_copy_of(self, CopyingView::BroadcastTo, overlaps)
    }
}
