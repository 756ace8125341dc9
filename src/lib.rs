//! # autograd
//!
//! Reverse-mode automatic differentiation for Rust with PyTorch's autograd semantics:
//! N-d tensors (`f32` by default, `f64` too) that record the ops applied to them, `backward()`
//! that accumulates gradients into `.grad()`, `no_grad`, `detach`, `retain_grad`, and
//! define-by-run graphs, plus the `#[differentiable]` attribute that builds a function's
//! backward at compile time.
//!
//! ```
//! use autograd::Tensor;
//!
//! let x = Tensor::ones(&[2, 2]).requires_grad_(true);
//! let y = &x + 2.0;
//! assert_eq!(y.grad_fn().unwrap().name(), "AddBackward0");
//! let out = (&y * &y * 3.0).mean();
//! out.backward();
//! assert_eq!(x.grad().unwrap().to_vec(), vec![4.5; 4]);
//! ```

pub use autograd_macros::differentiable;
pub use autograd_runtime::*;

/// Support code for what `#[differentiable]` generates; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use autograd_runtime::macro_support::*;
}
