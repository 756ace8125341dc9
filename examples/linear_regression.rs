//! Fit a line with stochastic gradient descent: 200 noisy points of `y = 3x + 2`, a
//! `Linear(1, 1)` layer, the mean squared error and `Sgd`, then the recovered coefficients
//! beside the closed-form least-squares ones.
//!
//! ```text
//! cargo run --example linear_regression
//! ```

use autograd::nn::{Linear, Module};
use autograd::optim::{Optimizer, Sgd};
use autograd::{manual_seed, Tensor};

const TRUE_W: f64 = 3.0;
const TRUE_B: f64 = 2.0;
const N: usize = 200;
const NOISE: f64 = 0.1;

fn main() {
    manual_seed(0);
    // x uniform in [-1, 1), y = 3x + 2 + N(0, 0.1^2), as [N, 1] columns.
    let x = Tensor::rand(&[N, 1]) * 2.0 - 1.0;
    let y = &x * TRUE_W + TRUE_B + Tensor::randn(&[N, 1]) * NOISE;

    let model = Linear::new(1, 1);
    let mut opt = Sgd::new(model.parameters(), 0.1).momentum(0.9);
    for step in 0..=300 {
        opt.zero_grad();
        let loss = model.forward(&x).mse_loss(&y);
        loss.backward();
        opt.step();
        if step % 50 == 0 {
            println!("step {step:>3}: mse {:.6}", loss.item());
        }
    }

    let w = model.weight().item();
    let b = model.bias().expect("Linear::new has a bias").item();
    let (w_ls, b_ls) = least_squares(&x.to_vec(), &y.to_vec());
    println!("recovered  y = {w:.4} x + {b:.4}");
    println!("closed form  {w_ls:.4} x + {b_ls:.4} (least squares on the same points)");
    println!("truth        {TRUE_W:.4} x + {TRUE_B:.4}");
    assert!((w - w_ls).abs() < 1e-3 && (b - b_ls).abs() < 1e-3);
}

/// The least-squares line through `(x, y)`: `w = cov(x, y) / var(x)`, `b = mean(y) - w mean(x)`.
fn least_squares(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let var: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let w = cov / var;
    (w, my - w * mx)
}
