//! Dropout: during training, zeroes each element with probability `p` and scales the others by
//! `1 / (1 - p)`, as PyTorch's `dropout` on CPU, which multiplies by a random mask (so the
//! node is `MulBackward0` and the gradient is the same mask). The mask is drawn from the
//! thread's generator: [`crate::manual_seed`] makes it repeatable (the values differ from
//! PyTorch's, whose generator is another algorithm).

use crate::random::with_generator;
use crate::storage::Buffer;
use crate::{DType, Tensor};

impl Tensor {
    /// `self * mask` with `mask` elements `0` (probability `p`) or `1 / (1 - p)`; returns
    /// `self` unchanged when `train` is false or `p == 0`.
    ///
    /// # Panics
    /// When `p` is outside `[0, 1]` or the tensor is not floating point.
    ///
    /// ```
    /// use autograd::{manual_seed, Tensor};
    /// manual_seed(0);
    /// let y = Tensor::ones(&[1000]).dropout(0.25, true);
    /// // survivors are scaled to 1 / 0.75; about a quarter are dropped
    /// assert!(y.to_vec().iter().all(|&v| v == 0.0 || (v - 4.0 / 3.0).abs() < 1e-6));
    /// let kept = y.to_vec().iter().filter(|&&v| v != 0.0).count();
    /// assert!((700..800).contains(&kept));
    /// assert_eq!(Tensor::ones(&[3]).dropout(0.25, false).to_vec(), vec![1.0; 3]);
    /// ```
    #[track_caller]
    pub fn dropout(&self, p: f64, train: bool) -> Tensor {
        if !(0.0..=1.0).contains(&p) {
            // `{p:?}` prints a float as Python does (`2.0`, not `2`).
            panic!(
                "dropout: dropout probability has to be between 0 and 1, but got {}",
                crate::python_float::python_float(p)
            );
        }
        if !self.dtype().is_floating_point() {
            panic!(
                "dropout: expected a floating point tensor but got dtype {} (shape {:?})",
                self.dtype(),
                self.shape()
            );
        }
        if p == 0.0 || !train || self.numel() == 0 {
            return self.clone();
        }
        if p == 1.0 {
            return self.mul(&Tensor::full_dtype(&[], 0.0, self.dtype()));
        }
        let keep = 1.0 - p;
        // PyTorch divides the Bernoulli mask by (1 - p) in the tensor's dtype.
        let scale = if self.dtype() == DType::F32 {
            (1.0f32 / keep as f32) as f64
        } else {
            1.0 / keep
        };
        let mask: Vec<f64> = with_generator(|g| {
            (0..self.numel())
                // PyTorch's bernoulli_: a uniform double below `keep` keeps the element.
                .map(|_| {
                    if g.uniform_f64(0.0, 1.0) < keep {
                        scale
                    } else {
                        0.0
                    }
                })
                .collect()
        });
        let mask = Buffer::from_f64_iter(self.dtype(), mask.into_iter());
        self.mul(&Tensor::from_buffer(mask, self.shape()))
    }
}
