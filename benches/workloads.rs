//! DESIGN.md's five workloads (W1-W5): the dynamic tape against a hand-written gradient in
//! plain Rust loops (and, where the macro covers them, its static backward), each in one
//! criterion group so every ratio comes from the same run.
//!
//! `cargo bench --bench workloads`; see benches/README.md for reading the output.

use autograd::Tensor;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

mod hand_written;
mod static_paths;

/// W1: `x = ones(2,2)`; `out = mean((x + 2)^2 * 3)`; backward; read `x.grad`.
fn w1_dynamic() -> Vec<f64> {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let y = &x + 2.0;
    let out = (&y * &y * 3.0).mean();
    out.backward();
    x.grad().expect("grad").to_vec()
}

/// W2: the tutorial's doubling loop with a vector-Jacobian product.
fn w2_dynamic() -> Vec<f64> {
    let x = Tensor::from_vec(vec![0.5f32, -0.3, 0.8], &[3]).requires_grad_(true);
    let mut y = &x * 2.0;
    while y.norm().item() < 1000.0 {
        y = y * 2.0;
    }
    y.backward_with(&Tensor::from_vec(vec![0.1f32, 1.0, 0.0001], &[3]));
    x.grad().expect("grad").to_vec()
}

/// The values `sin(i * 0.37) * 0.1` over a shape, as W3 fills every tensor.
pub fn w3_fill(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec(
        (0..n).map(|i| ((i as f32) * 0.37).sin() * 0.1).collect(),
        shape,
    )
}

/// W3's tensors: x, W1, b1, W2, b2, t.
pub fn w3_inputs() -> [Tensor; 6] {
    [
        w3_fill(&[64, 784]),
        w3_fill(&[784, 256]).requires_grad_(true),
        w3_fill(&[256]).requires_grad_(true),
        w3_fill(&[256, 10]).requires_grad_(true),
        w3_fill(&[10]).requires_grad_(true),
        w3_fill(&[64, 10]),
    ]
}

/// W3: one MLP step, `loss = mean((relu(x W1 + b1) W2 + b2 - t)^2)`; backward.
fn w3_dynamic(inputs: &[Tensor; 6]) {
    let [x, w1, b1, w2, b2, t] = inputs;
    for p in [w1, b1, w2, b2] {
        p.zero_grad();
    }
    let h = (x.matmul(w1) + b1).relu();
    let o = h.matmul(w2) + b2;
    let d = o - t;
    (&d * &d).mean().backward();
}

/// W4's input: 1e6 values `sin(i * 0.001)`.
pub fn w4_input() -> Tensor {
    Tensor::from_vec(
        (0..1_000_000).map(|i| ((i as f32) * 0.001).sin()).collect(),
        &[1_000_000],
    )
    .requires_grad_(true)
}

/// W4: `loss = sum(tanh(x*2 + 1) * x)`; backward.
fn w4_dynamic(x: &Tensor) {
    x.zero_grad();
    ((x * 2.0 + 1.0).tanh() * x).sum().backward();
}

/// W5: 0-d `a = 0.5, b = 1.5`; `c = a`; 100 times `c = sin(c*b + a)`; backward.
fn w5_dynamic() -> (f64, f64) {
    let a = Tensor::scalar(0.5).requires_grad_(true);
    let b = Tensor::scalar(1.5).requires_grad_(true);
    let mut c = a.clone();
    for _ in 0..100 {
        c = (&c * &b + &a).sin();
    }
    c.backward();
    (
        a.grad().expect("grad").item(),
        b.grad().expect("grad").item(),
    )
}

fn workloads(c: &mut Criterion) {
    let mut group = c.benchmark_group("W1 tutorial");
    group.bench_function("dynamic", |b| b.iter(|| black_box(w1_dynamic())));
    group.bench_function("static", |b| {
        b.iter(|| black_box(static_paths::w1_static()))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand_written::w1(black_box(&[1.0; 4]))))
    });
    group.finish();

    let mut group = c.benchmark_group("W2 loop");
    group.bench_function("dynamic", |b| b.iter(|| black_box(w2_dynamic())));
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand_written::w2(black_box([0.5, -0.3, 0.8]))))
    });
    group.finish();

    let mut group = c.benchmark_group("W3 mlp");
    group.sample_size(20);
    let inputs = w3_inputs();
    group.bench_function("dynamic", |b| b.iter(|| w3_dynamic(&inputs)));
    group.bench_function("static", |b| b.iter(|| static_paths::w3_static(&inputs)));
    group.finish();

    let mut group = c.benchmark_group("W4 elementwise");
    group.sample_size(10);
    let x = w4_input();
    group.bench_function("dynamic", |b| b.iter(|| w4_dynamic(&x)));
    group.bench_function("static", |b| b.iter(|| static_paths::w4_static(&x)));
    let values: Vec<f32> = x.to_vec().into_iter().map(|v| v as f32).collect();
    let mut grad = vec![0.0f32; values.len()];
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand_written::w4(&values, &mut grad)))
    });
    group.finish();

    let mut group = c.benchmark_group("W5 scalar chain");
    group.bench_function("dynamic", |b| b.iter(|| black_box(w5_dynamic())));
    group.bench_function("static", |b| {
        b.iter(|| black_box(static_paths::w5_static()))
    });
    group.bench_function("hand_written", |b| {
        b.iter(|| black_box(hand_written::w5(black_box(0.5), black_box(1.5))))
    });
    group.finish();
}

criterion_group!(benches, workloads);
criterion_main!(benches);
