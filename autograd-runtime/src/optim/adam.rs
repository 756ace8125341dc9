//! Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay.

use super::{
    cast, check_at_least_zero, checked_grad, collect_params, update_in_place, zero_state,
    Optimizer, UpdateRule,
};
use crate::dtype::Float;
use crate::grad_mode::NoGradGuard;
use crate::python_float::python_float;
use crate::storage::Buffer;
use crate::Tensor;

/// What Adam and AdamW share: hyperparameters, per-parameter state, and the update.
struct AdamCore {
    name: &'static str,
    params: Vec<Tensor>,
    lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
    /// AdamW: decay the parameter (`p *= 1 - lr * lambda`) instead of adding `lambda * p`
    /// to the gradient.
    decoupled: bool,
    amsgrad: bool,
    maximize: bool,
    /// Per parameter: its step count and state (first moment, second moment, and with
    /// amsgrad the running maximum of the second moment), created at its first step.
    state: Vec<Option<(u64, Vec<Buffer>)>>,
}

impl AdamCore {
    #[track_caller]
    fn new(
        name: &'static str,
        params: impl IntoIterator<Item = Tensor>,
        weight_decay: f64,
        decoupled: bool,
    ) -> AdamCore {
        let params = collect_params(name, params);
        let n = params.len();
        AdamCore {
            name,
            params,
            lr: 1e-3,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay,
            decoupled,
            amsgrad: false,
            maximize: false,
            state: (0..n).map(|_| None).collect(),
        }
    }

    #[track_caller]
    fn set_betas(&mut self, betas: (f64, f64)) {
        for (i, beta) in [betas.0, betas.1].into_iter().enumerate() {
            // PyTorch's `if not 0.0 <= beta < 1.0` (NaN fails).
            if !(0.0..1.0).contains(&beta) {
                panic!(
                    "{}: Invalid beta parameter at index {i}: {}",
                    self.name,
                    python_float(beta)
                );
            }
        }
        self.betas = betas;
    }

    fn step(&mut self) {
        let _no_grad = NoGradGuard::new();
        let slots = if self.amsgrad { 3 } else { 2 };
        for (i, p) in self.params.iter().enumerate() {
            let Some(grad) = checked_grad(self.name, i, p) else {
                continue;
            };
            let (step, state) = self.state[i].get_or_insert_with(|| (0, zero_state(p, slots)));
            *step += 1;
            let rule = AdamRule {
                lr: self.lr,
                betas: self.betas,
                eps: self.eps,
                weight_decay: self.weight_decay,
                decoupled: self.decoupled,
                amsgrad: self.amsgrad,
                maximize: self.maximize,
                step: *step,
            };
            update_in_place(p, &grad, state, &rule);
        }
    }
}

/// One Adam/AdamW update of one parameter at step `step` (1-based), as PyTorch's
/// single-tensor implementation orders it.
struct AdamRule {
    lr: f64,
    betas: (f64, f64),
    eps: f64,
    weight_decay: f64,
    decoupled: bool,
    amsgrad: bool,
    maximize: bool,
    step: u64,
}

impl UpdateRule for AdamRule {
    /// PyTorch's `_single_tensor_adam`, rounding as its CPU kernels do: `add(other, alpha)`,
    /// `lerp_` and `addcmul_` fuse their last multiply-add (`mul_add` here), `addcdiv_` does
    /// not.
    fn apply<T: Float>(&self, param: &mut [T], grad: &[T], state: &mut [&mut [T]]) {
        let (beta1, beta2) = self.betas;
        // Bias corrections in f64, as PyTorch computes them from Python floats.
        let bias_correction1 = 1.0 - beta1.powf(self.step as f64);
        let bias_correction2_sqrt = (1.0 - beta2.powf(self.step as f64)).powf(0.5);
        let step_size = cast::<T>(self.lr / bias_correction1);
        let bc2_sqrt = cast::<T>(bias_correction2_sqrt);
        let (w1, b2, b2c) = (
            cast::<T>(1.0 - beta1),
            cast::<T>(beta2),
            cast::<T>(1.0 - beta2),
        );
        let (eps, wd) = (cast::<T>(self.eps), cast::<T>(self.weight_decay));
        let decay = cast::<T>(1.0 - self.lr * self.weight_decay);
        let [m, v, rest @ ..] = state else {
            unreachable!("Adam keeps two or three state slots")
        };
        for i in 0..param.len() {
            let mut g = if self.maximize { -grad[i] } else { grad[i] };
            if self.weight_decay != 0.0 {
                if self.decoupled {
                    param[i] = param[i] * decay;
                } else {
                    // grad.add(param, alpha=weight_decay)
                    g = wd.mul_add(param[i], g);
                }
            }
            m[i] = lerp(m[i], g, w1);
            // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            v[i] = (b2c * g).mul_add(g, v[i] * b2);
            let second = if self.amsgrad {
                let max = &mut rest[0][i];
                *max = maximum(*max, v[i]);
                *max
            } else {
                v[i]
            };
            let denom = second.sqrt() / bc2_sqrt + eps;
            // param.addcdiv_(exp_avg, denom, value=-step_size)
            param[i] = param[i] - step_size * m[i] / denom;
        }
    }
}

/// `start.lerp(end, weight)` as PyTorch's CPU kernel computes it: from `start` for weights
/// below one half, from `end` otherwise, with one rounding.
fn lerp<T: Float>(start: T, end: T, weight: T) -> T {
    if weight.abs() < cast::<T>(0.5) {
        weight.mul_add(end - start, start)
    } else {
        (weight - T::one()).mul_add(end - start, end)
    }
}

/// `torch.maximum`: the larger value, NaN if either is NaN.
fn maximum<T: Float>(a: T, b: T) -> T {
    if a.is_nan() || b.is_nan() {
        T::nan()
    } else if b > a {
        b
    } else {
        a
    }
}

macro_rules! adam_builders {
    ($ty:ident) => {
        impl $ty {
            /// Learning rate `lr` (default 1e-3).
            #[track_caller]
            pub fn lr(mut self, lr: f64) -> $ty {
                check_at_least_zero(self.0.name, "learning rate", lr);
                self.0.lr = lr;
                self
            }

            /// Coefficients `(beta1, beta2)` of the running averages of the gradient and of its
            /// square (default `(0.9, 0.999)`); each in `[0, 1)`.
            #[track_caller]
            pub fn betas(mut self, betas: (f64, f64)) -> $ty {
                self.0.set_betas(betas);
                self
            }

            /// Term `eps` added to the denominator for numerical stability (default 1e-8).
            #[track_caller]
            pub fn eps(mut self, eps: f64) -> $ty {
                check_at_least_zero(self.0.name, "epsilon value", eps);
                self.0.eps = eps;
                self
            }

            /// Weight decay `lambda`.
            #[track_caller]
            pub fn weight_decay(mut self, weight_decay: f64) -> $ty {
                check_at_least_zero(self.0.name, "weight_decay value", weight_decay);
                self.0.weight_decay = weight_decay;
                self
            }

            /// The AMSGrad variant: divide by the running maximum of the second moment
            /// (default off).
            pub fn amsgrad(mut self, amsgrad: bool) -> $ty {
                self.0.amsgrad = amsgrad;
                self
            }

            /// Maximizes the objective instead of minimizing it (default off).
            pub fn maximize(mut self, maximize: bool) -> $ty {
                self.0.maximize = maximize;
                self
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let core = &self.0;
                f.debug_struct(core.name)
                    .field("params", &core.params.len())
                    .field("lr", &core.lr)
                    .field("betas", &core.betas)
                    .field("eps", &core.eps)
                    .field("weight_decay", &core.weight_decay)
                    .field("amsgrad", &core.amsgrad)
                    .field("maximize", &core.maximize)
                    .finish()
            }
        }

        impl Optimizer for $ty {
            #[track_caller]
            fn step(&mut self) {
                self.0.step();
            }

            fn params(&self) -> &[Tensor] {
                &self.0.params
            }

            fn learning_rate(&self) -> f64 {
                self.0.lr
            }

            #[track_caller]
            fn set_learning_rate(&mut self, lr: f64) {
                check_at_least_zero(self.0.name, "learning rate", lr);
                self.0.lr = lr;
            }
        }
    };
}

/// `torch.optim.Adam`. For each parameter `p` with gradient `g` at step `t` (from 1), with
/// `m` and `v` starting at zero:
///
/// ```text
/// g = -g                                    if maximize
/// g = g + lambda * p                        if lambda != 0   (L2 penalty)
/// m = beta1 * m + (1 - beta1) * g
/// v = beta2 * v + (1 - beta2) * g^2
/// v_max = max(v_max, v)                     if amsgrad (then v_max replaces v below)
/// p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
/// ```
///
/// Defaults are PyTorch's: `lr` 1e-3, `betas` (0.9, 0.999), `eps` 1e-8, `weight_decay` 0,
/// no AMSGrad.
///
/// ```
/// use autograd::optim::{Adam, Optimizer};
/// use autograd::Tensor;
///
/// let w = Tensor::from_vec(vec![1.0f64], &[1]).requires_grad_(true);
/// let mut opt = Adam::new([w.clone()]).lr(0.1);
/// (&w * 3.0).sum().backward();
/// opt.step(); // the first Adam step moves each parameter by about lr, against the gradient
/// assert!((w.item() - 0.9).abs() < 1e-6);
/// ```
pub struct Adam(AdamCore);

impl Adam {
    /// Adam over `params` (leaves that require grad), with PyTorch's defaults.
    ///
    /// # Panics
    /// On an empty parameter list, a non-leaf or non-float parameter, or one given twice.
    #[track_caller]
    pub fn new(params: impl IntoIterator<Item = Tensor>) -> Adam {
        Adam(AdamCore::new("Adam", params, 0.0, false))
    }
}

adam_builders!(Adam);

/// `torch.optim.AdamW`: [`Adam`] with decoupled weight decay. Before the moment updates, each
/// step shrinks the parameter, `p = p * (1 - lr * lambda)`, instead of adding `lambda * p` to
/// the gradient; the rest of the update is Adam's.
///
/// Defaults are PyTorch's: `lr` 1e-3, `betas` (0.9, 0.999), `eps` 1e-8, `weight_decay` 1e-2,
/// no AMSGrad.
///
/// ```
/// use autograd::optim::{AdamW, Optimizer};
/// use autograd::Tensor;
///
/// let w = Tensor::from_vec(vec![2.0f64], &[1]).requires_grad_(true);
/// let mut opt = AdamW::new([w.clone()]).lr(0.1).weight_decay(0.5);
/// (&w * 0.0).sum().backward(); // zero gradient: only the decay acts
/// opt.step(); // w = 2 * (1 - 0.1 * 0.5)
/// assert!((w.item() - 1.9).abs() < 1e-12);
/// ```
pub struct AdamW(AdamCore);

impl AdamW {
    /// AdamW over `params` (leaves that require grad), with PyTorch's defaults.
    ///
    /// # Panics
    /// On an empty parameter list, a non-leaf or non-float parameter, or one given twice.
    #[track_caller]
    pub fn new(params: impl IntoIterator<Item = Tensor>) -> AdamW {
        AdamW(AdamCore::new("AdamW", params, 1e-2, true))
    }
}

adam_builders!(AdamW);
