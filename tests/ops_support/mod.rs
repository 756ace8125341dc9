//! Helpers shared by the `ops_*` integration tests (included with `mod ops_support;`).
#![allow(dead_code)] // each test binary uses a different subset

use autograd::{enable_grad, gradcheck, GradFn, Tensor};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// An F64 leaf that requires grad.
pub fn leaf(data: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape).requires_grad_(true)
}

/// An F64 leaf of `shape` with scattered values in [-2, 2), pairwise at least 4e-3 apart (so
/// no ties for max/min and no kinks within gradcheck's step), none exactly 0.
pub fn sample(shape: &[usize], seed: f64) -> Tensor {
    let n: usize = shape.iter().product();
    let offset = (seed * 1000.0) as usize;
    // 389 is coprime with the prime 997: distinct residues for up to 997 elements.
    let data: Vec<f64> = (0..n)
        .map(|i| ((i * 389 + offset) % 997) as f64 * 4.0 / 997.0 - 2.0)
        .collect();
    for (i, a) in data.iter().enumerate() {
        for b in &data[..i] {
            assert!((a - b).abs() > 1e-3, "sample values too close: {a} {b}");
        }
    }
    leaf(&data, shape)
}

/// Fixed irregular weights with `like`'s shape and dtype, so a weighted sum of an output
/// exercises every output element differently.
pub fn weights(like: &Tensor) -> Tensor {
    let data: Vec<f64> = (0..like.numel())
        .map(|i| ((i as f64) * 0.9 + 0.4).cos() + 0.5)
        .collect();
    Tensor::from_vec(data, like.shape()).to_dtype(like.dtype())
}

/// Asserts `gradcheck` passes.
#[track_caller]
pub fn check(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) {
    if let Err(e) = gradcheck(f, inputs) {
        panic!("gradcheck failed: {e}");
    }
}

/// Gradchecks the first derivative of `sum(f(inputs) * w)` taken with `create_graph`: passes
/// only if every backward rule on the way is itself differentiable and correct.
#[track_caller]
pub fn check_second_order(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) {
    let first_derivative = |v: &[Tensor]| {
        enable_grad(|| {
            let y = f(v);
            let out = (&y * &weights(&y)).sum();
            let refs: Vec<&Tensor> = v.iter().collect();
            let grads = autograd::grad(&[&out], &refs)
                .create_graph(true)
                .allow_unused(true)
                .run()
                .expect("first derivative");
            let flat: Vec<Tensor> = (grads.into_iter().zip(v))
                .map(|(g, x)| g.unwrap_or_else(|| x.zeros_like()).reshape(&[x.numel()]))
                .collect();
            Tensor::cat(&flat.iter().collect::<Vec<_>>(), 0)
        })
    };
    check(first_derivative, inputs);
}

/// Asserts `actual` and `expected` agree elementwise within `tol` (absolute).
#[track_caller]
pub fn assert_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(
        actual.len(),
        expected.len(),
        "lengths differ: {actual:?} vs {expected:?}"
    );
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let same = (a.is_nan() && e.is_nan()) || a == e || (a - e).abs() <= tol;
        assert!(same, "element {i}: got {a}, expected {e} (all: {actual:?})");
    }
}

/// The message `f` panics with.
#[track_caller]
pub fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// The name of `t`'s grad_fn.
#[track_caller]
pub fn node(t: &Tensor) -> String {
    t.grad_fn().expect("a grad_fn").name().to_string()
}

/// `t.grad_fn()` and its `next_functions`, recursively, as `Node(input, ...)`.
pub fn chain(t: &Tensor) -> String {
    fn node(f: &GradFn) -> String {
        let inputs: Vec<String> = f
            .next_functions()
            .into_iter()
            .map(|(next, _)| next.as_ref().map_or_else(|| "None".to_string(), node))
            .collect();
        if inputs.is_empty() {
            f.name().to_string()
        } else {
            format!("{}({})", f.name(), inputs.join(", "))
        }
    }
    t.grad_fn().map_or_else(|| "None".to_string(), |f| node(&f))
}
