//! Reuse of freed tensors' allocations: a per-thread stack of spare handles.
//!
//! Every tensor is two allocations (its `TensorImpl` and its storage), and a define-by-run loop
//! over tiny tensors creates and frees several per op (W5: about six per recorded op, forward
//! and backward). When the last handle on a tensor that solely owns its storage is dropped,
//! both allocations go onto this thread's spare stack, emptied (history, autograd state and
//! elements released as a drop would), and [`take_spare`] hands them out again for the next
//! new tensor: no `malloc`, no `free`, and no atomic reference-count traffic on either.

use super::{Tensor, TensorHandle};
use crate::storage::SharedStorage;
use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::sync::OnceLock;

/// How many spare tensors a thread keeps: enough for the graphs of small-tensor loops to be
/// torn down and rebuilt without allocating, a few dozen kilobytes at most.
const MAX_SPARE: usize = 256;

thread_local! {
    static SPARE: RefCell<Vec<TensorHandle>> = const { RefCell::new(Vec::new()) };
}

/// The handle inside a [`Tensor`]: always `Some` while the tensor is alive; `Tensor`'s drop
/// takes it out to recycle it.
pub(crate) struct HandleSlot(Option<TensorHandle>);

impl HandleSlot {
    pub(crate) fn new(handle: TensorHandle) -> HandleSlot {
        HandleSlot(Some(handle))
    }
}

impl Clone for HandleSlot {
    fn clone(&self) -> HandleSlot {
        HandleSlot(self.0.clone())
    }
}

impl Deref for HandleSlot {
    type Target = TensorHandle;

    #[inline]
    fn deref(&self) -> &TensorHandle {
        self.0.as_ref().expect("a live tensor has its handle")
    }
}

impl DerefMut for HandleSlot {
    #[inline]
    fn deref_mut(&mut self) -> &mut TensorHandle {
        self.0.as_mut().expect("a live tensor has its handle")
    }
}

impl Drop for Tensor {
    fn drop(&mut self) {
        if let Some(handle) = self.inner.0.take() {
            release(handle);
        }
    }
}

/// Drops `handle`; when it was the last one on a tensor that solely owns its storage, empties
/// both and keeps them for [`take_spare`] (while the stack has room).
fn release(mut handle: TensorHandle) {
    let Some(tensor) = TensorHandle::get_mut(&mut handle) else {
        return;
    };
    let Some(storage) = SharedStorage::get_mut(&mut tensor.storage) else {
        return;
    };
    // What dropping the tensor would release, released now (this may free a whole graph and
    // recycle its tensors meanwhile: nothing is borrowed here).
    storage.retire();
    tensor.grad_fn = None;
    tensor.meta = OnceLock::new();
    *tensor.requires_grad.get_mut() = false;
    *tensor.has_rebase.get_mut() = false;
    tensor.view = super::ViewFlags::NONE;
    let _ = SPARE.try_with(move |spare| {
        let mut spare = spare.borrow_mut();
        if spare.len() < MAX_SPARE {
            spare.push(handle);
        }
    });
}

/// A spare tensor allocation: unshared, solely owning its (empty, retired) storage, no history
/// and no autograd state.
pub(super) fn take_spare() -> Option<TensorHandle> {
    SPARE
        .try_with(|spare| spare.borrow_mut().pop())
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::live_storages_on_this_thread;

    fn spare_count() -> usize {
        SPARE.with(|spare| spare.borrow().len())
    }

    #[test]
    fn a_reused_tensor_starts_afresh() {
        let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true);
        let y = (&x * 3.0).sum();
        y.backward();
        crate::no_grad(|| x.add_(Tensor::from_vec(vec![1.0f64, 1.0], &[2])));
        let _hook = x.register_hook(|g| Some(g * 2.0));
        assert!(x.grad().is_some() && x.version() > 0);
        // `x` last: it is on top of the stack, the next tensor reuses its allocation.
        drop(y);
        drop(x);

        let spare = spare_count();
        assert!(spare > 0, "the dropped tensors were kept");
        let z = Tensor::from_vec(vec![5.0f32, 6.0, 7.0], &[3]);
        assert_eq!(spare_count(), spare - 1, "the new tensor reused one");
        assert_eq!(z.to_vec(), vec![5.0, 6.0, 7.0]);
        assert_eq!((z.shape(), z.dtype()), (&[3usize][..], crate::DType::F32));
        assert!(z.is_leaf() && !z.requires_grad() && z.grad().is_none());
        assert_eq!(z.version(), 0);
        // No hook came along: the gradient is the plain one.
        let z = z.requires_grad_(true);
        z.sum().backward();
        assert_eq!(z.grad().unwrap().to_vec(), vec![1.0; 3]);
    }

    #[test]
    fn kept_storages_do_not_count_as_live() {
        let before = live_storages_on_this_thread();
        let x = Tensor::from_vec(vec![1.0f64; 100], &[100]);
        assert_eq!(live_storages_on_this_thread(), before + 1);
        drop(x);
        assert_eq!(live_storages_on_this_thread(), before);
        let y = Tensor::zeros(&[2]);
        assert_eq!(live_storages_on_this_thread(), before + 1);
        drop(y);
        assert_eq!(live_storages_on_this_thread(), before);
    }

    #[test]
    fn shared_storage_is_not_recycled_while_another_handle_sees_it() {
        let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
        let seen = x.detach();
        let copy = x.clone();
        drop(x);
        drop(copy);
        // A new tensor must not take over the storage `seen` still reads.
        let other = Tensor::from_vec(vec![9.0f64, 9.0], &[2]);
        assert_eq!(seen.to_vec(), vec![1.0, 2.0]);
        assert_eq!(other.to_vec(), vec![9.0, 9.0]);
    }

    #[test]
    fn the_spare_stack_is_bounded() {
        let many: Vec<Tensor> = (0..2 * MAX_SPARE).map(|_| Tensor::zeros(&[1])).collect();
        drop(many);
        assert!(spare_count() <= MAX_SPARE);
    }
}
