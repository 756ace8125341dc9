//! Tensors saved for backward (version-checked), and the shapes of those an op saved, for
//! graph pictures.

use super::rule::BackwardCtx;
use crate::error::AutogradError;
use crate::shape::ShapeVec;
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

/// A tensor saved for backward, with the version it had when saved.
#[derive(Clone)]
pub struct SavedTensor {
    tensor: Tensor,
    version: u64,
}

impl SavedTensor {
    /// Saves `tensor` as it is now.
    pub fn new(tensor: &Tensor) -> SavedTensor {
        SAVED_SINCE_RECORD.with(|c| {
            let mut saved = c.borrow_mut();
            // Saves outside any recording op are never taken: keep the list bounded.
            if saved.len() < MAX_SAVED_SHAPES {
                saved.push(ShapeVec::from_slice(tensor.shape()));
            }
        });
        SavedTensor {
            tensor: tensor.clone(),
            version: tensor.inner.storage.version(),
        }
    }

    /// Saves an op's own output without keeping its `grad_fn` (which would be a cycle).
    pub fn output(tensor: &Tensor) -> SavedTensor {
        SavedTensor::new(&tensor.detach())
    }

    /// The saved tensor, or PyTorch's error when it was modified in place since.
    pub fn get(&self, ctx: &BackwardCtx<'_>) -> Result<Tensor, AutogradError> {
        let found = self.tensor.inner.storage.version();
        if found != self.version {
            return Err(AutogradError::ModifiedInPlace {
                node: ctx.name().to_string(),
                dtype: self.tensor.dtype(),
                shape: self.tensor.shape().to_vec(),
                found,
                expected: self.version,
            });
        }
        Ok(self.tensor.clone())
    }
}
