//! mse_loss, nll_loss and cross_entropy (mean reduction): values, gradients, node names and
//! errors.

mod ops_support;

use autograd::{tensor, Tensor};
use ops_support::*;

// ---- mse_loss -----------------------------------------------------------------------------

#[test]
fn mse_loss_known_values_and_gradients_for_both_inputs() {
    // ((1 - 0)^2 + (2 - 4)^2) / 2 = 2.5; d/dx = 2 (x - t) / n = [1, -2]; d/dt = -d/dx
    let x = leaf(&[1.0, 2.0], &[2]);
    let t = leaf(&[0.0, 4.0], &[2]);
    let loss = x.mse_loss(&t);
    assert_eq!(loss.shape(), &[] as &[usize]);
    assert_eq!(loss.item(), 2.5);
    assert_eq!(node(&loss), "MseLossBackward0");
    loss.backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, -2.0]);
    assert_eq!(t.grad().unwrap().to_vec(), vec![-1.0, 2.0]);
}

#[test]
fn mse_loss_matches_the_mean_of_squares() {
    let x = sample(&[3, 4], 0.1);
    let t = sample(&[3, 4], 0.7);
    let reference = (&x - &t).pow(2.0).mean();
    assert_close(&[x.mse_loss(&t).item()], &[reference.item()], 1e-14);
}

#[test]
fn mse_loss_broadcasts_the_target() {
    // x [[1, 2], [3, 4]] vs t [1, 2]: squares [0, 0, 4, 4], mean 2
    let x = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let t = leaf(&[1.0, 2.0], &[2]);
    let loss = x.mse_loss(&t);
    assert_eq!(loss.item(), 2.0);
    loss.backward();
    // d/dt = -2 (x - t) / 4 summed over rows = -(0 + 2) / 2 each
    assert_eq!(t.grad().unwrap().to_vec(), vec![-1.0, -1.0]);
}

#[test]
fn mse_loss_without_a_target_gradient() {
    let x = leaf(&[3.0], &[1]);
    x.mse_loss(&tensor![1.].double()).backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![4.0]);
}

#[test]
fn mse_loss_gradcheck() {
    check(
        |v| v[0].mse_loss(&v[1]),
        &[sample(&[5], 0.1), sample(&[5], 0.6)],
    );
    check(
        |v| v[0].mse_loss(&v[1]),
        &[sample(&[2, 3], 0.2), sample(&[3], 0.9)],
    );
    check(
        |v| v[0].mse_loss(&v[1]),
        &[sample(&[], 0.2), sample(&[], 0.9)],
    );
    check_second_order(
        |v| v[0].mse_loss(&v[1]),
        &[sample(&[2, 3], 0.2), sample(&[2, 3], 0.9)],
    );
}

#[test]
#[should_panic(expected = "mse_loss: input shape [2, 3] and target shape [2] do not broadcast")]
fn mse_loss_of_shapes_that_do_not_broadcast_panics() {
    Tensor::ones(&[2, 3]).mse_loss(&Tensor::ones(&[2]));
}

// ---- nll_loss -----------------------------------------------------------------------------

#[test]
fn nll_loss_known_values_and_gradient() {
    // -(lp[0, 0] + lp[1, 1]) / 2 = -(-1 - 4) / 2 = 2.5; gradient -1/N at the targets
    let lp = leaf(&[-1.0, -2.0, -3.0, -4.0], &[2, 2]);
    let loss = lp.nll_loss(&[0, 1]);
    assert_eq!(loss.item(), 2.5);
    assert_eq!(node(&loss), "NllLossBackward0");
    loss.backward();
    assert_eq!(lp.grad().unwrap().to_vec(), vec![-0.5, 0.0, 0.0, -0.5]);
}

#[test]
fn nll_loss_gradcheck() {
    check(|v| v[0].nll_loss(&[2, 0, 2]), &[sample(&[3, 4], 0.1)]);
    check(|v| v[0].nll_loss(&[1]), &[sample(&[3], 0.2)]);
}

// ---- cross_entropy ------------------------------------------------------------------------

#[test]
fn cross_entropy_known_values_and_gradient() {
    // F.cross_entropy(torch.tensor([[1., 2., 3.]]), torch.tensor([2]))
    //   = -log_softmax([1, 2, 3])[2] = 0.40760596444438
    // gradient = softmax - onehot = [0.0900.., 0.2447.., 0.6652.. - 1]
    let logits = leaf(&[1.0, 2.0, 3.0], &[1, 3]);
    let loss = logits.cross_entropy(&[2]);
    assert_close(&[loss.item()], &[0.40760596444438013], 1e-14);
    assert_eq!(node(&loss), "NllLossBackward0");
    let log_softmax = loss.grad_fn().unwrap().next_functions()[0]
        .0
        .clone()
        .unwrap();
    assert_eq!(log_softmax.name(), "LogSoftmaxBackward0");
    loss.backward();
    assert_close(
        &logits.grad().unwrap().to_vec(),
        &[
            0.09003057317038046,
            0.24472847105479767,
            0.6652409557748219 - 1.0,
        ],
        1e-15,
    );
}

#[test]
fn cross_entropy_averages_over_the_batch() {
    // uniform logits: loss log 2 per item; gradient (0.5 - onehot) / N
    let logits = leaf(&[0.0; 4], &[2, 2]);
    let loss = logits.cross_entropy(&[0, 1]);
    assert_close(&[loss.item()], &[2f64.ln()], 1e-15);
    loss.backward();
    assert_eq!(
        logits.grad().unwrap().to_vec(),
        vec![-0.25, 0.25, 0.25, -0.25]
    );
}

#[test]
fn cross_entropy_of_an_unbatched_input() {
    // [C] logits with one target: the same as a batch of one
    let logits = tensor![1., 2., 3.].double();
    let unbatched = logits.cross_entropy(&[0]).item();
    let batched = logits.reshape(&[1, 3]).cross_entropy(&[0]).item();
    assert_eq!(unbatched, batched);
    assert_close(&[unbatched], &[2.40760596444438], 1e-14);
}

#[test]
fn cross_entropy_is_stable_for_large_logits() {
    // softmax([1000, 0]) = [1, 0]: the loss for class 0 is 0 and for class 1 is 1000
    let logits = tensor![[1000., 0.], [1000., 0.]];
    assert_eq!(logits.cross_entropy(&[0, 1]).item(), 500.0);
}

#[test]
fn cross_entropy_gradcheck() {
    check(|v| v[0].cross_entropy(&[1, 0, 3]), &[sample(&[3, 4], 0.1)]);
    check(|v| v[0].cross_entropy(&[2]), &[sample(&[5], 0.2)]);
    check(|v| v[0].cross_entropy(&[0, 0]), &[sample(&[2, 1], 0.3)]);
    check_second_order(|v| v[0].cross_entropy(&[1, 0, 2]), &[sample(&[3, 3], 0.4)]);
}

#[test]
#[should_panic(
    expected = "cross_entropy: Target 5 is out of bounds. (input shape [2, 3] has 3 classes)"
)]
fn cross_entropy_target_out_of_bounds_panics() {
    Tensor::ones(&[2, 3]).cross_entropy(&[0, 5]);
}

#[test]
#[should_panic(
    expected = "nll_loss: Expected input batch_size (2) to match target batch_size (3)."
)]
fn nll_loss_batch_mismatch_panics() {
    Tensor::ones(&[2, 3]).nll_loss(&[0, 1, 2]);
}

#[test]
#[should_panic(
    expected = "cross_entropy: expected input of shape [C] or [N, C] (class scores along the last dim) but got [2, 3, 4]"
)]
fn cross_entropy_of_a_3d_input_panics() {
    Tensor::ones(&[2, 3, 4]).cross_entropy(&[0, 1]);
}

/// torch 2.15: `F.nll_loss(torch.zeros(2, 1, dtype=torch.float64), torch.tensor([0, 0]))` and
/// `F.cross_entropy` of the same are `+0.` (`1 / loss` is `inf`), also for f32 `[[-0.], [0.]]`.
#[test]
fn a_zero_class_loss_is_positive_zero() {
    let zeros = Tensor::from_vec(vec![0.0f64, 0.0], &[2, 1]);
    for loss in [zeros.nll_loss(&[0, 0]), zeros.cross_entropy(&[0, 0])] {
        assert_eq!(1.0 / loss.item(), f64::INFINITY);
    }
    let signed = Tensor::from_vec(vec![-0.0f32, 0.0], &[2, 1]);
    assert_eq!(1.0 / signed.nll_loss(&[0, 0]).item(), f64::INFINITY);
    // Nonzero totals are unchanged: -(-2.0 + 0.25) / 2.
    let x = Tensor::from_vec(vec![1.5f32, -2.0, 0.25, 3.0], &[2, 2]);
    assert_eq!(x.nll_loss(&[1, 0]).item(), 0.875);
}

/// torch 2.15:
/// ```python
/// x = torch.tensor([[2., 1., -1.], [2., 0., 2.]], dtype=torch.float64, requires_grad=True)
/// w = torch.tensor([[1., 2., 3.], [4., 5., 6.]], dtype=torch.float64)
/// g, = torch.autograd.grad(F.nll_loss(x, t := torch.tensor([2, 0])), [x], create_graph=True)
/// # g: [[0, 0, -0.5], [-0.5, 0, 0]], NllLossBackwardBackward0, next (None, AccumulateGrad)
/// (g * w).sum().backward()                      # x.grad: zeros
/// g, = torch.autograd.grad(F.nll_loss(x, t) ** 2 ...)  # with l * l:
/// # g: [[0, 0, 0.5], [0.5, 0, 0]], next (AddBackward0, AccumulateGrad); (g * w).sum().backward()
/// # x.grad: [[0, 0, 3.5], [3.5, 0, 0]]
/// ```
#[test]
fn nll_loss_gradient_is_recorded_as_pytorch_under_create_graph() {
    let x = Tensor::from_vec(vec![2.0f64, 1.0, -1.0, 2.0, 0.0, 2.0], &[2, 3]).requires_grad_(true);
    let w = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    let first = |out: &Tensor| {
        autograd::grad(&[out], &[&x])
            .create_graph(true)
            .run()
            .unwrap()
            .remove(0)
            .unwrap()
    };
    let g = first(&x.nll_loss(&[2, 0]));
    assert_eq!(g.to_vec(), vec![0.0, 0.0, -0.5, -0.5, 0.0, 0.0]);
    let node = g.grad_fn().unwrap();
    assert_eq!(node.name(), "NllLossBackwardBackward0");
    let next: Vec<Option<String>> = node
        .next_functions()
        .iter()
        .map(|(f, _)| f.as_ref().map(|f| f.name().to_string()))
        .collect();
    assert_eq!(next, vec![None, Some("AccumulateGrad".to_string())]);
    (&g * &w).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0; 6]);

    x.zero_grad();
    let loss = x.nll_loss(&[2, 0]);
    let g = first(&(&loss * &loss));
    assert_eq!(g.to_vec(), vec![0.0, 0.0, 0.5, 0.5, 0.0, 0.0]);
    (&g * &w).sum().backward();
    assert_eq!(
        x.grad().unwrap().to_vec(),
        vec![0.0, 0.0, 3.5, 3.5, 0.0, 0.0]
    );
}

#[test]
fn nll_loss_second_order_gradcheck() {
    // Through a squared loss the gradient depends on the input (via the incoming gradient).
    let x = Tensor::from_vec(vec![0.3f64, -1.2, 0.7, 2.0, 0.1, -0.4], &[2, 3]).requires_grad_(true);
    let f = |xs: &[Tensor]| {
        let l = xs[0].log_softmax(1).nll_loss(&[1, 2]);
        &l * &l
    };
    check_second_order(f, &[x]);
}

/// torch 2.15: `F.mse_loss(x, t)` with `x == t` (both requiring grad): both gradients are +0
/// (`mse_loss_backward(grad, target, self)` for the target, not a negation).
#[test]
fn mse_loss_gradients_at_equal_operands_are_positive_zero() {
    let x = Tensor::from_vec(vec![1.5f64, -2.0], &[2]).requires_grad_(true);
    let t = Tensor::from_vec(vec![1.5f64, -2.0], &[2]).requires_grad_(true);
    x.mse_loss(&t).backward();
    for g in [x.grad().unwrap(), t.grad().unwrap()] {
        assert!(g.to_vec().iter().all(|v| *v == 0.0 && v.is_sign_positive()));
    }
}
