//! Custom functions with `autograd::Function` (PyTorch's `torch.autograd.Function`): a
//! numerically stable `logsumexp` and a straight-through estimator, both checked with
//! `gradcheck`.
//!
//! Run with `cargo run --example custom_function`.

use autograd::{gradcheck, Function, FunctionCtx, Tensor};

/// `log(sum(exp(x)))` over all elements, computed as `m + log(sum(exp(x - m)))` with
/// `m = max(x)` so no `exp` overflows. Its gradient is `softmax(x) = exp(x - out)`.
struct LogSumExp;

impl Function for LogSumExp {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        let x = &inputs[0];
        let m = x.to_vec().into_iter().fold(f64::NEG_INFINITY, f64::max);
        let out = (x - m).exp().sum().log() + m;
        ctx.save_for_backward(&[x, &out]);
        vec![out]
    }

    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        let [x, out] = ctx.saved_tensors() else {
            unreachable!("forward saved x and out")
        };
        // d/dx_i log(sum_j exp(x_j)) = exp(x_i) / sum_j exp(x_j) = exp(x_i - out)
        vec![Some(&grads[0] * (x - out).exp())]
    }
}

/// Rounds to the nearest integer (ties to even, as `torch.round`) in forward and passes the
/// gradient through unchanged in backward: the straight-through estimator used to train
/// quantized networks, where round's true derivative (0 almost everywhere) would stop learning.
struct StraightThroughRound;

impl Function for StraightThroughRound {
    fn forward(&self, _: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        vec![round(&inputs[0])]
    }

    fn backward(&self, _: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        vec![Some(grads[0].clone())]
    }
}

/// `x` rounded elementwise, as a constant (no graph), in `x`'s dtype.
fn round(x: &Tensor) -> Tensor {
    let values: Vec<f64> = x.to_vec().into_iter().map(f64::round_ties_even).collect();
    Tensor::from_vec(values, x.shape()).to_dtype(x.dtype())
}

fn logsumexp(x: &Tensor) -> Tensor {
    LogSumExp.apply(&[x]).remove(0)
}

fn ste(x: &Tensor) -> Tensor {
    StraightThroughRound.apply(&[x]).remove(0)
}

#[track_caller]
fn check_close(what: &str, got: &[f64], expected: &[f64]) {
    let ok = got.len() == expected.len()
        && got
            .iter()
            .zip(expected)
            .all(|(g, e)| (g - e).abs() <= 1e-12 * e.abs().max(1.0));
    assert!(ok, "{what}: got {got:?}, expected {expected:?}");
    println!("# checked: {what}");
}

fn main() {
    println!("== logsumexp ==");
    let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]).requires_grad_(true);
    let y = logsumexp(&x);
    println!("logsumexp({x}) = {y}");
    // 3 + ln(1 + e^-1 + e^-2); the gradient is softmax(x) = e^x / (e + e^2 + e^3).
    let expected = 3.0 + (1.0 + (-1.0f64).exp() + (-2.0f64).exp()).ln();
    check_close("logsumexp value", &[y.item()], &[expected]);
    y.backward();
    println!("x.grad = {}", x.grad().unwrap());
    let total: f64 = [1.0f64, 2.0, 3.0].iter().map(|v| v.exp()).sum();
    let softmax: Vec<f64> = [1.0f64, 2.0, 3.0].iter().map(|v| v.exp() / total).collect();
    check_close(
        "logsumexp gradient = softmax",
        &x.grad().unwrap().to_vec(),
        &softmax,
    );

    let big = Tensor::from_vec(vec![1000.0f64, 1000.5, 999.0], &[3]).requires_grad_(true);
    let naive = big.exp().sum().log();
    let stable = logsumexp(&big);
    println!("naive log(sum(exp(x))) at x = {big}: {naive}");
    println!("stable logsumexp: {stable}");
    let expected = 1000.5 + (1.0 + (-0.5f64).exp() + (-1.5f64).exp()).ln();
    assert!(naive.item().is_infinite());
    check_close(
        "stable where the naive form overflows",
        &[stable.item()],
        &[expected],
    );

    for (values, shape) in [
        (vec![0.3, -1.2, 2.0, 0.7], vec![4]),
        (vec![0.5, -0.1, 1.5, 2.5, -3.0, 0.0], vec![2, 3]),
        (vec![1000.0, 1000.5, 999.0], vec![3]),
        (vec![-4.0], vec![1]),
    ] {
        let x = Tensor::from_vec(values, &shape).requires_grad_(true);
        gradcheck(|v| logsumexp(&v[0]), &[x]).expect("logsumexp gradcheck");
        println!("# checked: gradcheck of logsumexp on shape {shape:?}");
    }

    println!("\n== straight-through round ==");
    let x = Tensor::from_vec(vec![0.2f64, 1.7, -2.4, 2.5], &[4]).requires_grad_(true);
    let y = ste(&x);
    println!("round({x}) = {y}");
    check_close(
        "rounded values (ties to even)",
        &y.to_vec(),
        &[0.0, 2.0, -2.0, 2.0],
    );
    (&y * &y).sum().backward();
    // d/dx sum(round(x)^2) through the estimator: 2 round(x) * 1.
    println!("x.grad = {}", x.grad().unwrap());
    check_close(
        "gradient passes straight through",
        &x.grad().unwrap().to_vec(),
        &[0.0, 4.0, -4.0, 4.0],
    );

    // gradcheck compares backward with central differences of the forward. Away from the
    // half-integers round is flat, so the numerical derivative is 0 while the estimator
    // claims 1: gradcheck on the STE itself must report a mismatch, and does.
    let away = Tensor::from_vec(vec![0.2f64, 1.7, -2.4], &[3]).requires_grad_(true);
    let mismatch = gradcheck(|v| ste(&v[0]), std::slice::from_ref(&away)).unwrap_err();
    println!("gradcheck(ste) fails as expected: {mismatch}");

    // What the STE promises is the identity's gradient. Add the constant x - round(x) (no graph):
    // the forward value becomes x itself, so the numerical derivative is the identity's (1),
    // while the analytic derivative is exactly the STE's backward (the constant adds nothing).
    // gradcheck passing on this function checks the STE's backward against the identity.
    let as_identity = |v: &[Tensor]| ste(&v[0]) + (v[0].detach() - round(&v[0]));
    gradcheck(as_identity, &[away]).expect("STE backward is the identity's gradient");
    println!("# checked: gradcheck of the STE against the identity's gradient");
    let grid =
        Tensor::from_vec(vec![-1.3f64, 0.4, 0.6, 3.2, 7.9, -0.45], &[2, 3]).requires_grad_(true);
    gradcheck(as_identity, &[grid]).expect("STE backward is the identity's gradient");
    println!("# checked: the same on shape [2, 3]");
}
