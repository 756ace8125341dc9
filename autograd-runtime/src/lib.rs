//! The runtime behind the `autograd` crate: tensors with PyTorch's autograd semantics, the ops
//! and their backward rules, the graph and the backward engine, grad mode.
//!
//! Users depend on the `autograd` facade, which re-exports this crate.

mod anomaly;
mod autograd_fns;
mod buffer_pool;
mod dot;
mod dtype;
mod engine;
mod error;
mod grad_mode;
mod gradcheck;
mod graph;
mod graph_walk;
mod hooks;
mod live_count;
mod ops;
mod print_format;
mod python_float;
mod random;
mod shape;
mod storage;
mod teardown;
mod tensor;

pub mod function;
pub mod functional;
#[doc(hidden)]
pub mod kernels;
#[doc(hidden)]
pub mod macro_support;
pub mod nn;
pub mod optim;
// `autograd::safetensors` wraps the `safetensors` crate, which the file reaches as `::safetensors`.
#[path = "safetensors_io.rs"]
pub mod safetensors;

pub use anomaly::{detect_anomaly, is_anomaly_enabled};
pub use autograd_fns::{backward, grad, Backward, Grad};
pub use dtype::{DType, Element, Float};
pub use error::AutogradError;
pub use function::{Function, FunctionCtx};
pub use grad_mode::{
    enable_grad, is_grad_enabled, no_grad, set_grad_enabled, GradModeGuard, NoGradGuard,
};
pub use gradcheck::{gradcheck, GradcheckError, GRADCHECK_ATOL, GRADCHECK_EPS, GRADCHECK_RTOL};
pub use graph::{live_node_count, BackwardCtx, GradFn, SavedTensor};
pub use hooks::{HookFn, HookHandle};
pub use ops::CompareOperand;
pub use random::manual_seed;
pub use shape::Dim;
pub use storage::live_storage_count;
pub use tensor::{NestedArray, Tensor};
