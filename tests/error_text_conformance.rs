//! Panic messages carry PyTorch's own sentence for the same misuse, word for word (as raised by
//! PyTorch 2.x on CPU: ATen's `TORCH_CHECK` texts and `torch.nn.functional`'s), so a check for
//! PyTorch's text as a substring passes; around it they still name the op and the shapes.
//!
//! One test per message; each asserts the op name, the shapes where the message has them, and
//! PyTorch's sentence.

mod ops_support;

use autograd::{no_grad, Tensor};
use ops_support::panic_message;

/// The message `f` panics with (it must panic).
#[track_caller]
fn panic_text<R>(f: impl FnOnce() -> R) -> String {
    panic_message(|| {
        f();
    })
}

/// Asserts `f` panics with a message containing every one of `parts` (the op, the shapes and,
/// last, PyTorch's sentence).
#[track_caller]
fn assert_panics<R>(parts: &[&str], f: impl FnOnce() -> R) {
    let message = panic_text(f);
    for part in parts {
        assert!(message.contains(part), "message {message:?} lacks {part:?}");
    }
}

fn ones(shape: &[usize]) -> Tensor {
    Tensor::ones(shape)
}

fn bools(shape: &[usize]) -> Tensor {
    Tensor::ones(shape).gt(0.0)
}

// ---- elementwise broadcasting (ATen `infer_size`) ----

#[test]
fn add_of_shapes_that_do_not_broadcast() {
    assert_panics(
        &[
            "add",
            "[3]",
            "[2]",
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
        ],
        || ones(&[3]) + ones(&[2]),
    );
}

#[test]
fn broadcast_errors_number_the_dim_in_the_broadcast_shape() {
    let sentence =
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1";
    assert_panics(&["sub", "[2, 3]", "[4]", sentence], || {
        ones(&[2, 3]) - ones(&[4])
    });
    assert_panics(&["mul", "[2, 3]", "[4]", sentence], || {
        ones(&[2, 3]) * ones(&[4])
    });
    assert_panics(&["div", "[2, 3]", "[4]", sentence], || {
        ones(&[2, 3]) / ones(&[4])
    });
    // The first mismatch from the right wins.
    assert_panics(
        &[
            "add",
            "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 2",
        ],
        || ones(&[2, 4, 3]) + ones(&[7, 1, 5]),
    );
}

#[test]
fn comparisons_of_shapes_that_do_not_broadcast() {
    assert_panics(
        &[
            "gt",
            "[2]",
            "[3]",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
        ],
        || ones(&[2]).gt(ones(&[3])),
    );
}

#[test]
fn maximum_and_minimum_of_shapes_that_do_not_broadcast() {
    let sentence =
        "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1";
    assert_panics(&["maximum", "[2, 3]", "[2]", sentence], || {
        ones(&[2, 3]).maximum(&ones(&[2]))
    });
    assert_panics(&["minimum", "[2, 3]", "[2]", sentence], || {
        ones(&[2, 3]).minimum(&ones(&[2]))
    });
}

#[test]
fn where_broadcasts_condition_with_x_then_with_y() {
    assert_panics(
        &[
            "where",
            "[2]",
            "[3]",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
        ],
        || Tensor::where_cond(&bools(&[2]), &ones(&[3]), &ones(&[3])),
    );
    // condition [2, 1] with x [3] is [2, 3], which then meets y [4].
    assert_panics(
        &[
            "where",
            "[2, 1]",
            "[4]",
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
        ],
        || Tensor::where_cond(&bools(&[2, 1]), &ones(&[3]), &ones(&[4])),
    );
}

#[test]
fn where_with_a_float_condition() {
    assert_panics(
        &[
            "where",
            "[2]",
            "where expected condition to be a boolean tensor, but got a tensor with dtype Float",
        ],
        || Tensor::where_cond(&ones(&[2]), &ones(&[2]), &ones(&[2])),
    );
    assert_panics(&["but got a tensor with dtype Double"], || {
        Tensor::where_cond(&ones(&[2]).double(), &ones(&[2]), &ones(&[2]))
    });
}

#[test]
fn masked_fill_with_a_float_mask() {
    assert_panics(
        &[
            "masked_fill",
            "[2]",
            "masked_fill_ only supports boolean masks, but got mask with dtype float",
        ],
        || ones(&[2]).masked_fill(&ones(&[2]), 0.0),
    );
    assert_panics(&["but got mask with dtype double"], || {
        ones(&[2]).masked_fill(&ones(&[2]).double(), 0.0)
    });
}

#[test]
fn masked_fill_broadcasts_the_mask_first() {
    assert_panics(
        &[
            "masked_fill",
            "[2, 3]",
            "[4]",
            "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1",
        ],
        || ones(&[2, 3]).masked_fill(&bools(&[4]), 0.0),
    );
}

#[test]
fn sub_of_bool_tensors() {
    assert_panics(
        &[
            "sub",
            "torch.bool [2]",
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.",
        ],
        || ones(&[2]) - bools(&[2]),
    );
    assert_panics(
        &[
            "sub",
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.",
        ],
        || bools(&[2]) - bools(&[2]),
    );
}

#[test]
fn bool_operands_that_do_not_broadcast_either() {
    // PyTorch promotes the bool operand, so what it refuses is the shapes.
    assert_panics(
        &[
            "add",
            "torch.bool [3]",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
        ],
        || ones(&[2]) + bools(&[3]),
    );
}

#[test]
fn mse_loss_of_shapes_that_do_not_broadcast() {
    assert_panics(
        &[
            "mse_loss",
            "[2, 3]",
            "[2]",
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
        ],
        || ones(&[2, 3]).mse_loss(&ones(&[2])),
    );
}

#[test]
fn in_place_ops_keep_self_s_shape() {
    assert_panics(
        &[
            "add_",
            "output with shape [2] doesn't match the broadcast shape [2, 2]",
        ],
        || no_grad(|| ones(&[2]).add_(ones(&[2, 2])).clone()),
    );
    assert_panics(
        &[
            "mul_",
            "[3]",
            "[2]",
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
        ],
        || no_grad(|| ones(&[3]).mul_(ones(&[2])).clone()),
    );
}

#[test]
fn copy_of_a_source_that_does_not_broadcast_to_self() {
    assert_panics(
        &[
            "copy_",
            "[3]",
            "[2]",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
        ],
        || ones(&[2]).copy_(&ones(&[3])).clone(),
    );
    assert_panics(
        &[
            "copy_",
            "output with shape [2] doesn't match the broadcast shape [3, 2]",
        ],
        || ones(&[2]).copy_(&ones(&[3, 2])).clone(),
    );
    let leaf = ones(&[2]).requires_grad_(true);
    assert_panics(
        &[
            "copy_",
            "a leaf Variable that requires grad is being used in an in-place operation.",
        ],
        || leaf.copy_(&ones(&[3])).clone(),
    );
}

// ---- matrix products ----

#[test]
fn mm_and_matmul_of_matrices() {
    let sentence = "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)";
    assert_panics(&["matmul", sentence], || {
        ones(&[2, 3]).matmul(&ones(&[4, 5]))
    });
    assert_panics(&[sentence], || ones(&[2, 3]).mm(&ones(&[4, 5])));
    // A vector times a matrix is a 1-row matrix product.
    assert_panics(
        &["mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)"],
        || ones(&[3]).matmul(&ones(&[4, 5])),
    );
}

#[test]
fn matmul_of_a_batch_and_a_matrix_folds_the_batch() {
    assert_panics(
        &[
            "matmul",
            "[2, 2, 3]",
            "[4, 5]",
            "mat1 and mat2 shapes cannot be multiplied (4x3 and 4x5)",
        ],
        || ones(&[2, 2, 3]).matmul(&ones(&[4, 5])),
    );
    assert_panics(
        &[
            "matmul",
            "[2, 3, 4]",
            "[5]",
            "size mismatch, got input (6), mat (6x4), vec (5)",
        ],
        || ones(&[2, 3, 4]).matmul(&ones(&[5])),
    );
}

#[test]
fn matmul_of_batches_with_mismatched_inner_sizes() {
    assert_panics(
        &[
            "matmul",
            "[2, 3, 4]",
            "[2, 5, 6]",
            "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5].",
        ],
        || ones(&[2, 3, 4]).matmul(&ones(&[2, 5, 6])),
    );
}

#[test]
fn matmul_of_batches_that_do_not_broadcast() {
    assert_panics(
        &[
            "matmul",
            "[2, 3, 4]",
            "[3, 4, 5]",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
        ],
        || ones(&[2, 3, 4]).matmul(&ones(&[3, 4, 5])),
    );
    // The batch dims are checked before the inner sizes.
    assert_panics(
        &["The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"],
        || ones(&[2, 3, 4]).matmul(&ones(&[3, 7, 5])),
    );
}

#[test]
fn matmul_of_a_small_operand_and_a_batch_depends_on_requires_grad() {
    // PyTorch folds the batch into one mm/mv when the smaller operand requires grad, and runs
    // a bmm otherwise; the message follows the kernel that fails.
    assert_panics(
        &["Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 3]."],
        || ones(&[4]).matmul(&ones(&[2, 3, 5])),
    );
    let v = ones(&[4]).requires_grad_(true);
    assert_panics(
        &["size mismatch, got input (10), mat (10x3), vec (4)"],
        || v.matmul(&ones(&[2, 3, 5])),
    );
    assert_panics(
        &["Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 3]."],
        || ones(&[2, 4]).matmul(&ones(&[2, 3, 5])),
    );
    let m = ones(&[2, 4]).requires_grad_(true);
    assert_panics(
        &["mat1 and mat2 shapes cannot be multiplied (10x3 and 4x2)"],
        || m.matmul(&ones(&[2, 3, 5])),
    );
}

#[test]
fn matmul_of_mixed_dtypes() {
    assert_panics(
        &[
            "matmul",
            "torch.float32 [2, 2]",
            "torch.float64 [2, 2]",
            "expected m1 and m2 to have the same dtype, but got: float != double",
        ],
        || ones(&[2, 2]).matmul(&ones(&[2, 2]).double()),
    );
    assert_panics(
        &["dot : expected both vectors to have same dtype, but found Float and Double"],
        || ones(&[2]).matmul(&ones(&[2]).double()),
    );
    // Shapes first where PyTorch checks them first.
    assert_panics(
        &["mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"],
        || ones(&[2, 3]).matmul(&ones(&[4, 5]).double()),
    );
    assert_panics(
        &["both arguments to matmul need to be at least 1D, but they are 0D and 2D"],
        || Tensor::scalar(1.0).matmul(&ones(&[2, 2]).double()),
    );
}

#[test]
fn dot_of_vectors_of_different_lengths() {
    assert_panics(
        &[
            "dot",
            "[3]",
            "[4]",
            "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively",
        ],
        || ones(&[3]).dot(&ones(&[4])),
    );
    assert_panics(
        &["dot", "1D tensors expected, but got 2D and 1D tensors"],
        || ones(&[2, 2]).dot(&ones(&[2])),
    );
    assert_panics(
        &["dot : expected both vectors to have same dtype, but found Float and Double"],
        || ones(&[3]).dot(&ones(&[3]).double()),
    );
}

#[test]
fn mv_of_operands_that_are_not_a_matrix_and_a_vector() {
    assert_panics(
        &[
            "mv",
            "2x3",
            "size mismatch, got input (2), mat (2x3), vec (4)",
        ],
        || ones(&[2, 3]).mv(&ones(&[4])),
    );
    assert_panics(
        &[
            "mv",
            "[2, 3, 4]",
            "vector + matrix @ vector expected, got 1, 3, 1",
        ],
        || ones(&[2, 3, 4]).mv(&ones(&[4])),
    );
    assert_panics(
        &[
            "mv",
            "Dimension specified as 0 but tensor has no dimensions",
        ],
        || Tensor::scalar(1.0).mv(&ones(&[4])),
    );
}

#[test]
fn mm_of_operands_that_are_not_matrices() {
    assert_panics(&["mm", "[3]", "self must be a matrix"], || {
        ones(&[3]).mm(&ones(&[3, 2]))
    });
    assert_panics(&["mm", "[3, 2, 1]", "mat2 must be a matrix"], || {
        ones(&[2, 3]).mm(&ones(&[3, 2, 1]))
    });
    assert_panics(
        &[
            "[2, 2]",
            "expected m1 and m2 to have the same dtype, but got: float != double",
        ],
        || ones(&[2, 2]).mm(&ones(&[2, 2]).double()),
    );
}

#[test]
fn bmm_of_mismatched_batches() {
    assert_panics(
        &[
            "bmm",
            "[2, 3, 4]",
            "[3, 4, 5]",
            "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4].",
        ],
        || ones(&[2, 3, 4]).bmm(&ones(&[3, 4, 5])),
    );
    assert_panics(&["bmm", "[3, 4]", "batch1 must be a 3D tensor"], || {
        ones(&[3, 4]).bmm(&ones(&[1, 4, 5]))
    });
    assert_panics(&["bmm", "[4, 5]", "batch2 must be a 3D tensor"], || {
        ones(&[1, 3, 4]).bmm(&ones(&[4, 5]))
    });
}

// ---- shapes ----

#[test]
fn reshape_and_view_to_another_element_count() {
    assert_panics(
        &[
            "reshape",
            "[2, 3]",
            "shape '[4]' is invalid for input of size 6",
        ],
        || ones(&[2, 3]).reshape(&[4]),
    );
    assert_panics(&["shape '[2, 3]' is invalid for input of size 4"], || {
        ones(&[4]).view(&[2, 3])
    });
}

#[test]
fn t_of_more_than_two_dims() {
    assert_panics(
        &[
            "t",
            "[1, 2, 3]",
            "t() expects a tensor with <= 2 dimensions, but self is 3D",
        ],
        || ones(&[1, 2, 3]).t(),
    );
}

#[test]
fn expand_to_a_shape_that_is_not_a_broadcast() {
    assert_panics(
        &[
            "expand",
            "The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 1.  Target sizes: [3, 4].  Tensor sizes: [2]",
        ],
        || ones(&[2]).expand(&[3, 4]),
    );
    assert_panics(
        &[
            "expand",
            "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)",
        ],
        || ones(&[2, 3]).expand(&[3]),
    );
    assert_panics(&["expand(torch.DoubleTensor{[2, 3]}, size=[3])"], || {
        ones(&[2, 3]).double().broadcast_to(&[3])
    });
}

#[test]
fn dims_out_of_range() {
    let sentence = "Dimension out of range (expected to be in range of [-2, 1], but got 2)";
    assert_panics(&["softmax", sentence], || ones(&[2, 3]).softmax(2));
    assert_panics(&["transpose", sentence], || ones(&[2, 3]).transpose(0, 2));
    assert_panics(&["sum_dim", sentence], || ones(&[2, 3]).sum_dim(2, false));
}

// ---- joining and cutting ----

#[test]
fn cat_of_sizes_that_differ_outside_the_dim() {
    assert_panics(
        &[
            "cat",
            "[2, 2]",
            "[3, 2]",
            "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.",
        ],
        || Tensor::cat(&[&ones(&[2, 2]), &ones(&[3, 2])], 1),
    );
    assert_panics(
        &[
            "cat",
            "Tensors must have same number of dimensions: got 2 and 1",
        ],
        || Tensor::cat(&[&ones(&[1, 2]), &ones(&[2])], 0),
    );
}

#[test]
fn stack_of_shapes_that_differ() {
    assert_panics(
        &[
            "stack",
            "stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 2] at entry 1",
        ],
        || Tensor::stack(&[&ones(&[2, 3]), &ones(&[2, 2])], 0),
    );
    // Along a new last dim PyTorch concatenates the tensors unsqueezed there.
    assert_panics(
        &[
            "stack",
            "[2]",
            "[3]",
            "Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.",
        ],
        || Tensor::stack(&[&ones(&[2]), &ones(&[3])], -1),
    );
    // The dim is checked before the shapes.
    assert_panics(
        &[
            "stack",
            "Dimension out of range (expected to be in range of [-2, 1], but got 2)",
        ],
        || Tensor::stack(&[&ones(&[2]), &ones(&[3])], 2),
    );
}

#[test]
fn chunk_checks_the_tensor_before_the_count() {
    assert_panics(
        &["chunk", "chunk expects at least a 1-dimensional tensor"],
        || Tensor::scalar(1.0).chunk(0, 0),
    );
    assert_panics(
        &[
            "chunk",
            "chunk expects `chunks` to be greater than 0, got: 0",
        ],
        || ones(&[4]).chunk(0, 0),
    );
}

// ---- picking elements ----

#[test]
fn narrow_past_the_end() {
    assert_panics(
        &[
            "narrow",
            "[2, 3]",
            "start (2) + length (2) exceeds dimension size (3).",
        ],
        || ones(&[2, 3]).narrow(1, 2, 2),
    );
    assert_panics(
        &[
            "narrow",
            "start out of range (expected to be in range of [-3, 3], but got 5)",
        ],
        || ones(&[2, 3]).narrow(1, 5, 0),
    );
}

#[test]
fn slice_with_step_zero() {
    assert_panics(&["slice", "[3]", "slice step must be positive"], || {
        ones(&[3]).slice(0, 0, 3, 0)
    });
    assert_panics(
        &[
            "slice",
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ],
        || ones(&[3]).slice(1, 0, 3, 0),
    );
}

#[test]
fn index_select_out_of_range() {
    assert_panics(
        &["index_select", "[3]", "index out of range in self"],
        || ones(&[3]).index_select(0, &[0, 3]),
    );
    assert_panics(
        &["index_select", "[3, 2]", "index out of range in self"],
        || ones(&[3, 2]).index_select(0, &[0, 3]),
    );
    // PyTorch's CPU fast path for dim 1.
    assert_panics(
        &[
            "index_select",
            "[2, 3]",
            "INDICES element is out of DATA bounds, id=3 axis_dim=3",
        ],
        || ones(&[2, 3]).index_select(1, &[0, 3]),
    );
}

#[test]
fn index_select_of_a_scalar_with_several_indices() {
    let sentence = "index_select(): Index to scalar can have only 1 value, got 2 value(s)";
    assert_panics(&[sentence], || Tensor::scalar(1.0).index_select(0, &[0, 0]));
    assert_panics(&[sentence], || Tensor::scalar(1.0).index_select(0, &[5, 0]));
}

#[test]
fn gather_with_an_index_larger_than_the_input() {
    assert_panics(
        &[
            "gather",
            "Size does not match at dimension 0 expected index [3, 1] to be no larger than self [2, 2] apart from dimension 1",
        ],
        || ones(&[2, 2]).gather(1, &[0, 0, 0], &[3, 1]),
    );
    assert_panics(
        &[
            "gather",
            "[2, 2]",
            "index 2 is out of bounds for dimension 1 with size 2",
        ],
        || ones(&[2, 2]).gather(1, &[0, 2], &[2, 1]),
    );
}

#[test]
fn max_over_an_empty_dim() {
    assert_panics(
        &[
            "[2, 0]",
            "max(): Expected reduction dim 1 to have non-zero size.",
        ],
        || ones(&[2, 0]).max_dim(1, false),
    );
    assert_panics(
        &[
            "[0]",
            "min(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.",
        ],
        || ones(&[0]).min(),
    );
}

// ---- losses and dropout ----

#[test]
fn nll_loss_and_cross_entropy_batch_mismatch() {
    let sentence = "Expected input batch_size (2) to match target batch_size (3).";
    assert_panics(&["nll_loss", "[2, 3]", sentence], || {
        ones(&[2, 3]).nll_loss(&[0, 1, 2])
    });
    assert_panics(&["cross_entropy", "[2, 3]", sentence], || {
        ones(&[2, 3]).cross_entropy(&[0, 1, 2])
    });
}

#[test]
fn nll_loss_target_out_of_bounds() {
    assert_panics(
        &["cross_entropy", "[2, 3]", "Target 5 is out of bounds."],
        || ones(&[2, 3]).cross_entropy(&[0, 5]),
    );
    assert_panics(&["nll_loss", "Target 3 is out of bounds."], || {
        ones(&[2, 3]).nll_loss(&[3, 0])
    });
}

#[test]
fn class_scores_of_other_ranks() {
    assert_panics(
        &[
            "cross_entropy",
            "[2, 3, 4]",
            "Expected target size [2, 4], got [2]",
        ],
        || ones(&[2, 3, 4]).cross_entropy(&[0, 1]),
    );
    assert_panics(
        &[
            "nll_loss",
            "[2, 3, 4]",
            "Expected input batch_size (2) to match target batch_size (1).",
        ],
        || ones(&[2, 3, 4]).nll_loss(&[0]),
    );
    assert_panics(
        &[
            "nll_loss",
            "only batches of spatial targets supported (3D tensors) but got targets of dimension: 1",
        ],
        || ones(&[1, 3, 2, 2]).nll_loss(&[0]),
    );
    assert_panics(
        &["nll_loss", "Expected 1 or more dimensions (got 0)"],
        || Tensor::scalar(1.0).nll_loss(&[0]),
    );
    // cross_entropy takes log_softmax over dim 1 first.
    assert_panics(
        &[
            "cross_entropy",
            "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
        ],
        || Tensor::scalar(1.0).cross_entropy(&[0]),
    );
}

#[test]
fn dropout_probability_out_of_range() {
    assert_panics(
        &[
            "dropout",
            "dropout probability has to be between 0 and 1, but got 2.0",
        ],
        || ones(&[2]).dropout(2.0, true),
    );
    assert_panics(
        &["dropout probability has to be between 0 and 1, but got -0.5"],
        || ones(&[2]).dropout(-0.5, true),
    );
}

#[test]
fn products_of_bool_tensors_name_pytorchs_cpu_kernel() {
    // torch 2.15: `"<kernel>" not implemented for 'Bool'` from the kernel each call reaches.
    let b = |shape: &[usize]| Tensor::ones(shape).gt(0.0);
    let cases: [(&[usize], &[usize], &str); 4] = [
        (&[3], &[3], "\"dot\" not implemented for 'Bool'"),
        (
            &[2, 3],
            &[3],
            "\"addmv_impl_cpu\" not implemented for 'Bool'",
        ),
        (
            &[2, 3],
            &[3, 2],
            "\"addmm_impl_cpu_\" not implemented for 'Bool'",
        ),
        (&[2, 2, 3], &[2, 3, 2], "\"bmm\" not implemented for 'Bool'"),
    ];
    for (x, y, sentence) in cases {
        let (x, y) = (b(x), b(y));
        let message = panic_text(|| x.matmul(&y));
        assert!(message.contains(sentence), "{message}");
    }
    let m = b(&[2, 2]);
    let message = panic_text(|| m.mm(&m));
    assert!(
        message.contains("mm: expected floating point operands")
            && message.contains("\"addmm_impl_cpu_\" not implemented for 'Bool'"),
        "{message}"
    );
}
