//! Activation functions as modules (no parameters).

use super::Module;
use crate::Tensor;

macro_rules! activation {
    ($(#[$doc:meta])* $name:ident, $method:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            training: bool,
        }

        impl $name {
            /// The activation, in training mode.
            pub fn new() -> $name {
                $name { training: true }
            }
        }

        impl Default for $name {
            fn default() -> $name {
                $name::new()
            }
        }

        impl std::fmt::Debug for $name {
            /// PyTorch's repr: the name and `()`.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}()", stringify!($name))
            }
        }

        impl Module for $name {
            fn forward(&self, input: &Tensor) -> Tensor {
                input.$method()
            }
            fn set_training(&mut self, training: bool) {
                self.training = training;
            }
            fn is_training(&self) -> bool {
                self.training
            }
        }
    };
}

activation!(
    /// `max(x, 0)` elementwise, as `torch.nn.ReLU` (see [`Tensor::relu`]).
    ///
    /// ```
    /// use autograd::nn::{Module, ReLU};
    /// use autograd::tensor;
    /// assert_eq!(ReLU::new().forward(&tensor![-1., 2.]).to_vec(), vec![0., 2.]);
    /// ```
    ReLU,
    relu
);

activation!(
    /// Hyperbolic tangent elementwise, as `torch.nn.Tanh` (see [`Tensor::tanh`]).
    Tanh,
    tanh
);

activation!(
    /// `1 / (1 + e^-x)` elementwise, as `torch.nn.Sigmoid` (see [`Tensor::sigmoid`]).
    Sigmoid,
    sigmoid
);
