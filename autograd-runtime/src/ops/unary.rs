//! Elementwise math on one tensor, each with its derivative beside it.

use super::backward_node::record_formula;
use super::fast_paths::{map_fast, zip_fast, Kernels, ZipKernels};
use super::kernels::{like, map_float};
use crate::graph::{record_unary_output, record_unary_saving_output, SavedTensor};
use crate::kernels::parallel::Cost;
use crate::kernels::FastMath;
use crate::Tensor;

/// The fast kernels of one op: forward `(f32, f64)` and backward `(f32, f64)`.
macro_rules! kernels {
    ($forward:ident, $backward:ident) => {
        (
            (
                <f32 as FastMath>::$forward as fn(&[f32], &mut [f32]),
                <f64 as FastMath>::$forward as fn(&[f64], &mut [f64]),
            ),
            (
                <f32 as FastMath>::$backward as fn(&[f32], &[f32], &mut [f32]),
                <f64 as FastMath>::$backward as fn(&[f64], &[f64], &mut [f64]),
            ),
        )
    };
}

/// Declares an op whose derivative is a function of its input `x`, computed by the vectorised
/// kernels (`fast`) outside `create_graph`, by the differentiable tensor-op `rule` inside it.
macro_rules! input_rule_op {
    ($(#[$doc:meta])* $name:ident, $node:literal, fast $fast:expr, $cost:expr, |$g:ident, $xt:ident| $rule:expr) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(&self) -> Tensor {
            let (forward, backward): (Kernels, ZipKernels) = $fast;
            let out = map_fast(stringify!($name), self, forward);
            record_unary_output($node, &[self], out, || {
                let saved = SavedTensor::new(self);
                move |ctx, $g| {
                    let $xt = saved.get_ref(ctx)?;
                    let fast = if ctx.create_graph() { None } else { zip_fast($g, $xt, $cost, backward) };
                    Ok(smallvec::smallvec![Some(fast.unwrap_or_else(|| $rule))])
                }
            })
        }
    };
}

/// Declares an op whose derivative is a function of its output `y`. Under `create_graph` the
/// saved output comes back with this node as its history (PyTorch saves only `result`) and
/// the gradient is `graph` (`rule` recorded op by op unless given: tanh and sigmoid record
/// PyTorch's one `TanhBackwardBackward0` / `SigmoidBackwardBackward0` node instead).
macro_rules! output_rule_op {
    ($(#[$doc:meta])* $name:ident, $node:literal, fast $fast:expr, $cost:expr, |$g:ident, $yt:ident| $rule:expr $(, graph $graph:expr)?) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(&self) -> Tensor {
            let (forward, backward): (Kernels, ZipKernels) = $fast;
            let out = map_fast(stringify!($name), self, forward);
            output_rule_op!(@record self, $name, $node, out, Some(backward), $cost, |$g, $yt| $rule, graph output_rule_op!(@graph $rule $(, $graph)?))
        }
    };
    ($(#[$doc:meta])* $name:ident, $node:literal, |$x:ident| $forward:expr, |$g:ident, $yt:ident| $rule:expr) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(&self) -> Tensor {
            let out = map_float!(stringify!($name), self, |$x| $forward);
            output_rule_op!(@record self, $name, $node, out, None::<ZipKernels>, Cost::Arithmetic, |$g, $yt| $rule, graph $rule)
        }
    };
    (@graph $rule:expr) => { $rule };
    (@graph $rule:expr, $graph:expr) => { $graph };
    (@record $self:ident, $name:ident, $node:literal, $out:ident, $backward:expr, $cost:expr, |$g:ident, $yt:ident| $rule:expr, graph $graph:expr) => {
        record_unary_saving_output($node, &[$self], $out, |output| {
            let backward: Option<ZipKernels> = $backward;
            move |ctx, $g| {
                if ctx.create_graph() {
                    let $yt = output.get_with_history(ctx)?;
                    return Ok(smallvec::smallvec![Some($graph)]);
                }
                let $yt = output.get(ctx)?;
                let fast = backward.and_then(|k| zip_fast($g, &$yt, $cost, k));
                Ok(smallvec::smallvec![Some(fast.unwrap_or_else(|| $rule))])
            }
        })
    };
}

/// Declares an op computed elementwise by `forward` whose derivative is a function of its
/// input `x` (no fast kernel).
macro_rules! plain_input_rule_op {
    ($(#[$doc:meta])* $name:ident, $node:literal, |$x:ident| $forward:expr, |$g:ident, $xt:ident| $rule:expr) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(&self) -> Tensor {
            let out = map_float!(stringify!($name), self, |$x| $forward);
            record_unary_output($node, &[self], out, || {
                let saved = SavedTensor::new(self);
                move |ctx, $g| {
                    let $xt = saved.get(ctx)?;
                    Ok(smallvec::smallvec![Some($rule)])
                }
            })
        }
    };
}
pub(super) use {output_rule_op, plain_input_rule_op};

impl Tensor {
    /// `-x`. d/dx = -1.
    #[track_caller]
    pub fn neg(&self) -> Tensor {
        let out = map_float!("neg", self, |x| -x);
        record_unary_output("NegBackward0", &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.neg())])
        })
    }

    /// `x^exponent` for a scalar exponent. d/dx = exponent * x^(exponent - 1) (0 when the
    /// exponent is 0, as PyTorch).
    ///
    /// Like ATen's CPU kernel, some exponents are computed without `powf`: 0.5 as `sqrt(x)`,
    /// -0.5 as `1 / sqrt(x)`, -1 as `1 / x`, 2 as `x * x`, 3 as `x * x * x` and -2 as
    /// `1 / (x * x)`; so `(-0)^0.5` is -0 and `(-0)^-0.5` is -inf (as PyTorch, where C's `pow`
    /// gives +0 and +inf), which makes the gradient of `x^0.5` at -0 `0.5 * (-0)^-0.5 = -inf`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![3.0f64], &[1]).requires_grad_(true);
    /// x.pow(2.0).sum().backward();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![6.0]);
    /// ```
    #[track_caller]
    pub fn pow(&self, exponent: f64) -> Tensor {
        // (`powf` already gives ATen's 1 for exponent 0, NaN included, and x for exponent 1.)
        let out = if exponent == 2.0 {
            map_float!("pow", self, |x| x * x)
        } else if exponent == 3.0 {
            map_float!("pow", self, |x| x * x * x)
        } else if exponent == -2.0 {
            map_float!("pow", self, |x| like(x, 1.0) / (x * x))
        } else if exponent == 0.5 {
            map_float!("pow", self, |x| x.sqrt())
        } else if exponent == -0.5 {
            map_float!("pow", self, |x| like(x, 1.0) / x.sqrt())
        } else if exponent == -1.0 {
            map_float!("pow", self, |x| like(x, 1.0) / x)
        } else {
            map_float!("pow", self, |x| x.powf(like(x, exponent)))
        };
        record_unary_output("PowBackward0", &[self], out, || {
            let saved = SavedTensor::new(self);
            move |ctx, g| {
                if exponent == 0.0 {
                    return Ok(smallvec::smallvec![Some(g.zeros_like())]);
                }
                let x = saved.get(ctx)?;
                Ok(smallvec::smallvec![Some(
                    g.mul(&x.pow(exponent - 1.0).mul_number(exponent)),
                )])
            }
        })
    }

    output_rule_op!(
        /// `e^x`. d/dx = e^x.
        exp, "ExpBackward0", fast kernels!(fast_exp, fast_exp_backward), Cost::Arithmetic, |g, y| g.mul(&y)
    );

    input_rule_op!(
        /// Natural logarithm. d/dx = 1/x.
        log, "LogBackward0", fast kernels!(fast_ln, fast_ln_backward), Cost::Arithmetic, |g, x| g.div(x)
    );

    output_rule_op!(
        /// Square root. d/dx = 1/(2 sqrt(x)).
        sqrt, "SqrtBackward0", |x| x.sqrt(), |g, y| g.div(&y.mul_number(2.0))
    );

    plain_input_rule_op!(
        /// Absolute value. d/dx = sign(x): 0 at 0 (PyTorch's subgradient) and at NaN (ATen's
        /// `sgn(NaN)` is 0).
        abs, "AbsBackward0", |x| x.abs(), |g, x| g.mul(&x.sgn())
    );

    input_rule_op!(
        /// Sine. d/dx = cos(x).
        sin, "SinBackward0", fast kernels!(fast_sin, fast_sin_backward), Cost::Transcendental, |g, x| g.mul(&x.cos())
    );

    input_rule_op!(
        /// Cosine. d/dx = -sin(x).
        cos, "CosBackward0", fast kernels!(fast_cos, fast_cos_backward), Cost::Transcendental, |g, x| g.mul(&x.sin().neg())
    );

    output_rule_op!(
        /// Hyperbolic tangent. d/dx = 1 - tanh(x)^2.
        tanh, "TanhBackward0", fast kernels!(fast_tanh, fast_tanh_backward), Cost::Arithmetic, |g, y| tanh_backward(g, &y),
        graph tanh_backward_recorded(g, &y)
    );

    output_rule_op!(
        /// Logistic sigmoid `1 / (1 + e^-x)`. d/dx = y (1 - y).
        sigmoid, "SigmoidBackward0", fast kernels!(fast_sigmoid, fast_sigmoid_backward), Cost::Arithmetic, |g, y| sigmoid_backward(g, &y),
        graph sigmoid_backward_recorded(g, &y)
    );

    /// `max(x, 0)` (NaN stays NaN). d/dx = 1 where x > 0, else 0 (0 at 0, as PyTorch).
    #[track_caller]
    pub fn relu(&self) -> Tensor {
        // Negatives become 0; NaN and -0 stay as they are (as PyTorch).
        let out = map_float!("relu", self, |x| if x < like(x, 0.0) {
            like(x, 0.0)
        } else {
            x
        });
        record_unary_saving_output("ReluBackward0", &[self], out, |output| {
            move |ctx, g| {
                if ctx.create_graph() {
                    // Recorded as PyTorch's ThresholdBackwardBackward0 on `g` and the saved
                    // result (whose history is this node): a second derivative is zero rather
                    // than "not in the graph".
                    return Ok(smallvec::smallvec![Some(relu_grad_recorded(
                        g,
                        &output.get_with_history(ctx)?
                    ))]);
                }
                Ok(smallvec::smallvec![Some(relu_grad(g, &output.get(ctx)?))])
            }
        })
    }

    /// -1, 0 or 1 by the sign of each element; 0 (+0) at ±0 and at NaN, as ATen's
    /// `(0 < x) - (x < 0)`. Not differentiable (zero gradient).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![f64::NAN, -0.0, -2.0, 3.0], &[4]);
    /// assert_eq!(x.sign().to_vec(), vec![0.0, 0.0, -1.0, 1.0]);
    /// ```
    #[track_caller]
    pub fn sign(&self) -> Tensor {
        self.sign_recorded_as("SignBackward0")
    }

    /// [`Tensor::sign`] as PyTorch's `sgn` (node `SgnBackward0`), which `abs`'s backward
    /// multiplies by: the same values and zero gradient on real tensors.
    #[track_caller]
    pub(crate) fn sgn(&self) -> Tensor {
        self.sign_recorded_as("SgnBackward0")
    }

    /// The sign of each element, recorded as `node` with a zero gradient.
    #[track_caller]
    fn sign_recorded_as(&self, node: &'static str) -> Tensor {
        let out = map_float!("sign", self, |x| {
            if x > like(x, 0.0) {
                like(x, 1.0)
            } else if x < like(x, 0.0) {
                like(x, -1.0)
            } else {
                like(x, 0.0)
            }
        });
        record_unary_output(node, &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.zeros_like())])
        })
    }
}

/// tanh's backward from its output `y`, op by op (PyTorch's `tanh_backward`):
/// `g * (1 - y^2)`.
fn tanh_backward(g: &Tensor, y: &Tensor) -> Tensor {
    g.mul(&y.mul(y).rsub_scalar(1.0))
}

/// [`tanh_backward`] recorded for `create_graph` as PyTorch's one `TanhBackwardBackward0` node
/// on `(g, y)`. Its own backward (derivatives.yaml's `tanh_backward` entry):
/// `tanh_backward(gg, y)` to `g`, `gg * (-2 y * g)` to `y`.
fn tanh_backward_recorded(g: &Tensor, y: &Tensor) -> Tensor {
    record_formula(
        "TanhBackwardBackward0",
        &[g, y],
        &[g, y],
        |t| tanh_backward(t[0], t[1]),
        |ctx, gg, saved| {
            let (g, y) = (&saved[0], &saved[1]);
            Ok(smallvec::smallvec![
                ctx.needs_input_grad(0)
                    .then(|| tanh_backward_recorded(gg, y)),
                ctx.needs_input_grad(1)
                    .then(|| gg.mul(&y.mul_number(-2.0).mul(g))),
            ])
        },
    )
}

/// sigmoid's backward from its output `y`, op by op (PyTorch's `sigmoid_backward`):
/// `g * y (1 - y)`.
fn sigmoid_backward(g: &Tensor, y: &Tensor) -> Tensor {
    g.mul(&y.mul(&y.rsub_scalar(1.0)))
}

/// [`sigmoid_backward`] recorded for `create_graph` as PyTorch's one
/// `SigmoidBackwardBackward0` node on `(g, y)`. Its own backward (derivatives.yaml's
/// `sigmoid_backward` entry): `sigmoid_backward(gg, y)` to `g`, `gg * g * (-2 y + 1)` to `y`.
fn sigmoid_backward_recorded(g: &Tensor, y: &Tensor) -> Tensor {
    record_formula(
        "SigmoidBackwardBackward0",
        &[g, y],
        &[g, y],
        |t| sigmoid_backward(t[0], t[1]),
        |ctx, gg, saved| {
            let (g, y) = (&saved[0], &saved[1]);
            Ok(smallvec::smallvec![
                ctx.needs_input_grad(0)
                    .then(|| sigmoid_backward_recorded(gg, y)),
                ctx.needs_input_grad(1)
                    .then(|| gg.mul(g).mul(&y.mul_number(-2.0).add_number(1.0))),
            ])
        },
    )
}

/// relu's backward without recording (PyTorch's `threshold_backward` at 0): the gradient
/// passes unless `y` is <= 0 (so it also passes at NaN), and is 0 where it does not, even a
/// NaN one. `y` is relu's output or its input: both are <= 0 at the same places.
pub(crate) fn relu_grad(g: &Tensor, y: &Tensor) -> Tensor {
    let kernels: ZipKernels = (relu_backward::<f32>, relu_backward::<f64>);
    zip_fast(g, y, Cost::Arithmetic, kernels)
        .unwrap_or_else(|| Tensor::where_cond(&y.le(0.0), &g.zeros_like(), g))
}

/// [`relu_grad`] recorded for `create_graph` (PyTorch's `threshold_backward(grad, x, 0)`,
/// node `ThresholdBackwardBackward0`, which saves `x` only): the same values (the gradient
/// passes at NaN), a gradient `threshold_backward(gg, x, 0)` to `g` and zeros to `x`
/// (derivatives.yaml's `threshold_backward` entry).
pub(crate) fn relu_grad_recorded(g: &Tensor, x: &Tensor) -> Tensor {
    record_formula(
        "ThresholdBackwardBackward0",
        &[g, x],
        &[x],
        |t| relu_grad(t[0], t[1]),
        |ctx, gg, saved| {
            let x = &saved[0];
            Ok(smallvec::smallvec![
                ctx.needs_input_grad(0).then(|| relu_grad_recorded(gg, x)),
                ctx.needs_input_grad(1).then(|| gg.zeros_like()),
            ])
        },
    )
}

/// `out = y <= 0 ? 0 : g`, elementwise.
fn relu_backward<T: crate::dtype::Float>(g: &[T], y: &[T], out: &mut [T]) {
    for ((o, &g), &y) in out.iter_mut().zip(g).zip(y) {
        *o = if y <= T::zero() { T::zero() } else { g };
    }
}
