//! Issue 2 part 4: autograd on one tensor: flags, `.grad()` accumulation, `zero_grad`,
//! `backward_with` as a vector-Jacobian product, `retain_graph`, `retain_grad`, `detach`/`data`.

mod runtime_support;

use autograd::{tensor, Tensor};
use runtime_support::{assert_grad, assert_values, leaf, leaf32};

#[test]
fn requires_grad_flags_and_leaves() {
    let x = Tensor::ones(&[2]);
    assert!(!x.requires_grad() && x.is_leaf());
    let x = x.requires_grad_(true);
    assert!(x.requires_grad() && x.is_leaf());
    let y = &x * 2.0;
    assert!(y.requires_grad() && !y.is_leaf());
    let x = x.requires_grad_(false);
    assert!(!x.requires_grad());
    assert!(!(&x * 2.0).requires_grad());
    // requires_grad_(true) on a non-leaf is allowed (it already requires grad).
    assert!(y.requires_grad_(true).requires_grad());
}

#[test]
#[should_panic(expected = "you can only change requires_grad flags of leaf variables")]
fn requires_grad_false_on_a_non_leaf_panics() {
    let x = leaf(&[1.], &[1]);
    let _ = (&x * 2.0).requires_grad_(false);
}

#[test]
fn tutorial_requires_grad_after_the_fact() {
    // a = ((a * 3) / (a - 1)); a.requires_grad_(True); b = (a * a).sum()
    let a = tensor![[0.5, 2.0], [-1.0, 3.0]];
    let a = (&a * 3.0) / (&a - 1.0);
    assert!(!a.requires_grad());
    let a = a.requires_grad_(true);
    let b = (&a * &a).sum();
    assert_eq!(b.grad_fn().unwrap().name(), "SumBackward0");
}

#[test]
fn grad_is_none_until_backward() {
    let x = leaf(&[1., 2.], &[2]);
    let out = (&x * &x).sum();
    assert!(x.grad().is_none());
    out.backward();
    // d/dx sum(x^2) = 2x
    assert_grad(&x, &[2., 4.]);
}

#[test]
fn the_tutorial_gradients() {
    // out = mean(3 (x + 2)^2) at x = 1: d/dx_i = 6 (x_i + 2) / 4 = 4.5
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let y = &x + 2.0;
    let out = (&y * &y * 3.0).mean();
    assert_eq!(out.item(), 27.0);
    out.backward();
    assert_grad(&x, &[4.5; 4]);
    // z = 3 y^2 + 4 y: d/dx_i = (6 (x_i + 2) + 4) / 4 = 5.5
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let y = &x + 2.0;
    (3.0 * &y * &y + 4.0 * &y).mean().backward();
    assert_grad(&x, &[5.5; 4]);
}

#[test]
fn gradients_accumulate_across_backward_calls() {
    let x = leaf(&[1., 2.], &[2]);
    (&x * 3.0).sum().backward();
    (&x * &x).sum().backward();
    // 3 + 2x
    assert_grad(&x, &[5., 7.]);
}

#[test]
fn zero_grad_clears_and_is_a_no_op_when_unset() {
    let x = leaf(&[1.], &[1]);
    x.zero_grad();
    assert!(x.grad().is_none());
    (&x * 3.0).sum().backward();
    x.zero_grad();
    assert!(x.grad().is_none());
    (&x * 2.0).sum().backward();
    assert_grad(&x, &[2.]);
}

#[test]
fn gradients_sum_over_every_path_to_a_leaf() {
    // f = x*y + x*x + y with x = 2, y = 3: df/dx = y + 2x = 7, df/dy = x + 1 = 3
    let (x, y) = (leaf(&[2.], &[]), leaf(&[3.], &[]));
    (&x * &y + &x * &x + &y).backward();
    assert_grad(&x, &[7.]);
    assert_grad(&y, &[3.]);
}

#[test]
fn backward_with_is_a_vector_jacobian_product() {
    // y = x^2: J = diag(2x), v^T J = 2 x v = [2*1*1, 2*2*0.1, 2*3*0.01]
    let x = leaf(&[1., 2., 3.], &[3]);
    let y = &x * &x;
    y.backward_with(&Tensor::from_vec(vec![1.0f64, 0.1, 0.01], &[3]));
    assert_grad(&x, &[2., 0.4, 0.06]);
    // A 2-d output and a gradient of another float dtype (converted).
    let w = leaf32(&[1., 2., 3., 4.], &[2, 2]);
    (&w * 2.0).backward_with(&Tensor::from_vec(vec![1.0f64, 0.0, 0.5, 1.0], &[2, 2]));
    assert_grad(&w, &[2., 0., 1., 2.]);
}

#[test]
fn retain_graph_allows_a_second_backward() {
    let x = leaf(&[1., 2.], &[2]);
    let y = (&x * &x).sum();
    autograd::backward(&[&y]).retain_graph(true).run().unwrap();
    y.backward();
    // twice 2x
    assert_grad(&x, &[4., 8.]);
}

#[test]
fn a_second_backward_without_retain_graph_is_an_error() {
    let x = leaf(&[1., 2.], &[2]);
    let y = (&x * &x).sum();
    y.backward();
    let err = y.try_backward().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Trying to backward through the graph a second time"),
        "{err}"
    );
    assert!(err.to_string().contains("retain_graph"));
    assert_grad(&x, &[2., 4.]);
}

#[test]

fn a_second_backward_through_nodes_without_saved_tensors_works_as_in_pytorch() {
    let x = leaf(&[1., 2.], &[2]);
    let y = &x + 1.0;
    y.sum().backward();
    y.sum().backward();
    assert_grad(&x, &[2., 2.]);
}

#[test]
fn retain_grad_keeps_gradients_of_non_leaves() {
    // x -> y = x * 2 -> z = y.sum(): dz/dy = 1, dz/dx = 2
    let x = leaf(&[1., 2., 3.], &[3]);
    let y = &x * 2.0;
    let w = &y * 1.0;
    y.retain_grad();
    assert!(y.retains_grad() && !w.retains_grad());
    let z = w.sum();
    z.retain_grad();
    assert!(y.grad().is_none());
    z.backward();
    assert_grad(&y, &[1.; 3]);
    assert_grad(&z, &[1.]);
    assert_grad(&x, &[2.; 3]);
    // Not retained: no gradient on an intermediate.
    assert!(w.grad().is_none());
}

#[test]
fn retain_grad_on_a_leaf_is_a_no_op_and_accumulates_like_leaves() {
    let x = leaf(&[1.], &[1]);
    x.retain_grad();
    (&x * 3.0).sum().backward();
    assert_grad(&x, &[3.]);
    let y = &x * 2.0;
    y.retain_grad();
    let out = (&y * &y).sum();
    autograd::backward(&[&out])
        .retain_graph(true)
        .run()
        .unwrap();
    out.backward();
    // d/dy y^2 = 2y = 4, twice
    assert_grad(&y, &[8.]);
}

#[test]
#[should_panic(expected = "can't retain_grad on Tensor that has requires_grad=False")]
fn retain_grad_on_a_tensor_without_grad_panics() {
    tensor![1.].retain_grad();
}

#[test]
fn detach_cuts_the_graph_and_shares_storage() {
    let x = leaf(&[1., 2.], &[2]);
    let d = (&x * 3.0).detach();
    assert!(d.is_leaf() && !d.requires_grad() && d.grad_fn().is_none());
    assert_values(&d, &[3., 6.]);
    // Gradients do not flow through a detached value: only the direct x term counts.
    (&x * &d).sum().backward();
    assert_grad(&x, &[3., 6.]);
    // Shared storage: the in-place accumulation into x.grad() shows through a detached alias.
    let g = x.grad().unwrap();
    let alias = g.detach();
    (&x * 1.0).sum().backward();
    assert_values(&alias, &[4., 7.]);
    assert_eq!(alias.version(), g.version());
}

#[test]
fn data_is_a_detached_tensor_sharing_storage() {
    let x = leaf(&[1., 2.], &[2]);
    let data = x.data();
    assert!(!data.requires_grad() && data.is_leaf() && !data.ptr_eq(&x));
    assert_eq!(data.to_vec(), x.to_vec());
    // Ops on data record nothing even though x requires grad.
    assert!((&data * 2.0).grad_fn().is_none());
    assert_eq!(data.version(), x.version());
}

#[test]
fn try_backward_returns_ok_and_accumulates() {
    let x = leaf(&[2.], &[1]);
    x.exp().sum().try_backward().unwrap();
    assert_grad(&x, &[2f64.exp()]);
    (&x * 1.0)
        .try_backward_with(&Tensor::from_vec(vec![3.0f64], &[1]))
        .unwrap();
    assert_grad(&x, &[2f64.exp() + 3.]);
}

#[test]
fn set_grad_replaces_the_gradient() {
    let x = leaf(&[1., 2.], &[2]);
    x.set_grad(Some(Tensor::from_vec(vec![5.0f64, 5.0], &[2])));
    (&x * 1.0).sum().backward();
    assert_grad(&x, &[6., 6.]);
    x.set_grad(None);
    assert!(x.grad().is_none());
}

#[test]
fn backward_on_a_zero_dim_and_a_one_element_output() {
    let x = leaf(&[2.], &[1]);
    // A [1]-shaped output is "scalar" enough for backward(), as in PyTorch.
    (&x * 5.0).backward();
    assert_grad(&x, &[5.]);
}

#[test]
fn backward_from_a_leaf_accumulates_the_given_gradient() {
    // d x / d x = I, so the VJP is the gradient itself (PyTorch allows backward on a leaf).
    let x = leaf(&[1., 2.], &[2]);
    x.backward_with(&Tensor::from_vec(vec![0.5f64, -1.0], &[2]));
    assert_grad(&x, &[0.5, -1.0]);
    let s = leaf(&[3.], &[]);
    s.backward();
    assert_grad(&s, &[1.]);
}
