//! `autograd::functional`: vjp, jvp, jacobian, hessian, hvp and vhp with PyTorch's shapes and
//! conventions. Expected values are closed forms (derivations in comments) or the examples of
//! `torch.autograd.functional`'s documentation, whose results do not depend on the random
//! inputs there.

use autograd::functional::{hessian, hvp, jacobian, jvp, vhp, vjp};
use autograd::{no_grad, DType, Tensor};

fn t(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape)
}

#[track_caller]
fn assert_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a - e).abs() <= 1e-10 * e.abs().max(1.0),
            "got {actual:?}, expected {expected:?}"
        );
    }
}

/// PyTorch's `exp_reducer`: `x.exp().sum(dim=1)`.
fn exp_reducer(x: &[Tensor]) -> Tensor {
    x[0].exp().sum_dim(1, false)
}

/// PyTorch's `pow_adder_reducer`: `(2 x^2 + 3 y^2).sum()`.
fn pow_adder_reducer(v: &[Tensor]) -> Tensor {
    (v[0].pow(2.0) * 2.0 + v[1].pow(2.0) * 3.0).sum()
}

const X22: [f64; 4] = [0.1, -0.4, 0.7, 1.2];

// --- vjp ----------------------------------------------------------------------------------

#[test]
fn vjp_of_exp_reducer() {
    // vᵀ J for out_i = sum_j exp(x_ij): entry (i, j) is v_i exp(x_ij).
    let x = t(&X22, &[2, 2]);
    let v = t(&[1.0, -2.0], &[2]);
    let (out, vjp) = vjp(exp_reducer, &[x], &v).run().unwrap();
    let e: Vec<f64> = X22.iter().map(|x| x.exp()).collect();
    assert_close(&out.to_vec(), &[e[0] + e[1], e[2] + e[3]]);
    assert_eq!(vjp.len(), 1);
    assert_eq!(vjp[0].shape(), &[2, 2]);
    assert_close(&vjp[0].to_vec(), &[e[0], e[1], -2.0 * e[2], -2.0 * e[3]]);
    assert!(!out.requires_grad() && !vjp[0].requires_grad());
}

#[test]
fn vjp_of_adder_has_one_result_per_input() {
    // PyTorch's adder(x, y) = 2x + 3y with v = ones: ((2, 2), (3, 3)).
    let (x, y) = (t(&[0.3, 0.6], &[2]), t(&[0.1, 0.9], &[2]));
    let v = Tensor::ones(&[2]).double();
    let (out, vjp) = vjp(|i| &i[0] * 2.0 + &i[1] * 3.0, &[x, y], &v)
        .run()
        .unwrap();
    assert_close(&out.to_vec(), &[0.9, 3.9]);
    assert_eq!(vjp[0].to_vec(), vec![2.0, 2.0]);
    assert_eq!(vjp[1].to_vec(), vec![3.0, 3.0]);
}

#[test]
fn vjp_of_an_unused_input_is_zeros() {
    let (x, y) = (t(&[1.0, 2.0], &[2]), t(&[5.0], &[1]));
    let v = t(&[1.0, 1.0], &[2]);
    let (_, res) = vjp(|i| i[0].pow(2.0), &[x, y], &v).run().unwrap();
    assert_eq!(res[0].to_vec(), vec![2.0, 4.0]);
    assert_eq!(res[1].to_vec(), vec![0.0]);
    // A function that ignores all its inputs: zeros everywhere, no error.
    let (out, vjp) = vjp(|_| Tensor::ones(&[2]).double(), &[t(&[1.0], &[1])], &v)
        .run()
        .unwrap();
    assert_eq!((out.to_vec(), vjp[0].to_vec()), (vec![1.0, 1.0], vec![0.0]));
}

#[test]
fn vjp_with_create_graph_flows_back_to_the_inputs() {
    // vjp of x^3 with v = 1 is 3x^2; d/dx sum(3x^2) = 6x.
    let x = t(&[1.0, -2.0], &[2]).requires_grad_(true);
    let v = t(&[1.0, 1.0], &[2]);
    let (out, vjp) = vjp(|i| i[0].pow(3.0), std::slice::from_ref(&x), &v)
        .create_graph(true)
        .run()
        .unwrap();
    assert!(out.requires_grad() && vjp[0].requires_grad());
    vjp[0].sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, -12.0]);
}

#[test]
fn vjp_without_create_graph_leaves_the_inputs_alone() {
    let x = t(&[1.0, 2.0], &[2]).requires_grad_(true);
    let v = t(&[1.0, 1.0], &[2]);
    let (out, vjp) = vjp(|i| i[0].exp(), std::slice::from_ref(&x), &v)
        .run()
        .unwrap();
    assert!(!out.requires_grad() && !vjp[0].requires_grad());
    assert!(x.grad().is_none());
}

#[test]
#[should_panic(
    expected = "vjp: entry 0 of v has invalid size: should be [2] (the shape of the output of f) but got [3]"
)]
fn vjp_with_v_of_the_wrong_shape_panics() {
    let _ = vjp(exp_reducer, &[t(&X22, &[2, 2])], &t(&[1.0; 3], &[3])).run();
}

// --- jvp ----------------------------------------------------------------------------------

#[test]
fn jvp_of_exp_reducer_with_ones_is_the_output() {
    // PyTorch's example: with v = ones, (J v)_i = sum_j exp(x_ij) = out_i.
    let x = t(&X22, &[2, 2]);
    let v = Tensor::ones(&[2, 2]).double();
    let (out, jv) = jvp(exp_reducer, &[x], &[v]).run().unwrap();
    assert_close(&jv.to_vec(), &out.to_vec());
    assert!(!jv.requires_grad());
}

#[test]
fn jvp_of_adder() {
    // PyTorch's example: adder(x, y) = 2x + 3y, v = (ones, ones): J v = (5, 5).
    let (x, y) = (t(&[0.3, 0.6], &[2]), t(&[0.1, 0.9], &[2]));
    let v = [Tensor::ones(&[2]).double(), Tensor::ones(&[2]).double()];
    let (_, jv) = jvp(|i| &i[0] * 2.0 + &i[1] * 3.0, &[x, y], &v)
        .run()
        .unwrap();
    assert_eq!(jv.to_vec(), vec![5.0, 5.0]);
}

#[test]
fn jvp_matches_the_jacobian_times_v() {
    // A nonlinear map from R^3 to R^2 through matmul, tanh, sum, relu, abs, div and sqrt: the
    // double-backward trick needs every rule to be differentiable in its incoming gradient.
    let w = t(&[0.5, -0.3, 0.8, 0.1, 0.9, -0.6], &[2, 3]);
    let f = |i: &[Tensor]| {
        let x = &i[0];
        let extra = x.relu().sum() + (x.abs() / (x.pow(2.0) + 1.0)).sum().sqrt();
        w.matmul(x).tanh() * x.sum() + extra
    };
    let x = t(&[0.2, -0.7, 1.1], &[3]);
    let v = t(&[1.0, 0.5, -2.0], &[3]);
    let (_, jv) = jvp(f, std::slice::from_ref(&x), std::slice::from_ref(&v))
        .run()
        .unwrap();
    let jac = jacobian(f, &[x]).run().unwrap();
    let expected = jac[0].matmul(&v);
    assert_close(&jv.to_vec(), &expected.to_vec());
}

#[test]
fn jvp_of_identity_is_v_and_of_a_constant_is_zeros() {
    let x = t(&[1.0, 2.0], &[2]);
    let v = t(&[3.0, -4.0], &[2]);
    let (_, jv) = jvp(
        |i| i[0].clone(),
        std::slice::from_ref(&x),
        std::slice::from_ref(&v),
    )
    .run()
    .unwrap();
    assert_eq!(jv.to_vec(), vec![3.0, -4.0]);
    let (_, jv) = jvp(|_| Tensor::zeros(&[3]), &[x], &[v]).run().unwrap();
    assert_eq!((jv.shape(), jv.to_vec()), (&[3][..], vec![0.0; 3]));
}

#[test]
fn jvp_with_create_graph_is_differentiable() {
    // J v for f = x^2 is 2 x v; with v = (1, 1), d/dx sum(2 x v) = 2 v = (2, 2).
    let x = t(&[1.5, -0.5], &[2]).requires_grad_(true);
    let v = t(&[1.0, 1.0], &[2]);
    let (_, jv) = jvp(|i| i[0].pow(2.0), std::slice::from_ref(&x), &[v])
        .create_graph(true)
        .run()
        .unwrap();
    assert_eq!(jv.to_vec(), vec![3.0, -1.0]);
    jv.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 2.0]);
}

#[test]
#[should_panic(expected = "jvp: v holds 1 tensors but the inputs are 2")]
fn jvp_with_the_wrong_number_of_vectors_panics() {
    let x = t(&[1.0], &[1]);
    let _ = jvp(|i| &i[0] + &i[1], &[x.clone(), x.clone()], &[x]).run();
}

// --- jacobian -----------------------------------------------------------------------------

#[test]
fn jacobian_of_exp_reducer_has_shape_output_plus_input() {
    // J[i, k, l] = d out_i / d x_kl = exp(x_kl) if k == i else 0, shape [2] + [2, 2].
    let jac = jacobian(exp_reducer, &[t(&X22, &[2, 2])]).run().unwrap();
    assert_eq!(jac.len(), 1);
    assert_eq!(jac[0].shape(), &[2, 2, 2]);
    let e: Vec<f64> = X22.iter().map(|x| x.exp()).collect();
    assert_close(
        &jac[0].to_vec(),
        &[e[0], e[1], 0.0, 0.0, 0.0, 0.0, e[2], e[3]],
    );
}

#[test]
fn jacobian_of_exp_adder_has_one_block_per_input() {
    // PyTorch's exp_adder(x, y) = 2 exp(x) + 3y: (diag(2 exp x), diag(3)).
    let (x, y) = (t(&[0.2, -1.0], &[2]), t(&[0.5, 0.5], &[2]));
    let jac = jacobian(|i| i[0].exp() * 2.0 + &i[1] * 3.0, &[x, y])
        .run()
        .unwrap();
    let (a, b) = (2.0 * 0.2f64.exp(), 2.0 * (-1.0f64).exp());
    assert_close(&jac[0].to_vec(), &[a, 0.0, 0.0, b]);
    assert_eq!(jac[1].to_vec(), vec![3.0, 0.0, 0.0, 3.0]);
}

#[test]
fn jacobian_shapes_with_scalars() {
    // A 0-d output: the block has the input's shape (it is the gradient).
    let x = t(&[1.0, 2.0, 3.0], &[3]);
    let jac = jacobian(|i| i[0].pow(2.0).sum(), std::slice::from_ref(&x))
        .run()
        .unwrap();
    assert_eq!(
        (jac[0].shape(), jac[0].to_vec()),
        (&[3][..], vec![2.0, 4.0, 6.0])
    );
    // A 0-d input: the block has the output's shape (it is the derivative).
    let s = t(&[2.0], &[]);
    let jac = jacobian(|i| &x * &i[0].pow(2.0), &[s]).run().unwrap();
    assert_eq!(
        (jac[0].shape(), jac[0].to_vec()),
        (&[3][..], vec![4.0, 8.0, 12.0])
    );
}

#[test]
fn jacobian_of_an_unused_input_is_zeros_and_dtype_is_kept() {
    let x = Tensor::from_vec(vec![1.0f32, 2.0], &[2]);
    let y = Tensor::from_vec(vec![7.0f64], &[1]);
    let jac = jacobian(|i| i[0].pow(3.0), &[x, y]).run().unwrap();
    assert_eq!(jac[0].dtype(), DType::F32);
    assert_eq!(jac[0].to_vec(), vec![3.0, 0.0, 0.0, 12.0]);
    assert_eq!(jac[1].dtype(), DType::F64);
    assert_eq!(
        (jac[1].shape(), jac[1].to_vec()),
        (&[2, 1][..], vec![0.0, 0.0])
    );
}

#[test]
fn jacobian_matches_finite_differences() {
    let m = t(&[0.3, -0.8, 0.5, 1.2, 0.4, -0.1], &[3, 2]);
    let f = |i: &[Tensor]| m.matmul(&i[0]).sigmoid() * i[1].sin().sum();
    let x0 = [0.4, -0.9];
    let y0 = [0.2, 0.6, -1.3];
    let jac = jacobian(f, &[t(&x0, &[2]), t(&y0, &[3])]).run().unwrap();
    assert_eq!((jac[0].shape(), jac[1].shape()), (&[3, 2][..], &[3, 3][..]));
    const H: f64 = 1e-6;
    for (which, base) in [(0, &x0[..]), (1, &y0[..])] {
        let analytic = jac[which].to_vec();
        for k in 0..base.len() {
            let at = |delta: f64| {
                let mut p = base.to_vec();
                p[k] += delta;
                let (x, y) = if which == 0 {
                    (t(&p, &[2]), t(&y0, &[3]))
                } else {
                    (t(&x0, &[2]), t(&p, &[3]))
                };
                f(&[x, y]).to_vec()
            };
            let (plus, minus) = (at(H), at(-H));
            for o in 0..3 {
                let numeric = (plus[o] - minus[o]) / (2.0 * H);
                let got = analytic[o * base.len() + k];
                assert!(
                    (got - numeric).abs() < 1e-7,
                    "block {which} ({o}, {k}): {got} vs {numeric}"
                );
            }
        }
    }
}

#[test]
fn jacobian_with_create_graph_is_differentiable() {
    // J of x^3 is diag(3x^2); d/dx sum(J) = 6x. A linear function's J carries no graph.
    let x = t(&[1.0, 2.0], &[2]).requires_grad_(true);
    let jac = jacobian(|i| i[0].pow(3.0), std::slice::from_ref(&x))
        .create_graph(true)
        .run()
        .unwrap();
    assert!(jac[0].requires_grad());
    assert_eq!(jac[0].to_vec(), vec![3.0, 0.0, 0.0, 12.0]);
    jac[0].sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 12.0]);
    let linear = jacobian(|i| &i[0] * 2.0, &[x])
        .create_graph(true)
        .run()
        .unwrap();
    assert!(!linear[0].requires_grad());
    assert_eq!(linear[0].to_vec(), vec![2.0, 0.0, 0.0, 2.0]);
}

#[test]
fn jacobian_works_inside_no_grad() {
    let jac = no_grad(|| jacobian(|i| i[0].exp(), &[t(&[0.0], &[1])]).run().unwrap());
    assert_eq!(jac[0].to_vec(), vec![1.0]);
}

// --- hessian ------------------------------------------------------------------------------

#[test]
fn hessian_of_pow_reducer_has_shape_input_plus_input() {
    // PyTorch's pow_reducer: sum(x^3) on [2, 2] -> H[k, l, m, n] = 6 x_kl if (k, l) == (m, n).
    let h = hessian(|i| i[0].pow(3.0).sum(), &[t(&X22, &[2, 2])])
        .run()
        .unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0][0].shape(), &[2, 2, 2, 2]);
    let mut expected = vec![0.0; 16];
    for (k, x) in X22.iter().enumerate() {
        expected[k * 4 + k] = 6.0 * x;
    }
    assert_close(&h[0][0].to_vec(), &expected);
}

#[test]
fn hessian_of_pow_adder_reducer_has_blocks_per_input_pair() {
    // PyTorch's example: ((4 I, 0), (0, 6 I)).
    let inputs = [t(&[0.3, 0.8], &[2]), t(&[0.5, 0.1], &[2])];
    let h = hessian(pow_adder_reducer, &inputs).run().unwrap();
    assert_eq!(h[0][0].to_vec(), vec![4.0, 0.0, 0.0, 4.0]);
    assert_eq!(h[0][1].to_vec(), vec![0.0; 4]);
    assert_eq!(h[1][0].to_vec(), vec![0.0; 4]);
    assert_eq!(h[1][1].to_vec(), vec![6.0, 0.0, 0.0, 6.0]);
}

#[test]
fn hessian_cross_blocks() {
    // f(x, y) = x · y + x0^2 y1 with x, y in R^2: d2f/dx dy = I + [[0, 2 x0], [0, 0]],
    // d2f/dy dx its transpose, d2f/dx2 = [[2 y1, 0], [0, 0]], d2f/dy2 = 0.
    let (e0, e1) = (t(&[1.0, 0.0], &[2]), t(&[0.0, 1.0], &[2]));
    let f = |i: &[Tensor]| i[0].dot(&i[1]) + i[0].dot(&e0).pow(2.0) * i[1].dot(&e1);
    let (x, y) = (t(&[1.5, -1.0], &[2]), t(&[2.0, 3.0], &[2]));
    let h = hessian(f, &[x, y]).run().unwrap();
    assert_eq!(h[0][0].to_vec(), vec![6.0, 0.0, 0.0, 0.0]);
    assert_eq!(h[0][1].to_vec(), vec![1.0, 3.0, 0.0, 1.0]);
    assert_eq!(h[1][0].to_vec(), vec![1.0, 0.0, 3.0, 1.0]);
    assert_eq!(h[1][1].to_vec(), vec![0.0; 4]);
}

#[test]
fn hessian_with_create_graph_gives_third_derivatives() {
    // H of sum(x^3) is diag(6x); d/dx sum(H) = 6.
    let x = t(&[1.0, 2.0], &[2]).requires_grad_(true);
    let h = hessian(|i| i[0].pow(3.0).sum(), std::slice::from_ref(&x))
        .create_graph(true)
        .run()
        .unwrap();
    assert_eq!(h[0][0].to_vec(), vec![6.0, 0.0, 0.0, 12.0]);
    h[0][0].sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 6.0]);
}

#[test]
#[should_panic(
    expected = "hessian: the tensor returned by the function given to hessian should contain a single element, but it has shape [2]"
)]
fn hessian_of_a_non_scalar_function_panics() {
    let _ = hessian(|i| i[0].exp(), &[t(&[1.0, 2.0], &[2])]).run();
}

// --- hvp and vhp --------------------------------------------------------------------------

#[test]
fn hvp_and_vhp_of_pow_adder_reducer() {
    // PyTorch's example: v = (zeros, ones) gives ((0, 0), (6, 6)).
    let inputs = [t(&[0.3, 0.8], &[2]), t(&[0.5, 0.1], &[2])];
    let v = [t(&[0.0, 0.0], &[2]), t(&[1.0, 1.0], &[2])];
    let (out, hv) = hvp(pow_adder_reducer, &inputs, &v).run().unwrap();
    assert_close(&[out.item()], &[2.0 * (0.09 + 0.64) + 3.0 * (0.25 + 0.01)]);
    assert_eq!(
        (hv[0].to_vec(), hv[1].to_vec()),
        (vec![0.0, 0.0], vec![6.0, 6.0])
    );
    let (_, vh) = vhp(pow_adder_reducer, &inputs, &v).run().unwrap();
    assert_eq!(
        (vh[0].to_vec(), vh[1].to_vec()),
        (vec![0.0, 0.0], vec![6.0, 6.0])
    );
}

#[test]
fn hvp_of_a_quadratic_form() {
    // f(x) = x^T A x: H = A + A^T = [[2, 2, 4], [2, 6, 1], [4, 1, 10]] for
    // A = [[1, 2, 0], [0, 3, 1], [4, 0, 5]]; v = (1, 0, -1) -> H v = (-2, 1, -6).
    let a = t(&[1.0, 2.0, 0.0, 0.0, 3.0, 1.0, 4.0, 0.0, 5.0], &[3, 3]);
    let f = |i: &[Tensor]| i[0].matmul(&a.matmul(&i[0]));
    let x = t(&[0.5, -1.0, 2.0], &[3]);
    let v = t(&[1.0, 0.0, -1.0], &[3]);
    let (_, hv) = hvp(f, std::slice::from_ref(&x), std::slice::from_ref(&v))
        .run()
        .unwrap();
    assert_eq!(hv[0].to_vec(), vec![-2.0, 1.0, -6.0]);
    let (_, vh) = vhp(f, std::slice::from_ref(&x), std::slice::from_ref(&v))
        .run()
        .unwrap();
    assert_eq!(vh[0].to_vec(), vec![-2.0, 1.0, -6.0]);
    let h = hessian(f, &[x]).run().unwrap();
    assert_eq!(
        h[0][0].to_vec(),
        vec![2.0, 2.0, 4.0, 2.0, 6.0, 1.0, 4.0, 1.0, 10.0]
    );
}

#[test]
fn hvp_of_a_function_linear_in_its_input_is_zeros() {
    let (out, hv) = hvp(
        |i| i[0].sum() * 3.0,
        &[t(&[1.0, 2.0], &[2])],
        &[t(&[1.0, 1.0], &[2])],
    )
    .run()
    .unwrap();
    assert_eq!((out.item(), hv[0].to_vec()), (9.0, vec![0.0, 0.0]));
}

#[test]
fn hvp_with_create_graph_is_differentiable() {
    // H v for sum(x^3) is 6 x v; with v = (1, 2), d/dx sum(6 x v) = 6 v = (6, 12).
    let x = t(&[0.5, -1.0], &[2]).requires_grad_(true);
    let (out, hv) = hvp(
        |i| i[0].pow(3.0).sum(),
        std::slice::from_ref(&x),
        &[t(&[1.0, 2.0], &[2])],
    )
    .create_graph(true)
    .run()
    .unwrap();
    assert!(out.requires_grad());
    assert_eq!(hv[0].to_vec(), vec![3.0, -12.0]);
    hv[0].sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 12.0]);
}

#[test]
#[should_panic(
    expected = "vhp: entry 1 of v has invalid size: should be [2] (the shape of the inputs) but got [1]"
)]
fn vhp_with_v_of_the_wrong_shape_panics() {
    let inputs = [t(&[0.3, 0.8], &[2]), t(&[0.5, 0.1], &[2])];
    let _ = vhp(
        pow_adder_reducer,
        &inputs,
        &[t(&[1.0, 1.0], &[2]), t(&[1.0], &[1])],
    )
    .run();
}
