//! Issue 2 part 4: `autograd::backward` and `autograd::grad` (mirroring
//! `torch.autograd.backward` / `torch.autograd.grad`), including higher derivatives.

mod runtime_support;

use autograd::{AutogradError, Tensor};
use runtime_support::{assert_close, assert_grad, assert_values, leaf};

/// The single gradient `autograd::grad` returns for one input.
#[track_caller]
fn grad_of(out: &Tensor, x: &Tensor, create_graph: bool) -> Tensor {
    autograd::grad(&[out], &[x])
        .create_graph(create_graph)
        .run()
        .unwrap()
        .pop()
        .unwrap()
        .expect("x is used")
}

#[test]
fn backward_builder_with_several_scalar_outputs_sums_their_gradients() {
    // d/dx [sum(2x) + sum(x^2)] = 2 + 2x
    let x = leaf(&[1., 2.], &[2]);
    let (a, b) = ((&x * 2.0).sum(), (&x * &x).sum());
    autograd::backward(&[&a, &b]).run().unwrap();
    assert_grad(&x, &[4., 6.]);
}

#[test]
fn backward_builder_with_grad_tensors_for_non_scalar_outputs() {
    // y1 = 3x (VJP v1), y2 = x^2 (VJP v2): x.grad = 3 v1 + 2 x v2
    let x = leaf(&[1., 2.], &[2]);
    let (y1, y2) = (&x * 3.0, &x * &x);
    let v1 = Tensor::from_vec(vec![1.0f64, 0.0], &[2]);
    let v2 = Tensor::from_vec(vec![1.0f64, 1.0], &[2]);
    autograd::backward(&[&y1, &y2])
        .grad_tensors(&[&v1, &v2])
        .run()
        .unwrap();
    assert_grad(&x, &[5., 4.]);
}

#[test]
fn backward_builder_outputs_sharing_a_graph() {
    // y = x^2 feeds both outputs: out1 = sum(y), out2 = sum(3y); d/dx = 2x (1 + 3)
    let x = leaf(&[1., -1.], &[2]);
    let y = &x * &x;
    let (o1, o2) = (y.sum(), (&y * 3.0).sum());
    autograd::backward(&[&o1, &o2]).run().unwrap();
    assert_grad(&x, &[8., -8.]);
}

#[test]
fn backward_with_create_graph_records_the_gradient() {
    // x.grad = 3x^2 with a graph; d/dx sum(x.grad) = 6x
    let x = leaf(&[2.], &[1]);
    let y = x.pow(3.0).sum();
    autograd::backward(&[&y]).create_graph(true).run().unwrap();
    let g = x.grad().unwrap();
    assert!(g.requires_grad());
    assert_values(&g, &[12.]);
    let g2 = grad_of(&g.sum(), &x, false);
    assert_values(&g2, &[12.]);
}

#[test]
fn grad_returns_values_and_leaves_dot_grad_untouched() {
    // d/dx sum(x * y) = y, d/dy = x
    let (x, y) = (leaf(&[1., 2.], &[2]), leaf(&[3., 4.], &[2]));
    let out = (&x * &y).sum();
    let grads = autograd::grad(&[&out], &[&x, &y]).run().unwrap();
    assert_eq!(grads.len(), 2);
    assert_values(grads[0].as_ref().unwrap(), &[3., 4.]);
    assert_values(grads[1].as_ref().unwrap(), &[1., 2.]);
    assert!(x.grad().is_none() && y.grad().is_none());
    // Without create_graph the results are plain values.
    assert!(!grads[0].as_ref().unwrap().requires_grad());
}

#[test]
fn grad_with_respect_to_an_intermediate() {
    // out = sum(h^2) with h = 3x: d out/dh = 2h = 6x
    let x = leaf(&[1., 2.], &[2]);
    let h = &x * 3.0;
    let out = (&h * &h).sum();
    assert_values(&grad_of(&out, &h, false), &[6., 12.]);
    assert!(x.grad().is_none() && h.grad().is_none());
}

#[test]
fn grad_with_grad_outputs_is_a_vjp() {
    let x = leaf(&[1., 2., 3.], &[3]);
    let y = x.pow(2.0);
    let v = Tensor::from_vec(vec![1.0f64, 0.5, 0.0], &[3]);
    let g = autograd::grad(&[&y], &[&x])
        .grad_outputs(&[&v])
        .run()
        .unwrap();
    // 2 x v
    assert_values(g[0].as_ref().unwrap(), &[2., 2., 0.]);
}

#[test]
fn allow_unused_gives_none_for_unused_inputs() {
    let (x, unused) = (leaf(&[1.], &[1]), leaf(&[1.], &[1]));
    let out = (&x * 2.0).sum();
    let grads = autograd::grad(&[&out], &[&x, &unused])
        .allow_unused(true)
        .run()
        .unwrap();
    assert_values(grads[0].as_ref().unwrap(), &[2.]);
    assert!(grads[1].is_none());
}

#[test]
fn an_unused_input_without_allow_unused_is_an_error() {
    let (x, unused) = (leaf(&[1.], &[1]), leaf(&[1.], &[1]));
    let out = (&x * 2.0).sum();
    let err = autograd::grad(&[&out], &[&x, &unused]).run().unwrap_err();
    assert_eq!(err, AutogradError::UnusedInput { index: 1 });
    assert!(err
        .to_string()
        .contains("appears to not have been used in the graph"));
}

#[test]
fn grad_retain_graph_allows_repeating() {
    let x = leaf(&[3.], &[1]);
    let out = (&x * &x).sum();
    let first = autograd::grad(&[&out], &[&x])
        .retain_graph(true)
        .run()
        .unwrap();
    let second = autograd::grad(&[&out], &[&x]).run().unwrap();
    assert_values(first[0].as_ref().unwrap(), &[6.]);
    assert_values(second[0].as_ref().unwrap(), &[6.]);
    assert!(autograd::grad(&[&out], &[&x]).run().is_err());
}

#[test]
fn second_derivative_of_x_cubed() {
    // d/dx x^3 = 3x^2 = 12, d2/dx2 = 6x = 12 at x = 2
    let x = leaf(&[2.], &[1]);
    let y = x.pow(3.0).sum();
    let g = grad_of(&y, &x, true);
    assert!(g.requires_grad());
    assert_values(&g, &[12.]);
    assert_values(&grad_of(&g.sum(), &x, false), &[12.]);
}

#[test]
fn second_derivative_of_x_times_sin_x() {
    // f = x sin x: f' = sin x + x cos x, f'' = 2 cos x - x sin x
    let xs = [0.3, -1.2, 2.0];
    let x = leaf(&xs, &[3]);
    let f = (x.sin() * &x).sum();
    let g = grad_of(&f, &x, true);
    let d1: Vec<f64> = xs.iter().map(|&v| v.sin() + v * v.cos()).collect();
    assert_close(&g.to_vec(), &d1, 1e-12);
    let g2 = grad_of(&g.sum(), &x, false);
    let d2: Vec<f64> = xs.iter().map(|&v| 2.0 * v.cos() - v * v.sin()).collect();
    assert_close(&g2.to_vec(), &d2, 1e-12);
}

#[test]
fn third_derivatives() {
    // x^4 at x = 2: 4x^3 = 32, 12x^2 = 48, 24x = 48
    let x = leaf(&[2.], &[]);
    let y = x.pow(4.0);
    let d1 = grad_of(&y, &x, true);
    let d2 = grad_of(&d1, &x, true);
    let d3 = grad_of(&d2, &x, false);
    assert_eq!((d1.item(), d2.item(), d3.item()), (32., 48., 48.));
    // sin: d3/dx3 sin x = -cos x; tanh: third derivative through output-based rules,
    // tanh''' = -2 (1 - t^2)(1 - 3 t^2) with t = tanh x
    let x = leaf(&[0.7], &[]);
    let s3 = grad_of(&grad_of(&grad_of(&x.sin(), &x, true), &x, true), &x, false);
    assert_close(&s3.to_vec(), &[-(0.7f64).cos()], 1e-12);
    let t = 0.7f64.tanh();
    let t3 = grad_of(&grad_of(&grad_of(&x.tanh(), &x, true), &x, true), &x, false);
    assert_close(
        &t3.to_vec(),
        &[-2. * (1. - t * t) * (1. - 3. * t * t)],
        1e-12,
    );
}

#[test]
fn mixed_second_derivative() {
    // f = x^2 y^3: df/dx = 2 x y^3, d/dy (df/dx) = 6 x y^2 = 6 * 1 * 4 = 24 at (1, 2)
    let (x, y) = (leaf(&[1.], &[]), leaf(&[2.], &[]));
    let f = x.pow(2.0) * y.pow(3.0);
    let dfdx = grad_of(&f, &x, true);
    assert_eq!(dfdx.item(), 16.0);
    assert_eq!(grad_of(&dfdx, &y, false).item(), 24.0);
}

#[test]
fn grad_of_a_matmul_loss_twice_gives_a_hessian_vector_product() {
    // f(x) = 0.5 x^T A x with symmetric A: grad = A x, Hessian-vector product H v = A v
    let a = Tensor::from_vec(vec![2.0f64, 1.0, 1.0, 3.0], &[2, 2]);
    let x = leaf(&[1., -1.], &[2]);
    let f = x.matmul(&a.matmul(&x)) * 0.5;
    let g = grad_of(&f, &x, true);
    assert_values(&g, &[1., -2.]);
    let v = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
    let hv = grad_of(&g.matmul(&v), &x, false);
    assert_values(&hv, &[4., 7.]);
}
