//! Least squares by gradient descent, checked against nalgebra's own solvers.
//!
//! `min_x ||A x - b||^2 / (2m)` for a 60x4 `A` built in nalgebra: the matrices become tensors
//! with `Tensor::from(&matrix)`, gradient descent runs on the tensor `x`, and the answer comes
//! back as a `DVector` with `.into()`, to be compared with nalgebra's SVD and QR solutions.
//! A second part does the same with fixed-size `SMatrix`/`SVector` types.
//!
//! ```text
//! cargo run --example least_squares_nalgebra
//! ```

use autograd::optim::{Optimizer, Sgd};
use autograd::Tensor;
use nalgebra::{DMatrix, DVector, Matrix3x2, Vector2, Vector3};

/// Full-batch gradient descent on `||A x - b||^2 / (2m)` with step `lr`, from `x = 0`, until
/// the gradient norm is below `tol`. Returns `x` and the number of steps.
fn gradient_descent(a: &Tensor, b: &Tensor, lr: f64, tol: f64) -> (Tensor, usize) {
    let m = a.shape()[0] as f64;
    // x is [n] for a 1-d b, [n, k] for a [m, k] b.
    let mut shape = vec![a.shape()[1]];
    shape.extend_from_slice(&b.shape()[1..]);
    let x = Tensor::full_dtype(&shape, 0.0, a.dtype()).requires_grad_(true);
    let mut opt = Sgd::new([x.clone()], lr);
    for step in 1..=100_000 {
        opt.zero_grad();
        let r = a.matmul(&x) - b;
        ((&r * &r).sum() / (2.0 * m)).backward();
        if x.grad().expect("x requires grad").norm().item() < tol {
            return (x, step);
        }
        opt.step();
    }
    (x, 100_000)
}

/// `[1.00000000, -2.00000000]`.
fn show(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("{v:.8}")).collect();
    format!("[{}]", items.join(", "))
}

fn main() {
    // A 60x4 design matrix and targets, deterministic: an intercept column of ones, then
    // A[i, j] = 0.5 + sin(0.37 j (i + 1)), one frequency per column (correlated with the
    // intercept through the 0.5, which slows gradient descent down),
    // b = A [1, -2, 0.5, 3] + 0.01 cos(5 i).
    let (m, n) = (60, 4);
    let a = DMatrix::from_fn(m, n, |i, j| {
        let (i, j) = (i as f64, j as f64);
        if j == 0.0 {
            1.0
        } else {
            0.5 + (0.37 * j * (i + 1.0)).sin()
        }
    });
    let truth = DVector::from_vec(vec![1.0, -2.0, 0.5, 3.0]);
    let b = &a * &truth + DVector::from_fn(m, |i, _| 0.01 * (5.0 * i as f64).cos());

    // The step size 1/L, L the largest eigenvalue of A^T A / m: sigma_max(A)^2 / m.
    let svd = a.clone().svd(true, true);
    let sigma_max = svd.singular_values.max();
    let lr = m as f64 / (sigma_max * sigma_max);

    let (x, steps) = gradient_descent(&Tensor::from(&a), &Tensor::from(&b), lr, 1e-10);
    let x_gd: DVector<f64> = x.into();
    let x_svd = svd.solve(&b, 1e-12).expect("SVD solve");
    let qr = a.clone().qr();
    let x_qr = qr
        .r()
        .solve_upper_triangular(&(qr.q().transpose() * &b))
        .expect("A has full column rank");

    println!("A is {m}x{n}, step 1/L = {lr:.4}, {steps} gradient steps");
    println!("gradient descent {}", show(x_gd.as_slice()));
    println!("nalgebra SVD     {}", show(x_svd.as_slice()));
    println!("nalgebra QR      {}", show(x_qr.as_slice()));
    println!(
        "|x_gd - x_svd| = {:.2e}, |x_svd - x_qr| = {:.2e}",
        (&x_gd - &x_svd).norm(),
        (&x_svd - &x_qr).norm()
    );
    assert!((&x_gd - &x_svd).norm() < 1e-6);

    // Fixed size: a 3x2 system (SMatrix) with an SVector right-hand side, a [3, 1] column.
    let a3 = Matrix3x2::new(1.0, 1.0, 1.0, 2.0, 1.0, 3.0);
    let b3 = Vector3::new(1.0, 2.0, 2.0);
    let (x3, steps3) = gradient_descent(&Tensor::from(a3), &Tensor::from(b3), 0.15, 1e-12);
    let x3 = Vector2::try_from(&x3).expect("2 elements");
    let x3_svd = a3.svd(true, true).solve(&b3, 1e-12).expect("SVD solve");
    // Normal equations by hand: A^T A = [[3, 6], [6, 14]], A^T b = [5, 11], x = [2/3, 1/2].
    println!(
        "3x2 system: gradient descent {} in {steps3} steps",
        show(x3.as_slice())
    );
    println!(
        "            nalgebra SVD     {} (exact: [2/3, 1/2])",
        show(x3_svd.as_slice())
    );
    assert!((x3 - x3_svd).norm() < 1e-8);
}
