//! Neural-network building blocks: the [`Module`] trait, [`Linear`], [`Sequential`],
//! [`Dropout`] and the activations [`ReLU`], [`Tanh`] and [`Sigmoid`], after `torch.nn`.
//!
//! ```
//! use autograd::nn::{Linear, Module, ReLU, Sequential};
//! use autograd::{manual_seed, Tensor};
//!
//! manual_seed(0);
//! let model = Sequential::new()
//!     .add(Linear::new(4, 8))
//!     .add(ReLU::new())
//!     .add(Linear::new(8, 2));
//! let y = model.forward(&Tensor::ones(&[3, 4]));
//! assert_eq!(y.shape(), &[3, 2]);
//! let names: Vec<String> = model.named_parameters().into_iter().map(|(n, _)| n).collect();
//! assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
//! ```

mod activation;
mod dropout;
mod linear;
mod sequential;
mod state_dict;

pub use activation::{ReLU, Sigmoid, Tanh};
pub use dropout::Dropout;
pub use linear::Linear;
pub use sequential::Sequential;
pub use state_dict::StateDictError;

use crate::Tensor;
use std::collections::HashMap;

/// A layer or a model: a differentiable function of one tensor with named parameters, as
/// `torch.nn.Module`.
///
/// Only [`Module::forward`] is required. Modules with parameters implement
/// [`Module::named_parameters`]; modules that behave differently in training and in evaluation
/// (dropout) implement [`Module::set_training`] and [`Module::is_training`].
///
/// ```
/// use autograd::nn::Module;
/// use autograd::Tensor;
///
/// /// `y = a * x`, with a learnable scalar `a`.
/// struct Scale {
///     a: Tensor,
/// }
///
/// impl Module for Scale {
///     fn forward(&self, x: &Tensor) -> Tensor {
///         x * &self.a
///     }
///     fn named_parameters(&self) -> Vec<(String, Tensor)> {
///         vec![("a".to_string(), self.a.clone())]
///     }
/// }
///
/// let m = Scale { a: Tensor::scalar(2.0).requires_grad_(true) };
/// m.forward(&Tensor::ones(&[3])).sum().backward();
/// assert_eq!(m.parameters()[0].grad().unwrap().item(), 3.0);
/// ```
pub trait Module: Send + Sync {
    /// Applies the module to `input`.
    fn forward(&self, input: &Tensor) -> Tensor;

    /// The parameters with their dotted names (`"0.weight"`), in registration order, as
    /// PyTorch's `named_parameters()`; the names are those of `state_dict()`. None by default.
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        Vec::new()
    }

    /// The parameters (handles on the same tensors), for an optimizer.
    fn parameters(&self) -> Vec<Tensor> {
        self.named_parameters()
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    }

    /// Sets training (`true`) or evaluation (`false`) mode, on this module and its children.
    /// A no-op by default: most modules behave the same in both.
    fn set_training(&mut self, _training: bool) {}

    /// Whether the module is in training mode (`self.training` in PyTorch); `true` by default.
    fn is_training(&self) -> bool {
        true
    }

    /// Training mode (the default), as PyTorch's `train()`.
    fn train(&mut self) {
        self.set_training(true);
    }

    /// Evaluation mode, as PyTorch's `eval()`.
    fn eval(&mut self) {
        self.set_training(false);
    }

    /// Sets every parameter's `.grad()` to `None`.
    fn zero_grad(&self) {
        for p in self.parameters() {
            p.zero_grad();
        }
    }

    /// The parameters by name, as PyTorch's `state_dict()`; the tensors share storage with the
    /// parameters (detached). Save them with [`crate::safetensors::save`].
    fn state_dict(&self) -> HashMap<String, Tensor> {
        self.named_parameters()
            .into_iter()
            .map(|(name, t)| (name, t.detach()))
            .collect()
    }

    /// Copies `state` into the parameters in place, as PyTorch's `load_state_dict(strict=True)`:
    /// every parameter must be present with its shape, and no other name may be; dtypes are
    /// converted to the parameter's. Nothing is written unless everything matches.
    fn load_state_dict(&self, state: &HashMap<String, Tensor>) -> Result<(), StateDictError> {
        state_dict::load_into(&self.named_parameters(), state)
    }
}

impl<M: Module + ?Sized> Module for Box<M> {
    fn forward(&self, input: &Tensor) -> Tensor {
        (**self).forward(input)
    }
    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        (**self).named_parameters()
    }
    fn set_training(&mut self, training: bool) {
        (**self).set_training(training);
    }
    fn is_training(&self) -> bool {
        (**self).is_training()
    }
}
