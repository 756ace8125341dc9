//! Issue 2 part 3: forward values and gradients of the elementwise ops at points where they
//! are known in closed form (derivation beside each expected number).

mod runtime_support;

use autograd::{tensor, DType, Tensor};
use runtime_support::{assert_close, assert_grad, assert_values, leaf, leaf32};

#[test]
fn add_values_and_gradients() {
    let (a, b) = (leaf(&[1., 2., 3.], &[3]), leaf(&[4., 5., 6.], &[3]));
    let y = &a + &b;
    assert_values(&y, &[5., 7., 9.]);
    y.sum().backward();
    // d/da sum(a + b) = 1, d/db = 1
    assert_grad(&a, &[1.; 3]);
    assert_grad(&b, &[1.; 3]);
}

#[test]
fn add_broadcasts_a_row_over_a_matrix() {
    // [2,3] + [3]: b is added to each row, so d/db sums the two rows of ones: 2.
    let a = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let b = leaf(&[10., 20., 30.], &[3]);
    let y = &a + &b;
    assert_eq!(y.shape(), &[2, 3]);
    assert_values(&y, &[11., 22., 33., 14., 25., 36.]);
    y.sum().backward();
    assert_grad(&a, &[1.; 6]);
    assert_grad(&b, &[2.; 3]);
}

#[test]
fn sub_values_and_gradients() {
    let (a, b) = (leaf(&[5., 7.], &[2]), leaf(&[1., 10.], &[2]));
    let y = &a - &b;
    assert_values(&y, &[4., -3.]);
    // VJP with v = [1, 2]: d/da = v, d/db = -v
    y.backward_with(&Tensor::from_vec(vec![1.0f64, 2.0], &[2]));
    assert_grad(&a, &[1., 2.]);
    assert_grad(&b, &[-1., -2.]);
}

#[test]
fn mul_broadcasts_a_column_against_a_row() {
    // [2,1] * [1,3] -> outer product [[10,20,30],[20,40,60]].
    // d/da_i sum_j a_i b_j = sum_j b_j = 60; d/db_j = sum_i a_i = 3.
    let a = leaf(&[1., 2.], &[2, 1]);
    let b = leaf(&[10., 20., 30.], &[1, 3]);
    let y = &a * &b;
    assert_eq!(y.shape(), &[2, 3]);
    assert_values(&y, &[10., 20., 30., 20., 40., 60.]);
    y.sum().backward();
    assert_grad(&a, &[60., 60.]);
    assert_grad(&b, &[3., 3., 3.]);
}

#[test]
fn mul_of_a_zero_dim_tensor_with_a_vector() {
    // s * x with s 0-d: d/ds sum(s x) = sum(x) = 6, d/dx = s = 2, and s.grad is 0-d.
    let s = leaf(&[2.], &[]);
    let x = leaf(&[1., 2., 3.], &[3]);
    let y = &s * &x;
    assert_values(&y, &[2., 4., 6.]);
    y.sum().backward();
    assert_eq!(s.grad().unwrap().shape(), &[] as &[usize]);
    assert_grad(&s, &[6.]);
    assert_grad(&x, &[2.; 3]);
}

#[test]
fn div_values_and_gradients() {
    // d/da (a/b) = 1/b = [0.5, 0.25]; d/db = -a/b^2 = [-1/4, -2/16]
    let (a, b) = (leaf(&[1., 2.], &[2]), leaf(&[2., 4.], &[2]));
    let y = &a / &b;
    assert_values(&y, &[0.5, 0.5]);
    y.sum().backward();
    assert_grad(&a, &[0.5, 0.25]);
    assert_grad(&b, &[-0.25, -0.125]);
}

#[test]
fn operators_accept_every_mix_of_owned_and_borrowed_operands() {
    let a = tensor![1., 2.];
    let b = tensor![3., 5.];
    assert_values(&(a.clone() + b.clone()), &[4., 7.]);
    assert_values(&(&a + b.clone()), &[4., 7.]);
    assert_values(&(a.clone() - &b), &[-2., -3.]);
    assert_values(&(&a * &b), &[3., 10.]);
    assert_values(&(a.clone() / b.clone()), &[1. / 3., 0.4]);
    assert_values(&(-&a), &[-1., -2.]);
    assert_values(&(-a), &[-1., -2.]);
}

#[test]
fn tensor_scalar_ops_infer_and_keep_the_tensor_dtype() {
    let x = leaf32(&[1., 2.], &[2]);
    // `&x + 2.0` needs no annotation; the f64 literal takes the tensor's F32 dtype.
    let y = &x + 2.0;
    assert_eq!(y.dtype(), DType::F32);
    assert_values(&y, &[3., 4.]);
    assert_values(&(&x - 1.0), &[0., 1.]);
    assert_values(&(x.clone() * 3.0), &[3., 6.]);
    assert_values(&(x.clone() / 4.0f32), &[0.25, 0.5]);
    // d/dx sum((x + 2) * 3 / 4 - 1) = 3/4
    (((&x + 2.0) * 3.0 / 4.0) - 1.0).sum().backward();
    assert_grad(&x, &[0.75, 0.75]);
    // Number on the left: the same, and the F32 dtype is kept too.
    assert_eq!((2.0 * &x).dtype(), DType::F32);
    assert_eq!((1.0 - &x).dtype(), DType::F32);
}

#[test]
fn scalar_tensor_ops() {
    let x = leaf(&[1., 2.], &[2]);
    assert_values(&(2.0 + &x), &[3., 4.]);
    assert_values(&(10.0 * x.clone()), &[10., 20.]);
    let r = 5.0 - &x;
    assert_values(&r, &[4., 3.]);
    // d/dx (5 - x) = -1
    r.sum().backward();
    assert_grad(&x, &[-1., -1.]);
    x.zero_grad();
    let q = 2.0 / &x;
    assert_values(&q, &[2., 1.]);
    // d/dx 2/x = -2/x^2 = [-2, -0.5]
    q.sum().backward();
    assert_grad(&x, &[-2., -0.5]);
}

#[test]
fn mixed_dtypes_promote_to_f64_and_gradients_keep_each_input_dtype() {
    let a = leaf32(&[1.5, 2.0], &[2]);
    let b = leaf(&[2.0, 4.0], &[2]);
    let y = &a * &b;
    assert_eq!(y.dtype(), DType::F64);
    y.sum().backward();
    // d/da = b, delivered as F32; d/db = a, F64.
    assert_eq!(a.grad().unwrap().dtype(), DType::F32);
    assert_eq!(b.grad().unwrap().dtype(), DType::F64);
    assert_grad(&a, &[2., 4.]);
    assert_grad(&b, &[1.5, 2.]);
}

#[test]
fn to_dtype_passes_gradients_back_in_the_source_dtype() {
    let x = leaf32(&[0.5, 1.0], &[2]);
    let y = x.double();
    assert_eq!(y.grad_fn().unwrap().name(), "ToCopyBackward0");
    // d/dx sum(3 x) = 3, converted back to F32
    (y * 3.0).sum().backward();
    assert_eq!(x.grad().unwrap().dtype(), DType::F32);
    assert_grad(&x, &[3., 3.]);
    let z = leaf(&[0.25], &[1]);
    (z.float() * 2.0).sum().backward();
    assert_eq!(z.grad().unwrap().dtype(), DType::F64);
    assert_grad(&z, &[2.]);
}

#[test]
fn neg_and_pow() {
    let x = leaf(&[2., -3.], &[2]);
    x.neg().sum().backward();
    assert_grad(&x, &[-1., -1.]);
    x.zero_grad();
    // d/dx x^3 = 3x^2 = [12, 27]
    let y = x.pow(3.0);
    assert_values(&y, &[8., -27.]);
    y.sum().backward();
    assert_grad(&x, &[12., 27.]);
    x.zero_grad();
    // d/dx x^-1 = -x^-2 = [-1/4, -1/9]
    x.pow(-1.0).sum().backward();
    assert_grad(&x, &[-0.25, -1. / 9.]);
    x.zero_grad();
    // x^0 = 1 everywhere, gradient 0 (even at 0, as PyTorch).
    let z = leaf(&[0., 5.], &[2]);
    let p = z.pow(0.0);
    assert_values(&p, &[1., 1.]);
    p.sum().backward();
    assert_grad(&z, &[0., 0.]);
}

#[test]
fn fractional_pow() {
    // d/dx x^0.5 = 0.5 x^-0.5 = 0.25 at x = 4; d/dx x^1.5 = 1.5 x^0.5 = 3 at x = 4
    let x = leaf(&[4.], &[1]);
    let y = x.pow(0.5) + x.pow(1.5);
    assert_values(&y, &[2. + 8.]);
    y.sum().backward();
    assert_grad(&x, &[3.25]);
}

#[test]
fn exp_and_log() {
    // d/dx e^x = e^x: [1, e] at [0, 1]
    let x = leaf(&[0., 1.], &[2]);
    let y = x.exp();
    assert_values(&y, &[1., std::f64::consts::E]);
    y.sum().backward();
    assert_grad(&x, &[1., std::f64::consts::E]);
    // d/dx ln x = 1/x: [0.5, 0.25] at [2, 4]
    let z = leaf(&[2., 4.], &[2]);
    let l = z.log();
    assert_values(&l, &[2f64.ln(), 4f64.ln()]);
    l.sum().backward();
    assert_grad(&z, &[0.5, 0.25]);
}

#[test]
fn sqrt_and_abs() {
    // d/dx sqrt x = 1/(2 sqrt x) = [0.25, 0.1] at [4, 25]
    let x = leaf(&[4., 25.], &[2]);
    let y = x.sqrt();
    assert_values(&y, &[2., 5.]);
    y.sum().backward();
    assert_grad(&x, &[0.25, 0.1]);
    // d/dx |x| = sign(x): [-1, 0, 1] (0 at 0, PyTorch's subgradient)
    let z = leaf(&[-2., 0., 3.], &[3]);
    let a = z.abs();
    assert_values(&a, &[2., 0., 3.]);
    a.sum().backward();
    assert_grad(&z, &[-1., 0., 1.]);
}

#[test]
fn sin_and_cos() {
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_3};
    // d/dx sin x = cos x: [1, 0.5] at [0, pi/3]
    let x = leaf(&[0., FRAC_PI_3], &[2]);
    let y = x.sin();
    assert_values(&y, &[0., 3f64.sqrt() / 2.]);
    y.sum().backward();
    assert_grad(&x, &[1., 0.5]);
    // d/dx cos x = -sin x: [0, -1] at [0, pi/2]
    let z = leaf(&[0., FRAC_PI_2], &[2]);
    let c = z.cos();
    assert_values(&c, &[1., 0.]);
    c.sum().backward();
    assert_grad(&z, &[0., -1.]);
}

#[test]
fn tanh_and_sigmoid() {
    // d/dx tanh x = 1 - tanh(x)^2: 1 at 0; 1 - tanh(1)^2 = 0.41997434161402614 at 1
    let x = leaf(&[0., 1.], &[2]);
    let y = x.tanh();
    assert_values(&y, &[0., 1f64.tanh()]);
    y.sum().backward();
    assert_grad(&x, &[1., 0.419_974_341_614_026_14]);
    // sigmoid(0) = 1/2, d/dx = s(1 - s) = 1/4; sigmoid(ln 3) = 3/4, d/dx = 3/16
    let z = leaf(&[0., 3f64.ln()], &[2]);
    let s = z.sigmoid();
    assert_values(&s, &[0.5, 0.75]);
    s.sum().backward();
    assert_grad(&z, &[0.25, 0.1875]);
}

#[test]
fn relu_has_zero_subgradient_at_zero() {
    // relu'(x) = 1 for x > 0, 0 for x <= 0 (0 at 0, as PyTorch)
    let x = leaf(&[-1., 0., 2.], &[3]);
    let y = x.relu();
    assert_values(&y, &[0., 0., 2.]);
    y.sum().backward();
    assert_grad(&x, &[0., 0., 1.]);
}

#[test]
fn f32_gradients_match_f64_ones() {
    // The same chain in both dtypes: tanh(2x + 1) * x; F32 agrees to F32 precision.
    let data = [0.3, -0.7, 1.1];
    let x64 = leaf(&data, &[3]);
    let x32 = leaf32(&data.map(|v| v as f32), &[3]);
    for x in [&x64, &x32] {
        ((x * 2.0 + 1.0).tanh() * x).sum().backward();
    }
    assert_close(
        &x32.grad().unwrap().to_vec(),
        &x64.grad().unwrap().to_vec(),
        1e-6,
    );
}
