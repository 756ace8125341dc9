//! More elementwise functions: log1p, expm1, tan, rsqrt, square, sinh, cosh, atan, asin, acos,
//! erf, log2, log10 and exp2.
//!
//! Each derivative is PyTorch's `derivatives.yaml` formula, written with tensor ops so it is
//! itself differentiable. Like PyTorch, an op whose formula reads `result` saves its output,
//! one whose formula reads `self` saves its input: that decides which in-place change makes
//! the backward fail. Values use std's `f32`/`f64` functions (`libm` for erf), within an ulp
//! or two of PyTorch's.

use super::kernels::{like, map_float};
use super::unary::{output_rule_op, plain_input_rule_op};
use crate::dtype::DType;
use crate::graph::{record_unary_output, record_unary_saving_output, SavedTensor};
use crate::Tensor;
// Named by `output_rule_op!`'s expansion.
use super::fast_paths::{zip_fast, ZipKernels};
use crate::kernels::parallel::Cost;

/// The error function in each float type (std has none; `libm` gives C's `erf`/`erff`).
trait Erf {
    fn erf(self) -> Self;
}

impl Erf for f32 {
    fn erf(self) -> f32 {
        libm::erff(self)
    }
}

impl Erf for f64 {
    fn erf(self) -> f64 {
        libm::erf(self)
    }
}

/// 2 / sqrt(pi), the derivative of erf at 0 (C's `M_2_SQRTPI`).
const TWO_OVER_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

impl Tensor {
    plain_input_rule_op!(
        /// `ln(1 + x)`, accurate for small `x`. d/dx = 1 / (1 + x) (`Log1PBackward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64, 1.0], &[2]).requires_grad_(true);
        /// assert_eq!(x.log1p().to_vec(), vec![0.0, 2f64.ln()]);
        /// x.log1p().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 0.5]);
        /// ```
        log1p, "Log1PBackward0", |x| x.ln_1p(), |g, x| g.div(&x.add_number(1.0))
    );

    output_rule_op!(
        /// `e^x - 1`, accurate for small `x`. d/dx = e^x = y + 1 (`Expm1Backward0`, saves the
        /// result).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64, 1.0], &[2]).requires_grad_(true);
        /// assert_eq!(x.expm1().to_vec(), vec![0.0, 1f64.exp_m1()]);
        /// x.expm1().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1f64.exp_m1() + 1.0]);
        /// ```
        expm1, "Expm1Backward0", |x| x.exp_m1(), |g, y| g.mul(&y.add_number(1.0))
    );

    output_rule_op!(
        /// Tangent. d/dx = 1 + tan(x)^2 = 1 + y^2 (`TanBackward0`, saves the result).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64], &[1]).requires_grad_(true);
        /// x.tan().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0]);
        /// ```
        tan, "TanBackward0", |x| x.tan(), |g, y| g.mul(&y.pow(2.0).add_number(1.0))
    );

    output_rule_op!(
        /// `1 / sqrt(x)` (`-inf` at -0, NaN below 0). d/dx = -y^3 / 2 (`RsqrtBackward0`, saves
        /// the result).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![4.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.rsqrt().to_vec(), vec![0.5]);
        /// x.rsqrt().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![-0.0625]);
        /// ```
        rsqrt, "RsqrtBackward0", |x| like(x, 1.0) / x.sqrt(), |g, y| g.mul_number(-0.5).mul(&y.pow(3.0))
    );

    /// `x * x`. As PyTorch, this is `pow(x, 2)`: node `PowBackward0`, d/dx = 2x.
    ///
    /// # Panics
    /// On a bool tensor (PyTorch returns an int64 tensor, a dtype this library lacks).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![3.0f64, -1.5], &[2]).requires_grad_(true);
    /// let y = x.square();
    /// assert_eq!(y.to_vec(), vec![9.0, 2.25]);
    /// assert_eq!(y.grad_fn().unwrap().name(), "PowBackward0");
    /// y.sum().backward();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, -3.0]);
    /// ```
    #[track_caller]
    pub fn square(&self) -> Tensor {
        if self.dtype() == DType::Bool {
            panic!(
                "square: expected a floating point tensor but got dtype torch.bool (shape {:?})",
                self.shape()
            );
        }
        self.pow(2.0)
    }

    plain_input_rule_op!(
        /// Hyperbolic sine. d/dx = cosh(x) (`SinhBackward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64], &[1]).requires_grad_(true);
        /// x.sinh().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0]);
        /// ```
        sinh, "SinhBackward0", |x| x.sinh(), |g, x| g.mul(&x.cosh())
    );

    plain_input_rule_op!(
        /// Hyperbolic cosine. d/dx = sinh(x) (`CoshBackward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.cosh().to_vec(), vec![1.0]);
        /// x.cosh().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![0.0]);
        /// ```
        cosh, "CoshBackward0", |x| x.cosh(), |g, x| g.mul(&x.sinh())
    );

    plain_input_rule_op!(
        /// Arctangent. d/dx = 1 / (1 + x^2) (`AtanBackward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![1.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.atan().to_vec(), vec![std::f64::consts::FRAC_PI_4]);
        /// x.atan().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![0.5]);
        /// ```
        atan, "AtanBackward0", |x| x.atan(), |g, x| g.div(&x.mul(&x).add_number(1.0))
    );

    plain_input_rule_op!(
        /// Arcsine (NaN outside [-1, 1]). d/dx = 1 / sqrt(1 - x^2) (`AsinBackward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64], &[1]).requires_grad_(true);
        /// x.asin().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0]);
        /// ```
        asin, "AsinBackward0", |x| x.asin(), |g, x| g.mul(&x.neg().mul(&x).add_number(1.0).rsqrt())
    );

    plain_input_rule_op!(
        /// Arccosine (NaN outside [-1, 1]). d/dx = -1 / sqrt(1 - x^2) (`AcosBackward0`, saves
        /// `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.acos().to_vec(), vec![std::f64::consts::FRAC_PI_2]);
        /// x.acos().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![-1.0]);
        /// ```
        acos, "AcosBackward0", |x| x.acos(), |g, x| g.mul(&x.neg().mul(&x).add_number(1.0).rsqrt().neg())
    );

    plain_input_rule_op!(
        /// The error function `2/sqrt(pi) * integral_0^x e^(-t^2) dt`. d/dx = 2/sqrt(pi) *
        /// e^(-x^2) (`ErfBackward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![0.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.erf().to_vec(), vec![0.0]);
        /// x.erf().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![std::f64::consts::FRAC_2_SQRT_PI]);
        /// ```
        erf, "ErfBackward0", |x| Erf::erf(x),
        |g, x| x.pow(2.0).neg().exp().mul_number(TWO_OVER_SQRT_PI).mul(g)
    );

    plain_input_rule_op!(
        /// Base-2 logarithm. d/dx = 1 / (x ln 2) (`Log2Backward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![8.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.log2().to_vec(), vec![3.0]);
        /// x.log2().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0 / (8.0 * std::f64::consts::LN_2)]);
        /// ```
        log2, "Log2Backward0", |x| x.log2(), |g, x| g.div(&x.mul_number(std::f64::consts::LN_2))
    );

    plain_input_rule_op!(
        /// Base-10 logarithm. d/dx = 1 / (x ln 10) (`Log10Backward0`, saves `x`).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![100.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.log10().to_vec(), vec![2.0]);
        /// x.log10().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![1.0 / (100.0 * std::f64::consts::LN_10)]);
        /// ```
        log10, "Log10Backward0", |x| x.log10(), |g, x| g.div(&x.mul_number(std::f64::consts::LN_10))
    );

    output_rule_op!(
        /// `2^x`. d/dx = 2^x ln 2 = y ln 2 (`Exp2Backward0`, saves the result).
        ///
        /// ```
        /// use autograd::Tensor;
        /// let x = Tensor::from_vec(vec![3.0f64], &[1]).requires_grad_(true);
        /// assert_eq!(x.exp2().to_vec(), vec![8.0]);
        /// x.exp2().sum().backward();
        /// assert_eq!(x.grad().unwrap().to_vec(), vec![8.0 * std::f64::consts::LN_2]);
        /// ```
        exp2, "Exp2Backward0", |x| x.exp2(), |g, y| g.mul(&y).mul_number(std::f64::consts::LN_2)
    );
}
