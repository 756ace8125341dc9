//! Backward rules are themselves differentiable (`create_graph`): gradcheck of the first
//! gradient, i.e. PyTorch's `gradgradcheck`, for every op.
//!
//! For an op `f`, the checked function is `x -> d/dx sum(sin(f(x)))` computed with
//! `autograd::grad(..).create_graph(true)`. The `sin` makes the second derivative involve both
//! f' and f'' (d/dx [cos(f) f'] = -sin(f) f'^2 + cos(f) f''), so a wrong double-backward of
//! either shows up.

mod runtime_support;

use autograd::{enable_grad, Tensor};
use runtime_support::{check, positive, sample};

/// `d/d v[i] sum(sin(f(v)))`, recorded so it can be differentiated again. Runs with grad
/// enabled because gradcheck evaluates its function under `no_grad` for finite differences.
fn first_grad(f: &dyn Fn(&[Tensor]) -> Tensor, v: &[Tensor], i: usize) -> Tensor {
    enable_grad(|| {
        let s = f(v).sin().sum();
        let inputs: Vec<&Tensor> = v.iter().collect();
        let grads = autograd::grad(&[&s], &inputs)
            .create_graph(true)
            .allow_unused(true)
            .run()
            .expect("first backward succeeds");
        grads[i].clone().unwrap_or_else(|| v[i].zeros_like())
    })
}

/// gradgradcheck of `f` with respect to each of its inputs.
#[track_caller]
fn check_double(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) {
    for i in 0..inputs.len() {
        check(|v| first_grad(&f, v, i), inputs);
    }
}

#[test]
fn double_backward_of_binary_ops_with_broadcasting() {
    let pairs: [(&[usize], &[usize]); 3] = [(&[3], &[3]), (&[2, 3], &[3]), (&[2, 1], &[1, 2])];
    for (k, (sa, sb)) in pairs.into_iter().enumerate() {
        check_double(|v| &v[0] + &v[1], &[sample(sa, k), sample(sb, k + 1)]);
        check_double(|v| &v[0] - &v[1], &[sample(sa, k), sample(sb, k + 1)]);
        check_double(|v| &v[0] * &v[1], &[sample(sa, k), sample(sb, k + 1)]);
        check_double(|v| &v[0] / &v[1], &[sample(sa, k), positive(sb, k + 1)]);
    }
}

#[test]
fn double_backward_of_scalar_ops() {
    let x = sample(&[2, 2], 1);
    check_double(|v| &v[0] * 3.0 + 1.0, std::slice::from_ref(&x));
    check_double(|v| 2.0 - &v[0] / 4.0, std::slice::from_ref(&x));
    check_double(|v| 2.0 / &v[0], std::slice::from_ref(&x));
    check_double(|v| v[0].neg(), std::slice::from_ref(&x));
}

#[test]
fn double_backward_of_pow() {
    for e in [2.0, 3.0, -1.0, 0.0, 1.0] {
        check_double(|v| v[0].pow(e), &[sample(&[3], 2)]);
    }
    for e in [0.5, 2.5, -0.5] {
        check_double(|v| v[0].pow(e), &[positive(&[3], 3)]);
    }
}

#[test]
fn double_backward_of_exp_log_sqrt() {
    check_double(|v| v[0].exp(), &[sample(&[2, 2], 4)]);
    check_double(|v| v[0].log(), &[positive(&[2, 2], 5)]);
    check_double(|v| v[0].sqrt(), &[positive(&[2, 2], 6)]);
}

#[test]
fn double_backward_of_trigonometric_and_activation_ops() {
    let x = sample(&[5], 7);
    check_double(|v| v[0].sin(), std::slice::from_ref(&x));
    check_double(|v| v[0].cos(), std::slice::from_ref(&x));
    check_double(|v| v[0].tanh(), std::slice::from_ref(&x));
    check_double(|v| v[0].sigmoid(), std::slice::from_ref(&x));
    check_double(|v| v[0].relu(), std::slice::from_ref(&x));
    check_double(|v| v[0].abs(), std::slice::from_ref(&x));
}

#[test]
fn double_backward_of_reductions() {
    let x = sample(&[2, 3], 8);
    check_double(|v| v[0].sum(), std::slice::from_ref(&x));
    check_double(|v| v[0].mean(), std::slice::from_ref(&x));
    check_double(|v| v[0].sum_dim(1, false), std::slice::from_ref(&x));
    check_double(|v| v[0].mean_dim(0, true), std::slice::from_ref(&x));
    check_double(|v| v[0].norm(), std::slice::from_ref(&x));
}

#[test]
fn double_backward_of_matmul() {
    check_double(|v| v[0].matmul(&v[1]), &[sample(&[3], 1), sample(&[3], 2)]);
    check_double(
        |v| v[0].matmul(&v[1]),
        &[sample(&[2, 3], 3), sample(&[3], 4)],
    );
    check_double(
        |v| v[0].matmul(&v[1]),
        &[sample(&[3], 5), sample(&[3, 2], 6)],
    );
    check_double(
        |v| v[0].matmul(&v[1]),
        &[sample(&[2, 3], 7), sample(&[3, 2], 8)],
    );
}

#[test]
fn double_backward_of_shape_ops() {
    let x = sample(&[2, 3], 9);
    check_double(|v| v[0].t(), std::slice::from_ref(&x));
    check_double(|v| v[0].transpose(0, 1), std::slice::from_ref(&x));
    check_double(|v| v[0].reshape(&[3, 2]), std::slice::from_ref(&x));
    check_double(|v| v[0].unsqueeze(1).squeeze(1), std::slice::from_ref(&x));
    check_double(
        |v| v[0].unsqueeze(0).expand(&[2, 2, 3]),
        std::slice::from_ref(&x),
    );
    check_double(|v| v[0].sum_to_size(&[1, 3]), std::slice::from_ref(&x));
}
