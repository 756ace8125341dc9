//! The math library of the fused loops: for `f32` the runtime's vectorisable kernels, so a
//! chain's loop compiles to packed code; for `f64`, `std`.

use crate::dtype::Float;
use crate::kernels::fast_math;

/// The transcendental functions of the fused loops: for `f32` the runtime's vectorisable
/// kernels (`autograd::kernels::fast_math`, within 3 ulp of `std`), for `f64` `std` itself.
pub trait FusedMath: Float {
    /// `e^x`.
    fn exp(x: Self) -> Self;
    /// Natural logarithm.
    fn ln(x: Self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(x: Self) -> Self;
    /// `1 / (1 + e^-x)`.
    fn sigmoid(x: Self) -> Self;
    /// Sine.
    fn sin(x: Self) -> Self;
    /// Cosine.
    fn cos(x: Self) -> Self;
    /// `x^p` (`x * x` for `p = 2`, as `Tensor::pow` computes it).
    fn powf(x: Self, p: Self) -> Self;
}

impl FusedMath for f32 {
    #[inline(always)]
    fn exp(x: f32) -> f32 {
        fast_math::exp_one(x)
    }
    #[inline(always)]
    fn ln(x: f32) -> f32 {
        fast_math::ln_one(x)
    }
    #[inline(always)]
    fn tanh(x: f32) -> f32 {
        fast_math::tanh_one(x)
    }
    #[inline(always)]
    fn sigmoid(x: f32) -> f32 {
        fast_math::sigmoid_one(x)
    }
    // The fast sin/cos need a second pass past 2^28; in a fused loop `std` is simpler.
    #[inline(always)]
    fn sin(x: f32) -> f32 {
        x.sin()
    }
    #[inline(always)]
    fn cos(x: f32) -> f32 {
        x.cos()
    }
    #[inline(always)]
    fn powf(x: f32, p: f32) -> f32 {
        if p == 2.0 {
            x * x
        } else {
            x.powf(p)
        }
    }
}

impl FusedMath for f64 {
    #[inline(always)]
    fn exp(x: f64) -> f64 {
        x.exp()
    }
    #[inline(always)]
    fn ln(x: f64) -> f64 {
        x.ln()
    }
    #[inline(always)]
    fn tanh(x: f64) -> f64 {
        x.tanh()
    }
    #[inline(always)]
    fn sigmoid(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }
    #[inline(always)]
    fn sin(x: f64) -> f64 {
        x.sin()
    }
    #[inline(always)]
    fn cos(x: f64) -> f64 {
        x.cos()
    }
    #[inline(always)]
    fn powf(x: f64, p: f64) -> f64 {
        if p == 2.0 {
            x * x
        } else {
            x.powf(p)
        }
    }
}
