//! Helpers shared by the `runtime_*` integration tests (included with `mod runtime_support;`).
#![allow(dead_code)] // each test binary uses a different subset

use autograd::{gradcheck, Tensor};

/// An F64 leaf that requires grad.
pub fn leaf(data: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape).requires_grad_(true)
}

/// An F32 leaf that requires grad.
pub fn leaf32(data: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape).requires_grad_(true)
}

/// Deterministic F64 values for gradchecks: magnitudes in [0.3, 1.95], mixed signs, none
/// near the kinks of `abs`/`relu` (|x| >= 0.3 >> eps) and none repeated in a small tensor.
pub fn values(n: usize, seed: usize) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let magnitude = 0.3 + 0.137 * ((i * 5 + seed * 3) % 13) as f64 + 0.001 * i as f64;
            // Every third value negative.
            match (i + seed) % 3 {
                0 => -magnitude,
                _ => magnitude,
            }
        })
        .collect()
}

/// An F64 leaf of `shape` holding [`values`] (mixed signs).
pub fn sample(shape: &[usize], seed: usize) -> Tensor {
    let n = shape.iter().product();
    leaf(&values(n, seed), shape)
}

/// An F64 leaf of `shape` holding the magnitudes of [`values`] (all >= 0.3), for log, sqrt,
/// fractional powers and denominators.
pub fn positive(shape: &[usize], seed: usize) -> Tensor {
    let n = shape.iter().product();
    let v: Vec<f64> = values(n, seed).iter().map(|x| x.abs()).collect();
    leaf(&v, shape)
}

/// Asserts `actual` equals `expected` elementwise within `tol` (absolute, scaled by the
/// expected magnitude when it exceeds 1).
#[track_caller]
pub fn assert_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(
        actual.len(),
        expected.len(),
        "length differs: got {actual:?}, expected {expected:?}"
    );
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tol * e.abs().max(1.0),
            "element {i}: got {a}, expected {e} (all: got {actual:?}, expected {expected:?})"
        );
    }
}

/// Asserts the values of `t` (any dtype) within 1e-5 relative.
#[track_caller]
pub fn assert_values(t: &Tensor, expected: &[f64]) {
    assert_close(&t.to_vec(), expected, 1e-5);
}

/// Asserts `t.grad()` is set and holds `expected` (within 1e-5 relative).
#[track_caller]
pub fn assert_grad(t: &Tensor, expected: &[f64]) {
    let g = t.grad().expect("expected .grad() to be set");
    assert_eq!(g.shape(), t.shape(), "grad has the tensor's shape");
    assert_values(&g, expected);
}

/// Runs `autograd::gradcheck` and fails the test with its message.
#[track_caller]
pub fn check(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) {
    if let Err(e) = gradcheck(f, inputs) {
        panic!("gradcheck failed: {e}");
    }
}

/// The message of the panic `f` raises (panics if it does not).
#[track_caller]
pub fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    let payload = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic"),
        Err(payload) => payload,
    };
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else {
        String::from("<non-string panic payload>")
    }
}
