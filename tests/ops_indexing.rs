//! narrow, slice, select, index_select and gather: values, gradients, node names and errors.

mod ops_support;

use autograd::{tensor, Tensor};
use ops_support::*;

/// `[[1, 2, 3], [4, 5, 6]]` as an F64 leaf.
fn two_by_three() -> Tensor {
    leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])
}

// ---- narrow / slice -----------------------------------------------------------------------

#[test]
fn narrow_known_values_and_gradient() {
    let x = two_by_three();
    let y = x.narrow(1, 1, 2);
    assert_eq!(y.shape(), &[2, 2]);
    assert_eq!(y.to_vec(), vec![2.0, 3.0, 5.0, 6.0]);
    // PyTorch's narrow is a slice: SliceBackward0
    assert_eq!(node(&y), "SliceBackward0");
    y.sum().backward();
    assert_eq!(
        x.grad().unwrap().to_vec(),
        vec![0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
    );
}

#[test]
fn slice_follows_python_slicing() {
    let x = Tensor::arange(6.0);
    // x[1::2], x[-2:], x[4:2] (empty), x[:100]
    assert_eq!(x.slice(0, 1, isize::MAX, 2).to_vec(), vec![1.0, 3.0, 5.0]);
    assert_eq!(x.slice(0, -2, isize::MAX, 1).to_vec(), vec![4.0, 5.0]);
    assert_eq!(x.slice(0, 4, 2, 1).shape(), &[0]);
    assert_eq!(x.slice(0, -100, 100, 1).numel(), 6);
}

#[test]
fn slice_gradient_lands_on_the_picked_positions() {
    // x[:, ::2] of a 2x3: columns 0 and 2
    let x = two_by_three();
    let y = x.slice(-1, 0, isize::MAX, 2);
    assert_eq!(y.to_vec(), vec![1.0, 3.0, 4.0, 6.0]);
    assert_eq!(node(&y), "SliceBackward0");
    (&y * &tensor![[1., 2.], [3., 4.]].double())
        .sum()
        .backward();
    assert_eq!(
        x.grad().unwrap().to_vec(),
        vec![1.0, 0.0, 2.0, 3.0, 0.0, 4.0]
    );
}

#[test]
fn narrow_and_slice_gradcheck() {
    check(|v| v[0].narrow(0, 1, 2), &[sample(&[4], 0.1)]);
    check(|v| v[0].narrow(1, 0, 2), &[sample(&[2, 3, 2], 0.2)]);
    check(|v| v[0].narrow(-1, 1, 1), &[sample(&[3, 2], 0.3)]);
    check(|v| v[0].slice(1, 1, isize::MAX, 2), &[sample(&[2, 5], 0.4)]);
    check(|v| v[0].slice(0, -3, -1, 1), &[sample(&[4, 2], 0.5)]);
    check_second_order(|v| v[0].narrow(1, 1, 2).pow(3.0), &[sample(&[2, 3], 0.6)]);
}

#[test]
#[should_panic(
    expected = "narrow: start (2) + length (2) exceeds dimension size (3). (dim 1 of shape [2, 3]"
)]
fn narrow_past_the_end_panics() {
    Tensor::ones(&[2, 3]).narrow(1, 2, 2);
}

#[test]
#[should_panic(expected = "slice: slice step must be positive")]
fn slice_with_step_zero_panics() {
    Tensor::ones(&[3]).slice(0, 0, 3, 0);
}

#[test]
#[should_panic(
    expected = "narrow: Dimension out of range (expected to be in range of [-2, 1], but got 2)"
)]
fn narrow_dim_out_of_range_panics() {
    Tensor::ones(&[2, 3]).narrow(2, 0, 1);
}

// ---- select ---------------------------------------------------------------------------------

#[test]
fn select_known_values_gradient_and_nodes() {
    // torch 2.15: x = arange(6.).reshape(2, 3) (float64, requires grad); y = x.select(1, 2)
    // -> tensor([2., 5.], grad_fn=<SelectBackward0>); grad((y * y).sum(), x,
    // create_graph=True) -> [[0, 0, 4], [0, 0, 10]], grad_fn=<SelectBackwardBackward0>
    // with next_functions ((AddBackward0, 0),); its own gradient is [[0, 0, 2], [0, 0, 2]]
    let x = leaf(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], &[2, 3]);
    let y = x.select(1, 2);
    assert_eq!(y.shape(), &[2]);
    assert_eq!(y.to_vec(), vec![2.0, 5.0]);
    assert_eq!(chain(&y), "SelectBackward0(AccumulateGrad)");
    let g = autograd::grad(&[&(&y * &y).sum()], &[&x])
        .create_graph(true)
        .run()
        .unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(g.to_vec(), vec![0.0, 0.0, 4.0, 0.0, 0.0, 10.0]);
    assert_eq!(node(&g), "SelectBackwardBackward0");
    let names: Vec<String> = g
        .grad_fn()
        .unwrap()
        .next_functions()
        .iter()
        .map(|(f, _)| f.as_ref().map_or("None".into(), |f| f.name().to_string()))
        .collect();
    assert_eq!(names, ["AddBackward0"]);
    g.sum().backward();
    assert_eq!(
        x.grad().unwrap().to_vec(),
        vec![0.0, 0.0, 2.0, 0.0, 0.0, 2.0]
    );
}

#[test]
fn select_gradcheck() {
    check(|v| v[0].select(0, 1), &[sample(&[3, 2], 0.1)]);
    check(|v| v[0].select(-1, 0), &[sample(&[2, 3, 2], 0.2)]);
    check(|v| v[0].select(1, 2), &[sample(&[2, 3, 2], 0.3)]);
    check(|v| v[0].select(0, 0), &[sample(&[4], 0.4)]);
    check_second_order(|v| v[0].select(1, 1).pow(3.0), &[sample(&[2, 3], 0.5)]);
}

#[test]
fn stack_backward_selects_each_input_as_torch() {
    // torch 2.15: s = torch.stack([a, b], 1); grad(s, [a, b], go, create_graph=True)[0]
    // .grad_fn -> SelectBackward0 with next_functions ((AccumulateGrad, 0),)
    let a = leaf(&[1.0, 2.0], &[2]);
    let b = leaf(&[3.0, 4.0], &[2]);
    let s = Tensor::stack(&[&a, &b], 1);
    let go = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let grads = autograd::grad(&[&s], &[&a, &b])
        .grad_outputs(&[&go])
        .create_graph(true)
        .run()
        .unwrap();
    let ga = grads[0].clone().unwrap();
    assert_eq!(ga.to_vec(), vec![1.0, 3.0]);
    assert_eq!(chain(&ga), "SelectBackward0(AccumulateGrad)");
    assert_eq!(grads[1].clone().unwrap().to_vec(), vec![2.0, 4.0]);
}

#[test]
#[should_panic(
    expected = "select: select(): index 5 out of range for tensor of size [3, 4] at dimension 0"
)]
fn select_past_the_end_panics() {
    Tensor::ones(&[3, 4]).select(0, 5);
}

#[test]
#[should_panic(expected = "select: select() cannot be applied to a 0-dim tensor.")]
fn select_on_a_scalar_panics() {
    Tensor::scalar(1.0).select(0, 0);
}

#[test]
#[should_panic(
    expected = "select: Dimension out of range (expected to be in range of [-2, 1], but got 2)"
)]
fn select_dim_out_of_range_panics() {
    Tensor::ones(&[3, 4]).select(2, 0);
}

// ---- index_select ---------------------------------------------------------------------------

#[test]
fn index_select_with_repeats_accumulates_the_gradient() {
    // rows [2, 0, 2] of [[1, 2], [3, 4], [5, 6]]; row 2 is picked twice
    let x = leaf(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    let y = x.index_select(0, &[2, 0, 2]);
    assert_eq!(y.shape(), &[3, 2]);
    assert_eq!(y.to_vec(), vec![5.0, 6.0, 1.0, 2.0, 5.0, 6.0]);
    assert_eq!(node(&y), "IndexSelectBackward0");
    y.sum().backward();
    assert_eq!(
        x.grad().unwrap().to_vec(),
        vec![1.0, 1.0, 0.0, 0.0, 2.0, 2.0]
    );
}

#[test]
fn index_select_along_the_last_dim() {
    let x = two_by_three();
    assert_eq!(
        x.index_select(-1, &[2, 1]).to_vec(),
        vec![3.0, 2.0, 6.0, 5.0]
    );
    assert_eq!(x.index_select(1, &[]).shape(), &[2, 0]);
}

#[test]
fn index_select_gradcheck() {
    check(|v| v[0].index_select(0, &[1, 1, 0]), &[sample(&[3], 0.1)]);
    check(
        |v| v[0].index_select(1, &[2, 0]),
        &[sample(&[2, 3, 2], 0.2)],
    );
    check_second_order(
        |v| v[0].index_select(0, &[1, 0, 1]).pow(2.0),
        &[sample(&[2, 3], 0.3)],
    );
}

#[test]
#[should_panic(
    expected = "index_select(): index 3 is out of bounds for dimension 0 with size 3 (shape [3, 2]): index out of range in self"
)]
fn index_select_out_of_bounds_panics() {
    Tensor::ones(&[3, 2]).index_select(0, &[0, 3]);
}

// ---- gather -------------------------------------------------------------------------------

#[test]
fn gather_matches_the_pytorch_docs_example() {
    // torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
    //   -> [[1, 1], [4, 3]]
    let x = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let y = x.gather(1, &[0, 0, 1, 0], &[2, 2]);
    assert_eq!(y.to_vec(), vec![1.0, 1.0, 4.0, 3.0]);
    assert_eq!(node(&y), "GatherBackward0");
    // scatter-add of ones: x[0, 0] picked twice, x[0, 1] never
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 0.0, 1.0, 1.0]);
}

#[test]
fn gather_with_a_smaller_index_along_dim_0() {
    // out[0][j] = x[index[0][j]][j]: index [[1, 0, 1]] on the 2x3 -> [[4, 2, 6]]
    let x = two_by_three();
    let y = x.gather(0, &[1, 0, 1], &[1, 3]);
    assert_eq!(y.shape(), &[1, 3]);
    assert_eq!(y.to_vec(), vec![4.0, 2.0, 6.0]);
}

#[test]
fn gather_gradcheck() {
    check(
        |v| v[0].gather(0, &[2, 0, 2, 1], &[4]),
        &[sample(&[3], 0.1)],
    );
    check(
        |v| v[0].gather(1, &[0, 2, 2, 1, 0, 0], &[2, 3]),
        &[sample(&[2, 3], 0.2)],
    );
    check(
        |v| v[0].gather(2, &[1, 0, 1, 1], &[2, 2, 1]),
        &[sample(&[2, 2, 2], 0.3)],
    );
    check_second_order(
        |v| v[0].gather(1, &[0, 2, 2, 1], &[2, 2]).pow(2.0),
        &[sample(&[2, 3], 0.4)],
    );
}

#[test]
#[should_panic(expected = "gather(): index 2 is out of bounds for dimension 1 with size 2")]
fn gather_index_out_of_bounds_panics() {
    Tensor::ones(&[2, 2]).gather(1, &[0, 2], &[2, 1]);
}

#[test]
#[should_panic(
    expected = "gather(): Index tensor must have the same number of dimensions as input tensor"
)]
fn gather_with_an_index_of_another_rank_panics() {
    Tensor::ones(&[2, 2]).gather(1, &[0, 1], &[2]);
}

#[test]
#[should_panic(
    expected = "gather(): Size does not match at dimension 0 expected index [3, 1] to be no larger than self [2, 2] apart from dimension 1"
)]
fn gather_with_an_index_too_large_outside_dim_panics() {
    Tensor::ones(&[2, 2]).gather(1, &[0, 1, 0], &[3, 1]);
}

#[test]
#[should_panic(expected = "gather(): index has 3 values but index_shape [2, 2] needs 4")]
fn gather_with_a_wrong_index_length_panics() {
    Tensor::ones(&[2, 2]).gather(1, &[0, 1, 0], &[2, 2]);
}
