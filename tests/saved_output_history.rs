//! Ops that save their output (`exp`, `tanh`, `softmax`, `logsumexp`, ...) under `create_graph`:
//! as in PyTorch, the saved output comes back with the op's node as its history, so a second
//! backward flows through that node (its `retain_grad` sees it) and the op's input is not
//! needed. Expected values printed by torch 2.15.0 for the Python in each doc comment.

mod ops_support;

use autograd::Tensor;
use ops_support::assert_close;

fn first_grad(out: &Tensor, x: &Tensor) -> Tensor {
    autograd::grad(&[out], &[x])
        .create_graph(true)
        .run()
        .unwrap()
        .remove(0)
        .unwrap()
}

/// ```python
/// v0 = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
/// v1 = v0.clamp_min(-0.5); v2 = v1.exp(); v1.div_(2.0)
/// g, = torch.autograd.grad(v2, [v0], create_graph=True)   # 7.38905609893065
/// g.backward(); v0.grad                                    # 7.38905609893065
/// ```
#[test]
fn changing_the_input_of_an_output_saving_op_does_not_break_create_graph() {
    let v0 = Tensor::from_vec(vec![2.0f64], &[]).requires_grad_(true);
    let v1 = v0.clamp_min(-0.5);
    let v2 = v1.exp();
    v1.div_(2.0);
    let g = first_grad(&v2, &v0);
    assert_close(&g.to_vec(), &[7.38905609893065], 1e-12);
    g.backward();
    assert_close(&v0.grad().unwrap().to_vec(), &[7.38905609893065], 1e-12);
}

/// ```python
/// x = torch.tensor([3., 3., 0., 0., -1.], dtype=torch.float64).reshape(5, 1).requires_grad_()
/// y = x.logsumexp(-2, True); y.retain_grad()
/// g, = torch.autograd.grad(y, [x], create_graph=True)   # y.grad [[1.]]
/// g.sum().backward()                                    # y.grad [[0.]]; x.grad zeros
/// ```
#[test]
fn a_second_backward_reaches_the_retained_grad_of_a_saved_output() {
    let x = Tensor::from_vec(vec![3.0f64, 3.0, 0.0, 0.0, -1.0], &[5, 1]).requires_grad_(true);
    let y = x.logsumexp(-2, true);
    y.retain_grad();
    let g = first_grad(&y, &x);
    assert_eq!(y.grad().unwrap().to_vec(), vec![1.0]);
    g.sum().backward();
    assert_close(&y.grad().unwrap().to_vec(), &[0.0], 1e-12);
    assert_close(&x.grad().unwrap().to_vec(), &[0.0; 5], 1e-12);
}

/// ```python
/// y = x.tanh(); y.retain_grad()        # x = [0.5, -1.0]
/// g, = torch.autograd.grad(y.sum(), [x], create_graph=True); g.sum().backward()
/// y.grad  # [0.07576568547998053, 2.5231883119115297]
/// x.grad  # [-0.7268619813835873, 0.6397000084492246]
/// ```
#[test]
fn tanh_second_backward_through_its_saved_output() {
    let x = Tensor::from_vec(vec![0.5f64, -1.0], &[2]).requires_grad_(true);
    let y = x.tanh();
    y.retain_grad();
    let g = first_grad(&y.sum(), &x);
    g.sum().backward();
    assert_close(
        &y.grad().unwrap().to_vec(),
        &[0.07576568547998053, 2.5231883119115297],
        1e-12,
    );
    assert_close(
        &x.grad().unwrap().to_vec(),
        &[-0.7268619813835873, 0.6397000084492246],
        1e-12,
    );
}

/// ```python
/// y = x.softmax(0); y.retain_grad()    # x = [0.5, -1.0, 2.0], w = [1., 2., 3.]
/// g, = torch.autograd.grad((y * w).sum(), [x], create_graph=True); (g * w).sum().backward()
/// y.grad  # [-3.2206132848984783, -4.441226569796957, -3.661839854695435]
/// x.grad  # [0.35140013606242493, -0.008445931175664773, -0.34295420488676026]
/// ```
#[test]
fn softmax_second_backward_through_its_saved_output() {
    let x = Tensor::from_vec(vec![0.5f64, -1.0, 2.0], &[3]).requires_grad_(true);
    let w = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]);
    let y = x.softmax(0);
    y.retain_grad();
    let g = first_grad(&(&y * &w).sum(), &x);
    (&g * &w).sum().backward();
    assert_close(
        &y.grad().unwrap().to_vec(),
        &[-3.2206132848984783, -4.441226569796957, -3.661839854695435],
        1e-12,
    );
    assert_close(
        &x.grad().unwrap().to_vec(),
        &[
            0.35140013606242493,
            -0.008445931175664773,
            -0.34295420488676026,
        ],
        1e-12,
    );
}
