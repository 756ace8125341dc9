//! Autograd on one tensor: flags, `.grad()`, `grad_fn`, `retain_grad` and `backward`.

use super::Tensor;
use crate::autograd_fns::backward;
use crate::error::AutogradError;
use crate::graph::GradFn;
use crate::hooks::OutputHook;
use crate::DType;
use std::sync::atomic::Ordering;
use std::sync::Arc;

impl Tensor {
    /// Sets whether this leaf requires grad and returns the tensor, like PyTorch's
    /// `requires_grad_`. Clones share the flag.
    ///
    /// # Panics
    /// On a non-leaf (PyTorch: "you can only change requires_grad flags of leaf variables"), and
    /// when asking a bool tensor to require grad.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::ones(&[2]).requires_grad_(true);
    /// assert!(x.requires_grad() && x.is_leaf());
    /// ```
    #[track_caller]
    pub fn requires_grad_(self, requires_grad: bool) -> Tensor {
        if !self.is_leaf() {
            if requires_grad {
                return self;
            }
            panic!(
                "requires_grad_: you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            );
        }
        if requires_grad && !self.dtype().is_floating_point() {
            panic!(
                "requires_grad_: only Tensors of floating point dtype can require gradients (got {})",
                self.dtype()
            );
        }
        self.inner
            .requires_grad
            .store(requires_grad, Ordering::Relaxed);
        self
    }

    /// The accumulated gradient: set by `backward` on leaves that require grad and on
    /// non-leaves that called [`Tensor::retain_grad`].
    pub fn grad(&self) -> Option<Tensor> {
        self.inner.meta()?.grad.lock().clone()
    }

    /// Sets `.grad()` to `None` (PyTorch's `set_to_none=True` default); a no-op when unset.
    pub fn zero_grad(&self) {
        if let Some(meta) = self.inner.meta() {
            *meta.grad.lock() = None;
        }
    }

    /// Replaces `.grad()` (PyTorch's `x.grad = g`; used by optimizers).
    ///
    /// # Panics
    /// When `grad` has another shape or dtype than this tensor, with PyTorch's message; the
    /// gradient is then left as it was.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::zeros(&[2]).requires_grad_(true);
    /// x.set_grad(Some(Tensor::ones(&[2])));
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1.0]);
    /// x.set_grad(None);
    /// assert!(x.grad().is_none());
    /// ```
    #[track_caller]
    pub fn set_grad(&self, grad: Option<Tensor>) {
        if let Some(g) = &grad {
            if g.shape() != self.shape() {
                panic!(
                    "set_grad: attempting to assign a gradient of size '{:?}' to a tensor of size '{:?}'. Please ensure that the gradient and the tensor are the same size",
                    g.shape(),
                    self.shape()
                );
            }
            if g.dtype() != self.dtype() {
                panic!(
                    "set_grad: attempting to assign a gradient with dtype '{}' to a tensor with grad_dtype '{}'. The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype).",
                    scalar_type_name(g.dtype()).to_lowercase(),
                    scalar_type_name(self.dtype())
                );
            }
        }
        *self.inner.meta_or_init().grad.lock() = grad;
    }

    /// The node that created this tensor, `None` for leaves.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::ones(&[2]).requires_grad_(true);
    /// let y = &x * 2.0;
    /// assert_eq!(y.grad_fn().unwrap().name(), "MulBackward0");
    /// assert!(x.grad_fn().is_none());
    /// ```
    pub fn grad_fn(&self) -> Option<GradFn> {
        self.grad_edge().map(|edge| GradFn {
            node: edge.node.clone(),
        })
    }

    /// Asks `backward` to keep the gradient of this non-leaf in `.grad()`; a no-op on leaves.
    ///
    /// # Panics
    /// On a tensor that does not require grad (PyTorch: "can't retain_grad on Tensor that has
    /// requires_grad=False").
    #[track_caller]
    pub fn retain_grad(&self) {
        if !self.requires_grad() {
            panic!("retain_grad: can't retain_grad on Tensor that has requires_grad=False");
        }
        let Some(edge) = self.grad_edge() else {
            return;
        };
        if self
            .inner
            .meta_or_init()
            .retains_grad
            .swap(true, Ordering::Relaxed)
        {
            return;
        }
        let retain = OutputHook::Retain {
            slot: edge.slot,
            meta: Arc::downgrade(self.inner.meta_handle()),
        };
        edge.node.add_hook(retain);
    }

    /// Whether this non-leaf keeps its gradient (see [`Tensor::retain_grad`]).
    pub fn retains_grad(&self) -> bool {
        self.inner
            .meta()
            .is_some_and(|m| m.retains_grad.load(Ordering::Relaxed))
    }

    /// Computes the gradient of this scalar with respect to every leaf that requires grad,
    /// accumulating into their `.grad()`, then frees the graph.
    ///
    /// # Panics
    /// With the text of the [`AutogradError`] that [`Tensor::try_backward`] returns.
    #[track_caller]
    pub fn backward(&self) {
        if let Err(e) = self.try_backward() {
            panic!("{e}");
        }
    }

    /// The vector-Jacobian product with `gradient` (same shape as `self`), accumulated into
    /// the leaves' `.grad()`, as PyTorch's `tensor.backward(gradient)`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f32, 2.0], &[2]).requires_grad_(true);
    /// let y = &x * 3.0;
    /// y.backward_with(&Tensor::from_vec(vec![1.0f32, 0.1], &[2]));
    /// let g = x.grad().unwrap().to_vec();
    /// assert!((g[0] - 3.0).abs() < 1e-6 && (g[1] - 0.3).abs() < 1e-6);
    /// ```
    #[track_caller]
    pub fn backward_with(&self, gradient: &Tensor) {
        if let Err(e) = self.try_backward_with(gradient) {
            panic!("{e}");
        }
    }

    /// [`Tensor::backward`] returning the error instead of panicking. On error no `.grad()`
    /// changes.
    pub fn try_backward(&self) -> Result<(), AutogradError> {
        backward(&[self]).run()
    }

    /// [`Tensor::backward_with`] returning the error instead of panicking.
    pub fn try_backward_with(&self, gradient: &Tensor) -> Result<(), AutogradError> {
        backward(&[self]).grad_tensors(&[gradient]).run()
    }
}

/// c10's name of a dtype's scalar type, as PyTorch's gradient-assignment errors print it.
fn scalar_type_name(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "Float",
        DType::F64 => "Double",
        DType::Bool => "Bool",
    }
}
