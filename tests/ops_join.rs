//! cat, stack, split, split_with_sizes and chunk: values, gradients, node names and errors.

mod ops_support;

use autograd::{tensor, DType, Tensor};
use ops_support::*;

/// `[[1, 2, 3], [4, 5, 6]]` as an F64 leaf.
fn two_by_three() -> Tensor {
    leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])
}

// ---- cat / stack --------------------------------------------------------------------------

#[test]
fn cat_known_values_and_gradients() {
    let a = leaf(&[1.0, 2.0], &[1, 2]);
    let b = leaf(&[3.0, 4.0, 5.0, 6.0], &[2, 2]);
    let y = Tensor::cat(&[&a, &b], 0);
    assert_eq!(y.shape(), &[3, 2]);
    assert_eq!(y.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(node(&y), "CatBackward0");
    (&y * &tensor![[1., 2.], [3., 4.], [5., 6.]].double())
        .sum()
        .backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![1.0, 2.0]);
    assert_eq!(b.grad().unwrap().to_vec(), vec![3.0, 4.0, 5.0, 6.0]);

    // along dim 1: [[1], [2]] ++ [[3, 4], [5, 6]] -> [[1, 3, 4], [2, 5, 6]]
    let c = Tensor::cat(&[&tensor![[1.], [2.]], &tensor![[3., 4.], [5., 6.]]], -1);
    assert_eq!(c.to_vec(), vec![1.0, 3.0, 4.0, 2.0, 5.0, 6.0]);
}

#[test]
fn cat_promotes_dtypes_and_returns_gradients_in_each_inputs_dtype() {
    let a = Tensor::ones(&[2]).requires_grad_(true);
    let b = leaf(&[2.0], &[1]);
    let y = Tensor::cat(&[&a, &b], 0);
    assert_eq!(y.dtype(), DType::F64);
    y.sum().backward();
    assert_eq!(a.grad().unwrap().dtype(), DType::F32);
    assert_eq!(b.grad().unwrap().dtype(), DType::F64);
}

#[test]
fn stack_known_values_and_gradients() {
    let a = leaf(&[1.0, 2.0], &[2]);
    let b = leaf(&[3.0, 4.0], &[2]);
    let y0 = Tensor::stack(&[&a, &b], 0);
    assert_eq!(y0.shape(), &[2, 2]);
    assert_eq!(y0.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    let y1 = Tensor::stack(&[&a, &b], -1);
    assert_eq!(y1.shape(), &[2, 2]);
    assert_eq!(y1.to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
    assert_eq!(node(&y1), "StackBackward0");
    // y1 = [[a0, b0], [a1, b1]] weighted by [[1, 2], [3, 4]]
    (&y1 * &tensor![[1., 2.], [3., 4.]].double())
        .sum()
        .backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![1.0, 3.0]);
    assert_eq!(b.grad().unwrap().to_vec(), vec![2.0, 4.0]);
}

#[test]
fn cat_and_stack_gradcheck() {
    let three = |shapes: [&[usize]; 3]| {
        [
            sample(shapes[0], 0.1),
            sample(shapes[1], 0.2),
            sample(shapes[2], 0.3),
        ]
    };
    check(
        |v| Tensor::cat(&[&v[0], &v[1], &v[2]], 0),
        &three([&[2], &[3], &[1]]),
    );
    check(
        |v| Tensor::cat(&[&v[0], &v[1], &v[2]], 1),
        &three([&[2, 1, 2], &[2, 3, 2], &[2, 2, 2]]),
    );
    for dim in [0, 1, 2] {
        check(
            |v| Tensor::stack(&[&v[0], &v[1], &v[2]], dim),
            &three([&[2, 3]; 3]),
        );
    }
    check(
        |v| Tensor::stack(&[&v[0], &v[1]], 0),
        &[sample(&[], 0.1), sample(&[], 0.9)],
    );
    check_second_order(
        |v| Tensor::cat(&[&v[0].pow(2.0), &(&v[0] * &v[1])], 0),
        &[sample(&[3], 0.1), sample(&[3], 0.7)],
    );
    check_second_order(
        |v| Tensor::stack(&[&v[0].pow(2.0), &(&v[0] * &v[1])], 1),
        &[sample(&[3], 0.1), sample(&[3], 0.7)],
    );
}

#[test]
#[should_panic(
    expected = "cat: Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for tensor number 1 in the list"
)]
fn cat_with_mismatched_sizes_panics() {
    Tensor::cat(&[&Tensor::ones(&[1, 2]), &Tensor::ones(&[1, 3])], 0);
}

#[test]
#[should_panic(expected = "cat: Tensors must have same number of dimensions: got 2 and 1")]
fn cat_with_different_ranks_panics() {
    Tensor::cat(&[&Tensor::ones(&[1, 2]), &Tensor::ones(&[2])], 0);
}

#[test]
#[should_panic(expected = "cat: zero-dimensional tensor (at position 1) cannot be concatenated")]
fn cat_of_a_scalar_panics() {
    Tensor::cat(&[&Tensor::ones(&[1]), &Tensor::scalar(1.0)], 0);
}

#[test]
#[should_panic(expected = "cat: torch.cat(): expected a non-empty list of Tensors")]
fn cat_of_nothing_panics() {
    Tensor::cat(&[], 0);
}

#[test]
#[should_panic(
    expected = "stack: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 2] at entry 1"
)]
fn stack_with_mismatched_shapes_panics() {
    Tensor::stack(&[&Tensor::ones(&[2, 3]), &Tensor::ones(&[2, 2])], 0);
}

#[test]
#[should_panic(
    expected = "stack: Dimension out of range (expected to be in range of [-3, 2], but got 3)"
)]
fn stack_dim_out_of_range_panics() {
    Tensor::stack(&[&Tensor::ones(&[2, 3])], 3);
}

// ---- split / chunk ------------------------------------------------------------------------

#[test]
fn split_records_one_node_for_all_pieces() {
    let x = leaf(&[0.0, 1.0, 2.0, 3.0, 4.0], &[5]);
    let parts = x.split(2, 0);
    let values: Vec<Vec<f64>> = parts.iter().map(Tensor::to_vec).collect();
    assert_eq!(values, vec![vec![0.0, 1.0], vec![2.0, 3.0], vec![4.0]]);
    let first = parts[0].grad_fn().unwrap();
    assert_eq!(first.name(), "SplitBackward0");
    assert!(parts.iter().all(|p| p.grad_fn().unwrap().ptr_eq(&first)));
    // Only the middle piece is used: the others' gradients count as zeros.
    (&parts[1] * 3.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.0, 3.0, 3.0, 0.0]);
}

#[test]
fn chunk_follows_pytorch_piece_sizes() {
    let sizes = |n: f64, chunks: usize| -> Vec<usize> {
        Tensor::arange(n)
            .chunk(chunks, 0)
            .iter()
            .map(Tensor::numel)
            .collect()
    };
    // torch.arange(6).chunk(4) -> 3 pieces of 2; torch.arange(5).chunk(3) -> [2, 2, 1]
    assert_eq!(sizes(6.0, 4), vec![2, 2, 2]);
    assert_eq!(sizes(5.0, 3), vec![2, 2, 1]);
    assert_eq!(sizes(2.0, 5), vec![1, 1]);
    let x = two_by_three();
    let parts = x.chunk(2, 1);
    assert_eq!(parts[0].to_vec(), vec![1.0, 2.0, 4.0, 5.0]);
    assert_eq!(parts[1].to_vec(), vec![3.0, 6.0]);
    assert_eq!(node(&parts[1]), "SplitBackward0");
}

#[test]
fn split_with_sizes_known_values() {
    let x = two_by_three();
    let parts = x.split_with_sizes(&[1, 2], 1);
    assert_eq!(parts[0].to_vec(), vec![1.0, 4.0]);
    assert_eq!(parts[1].to_vec(), vec![2.0, 3.0, 5.0, 6.0]);
    assert_eq!(node(&parts[0]), "SplitWithSizesBackward0");
}

#[test]
fn split_and_chunk_gradcheck() {
    // Weight each piece differently so a mix-up between pieces would show.
    let weighted = |parts: Vec<Tensor>| {
        let scaled: Vec<Tensor> = (parts.iter().enumerate())
            .map(|(i, p)| p.reshape(&[p.numel()]) * (i as f64 + 1.0))
            .collect();
        Tensor::cat(&scaled.iter().collect::<Vec<_>>(), 0)
    };
    check(|v| weighted(v[0].split(2, 0)), &[sample(&[5], 0.1)]);
    check(|v| weighted(v[0].split(1, 1)), &[sample(&[2, 3], 0.2)]);
    check(|v| weighted(v[0].chunk(2, 1)), &[sample(&[2, 3, 2], 0.3)]);
    check(
        |v| weighted(v[0].split_with_sizes(&[3, 0, 1], 0)),
        &[sample(&[4, 2], 0.4)],
    );
    // only one piece used: the unused pieces' gradients are zeros
    check(|v| v[0].split(2, 0)[1].clone(), &[sample(&[5], 0.5)]);
    check_second_order(
        |v| weighted(v[0].pow(2.0).split(2, 1)),
        &[sample(&[2, 3], 0.6)],
    );
}

#[test]
#[should_panic(
    expected = "split: split_size can only be 0 if dimension size is 0, but got dimension size of 4"
)]
fn split_with_size_zero_panics() {
    Tensor::ones(&[4]).split(0, 0);
}

#[test]
#[should_panic(expected = "chunk: chunk expects `chunks` to be greater than 0, got: 0")]
fn chunk_into_zero_pieces_panics() {
    Tensor::ones(&[4]).chunk(0, 0);
}

#[test]
#[should_panic(
    expected = "split_with_sizes: split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 0), but got split_sizes=[1, 1]"
)]
fn split_with_sizes_that_do_not_add_up_panics() {
    Tensor::ones(&[3]).split_with_sizes(&[1, 1], 0);
}
