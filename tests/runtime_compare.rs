//! Issue 2 part 3: comparisons and `all`/`any` give `Bool` tensors that never require grad.

mod runtime_support;

use autograd::{tensor, DType, Tensor};
use runtime_support::leaf;

#[test]
fn comparisons_with_a_tensor_rhs() {
    let a = tensor![1., 2., 3.];
    let b = tensor![3., 2., 1.];
    assert_eq!(a.eq(&b).to_vec(), vec![0., 1., 0.]);
    assert_eq!(a.ne(&b).to_vec(), vec![1., 0., 1.]);
    assert_eq!(a.gt(&b).to_vec(), vec![0., 0., 1.]);
    assert_eq!(a.lt(&b).to_vec(), vec![1., 0., 0.]);
    assert_eq!(a.ge(&b).to_vec(), vec![0., 1., 1.]);
    assert_eq!(a.le(&b).to_vec(), vec![1., 1., 0.]);
    // Owned right-hand side too.
    assert_eq!(a.eq(b.clone()).to_vec(), vec![0., 1., 0.]);
    assert_eq!(a.gt(&b).dtype(), DType::Bool);
}

#[test]
fn comparisons_with_a_scalar_rhs() {
    let x = tensor![-1., 0., 2.];
    assert_eq!(x.gt(0.0).to_vec(), vec![0., 0., 1.]);
    assert_eq!(x.ge(0.0).to_vec(), vec![0., 1., 1.]);
    assert_eq!(x.lt(0.0f32).to_vec(), vec![1., 0., 0.]);
    assert_eq!(x.le(0.0f32).to_vec(), vec![1., 1., 0.]);
    assert_eq!(x.eq(2.0).to_vec(), vec![0., 0., 1.]);
    assert_eq!(x.ne(2.0).to_vec(), vec![1., 1., 0.]);
    assert_eq!(x.gt(0.0).shape(), &[3]);
}

#[test]
fn comparisons_broadcast() {
    // [2,1] vs [3] -> [2,3]: row i compares a_i with every b_j
    let a = tensor![[1.], [2.]];
    let b = tensor![0., 1., 2.];
    let c = a.gt(&b);
    assert_eq!(c.shape(), &[2, 3]);
    assert_eq!(c.to_vec(), vec![1., 0., 0., 1., 1., 0.]);
    let s = Tensor::scalar(1.0);
    assert_eq!(s.le(&b).to_vec(), vec![0., 1., 1.]);
}

#[test]
fn comparisons_across_dtypes_compare_values() {
    let a = Tensor::from_vec(vec![0.5f64, 1.0], &[2]);
    let b = tensor![0.5, 2.];
    assert_eq!(a.eq(&b).to_vec(), vec![1., 0.]);
    assert_eq!(b.lt(&a).to_vec(), vec![0., 0.]);
}

#[test]
fn comparison_results_never_require_grad() {
    let x = leaf(&[1., -2.], &[2]);
    let y = &x * 2.0;
    for c in [
        x.gt(0.0),
        y.eq(&x),
        y.le(&y),
        x.ne(1.0),
        x.gt(0.0).all(),
        y.lt(0.0).any(),
    ] {
        assert!(!c.requires_grad());
        assert!(c.grad_fn().is_none() && c.is_leaf());
        assert_eq!(c.dtype(), DType::Bool);
    }
}

#[test]
fn all_and_any() {
    let t = tensor![1., 2.].gt(0.0);
    let mixed = tensor![1., -2.].gt(0.0);
    let none = tensor![-1., -2.].gt(0.0);
    for (mask, all, any) in [(t, 1., 1.), (mixed, 0., 1.), (none, 0., 0.)] {
        let (a, b) = (mask.all(), mask.any());
        assert_eq!((a.shape(), a.dtype()), (&[][..], DType::Bool));
        assert_eq!((a.item(), b.item()), (all, any));
    }
    // On float tensors: nonzero is true; empty tensors give all = true, any = false.
    assert_eq!(tensor![1., 0.].all().item(), 0.0);
    assert_eq!(tensor![0., 3.].any().item(), 1.0);
    assert_eq!(Tensor::zeros(&[0]).all().item(), 1.0);
    assert_eq!(Tensor::zeros(&[0]).any().item(), 0.0);
}

#[test]
fn detach_then_eq_all_as_in_the_tutorial() {
    let x = leaf(&[0.3, 0.7], &[2]);
    let y = x.detach();
    assert!(!y.requires_grad());
    assert_eq!(x.eq(&y).all().item(), 1.0);
    assert_eq!(x.eq(&y).all().to_string(), "tensor(True)");
}

#[test]
fn bool_masks_convert_to_float_for_arithmetic() {
    let x = tensor![-1., 0.5, 2.];
    let mask = x.gt(0.0).to_dtype(DType::F32);
    assert_eq!(mask.dtype(), DType::F32);
    assert_eq!((&x * &mask).to_vec(), vec![-0.0, 0.5, 2.0]);
}

#[test]
fn comparing_bool_tensors() {
    let a = tensor![1., 0.].gt(0.5);
    let b = tensor![1., 1.].gt(0.5);
    assert_eq!(a.eq(&b).to_vec(), vec![1., 0.]);
    assert_eq!(a.ne(&b).any().item(), 1.0);
}

#[test]
#[should_panic(expected = "gt: shapes [2] and [3] do not broadcast")]
fn comparison_shape_errors_name_the_op_and_shapes() {
    let _ = tensor![1., 2.].gt(tensor![1., 2., 3.]);
}

#[test]
#[should_panic(expected = "only Tensors of floating point dtype can require gradients")]
fn bool_tensors_cannot_require_grad() {
    let _ = tensor![1., 2.].gt(0.0).requires_grad_(true);
}
