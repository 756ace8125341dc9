//! Tensors saved for backward (version-checked), and the shapes of those an op saved, for
//! graph pictures.

use super::rule::BackwardCtx;
use crate::error::AutogradError;
use crate::shape::ShapeVec;
use crate::storage::SharedStorage;
use crate::tensor::Tensor;
use smallvec::SmallVec;

/// At most this many saved shapes are remembered per recorded op.
const MAX_SAVED_SHAPES: usize = 64;

thread_local! {
    /// Shapes of the `SavedTensor`s created since the op being recorded on this thread called
    /// [`needs_grad`]: ops save right before recording, so they are that op's saved tensors.
    static SAVED_SINCE_RECORD: std::cell::RefCell<SmallVec<[ShapeVec; 2]>> =
        std::cell::RefCell::new(SmallVec::new());
}

/// Starts a recorded op: forgets the saves of earlier ops on this thread.
pub(super) fn start_op() {
    SAVED_SINCE_RECORD.with(|c| c.borrow_mut().clear());
}

/// The shapes of the tensors saved since [`start_op`], taken.
pub(super) fn take_op_shapes() -> SmallVec<[ShapeVec; 2]> {
    SAVED_SINCE_RECORD.with(|c| std::mem::take(&mut *c.borrow_mut()))
}

/// Notes the shape of a tensor being saved for the op being recorded.
fn remember_shape(tensor: &Tensor) {
    SAVED_SINCE_RECORD.with(|c| {
        let mut saved = c.borrow_mut();
        // Saves outside any recording op are never taken: keep the list bounded.
        if saved.len() < MAX_SAVED_SHAPES {
            saved.push(ShapeVec::from_slice(tensor.shape()));
        }
    });
}

/// The node PyTorch names as the producer of a saved view that requires grad once the view's
/// version changed: the view's `grad_fn` is then regenerated as an `as_strided` of its base.
const REGENERATED_VIEW_NODE: &str = "AsStridedBackward0";

/// A tensor saved for backward, with the version it had when saved.
#[derive(Clone)]
pub struct SavedTensor {
    tensor: Tensor,
    version: u64,
    /// For a copy standing for PyTorch's view of another tensor, that tensor and its version
    /// when saved (see [`SavedTensor::of_view`]).
    base: Option<(Tensor, u64)>,
}

impl SavedTensor {
    /// Saves `tensor` as it is now.
    pub fn new(tensor: &Tensor) -> SavedTensor {
        SavedTensor::of_view(tensor, None)
    }

    /// Saves `tensor`, which PyTorch would save as a view of `base` (`matmul`'s transposes and
    /// broadcasts, copies here): PyTorch's view shares `base`'s version counter, so an
    /// in-place change to `base` fails the backward as a change to `tensor` itself does. A
    /// `base` sharing `tensor`'s storage shares its version already.
    pub(crate) fn of_view(tensor: &Tensor, base: Option<&Tensor>) -> SavedTensor {
        remember_shape(tensor);
        let base = base
            .filter(|base| !triomphe::Arc::ptr_eq(&base.inner.storage, &tensor.inner.storage))
            .map(|base| (base.clone(), base.inner.storage.version()));
        SavedTensor {
            tensor: tensor.clone(),
            version: tensor.inner.storage.version(),
            base,
        }
    }

    /// The saved tensor, or PyTorch's error when it was modified in place since.
    pub fn get(&self, ctx: &BackwardCtx<'_>) -> Result<Tensor, AutogradError> {
        self.get_ref(ctx).cloned()
    }

    /// [`SavedTensor::get`] without a new handle (for rules that only read the tensor).
    pub(crate) fn get_ref(&self, ctx: &BackwardCtx<'_>) -> Result<&Tensor, AutogradError> {
        let found = self.tensor.inner.storage.version();
        if found != self.version {
            return Err(self.modified(ctx, found, self.version));
        }
        if let Some((base, expected)) = &self.base {
            let found = base.inner.storage.version();
            if found != *expected {
                return Err(self.modified(ctx, found, *expected));
            }
        }
        Ok(&self.tensor)
    }

    /// PyTorch's error for the saved tensor found at version `found` instead of `expected`.
    fn modified(&self, ctx: &BackwardCtx<'_>, found: u64, expected: u64) -> AutogradError {
        let is_view = self.base.is_some() || self.tensor.view_flags().is_view();
        let produced_by = if is_view {
            // A view's version is its base's: PyTorch names the node it regenerates for the
            // view, or none when the view is a leaf (requiring grad or not).
            (!self.tensor.is_leaf()).then(|| (REGENERATED_VIEW_NODE.to_string(), 0))
        } else {
            (self.tensor.grad_edge()).map(|edge| (edge.node.name.to_string(), edge.slot))
        };
        AutogradError::ModifiedInPlace {
            node: ctx.name().to_string(),
            dtype: self.tensor.dtype(),
            shape: self.tensor.shape().to_vec(),
            produced_by,
            found,
            expected,
            anomaly: crate::anomaly::is_anomaly_enabled(),
        }
    }
}

/// A single-output op's own output, saved for backward by its elements only: a handle would
/// keep the output's `grad_fn` (a cycle), and a detached handle costs an allocation that nodes
/// never run backward (a `norm` read in a loop condition) do not need. The handle is made when
/// the rule runs, with the shape and dtype of the node's output.
pub(crate) struct SavedOutput {
    storage: SharedStorage,
    version: u64,
}

impl SavedOutput {
    /// Saves `output`, the only output of the op being recorded.
    pub(crate) fn new(output: &Tensor) -> SavedOutput {
        remember_shape(output);
        SavedOutput {
            storage: output.inner.storage.clone(),
            version: output.inner.storage.version(),
        }
    }

    /// PyTorch's error when the output was modified in place since it was saved: for rules
    /// that need its version checked but not its values (PyTorch saves `result` for them).
    pub(crate) fn check(&self, ctx: &BackwardCtx<'_>) -> Result<(), AutogradError> {
        let found = self.storage.version();
        if found != self.version {
            let meta = &ctx.node.outputs[0];
            return Err(AutogradError::ModifiedInPlace {
                node: ctx.name().to_string(),
                dtype: meta.dtype,
                shape: meta.shape.to_vec(),
                produced_by: Some((ctx.name().to_string(), 0)),
                found,
                expected: self.version,
                anomaly: crate::anomaly::is_anomaly_enabled(),
            });
        }
        Ok(())
    }

    /// The saved output as a leaf sharing its elements, or PyTorch's error when it was
    /// modified in place since.
    pub(crate) fn get(&self, ctx: &BackwardCtx<'_>) -> Result<Tensor, AutogradError> {
        self.unpack(ctx, None)
    }

    /// The saved output as the output itself, for a rule being recorded (`create_graph`):
    /// sharing its elements, with the running node as its history, as PyTorch unpacks a saved
    /// output. Gradients of a second backward then flow through this node again (its
    /// `retain_grad`s and hooks see them), and the op's input need not be kept.
    pub(crate) fn get_with_history(&self, ctx: &BackwardCtx<'_>) -> Result<Tensor, AutogradError> {
        let own_node = super::Edge {
            node: ctx.node.clone(),
            slot: 0,
        };
        self.unpack(ctx, Some(own_node))
    }

    /// A handle on the saved elements with the node's output shape and dtype and history
    /// `grad_fn`, after the version check.
    fn unpack(
        &self,
        ctx: &BackwardCtx<'_>,
        grad_fn: Option<super::Edge>,
    ) -> Result<Tensor, AutogradError> {
        self.check(ctx)?;
        let meta = &ctx.node.outputs[0];
        Ok(Tensor::from_storage(
            self.storage.clone(),
            meta.shape.clone(),
            meta.dtype,
            grad_fn,
        ))
    }
}
