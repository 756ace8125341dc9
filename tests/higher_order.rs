//! Higher-order gradients through `autograd::grad(..).create_graph(true)`: known second and
//! third derivatives, Hessian-vector products, a gradient penalty, the builder's error cases,
//! and the second derivative through every differentiable op, checked against closed forms and
//! against central differences of the first derivative.

use autograd::{grad, AutogradError, Tensor};

/// An F64 leaf that requires grad.
fn leaf(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape).requires_grad_(true)
}

/// d(out)/d(x) for a scalar `out`, itself differentiable.
fn d(out: &Tensor, x: &Tensor) -> Tensor {
    grad(&[out], &[x]).create_graph(true).run().unwrap()[0]
        .clone()
        .expect("x is used")
}

#[track_caller]
fn assert_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a - e).abs() <= tol * e.abs().max(1.0),
            "got {actual:?}, expected {expected:?}"
        );
    }
}

/// The Hessian of the scalar `f` at `x`, row by row: row k = d(grad_k)/dx, from
/// `grad(g, x).grad_outputs(e_k)` on the differentiable gradient `g`.
fn hessian_by_grad(f: &dyn Fn(&Tensor) -> Tensor, x: &Tensor) -> Vec<Vec<f64>> {
    let g = d(&f(x), x);
    let n = x.numel();
    (0..n)
        .map(|k| {
            let mut e = vec![0.0; n];
            e[k] = 1.0;
            let e = Tensor::from_vec(e, x.shape());
            let row = grad(&[&g], &[x])
                .grad_outputs(&[&e])
                .retain_graph(true)
                .allow_unused(true)
                .run()
                .unwrap();
            row[0].as_ref().map_or(vec![0.0; n], Tensor::to_vec)
        })
        .collect()
}

/// The same Hessian by central differences of the first derivative (no `create_graph`):
/// row k = (grad f(x + h e_k) - grad f(x - h e_k)) / 2h.
fn hessian_by_differences(f: &dyn Fn(&Tensor) -> Tensor, x: &Tensor) -> Vec<Vec<f64>> {
    const H: f64 = 1e-6;
    let base = x.to_vec();
    let first = |values: Vec<f64>| {
        let x = leaf(&values, x.shape());
        grad(&[&f(&x)], &[&x]).run().unwrap()[0]
            .clone()
            .unwrap()
            .to_vec()
    };
    (0..base.len())
        .map(|k| {
            let (mut plus, mut minus) = (base.clone(), base.clone());
            plus[k] += H;
            minus[k] -= H;
            let (gp, gm) = (first(plus), first(minus));
            gp.iter()
                .zip(&gm)
                .map(|(p, m)| (p - m) / (2.0 * H))
                .collect()
        })
        .collect()
}

/// Checks the analytic Hessian against central differences, and against `expected` (row-major)
/// when given.
#[track_caller]
fn check_hessian(f: &dyn Fn(&Tensor) -> Tensor, x: &Tensor, expected: Option<&[f64]>) {
    let analytic: Vec<f64> = hessian_by_grad(f, x).concat();
    let numeric: Vec<f64> = hessian_by_differences(f, x).concat();
    assert_close(&analytic, &numeric, 1e-5);
    if let Some(expected) = expected {
        assert_close(&analytic, expected, 1e-12);
    }
}

/// The diagonal Hessian of `sum(op(x))` for an elementwise op, from one double backward.
fn elementwise_second(op: impl Fn(&Tensor) -> Tensor, x: &Tensor) -> Vec<f64> {
    let g = d(&op(x).sum(), x);
    d(&g.sum(), x).to_vec()
}

// --- the known values ---------------------------------------------------------------

#[test]
fn second_and_third_derivative_of_cube() {
    // f = x^3: f' = 3x^2, f'' = 6x, f''' = 6.
    let x = leaf(&[1.5, -2.0], &[2]);
    let g = d(&x.pow(3.0).sum(), &x);
    assert_close(&g.to_vec(), &[6.75, 12.0], 1e-12);
    let h = d(&g.sum(), &x);
    assert_close(&h.to_vec(), &[9.0, -12.0], 1e-12);
    let third = d(&h.sum(), &x);
    assert_close(&third.to_vec(), &[6.0, 6.0], 1e-12);
}

#[test]
fn second_derivative_of_sin_times_x() {
    // f = x sin x: f' = sin x + x cos x, f'' = 2 cos x - x sin x.
    let values = [0.7, -1.3, 2.0];
    let x = leaf(&values, &[3]);
    let g = d(&(x.sin() * &x).sum(), &x);
    let first: Vec<f64> = values.iter().map(|v| v.sin() + v * v.cos()).collect();
    assert_close(&g.to_vec(), &first, 1e-12);
    let h = d(&g.sum(), &x);
    let second: Vec<f64> = values.iter().map(|v| 2.0 * v.cos() - v * v.sin()).collect();
    assert_close(&h.to_vec(), &second, 1e-12);
}

#[test]
fn third_derivative_of_sin_is_minus_cos() {
    let values = [0.3, 1.1];
    let x = leaf(&values, &[2]);
    let g1 = d(&x.sin().sum(), &x);
    let g2 = d(&g1.sum(), &x);
    let g3 = d(&g2.sum(), &x);
    let expected: Vec<f64> = values.iter().map(|v| -v.cos()).collect();
    assert_close(&g3.to_vec(), &expected, 1e-12);
}

#[test]
fn hessian_vector_product_of_two_inputs() {
    // f(a, b) = a^2 b + b^3: grad = (2ab, a^2 + 3b^2), H = [[2b, 2a], [2a, 6b]].
    // At (a, b) = (1, 2) and v = (1, -1): H v = (4 - 2, 2 - 12) = (2, -10).
    let a = leaf(&[1.0], &[]);
    let b = leaf(&[2.0], &[]);
    let f = a.pow(2.0) * &b + b.pow(3.0);
    let g = grad(&[&f], &[&a, &b]).create_graph(true).run().unwrap();
    let (ga, gb) = (g[0].clone().unwrap(), g[1].clone().unwrap());
    assert_eq!((ga.item(), gb.item()), (4.0, 13.0));
    let v = [leaf(&[1.0], &[]), leaf(&[-1.0], &[])].map(|t| t.detach());
    let hv = grad(&[&ga, &gb], &[&a, &b])
        .grad_outputs(&[&v[0], &v[1]])
        .run()
        .unwrap();
    assert_eq!(hv[0].as_ref().unwrap().item(), 2.0);
    assert_eq!(hv[1].as_ref().unwrap().item(), -10.0);
}

#[test]
fn hessian_vector_product_of_quadratic_form() {
    // f(x) = x^T A x: grad = (A + A^T) x, H = A + A^T, so H v = (A + A^T) v.
    // A = [[1, 2, 0], [0, 3, 1], [4, 0, 5]] -> A + A^T = [[2, 2, 4], [2, 6, 1], [4, 1, 10]];
    // v = [1, 0, -1] -> H v = [2 - 4, 2 - 1, 4 - 10] = [-2, 1, -6].
    let a = Tensor::from_vec(vec![1.0, 2.0, 0.0, 0.0, 3.0, 1.0, 4.0, 0.0, 5.0], &[3, 3]);
    let x = leaf(&[0.5, -1.0, 2.0], &[3]);
    let f = x.matmul(&a.matmul(&x));
    let g = d(&f, &x);
    // (A + A^T) x = [1 - 2 + 8, 1 - 6 + 2, 2 - 1 + 20] = [7, -3, 21].
    assert_close(&g.to_vec(), &[7.0, -3.0, 21.0], 1e-12);
    let v = Tensor::from_vec(vec![1.0, 0.0, -1.0], &[3]);
    let hv = grad(&[&g], &[&x]).grad_outputs(&[&v]).run().unwrap();
    assert_close(&hv[0].as_ref().unwrap().to_vec(), &[-2.0, 1.0, -6.0], 1e-12);
}

#[test]
fn gradient_penalty_backward_of_squared_gradient_norm() {
    // D(x) = sum(w * x^2): dD/dx = 2 w x. Penalty P = ||2 w x||^2 = 4 sum(w^2 x^2), so
    // dP/dw = 8 w x^2 and dP/dx = 8 w^2 x.
    let w = leaf(&[0.5, -1.0, 2.0], &[3]);
    let x = leaf(&[1.0, 2.0, -0.5], &[3]);
    let out = (&w * x.pow(2.0)).sum();
    let gx = d(&out, &x);
    let penalty = gx.pow(2.0).sum();
    // 4 (0.25 * 1 + 1 * 4 + 4 * 0.25) = 21
    assert_close(&[penalty.item()], &[21.0], 1e-12);
    penalty.backward();
    assert_close(&w.grad().unwrap().to_vec(), &[4.0, -32.0, 4.0], 1e-12);
    assert_close(&x.grad().unwrap().to_vec(), &[2.0, 16.0, -16.0], 1e-12);
}

#[test]
fn wgan_gp_penalty_matches_finite_differences() {
    // WGAN-GP: P(W) = (||dD/dx||_2 - 1)^2 with the critic D(x) = sum(tanh(x W)).
    let x = leaf(&[0.2, -0.4, 0.9, 0.1, 0.5, -0.3], &[2, 3]);
    let w0 = [0.3, -0.2, 0.8, 0.5, -0.6, 0.1];
    let penalty = |w: &Tensor| {
        let critic = x.matmul(w).tanh().sum();
        let gx = d(&critic, &x);
        (gx.norm() - 1.0).pow(2.0)
    };
    let w = leaf(&w0, &[3, 2]);
    penalty(&w).backward();
    let analytic = w.grad().unwrap().to_vec();
    const H: f64 = 1e-6;
    let numeric: Vec<f64> = (0..w0.len())
        .map(|k| {
            let at = |delta: f64| {
                let mut v = w0.to_vec();
                v[k] += delta;
                penalty(&leaf(&v, &[3, 2])).item()
            };
            (at(H) - at(-H)) / (2.0 * H)
        })
        .collect();
    assert_close(&analytic, &numeric, 1e-6);
    assert!(
        x.grad().is_some(),
        "the penalty also reaches the critic's input"
    );
}

#[test]
fn backward_with_create_graph_leaves_a_differentiable_grad() {
    // As PyTorch's x.grad after backward(create_graph=True): d/dx x^3 = 3x^2 carries a graph,
    // and differentiating it again gives 6x.
    let x = leaf(&[2.0, -1.0], &[2]);
    autograd::backward(&[&x.pow(3.0).sum()])
        .create_graph(true)
        .run()
        .unwrap();
    let g = x.grad().unwrap();
    assert!(g.requires_grad());
    assert_eq!(g.to_vec(), vec![12.0, 3.0]);
    let h = d(&g.sum(), &x);
    assert_eq!(h.to_vec(), vec![12.0, -6.0]);
}

#[test]
fn second_derivative_with_respect_to_an_intermediate() {
    // y = 2x, z = sum(y^3): dz/dy = 3y^2, d/dy sum(3y^2) = 6y = 12x; d/dx sum(3y^2) = 12y = 24x.
    let x = leaf(&[1.0, 0.5], &[2]);
    let y = &x * 2.0;
    let gy = d(&y.pow(3.0).sum(), &y);
    assert_eq!(gy.to_vec(), vec![12.0, 3.0]);
    let g = grad(&[&gy.sum()], &[&y, &x]).run().unwrap();
    assert_eq!(g[0].as_ref().unwrap().to_vec(), vec![12.0, 6.0]);
    assert_eq!(g[1].as_ref().unwrap().to_vec(), vec![24.0, 12.0]);
}

// --- what autograd::grad leaves alone and its errors ------------------------------------------

#[test]
fn grad_leaves_dot_grad_untouched() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let _ = d(&d(&x.pow(3.0).sum(), &x).sum(), &x);
    assert!(x.grad().is_none());
    // An existing .grad() is neither replaced nor accumulated into.
    (&x * 2.0).sum().backward();
    let _ = d(&x.pow(3.0).sum(), &x);
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 2.0]);
}

#[test]
fn allow_unused_gives_none() {
    let x = leaf(&[1.0], &[1]);
    let y = leaf(&[2.0], &[1]);
    let g = grad(&[&x.exp().sum()], &[&x, &y])
        .allow_unused(true)
        .run()
        .unwrap();
    assert!(g[0].is_some());
    assert!(g[1].is_none());
}

#[test]
fn unused_input_without_allow_unused_is_an_error() {
    let x = leaf(&[1.0], &[1]);
    let y = leaf(&[2.0], &[1]);
    let err = grad(&[&x.exp().sum()], &[&x, &y]).run().unwrap_err();
    assert_eq!(err, AutogradError::UnusedInput { index: 1 });
    assert!(err
        .to_string()
        .contains("appears to not have been used in the graph"));
}

#[test]
fn second_derivative_of_a_product_wrt_an_input_it_does_not_depend_on() {
    // d/da (a b) = b does not depend on a: PyTorch reports a unused, and so do we.
    let a = leaf(&[1.0], &[1]);
    let b = leaf(&[3.0], &[1]);
    let ga = d(&(&a * &b).sum(), &a);
    let err = grad(&[&ga.sum()], &[&a]).run().unwrap_err();
    assert_eq!(err, AutogradError::UnusedInput { index: 0 });
    let mixed = d(&ga.sum(), &b);
    assert_eq!(mixed.to_vec(), vec![1.0]);
}

#[test]
fn input_not_requiring_grad_is_an_error() {
    let x = leaf(&[1.0], &[1]);
    let c = Tensor::from_vec(vec![1.0f64], &[1]);
    let err = grad(&[&(&x * &c).sum()], &[&x, &c]).run().unwrap_err();
    assert_eq!(err, AutogradError::InputDoesNotRequireGrad { index: 1 });
    assert!(err.to_string().contains("does not require grad"));
}

#[test]
fn gradient_without_create_graph_is_detached() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let g = grad(&[&x.pow(3.0).sum()], &[&x]).run().unwrap()[0]
        .clone()
        .unwrap();
    assert!(!g.requires_grad());
    let g = d(&x.pow(3.0).sum(), &x);
    assert!(g.requires_grad());
}

// --- the second derivative through each op ----------------------------------------------------

const POINTS: [f64; 3] = [0.4, 1.3, 2.2];

fn expected(f: impl Fn(f64) -> f64) -> Vec<f64> {
    POINTS.iter().map(|&v| f(v)).collect()
}

#[test]
fn second_derivative_exp() {
    // (e^x)'' = e^x
    let x = leaf(&POINTS, &[3]);
    let h = elementwise_second(Tensor::exp, &x);
    assert_close(&h, &expected(f64::exp), 1e-12);
    check_hessian(&|x| x.exp().sum(), &x, None);
}

#[test]
fn second_derivative_log() {
    // (ln x)'' = -1/x^2
    let x = leaf(&POINTS, &[3]);
    let h = elementwise_second(Tensor::log, &x);
    assert_close(&h, &expected(|v| -1.0 / (v * v)), 1e-12);
    check_hessian(&|x| x.log().sum(), &x, None);
}

#[test]
fn second_derivative_sqrt() {
    // (x^(1/2))'' = -1/4 x^(-3/2)
    let x = leaf(&POINTS, &[3]);
    let h = elementwise_second(Tensor::sqrt, &x);
    assert_close(&h, &expected(|v| -0.25 * v.powf(-1.5)), 1e-12);
    check_hessian(&|x| x.sqrt().sum(), &x, None);
}

#[test]
fn second_derivative_tanh() {
    // tanh'' = -2 tanh (1 - tanh^2)
    let x = leaf(&POINTS, &[3]);
    let h = elementwise_second(Tensor::tanh, &x);
    let want = expected(|v| -2.0 * v.tanh() * (1.0 - v.tanh().powi(2)));
    assert_close(&h, &want, 1e-12);
    check_hessian(&|x| x.tanh().sum(), &x, None);
}

#[test]
fn second_derivative_sigmoid() {
    // s'' = s (1 - s) (1 - 2s)
    let x = leaf(&POINTS, &[3]);
    let h = elementwise_second(Tensor::sigmoid, &x);
    let s = |v: f64| 1.0 / (1.0 + (-v).exp());
    assert_close(
        &h,
        &expected(|v| s(v) * (1.0 - s(v)) * (1.0 - 2.0 * s(v))),
        1e-12,
    );
    check_hessian(&|x| x.sigmoid().sum(), &x, None);
}

#[test]
fn second_derivative_sin_and_cos() {
    // sin'' = -sin, cos'' = -cos
    let x = leaf(&POINTS, &[3]);
    assert_close(
        &elementwise_second(Tensor::sin, &x),
        &expected(|v| -v.sin()),
        1e-12,
    );
    assert_close(
        &elementwise_second(Tensor::cos, &x),
        &expected(|v| -v.cos()),
        1e-12,
    );
    check_hessian(&|x| (x.sin() * x.cos()).sum(), &x, None);
}

#[test]
fn second_derivative_pow() {
    // (x^p)'' = p (p - 1) x^(p - 2), for p = 3, 2, 0.5, -1
    let x = leaf(&POINTS, &[3]);
    for p in [3.0, 2.0, 0.5, -1.0] {
        let h = elementwise_second(|t| t.pow(p), &x);
        assert_close(&h, &expected(|v| p * (p - 1.0) * v.powf(p - 2.0)), 1e-12);
        check_hessian(&|x| x.pow(p).sum(), &x, None);
    }
}

#[test]
fn second_derivative_div() {
    // f(a, b) = a / b: d2f/da2 = 0, d2f/dadb = -1/b^2, d2f/db2 = 2a/b^3.
    // At a = 3, b = 2: the mixed term is -0.25 and d2f/db2 is 0.75.
    let a = leaf(&[3.0], &[]);
    let b = leaf(&[2.0], &[]);
    let g = grad(&[&(&a / &b)], &[&a, &b])
        .create_graph(true)
        .run()
        .unwrap();
    let (ga, gb) = (g[0].clone().unwrap(), g[1].clone().unwrap());
    assert_eq!((ga.item(), gb.item()), (0.5, -0.75));
    let row_a = grad(&[&ga], &[&a, &b]).allow_unused(true).run().unwrap();
    assert!(row_a[0].is_none(), "1/b does not depend on a");
    assert_eq!(row_a[1].as_ref().unwrap().item(), -0.25);
    let row_b = grad(&[&gb], &[&a, &b]).run().unwrap();
    assert_eq!(row_b[0].as_ref().unwrap().item(), -0.25);
    assert_eq!(row_b[1].as_ref().unwrap().item(), 0.75);
    // Elementwise division of a tensor by itself plus one, against finite differences.
    let x = leaf(&POINTS, &[3]);
    check_hessian(&|x| (x / (x + 1.0)).sum(), &x, None);
    // 1 / x: (1/x)'' = 2 / x^3
    assert_close(
        &elementwise_second(Tensor::reciprocal, &x),
        &expected(|v| 2.0 / v.powi(3)),
        1e-12,
    );
}

#[test]
fn second_derivative_mul_with_broadcasting() {
    // f(a, b) = sum_ij a_ij^2 b_j with a: [2, 3], b: [3]: df/db_j = sum_i a_ij^2, so
    // d/da sum_j df/db_j = 2a (the gradient of b was summed over the broadcast dim).
    let a = leaf(&[1.0, 2.0, 3.0, -1.0, 0.5, 2.0], &[2, 3]);
    let b = leaf(&[0.5, -1.0, 2.0], &[3]);
    let f = (&a * &a * &b).sum();
    let gb = d(&f, &b);
    assert_close(&gb.to_vec(), &[2.0, 4.25, 13.0], 1e-12);
    let mixed = d(&gb.sum(), &a);
    assert_close(&mixed.to_vec(), &[2.0, 4.0, 6.0, -2.0, 1.0, 4.0], 1e-12);
    // d2f/da2 = 2 b_j on the diagonal.
    let ga = d(&f, &a);
    let h = d(&ga.sum(), &a);
    assert_close(&h.to_vec(), &[1.0, -2.0, 4.0, 1.0, -2.0, 4.0], 1e-12);
    let x = leaf(&POINTS, &[3]);
    check_hessian(&|x| (x * x * x * 0.5).sum(), &x, None);
}

#[test]
fn second_derivative_matmul() {
    // f(x) = x^T A x: H = A + A^T (see hessian_vector_product_of_quadratic_form).
    let a = Tensor::from_vec(vec![1.0, 2.0, 0.0, 0.0, 3.0, 1.0, 4.0, 0.0, 5.0], &[3, 3]);
    let x = leaf(&[0.5, -1.0, 2.0], &[3]);
    let sym = [2.0, 2.0, 4.0, 2.0, 6.0, 1.0, 4.0, 1.0, 10.0];
    check_hessian(&|x| x.matmul(&a.matmul(x)), &x, Some(&sym));
    // Matrix-matrix products inside a nonlinearity, against finite differences.
    let m = Tensor::from_vec(vec![0.3, -0.7, 1.1, 0.2, 0.5, -0.4], &[3, 2]);
    let w = leaf(&[0.1, 0.4, -0.3, 0.8, 0.6, -0.2], &[2, 3]);
    check_hessian(&|w| m.matmul(w).tanh().matmul(&m).sum(), &w, None);
}

#[test]
fn second_derivative_sum_and_mean() {
    // f = (sum x)^2: H = 2 (every entry); f = (mean x)^2 with n = 3: H = 2/9.
    let x = leaf(&POINTS, &[3]);
    check_hessian(&|x| x.sum().pow(2.0), &x, Some(&[2.0; 9]));
    check_hessian(&|x| x.mean().pow(2.0), &x, Some(&[2.0 / 9.0; 9]));
    // By dim: f = sum_i (sum_j x_ij)^2 on [2, 2]: H = 2 within a row, 0 across rows.
    let y = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let block = [
        2.0, 2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 2.0, 2.0,
    ];
    check_hessian(&|y| y.sum_dim(1, false).pow(2.0).sum(), &y, Some(&block));
    // f = sum_j (mean_i x_ij)^2 on [2, 2]: H = 2/4 within a column, 0 across columns.
    let q = 0.5;
    let cols = [
        q, 0.0, q, 0.0, 0.0, q, 0.0, q, q, 0.0, q, 0.0, 0.0, q, 0.0, q,
    ];
    check_hessian(&|y| y.mean_dim(0, true).pow(2.0).sum(), &y, Some(&cols));
}

#[test]
fn second_derivative_norm() {
    // f = ||x||: H = (I - x x^T / ||x||^2) / ||x||. At x = (3, 4), ||x|| = 5:
    // H = [[16, -12], [-12, 9]] / 125.
    let x = leaf(&[3.0, 4.0], &[2]);
    let h = [16.0 / 125.0, -12.0 / 125.0, -12.0 / 125.0, 9.0 / 125.0];
    check_hessian(&|x| x.norm(), &x, Some(&h));
    let y = leaf(&[0.5, -1.5, 2.0, 0.3], &[2, 2]);
    check_hessian(&|y| y.norm() * y.sum(), &y, None);
}

#[test]
fn second_derivative_through_shape_ops_and_dtype_conversion() {
    let x = leaf(&[0.5, -1.0, 2.0, 0.3, 1.2, -0.7], &[2, 3]);
    check_hessian(
        &|x| {
            let y = x.t().reshape(&[3, 2]).unsqueeze(0).expand(&[2, 3, 2]);
            (y.sin() * y.transpose(1, 2).squeeze(0).sum()).sum()
        },
        &x,
        None,
    );
    // Through F32 and back: d2/dx2 (x^3) = 6x.
    let z = leaf(&[1.5], &[1]);
    let h = elementwise_second(|t| t.float().pow(3.0).double(), &z);
    assert_close(&h, &[9.0], 1e-6);
}

#[test]
fn second_derivative_abs_is_zero() {
    // |x|'' = 0 away from 0; PyTorch's sign() has a zero gradient, so the double backward
    // gives zeros rather than an error.
    let x = leaf(&[-1.5, 2.0], &[2]);
    assert_eq!(elementwise_second(Tensor::abs, &x), vec![0.0, 0.0]);
}

#[test]

fn second_derivative_relu_is_zero() {
    // PyTorch: relu's gradient is threshold_backward(grad, result, 0), which depends on the
    // result, so a second derivative is zeros (threshold_backward's self derivative).
    let x = leaf(&[-1.5, 2.0], &[2]);
    assert_eq!(elementwise_second(Tensor::relu, &x), vec![0.0, 0.0]);
}
