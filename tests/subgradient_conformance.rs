//! Gradients at non-differentiable and extreme points against PyTorch 2.15.0 (the release on
//! PyPI, the one README's benchmarks name).
//!
//! Each expected value is the formula of the op's entry in the torch 2.15.0 wheel's
//! `torchgen/packaged/autograd/derivatives.yaml` (cited as `derivatives.yaml:LINE`) or of the
//! ATen backward function it calls, and was also printed by torch 2.15.0 itself for the
//! Python snippet in the test's doc comment (`x.grad` after `y.sum().backward()` unless said
//! otherwise). Inputs are float64 unless the test is about float32 rounding.
//!
//! Tests marked `#[ignore = "mismatch: ..."]` record a difference from PyTorch found by this
//! audit; run them with `cargo test --test subgradient_conformance -- --ignored`.

use autograd::Tensor;

const NAN: f64 = f64::NAN;
const INF: f64 = f64::INFINITY;

/// A float64 leaf requiring grad.
fn leaf(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape).requires_grad_(true)
}

/// A 1-d float64 leaf requiring grad.
fn vec64(values: &[f64]) -> Tensor {
    leaf(values, &[values.len()])
}

/// A 1-d float32 leaf requiring grad.
fn vec32(values: &[f32]) -> Tensor {
    Tensor::from_vec(values.to_vec(), &[values.len()]).requires_grad_(true)
}

/// `x.grad` after `f(x).sum().backward()`.
#[track_caller]
fn grad_of(x: &Tensor, f: impl Fn(&Tensor) -> Tensor) -> Vec<f64> {
    f(x).sum().backward();
    x.grad().expect("x should have a gradient").to_vec()
}

/// `x.grad` after `f(x).backward(gradient)`.
#[track_caller]
fn grad_with(x: &Tensor, f: impl Fn(&Tensor) -> Tensor, gradient: &[f64]) -> Vec<f64> {
    let y = f(x);
    let g = Tensor::from_vec(gradient.to_vec(), y.shape()).to_dtype(y.dtype());
    y.backward_with(&g);
    x.grad().expect("x should have a gradient").to_vec()
}

/// `torch.autograd.grad(f(x).sum(), x, create_graph=True)[0]`: the same first derivative,
/// computed through the differentiable (recorded) backward.
#[track_caller]
fn grad_create_graph(x: &Tensor, f: impl Fn(&Tensor) -> Tensor) -> Vec<f64> {
    let y = f(x).sum();
    let grads = autograd::grad(&[&y], &[x])
        .create_graph(true)
        .run()
        .expect("grad should succeed");
    grads[0].as_ref().expect("x is used").to_vec()
}

/// Elementwise `actual == expected`: NaN matches NaN, infinities must have the same sign,
/// finite values agree within `atol + rtol * |expected|`.
#[track_caller]
fn assert_values_tol(actual: &[f64], expected: &[f64], rtol: f64, atol: f64) {
    assert_eq!(
        actual.len(),
        expected.len(),
        "length: got {actual:?}, expected {expected:?}"
    );
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let ok = if e.is_nan() {
            a.is_nan()
        } else if e.is_infinite() {
            a == e
        } else {
            a.is_finite() && (a - e).abs() <= atol + rtol * e.abs()
        };
        assert!(
            ok,
            "element {i}: got {a:e}, expected {e:e} (got {actual:?}, expected {expected:?})"
        );
    }
}

/// [`assert_values_tol`] for float64 results: equal up to rounding.
#[track_caller]
fn assert_values(actual: &[f64], expected: &[f64]) {
    assert_values_tol(actual, expected, 1e-12, 0.0);
}

/// [`assert_values_tol`] with `torch.allclose`'s defaults (rtol 1e-5, atol 1e-8), for float32
/// results near saturation where the last bit of an intermediate decides the value.
#[track_caller]
fn assert_allclose(actual: &[f64], expected: &[f64]) {
    assert_values_tol(actual, expected, 1e-5, 1e-8);
}

// ---------------------------------------------------------------------------------------------
// relu, abs, sign
// ---------------------------------------------------------------------------------------------

/// `x = [-1, 0, -0, 2]; x.relu()`: derivatives.yaml:2134 `threshold_backward(grad, result, 0)`,
/// 0 where the result is <= 0 -> `[0, 0, 0, 1]`.
#[test]
fn relu_at_zero() {
    let x = vec64(&[-1.0, 0.0, -0.0, 2.0]);
    assert_values(&grad_of(&x, Tensor::relu), &[0.0, 0.0, 0.0, 1.0]);
}

/// `x = [nan]; x.relu()`: `threshold_backward` zeroes only where `result <= 0`, false for NaN,
/// so the gradient passes -> `[1]`.
#[test]
fn relu_at_nan() {
    let x = vec64(&[NAN]);
    assert_values(&grad_of(&x, Tensor::relu), &[1.0]);
}

/// `torch.autograd.grad(x.relu().sum(), x, create_graph=True)` at `[nan, 0, -1, 2]`: the
/// recorded backward gives the same `[1, 0, 0, 1]`.
#[test]
fn relu_create_graph_at_nan() {
    let x = vec64(&[NAN, 0.0, -1.0, 2.0]);
    assert_values(&grad_create_graph(&x, Tensor::relu), &[1.0, 0.0, 0.0, 1.0]);
}

/// `torch.autograd.grad(x.relu().sum(), x, create_graph=True)` at `[0, -1, 2]`.
#[test]
fn relu_create_graph_at_zero() {
    let x = vec64(&[0.0, -1.0, 2.0]);
    assert_values(&grad_create_graph(&x, Tensor::relu), &[0.0, 0.0, 1.0]);
}

/// `x = [-1, 0, -0, 2]; x.abs()`: derivatives.yaml:221 `grad * self.sgn()`, sgn(0) = 0 ->
/// `[-1, 0, 0, 1]`.
#[test]
fn abs_at_zero() {
    let x = vec64(&[-1.0, 0.0, -0.0, 2.0]);
    assert_values(&grad_of(&x, Tensor::abs), &[-1.0, 0.0, 0.0, 1.0]);
}

/// `x = [nan]; x.abs()`: ATen's `sgn`/`sign` of NaN is 0 (`(0 < a) - (a < 0)`), so
/// `grad * self.sgn()` is `[0]`.
#[test]
fn abs_at_nan() {
    let x = vec64(&[NAN]);
    assert_values(&grad_of(&x, Tensor::abs), &[0.0]);
}

/// `torch.tensor([nan, -0., 0., -2.]).sign()` is `[0, 0, 0, -1]`: ATen's sign of NaN is 0
/// (the `sgn` that abs' backward multiplies by).
#[test]
fn sign_of_nan_is_zero() {
    let x = Tensor::from_vec(vec![NAN, -0.0, 0.0, -2.0], &[4]);
    assert_values(&x.sign().to_vec(), &[0.0, 0.0, 0.0, -1.0]);
}

/// `x = [-1, 0, 2]; x.sign()`: derivatives.yaml:1560 `zeros_like(grad)`.
#[test]
fn sign_gradient_is_zero() {
    let x = vec64(&[-1.0, 0.0, 2.0]);
    assert_values(&grad_of(&x, Tensor::sign), &[0.0, 0.0, 0.0]);
}

// ---------------------------------------------------------------------------------------------
// max/min over everything: derivatives.yaml:1141/1207 `evenly_distribute_backward(grad, self,
// result)`, the gradient shared evenly among the elements equal to the result (NaN: among NaNs)
// ---------------------------------------------------------------------------------------------

/// `x = [1, 3, 3]; x.max()` -> `[0, 0.5, 0.5]`.
#[test]
fn max_all_ties_share_evenly() {
    let x = vec64(&[1.0, 3.0, 3.0]);
    assert_values(&grad_of(&x, Tensor::max), &[0.0, 0.5, 0.5]);
}

/// `x = [[3, 1], [3, 3]]; x.max()` -> thirds.
#[test]
fn max_all_three_way_tie() {
    let x = leaf(&[3.0, 1.0, 3.0, 3.0], &[2, 2]);
    let third = 1.0 / 3.0;
    assert_values(&grad_of(&x, Tensor::max), &[third, 0.0, third, third]);
}

/// `x = [1, 3, 3]; x.max().backward(torch.tensor(3.))` -> `[0, 1.5, 1.5]`.
#[test]
fn max_all_ties_scale_the_incoming_gradient() {
    let x = vec64(&[1.0, 3.0, 3.0]);
    assert_values(&grad_with(&x, Tensor::max, &[3.0]), &[0.0, 1.5, 1.5]);
}

/// `x = [1, 3, 1, 1]; x.min()` -> thirds at the minima.
#[test]
fn min_all_ties_share_evenly() {
    let x = vec64(&[1.0, 3.0, 1.0, 1.0]);
    let third = 1.0 / 3.0;
    assert_values(&grad_of(&x, Tensor::min), &[third, 0.0, third, third]);
}

/// `x = [nan, 1, nan]; x.max()` is NaN: the mask is `input.isnan()` -> `[0.5, 0, 0.5]`.
#[test]
fn max_all_nan_ties() {
    let x = vec64(&[NAN, 1.0, NAN]);
    assert_values(&grad_of(&x, Tensor::max), &[0.5, 0.0, 0.5]);
}

/// `x = [1, nan, 5]; x.max()` -> all of it to the NaN, `[0, 1, 0]`.
#[test]
fn max_all_single_nan() {
    let x = vec64(&[1.0, NAN, 5.0]);
    assert_values(&grad_of(&x, Tensor::max), &[0.0, 1.0, 0.0]);
}

/// `torch.tensor(5., requires_grad=True).max()` -> `1`.
#[test]
fn max_all_of_0d() {
    let x = leaf(&[5.0], &[]);
    assert_values(&grad_of(&x, Tensor::max), &[1.0]);
}

/// `torch.autograd.grad(x.max(), x, create_graph=True)` at `[1, 3, 3]` -> `[0, 0.5, 0.5]`.
#[test]
fn max_all_ties_create_graph() {
    let x = vec64(&[1.0, 3.0, 3.0]);
    assert_values(&grad_create_graph(&x, Tensor::max), &[0.0, 0.5, 0.5]);
}

// ---------------------------------------------------------------------------------------------
// max/min along a dim: derivatives.yaml:1137/1203 `value_selecting_reduction_backward`, all of
// the gradient to the returned index (the first extremum on CPU, a NaN winning)
// ---------------------------------------------------------------------------------------------

/// `x = [[1, 5, 5], [7, 2, 7]]; x.max(1)`: indices `[1, 0]`, gradient `[0, 1, 0, 1, 0, 0]`.
#[test]
fn max_dim_ties_go_to_the_first_index() {
    let x = leaf(&[1.0, 5.0, 5.0, 7.0, 2.0, 7.0], &[2, 3]);
    let (values, indices) = x.max_dim(1, false);
    assert_eq!(indices, vec![1, 0]);
    values.sum().backward();
    assert_values(&x.grad().unwrap().to_vec(), &[0.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
}

/// `x = [[1, 5, 1], [2, 2, 7]]; x.min(1)` -> `[1, 0, 0, 1, 0, 0]`.
#[test]
fn min_dim_ties_go_to_the_first_index() {
    let x = leaf(&[1.0, 5.0, 1.0, 2.0, 2.0, 7.0], &[2, 3]);
    let (values, indices) = x.min_dim(1, false);
    assert_eq!(indices, vec![0, 0]);
    values.sum().backward();
    assert_values(&x.grad().unwrap().to_vec(), &[1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
}

/// `x = [[4, 1], [4, 1], [0, 1]]; x.max(0)` -> indices `[0, 0]`, `[1, 1, 0, 0, 0, 0]`.
#[test]
fn max_dim0_ties_go_to_the_first_index() {
    let x = leaf(&[4.0, 1.0, 4.0, 1.0, 0.0, 1.0], &[3, 2]);
    let (values, indices) = x.max_dim(0, false);
    assert_eq!(indices, vec![0, 0]);
    values.sum().backward();
    assert_values(&x.grad().unwrap().to_vec(), &[1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
}

/// `x = [[0, 2, 1, 2, 2]]; x.max(1)` -> index 1 (and along dim 0 of the transpose).
#[test]
fn max_dim_scattered_ties() {
    let x = Tensor::from_vec(vec![0.0f64, 2.0, 1.0, 2.0, 2.0], &[1, 5]);
    assert_eq!(x.max_dim(1, false).1, vec![1]);
    assert_eq!(x.t().max_dim(0, false).1, vec![1]);
}

/// 40 equal values (past any vector width), float64 and float32, along either dim: index 0.
#[test]
fn max_min_dim_long_ties_go_to_index_zero() {
    let row = Tensor::from_vec(vec![1.0f64; 40], &[1, 40]);
    let row32 = Tensor::from_vec(vec![1.0f32; 40], &[1, 40]);
    let column = Tensor::from_vec(vec![1.0f64; 40], &[40, 1]);
    assert_eq!(row.max_dim(1, false).1, vec![0]);
    assert_eq!(row32.max_dim(1, false).1, vec![0]);
    assert_eq!(column.max_dim(0, false).1, vec![0]);
    assert_eq!(row.min_dim(1, false).1, vec![0]);
    assert_eq!(column.min_dim(0, false).1, vec![0]);
}

/// `x = [[1, nan, 5, nan]]; x.max(1)` -> the first NaN, `[0, 1, 0, 0]`.
#[test]
fn max_dim_nan_wins() {
    let x = leaf(&[1.0, NAN, 5.0, NAN], &[1, 4]);
    let (values, indices) = x.max_dim(1, false);
    assert_eq!(indices, vec![1]);
    values.sum().backward();
    assert_values(&x.grad().unwrap().to_vec(), &[0.0, 1.0, 0.0, 0.0]);
}

/// `torch.tensor(5., requires_grad=True).max(0)` -> `1`.
#[test]
fn max_dim_of_0d() {
    let x = leaf(&[5.0], &[]);
    assert_values(&grad_of(&x, |x| x.max_dim(0, false).0), &[1.0]);
}

// ---------------------------------------------------------------------------------------------
// maximum/minimum: derivatives.yaml:1145/1211, `where(self == other, grad / 2, grad)` with the
// loser's share masked to 0
// ---------------------------------------------------------------------------------------------

/// `a = [1, 2, 3, nan]; b = [1, 1, 4, 1]; a.maximum(b)` -> a `[0.5, 1, 0, 1]`,
/// b `[0.5, 0, 1, 1]` (NaN: neither `<` nor `>`, so both get all of it).
#[test]
fn maximum_ties_split_and_nan_goes_to_both() {
    let (a, b) = (vec64(&[1.0, 2.0, 3.0, NAN]), vec64(&[1.0, 1.0, 4.0, 1.0]));
    a.maximum(&b).sum().backward();
    assert_values(&a.grad().unwrap().to_vec(), &[0.5, 1.0, 0.0, 1.0]);
    assert_values(&b.grad().unwrap().to_vec(), &[0.5, 0.0, 1.0, 1.0]);
}

/// `a.minimum(b)` with the same values -> a `[0.5, 0, 1, 1]`, b `[0.5, 1, 0, 1]`.
#[test]
fn minimum_ties_split_and_nan_goes_to_both() {
    let (a, b) = (vec64(&[1.0, 2.0, 3.0, NAN]), vec64(&[1.0, 1.0, 4.0, 1.0]));
    a.minimum(&b).sum().backward();
    assert_values(&a.grad().unwrap().to_vec(), &[0.5, 0.0, 1.0, 1.0]);
    assert_values(&b.grad().unwrap().to_vec(), &[0.5, 1.0, 0.0, 1.0]);
}

/// `a = [1, 2, 1]; b = [1]; a.maximum(b)` -> a `[0.5, 1, 0.5]`, b `[1]` (two halves summed).
#[test]
fn maximum_broadcast_ties() {
    let (a, b) = (vec64(&[1.0, 2.0, 1.0]), vec64(&[1.0]));
    a.maximum(&b).sum().backward();
    assert_values(&a.grad().unwrap().to_vec(), &[0.5, 1.0, 0.5]);
    assert_values(&b.grad().unwrap().to_vec(), &[1.0]);
}

/// float32 `tensor([2.]).maximum(tensor([2.]))` -> `0.5` each.
#[test]
fn maximum_tie_float32() {
    let (a, b) = (vec32(&[2.0]), vec32(&[2.0]));
    a.maximum(&b).sum().backward();
    assert_values(&a.grad().unwrap().to_vec(), &[0.5]);
    assert_values(&b.grad().unwrap().to_vec(), &[0.5]);
}

/// `torch.autograd.grad(a.maximum(b).sum(), a, create_graph=True)` at a `[1, 2]`, b `[1, 1]`.
#[test]
fn maximum_tie_create_graph() {
    let b = Tensor::from_vec(vec![1.0f64, 1.0], &[2]);
    let a = vec64(&[1.0, 2.0]);
    assert_values(&grad_create_graph(&a, |a| a.maximum(&b)), &[0.5, 1.0]);
}

// ---------------------------------------------------------------------------------------------
// clamp. torch 2.15.0's derivatives.yaml:429 `clamp_min` is `where(self > min, grad, 0)` and
// :440 `clamp_max` `where(self < max, grad, 0)`; `clamp_backward` (:425) does the same with both
// bounds: at a bound the gradient is 0, it passes only strictly inside. (Earlier releases used
// `>=`/`<=`, passing it at the bounds; the library follows that older rule.)
// ---------------------------------------------------------------------------------------------

/// `x = [-2, -1, 0, 1, 2, nan]; x.clamp(-1., 1.)` -> `[0, 0, 1, 0, 0, 0]`.
#[test]
fn clamp_at_the_bounds() {
    let x = vec64(&[-2.0, -1.0, 0.0, 1.0, 2.0, NAN]);
    assert_values(
        &grad_of(&x, |x| x.clamp(-1.0, 1.0)),
        &[0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    );
}

/// `x = [-2, 0, 2, nan]; x.clamp(-1., 1.)`: away from the bounds -> `[0, 1, 0, 0]`.
#[test]
fn clamp_inside_and_outside() {
    let x = vec64(&[-2.0, 0.0, 2.0, NAN]);
    assert_values(&grad_of(&x, |x| x.clamp(-1.0, 1.0)), &[0.0, 1.0, 0.0, 0.0]);
}

/// `x = [-2, -1, 0, 1, 2]; x.clamp(1., -1.)` (min > max: everything becomes max) -> zeros.
#[test]
fn clamp_with_min_above_max() {
    let x = vec64(&[-2.0, -1.0, 0.0, 1.0, 2.0]);
    let y = x.clamp(1.0, -1.0);
    assert_values(&y.to_vec(), &[-1.0; 5]);
    assert_values(&grad_of(&x, |x| x.clamp(1.0, -1.0)), &[0.0; 5]);
}

/// `x = [0, 1, 2]; x.clamp(1., 1.)` -> `[0, 0, 0]` (strict at both bounds).
#[test]
fn clamp_with_equal_bounds() {
    let x = vec64(&[0.0, 1.0, 2.0]);
    assert_values(&grad_of(&x, |x| x.clamp(1.0, 1.0)), &[0.0, 0.0, 0.0]);
}

/// `x = [-1, 0, 1, nan]; x.clamp_min(0.)`: derivatives.yaml:429 `where(self > min, ...)` ->
/// `[0, 0, 1, 0]`.
#[test]
fn clamp_min_at_the_bound() {
    let x = vec64(&[-1.0, 0.0, 1.0, NAN]);
    assert_values(&grad_of(&x, |x| x.clamp_min(0.0)), &[0.0, 0.0, 1.0, 0.0]);
}

/// `x = [-1, 0, 1, nan]; x.clamp_max(0.)`: derivatives.yaml:440 `where(self < max, ...)` ->
/// `[1, 0, 0, 0]`.
#[test]
fn clamp_max_at_the_bound() {
    let x = vec64(&[-1.0, 0.0, 1.0, NAN]);
    assert_values(&grad_of(&x, |x| x.clamp_max(0.0)), &[1.0, 0.0, 0.0, 0.0]);
}

/// float32 `x = [0.3]; x.clamp_min(0.3)`: the bound is compared in float32 (where `x == min`),
/// not in float64 (where 0.3f32 > 0.3) -> `[0]`; the same for `clamp(0.3, 1.)`.
#[test]
fn clamp_bound_compared_in_float32() {
    let x = vec32(&[0.3]);
    assert_values(&grad_of(&x, |x| x.clamp_min(0.3)), &[0.0]);
    let x = vec32(&[0.3]);
    assert_values(&grad_of(&x, |x| x.clamp(0.3, 1.0)), &[0.0]);
}

/// `y = x * 1; y.clamp_(1., 3.)` at `[1, 2, 3]` -> `[0, 1, 0]` (the in-place form uses the
/// same derivatives.yaml:425 entry).
#[test]
fn clamp_inplace_at_the_bounds() {
    let x = vec64(&[1.0, 2.0, 3.0]);
    let y = x.neg().neg();
    y.clamp_(1.0, 3.0);
    y.sum().backward();
    assert_values(&x.grad().unwrap().to_vec(), &[0.0, 1.0, 0.0]);
}

/// `torch.autograd.grad(x.clamp(-1., 1.).sum(), x, create_graph=True)` at `[-1, 0, 1]` ->
/// `[0, 1, 0]`.
#[test]
fn clamp_create_graph_at_the_bounds() {
    let x = vec64(&[-1.0, 0.0, 1.0]);
    assert_values(
        &grad_create_graph(&x, |x| x.clamp(-1.0, 1.0)),
        &[0.0, 1.0, 0.0],
    );
}

// ---------------------------------------------------------------------------------------------
// sqrt, norm, pow
// ---------------------------------------------------------------------------------------------

/// `x = [0, -0, 4, -1, inf]; x.sqrt()`: derivatives.yaml:1652 `grad / (2 * result)` ->
/// `[inf, -inf, 0.25, nan, 0]`.
#[test]
fn sqrt_at_zero() {
    let x = vec64(&[0.0, -0.0, 4.0, -1.0, INF]);
    assert_values(&grad_of(&x, Tensor::sqrt), &[INF, -INF, 0.25, NAN, 0.0]);
}

/// `x = zeros(3); x.norm()`: derivatives.yaml:1363 `linalg_vector_norm_backward`, which masks
/// `grad / norm` to 0 where the norm is 0 -> zeros.
#[test]
fn norm_of_zero_vector() {
    let x = vec64(&[0.0, 0.0, 0.0]);
    assert_values(&grad_of(&x, Tensor::norm), &[0.0, 0.0, 0.0]);
    let x32 = vec32(&[0.0, 0.0]);
    assert_values(&grad_of(&x32, Tensor::norm), &[0.0, 0.0]);
}

/// `torch.autograd.grad(x.norm(), x, create_graph=True)` at zeros -> zeros.
#[test]
fn norm_of_zero_vector_create_graph() {
    let x = vec64(&[0.0, 0.0]);
    assert_values(&grad_create_graph(&x, Tensor::norm), &[0.0, 0.0]);
}

/// `x = [inf, 1]; x.norm()` -> `self * grad / norm` = `[inf * 0, 1 * 0]` = `[nan, 0]`.
#[test]
fn norm_with_infinity() {
    let x = vec64(&[INF, 1.0]);
    assert_values(&grad_of(&x, Tensor::norm), &[NAN, 0.0]);
}

/// 0-d: `tensor(0.).norm()` -> `0`; `tensor(-3.).norm()` -> `-1`.
#[test]
fn norm_of_0d() {
    let x = leaf(&[0.0], &[]);
    assert_values(&grad_of(&x, Tensor::norm), &[0.0]);
    let x = leaf(&[-3.0], &[]);
    assert_values(&grad_of(&x, Tensor::norm), &[-1.0]);
}

/// `x.pow(0.)` at `[0, -0, 2, -2, nan]`: derivatives.yaml:1415 `pow_backward` returns
/// `zeros_like(self)` when the exponent is 0 -> zeros (even at NaN).
#[test]
fn pow_exponent_zero() {
    let x = vec64(&[0.0, -0.0, 2.0, -2.0, NAN]);
    assert_values(&grad_of(&x, |x| x.pow(0.0)), &[0.0; 5]);
}

/// `x.pow(1.)` -> `1 * x^0` = ones, even at 0 and NaN (`pow(nan, 0) = 1`).
#[test]
fn pow_exponent_one() {
    let x = vec64(&[0.0, -0.0, 2.0, -2.0, NAN]);
    assert_values(&grad_of(&x, |x| x.pow(1.0)), &[1.0; 5]);
}

/// `x.pow(2.)` -> `2x`: `[0, -0, 4, -4, nan]`.
#[test]
fn pow_exponent_two() {
    let x = vec64(&[0.0, -0.0, 2.0, -2.0, NAN]);
    assert_values(&grad_of(&x, |x| x.pow(2.0)), &[0.0, -0.0, 4.0, -4.0, NAN]);
}

/// `x.pow(3.)` -> `3x^2`: `[0, 0, 12, 12, nan]`.
#[test]
fn pow_exponent_three() {
    let x = vec64(&[0.0, -0.0, 2.0, -2.0, NAN]);
    assert_values(&grad_of(&x, |x| x.pow(3.0)), &[0.0, 0.0, 12.0, 12.0, NAN]);
}

/// `x.pow(0.5)` at `[0, 2, -2, nan]` -> `0.5 x^-0.5`: `[inf, 0.3535.., nan, nan]`.
#[test]
fn pow_exponent_half() {
    let x = vec64(&[0.0, 2.0, -2.0, NAN]);
    assert_values(
        &grad_of(&x, |x| x.pow(0.5)),
        &[INF, 0.353_553_390_593_273_73, NAN, NAN],
    );
}

/// `tensor([-0.]).pow(0.5)`: ATen computes `x^-0.5` as `rsqrt(x)` = `1 / sqrt(-0)` = `-inf`,
/// so the gradient is `-inf` (C's `pow(-0, -0.5)` would be `+inf`).
#[test]
fn pow_exponent_half_at_negative_zero() {
    let x = vec64(&[-0.0]);
    assert_values(&grad_of(&x, |x| x.pow(0.5)), &[-INF]);
}

/// `x.pow(-1.)` -> `-x^-2`: `[-inf, -inf, -0.25, -0.25, nan]`.
#[test]
fn pow_exponent_minus_one() {
    let x = vec64(&[0.0, -0.0, 2.0, -2.0, NAN]);
    assert_values(
        &grad_of(&x, |x| x.pow(-1.0)),
        &[-INF, -INF, -0.25, -0.25, NAN],
    );
}

/// `x.pow(-0.5)` -> `-0.5 x^-1.5`: `[-inf, -inf, -0.1767.., nan, nan]`.
#[test]
fn pow_exponent_minus_half() {
    let x = vec64(&[0.0, -0.0, 2.0, -2.0, NAN]);
    assert_values(
        &grad_of(&x, |x| x.pow(-0.5)),
        &[-INF, -INF, -0.176_776_695_296_636_9, NAN, NAN],
    );
}

/// `x.pow(1.5)` -> `1.5 x^0.5`: `[0, 0, 2.1213.., nan, nan]`.
#[test]
fn pow_exponent_three_halves() {
    let x = vec64(&[0.0, -0.0, 2.0, -2.0, NAN]);
    assert_values(
        &grad_of(&x, |x| x.pow(1.5)),
        &[0.0, 0.0, 2.121_320_343_559_643, NAN, NAN],
    );
}

/// `torch.autograd.grad(x.pow(0.).sum(), x, create_graph=True)` -> zeros.
#[test]
fn pow_exponent_zero_create_graph() {
    let x = vec64(&[0.0, 2.0]);
    assert_values(&grad_create_graph(&x, |x| x.pow(0.0)), &[0.0, 0.0]);
}

// ---------------------------------------------------------------------------------------------
// Saturation: sigmoid (derivatives.yaml:1552 `sigmoid_backward(grad, result)` =
// `grad * (1 - y) * y`) and tanh (:1790 `tanh_backward(grad, result)` = `grad * (1 - y^2)`)
// ---------------------------------------------------------------------------------------------

/// float64 `x.sigmoid()` at `[-1000, -100, -40, 0, 20, 40, 100, inf, -inf]`.
#[test]
fn sigmoid_saturation_float64() {
    let x = vec64(&[-1000.0, -100.0, -40.0, 0.0, 20.0, 40.0, 100.0, INF, -INF]);
    assert_values_tol(
        &grad_of(&x, Tensor::sigmoid),
        &[
            0.0,
            3.720_075_976_020_835_6e-44,
            4.248_354_255_291_589e-18,
            0.25,
            2.061_153_687_919_395_3e-9,
            0.0,
            0.0,
            0.0,
            0.0,
        ],
        1e-6,
        0.0,
    );
}

/// float32 `x.sigmoid()` at `[-100, -40, -20, 0, 10, 15, 16, 17, 20, 40, 100, inf, -inf]`.
#[test]
fn sigmoid_saturation_float32() {
    let x = vec32(&[
        -100.0,
        -40.0,
        -20.0,
        0.0,
        10.0,
        15.0,
        16.0,
        17.0,
        20.0,
        40.0,
        100.0,
        f32::INFINITY,
        f32::NEG_INFINITY,
    ]);
    assert_allclose(
        &grad_of(&x, Tensor::sigmoid),
        &[
            0.0,
            4.248_354_131_138_66e-18,
            2.061_153_692_167_75e-9,
            0.25,
            4.541_667_658_486_403_5e-5,
            3.576_277_549_655_060_3e-7,
            1.192_092_753_399_265_3e-7,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
        ],
    );
}

/// float64 `x.tanh()` at `[-100, -20, 0, 10, 20, 100, inf]`.
#[test]
fn tanh_saturation_float64() {
    let x = vec64(&[-100.0, -20.0, 0.0, 10.0, 20.0, 100.0, INF]);
    assert_values_tol(
        &grad_of(&x, Tensor::tanh),
        &[0.0, 0.0, 1.0, 8.244_614_529_632_978e-9, 0.0, 0.0, 0.0],
        1e-6,
        0.0,
    );
}

/// float32 `x.tanh()` at `[-100, -10, 0, 5, 8, 9, 10, 20, 100, inf]`.
#[test]
fn tanh_saturation_float32() {
    let x = vec32(&[
        -100.0,
        -10.0,
        0.0,
        5.0,
        8.0,
        9.0,
        10.0,
        20.0,
        100.0,
        f32::INFINITY,
    ]);
    assert_allclose(
        &grad_of(&x, Tensor::tanh),
        &[
            0.0,
            0.0,
            1.0,
            1.815_475_116_018_206e-4,
            4.768_371_013_597_061_4e-7,
            1.192_092_895_507_812_5e-7,
            0.0,
            0.0,
            0.0,
            0.0,
        ],
    );
}

/// `torch.autograd.grad(x.sigmoid().sum(), x, create_graph=True)` at `[0, 100]` -> `[0.25, 0]`.
#[test]
fn sigmoid_saturation_create_graph() {
    let x = vec64(&[0.0, 100.0]);
    assert_values(&grad_create_graph(&x, Tensor::sigmoid), &[0.25, 0.0]);
}

// ---------------------------------------------------------------------------------------------
// log, exp, division, reciprocal
// ---------------------------------------------------------------------------------------------

/// `x = [0, -0, -2, inf, 1]; x.log()`: derivatives.yaml:976 `grad.div(self)` ->
/// `[inf, -inf, -0.5, 0, 1]` (the gradient at a negative x is finite though log is NaN).
#[test]
fn log_at_zero_and_negative() {
    let x = vec64(&[0.0, -0.0, -2.0, INF, 1.0]);
    assert_values(&grad_of(&x, Tensor::log), &[INF, -INF, -0.5, 0.0, 1.0]);
}

/// `x = [1000, -inf, 0]; x.exp()`: derivatives.yaml:653 `grad * result` -> `[inf, 0, 1]`;
/// float32 `[89, 100, -104, -200]` -> `[inf, inf, 0, 0]`.
#[test]
fn exp_overflow_and_underflow() {
    let x = vec64(&[1000.0, -INF, 0.0]);
    assert_values(&grad_of(&x, Tensor::exp), &[INF, 0.0, 1.0]);
    let x32 = vec32(&[89.0, 100.0, -104.0, -200.0]);
    assert_values(&grad_of(&x32, Tensor::exp), &[INF, INF, 0.0, 0.0]);
}

/// `a = [1, -1, 0, 2]; b = [0, 0, 0, -0]; a / b`: derivatives.yaml:589, `grad / other` ->
/// `[inf, inf, inf, -inf]`, and `-grad * ((self / other) / other)` -> `[-inf, inf, nan, -inf]`.
#[test]
fn div_by_zero() {
    let (a, b) = (vec64(&[1.0, -1.0, 0.0, 2.0]), vec64(&[0.0, 0.0, 0.0, -0.0]));
    (&a / &b).sum().backward();
    assert_values(&a.grad().unwrap().to_vec(), &[INF, INF, INF, -INF]);
    assert_values(&b.grad().unwrap().to_vec(), &[-INF, INF, NAN, -INF]);
}

/// float32 `a = [1e-30, 1e30, 3]; b = [1e-30, 1e20, 7]; a / b`: ATen's
/// `div_tensor_other_backward` is `-grad * ((self / other) / other)`, which stays finite where
/// `other * other` would underflow or overflow -> b's gradient
/// `[-1.0000000150474662e30, -1.000000013351432e-10, -0.0612244904..]`.
#[test]
fn div_divisor_gradient_without_squaring_float32() {
    let a = vec32(&[1e-30, 1e30, 3.0]);
    let b = vec32(&[1e-30, 1e20, 7.0]);
    (&a / &b).sum().backward();
    assert_values_tol(
        &a.grad().unwrap().to_vec(),
        &[
            1.000_000_015_047_466_2e30,
            9.999_999_682_655_225e-21,
            0.142_857_149_243_354_8,
        ],
        1e-6,
        0.0,
    );
    assert_values_tol(
        &b.grad().unwrap().to_vec(),
        &[
            -1.000_000_015_047_466_2e30,
            -1.000_000_013_351_432e-10,
            -0.061_224_490_404_129_03,
        ],
        1e-6,
        0.0,
    );
}

/// float64 `a = [1e-300, 1e300]; b = [1e-300, 1e200]; a / b` -> b's gradient
/// `[-1e300, -1e-100]`.
#[test]
fn div_divisor_gradient_without_squaring_float64() {
    let (a, b) = (vec64(&[1e-300, 1e300]), vec64(&[1e-300, 1e200]));
    (&a / &b).sum().backward();
    assert_values(&a.grad().unwrap().to_vec(), &[1e300, 1e-200]);
    assert_values(&b.grad().unwrap().to_vec(), &[-1e300, -1e-100]);
}

/// `a = [1, 3]; b = [2, 7]; a / b` (ordinary values): b's gradient `-a / b^2` ->
/// `[-0.25, -0.0612244897959..]`.
#[test]
fn div_divisor_gradient_ordinary_values() {
    let (a, b) = (vec64(&[1.0, 3.0]), vec64(&[2.0, 7.0]));
    (&a / &b).sum().backward();
    assert_values(&b.grad().unwrap().to_vec(), &[-0.25, -3.0 / 49.0]);
}

/// `x = [1, 0]; x / 0.` -> `grad / 0` = `[inf, inf]`.
#[test]
fn div_by_scalar_zero() {
    let x = vec64(&[1.0, 0.0]);
    assert_values(&grad_of(&x, |x| x / 0.0), &[INF, INF]);
}

/// `x = [0, -0, 2]; 2. / x` = `x.reciprocal() * 2`: derivatives.yaml:1462
/// `-grad * result * result` -> `[-inf, -inf, -0.5]`.
#[test]
fn rdiv_at_zero() {
    let x = vec64(&[0.0, -0.0, 2.0]);
    assert_values(&grad_of(&x, |x| 2.0 / x), &[-INF, -INF, -0.5]);
}

/// `x = [0, -0, 2]; x.reciprocal()` -> `[-inf, -inf, -0.25]`.
#[test]
fn reciprocal_at_zero() {
    let x = vec64(&[0.0, -0.0, 2.0]);
    assert_values(&grad_of(&x, Tensor::reciprocal), &[-INF, -INF, -0.25]);
}

// ---------------------------------------------------------------------------------------------
// Empty reductions
// ---------------------------------------------------------------------------------------------

/// `x = torch.tensor([], requires_grad=True); x.mean()` is NaN; backward gives an empty
/// gradient (derivatives.yaml:1159 `mean`: `grad.expand(sizes) / numel`).
#[test]
fn mean_of_empty() {
    let x = vec64(&[]);
    let y = x.mean();
    assert!(y.item().is_nan());
    y.backward();
    let g = x.grad().expect("an empty gradient");
    assert_eq!(g.shape(), &[0]);
}

/// `torch.tensor([], requires_grad=True).sum()` is 0; its gradient is empty.
#[test]
fn sum_of_empty() {
    let x = vec64(&[]);
    let y = x.sum();
    assert_eq!(y.item(), 0.0);
    y.backward();
    assert_eq!(x.grad().expect("an empty gradient").shape(), &[0]);
}

/// `x = torch.zeros(0, 2, requires_grad=True); x.mean(0)` is `[nan, nan]`; the gradient has
/// shape `[0, 2]`.
#[test]
fn mean_dim_over_empty_dim() {
    let x = leaf(&[], &[0, 2]);
    let y = x.mean_dim(0, false);
    assert_values(&y.to_vec(), &[NAN, NAN]);
    y.sum().backward();
    assert_eq!(x.grad().expect("an empty gradient").shape(), &[0, 2]);
}

/// `torch.tensor(5., requires_grad=True).sum(0)` -> `1`.
#[test]
fn sum_dim_of_0d() {
    let x = leaf(&[5.0], &[]);
    assert_values(&grad_of(&x, |x| x.sum_dim(0, false)), &[1.0]);
}

// ---------------------------------------------------------------------------------------------
// softmax family with infinities: derivatives.yaml:2203 `_log_softmax_backward_data`
// (`grad - exp(result) * grad.sum(dim)`), :2239 `_softmax_backward_data`
// (`result * (grad - (grad * result).sum(dim))`), :1056 `logsumexp_backward`
// (`grad * (self - result).exp()`)
// ---------------------------------------------------------------------------------------------

/// `x = [0, -inf]; x.log_softmax(0)` -> `[-1, 1]`.
#[test]
fn log_softmax_with_minus_infinity() {
    let x = vec64(&[0.0, -INF]);
    assert_values(&grad_of(&x, |x| x.log_softmax(0)), &[-1.0, 1.0]);
}

/// `x = [-inf, -inf]; x.log_softmax(0)` -> `[nan, nan]`.
#[test]
fn log_softmax_all_minus_infinity() {
    let x = vec64(&[-INF, -INF]);
    assert_values(&grad_of(&x, |x| x.log_softmax(0)), &[NAN, NAN]);
}

/// `x = [inf, 1]; x.log_softmax(0)` -> `[nan, nan]`.
#[test]
fn log_softmax_with_plus_infinity() {
    let x = vec64(&[INF, 1.0]);
    assert_values(&grad_of(&x, |x| x.log_softmax(0)), &[NAN, NAN]);
}

/// `x = [0, -inf]; x.softmax(0).backward(tensor([1., 0.]))` -> `[0, 0]`.
#[test]
fn softmax_with_minus_infinity() {
    let x = vec64(&[0.0, -INF]);
    assert_values(&grad_with(&x, |x| x.softmax(0), &[1.0, 0.0]), &[0.0, 0.0]);
}

/// `x = [-inf, -inf]; x.softmax(0).backward(tensor([1., 0.]))` -> `[nan, nan]`.
#[test]
fn softmax_all_minus_infinity() {
    let x = vec64(&[-INF, -INF]);
    assert_values(&grad_with(&x, |x| x.softmax(0), &[1.0, 0.0]), &[NAN, NAN]);
}

/// `x = [inf, 1]; x.logsumexp(0)` -> `exp([inf - inf, 1 - inf])` = `[nan, 0]`.
#[test]
fn logsumexp_with_plus_infinity() {
    let x = vec64(&[INF, 1.0]);
    assert_values(&grad_of(&x, |x| x.logsumexp(0, false)), &[NAN, 0.0]);
}

/// `x = [-inf, -inf]; x.logsumexp(0)` is `-inf` -> `exp(-inf + inf)` = `[nan, nan]`.
#[test]
fn logsumexp_all_minus_infinity() {
    let x = vec64(&[-INF, -INF]);
    assert_values(&grad_of(&x, |x| x.logsumexp(0, false)), &[NAN, NAN]);
}

/// `x = [-inf, 0]; x.logsumexp(0)` -> `[0, 1]`.
#[test]
fn logsumexp_with_minus_infinity() {
    let x = vec64(&[-INF, 0.0]);
    assert_values(&grad_of(&x, |x| x.logsumexp(0, false)), &[0.0, 1.0]);
}

/// `F.cross_entropy(tensor([[0., -inf]]), tensor([0]))` -> `softmax - onehot` = `[0, 0]`.
#[test]
fn cross_entropy_with_minus_infinity_logit() {
    let x = leaf(&[0.0, -INF], &[1, 2]);
    assert_values(&grad_of(&x, |x| x.cross_entropy(&[0])), &[0.0, 0.0]);
}

// ---------------------------------------------------------------------------------------------
// Selection and accumulation
// ---------------------------------------------------------------------------------------------

/// `torch.where(x > 0, x, x.log())` at `[1, -1]`: derivatives.yaml:1970 gives each branch the
/// gradient where chosen and 0 elsewhere -> `[1 + 0 * 1, 0 * 1 + 1 / -1]` = `[1, -1]`.
#[test]
fn where_gradient_goes_to_the_chosen_branch() {
    let x = vec64(&[1.0, -1.0]);
    assert_values(
        &grad_of(&x, |x| Tensor::where_cond(&x.gt(0.0), x, &x.log())),
        &[1.0, -1.0],
    );
}

/// `x = [1, 2, 3]; x.masked_fill(x > 1, 0.)`: derivatives.yaml:1098 -> `[1, 0, 0]`.
#[test]
fn masked_fill_gradient() {
    let x = vec64(&[1.0, 2.0, 3.0]);
    assert_values(
        &grad_of(&x, |x| x.masked_fill(&x.gt(1.0), 0.0)),
        &[1.0, 0.0, 0.0],
    );
}

/// `F.mse_loss(a, b)` at `a = [1, 2]`, `b = [1, 3]`: derivatives.yaml:2097 ->
/// a `[0, -1]`, b `[0, 1]` (zero where equal).
#[test]
fn mse_loss_at_equality() {
    let (a, b) = (vec64(&[1.0, 2.0]), vec64(&[1.0, 3.0]));
    a.mse_loss(&b).backward();
    assert_values(&a.grad().unwrap().to_vec(), &[0.0, -1.0]);
    assert_values(&b.grad().unwrap().to_vec(), &[0.0, 1.0]);
}

/// `x.index_select(0, tensor([0, 0, 2]))` at `[1, 2, 3]`: repeated indices accumulate ->
/// `[2, 0, 1]`.
#[test]
fn index_select_repeated_indices_accumulate() {
    let x = vec64(&[1.0, 2.0, 3.0]);
    assert_values(
        &grad_of(&x, |x| x.index_select(0, &[0, 0, 2])),
        &[2.0, 0.0, 1.0],
    );
}

/// `x.reshape(2, 2).gather(1, tensor([[0, 0], [1, 1]]))` -> `[2, 0, 0, 2]`.
#[test]
fn gather_repeated_indices_accumulate() {
    let x = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    assert_values(
        &grad_of(&x, |x| x.gather(1, &[0, 0, 1, 1], &[2, 2])),
        &[2.0, 0.0, 0.0, 2.0],
    );
}

/// `F.nll_loss(x[3], tensor(1))` -> `[0, -1, 0]`.
#[test]
fn nll_loss_1d() {
    let x = vec64(&[-1.0, -2.0, -3.0]);
    assert_values(&grad_of(&x, |x| x.nll_loss(&[1])), &[0.0, -1.0, 0.0]);
}

/// `F.dropout(x, 1.0, True)` -> zeros (`input * 0`).
#[test]
fn dropout_all_gradient_is_zero() {
    let x = vec64(&[1.0, 2.0]);
    assert_values(&grad_of(&x, |x| x.dropout(1.0, true)), &[0.0, 0.0]);
}

/// torch 2.15: `torch.tensor([1., 2.]).clamp(-1e300, 1.5)` (and `clamp_min(-1e300)`,
/// `clamp_(-1e300, 1.5)`) raise "value cannot be converted to type float without overflow";
/// float64 tensors take the bound, infinite bounds are fine.
#[test]
fn clamp_bounds_beyond_float32_are_refused() {
    let x = Tensor::from_vec(vec![1.0f32, 2.0], &[2]);
    for f in [
        Box::new(|| drop(x.clamp(-1e300, 1.5))) as Box<dyn Fn()>,
        Box::new(|| drop(x.clamp_min(-1e300))),
        Box::new(|| drop(x.clamp_max(1e39))),
        Box::new(|| drop(x.deep_clone().clamp_(-1e300, 1.5).clone())),
    ] {
        let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .map(|_| String::new())
            .unwrap_or_else(|e| e.downcast_ref::<String>().cloned().unwrap_or_default());
        assert!(
            message.contains("value cannot be converted to type float without overflow"),
            "{message:?}"
        );
    }
    assert_eq!(x.clamp(f64::NEG_INFINITY, 1.5).to_vec(), vec![1.0, 1.5]);
    let y = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
    assert_eq!(y.clamp(-1e300, 1.5).to_vec(), vec![1.0, 1.5]);
}

/// `torch.ones(3).masked_fill(mask, 1e300)` (and `-1e39`, `3.5e38`) raise "value cannot be
/// converted to type float without overflow"; `inf` fills.
#[test]
fn masked_fill_refuses_a_finite_value_beyond_float32() {
    let x = Tensor::ones(&[3]);
    let mask = Tensor::from_vec(vec![1.0f32, 0.0, 1.0], &[3]).gt(0.5);
    for value in [1e300, -1e39, 3.5e38] {
        let message =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| x.masked_fill(&mask, value)))
                .err()
                .and_then(|e| e.downcast_ref::<String>().cloned())
                .expect("masked_fill panics");
        assert!(
            message.starts_with(
                "masked_fill: value cannot be converted to type float without overflow (value"
            ),
            "{message}"
        );
    }
    assert_eq!(
        x.masked_fill(&mask, f64::INFINITY).to_vec(),
        vec![f64::INFINITY, 1.0, f64::INFINITY]
    );
    // float64 holds 1e300
    let y = Tensor::ones(&[3]).double().masked_fill(&mask, 1e300);
    assert_eq!(y.to_vec(), vec![1e300, 1.0, 1e300]);
}
