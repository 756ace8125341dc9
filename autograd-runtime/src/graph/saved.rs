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

/// A tensor saved for backward, with the version it had when saved.
#[derive(Clone)]
pub struct SavedTensor {
    tensor: Tensor,
    version: u64,
}

impl SavedTensor {
    /// Saves `tensor` as it is now.
    pub fn new(tensor: &Tensor) -> SavedTensor {
        remember_shape(tensor);
        SavedTensor {
            tensor: tensor.clone(),
            version: tensor.inner.storage.version(),
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
            return Err(AutogradError::ModifiedInPlace {
                node: ctx.name().to_string(),
                dtype: self.tensor.dtype(),
                shape: self.tensor.shape().to_vec(),
                produced_by: self
                    .tensor
                    .grad_edge()
                    .map(|edge| (edge.node.name.to_string(), edge.slot)),
                found,
                expected: self.version,
                anomaly: crate::anomaly::is_anomaly_enabled(),
            });
        }
        Ok(&self.tensor)
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

    /// The saved output as a leaf sharing its elements, or PyTorch's error when it was
    /// modified in place since.
    pub(crate) fn get(&self, ctx: &BackwardCtx<'_>) -> Result<Tensor, AutogradError> {
        let meta = &ctx.node.outputs[0];
        let found = self.storage.version();
        if found != self.version {
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
        Ok(Tensor::from_storage(
            self.storage.clone(),
            meta.shape.clone(),
            meta.dtype,
            None,
        ))
    }
}
