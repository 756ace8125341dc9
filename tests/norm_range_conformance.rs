//! `norm()` at the ends of the float range, against PyTorch 2.15.0 (each expectation printed by
//! torch for `t = torch.tensor(values, dtype=...); n = t.norm(); n.backward()`): squares are
//! taken in the tensor's dtype, so they overflow to inf and underflow to 0 where PyTorch's do,
//! and a single element's norm is its absolute value.

use autograd::Tensor;

/// `(norm, gradient)` of a leaf holding `values` in `E`'s dtype.
fn norm_and_grad<E: autograd::Element>(values: &[E]) -> (f64, Vec<f64>) {
    let t = Tensor::from_vec(values.to_vec(), &[values.len()]).requires_grad_(true);
    let n = t.norm();
    n.backward();
    (n.item(), t.grad().unwrap().to_vec())
}

#[test]
fn float32_squares_overflow_to_an_infinite_norm_with_zero_gradient() {
    // [2., 3.4e38, 1e30] float32 -> inf, grad [0., 0., 0.]
    assert_eq!(
        norm_and_grad(&[2.0f32, 3.4e38, 1e30]),
        (f64::INFINITY, vec![0.0, 0.0, 0.0])
    );
    // [1e20, 1e20] float32 -> inf, grad [0., 0.]
    assert_eq!(
        norm_and_grad(&[1e20f32, 1e20]),
        (f64::INFINITY, vec![0.0, 0.0])
    );
    // [1e19, 1e19] float32 -> 1.4142135160245584e+19, grad [0.7071068286895752] * 2
    assert_eq!(
        norm_and_grad(&[1e19f32, 1e19]),
        (1.4142135160245584e19, vec![0.7071068286895752; 2])
    );
}

#[test]
fn float32_squares_underflow_to_a_zero_norm_with_zero_gradient() {
    // [1e-30, 1e-30] float32 -> 0., grad [0., 0.]
    assert_eq!(norm_and_grad(&[1e-30f32, 1e-30]), (0.0, vec![0.0, 0.0]));
}

#[test]
fn one_element_has_its_absolute_value_as_norm() {
    // [1e300] float64 -> 1e300, grad [1.]; [-1e300] -> 1e300, grad [-1.]
    assert_eq!(norm_and_grad(&[1e300f64]), (1e300, vec![1.0]));
    assert_eq!(norm_and_grad(&[-1e300f64]), (1e300, vec![-1.0]));
    // [3e38] float32 -> 3.0000000054977558e+38, grad [1.]
    assert_eq!(
        norm_and_grad(&[3e38f32]),
        (3.0000000054977558e38, vec![1.0])
    );
}

#[test]
fn float64_squares_overflow_past_one_element() {
    // [1e300, 1.] float64 -> inf, grad [0., 0.]; [1e200, 1e200] -> inf
    assert_eq!(
        norm_and_grad(&[1e300f64, 1.0]),
        (f64::INFINITY, vec![0.0, 0.0])
    );
    assert_eq!(
        norm_and_grad(&[1e200f64, 1e200]),
        (f64::INFINITY, vec![0.0, 0.0])
    );
}
