//! Optimizers: [`Sgd`] (momentum, dampening, Nesterov, weight decay), [`Adam`] and [`AdamW`],
//! with PyTorch's update rules and defaults.
//!
//! An optimizer holds handles on the parameters (leaves that require grad). `step()` reads each
//! parameter's `.grad()` and updates the parameter in place, outside any graph, bumping its
//! version counter as PyTorch's in-place updates do; parameters without a gradient are skipped.
//! `zero_grad()` sets every gradient to `None` (PyTorch's `set_to_none=True`).
//!
//! ```
//! use autograd::optim::{Optimizer, Sgd};
//! use autograd::Tensor;
//!
//! let w = Tensor::from_vec(vec![1.0f64, -2.0], &[2]).requires_grad_(true);
//! let mut opt = Sgd::new([w.clone()], 0.1);
//! for _ in 0..100 {
//!     opt.zero_grad();
//!     let loss = (&w * &w).sum(); // minimum at w = 0
//!     loss.backward();
//!     opt.step();
//! }
//! assert!(w.norm().item() < 1e-6);
//! ```

mod adam;
mod sgd;

pub use adam::{Adam, AdamW};
pub use sgd::Sgd;

use crate::dtype::Float;
use crate::python_float::python_float;
use crate::storage::Buffer;
use crate::{DType, Tensor};

/// What every optimizer does: clear the gradients, and update the parameters from them.
pub trait Optimizer {
    /// One update of every parameter that has a gradient, under `no_grad`, in place.
    ///
    /// # Panics
    /// When a gradient's shape or dtype differs from its parameter's, or the configuration is
    /// invalid (e.g. Nesterov without momentum), with a message naming the optimizer.
    fn step(&mut self);

    /// The parameters being optimized, in the order given.
    fn params(&self) -> &[Tensor];

    /// The learning rate.
    fn learning_rate(&self) -> f64;

    /// Changes the learning rate (for schedules).
    ///
    /// # Panics
    /// On a negative learning rate.
    fn set_learning_rate(&mut self, lr: f64);

    /// Sets every parameter's `.grad()` to `None`, as PyTorch's `zero_grad()`.
    fn zero_grad(&self) {
        for p in self.params() {
            p.zero_grad();
        }
    }
}

/// Checks and collects the parameters, with PyTorch's messages for what cannot be optimized.
/// As in PyTorch, a parameter is a leaf or a non-leaf that retains its gradient.
#[track_caller]
pub(crate) fn collect_params(
    optimizer: &str,
    params: impl IntoIterator<Item = Tensor>,
) -> Vec<Tensor> {
    let params: Vec<Tensor> = params.into_iter().collect();
    if params.is_empty() {
        panic!("{optimizer}: optimizer got an empty parameter list");
    }
    for (i, p) in params.iter().enumerate() {
        if !(p.is_leaf() || p.retains_grad()) {
            panic!("{optimizer}: can't optimize a non-leaf Tensor (parameter {i}, shape {:?}, grad_fn {}); pass a leaf, or call retain_grad() on it",
                p.shape(), p.grad_fn().map(|g| g.name().to_string()).unwrap_or_default());
        }
        if !p.dtype().is_floating_point() {
            panic!("{optimizer}: only floating point tensors can be optimized, but parameter {i} has dtype {} and shape {:?}", p.dtype(), p.shape());
        }
        if params[..i].iter().any(|q| q.ptr_eq(p)) {
            panic!("{optimizer}: parameter {i} (shape {:?}) appears more than once in the parameter list", p.shape());
        }
    }
    params
}

/// Panics with PyTorch's message when a hyperparameter is negative, as `torch.optim.SGD`
/// checks them (`if lr < 0.0`, so NaN passes).
#[track_caller]
pub(crate) fn check_not_negative(optimizer: &str, what: &str, value: f64) {
    if value < 0.0 {
        panic!("{optimizer}: Invalid {what}: {}", python_float(value));
    }
}

/// Panics with PyTorch's message unless a hyperparameter is at least zero, as
/// `torch.optim.Adam` checks them (`if not 0.0 <= lr`, so NaN fails).
#[track_caller]
pub(crate) fn check_at_least_zero(optimizer: &str, what: &str, value: f64) {
    if value.is_nan() || value < 0.0 {
        panic!("{optimizer}: Invalid {what}: {}", python_float(value));
    }
}

/// The gradient of parameter `index`, checked against the parameter's shape and dtype.
#[track_caller]
pub(crate) fn checked_grad(optimizer: &str, index: usize, param: &Tensor) -> Option<Tensor> {
    let grad = param.grad()?;
    if grad.shape() != param.shape() || grad.dtype() != param.dtype() {
        panic!(
            "{optimizer}: the gradient of parameter {index} has shape {:?} and dtype {}, but the parameter has shape {:?} and dtype {}",
            grad.shape(),
            grad.dtype(),
            param.shape(),
            param.dtype()
        );
    }
    Some(grad)
}

/// Zero-filled state buffers in `param`'s dtype, one per state slot.
pub(crate) fn zero_state(param: &Tensor, slots: usize) -> Vec<Buffer> {
    (0..slots)
        .map(|_| Buffer::filled(param.dtype(), param.numel(), 0.0))
        .collect()
}

/// A buffer's elements as `&mut [T]`.
/// PRECONDITION: `T` is the buffer's float type (state buffers take their parameter's dtype).
fn slice_mut<T: Float>(buffer: &mut Buffer) -> &mut [T] {
    crate::storage::float_slice_mut(buffer).expect("state buffers have the parameter's dtype")
}

/// A buffer's elements as `&[T]`. PRECONDITION as [`slice_mut`].
fn slice_ref<T: Float>(buffer: &Buffer) -> &[T] {
    crate::storage::float_slice(buffer).expect("gradients have the parameter's dtype")
}

/// An element-wise update rule, generic over the float type (a closure cannot be generic).
pub(crate) trait UpdateRule {
    /// Updates `param` in place from `grad` and the parameter's `state` slots.
    /// PRECONDITION: every slice has the parameter's length.
    fn apply<T: Float>(&self, param: &mut [T], grad: &[T], state: &mut [&mut [T]]);
}

/// Runs `rule` on the raw elements of `param` (write lock: bumps the version, as in-place ops
/// do), `grad` and `state`, outside any graph.
/// PRECONDITION: `grad` and `state` have `param`'s shape and dtype.
pub(crate) fn update_in_place(
    param: &Tensor,
    grad: &Tensor,
    state: &mut [Buffer],
    rule: &impl UpdateRule,
) {
    // A gradient sharing the parameter's storage would deadlock the locks below: copy it.
    let grad = if triomphe::Arc::ptr_eq(&param.inner.storage, &grad.inner.storage) {
        grad.deep_clone()
    } else {
        grad.clone()
    };
    let grad_buffer = grad.buffer();
    let mut param_buffer = param.inner.storage.write();
    match param.dtype() {
        DType::F32 => run::<f32>(&mut param_buffer, &grad_buffer, state, rule),
        DType::F64 => run::<f64>(&mut param_buffer, &grad_buffer, state, rule),
        DType::Bool => unreachable!("collect_params refuses bool parameters"),
    }
}

fn run<T: Float>(param: &mut Buffer, grad: &Buffer, state: &mut [Buffer], rule: &impl UpdateRule) {
    let mut slots: Vec<&mut [T]> = state.iter_mut().map(slice_mut::<T>).collect();
    rule.apply(slice_mut::<T>(param), slice_ref::<T>(grad), &mut slots);
}

/// `value` in the element type (hyperparameters are `f64`, as Python floats are).
pub(crate) fn cast<T: Float>(value: f64) -> T {
    <T as crate::dtype::Element>::from_f64(value)
}
