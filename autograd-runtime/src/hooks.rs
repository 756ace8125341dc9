//! Tensor hooks: functions that see (and may replace) a tensor's gradient during backward.
//!
//! A non-leaf's hooks live on the node that produced it (by output slot), next to its
//! `retain_grad` entries; a leaf's hooks live on the leaf itself and run before its
//! gradient is accumulated, as in PyTorch.

use crate::graph::Node;
use crate::tensor::{AutogradMeta, Tensor};
use crate::DType;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// A gradient hook: returns `Some(new_grad)` to replace the gradient, `None` to keep it.
pub type HookFn = dyn Fn(&Tensor) -> Option<Tensor> + Send + Sync;

static NEXT_HOOK_ID: AtomicU64 = AtomicU64::new(0);

/// Something attached to one output of a node.
pub(crate) enum OutputHook {
    /// A user hook on a non-leaf output.
    Call {
        slot: usize,
        id: u64,
        f: Arc<HookFn>,
    },
    /// `retain_grad()` on a non-leaf output: store the gradient in its `.grad()` (held through
    /// the tensor's autograd state: the node is the tensor's own history, a strong reference
    /// would be a cycle).
    Retain {
        slot: usize,
        meta: Weak<AutogradMeta>,
    },
}

/// Where a hook lives, so its handle can remove it.
enum HookOwner {
    Node(Weak<Node>),
    Leaf(Weak<AutogradMeta>),
}

/// Returned by [`Tensor::register_hook`]; [`HookHandle::remove`] detaches the hook.
/// Dropping the handle keeps the hook (as PyTorch's `RemovableHandle`).
pub struct HookHandle {
    owner: HookOwner,
    id: u64,
}

impl HookHandle {
    /// Detaches the hook; a no-op when it or its tensor is already gone.
    pub fn remove(self) {
        match &self.owner {
            HookOwner::Node(node) => {
                if let Some(node) = node.upgrade() {
                    node.hooks
                        .lock()
                        .retain(|h| !matches!(h, OutputHook::Call { id, .. } if *id == self.id));
                }
            }
            HookOwner::Leaf(meta) => {
                if let Some(meta) = meta.upgrade() {
                    meta.hooks.lock().retain(|(id, _)| *id != self.id);
                }
            }
        }
    }
}

impl Tensor {
    /// Registers `hook`, called with this tensor's gradient each time one is computed in a
    /// backward; returning `Some(g)` replaces the gradient from there on. On a leaf the hook runs
    /// before accumulation into `.grad()`.
    ///
    /// # Panics
    /// On a tensor that does not require grad ("cannot register a hook on a tensor that doesn't
    /// require gradient").
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::ones(&[2]).requires_grad_(true);
    /// let handle = x.register_hook(|g| Some(g * 2.0));
    /// (&x * 3.0).sum().backward();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 6.0]);
    /// handle.remove();
    /// ```
    #[track_caller]
    pub fn register_hook(
        &self,
        hook: impl Fn(&Tensor) -> Option<Tensor> + Send + Sync + 'static,
    ) -> HookHandle {
        if !self.requires_grad() {
            panic!(
                "register_hook: cannot register a hook on a tensor that doesn't require gradient"
            );
        }
        let id = NEXT_HOOK_ID.fetch_add(1, Ordering::Relaxed);
        let f: Arc<HookFn> = Arc::new(hook);
        match &self.grad_edge() {
            Some(edge) => {
                edge.node.add_hook(OutputHook::Call {
                    slot: edge.slot,
                    id,
                    f,
                });
                HookHandle {
                    owner: HookOwner::Node(Arc::downgrade(&edge.node)),
                    id,
                }
            }
            None => {
                let meta = self.inner.meta_handle();
                meta.hooks.lock().push((id, f));
                HookHandle {
                    owner: HookOwner::Leaf(Arc::downgrade(meta)),
                    id,
                }
            }
        }
    }
}

/// Runs a node's output hooks on its incoming gradients: user hooks first (they may replace a
/// gradient), then `retain_grad` captures, which see the replaced gradient.
/// Returns the `(tensor's autograd state, dtype, grad)` triples to store in `.grad()` once the
/// backward succeeds.
pub(crate) fn run_output_hooks(
    node: &Node,
    grads: &mut [Option<Tensor>],
) -> Vec<(Weak<AutogradMeta>, DType, Tensor)> {
    if !node.has_hooks.load(Ordering::Acquire) {
        return Vec::new();
    }
    // Clone the hook list so a hook may register or remove hooks without deadlocking.
    let calls: Vec<(usize, Arc<HookFn>)> = node
        .hooks
        .lock()
        .iter()
        .filter_map(|h| match h {
            OutputHook::Call { slot, f, .. } => Some((*slot, f.clone())),
            OutputHook::Retain { .. } => None,
        })
        .collect();
    for (slot, f) in calls {
        if let Some(g) = &grads[slot] {
            if let Some(new) = f(g) {
                grads[slot] = Some(new);
            }
        }
    }
    node.hooks
        .lock()
        .iter()
        .filter_map(|h| match h {
            OutputHook::Retain { slot, meta } => grads[*slot]
                .clone()
                .map(|g| (meta.clone(), node.outputs[*slot].dtype, g)),
            OutputHook::Call { .. } => None,
        })
        .collect()
}

/// Runs a leaf's hooks on the gradient about to be accumulated into it.
pub(crate) fn run_leaf_hooks(leaf: &Tensor, grad: Tensor) -> Tensor {
    let Some(meta) = leaf.inner.meta() else {
        return grad;
    };
    let hooks: Vec<Arc<HookFn>> = meta.hooks.lock().iter().map(|(_, f)| f.clone()).collect();
    hooks.into_iter().fold(grad, |g, f| f(&g).unwrap_or(g))
}
