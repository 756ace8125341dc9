//! Conversions between tensors and nalgebra's DMatrix, DVector, SMatrix and SVector, both
//! ways, for f32 and f64; and gradients checked against nalgebra's own arithmetic.

use autograd::{tensor, DType, Element, Tensor};
use nalgebra::{DMatrix, DVector, Matrix2x3, SMatrix, SVector, Scalar, Vector3};

/// The same checks for both element types.
fn round_trips<E: Element + Scalar + PartialEq>(dtype: DType) {
    let e = |v: f64| E::from_f64(v);
    // DMatrix: 2x3, row-major in the tensor whatever nalgebra's column-major storage.
    let m = DMatrix::from_row_slice(2, 3, &[1., 2., 3., 4., 5., 6.].map(e));
    let t = Tensor::from(&m);
    assert_eq!((t.shape(), t.dtype()), (&[2, 3][..], dtype));
    assert_eq!(t.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
    assert_eq!(DMatrix::<E>::from(&t), m);
    assert_eq!(DMatrix::<E>::from(t), m);

    // DVector: 1-d.
    let v = DVector::from_vec([7., 8., 9.].map(e).to_vec());
    let t = Tensor::from(v.clone());
    assert_eq!((t.shape(), t.dtype()), (&[3][..], dtype));
    assert_eq!(DVector::<E>::from(&t), v);

    // SMatrix: [R, C].
    let s = SMatrix::<E, 2, 3>::from_row_slice(&[1., 2., 3., 4., 5., 6.].map(e));
    let t = Tensor::from(s);
    assert_eq!((t.shape(), t.dtype()), (&[2, 3][..], dtype));
    assert_eq!(t.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
    assert_eq!(SMatrix::<E, 2, 3>::try_from(&t).unwrap(), s);
    assert_eq!(SMatrix::<E, 2, 3>::try_from(t).unwrap(), s);

    // SVector: nalgebra's SMatrix<E, R, 1>, so a [R, 1] column; back from 1-d or 2-d.
    let sv = SVector::<E, 3>::from_column_slice(&[1., 2., 3.].map(e));
    let t = Tensor::from(&sv);
    assert_eq!((t.shape(), t.dtype()), (&[3, 1][..], dtype));
    assert_eq!(SVector::<E, 3>::try_from(&t).unwrap(), sv);
    assert_eq!(SVector::<E, 3>::try_from(&t.reshape(&[3])).unwrap(), sv);
}

#[test]
fn f32_round_trips() {
    round_trips::<f32>(DType::F32);
}

#[test]
fn f64_round_trips() {
    round_trips::<f64>(DType::F64);
}

#[test]
fn conversions_out_of_a_tensor_convert_the_dtype() {
    let t = tensor![[0.5, 1.5]]; // F32
    let m: DMatrix<f64> = (&t).into();
    assert_eq!(m, DMatrix::from_row_slice(1, 2, &[0.5, 1.5]));
    let v: DVector<f32> = Tensor::from_vec(vec![0.25f64, 2.0], &[2]).into();
    assert_eq!(v.as_slice(), &[0.25f32, 2.0]);
}

#[test]
fn low_rank_tensors_become_columns() {
    // A 1-d tensor is a column, a 0-d one a 1x1 matrix.
    assert_eq!(DMatrix::<f64>::from(&tensor![1., 2.]).shape(), (2, 1));
    assert_eq!(DMatrix::<f64>::from(&Tensor::scalar(3.0))[(0, 0)], 3.0);
    assert_eq!(
        DMatrix::<f64>::from(&Tensor::zeros(&[0, 3])).shape(),
        (0, 3)
    );
}

#[test]
fn gradient_of_least_squares_matches_nalgebra() {
    // loss = ||A x - b||^2, d loss / dx = 2 A^T (A x - b), computed by nalgebra for reference.
    let a = DMatrix::from_row_slice(3, 2, &[1.0, 2.0, 0.5, -1.0, 3.0, 0.25]);
    let b = DVector::from_vec(vec![1.0, 0.0, -2.0]);
    let x = DVector::from_vec(vec![0.3, -0.7]);
    let expected = a.transpose() * (&a * &x - &b) * 2.0;

    let xt = Tensor::from(&x).requires_grad_(true);
    let r = Tensor::from(&a).matmul(&xt) - Tensor::from(&b);
    (&r * &r).sum().backward();
    let got: DVector<f64> = xt.grad().unwrap().into();
    assert!((got - expected).norm() < 1e-12);
}

#[test]
fn fixed_size_matrices_multiply_like_nalgebra() {
    let m = Matrix2x3::new(1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0);
    let v = Vector3::new(1.0f32, -1.0, 2.0);
    let product = Tensor::from(m).matmul(&Tensor::from(v));
    assert_eq!(product.shape(), &[2, 1]);
    let back = SVector::<f32, 2>::try_from(&product).unwrap();
    assert_eq!(back, m * v);
}

#[test]
fn wrong_element_count_is_an_error_naming_the_sizes() {
    let err = SMatrix::<f64, 2, 2>::try_from(&Tensor::ones(&[3])).unwrap_err();
    assert_eq!(
        err,
        "SMatrix::try_from: expected 4 elements (2x2), got shape [3]"
    );
}

#[test]
#[should_panic(
    expected = "DMatrix::from: expected a tensor of at most 2 dims, got shape [1, 2, 3]"
)]
fn three_dims_do_not_make_a_matrix() {
    let _ = DMatrix::<f32>::from(&Tensor::zeros(&[1, 2, 3]));
}
