//! `addmm` (`AddmmBackward0`), the fused op of `nn::Linear`, and the nodes `matmul` records on
//! the way to PyTorch's graphs (`SqueezeBackward4`, `ReshapeAliasBackward0`, `CloneBackward0`):
//! values and gradients against PyTorch 2.x, gradchecks in f64 (first and second order), node
//! chains, errors.

mod ops_support;

use autograd::nn::{Linear, Module};
use autograd::{no_grad, Tensor};
use ops_support::*;

/// An F64 constant (no grad).
fn constant(data: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape)
}

const M1: [f64; 4] = [1.0, 2.0, 3.0, 4.0];
const M2: [f64; 6] = [1.0, -1.0, 2.0, 0.5, 3.0, -2.0];
const G: [f64; 6] = [1.0, 2.0, 3.0, -1.0, 0.5, 2.0];

#[test]
fn addmm_known_values() {
    // b = torch.tensor([10., 20., 30.], requires_grad=True), m1 = [[1, 2], [3, 4]],
    // m2 = [[1, -1, 2], [0.5, 3, -2]] (both requiring grad); y = torch.addmm(b, m1, m2);
    // y.backward([[1, 2, 3], [-1, 0.5, 2]])
    let b = leaf(&[10.0, 20.0, 30.0], &[3]);
    let m1 = leaf(&M1, &[2, 2]);
    let m2 = leaf(&M2, &[2, 3]);
    let y = b.addmm(&m1, &m2);
    assert_eq!(y.shape(), &[2, 3]);
    assert_eq!(y.to_vec(), vec![12.0, 25.0, 28.0, 15.0, 29.0, 28.0]);
    assert_eq!(
        chain(&y),
        "AddmmBackward0(AccumulateGrad, AccumulateGrad, AccumulateGrad)"
    );
    y.backward_with(&constant(&G, &[2, 3]));
    // d/db = G summed over rows, d/dm1 = G m2^T, d/dm2 = m1^T G
    assert_eq!(b.grad().unwrap().to_vec(), vec![0.0, 2.5, 5.0]);
    assert_eq!(m1.grad().unwrap().to_vec(), vec![5.0, 0.5, 2.5, -3.0]);
    assert_eq!(
        m2.grad().unwrap().to_vec(),
        vec![-2.0, 3.5, 9.0, -2.0, 6.0, 14.0]
    );
}

#[test]
fn addmm_input_broadcasts_and_its_gradient_sums_back() {
    // torch.addmm(input, m1, m2) for inputs of shape [2, 1], [], [1, 3], [1] and [2, 3]
    // holding 1, 2, ...; the gradient of input is G summed to its shape.
    let cases: [(&[usize], [f64; 6], &[f64]); 5] = [
        (&[2, 1], [3.0, 6.0, -1.0, 7.0, 11.0, 0.0], &[6.0, 1.5]),
        (&[], [3.0, 6.0, -1.0, 6.0, 10.0, -1.0], &[7.5]),
        (&[1, 3], [3.0, 7.0, 1.0, 6.0, 11.0, 1.0], &[0.0, 2.5, 5.0]),
        (&[1], [3.0, 6.0, -1.0, 6.0, 10.0, -1.0], &[7.5]),
        (&[2, 3], [3.0, 7.0, 1.0, 9.0, 14.0, 4.0], &G),
    ];
    for (shape, values, grad) in cases {
        let n: usize = shape.iter().product();
        let data: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let input = leaf(&data, shape);
        let y = input.addmm(&constant(&M1, &[2, 2]), &constant(&M2, &[2, 3]));
        assert_eq!(y.to_vec(), values.to_vec(), "input shape {shape:?}");
        assert_eq!(chain(&y), "AddmmBackward0(AccumulateGrad, None, None)");
        y.backward_with(&constant(&G, &[2, 3]));
        let g = input.grad().unwrap();
        assert_eq!(g.shape(), shape);
        assert_eq!(g.to_vec(), grad.to_vec(), "input shape {shape:?}");
    }
}

#[test]
fn addmm_records_none_for_inputs_without_grad() {
    // torch.addmm(b, x, w) with only x requiring grad: AddmmBackward0(None, AccumulateGrad, None)
    let x = leaf(&M1, &[2, 2]);
    let y = constant(&[1.0, 2.0, 3.0], &[3]).addmm(&x, &constant(&M2, &[2, 3]));
    assert_eq!(chain(&y), "AddmmBackward0(None, AccumulateGrad, None)");
    y.sum().backward();
    // row sums of m2
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 1.5, 2.0, 1.5]);
    // nothing requires grad, or grad mode is off: no node
    let plain = constant(&[1.0], &[1]).addmm(&constant(&M1, &[2, 2]), &constant(&M2, &[2, 3]));
    assert!(plain.grad_fn().is_none());
    let off = no_grad(|| leaf(&[1.0], &[1]).addmm(&x, &constant(&M2, &[2, 3])));
    assert!(off.grad_fn().is_none() && !off.requires_grad());
}

#[test]
fn addmm_values_equal_mm_then_add() {
    let (b, m1, m2) = (
        sample(&[4], 0.1),
        sample(&[3, 5], 0.2),
        sample(&[5, 4], 0.3),
    );
    let fused = b.addmm(&m1, &m2).to_vec();
    assert_eq!(fused, m1.mm(&m2).add(&b).to_vec());
    // float32 too
    let f = Tensor::full(&[2], 0.5).addmm(&Tensor::ones(&[3, 4]), &Tensor::ones(&[4, 2]));
    assert_eq!(f.dtype(), autograd::DType::F32);
    assert_eq!(f.to_vec(), vec![4.5; 6]);
}

#[test]
fn addmm_gradcheck() {
    for shape in [&[4][..], &[3, 4], &[3, 1], &[1, 4], &[]] {
        let inputs = [
            sample(shape, 0.1),
            sample(&[3, 2], 0.4),
            sample(&[2, 4], 0.7),
        ];
        check(|v| v[0].addmm(&v[1], &v[2]), &inputs);
        check_second_order(|v| v[0].addmm(&v[1], &v[2]), &inputs);
    }
}

#[test]
fn addmm_backward_twice_without_saved_tensors() {
    // PyTorch saves each matrix only for the other's gradient: with only the input requiring
    // grad nothing is saved, and a second backward works (b.grad accumulates to [4, 4, 4]).
    let b = leaf(&[1.0, 2.0, 3.0], &[3]);
    let y = b.addmm(&constant(&M1, &[2, 2]), &constant(&M2, &[2, 3]));
    y.sum().backward();
    y.sum().backward();
    assert_eq!(b.grad().unwrap().to_vec(), vec![4.0, 4.0, 4.0]);
    // with a matrix requiring grad, the other is saved and freed by the first backward
    let m1 = leaf(&M1, &[2, 2]);
    let y = b.addmm(&m1, &constant(&M2, &[2, 3]));
    y.sum().backward();
    let err = y.sum().try_backward().unwrap_err();
    assert!(err.to_string().contains("a second time"), "{err}");
}

#[test]
#[should_panic(expected = "mat1 and mat2 shapes cannot be multiplied (4x3 and 2x2)")]
fn addmm_inner_size_mismatch_panics() {
    Tensor::ones(&[2]).addmm(&Tensor::ones(&[4, 3]), &Tensor::ones(&[2, 2]));
}

#[test]
#[should_panic(expected = "self must be a matrix, got 1-D tensor")]
fn addmm_vector_mat1_panics() {
    Tensor::ones(&[2]).addmm(&Tensor::ones(&[3]), &Tensor::ones(&[3, 2]));
}

#[test]
#[should_panic(
    expected = "The expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 1.  Target sizes: [4, 2].  Tensor sizes: [3]"
)]
fn addmm_input_not_broadcasting_panics() {
    Tensor::ones(&[3]).addmm(&Tensor::ones(&[4, 3]), &Tensor::ones(&[3, 2]));
}

#[test]
#[should_panic(expected = "self and mat2 must have the same dtype, but got Float and Double")]
fn addmm_dtype_mismatch_panics() {
    let m = |shape: &[usize]| Tensor::ones(shape).double();
    Tensor::ones(&[2]).addmm(&m(&[4, 3]), &m(&[3, 2]));
}

#[test]
fn linear_with_bias_is_one_addmm() {
    // torch.nn.functional.linear(x[2, 2, 2], w[3, 2], b[3]): UnsafeViewBackward0 over an addmm
    // of x viewed as [4, 2]
    let w = leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    let b = leaf(&[10.0, 20.0, 30.0], &[3]);
    let layer = Linear::from_tensors(w, Some(b));
    let x = leaf(&[1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, -1.0], &[2, 2, 2]);
    let y = layer.forward(&x);
    assert_eq!(y.shape(), &[2, 2, 3]);
    assert_eq!(
        y.to_vec(),
        vec![11.0, 23.0, 35.0, 12.0, 24.0, 36.0, 13.0, 27.0, 41.0, 10.0, 22.0, 34.0]
    );
    assert_eq!(
        chain(&y),
        "UnsafeViewBackward0(AddmmBackward0(AccumulateGrad, ViewBackward0(AccumulateGrad), TBackward0(AccumulateGrad)))"
    );
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), [9.0, 12.0].repeat(4));
    assert_eq!(
        layer.weight().grad().unwrap().to_vec(),
        [4.0, 1.0].repeat(3)
    );
    assert_eq!(layer.bias().unwrap().grad().unwrap().to_vec(), vec![4.0; 3]);
    // every input rank, first and second order
    for shape in [&[2][..], &[3, 2], &[2, 3, 2]] {
        let (w, b) = (sample(&[3, 2], 0.2), sample(&[3], 0.5));
        let f =
            |v: &[Tensor]| Linear::from_tensors(v[1].clone(), Some(v[2].clone())).forward(&v[0]);
        check(f, &[sample(shape, 0.8), w.clone(), b.clone()]);
        check_second_order(f, &[sample(shape, 0.8), w, b]);
    }
}

#[test]
fn vector_matrix_product_ends_in_an_in_place_squeeze() {
    // torch.tensor([1., 2.]) @ torch.tensor([[1., 2., 3.], [4., 5., 6.]]), both requiring grad
    let (v, m) = (
        leaf(&[1.0, 2.0], &[2]),
        leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]),
    );
    let y = v.matmul(&m);
    assert_eq!(y.to_vec(), vec![9.0, 12.0, 15.0]);
    assert_eq!(
        chain(&y),
        "SqueezeBackward4(MmBackward0(UnsqueezeBackward0(AccumulateGrad), AccumulateGrad))"
    );
    y.sum().backward();
    assert_eq!(v.grad().unwrap().to_vec(), vec![6.0, 15.0]);
    assert_eq!(
        m.grad().unwrap().to_vec(),
        vec![1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    );
    let inputs = [sample(&[3], 0.1), sample(&[3, 2], 0.3)];
    check(|t| t[0].matmul(&t[1]), &inputs);
    check_second_order(|t| t[0].matmul(&t[1]), &inputs);
}

#[test]
fn matrix_times_batch_folds_through_transposes_and_a_clone() {
    // a[2, 2] @ b[2, 2, 2], both requiring grad: (b^T a^T)^T with one mm, copied at the end
    let a = leaf(&M1, &[2, 2]);
    let b = leaf(&[1.0, 0.0, 2.0, 1.0, -1.0, 3.0, 0.5, 2.0], &[2, 2, 2]);
    let y = a.matmul(&b);
    assert_eq!(y.shape(), &[2, 2, 2]);
    assert_eq!(y.to_vec(), vec![5.0, 2.0, 11.0, 4.0, 0.0, 7.0, -1.0, 17.0]);
    assert_eq!(
        chain(&y),
        "CloneBackward0(TransposeBackward0(UnsafeViewBackward0(MmBackward0(UnsafeViewBackward0(CloneBackward0(TransposeBackward0(AccumulateGrad))), TBackward0(AccumulateGrad)))))"
    );
    y.sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![3.0, 5.5, 3.0, 5.5]);
    assert_eq!(b.grad().unwrap().to_vec(), [4.0, 4.0, 6.0, 6.0].repeat(2));
    let inputs = [sample(&[3, 2], 0.1), sample(&[2, 2, 4], 0.3)];
    check(|t| t[0].matmul(&t[1]), &inputs);
    check_second_order(|t| t[0].matmul(&t[1]), &inputs);
}

#[test]
fn vector_times_single_batch_folds_with_a_reshape_alias() {
    // v[2] @ b[1, 2, 3]: b^T [1, 3, 2] is not contiguous but views as [3, 2]
    let v = leaf(&[1.0, 2.0], &[2]);
    let b = leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[1, 2, 3]);
    let y = v.matmul(&b);
    assert_eq!(y.shape(), &[1, 3]);
    assert_eq!(y.to_vec(), vec![9.0, 12.0, 15.0]);
    assert_eq!(
        chain(&y),
        "UnsafeViewBackward0(MvBackward0(ReshapeAliasBackward0(TransposeBackward0(AccumulateGrad)), AccumulateGrad))"
    );
    y.sum().backward();
    assert_eq!(v.grad().unwrap().to_vec(), vec![6.0, 15.0]);
    assert_eq!(
        b.grad().unwrap().to_vec(),
        vec![1.0, 1.0, 1.0, 2.0, 2.0, 2.0]
    );
    let inputs = [sample(&[3], 0.1), sample(&[1, 3, 2], 0.3)];
    check(|t| t[0].matmul(&t[1]), &inputs);
    check_second_order(|t| t[0].matmul(&t[1]), &inputs);
}

#[test]
fn broadcast_batches_that_do_not_flatten_are_copied() {
    // a[2, 1, 1, 2] @ b[3, 2, 1]: each expanded operand is cloned before the bmm
    let a = leaf(&M1, &[2, 1, 1, 2]);
    let b = leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2, 1]);
    let y = a.matmul(&b);
    assert_eq!(y.shape(), &[2, 3, 1, 1]);
    assert_eq!(y.to_vec(), vec![5.0, 11.0, 17.0, 11.0, 25.0, 39.0]);
    assert_eq!(
        chain(&y),
        "UnsafeViewBackward0(BmmBackward0(UnsafeViewBackward0(CloneBackward0(ExpandBackward0(AccumulateGrad))), UnsafeViewBackward0(CloneBackward0(ExpandBackward0(AccumulateGrad)))))"
    );
    y.sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![9.0, 12.0, 9.0, 12.0]);
    assert_eq!(b.grad().unwrap().to_vec(), [4.0, 6.0].repeat(3));
    let inputs = [sample(&[2, 1, 2, 3], 0.1), sample(&[3, 3, 2], 0.3)];
    check(|t| t[0].matmul(&t[1]), &inputs);
    check_second_order(|t| t[0].matmul(&t[1]), &inputs);
}
