//! Signed zeros in gradients that backward formulas write into zeros, against PyTorch 2.15.0
//! (each expectation printed by torch for the Python in the comment): `slice_backward`,
//! `select_backward` and `scatter` copy the incoming gradient into zeros, so a `-0.0` stays
//! `-0.0`; `index_add` and `scatter_add` add it to `+0.0`, which gives `+0.0`.

use autograd::Tensor;

fn leaf(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape).requires_grad_(true)
}

fn seed(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape)
}

/// Asserts equal values with equal signs of zero.
#[track_caller]
fn assert_same_bits(actual: &Tensor, expected: &[f64]) {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(&actual.to_vec()),
        bits(expected),
        "{:?} vs {expected:?}",
        actual.to_vec()
    );
}

#[test]
fn narrow_and_slice_gradients_keep_negative_zeros() {
    // (x.narrow(0, 0, 2) * -1).backward(tensor([0., 1.])) -> x.grad [-0., -1., 0.]
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    (x.narrow(0, 0, 2) * -1.0).backward_with(&seed(&[0.0, 1.0], &[2]));
    assert_same_bits(&x.grad().unwrap(), &[-0.0, -1.0, 0.0]);
    // (x[::2] * -1).backward(tensor([0., 1.])) -> x.grad [-0., 0., -1.]
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    (x.slice(0, 0, isize::MAX, 2) * -1.0).backward_with(&seed(&[0.0, 1.0], &[2]));
    assert_same_bits(&x.grad().unwrap(), &[-0.0, 0.0, -1.0]);
}

#[test]
fn select_gradient_keeps_negative_zeros() {
    // (x.select(1, 1) * -1).backward(tensor([0., 1.])) -> [[0., -0., 0.], [0., -1., 0.]]
    let x = leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    (x.select(1, 1) * -1.0).backward_with(&seed(&[0.0, 1.0], &[2]));
    assert_same_bits(&x.grad().unwrap(), &[0.0, -0.0, 0.0, 0.0, -1.0, 0.0]);
}

#[test]
fn max_dim_gradient_keeps_negative_zeros() {
    // (x.max(1).values * -1).backward(tensor([0., 1.])) -> [[0., -0.], [-1., 0.]]
    let x = leaf(&[1.0, 5.0, 7.0, 2.0], &[2, 2]);
    (x.max_dim(1, false).0 * -1.0).backward_with(&seed(&[0.0, 1.0], &[2]));
    assert_same_bits(&x.grad().unwrap(), &[0.0, -0.0, -1.0, 0.0]);
}

#[test]
fn index_select_and_gather_gradients_add_into_zeros() {
    // (x.index_select(0, [0, 2]) * -1).backward(tensor([0., 1.])) -> [0., 0., -1.]
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    (x.index_select(0, &[0, 2]) * -1.0).backward_with(&seed(&[0.0, 1.0], &[2]));
    assert_same_bits(&x.grad().unwrap(), &[0.0, 0.0, -1.0]);
    // (x.gather(1, [[0], [1]]) * -1).backward(tensor([[0.], [1.]])) -> [[0., 0.], [0., -1.]]
    let x = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    (x.gather(1, &[0, 1], &[2, 1]) * -1.0).backward_with(&seed(&[0.0, 1.0], &[2, 1]));
    assert_same_bits(&x.grad().unwrap(), &[0.0, 0.0, 0.0, -1.0]);
}
