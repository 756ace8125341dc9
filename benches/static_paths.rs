//! The workloads through `#[differentiable]`'s static backward: each tensor function below is
//! `#[differentiable(static)]`, so its body runs with recording off and records ONE node whose
//! backward was generated at compile time (W1 and W4 are single fused chains: one loop
//! forward, one backward); W5 is the plain-number gradient (no tape at all).

use autograd::{differentiable, Tensor};

#[differentiable(static)]
fn tutorial_out(x: &Tensor) -> Tensor {
    let y = x + 2.0;
    (&y * &y * 3.0).mean()
}

/// W1 through the macro.
pub fn w1_static() -> Vec<f64> {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    tutorial_out(&x).backward();
    x.grad().expect("grad").to_vec()
}

#[differentiable(static)]
fn mlp_loss(x: &Tensor, w1: &Tensor, b1: &Tensor, w2: &Tensor, b2: &Tensor, t: &Tensor) -> Tensor {
    let h = (x.matmul(w1) + b1).relu();
    let d = h.matmul(w2) + b2 - t;
    (&d * &d).mean()
}

/// W3 through the macro.
pub fn w3_static(inputs: &[Tensor; 6]) {
    let [x, w1, b1, w2, b2, t] = inputs;
    for p in [w1, b1, w2, b2] {
        p.zero_grad();
    }
    mlp_loss(x, w1, b1, w2, b2, t).backward();
}

#[differentiable(static)]
fn elementwise_loss(x: &Tensor) -> Tensor {
    ((x * 2.0 + 1.0).tanh() * x).sum()
}

/// W4 through the macro.
pub fn w4_static(x: &Tensor) {
    x.zero_grad();
    elementwise_loss(x).backward();
}

#[differentiable(static)]
fn chain_step(c: &Tensor, a: &Tensor, b: &Tensor) -> Tensor {
    (c * b + a).sin()
}

/// W5 through the macro's plain-number mode: the whole chain on `f64` with no tape (only its
/// generated `scalar_chain_grad` is benchmarked).
#[allow(dead_code)]
#[differentiable(static)]
fn scalar_chain(a: f64, b: f64) -> f64 {
    let mut c = a;
    for _ in 0..100 {
        c = (c * b + a).sin();
    }
    c
}

/// W5 through the macro.
pub fn w5_static() -> (f64, f64) {
    let (_, (ga, gb)) = scalar_chain_grad(0.5, 1.5);
    (ga, gb)
}

/// W5 on tensors, one annotated step per iteration (kept to compare with the tape).
#[allow(dead_code)]
pub fn w5_tensor_steps() -> (f64, f64) {
    let a = Tensor::scalar(0.5).requires_grad_(true);
    let b = Tensor::scalar(1.5).requires_grad_(true);
    let mut c = a.clone();
    for _ in 0..100 {
        c = chain_step(&c, &a, &b);
    }
    c.backward();
    (
        a.grad().expect("grad").item(),
        b.grad().expect("grad").item(),
    )
}
