//! `#[differentiable]` on plain-number functions: `f_grad` returns the value and one gradient
//! per parameter, computed by generated code (no tape). Each function is checked against
//! values derived by hand (the derivation is in the comment) and against central finite
//! differences of the original function.

use autograd::differentiable;
use nalgebra::{Matrix2, SMatrix, SVector, Vector3};

// ---------------------------------------------------------------- helpers

/// Central finite difference of `f` along coordinate `i` of `xs`.
fn central_difference(f: &dyn Fn(&[f64]) -> f64, xs: &[f64], i: usize) -> f64 {
    let h = 1e-6 * xs[i].abs().max(1.0);
    let (mut plus, mut minus) = (xs.to_vec(), xs.to_vec());
    plus[i] += h;
    minus[i] -= h;
    (f(&plus) - f(&minus)) / (2.0 * h)
}

/// Asserts the value equals `f(xs)` and every gradient entry its finite difference.
fn assert_matches_finite_differences(
    f: &dyn Fn(&[f64]) -> f64,
    xs: &[f64],
    value: f64,
    grads: &[f64],
) {
    assert_close(value, f(xs), 1e-12);
    for (i, grad) in grads.iter().enumerate() {
        assert_close(*grad, central_difference(f, xs, i), 1e-6);
    }
}

fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    let scale = expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance * scale,
        "actual {actual}, expected {expected}"
    );
}

// ---------------------------------------------------------------- arithmetic

#[differentiable]
fn square_plus_linear(x: f64) -> f64 {
    x * x + 5.0 * x
}

#[test]
fn square_plus_linear_gradient() {
    // d/dx (x^2 + 5x) = 2x + 5
    assert_eq!(square_plus_linear_grad(3.0), (24.0, (11.0,)));
    let (value, (dx,)) = square_plus_linear_grad(-1.5);
    assert_matches_finite_differences(&|v| square_plus_linear(v[0]), &[-1.5], value, &[dx]);
}

#[differentiable]
fn product_and_sine(x: f64, y: f64) -> f64 {
    let z = x * y + x.sin();
    z * z
}

#[test]
fn product_and_sine_gradient() {
    // z = xy + sin x; d/dx z^2 = 2z (y + cos x), d/dy z^2 = 2z x
    let (x, y) = (1.0_f64, 2.0_f64);
    let z = x * y + x.sin();
    let (value, (dx, dy)) = product_and_sine_grad(x, y);
    assert_close(value, z * z, 1e-15);
    assert_close(dx, 2.0 * z * (y + x.cos()), 1e-15);
    assert_close(dy, 2.0 * z * x, 1e-15);
    let f = |v: &[f64]| product_and_sine(v[0], v[1]);
    assert_matches_finite_differences(&f, &[0.3, -0.7], product_and_sine_grad(0.3, -0.7).0, &{
        let (_, (a, b)) = product_and_sine_grad(0.3, -0.7);
        [a, b]
    });
}

#[differentiable]
fn quotient(x: f64, y: f64) -> f64 {
    -(x - y) / (x + 2.0 * y)
}

#[test]
fn quotient_gradient() {
    // q = -(x - y) / (x + 2y); dq/dx = -3y / (x + 2y)^2, dq/dy = 3x / (x + 2y)^2
    let (value, (dx, dy)) = quotient_grad(1.0, 1.0);
    assert_close(value, 0.0, 1e-15);
    assert_close(dx, -3.0 / 9.0, 1e-15);
    assert_close(dy, 3.0 / 9.0, 1e-15);
    let (value, (dx, dy)) = quotient_grad(2.5, -0.4);
    assert_matches_finite_differences(&|v| quotient(v[0], v[1]), &[2.5, -0.4], value, &[dx, dy]);
}

#[differentiable]
fn used_three_times(x: f64) -> f64 {
    let u = x.sin();
    u * u + u
}

#[test]
fn a_value_used_three_times_sums_its_adjoints() {
    // u = sin x; d/dx (u^2 + u) = (2u + 1) cos x
    let x = 0.8_f64;
    let (_, (dx,)) = used_three_times_grad(x);
    assert_close(dx, (2.0 * x.sin() + 1.0) * x.cos(), 1e-15);
}

// ---------------------------------------------------------------- elementary functions

#[differentiable]
fn elementary(x: f64) -> f64 {
    x.exp().ln() + x.sqrt() + x.tanh() + x.cos() + (x - 2.0).abs()
}

#[test]
fn elementary_gradient() {
    // d/dx (ln e^x + sqrt x + tanh x + cos x + |x - 2|)
    //   = 1 + 1/(2 sqrt x) + 1 - tanh^2 x - sin x + sgn(x - 2)
    let x = 0.7_f64;
    let (value, (dx,)) = elementary_grad(x);
    let expected = 1.0 + 0.5 / x.sqrt() + 1.0 - x.tanh().powi(2) - x.sin() - 1.0;
    assert_close(dx, expected, 1e-14);
    assert_matches_finite_differences(&|v| elementary(v[0]), &[x], value, &[dx]);
}

#[differentiable]
fn abs_at_zero(x: f64) -> f64 {
    x.abs()
}

#[test]
fn abs_has_zero_gradient_at_zero() {
    // PyTorch: d|x|/dx at 0 is sgn(0) = 0
    assert_eq!(abs_at_zero_grad(0.0), (0.0, (0.0,)));
    assert_eq!(abs_at_zero_grad(-3.0), (3.0, (-1.0,)));
}

#[differentiable]
fn powers(x: f64, y: f64) -> f64 {
    x.powi(3) + y.powf(2.5) + x.powf(y)
}

#[test]
fn powers_gradient() {
    // d/dx (x^3 + y^2.5 + x^y) = 3x^2 + y x^(y-1)
    // d/dy (x^3 + y^2.5 + x^y) = 2.5 y^1.5 + x^y ln x
    let (x, y) = (1.5_f64, 2.0_f64);
    let (value, (dx, dy)) = powers_grad(x, y);
    assert_close(dx, 3.0 * x * x + y * x.powf(y - 1.0), 1e-14);
    assert_close(dy, 2.5 * y.powf(1.5) + x.powf(y) * x.ln(), 1e-14);
    assert_matches_finite_differences(&|v| powers(v[0], v[1]), &[x, y], value, &[dx, dy]);
}

#[differentiable]
fn power_of_zero(x: f64) -> f64 {
    x.powi(0) + x.powf(0.0)
}

#[test]
fn zero_exponents_have_zero_gradient_even_at_zero() {
    // d/dx x^0 = 0 (not 0 * x^-1 = NaN at x = 0), as PyTorch's pow_backward
    assert_eq!(power_of_zero_grad(0.0), (2.0, (0.0,)));
}

// ---------------------------------------------------------------- min / max

#[differentiable]
fn larger(x: f64, y: f64) -> f64 {
    x.max(y)
}

#[differentiable]
fn smaller(x: f64, y: f64) -> f64 {
    f64::min(x, y)
}

#[test]
fn min_and_max_route_the_gradient_and_split_ties() {
    // d max(x, y) = dx where x > y, dy where y > x, (dx + dy) / 2 on a tie (torch.maximum)
    assert_eq!(larger_grad(3.0, 1.0), (3.0, (1.0, 0.0)));
    assert_eq!(larger_grad(1.0, 3.0), (3.0, (0.0, 1.0)));
    assert_eq!(larger_grad(2.0, 2.0), (2.0, (0.5, 0.5)));
    assert_eq!(smaller_grad(3.0, 1.0), (1.0, (0.0, 1.0)));
    assert_eq!(smaller_grad(2.0, 2.0), (2.0, (0.5, 0.5)));
}

#[differentiable]
fn relu_by_max(x: f64) -> f64 {
    x.max(0.0) * 3.0
}

#[test]
fn max_with_a_constant() {
    // d/dx 3 max(x, 0) = 3 where x > 0, 0 where x < 0, 1.5 at the tie x = 0
    assert_eq!(relu_by_max_grad(2.0).1, (3.0,));
    assert_eq!(relu_by_max_grad(-2.0).1, (0.0,));
    assert_eq!(relu_by_max_grad(0.0).1, (1.5,));
}

// ---------------------------------------------------------------- bindings

#[differentiable]
fn shadowing(x: f64) -> f64 {
    let x = x * 2.0;
    let x = x.exp();
    x + 1.0
}

#[test]
fn shadowing_gradient() {
    // d/dx (e^(2x) + 1) = 2 e^(2x)
    let (value, (dx,)) = shadowing_grad(0.25);
    assert_close(value, 0.5_f64.exp() + 1.0, 1e-15);
    assert_close(dx, 2.0 * 0.5_f64.exp(), 1e-15);
}

#[differentiable]
fn reassignment(x: f64, y: f64) -> f64 {
    let mut acc = x;
    acc *= y;
    acc -= x;
    acc /= y;
    acc += 1.0;
    acc = acc * acc;
    acc
}

#[test]
fn reassignment_gradient() {
    // acc = (xy - x)/y + 1 = x - x/y + 1; f = acc^2
    // df/dx = 2 acc (1 - 1/y), df/dy = 2 acc x / y^2
    let (x, y) = (3.0_f64, 2.0_f64);
    let acc = x - x / y + 1.0;
    let (value, (dx, dy)) = reassignment_grad(x, y);
    assert_close(value, acc * acc, 1e-15);
    assert_close(dx, 2.0 * acc * (1.0 - 1.0 / y), 1e-15);
    assert_close(dy, 2.0 * acc * x / (y * y), 1e-15);
}

#[differentiable]
fn constants(x: f64) -> f64 {
    let c = 3.0_f64;
    let n = 4;
    std::f64::consts::PI * x + c * x * (n as f64)
}

#[test]
fn constants_gradient() {
    // d/dx (pi x + 3 * 4 x) = pi + 12
    assert_close(constants_grad(1.0).1 .0, std::f64::consts::PI + 12.0, 1e-15);
}

#[differentiable]
fn shadowed_by_constants(x: f64) -> f64 {
    let n = 3;
    let c = 2.0_f64;
    let y = x.powi(n) * c;
    // These shadow names the gradient of `y` depends on: it must still use the old values.
    let n = 0;
    let c = 100.0_f64;
    let x = 7.0_f64;
    y + (n as f64) * c + x
}

#[test]
fn later_lets_do_not_change_what_the_gradient_reads() {
    // d/dx (2 x^3 + 0 * 100 + 7) = 6 x^2
    assert_eq!(shadowed_by_constants_grad(2.0), (23.0, (24.0,)));
}

#[differentiable]
#[allow(clippy::needless_return)]
fn ends_with_return(x: f64) -> f64 {
    let y = x * x;
    return y * x;
}

#[test]
fn a_final_return_is_the_value() {
    // d/dx x^3 = 3x^2
    assert_eq!(ends_with_return_grad(2.0), (8.0, (12.0,)));
}

// ---------------------------------------------------------------- loops

#[differentiable]
fn horner(x: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..4 {
        s = s * x + (i as f64 + 1.0);
    }
    s
}

#[test]
fn horner_gradient() {
    // s = x^3 + 2x^2 + 3x + 4; ds/dx = 3x^2 + 4x + 3
    assert_eq!(horner_grad(2.0), (26.0, (23.0,)));
    let (value, (dx,)) = horner_grad(-0.6);
    assert_matches_finite_differences(&|v| horner(v[0]), &[-0.6], value, &[dx]);
}

#[differentiable]
fn power_series(x: f64) -> f64 {
    let mut total = 0.0;
    for k in 1..=5 {
        total += x.powi(k) / (k as f64);
    }
    total
}

#[test]
fn inclusive_range_gradient() {
    // d/dx sum_{k=1..5} x^k / k = sum_{k=1..5} x^(k-1) = 1 + x + x^2 + x^3 + x^4
    let x = 0.5_f64;
    let (value, (dx,)) = power_series_grad(x);
    assert_close(dx, 1.0 + x + x * x + x.powi(3) + x.powi(4), 1e-15);
    assert_matches_finite_differences(&|v| power_series(v[0]), &[x], value, &[dx]);
}

#[differentiable]
fn fibonacci_like(x: f64, y: f64) -> f64 {
    let mut a = x;
    let mut b = y;
    for _ in 0..5 {
        let t = a + b;
        a = b;
        b = t;
    }
    b * a
}

#[test]
fn two_carried_variables() {
    // After 5 steps (a, b) = (3x + 5y, 5x + 8y); f = ab
    // df/dx = 5a + 3b, df/dy = 8a + 5b
    let (x, y) = (0.5_f64, -0.25_f64);
    let (a, b) = (3.0 * x + 5.0 * y, 5.0 * x + 8.0 * y);
    let (value, (dx, dy)) = fibonacci_like_grad(x, y);
    assert_close(value, a * b, 1e-15);
    assert_close(dx, 5.0 * a + 3.0 * b, 1e-15);
    assert_close(dy, 8.0 * a + 5.0 * b, 1e-15);
}

#[differentiable]
fn nested_loops(x: f64, y: f64) -> f64 {
    let mut acc = 1.0;
    for i in 0..3 {
        let scale = (i + 1) as f64;
        for j in 0..i {
            acc = acc * x + y / (scale + j as f64);
        }
        acc = acc.sin() + acc;
    }
    acc
}

#[test]
fn nested_loops_gradient() {
    let xs = [0.9, -0.4];
    let (value, (dx, dy)) = nested_loops_grad(xs[0], xs[1]);
    assert_matches_finite_differences(&|v| nested_loops(v[0], v[1]), &xs, value, &[dx, dy]);
}

#[differentiable]
fn chain_in_a_loop(a: f64, b: f64) -> f64 {
    let mut c = a;
    for _ in 0..100 {
        c = (c * b + a).sin();
    }
    c
}

#[test]
fn benchmark_w5_scalar_chain() {
    // DESIGN.md's W5: c = a; 100 times c = sin(c b + a)
    let xs = [0.5, 1.5];
    let (value, (da, db)) = chain_in_a_loop_grad(xs[0], xs[1]);
    assert_matches_finite_differences(&|v| chain_in_a_loop(v[0], v[1]), &xs, value, &[da, db]);
}

#[differentiable]
fn empty_loop(x: f64) -> f64 {
    let mut y = x;
    // The trip count may be any integer expression of no differentiable value.
    for _ in 0..std::hint::black_box(0_usize) {
        y *= 10.0;
    }
    y * 2.0
}

#[test]
fn a_loop_that_never_runs() {
    // d/dx 2x = 2
    assert_eq!(empty_loop_grad(1.0), (2.0, (2.0,)));
}

// ---------------------------------------------------------------- f32

#[differentiable]
fn single_precision(x: f32, y: f32) -> f32 {
    (x * y).tanh() + y
}

#[test]
fn f32_functions_get_f32_gradients() {
    // d/dx tanh(xy) + y = y (1 - tanh^2 xy); d/dy = x (1 - tanh^2 xy) + 1
    let (x, y) = (0.5_f32, 2.0_f32);
    let (_, (dx, dy)): (f32, (f32, f32)) = single_precision_grad(x, y);
    let t = (x * y).tanh();
    assert!((dx - y * (1.0 - t * t)).abs() < 1e-6);
    assert!((dy - (x * (1.0 - t * t) + 1.0)).abs() < 1e-6);
}

// ---------------------------------------------------------------- nalgebra

#[differentiable]
fn vector_energy(v: Vector3<f64>, w: SVector<f64, 3>) -> f64 {
    v.dot(&w) + v.norm() + v.x * w[2]
}

#[test]
fn fixed_size_vectors() {
    // d/dv (v.w + |v| + v_x w_z) = w + v/|v| + (w_z, 0, 0)
    // d/dw (v.w + |v| + v_x w_z) = v + (0, 0, v_x)
    let v = Vector3::new(1.0, 2.0, 2.0);
    let w = SVector::<f64, 3>::new(0.5, -1.0, 3.0);
    let (value, (dv, dw)) = vector_energy_grad(v, w);
    assert_close(value, v.dot(&w) + 3.0 + 3.0, 1e-15);
    let expected_dv = w + v / 3.0 + Vector3::new(3.0, 0.0, 0.0);
    let expected_dw = v + Vector3::new(0.0, 0.0, 1.0);
    assert!((dv - expected_dv).norm() < 1e-14, "{dv} vs {expected_dv}");
    assert!((dw - expected_dw).norm() < 1e-14, "{dw} vs {expected_dw}");
}

#[differentiable]
fn matrix_terms(m: Matrix2<f64>, n: SMatrix<f64, 2, 2>, s: f64) -> f64 {
    let mut total = m.norm_squared() * s;
    for i in 0..2 {
        total += m[(i, 1)] * n[(1, i)];
    }
    total + n.sum()
}

#[test]
fn fixed_size_matrices() {
    // d/dm (s |m|^2 + sum_i m[i,1] n[1,i] + sum n) = 2 s m + (n[1,i] at m[i,1])
    // d/dn = (m[i,1] at n[1,i]) + 1; d/ds = |m|^2
    let m = Matrix2::new(1.0, 2.0, 3.0, 4.0);
    let n = SMatrix::<f64, 2, 2>::new(0.5, 0.25, -1.0, 2.0);
    let s = 0.5;
    let (_, (dm, dn, ds)) = matrix_terms_grad(m, n, s);
    let mut expected_dm = m * (2.0 * s);
    expected_dm[(0, 1)] += n[(1, 0)];
    expected_dm[(1, 1)] += n[(1, 1)];
    let mut expected_dn = SMatrix::<f64, 2, 2>::repeat(1.0);
    expected_dn[(1, 0)] += m[(0, 1)];
    expected_dn[(1, 1)] += m[(1, 1)];
    assert!((dm - expected_dm).norm() < 1e-14, "{dm} vs {expected_dm}");
    assert!((dn - expected_dn).norm() < 1e-14, "{dn} vs {expected_dn}");
    assert_close(ds, 30.0, 1e-15);
}

// ---------------------------------------------------------------- values

#[test]
fn values_equal_the_original_functions_bit_for_bit() {
    // The forward code performs the original operations in the original order.
    let (x, y) = (0.37_f64, 1.21_f64);
    assert_eq!(used_three_times_grad(x).0, used_three_times(x));
    assert_eq!(abs_at_zero_grad(-x).0, abs_at_zero(-x));
    assert_eq!(power_of_zero_grad(x).0, power_of_zero(x));
    assert_eq!(larger_grad(x, y).0, larger(x, y));
    assert_eq!(smaller_grad(x, y).0, smaller(x, y));
    assert_eq!(relu_by_max_grad(x).0, relu_by_max(x));
    assert_eq!(shadowing_grad(x).0, shadowing(x));
    assert_eq!(reassignment_grad(x, y).0, reassignment(x, y));
    assert_eq!(constants_grad(x).0, constants(x));
    assert_eq!(shadowed_by_constants_grad(x).0, shadowed_by_constants(x));
    assert_eq!(ends_with_return_grad(x).0, ends_with_return(x));
    assert_eq!(fibonacci_like_grad(x, y).0, fibonacci_like(x, y));
    assert_eq!(empty_loop_grad(x).0, empty_loop(x));
    assert_eq!(
        single_precision_grad(0.5, 2.0).0,
        single_precision(0.5, 2.0)
    );
    assert_eq!(nested_loops_grad(x, y).0, nested_loops(x, y));
    assert_eq!(chain_in_a_loop_grad(x, y).0, chain_in_a_loop(x, y));
    let (v, w) = (
        Vector3::new(1.0, -2.0, 0.5),
        SVector::<f64, 3>::new(3.0, 1.0, 2.0),
    );
    assert_eq!(vector_energy_grad(v, w).0, vector_energy(v, w));
    let (m, n) = (
        Matrix2::new(1.0, 2.0, 3.0, 4.0),
        SMatrix::<f64, 2, 2>::identity(),
    );
    assert_eq!(matrix_terms_grad(m, n, y).0, matrix_terms(m, n, y));
}
