//! The `Tensor` handle: storage, shape, dtype and autograd metadata.

mod autograd_api;
mod construction;
mod conversion;
mod display;
mod literal;
mod recycle;

pub use literal::NestedArray;

use crate::dtype::{DType, Element};
use crate::graph::{AccumulateGrad, Edge, Node};
use crate::shape::{numel, IntoShape, ShapeVec};
use crate::storage::{Buffer, SharedStorage, Storage};
use parking_lot::Mutex;
use recycle::HandleSlot;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};

/// An N-d array of `f32`, `f64` or `bool`, with PyTorch's autograd semantics.
///
/// Cloning is cheap: clones are handles on the same tensor (as Python names are), so
/// `requires_grad_` and `.grad()` are shared between them.
///
/// ```
/// use autograd::Tensor;
/// let x = Tensor::ones(&[2, 2]).requires_grad_(true);
/// let out = ((&x + 2.0) * (&x + 2.0) * 3.0).mean();
/// out.backward();
/// assert_eq!(x.grad().unwrap().to_vec(), vec![4.5; 4]);
/// ```
#[derive(Clone)]
pub struct Tensor {
    pub(crate) inner: HandleSlot,
}

/// The shared pointer behind a [`Tensor`]. Nothing holds a tensor weakly (hooks and
/// `retain_grad` entries point at its [`AutogradMeta`] instead), so this `Arc` keeps no weak
/// count: the last drop and the sole-owner check are one atomic operation each, not two.
pub(crate) type TensorHandle = triomphe::Arc<TensorImpl>;

pub(crate) struct TensorImpl {
    pub(crate) storage: SharedStorage,
    pub(crate) shape: ShapeVec,
    pub(crate) dtype: DType,
    /// Set at creation for op outputs; `None` for leaves.
    pub(crate) grad_fn: Option<Edge>,
    /// The user's flag; meaningful for leaves only.
    pub(crate) requires_grad: AtomicBool,
    /// Set once an in-place op rebased this tensor's history (see [`AutogradMeta::rebased`]);
    /// lets the common case skip the lock.
    pub(crate) has_rebase: AtomicBool,
    /// What PyTorch would make of this tensor as a view (set by the view ops; empty for
    /// everything else). Two bytes, in the padding after the flags above.
    pub(crate) view: ViewFlags,
    /// The rest of the autograd state, allocated on first use: most tensors (op outputs that
    /// nobody asks a gradient of) never need it, and staying small keeps them cheap to create.
    meta: OnceLock<Arc<AutogradMeta>>,
}

/// What PyTorch would make of a tensor as a view: the facts in-place ops and saved-tensor
/// checks need about tensors made by view ops (bits and accessors beside the view ops, in
/// `ops/shape_ops.rs`). Empty for every other tensor.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ViewFlags(pub(crate) u16);

impl ViewFlags {
    /// No view.
    pub(crate) const NONE: ViewFlags = ViewFlags(0);
}

/// Autograd state few tensors use (PyTorch's `AutogradMeta`).
#[derive(Default)]
pub(crate) struct AutogradMeta {
    pub(crate) grad: Mutex<Option<Tensor>>,
    pub(crate) accumulator: Mutex<Weak<Node<AccumulateGrad>>>,
    pub(crate) retains_grad: AtomicBool,
    /// Set once an in-place op rebased this tensor's history onto its own node (PyTorch's
    /// `rebase_history`).
    pub(crate) rebased: Mutex<Option<Edge>>,
    /// Gradient hooks of a leaf (a non-leaf's live on its node).
    pub(crate) hooks: Mutex<Vec<(u64, Arc<crate::hooks::HookFn>)>>,
}

impl TensorImpl {
    /// The autograd state, if it was ever needed.
    pub(crate) fn meta(&self) -> Option<&AutogradMeta> {
        self.meta.get().map(|m| &**m)
    }

    /// The autograd state, created on first use.
    pub(crate) fn meta_or_init(&self) -> &AutogradMeta {
        self.meta_handle()
    }

    /// The autograd state's shared handle (created on first use), for the hooks and
    /// `retain_grad` entries that refer to it weakly.
    pub(crate) fn meta_handle(&self) -> &Arc<AutogradMeta> {
        self.meta.get_or_init(Arc::default)
    }
}

impl Tensor {
    /// A new leaf tensor owning `buffer`.
    pub(crate) fn from_buffer(buffer: Buffer, shape: impl IntoShape) -> Tensor {
        let shape = shape.into_shape();
        debug_assert_eq!(buffer.len(), numel(&shape));
        let dtype = buffer.dtype();
        if let Some(mut handle) = recycle::take_spare() {
            let tensor = TensorHandle::get_mut(&mut handle).expect("spare tensors are unshared");
            SharedStorage::get_mut(&mut tensor.storage)
                .expect("spare tensors own their storage")
                .reuse(buffer);
            tensor.shape = shape;
            tensor.dtype = dtype;
            tensor.view = ViewFlags::NONE;
            return Tensor {
                inner: HandleSlot::new(handle),
            };
        }
        Tensor::from_storage(SharedStorage::new(Storage::new(buffer)), shape, dtype, None)
    }

    /// A handle on `storage` seen with `shape`, as an output of `grad_fn` (a leaf for `None`).
    pub(crate) fn from_storage(
        storage: SharedStorage,
        shape: ShapeVec,
        dtype: DType,
        grad_fn: Option<Edge>,
    ) -> Tensor {
        Tensor {
            inner: HandleSlot::new(TensorHandle::new(TensorImpl {
                storage,
                shape,
                dtype,
                grad_fn,
                requires_grad: AtomicBool::new(false),
                has_rebase: AtomicBool::new(false),
                view: ViewFlags::NONE,
                meta: OnceLock::new(),
            })),
        }
    }

    /// A new handle (no grad metadata) on `source`'s storage, seen with `shape`.
    /// PRECONDITION: `shape` has as many elements as `source`.
    pub(crate) fn from_storage_shared(source: &Tensor, shape: impl IntoShape) -> Tensor {
        Tensor::from_storage(
            source.inner.storage.clone(),
            shape.into_shape(),
            source.inner.dtype,
            None,
        )
    }

    /// The same data as an output of `edge`'s node. An output computed under `no_grad` (a
    /// custom function's, a static `#[differentiable]` body's) is no view made in no-grad
    /// mode once it has a history: those flags are dropped (see [`ViewFlags::recorded`]).
    /// PRECONDITION: `self` is an op's freshly computed output. When this handle is its only
    /// owner the node is attached in place, otherwise on a new handle sharing the storage.
    pub(crate) fn with_grad_fn(mut self, edge: Edge) -> Tensor {
        let flags = self.inner.view.recorded();
        if let Some(inner) = TensorHandle::get_mut(&mut self.inner) {
            inner.grad_fn = Some(edge);
            inner.view = flags;
            return self;
        }
        Tensor::from_storage(
            self.inner.storage.clone(),
            self.inner.shape.clone(),
            self.inner.dtype,
            Some(edge),
        )
        .with_view_flags(flags)
    }

    /// The same tensor marked with `flags` (see [`ViewFlags`]).
    /// PRECONDITION: `self` is a view op's freshly computed output. When this handle is its
    /// only owner it is marked in place, otherwise a new handle sharing the storage is.
    pub(crate) fn with_view_flags(mut self, flags: ViewFlags) -> Tensor {
        if let Some(inner) = TensorHandle::get_mut(&mut self.inner) {
            inner.view = flags;
            return self;
        }
        let mut out = Tensor::from_storage(
            self.inner.storage.clone(),
            self.inner.shape.clone(),
            self.inner.dtype,
            self.inner.grad_fn.clone(),
        );
        TensorHandle::get_mut(&mut out.inner)
            .expect("a new handle is unshared")
            .view = flags;
        out
    }

    /// What PyTorch would make of this tensor as a view.
    pub(crate) fn view_flags(&self) -> ViewFlags {
        self.inner.view
    }

    /// Whether this handle is the only way to reach its elements: no other handle, view, weak
    /// reference or graph node shares them, so writing them in place is unobservable. A copy
    /// made by a view op is not: in-place ops refuse it, as PyTorch's write would reach the
    /// view's input (so a gradient made by `t` or `expand` is copied before it becomes a
    /// `.grad`, as PyTorch copies such strided gradients).
    pub(crate) fn is_exclusive(&self) -> bool {
        self.is_leaf()
            && self.inner.view.copied_by().is_none()
            && self.inner.is_unique()
            && self.inner.storage.is_unique()
    }

    /// The node (and output slot) gradients of this tensor flow into: the op that created it,
    /// or the last in-place op that rebased it.
    pub(crate) fn grad_edge(&self) -> Option<Edge> {
        if self.inner.has_rebase.load(Ordering::Acquire) {
            return self.inner.meta().and_then(|m| m.rebased.lock().clone());
        }
        self.inner.grad_fn.clone()
    }

    /// Makes `edge` this tensor's history from now on (after an in-place op), moving a
    /// `retain_grad` onto the new node.
    pub(crate) fn rebase_history(&self, edge: Edge) {
        if self.retains_grad() {
            let meta = self.inner.meta_handle();
            if let Some(previous) = self.grad_edge() {
                previous.node.hooks.lock().retain(|hook| {
                    !matches!(hook, crate::hooks::OutputHook::Retain { meta: m, .. } if std::ptr::eq(m.as_ptr(), Arc::as_ptr(meta)))
                });
            }
            let retain = crate::hooks::OutputHook::Retain {
                slot: edge.slot,
                meta: Arc::downgrade(meta),
            };
            edge.node.add_hook(retain);
        }
        *self.inner.meta_or_init().rebased.lock() = Some(edge);
        self.inner.has_rebase.store(true, Ordering::Release);
    }

    /// A tensor with this one's history and a copy of its current elements: what an in-place
    /// op computes from before it overwrites them.
    pub(crate) fn snapshot(&self) -> Tensor {
        let storage = SharedStorage::new(Storage::new(self.buffer().pooled_clone()));
        Tensor::from_storage(
            storage,
            self.inner.shape.clone(),
            self.inner.dtype,
            self.grad_edge(),
        )
    }

    /// Reads the buffer (shared lock).
    pub(crate) fn buffer(&self) -> parking_lot::RwLockReadGuard<'_, Buffer> {
        self.inner.storage.read()
    }

    /// The shape, e.g. `[2, 3]`; empty for a 0-d tensor.
    pub fn shape(&self) -> &[usize] {
        &self.inner.shape
    }

    /// Same as [`Tensor::shape`], under PyTorch's other name.
    pub fn size(&self) -> &[usize] {
        &self.inner.shape
    }

    /// The number of dimensions (0 for a scalar).
    pub fn dim(&self) -> usize {
        self.inner.shape.len()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.inner.dtype
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        numel(&self.inner.shape)
    }

    /// The value of a one-element tensor, as `f64`.
    ///
    /// # Panics
    /// When the tensor has more than one element, with PyTorch's message.
    pub fn item(&self) -> f64 {
        let n = self.numel();
        if n != 1 {
            panic!(
                "item: a Tensor with {n} elements (shape {:?}) cannot be converted to Scalar",
                self.shape()
            );
        }
        match &*self.buffer() {
            Buffer::F32(v) => v[0] as f64,
            Buffer::F64(v) => v[0],
            Buffer::Bool(v) => v[0] as u8 as f64,
        }
    }

    /// All elements in row-major order, widened to `f64` (bools give 0 and 1).
    pub fn to_vec(&self) -> Vec<f64> {
        self.buffer().to_f64_vec()
    }

    /// All elements as `Vec<E>` when `E` is the tensor's dtype, else `None`.
    pub fn to_vec_of<E: Element>(&self) -> Option<Vec<E>> {
        crate::storage::float_slice::<E>(&self.buffer()).map(<[E]>::to_vec)
    }

    /// Whether gradients flow to this tensor: a leaf flagged with `requires_grad_(true)`, or
    /// the output of a recorded op. Also, as in PyTorch, a view made under `no_grad` of a
    /// tensor that requires grad: it is a leaf without a `grad_fn` whose gradients go nowhere
    /// (ops on it record nodes, but no gradient reaches it or its base).
    pub fn requires_grad(&self) -> bool {
        self.inner.grad_fn.is_some()
            || self.inner.has_rebase.load(Ordering::Acquire)
            || self.inner.requires_grad.load(Ordering::Relaxed)
            || self.inner.view.base_requires_grad()
    }

    /// Whether this leaf was itself flagged with `requires_grad_(true)` (PyTorch's
    /// `requires_grad_` field): only such leaves get an `AccumulateGrad` node.
    pub(crate) fn flagged_requires_grad(&self) -> bool {
        self.inner.requires_grad.load(Ordering::Relaxed)
    }

    /// True for tensors the user created (and every tensor that does not require grad).
    pub fn is_leaf(&self) -> bool {
        self.inner.grad_fn.is_none() && !self.inner.has_rebase.load(Ordering::Acquire)
    }

    /// Whether `meta` is this tensor's autograd state.
    pub(crate) fn has_meta(&self, meta: &AutogradMeta) -> bool {
        self.inner.meta().is_some_and(|m| std::ptr::eq(m, meta))
    }

    /// Whether two handles are the same tensor.
    pub fn ptr_eq(&self, other: &Tensor) -> bool {
        TensorHandle::ptr_eq(&self.inner, &other.inner)
    }

    /// The version counter of the storage: bumped by every in-place op.
    pub fn version(&self) -> u64 {
        self.inner.storage.version()
    }

    /// A new leaf sharing this tensor's storage, outside any graph (PyTorch's `detach()`).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::ones(&[3]).requires_grad_(true);
    /// let y = x.detach();
    /// assert!(!y.requires_grad());
    /// assert!(x.eq(&y).all().item() == 1.0);
    /// ```
    pub fn detach(&self) -> Tensor {
        Tensor::from_storage(
            self.inner.storage.clone(),
            self.inner.shape.clone(),
            self.inner.dtype,
            None,
        )
        .with_view_flags(self.inner.view.detached())
    }

    /// The tutorial's `.data`: a detached tensor sharing storage (same as [`Tensor::detach`]).
    pub fn data(&self) -> Tensor {
        self.detach()
    }
}

// Compile-time check of the contract: Tensor is Send + Sync.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Tensor>();
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every op output allocates one `TensorImpl` behind an `Arc` (two counters). glibc keeps
    /// freed blocks of up to 128 bytes (120 requested) in its cheap "fast" bins; larger blocks
    /// are coalesced on free, which made tearing down graphs of tiny tensors measurably slower.
    #[test]
    fn a_tensor_fits_a_fast_allocation() {
        let with_counters = std::mem::size_of::<TensorImpl>() + 2 * std::mem::size_of::<usize>();
        assert!(
            with_counters <= 120,
            "TensorImpl + Arc counters = {with_counters} bytes"
        );
    }
}
