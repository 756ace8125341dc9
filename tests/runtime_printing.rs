//! Issue 2 part 6: Display and Debug print exactly what PyTorch's `print(tensor)` prints.
//! Every expected string is PyTorch 2.x output for the same tensor.

mod runtime_support;

use autograd::{tensor, Tensor};

/// Asserts Display and Debug both give `expected`.
#[track_caller]
fn prints(t: &Tensor, expected: &str) {
    assert_eq!(t.to_string(), expected, "Display");
    assert_eq!(format!("{t:?}"), expected, "Debug");
}

#[test]
fn the_issue_examples() {
    // x = torch.ones(2, 2, requires_grad=True); y = x + 2; out = (y * y * 3).mean()
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    prints(
        &x,
        "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
    );
    let y = &x + 2.0;
    prints(
        &y,
        "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)",
    );
    let out = (&y * &y * 3.0).mean();
    prints(&out, "tensor(27., grad_fn=<MeanBackward0>)");
    // torch.tensor([204.8, 2048., 0.2048]): max/min > 1000 switches to scientific
    prints(
        &Tensor::from_vec(vec![204.8f32, 2048.0, 0.2048], &[3]),
        "tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])",
    );
    prints(
        &Tensor::from_vec(vec![1.0f64, 2.0], &[2]),
        "tensor([1., 2.], dtype=torch.float64)",
    );
}

#[test]
fn the_tutorial_gradient_and_intermediate() {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let z = (&x + 2.0) * (&x + 2.0) * 3.0;
    prints(
        &z,
        "tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>)",
    );
    z.mean().backward();
    prints(
        &x.grad().unwrap(),
        "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])",
    );
}

#[test]
fn fixed_point_values_pad_to_a_common_width() {
    // torch.tensor([-1646.1467, -59.6569, 824.9374]) * 1 with a grad_fn
    let x = Tensor::from_vec(vec![-1646.1467f32, -59.6569, 824.9374], &[3]).requires_grad_(true);
    prints(
        &(&x * 1.0),
        "tensor([-1646.1467,   -59.6569,   824.9374], grad_fn=<MulBackward0>)",
    );
    prints(
        &tensor![0., 1.5, -2.25],
        "tensor([ 0.0000,  1.5000, -2.2500])",
    );
    prints(&tensor![0.1, 0.25], "tensor([0.1000, 0.2500])");
}

#[test]
fn integral_values_print_with_a_trailing_dot() {
    prints(&tensor![1., -2., 30.], "tensor([ 1., -2., 30.])");
    prints(&Tensor::scalar(3.0), "tensor(3.)");
    prints(&Tensor::zeros(&[3]), "tensor([0., 0., 0.])");
}

#[test]
fn three_dimensional_tensors() {
    let t = Tensor::arange(8.0).reshape(&[2, 2, 2]);
    prints(
        &t,
        "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
    );
}

#[test]
fn f64_tensors_carry_the_dtype_suffix() {
    prints(
        &Tensor::from_vec(vec![1.0f64], &[]),
        "tensor(1., dtype=torch.float64)",
    );
    prints(
        &Tensor::from_vec(vec![0.1f64, 0.2], &[2]),
        "tensor([0.1000, 0.2000], dtype=torch.float64)",
    );
    let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true);
    prints(
        &x,
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
    );
    prints(
        &(&x * 2.0),
        "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)",
    );
}

#[test]
fn bool_tensors() {
    prints(
        &tensor![1., 2.].eq(tensor![1., 3.]),
        "tensor([ True, False])",
    );
    prints(&tensor![1.].gt(0.0).all(), "tensor(True)");
    prints(&tensor![1.].lt(0.0).any(), "tensor(False)");
    prints(
        &Tensor::eye(2).eq(1.0),
        "tensor([[ True, False],\n        [False,  True]])",
    );
}

#[test]
fn scientific_notation() {
    // A value below 1e-4 among non-integers, a ratio above 1000, and one above 1e8.
    prints(&tensor![1e-5, 1.], "tensor([1.0000e-05, 1.0000e+00])");
    prints(&tensor![1., 2000.], "tensor([1.0000e+00, 2.0000e+03])");
    prints(&Tensor::scalar(1e9), "tensor(1.0000e+09)");
    prints(&tensor![0.5, 1e-5].sum(), "tensor(0.5000)");
}

#[test]
fn non_finite_values() {
    let t = Tensor::from_vec(vec![1.5f32, f32::NAN, f32::NEG_INFINITY], &[3]);
    prints(&t, "tensor([1.5000,    nan,   -inf])");
    prints(
        &Tensor::from_vec(vec![1.0f32, f32::INFINITY], &[2]),
        "tensor([1., inf])",
    );
}

#[test]
fn large_tensors_are_summarised() {
    // torch.arange(2000.) has more than 1000 elements: 3 at each end around "...".
    prints(
        &(Tensor::arange(2000.0) + 1000.0),
        "tensor([1000., 1001., 1002.,  ..., 2997., 2998., 2999.])",
    );
    let m = Tensor::zeros(&[40, 40]);
    let row = "[0., 0., 0.,  ..., 0., 0., 0.]";
    let expected = format!(
        "tensor([{row},\n        {row},\n        {row},\n        ...,\n        {row},\n        {row},\n        {row}])"
    );
    prints(&m, &expected);
}

#[test]
fn long_rows_wrap_at_80_columns_and_the_suffix_moves_to_its_own_line() {
    let x = (Tensor::arange(30.0) + 0.5).requires_grad_(true);
    let y = &x + 0.0;
    let body = "tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n         8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,\n        16.5000, 17.5000, 18.5000, 19.5000, 20.5000, 21.5000, 22.5000, 23.5000,\n        24.5000, 25.5000, 26.5000, 27.5000, 28.5000, 29.5000]";
    prints(&y, &format!("{body},\n       grad_fn=<AddBackward0>)"));
}

#[test]
fn empty_tensors() {
    prints(&Tensor::zeros(&[0]), "tensor([])");
    prints(&Tensor::zeros(&[0, 3]), "tensor([], size=(0, 3))");
}

#[test]
fn tensors_inside_containers_debug_print_the_same_way() {
    let v = vec![Tensor::scalar(1.0), tensor![2., 3.]];
    assert_eq!(format!("{v:?}"), "[tensor(1.), tensor([2., 3.])]");
    assert_eq!(
        format!("{:?}", Some(Tensor::scalar(0.5))),
        "Some(tensor(0.5000))"
    );
}
