//! Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay.

use super::{
    cast, check_not_negative, checked_grad, collect_params, update_in_place, zero_state, Optimizer,
    UpdateRule,
};
use crate::dtype::Float;
use crate::grad_mode::NoGradGuard;
use crate::storage::Buffer;
use crate::Tensor;

/// `torch.optim.SGD`. For each parameter `p` with gradient `g`, learning rate `lr`, momentum
/// `mu`, dampening `tau` and weight decay `lambda`, at step `t`:
///
/// ```text
/// g = -g                                  if maximize
/// g = g + lambda * p                      if lambda != 0
/// if mu != 0:
///     b = g                               at t = 1
///     b = mu * b + (1 - tau) * g          at t > 1
///     g = g + mu * b                      if nesterov
///     g = b                               otherwise
/// p = p - lr * g
/// ```
///
/// Defaults are PyTorch's: no momentum, no dampening, no weight decay, no Nesterov.
///
/// ```
/// use autograd::optim::{Optimizer, Sgd};
/// use autograd::Tensor;
///
/// let w = Tensor::from_vec(vec![1.0f64], &[1]).requires_grad_(true);
/// let mut opt = Sgd::new([w.clone()], 0.1).momentum(0.9).nesterov(true);
/// (&w * 2.0).sum().backward(); // g = 2
/// opt.step(); // b = 2; g = 2 + 0.9 * 2 = 3.8; w = 1 - 0.1 * 3.8
/// assert!((w.item() - 0.62).abs() < 1e-12);
/// ```
pub struct Sgd {
    params: Vec<Tensor>,
    lr: f64,
    momentum: f64,
    dampening: f64,
    weight_decay: f64,
    nesterov: bool,
    maximize: bool,
    /// The momentum buffer of each parameter, created at its first step.
    momentum_buffers: Vec<Option<Vec<Buffer>>>,
}

impl Sgd {
    /// SGD over `params` (leaves that require grad) with learning rate `lr`.
    ///
    /// # Panics
    /// On an empty parameter list, a non-leaf or non-float parameter, a parameter given
    /// twice, or a negative learning rate.
    #[track_caller]
    pub fn new(params: impl IntoIterator<Item = Tensor>, lr: f64) -> Sgd {
        check_not_negative("Sgd", "learning rate", lr);
        let params = collect_params("Sgd", params);
        let n = params.len();
        Sgd {
            params,
            lr,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
            maximize: false,
            momentum_buffers: vec![None; n],
        }
    }

    /// Momentum factor `mu` (default 0).
    #[track_caller]
    pub fn momentum(mut self, momentum: f64) -> Sgd {
        check_not_negative("Sgd", "momentum value", momentum);
        self.momentum = momentum;
        self
    }

    /// Dampening `tau` for momentum (default 0).
    pub fn dampening(mut self, dampening: f64) -> Sgd {
        self.dampening = dampening;
        self
    }

    /// L2 penalty `lambda` added to the gradient (default 0).
    #[track_caller]
    pub fn weight_decay(mut self, weight_decay: f64) -> Sgd {
        check_not_negative("Sgd", "weight_decay value", weight_decay);
        self.weight_decay = weight_decay;
        self
    }

    /// Nesterov momentum (default off); needs a momentum and zero dampening, checked at `step`.
    pub fn nesterov(mut self, nesterov: bool) -> Sgd {
        self.nesterov = nesterov;
        self
    }

    /// Maximizes the objective instead of minimizing it (default off).
    pub fn maximize(mut self, maximize: bool) -> Sgd {
        self.maximize = maximize;
        self
    }
}

impl std::fmt::Debug for Sgd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sgd")
            .field("params", &self.params.len())
            .field("lr", &self.lr)
            .field("momentum", &self.momentum)
            .field("dampening", &self.dampening)
            .field("weight_decay", &self.weight_decay)
            .field("nesterov", &self.nesterov)
            .field("maximize", &self.maximize)
            .finish()
    }
}

/// One SGD update of one parameter; `state` holds the momentum buffer when momentum is on.
struct SgdRule {
    lr: f64,
    momentum: f64,
    dampening: f64,
    weight_decay: f64,
    nesterov: bool,
    maximize: bool,
    first_step: bool,
}

impl UpdateRule for SgdRule {
    /// PyTorch's `_single_tensor_sgd`, whose `add(other, alpha=a)` kernels compute
    /// `self + a * other` with one rounding (a fused multiply-add), as `mul_add` does here.
    fn apply<T: Float>(&self, param: &mut [T], grad: &[T], state: &mut [&mut [T]]) {
        let (neg_lr, mu, wd) = (
            cast::<T>(-self.lr),
            cast::<T>(self.momentum),
            cast::<T>(self.weight_decay),
        );
        let one_minus_tau = cast::<T>(1.0 - self.dampening);
        for i in 0..param.len() {
            let mut d = if self.maximize { -grad[i] } else { grad[i] };
            if self.weight_decay != 0.0 {
                // grad.add(param, alpha=weight_decay)
                d = wd.mul_add(param[i], d);
            }
            if self.momentum != 0.0 {
                let b = &mut state[0][i];
                // buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                *b = if self.first_step {
                    d
                } else {
                    one_minus_tau.mul_add(d, *b * mu)
                };
                // grad.add(buf, alpha=momentum) with Nesterov, else buf
                d = if self.nesterov { mu.mul_add(*b, d) } else { *b };
            }
            // param.add_(grad, alpha=-lr)
            param[i] = neg_lr.mul_add(d, param[i]);
        }
    }
}

impl Optimizer for Sgd {
    #[track_caller]
    fn step(&mut self) {
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            panic!(
                "Sgd: Nesterov momentum requires a momentum and zero dampening (momentum {}, dampening {})",
                self.momentum, self.dampening
            );
        }
        let _no_grad = NoGradGuard::new();
        for (i, p) in self.params.iter().enumerate() {
            let Some(grad) = checked_grad("Sgd", i, p) else {
                continue;
            };
            let slots = usize::from(self.momentum != 0.0);
            let first_step = self.momentum_buffers[i].is_none();
            let state = self.momentum_buffers[i].get_or_insert_with(|| zero_state(p, slots));
            let rule = SgdRule {
                lr: self.lr,
                momentum: self.momentum,
                dampening: self.dampening,
                weight_decay: self.weight_decay,
                nesterov: self.nesterov,
                maximize: self.maximize,
                first_step,
            };
            update_in_place(p, &grad, state, &rule);
        }
    }

    fn params(&self) -> &[Tensor] {
        &self.params
    }

    fn learning_rate(&self) -> f64 {
        self.lr
    }

    #[track_caller]
    fn set_learning_rate(&mut self, lr: f64) {
        check_not_negative("Sgd", "learning rate", lr);
        self.lr = lr;
    }
}
