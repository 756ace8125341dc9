//! Dropout as a module: active in training mode, the identity in evaluation mode.

use super::Module;
use crate::python_float::python_float;
use crate::Tensor;

/// `torch.nn.Dropout`: in training mode, zeroes each element with probability `p` and scales
/// the others by `1 / (1 - p)` (see [`Tensor::dropout`]); in evaluation mode, returns the input.
///
/// ```
/// use autograd::nn::{Dropout, Module};
/// use autograd::{manual_seed, Tensor};
///
/// manual_seed(0);
/// let mut drop = Dropout::new(0.5);
/// let y = drop.forward(&Tensor::ones(&[100]));
/// assert!(y.to_vec().iter().all(|&v| v == 0.0 || v == 2.0));
/// drop.eval();
/// assert_eq!(drop.forward(&Tensor::ones(&[3])).to_vec(), vec![1.0; 3]);
/// ```
#[derive(Clone)]
pub struct Dropout {
    p: f64,
    training: bool,
}

impl Dropout {
    /// Dropout with probability `p` of zeroing an element, in training mode.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]` (PyTorch's message).
    #[track_caller]
    pub fn new(p: f64) -> Dropout {
        if !(0.0..=1.0).contains(&p) {
            panic!(
                "Dropout: dropout probability has to be between 0 and 1, but got {}",
                python_float(p)
            );
        }
        Dropout { p, training: true }
    }

    /// The probability of zeroing an element.
    pub fn p(&self) -> f64 {
        self.p
    }
}

impl Module for Dropout {
    fn forward(&self, input: &Tensor) -> Tensor {
        input.dropout(self.p, self.training)
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn is_training(&self) -> bool {
        self.training
    }
}

impl std::fmt::Debug for Dropout {
    /// PyTorch's repr: `Dropout(p=0.5, inplace=False)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dropout(p={}, inplace=False)", python_float(self.p))
    }
}
