//! Issue 3 parts 2 and 7: a static body records exactly one graph node, named after the
//! function, whose inputs are the function's tensor parameters; nothing is recorded when no
//! gradient is wanted; the node behaves as any other (freed after backward, version checks
//! on what it saved); second derivatives see through it.

mod runtime_support;

use autograd::{differentiable, no_grad, AutogradError, Tensor};
use runtime_support::{assert_close, leaf, sample};

#[differentiable(static)]
fn tutorial_out(x: &Tensor) -> Tensor {
    let y = x + 2.0;
    (&y * &y * 3.0).mean()
}

#[differentiable(static)]
fn two_layer_loss(x: &Tensor, w1: &Tensor, b1: &Tensor, w2: &Tensor, t: &Tensor) -> Tensor {
    let h = (x.matmul(w1) + b1).tanh();
    let d = h.matmul(w2) - t;
    (&d * &d).mean()
}

#[differentiable(static)]
fn cube_sum(x: &Tensor) -> Tensor {
    (x * x * x).sum()
}

#[differentiable(dynamic)]
fn cube_sum_dynamic(x: &Tensor) -> Tensor {
    (x * x * x).sum()
}

#[differentiable(static)]
fn split(x: &Tensor) -> (Tensor, Tensor) {
    (x.sin(), x.matmul(x))
}

#[differentiable(static)]
fn identity(x: &Tensor) -> Tensor {
    x.clone()
}

#[test]
fn the_tutorial_records_one_node_onto_the_leaf() {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let out = tutorial_out(&x);
    let node = out.grad_fn().expect("a node");
    assert_eq!(node.name(), "TutorialOutBackward");
    let next = node.next_functions();
    assert_eq!(next.len(), 1);
    let (accumulate, slot) = &next[0];
    let accumulate = accumulate.as_ref().expect("x requires grad");
    assert_eq!((accumulate.name(), *slot), ("AccumulateGrad", 0));
    assert!(accumulate.variable().expect("a leaf").ptr_eq(&x));
    out.backward();
    // d/dx mean(3 (x + 2)^2) = 6 (x + 2) / 4 = 4.5 at x = 1
    assert_eq!(x.grad().expect("grad").to_vec(), vec![4.5; 4]);
}

#[test]
fn the_node_is_named_after_the_function_and_points_at_every_input() {
    let (x, t) = (Tensor::ones(&[4, 3]), Tensor::zeros(&[4, 2]));
    let f32_leaf =
        |shape: &[usize], seed| sample(shape, seed).float().detach().requires_grad_(true);
    let (w1, b1, w2) = (
        f32_leaf(&[3, 5], 1),
        f32_leaf(&[5], 2),
        f32_leaf(&[5, 2], 3),
    );
    let loss = two_layer_loss(&x, &w1, &b1, &w2, &t);
    let node = loss.grad_fn().expect("a node");
    assert_eq!(node.name(), "TwoLayerLossBackward");
    let next = node.next_functions();
    assert_eq!(next.len(), 5);
    // x and t need no gradient: no edge.
    assert!(next[0].0.is_none() && next[4].0.is_none());
    for (i, param) in [(1, &w1), (2, &b1), (3, &w2)] {
        let edge = next[i].0.as_ref().expect("an edge");
        assert_eq!(edge.name(), "AccumulateGrad");
        assert!(edge.variable().expect("a leaf").ptr_eq(param));
    }
    loss.backward();
    assert!(x.grad().is_none() && t.grad().is_none());
    for param in [&w1, &b1, &w2] {
        let grad = param.grad().expect("grad");
        assert_eq!(grad.shape(), param.shape());
        assert_eq!(grad.dtype(), autograd::DType::F32);
    }
}

#[test]
fn an_input_computed_by_other_ops_is_reached_through_their_node() {
    let a = sample(&[3], 1);
    let x = &a * 2.0;
    let out = tutorial_out(&x);
    let next = out.grad_fn().expect("a node").next_functions();
    assert_eq!(next[0].0.as_ref().expect("an edge").name(), "MulBackward0");
    out.backward();
    // d/da mean(3 (2a + 2)^2) = 2 * 6 (2a + 2) / 3
    let expected: Vec<f64> = a.to_vec().iter().map(|a| 4.0 * (2.0 * a + 2.0)).collect();
    assert_close(&a.grad().expect("grad").to_vec(), &expected, 1e-12);
}

#[test]
fn several_results_are_outputs_of_the_one_node() {
    let x = sample(&[2, 2], 1);
    let (s, m) = split(&x);
    let (ns, nm) = (s.grad_fn().expect("node"), m.grad_fn().expect("node"));
    assert!(ns.ptr_eq(&nm));
    assert_eq!(ns.name(), "SplitBackward");
    (s.sum() + m.sum()).backward();
    assert_eq!(x.grad().expect("grad").shape(), &[2, 2]);
}

#[test]
fn nothing_is_recorded_without_a_gradient_to_compute() {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let out = no_grad(|| tutorial_out(&x));
    assert!(out.grad_fn().is_none() && !out.requires_grad());
    assert_eq!(out.item(), 27.0);
    let data = Tensor::ones(&[2, 2]);
    let out = tutorial_out(&data);
    assert!(out.grad_fn().is_none() && !out.requires_grad());
    assert_eq!(out.item(), 27.0);
}

#[test]
fn a_parameter_returned_as_it_is_gets_no_node() {
    let x = sample(&[2], 1);
    let y = identity(&x);
    assert!(y.ptr_eq(&x) && y.grad_fn().is_none());
}

#[test]
fn the_node_is_freed_after_backward_unless_retained() {
    let x = sample(&[3], 1);
    let out = tutorial_out(&x);
    out.backward();
    let err = out.try_backward().expect_err("the graph was freed");
    assert!(matches!(err, AutogradError::GraphFreed { ref node } if node == "TutorialOutBackward"));

    let out = tutorial_out(&x);
    x.zero_grad();
    autograd::backward(&[&out])
        .retain_graph(true)
        .run()
        .unwrap();
    let once = x.grad().expect("grad").to_vec();
    out.backward();
    let twice: Vec<f64> = once.iter().map(|g| 2.0 * g).collect();
    assert_close(&x.grad().expect("grad").to_vec(), &twice, 1e-12);
}

#[test]
fn modifying_a_saved_input_in_place_is_an_error() {
    let (x, w1, b1, w2, t) = (
        Tensor::ones(&[4, 3]),
        sample(&[3, 5], 1),
        sample(&[5], 2),
        sample(&[5, 2], 3),
        Tensor::zeros(&[4, 2]),
    );
    let x = x.double();
    let loss = two_layer_loss(&x, &w1, &b1, &w2, &t.double());
    x.add_(1.0);
    let err = loss.try_backward().expect_err("x was saved");
    let message = err.to_string();
    assert!(
        message.contains("modified by an inplace operation: [torch.DoubleTensor [4, 3]]"),
        "{message}"
    );
    assert!(
        matches!(&err, autograd::AutogradError::ModifiedInPlace { node, .. } if node == "TwoLayerLossBackward"),
        "{err:?}"
    );
}

#[test]
fn second_derivatives_see_through_the_node() {
    let x = sample(&[4], 1);
    let (g,) = {
        let grads = autograd::grad(&[&cube_sum(&x)], &[&x])
            .create_graph(true)
            .run()
            .unwrap();
        (grads[0].clone().expect("grad"),)
    };
    // d/dx sum(x^3) = 3x^2, d/dx sum(3x^2) = 6x
    let xs = x.to_vec();
    assert_close(
        &g.to_vec(),
        &xs.iter().map(|v| 3.0 * v * v).collect::<Vec<_>>(),
        1e-12,
    );
    let h = autograd::grad(&[&g.sum()], &[&x]).run().unwrap();
    let h = h[0].as_ref().expect("second derivative").to_vec();
    assert_close(&h, &xs.iter().map(|v| 6.0 * v).collect::<Vec<_>>(), 1e-12);
    // The same through the tape.
    let gd = autograd::grad(&[&cube_sum_dynamic(&x)], &[&x])
        .create_graph(true)
        .run()
        .unwrap();
    let hd = autograd::grad(&[&gd[0].as_ref().expect("grad").sum()], &[&x])
        .run()
        .unwrap();
    assert_close(
        &h,
        &hd[0].as_ref().expect("second derivative").to_vec(),
        1e-12,
    );
}

#[test]
fn a_hessian_vector_product_through_matrix_products() {
    let (x, t) = (sample(&[4, 3], 7), sample(&[4, 2], 8));
    let (x, t) = (x.detach(), t.detach());
    let params = [sample(&[3, 5], 1), sample(&[5], 2), sample(&[5, 2], 3)];
    let refs: Vec<&Tensor> = params.iter().collect();
    let hvp = |loss: Tensor| -> Vec<Vec<f64>> {
        let grads = autograd::grad(&[&loss], &refs)
            .create_graph(true)
            .run()
            .unwrap();
        let dot = grads
            .iter()
            .map(|g| g.as_ref().expect("grad").sum())
            .reduce(|a, b| a + b)
            .unwrap();
        autograd::grad(&[&dot], &refs)
            .run()
            .unwrap()
            .into_iter()
            .map(|h| h.expect("second derivative").to_vec())
            .collect()
    };
    let stat = hvp(two_layer_loss(&x, &params[0], &params[1], &params[2], &t));
    let h = (x.matmul(&params[0]) + &params[1]).tanh();
    let d = h.matmul(&params[2]) - &t;
    let dynamic = hvp((&d * &d).mean());
    for (s, d) in stat.iter().zip(&dynamic) {
        assert_close(s, d, 1e-10);
    }
}

#[test]
fn f32_inputs_give_f32_results_and_gradients() {
    let x = leaf(&[0.5, -1.0, 2.0], &[3])
        .float()
        .detach()
        .requires_grad_(true);
    let out = tutorial_out(&x);
    assert_eq!(out.dtype(), autograd::DType::F32);
    out.backward();
    let grad = x.grad().expect("grad");
    assert_eq!(grad.dtype(), autograd::DType::F32);
    // 6 (x + 2) / 3
    assert_close(&grad.to_vec(), &[5.0, 2.0, 8.0], 1e-6);
}

#[differentiable(static)]
fn ignores_y(x: &Tensor, y: &Tensor) -> Tensor {
    let _unused = y.exp();
    x.sin()
}

#[test]
fn an_input_no_result_depends_on_does_not_make_a_node() {
    let (x, y) = (Tensor::ones(&[2]), sample(&[2], 1));
    let out = ignores_y(&x, &y);
    assert!(out.grad_fn().is_none() && !out.requires_grad());
    let x = x.requires_grad_(true);
    let out = ignores_y(&x, &y);
    assert_eq!(out.grad_fn().expect("a node").name(), "IgnoresYBackward");
    out.sum().backward();
    assert!(y.grad().is_none());
}

#[differentiable(static)]
fn rearranged_sums(x: &Tensor) -> Tensor {
    x.t().reshape(&[6]).unsqueeze(0).sum_dim(1, false)
}

#[test]
fn a_node_that_saves_nothing_can_run_its_backward_twice() {
    // The layout ops and the sum read only shapes: no tensor is saved, as for the tape's
    // ops, so the node is not freed.
    let x = sample(&[3, 2], 1);
    let out = rearranged_sums(&x).sum();
    out.backward();
    out.backward();
    assert_eq!(x.grad().expect("grad").to_vec(), vec![2.0; 6]);
}

#[differentiable(static)]
fn returns_x_and_exp_y(x: &Tensor, y: &Tensor) -> (Tensor, Tensor) {
    (x.clone(), y.exp())
}

#[test]
fn a_parameter_returned_as_it_is_does_not_make_a_node_either() {
    let (x, y) = (sample(&[2], 1), Tensor::ones(&[2]));
    let (same, e) = returns_x_and_exp_y(&x, &y);
    assert!(same.ptr_eq(&x));
    assert!(e.grad_fn().is_none() && !e.requires_grad());
}
