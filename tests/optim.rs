//! Optimizers against PyTorch's documented update equations, worked by hand (f64).
//!
//! Most cases minimise `loss = sum(p^2)`, whose gradient is `g = 2p`, from `p = [1.0, -0.5]`.
//! The expected parameters after each step come from the equations in the docs of
//! `torch.optim.SGD`, `torch.optim.Adam` and `torch.optim.AdamW`, evaluated in plain f64.

use autograd::optim::{Adam, AdamW, Optimizer, Sgd};
use autograd::{DType, Tensor};

fn param(values: &[f64]) -> Tensor {
    Tensor::from_vec(values.to_vec(), &[values.len()]).requires_grad_(true)
}

/// Runs `steps` steps of `opt` on `loss = sum(p^2)` and returns `p` after each step.
fn run_square_loss(opt: &mut impl Optimizer, p: &Tensor, steps: usize) -> Vec<Vec<f64>> {
    (0..steps)
        .map(|_| {
            opt.zero_grad();
            (p * p).sum().backward();
            opt.step();
            p.to_vec()
        })
        .collect()
}

/// Runs one step per gradient in `grads`, setting `.grad()` by hand.
fn run_with_grads(opt: &mut impl Optimizer, p: &Tensor, grads: &[f64]) -> Vec<f64> {
    grads
        .iter()
        .map(|&g| {
            p.set_grad(Some(Tensor::from_vec(vec![g], &[1])));
            opt.step();
            p.item()
        })
        .collect()
}

#[track_caller]
fn assert_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() <= tol, "{actual:?} vs {expected:?}");
    }
}

#[test]
fn sgd_plain_steps_against_the_gradient() {
    // p = p - lr * g with a constant g = [0.5, -1]: after 3 steps p = p0 - 3 * 0.1 * g.
    let p = param(&[1.0, 2.0]);
    let mut opt = Sgd::new([p.clone()], 0.1);
    for _ in 0..3 {
        p.set_grad(Some(Tensor::from_vec(vec![0.5f64, -1.0], &[2])));
        opt.step();
    }
    assert_close(&p.to_vec(), &[0.85, 2.3], 1e-15);
}

#[test]
fn sgd_momentum_with_dampening() {
    // mu = 0.9, tau = 0.1, lr = 0.1, g = 1 every step, p0 = 0:
    // t=1: b = g = 1 (no dampening on the first step)       p = -0.1
    // t=2: b = 0.9 * 1 + 0.9 * 1 = 1.8                      p = -0.1 - 0.18 = -0.28
    // t=3: b = 0.9 * 1.8 + 0.9 = 2.52                       p = -0.28 - 0.252 = -0.532
    let p = param(&[0.0]);
    let mut opt = Sgd::new([p.clone()], 0.1).momentum(0.9).dampening(0.1);
    let got = run_with_grads(&mut opt, &p, &[1.0, 1.0, 1.0]);
    assert_close(&got, &[-0.1, -0.28, -0.532], 1e-15);
}

#[test]
fn sgd_nesterov_with_weight_decay() {
    // lr 0.1, mu 0.9, lambda 0.1, nesterov, on sum(p^2) from [1, -0.5]. Step 1 by hand:
    // g = 2p + 0.1p = [2.1, -1.05]; b = g; g = g + 0.9 b = [3.99, -1.995];
    // p = p - 0.1 g = [0.601, -0.3005]. Steps 2 and 3 follow the same equations.
    let p = param(&[1.0, -0.5]);
    let mut opt = Sgd::new([p.clone()], 0.1)
        .momentum(0.9)
        .weight_decay(0.1)
        .nesterov(true);
    let got = run_square_loss(&mut opt, &p, 3);
    assert_close(&got[0], &[0.601, -0.3005], 1e-15);
    assert_close(&got[1], &[0.191101, -0.0955505], 1e-14);
    assert_close(&got[2], &[-0.140468399, 0.0702341995], 1e-14);
}

#[test]
fn sgd_maximize_climbs() {
    // maximize: g = -2p, p = p - 0.1 g = 1.2 p: 1 -> 1.2 -> 1.44.
    let p = param(&[1.0]);
    let mut opt = Sgd::new([p.clone()], 0.1).maximize(true);
    let got = run_square_loss(&mut opt, &p, 2);
    assert_close(&got.concat(), &[1.2, 1.44], 1e-15);
}

#[test]
fn adam_three_steps() {
    // lr 0.1, default betas (0.9, 0.999) and eps 1e-8, on sum(p^2) from [1, -0.5]. Step 1:
    // g = [2, -1]; m = 0.1 g = [0.2, -0.1]; v = 0.001 g^2 = [0.004, 0.001];
    // p = p - 0.1 / (1 - 0.9) * m / (sqrt(v) / sqrt(1 - 0.999) + 1e-8)
    //   = p - 1 * [0.2 / 2.00000001, -0.1 / 1.00000001] = [0.9000000005, -0.400000001].
    let p = param(&[1.0, -0.5]);
    let mut opt = Adam::new([p.clone()]).lr(0.1);
    let got = run_square_loss(&mut opt, &p, 3);
    assert_close(&got[0], &[0.9000000005, -0.400000001], 1e-12);
    assert_close(&got[1], &[0.8004122286917927, -0.3011874216591668], 1e-12);
    assert_close(&got[2], &[0.7015862729460302, -0.2048712525602996], 1e-12);
}

#[test]
fn adam_weight_decay_is_an_l2_penalty_on_the_gradient() {
    // Same as adam_three_steps with g = 2p + 0.1 p.
    let p = param(&[1.0, -0.5]);
    let mut opt = Adam::new([p.clone()]).lr(0.1).weight_decay(0.1);
    let got = run_square_loss(&mut opt, &p, 3);
    assert_close(&got[0], &[0.9000000004761904, -0.4000000009523809], 1e-12);
    assert_close(&got[2], &[0.7015862728718214, -0.2048712524089114], 1e-12);
}

#[test]
fn adam_custom_betas_and_eps() {
    // lr 0.05, betas (0.5, 0.9), eps 1e-3. Step 1: m = 0.5 g, v = 0.1 g^2,
    // p = p - 0.05 / 0.5 * m / (sqrt(v) / sqrt(0.1) + 1e-3) = p - 0.05 * g / (|g| + 1e-3)
    //   = [1 - 0.1 / 2.001, -0.5 + 0.05 / 1.001] = [0.9500249875..., -0.4500499500...].
    let p = param(&[1.0, -0.5]);
    let mut opt = Adam::new([p.clone()]).lr(0.05).betas((0.5, 0.9)).eps(1e-3);
    let got = run_square_loss(&mut opt, &p, 3);
    assert_close(&got[0], &[0.9500249875062469, -0.45004995004995], 1e-12);
    assert_close(&got[2], &[0.8514398141974842, -0.3531425995929488], 1e-12);
}

#[test]
fn adam_amsgrad_divides_by_the_running_max() {
    // lr 0.1, betas (0.9, 0.5), gradients 1, 0.1, 0.01 from p = 0.
    // t=1: m = 0.1, v = 0.5, v_max = 0.5; p = -0.1 / 0.1 * 0.1 / (1 + 1e-8) = -0.099999999
    // t=2: m = 0.1, v = 0.255, v_max = 0.5; bias corrections 0.19 and 0.75;
    //      p = p - 0.1 / 0.19 * 0.1 / (sqrt(0.5) / sqrt(0.75) + 1e-8) = -0.16446025...
    //      (plain Adam uses v = 0.255 there: -0.19026241...)
    let p = param(&[0.0]);
    let mut opt = Adam::new([p.clone()])
        .lr(0.1)
        .betas((0.9, 0.5))
        .amsgrad(true);
    let got = run_with_grads(&mut opt, &p, &[1.0, 0.1, 0.01]);
    assert_close(
        &got,
        &[-0.099999999, -0.16446025459955735, -0.20888153986189642],
        1e-12,
    );

    let p = param(&[0.0]);
    let mut opt = Adam::new([p.clone()]).lr(0.1).betas((0.9, 0.5));
    let got = run_with_grads(&mut opt, &p, &[1.0, 0.1, 0.01]);
    assert_close(
        &got,
        &[-0.099999999, -0.19026241068491184, -0.2782124190520236],
        1e-12,
    );
}

#[test]
fn adamw_decays_the_parameter_before_the_adam_step() {
    // lr 0.1, lambda 0.1. Step 1: p = p * (1 - 0.01) = [0.99, -0.495], then Adam's step with
    // g = 2 * [1, -0.5] (the gradient was taken before the decay): [0.89, -0.395].
    let p = param(&[1.0, -0.5]);
    let mut opt = AdamW::new([p.clone()]).lr(0.1).weight_decay(0.1);
    let got = run_square_loss(&mut opt, &p, 3);
    assert_close(&got[0], &[0.8900000005, -0.395000001], 1e-12);
    assert_close(&got[1], &[0.7815718559365048, -0.2923387042550786], 1e-12);
    assert_close(&got[2], &[0.6751012216400698, -0.19341560428094734], 1e-12);
}

#[test]
fn adamw_default_weight_decay_is_one_hundredth() {
    // Zero gradient: Adam's step is 0, only the decay acts: p = 1 * (1 - 1e-3 * 1e-2).
    let p = param(&[1.0]);
    let mut opt = AdamW::new([p.clone()]);
    p.set_grad(Some(Tensor::from_vec(vec![0.0f64], &[1])));
    opt.step();
    assert_close(&p.to_vec(), &[1.0 - 1e-5], 1e-15);
    assert_eq!(opt.learning_rate(), 1e-3);
    assert_eq!(
        format!("{opt:?}"),
        "AdamW { params: 1, lr: 0.001, betas: (0.9, 0.999), eps: 1e-8, weight_decay: 0.01, amsgrad: false, maximize: false }"
    );
}

#[test]
fn adam_default_lr_is_one_thousandth() {
    // A first Adam step moves each parameter by lr * g / (|g| + eps) ~ lr.
    let p = param(&[1.0, -1.0]);
    let mut opt = Adam::new([p.clone()]);
    run_square_loss(&mut opt, &p, 1);
    assert_close(&p.to_vec(), &[0.999, -0.999], 1e-10);
}

#[test]
fn f32_parameters_keep_their_dtype_and_match_f64() {
    let p32 = Tensor::from_vec(vec![1.0f32, -0.5], &[2]).requires_grad_(true);
    let p64 = param(&[1.0, -0.5]);
    let mut a = Adam::new([p32.clone()]).lr(0.1);
    let mut b = Adam::new([p64.clone()]).lr(0.1);
    let got32 = run_square_loss(&mut a, &p32, 3);
    let got64 = run_square_loss(&mut b, &p64, 3);
    assert_eq!(p32.dtype(), DType::F32);
    assert_close(&got32[2], &got64[2], 1e-6);
}

#[test]
fn step_updates_in_place_and_keeps_leaves() {
    let p = param(&[1.0]);
    let alias = p.clone();
    let before = p.version();
    let mut opt = Sgd::new([p.clone()], 0.5);
    run_square_loss(&mut opt, &p, 1);
    // 1 - 0.5 * 2 = 0, seen through every handle; the version counter moved.
    assert_eq!(alias.to_vec(), vec![0.0]);
    assert!(p.version() > before);
    assert!(p.is_leaf() && p.requires_grad() && p.grad_fn().is_none());
}

#[test]
fn step_skips_parameters_without_gradient_and_counts_steps_per_parameter() {
    // b gets no gradient on the first step, so its first Adam step is at t = 1 later on and
    // moves it by lr, exactly as a's first step did.
    let a = param(&[1.0]);
    let b = param(&[1.0]);
    let mut opt = Adam::new([a.clone(), b.clone()]).lr(0.1);
    (&a * &a).sum().backward();
    opt.step();
    assert_eq!(b.to_vec(), vec![1.0]);
    opt.zero_grad();
    (&b * &b).sum().backward();
    opt.step();
    assert_close(&b.to_vec(), &a.to_vec(), 1e-15);
}

#[test]
fn zero_grad_sets_gradients_to_none() {
    let p = param(&[1.0]);
    let opt = Sgd::new([p.clone()], 0.1);
    (&p * 2.0).sum().backward();
    assert!(p.grad().is_some());
    opt.zero_grad();
    assert!(p.grad().is_none());
}

#[test]
fn set_lr_changes_the_step() {
    let p = param(&[1.0]);
    let mut opt = Sgd::new([p.clone()], 0.1);
    opt.set_learning_rate(0.25);
    assert_eq!(opt.learning_rate(), 0.25);
    assert_eq!(opt.params().len(), 1);
    run_square_loss(&mut opt, &p, 1); // 1 - 0.25 * 2
    assert_eq!(p.to_vec(), vec![0.5]);
}

#[test]
fn optimizers_fit_a_line() {
    // y = 3x + 2 on 8 points; each optimizer gets w and b within 1e-2.
    let x = Tensor::from_vec((0..8).map(|i| i as f64 / 4.0).collect(), &[8]);
    let y = &x * 3.0 + 2.0;
    let fit = |make: &dyn Fn(Vec<Tensor>) -> Box<dyn Optimizer>, steps: usize| {
        let w = param(&[0.0]);
        let b = param(&[0.0]);
        let mut opt = make(vec![w.clone(), b.clone()]);
        for _ in 0..steps {
            opt.zero_grad();
            let err = &x * &w + &b - &y;
            (&err * &err).mean().backward();
            opt.step();
        }
        (w.item(), b.item())
    };
    let fits = [
        fit(&|p| Box::new(Sgd::new(p, 0.1)), 2000),
        fit(
            &|p| Box::new(Sgd::new(p, 0.05).momentum(0.9).nesterov(true)),
            500,
        ),
        fit(&|p| Box::new(Adam::new(p).lr(0.05)), 2000),
        fit(
            &|p| Box::new(AdamW::new(p).lr(0.05).weight_decay(0.0)),
            2000,
        ),
    ];
    for (w, b) in fits {
        assert!(
            (w - 3.0).abs() < 1e-2 && (b - 2.0).abs() < 1e-2,
            "w {w}, b {b}"
        );
    }
}

#[test]
#[should_panic(expected = "Sgd: optimizer got an empty parameter list")]
fn empty_parameter_list_panics() {
    Sgd::new(Vec::new(), 0.1);
}

#[test]
#[should_panic(expected = "Adam: can't optimize a non-leaf Tensor (parameter 0, shape [1]")]
fn non_leaf_parameter_panics() {
    let p = param(&[1.0]);
    Adam::new([&p * 2.0]);
}

#[test]
#[should_panic(expected = "Sgd: Invalid learning rate: -0.1")]
fn negative_lr_panics() {
    Sgd::new([param(&[1.0])], -0.1);
}

#[test]
#[should_panic(expected = "AdamW: Invalid beta parameter at index 1: 1.0")]
fn beta_of_one_panics() {
    AdamW::new([param(&[1.0])]).betas((0.9, 1.0));
}

#[test]
#[should_panic(expected = "Sgd: Nesterov momentum requires a momentum and zero dampening")]
fn nesterov_without_momentum_panics_at_step() {
    let p = param(&[1.0]);
    let mut opt = Sgd::new([p.clone()], 0.1).nesterov(true);
    opt.step();
}

/// A gradient of the wrong shape cannot reach an optimizer: `set_grad` refuses it first (the
/// optimizers' own check stays as a second line).
#[test]
#[should_panic(
    expected = "set_grad: attempting to assign a gradient of size '[2]' to a tensor of size '[1]'"
)]
fn gradient_of_the_wrong_shape_panics() {
    let p = param(&[1.0]);
    let mut opt = Adam::new([p.clone()]);
    p.set_grad(Some(Tensor::from_vec(vec![1.0f64, 2.0], &[2])));
    opt.step();
}

#[test]
#[should_panic(expected = "Sgd: parameter 1 (shape [1]) appears more than once")]
fn duplicate_parameter_panics() {
    let p = param(&[1.0]);
    Sgd::new([p.clone(), p], 0.1);
}
