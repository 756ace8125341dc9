//! softmax, log_softmax and logsumexp: values (including inputs that overflow a naive
//! formula), gradients, node names and errors.

mod ops_support;

use autograd::{tensor, Tensor};
use ops_support::*;

// torch.tensor([1., 2., 3.], dtype=torch.float64).softmax(0)
const SOFTMAX_123: [f64; 3] = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219];
// log(e^1 + e^2 + e^3)
const LOGSUMEXP_123: f64 = 3.40760596444438;

#[test]
fn softmax_known_values_and_node() {
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let y = x.softmax(0);
    assert_close(&y.to_vec(), &SOFTMAX_123, 1e-15);
    assert_eq!(node(&y), "SoftmaxBackward0");
}

#[test]
fn softmax_along_dim_0_normalises_columns() {
    // columns [1, 3] and [2, 5]: [e^1, e^3] / (e^1 + e^3) = [0.1192.., 0.8807..], ...
    let y = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 5.0], &[2, 2]).softmax(0);
    assert_close(
        &y.to_vec(),
        &[
            0.11920292202211755,
            0.04742587317756679,
            0.8807970779778824,
            0.9525741268224333,
        ],
        1e-15,
    );
}

#[test]
fn softmax_gradient_known_values() {
    // y = softmax([0, 0]) = [.5, .5]; d y0 / dx = y0 (onehot0 - y) = [.25, -.25]
    let x = leaf(&[0.0, 0.0], &[2]);
    x.softmax(0).narrow(0, 0, 1).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.25, -0.25]);
}

#[test]
fn softmax_does_not_overflow_and_handles_minus_infinity() {
    let y = tensor![1000., 1000., -1000.].softmax(0);
    assert_eq!(y.to_vec(), vec![0.5, 0.5, 0.0]);
    // a masked-out logit (-inf) gets probability 0
    let y = tensor![0., f32::NEG_INFINITY].softmax(0);
    assert_eq!(y.to_vec(), vec![1.0, 0.0]);
}

#[test]
fn log_softmax_known_values_gradient_and_node() {
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let y = x.log_softmax(0);
    assert_close(
        &y.to_vec(),
        &[-2.40760596444438, -1.4076059644443801, -0.40760596444438013],
        1e-14,
    );
    assert_eq!(node(&y), "LogSoftmaxBackward0");
    // d y0 / dx = onehot0 - softmax(x)
    y.narrow(0, 0, 1).sum().backward();
    let expected: Vec<f64> = (0..3)
        .map(|i| if i == 0 { 1.0 } else { 0.0 } - SOFTMAX_123[i])
        .collect();
    assert_close(&x.grad().unwrap().to_vec(), &expected, 1e-15);
}

#[test]
fn log_softmax_of_large_logits_is_finite() {
    // log_softmax([1000, 0]) = [0, -1000]; a naive log(exp(x)/sum) gives [nan, -inf]
    let y = tensor![1000., 0.].log_softmax(0);
    assert_eq!(y.to_vec(), vec![0.0, -1000.0]);
}

#[test]
fn logsumexp_known_values_gradient_and_node() {
    let x = leaf(&[1.0, 2.0, 3.0, 1.0, 2.0, 3.0], &[2, 3]);
    let r = x.logsumexp(1, false);
    assert_eq!(r.shape(), &[2]);
    assert_close(&r.to_vec(), &[LOGSUMEXP_123; 2], 1e-14);
    assert_eq!(node(&r), "LogsumexpBackward0");
    // d/dx logsumexp(x) = softmax(x)
    r.sum().backward();
    let expected = [SOFTMAX_123, SOFTMAX_123].concat();
    assert_close(&x.grad().unwrap().to_vec(), &expected, 1e-15);
    assert_eq!(x.logsumexp(-1, true).shape(), &[2, 1]);
}

#[test]
fn logsumexp_is_stable_at_the_extremes() {
    // log(2 e^1000) = 1000 + log 2; all -inf gives -inf; +inf gives +inf
    let r = tensor![1000., 1000.].double().logsumexp(0, false);
    assert_close(&[r.item()], &[1000.0 + 2f64.ln()], 1e-12);
    let r = tensor![f32::NEG_INFINITY, f32::NEG_INFINITY].logsumexp(0, false);
    assert_eq!(r.item(), f64::NEG_INFINITY);
    let r = tensor![f32::INFINITY, 0.].logsumexp(0, false);
    assert_eq!(r.item(), f64::INFINITY);
}

#[test]
fn softmax_family_gradcheck_over_every_dim() {
    let shapes: [&[usize]; 4] = [&[5], &[2, 3], &[2, 3, 4], &[3, 1]];
    for shape in shapes {
        for dim in 0..shape.len() {
            check(|v| v[0].softmax(dim), &[sample(shape, 0.3)]);
            check(|v| v[0].log_softmax(dim), &[sample(shape, 1.3)]);
            check(|v| v[0].logsumexp(dim, false), &[sample(shape, 2.3)]);
            check(|v| v[0].logsumexp(dim, true), &[sample(shape, 0.8)]);
        }
    }
    check(|v| v[0].softmax(0), &[sample(&[], 0.3)]);
    check(|v| v[0].logsumexp(0, false), &[sample(&[], 0.3)]);
}

#[test]
fn softmax_family_second_order() {
    let x = || sample(&[2, 3], 0.5);
    check_second_order(|v| v[0].softmax(1), &[x()]);
    check_second_order(|v| v[0].softmax(0), &[x()]);
    check_second_order(|v| v[0].log_softmax(1), &[x()]);
    check_second_order(|v| v[0].logsumexp(1, false), &[x()]);
    check_second_order(|v| v[0].logsumexp(0, true), &[x()]);
}

#[test]
#[should_panic(
    expected = "softmax: Dimension out of range (expected to be in range of [-2, 1], but got 2)"
)]
fn softmax_dim_out_of_range_panics() {
    Tensor::ones(&[2, 3]).softmax(2);
}

#[test]
#[should_panic(
    expected = "logsumexp: Dimension out of range (expected to be in range of [-1, 0], but got -2)"
)]
fn logsumexp_dim_out_of_range_panics() {
    Tensor::ones(&[3]).logsumexp(-2, false);
}

#[test]
#[should_panic(expected = "log_softmax: expected a floating point tensor but got dtype torch.bool")]
fn log_softmax_of_a_bool_tensor_panics() {
    Tensor::ones(&[2]).gt(0.0).log_softmax(0);
}
