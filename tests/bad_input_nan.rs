//! Issue 6 part 5, NaN and infinity inputs: they are not errors but propagate as in PyTorch
//! (`log(0) = -inf`, `0/0 = NaN`, `sqrt(-1) = NaN`, ...), through forward and backward, and
//! `detect_anomaly` names the node that produced a NaN gradient, leaving `.grad()` untouched.
//! (Shape, dtype and argument errors are in `bad_input.rs`.)

use autograd::{detect_anomaly, no_grad, Tensor};

/// The values, version and gradient of a tensor, which a failed backward must not change.
fn state(t: &Tensor) -> (Vec<f64>, u64, Option<Vec<f64>>) {
    (t.to_vec(), t.version(), t.grad().map(|g| g.to_vec()))
}

/// An F64 leaf that requires grad, already holding a gradient (`[0.5, ...]`) and at version 1.
fn used_leaf(data: &[f64], shape: &[usize]) -> Tensor {
    let x = Tensor::from_vec(data.to_vec(), shape).requires_grad_(true);
    (&x * 0.5).sum().backward();
    no_grad(|| x.add_(0.0));
    x
}

#[test]
fn nan_and_infinity_propagate_like_pytorch() {
    let v = |t: Tensor| t.to_vec();
    let t = |data: &[f64]| Tensor::from_vec(data.to_vec(), &[data.len()]);
    let (inf, nan) = (f64::INFINITY, f64::NAN);
    assert_eq!(v(t(&[0.0, 1.0]).log()), vec![-inf, 0.0]); // log(0) = -inf
    assert!(v(t(&[0.0]).div(&t(&[0.0])))[0].is_nan()); // 0/0 = NaN
    assert!(v(t(&[-1.0]).sqrt())[0].is_nan()); // sqrt(-1) = NaN
    assert_eq!(v(t(&[1.0, -1.0]).div(&t(&[0.0, 0.0]))), vec![inf, -inf]);
    assert_eq!(v(t(&[inf, -inf]).exp()), vec![inf, 0.0]);
    assert_eq!(v(t(&[inf, -inf]).tanh()), vec![1.0, -1.0]);
    assert_eq!(v(t(&[inf, -inf]).sigmoid()), vec![1.0, 0.0]);
    assert!(v(t(&[inf]).sub(&t(&[inf]))).iter().all(|x| x.is_nan()));
    assert!(t(&[1.0, nan, 3.0]).max().item().is_nan());
    assert!(t(&[1.0, nan, 3.0]).sum().item().is_nan());
    assert!(v(t(&[nan, 1.0]).maximum(&t(&[1.0, nan])))
        .iter()
        .all(|x| x.is_nan()));
    assert!(v(t(&[nan]).clamp(-1.0, 1.0))[0].is_nan());
    assert!(v(t(&[nan, 0.0]).softmax(0)).iter().all(|x| x.is_nan()));
    assert_eq!(v(t(&[-inf, 0.0]).softmax(0)), vec![0.0, 1.0]);
    assert_eq!(t(&[-inf, -inf]).logsumexp(0, false).item(), -inf);
    assert!(Tensor::zeros(&[0]).mean().item().is_nan()); // mean of nothing = 0/0
                                                         // Gradients: d/dx log x = 1/x = inf at 0; the backward succeeds and propagates it.
    let x = Tensor::from_vec(vec![0.0f64, 2.0], &[2]).requires_grad_(true);
    x.log().sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![inf, 0.5]);
}

#[test]
fn relu_propagates_nan() {
    // torch.relu(torch.tensor([float('nan'), -1., 1.])) = tensor([nan, 0., 1.])
    let y = Tensor::from_vec(vec![f64::NAN, -1.0, 1.0], &[3])
        .relu()
        .to_vec();
    assert!(y[0].is_nan(), "relu(NaN) = {}", y[0]);
    assert_eq!(&y[1..], &[0.0, 1.0]);
}

#[test]
fn relu_blocks_even_a_nan_gradient_where_its_output_is_not_positive() {
    // PyTorch's threshold_backward is where(y <= 0, 0, grad): x = [-1, 0, 2, nan], y = relu(x),
    // y.backward(tensor([nan, nan, nan, 5.])) gives x.grad = [0, 0, nan, 5.]
    for dtype_f32 in [false, true] {
        let mut x = Tensor::from_vec(vec![-1.0f64, 0.0, 2.0, f64::NAN], &[4]);
        let mut g = Tensor::from_vec(vec![f64::NAN, f64::NAN, f64::NAN, 5.0], &[4]);
        if dtype_f32 {
            (x, g) = (x.float(), g.float());
        }
        let x = x.requires_grad_(true);
        x.relu().backward_with(&g);
        let grad = x.grad().unwrap().to_vec();
        assert_eq!(&grad[..2], &[0.0, 0.0]);
        assert!(grad[2].is_nan());
        assert_eq!(grad[3], 5.0);
    }
}

#[test]
fn detect_anomaly_names_the_node_of_a_nan_gradient() {
    // sqrt(-1) = NaN forward; its backward g / (2 sqrt(x)) is NaN: PyTorch raises
    // "Function 'SqrtBackward0' returned nan values in its 0th output."
    let x = used_leaf(&[-1.0, 4.0], &[2]);
    let y = x.sqrt();
    let out = (&y * 2.0).sum();
    let before = state(&x);
    let err = detect_anomaly(|| out.try_backward()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("Function 'SqrtBackward0' returned nan values in its 0th output"),
        "{text}"
    );
    assert!(
        text.contains("tests/bad_input_nan.rs"),
        "names where the forward op ran: {text}"
    );
    assert_eq!(state(&x), before, "the failed backward wrote no gradient");
    // Without anomaly mode the NaN simply propagates into x.grad, as in PyTorch.
    let out = (x.sqrt() * 2.0).sum();
    out.backward();
    let g = x.grad().unwrap().to_vec();
    assert!(g[0].is_nan() && g[1] == 0.5 + 0.5, "{g:?}");
}
