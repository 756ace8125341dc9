//! `clamp`, `clamp_min` and `clamp_max`: limits with PyTorch 2.15's gradient, which passes
//! only strictly inside the bounds.

use super::kernels::{like, map_float};
use super::select::{bool_mask, zero_of};
use crate::graph::{record_unary_output, SavedTensor};
use crate::DType;
use crate::Tensor;

/// `value` rounded to `dtype`, so comparisons see the bound the forward used.
fn in_dtype(dtype: DType, value: f64) -> f64 {
    if dtype == DType::F32 {
        value as f32 as f64
    } else {
        value
    }
}

impl Tensor {
    /// Limits every element to `[min, max]` (all become `max` when `min > max`, as PyTorch;
    /// NaN stays NaN, and a NaN bound makes every element NaN). The gradient passes only
    /// strictly inside, where `min < x < max` (`ClampBackward1`, torch 2.15's
    /// `clamp_backward`): at a bound it is 0. The bounds are compared in the tensor's dtype.
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![-2., 0.5, 3.].clamp(-1.0, 1.0).to_vec(), vec![-1., 0.5, 1.]);
    /// ```
    #[track_caller]
    pub fn clamp(&self, min: f64, max: f64) -> Tensor {
        check_bound_fits("clamp", self, min);
        check_bound_fits("clamp", self, max);
        let out = if min.is_nan() || max.is_nan() {
            // ATen fills the result with NaN.
            map_float!("clamp", self, |x| like(x, f64::NAN))
        } else {
            map_float!("clamp", self, |x| {
                let low = if x < like(x, min) { like(x, min) } else { x };
                if low > like(x, max) {
                    like(x, max)
                } else {
                    low
                }
            })
        };
        let (min, max) = (in_dtype(self.dtype(), min), in_dtype(self.dtype(), max));
        self.record_clamp("ClampBackward1", out, move |e| e > min && e < max)
    }

    /// `max(x, min)` elementwise (NaN everywhere when `min` is NaN); the gradient passes only
    /// where `x > min` (`ClampMinBackward0`, derivatives.yaml's `where(self > min, grad, 0)`).
    #[track_caller]
    pub fn clamp_min(&self, min: f64) -> Tensor {
        check_bound_fits("clamp_min", self, min);
        let out = map_float!("clamp_min", self, |x| if min.is_nan() || x < like(x, min) {
            like(x, min)
        } else {
            x
        });
        let min = in_dtype(self.dtype(), min);
        self.record_clamp("ClampMinBackward0", out, move |e| e > min)
    }

    /// `min(x, max)` elementwise (NaN everywhere when `max` is NaN); the gradient passes only
    /// where `x < max` (`ClampMaxBackward0`, derivatives.yaml's `where(self < max, grad, 0)`).
    #[track_caller]
    pub fn clamp_max(&self, max: f64) -> Tensor {
        check_bound_fits("clamp_max", self, max);
        let out = map_float!("clamp_max", self, |x| if max.is_nan() || x > like(x, max) {
            like(x, max)
        } else {
            x
        });
        let max = in_dtype(self.dtype(), max);
        self.record_clamp("ClampMaxBackward0", out, move |e| e < max)
    }

    /// Records a clamp whose gradient is `where(passes(x), grad, 0)`.
    #[track_caller]
    fn record_clamp(
        &self,
        node: &'static str,
        out: Tensor,
        passes: impl Fn(f64) -> bool + Send + Sync + 'static,
    ) -> Tensor {
        record_unary_output(node, &[self], out, || {
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let mask = bool_mask(&input.get(ctx)?, &passes);
                Ok(smallvec::smallvec![Some(Tensor::where_cond(
                    &mask,
                    g,
                    &zero_of(g)
                ))])
            }
        })
    }
}

/// PyTorch's refusal of a finite bound the tensor's dtype cannot hold (`1e300` for f32): it
/// converts bounds to the tensor's type first, and that conversion must not overflow.
#[track_caller]
fn check_bound_fits(op: &str, t: &Tensor, bound: f64) {
    check_number_fits(op, "bound", t, bound);
}

/// PyTorch's refusal of a finite number (a clamp bound, a fill value; `what` says which) that
/// `t`'s dtype cannot hold: it converts the number to the tensor's type first, and that
/// conversion must not overflow (infinities convert).
#[track_caller]
pub(super) fn check_number_fits(op: &str, what: &str, t: &Tensor, number: f64) {
    if t.dtype() == DType::F32 && number.is_finite() && number.abs() > f32::MAX as f64 {
        panic!(
            "{op}: value cannot be converted to type float without overflow ({what} {number:?} for a tensor of dtype torch.float32, shape {:?})",
            t.shape()
        );
    }
}
