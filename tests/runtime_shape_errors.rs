//! Issue 2 part 7: shape errors in operators panic with a message naming the op and the
//! shapes involved (as ndarray and nalgebra do), never with a bare index panic.

mod runtime_support;

use autograd::{tensor, Tensor};
use runtime_support::panic_message;

#[test]
#[should_panic(expected = "add: shapes [2, 3] and [4] do not broadcast")]
fn add_of_shapes_that_do_not_broadcast() {
    let _ = Tensor::ones(&[2, 3]) + Tensor::ones(&[4]);
}

#[test]
fn every_binary_op_names_itself_in_broadcast_errors() {
    let (a, b) = (Tensor::ones(&[2, 3]), Tensor::ones(&[3, 2]));
    for (op, msg) in [
        ("sub", panic_message(|| &a - &b)),
        ("mul", panic_message(|| &a * &b)),
        ("div", panic_message(|| &a / &b)),
        ("eq", panic_message(|| a.eq(&b))),
    ] {
        assert!(
            msg.starts_with(&format!("{op}: shapes [2, 3] and [3, 2] do not broadcast")),
            "{msg}"
        );
    }
}

#[test]
#[should_panic(expected = "matmul: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)")]
fn matmul_with_mismatched_inner_sizes() {
    let _ = Tensor::ones(&[2, 3]).matmul(&Tensor::ones(&[4, 5]));
}

#[test]
#[should_panic(expected = "the inner sizes 3 and 4 must match")]
fn matrix_vector_with_mismatched_inner_sizes() {
    let _ = Tensor::ones(&[2, 3]).matmul(&Tensor::ones(&[4]));
}

#[test]
#[should_panic(expected = "shapes [3] and [4]")]
fn vector_vector_of_different_lengths() {
    let _ = Tensor::ones(&[3]).matmul(&Tensor::ones(&[4]));
}

#[test]
fn matmul_of_a_zero_dim_tensor() {
    let msg = panic_message(|| Tensor::scalar(2.0).matmul(&Tensor::ones(&[2])));
    assert!(msg.starts_with("matmul: both arguments"), "{msg}");
    assert!(msg.contains("[] and [2]"), "{msg}");
}

#[test]
#[should_panic(expected = "matmul: expected both operands to have the same floating dtype")]
fn matmul_of_mixed_dtypes() {
    let _ = Tensor::ones(&[2, 2]).matmul(&Tensor::ones(&[2, 2]).double());
}

#[test]
#[should_panic(
    expected = "reshape: shape '[4]' is invalid for input of size 6 (input shape [2, 3])"
)]
fn reshape_to_a_different_element_count() {
    let _ = Tensor::ones(&[2, 3]).reshape(&[4]);
}

#[test]
#[should_panic(
    expected = "sum_dim: Dimension out of range (expected to be in range of [-2, 1], but got 2)"
)]
fn sum_dim_out_of_range() {
    let _ = Tensor::ones(&[2, 3]).sum_dim(2, false);
}

#[test]
fn every_dim_taking_op_names_itself_when_the_dim_is_out_of_range() {
    let x = Tensor::ones(&[2, 3]);
    for (op, msg) in [
        ("mean_dim", panic_message(|| x.mean_dim(-3, true))),
        ("transpose", panic_message(|| x.transpose(0, 5))),
        ("unsqueeze", panic_message(|| x.unsqueeze(4))),
        ("squeeze", panic_message(|| x.squeeze(-3))),
    ] {
        assert!(
            msg.starts_with(&format!("{op}: Dimension out of range")),
            "{msg}"
        );
    }
    // unsqueeze accepts one more position than the rank: [-3, 2] for a 2-d tensor.
    let msg = panic_message(|| x.unsqueeze(3));
    assert!(msg.contains("[-3, 2], but got 3"), "{msg}");
    assert_eq!(x.unsqueeze(2).shape(), &[2, 3, 1]);
    assert_eq!(x.unsqueeze(-3).shape(), &[1, 2, 3]);
}

#[test]
#[should_panic(
    expected = "expand: the expanded size [3, 4] must match the existing size [2] at each non-singleton dimension"
)]
fn expand_to_an_incompatible_shape() {
    let _ = Tensor::ones(&[2]).expand(&[3, 4]);
}

#[test]
#[should_panic(
    expected = "t: t() expects a tensor with <= 2 dimensions, but self is 3D (shape [1, 2, 3])"
)]
fn t_of_a_3d_tensor() {
    let _ = Tensor::ones(&[1, 2, 3]).t();
}

#[test]
#[should_panic(expected = "sum_to_size: size {[4]} is not expandable to size {[2, 3]}.")]
fn sum_to_size_of_an_incompatible_shape() {
    let _ = Tensor::ones(&[2, 3]).sum_to_size(&[4]);
}

#[test]
fn float_ops_on_bool_tensors_name_the_op() {
    let mask = tensor![1., 0.].gt(0.5);
    let msg = panic_message(|| mask.exp());
    assert!(
        msg.starts_with("exp: expected a floating point tensor but got dtype torch.bool"),
        "{msg}"
    );
    let msg = panic_message(|| &mask + &tensor![1., 2.]);
    assert!(
        msg.starts_with("add: expected floating point operands"),
        "{msg}"
    );
    assert!(msg.contains("torch.bool [2]"), "{msg}");
    let msg = panic_message(|| mask.sum());
    assert!(msg.starts_with("sum:"), "{msg}");
}

#[test]
fn shape_errors_leave_no_partial_graph() {
    let start = tensor![1., 2.].requires_grad_(true);
    let msg = panic_message(|| (&start * 2.0).reshape(&[3]));
    assert!(msg.starts_with("reshape:"));
    // The tensor is still usable afterwards.
    (&start * 2.0).sum().backward();
    assert_eq!(start.grad().unwrap().to_vec(), vec![2., 2.]);
}
