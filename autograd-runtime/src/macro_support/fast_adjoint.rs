//! One-pass adjoints of the unary ops for the backward `#[differentiable]` generates when it
//! is not recorded (no `create_graph`): the same fused kernels the tape's rules use, so a
//! static body and the tape give the same gradients. Under `create_graph` the generated code
//! uses recorded tensor ops instead.

use crate::kernels::parallel::Cost;
use crate::kernels::FastMath;
use crate::ops::{zip_fast, ZipKernels};
use crate::Tensor;

/// Declares `pub fn $name(g, v)` computing `$kernel(g, v)` in one pass, or `$formula` when
/// the operands differ in shape or dtype.
macro_rules! fast_adjoint {
    ($(#[$doc:meta])* $name:ident, $kernel:ident, $cost:expr, |$g:ident, $v:ident| $formula:expr) => {
        $(#[$doc])*
        pub fn $name($g: &Tensor, $v: &Tensor) -> Tensor {
            let kernels: ZipKernels = (<f32 as FastMath>::$kernel, <f64 as FastMath>::$kernel);
            zip_fast($g, $v, $cost, kernels).unwrap_or_else(|| $formula)
        }
    };
}

/// `relu(x)`: the gradient where `x > 0` (and at NaN), 0 elsewhere, even a NaN gradient
/// (PyTorch's threshold_backward).
pub fn relu_backward(g: &Tensor, x: &Tensor) -> Tensor {
    crate::ops::relu_grad(g, x)
}

/// [`relu_backward`] recorded for `create_graph`, as PyTorch's `ThresholdBackwardBackward0`
/// (the gradient passes at NaN; its own gradient is the same mask).
pub fn relu_backward_recorded(g: &Tensor, x: &Tensor) -> Tensor {
    crate::ops::relu_grad_recorded(g, x)
}

fast_adjoint!(
    /// `e^x` with output `y`: `g y`.
    exp_backward, fast_exp_backward, Cost::Arithmetic, |g, y| g.mul(y)
);
fast_adjoint!(
    /// `ln x`: `g / x`.
    ln_backward, fast_ln_backward, Cost::Arithmetic, |g, x| g.div(x)
);
fast_adjoint!(
    /// `tanh x` with output `y`: `g (1 - y^2)`.
    tanh_backward, fast_tanh_backward, Cost::Arithmetic, |g, y| g.mul(&y.mul(y).rsub_scalar(1.0))
);
fast_adjoint!(
    /// `sigmoid x` with output `y`: `g y (1 - y)`.
    sigmoid_backward, fast_sigmoid_backward, Cost::Arithmetic, |g, y| g.mul(&y.mul(&y.rsub_scalar(1.0)))
);
fast_adjoint!(
    /// `sin x`: `g cos x`.
    sin_backward, fast_sin_backward, Cost::Transcendental, |g, x| g.mul(&x.cos())
);
fast_adjoint!(
    /// `cos x`: `-g sin x`.
    cos_backward, fast_cos_backward, Cost::Transcendental, |g, x| g.mul(&x.sin().neg())
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Each one-pass adjoint agrees with its formula in recorded tensor ops.
    #[test]
    fn one_pass_adjoints_match_their_formulas() {
        let x = Tensor::from_vec(vec![-2.0f64, -0.3, 0.0, 0.7, 3.0], &[5]);
        let g = Tensor::from_vec(vec![0.5f64, -1.0, 2.0, 1.5, -0.25], &[5]);
        let pos = x.abs().add_scalar(0.1);
        let cases = [
            (exp_backward(&g, &x.exp()), g.mul(&x.exp())),
            (ln_backward(&g, &pos), g.div(&pos)),
            (
                tanh_backward(&g, &x.tanh()),
                g.mul(&x.tanh().mul(&x.tanh()).rsub_scalar(1.0)),
            ),
            (
                sigmoid_backward(&g, &x.sigmoid()),
                g.mul(&x.sigmoid().mul(&x.sigmoid().rsub_scalar(1.0))),
            ),
            (sin_backward(&g, &x), g.mul(&x.cos())),
            (cos_backward(&g, &x), g.mul(&x.sin().neg())),
            (relu_backward(&g, &x), g.mul(&x.gt(0.0).to_dtype(g.dtype()))),
        ];
        for (i, (fast, formula)) in cases.iter().enumerate() {
            for (a, b) in fast.to_vec().iter().zip(formula.to_vec()) {
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                    "case {i}: {a} vs {b}"
                );
            }
        }
    }
}
