//! max/min, maximum/minimum, clamp, where_cond and masked_fill: values, gradients (with
//! PyTorch's subgradients at ties and bounds), node names and errors.

mod ops_support;

use autograd::{tensor, Tensor};
use ops_support::*;

// ---- max / min over everything ------------------------------------------------------------

#[test]
fn max_splits_the_gradient_evenly_among_tied_maxima() {
    // torch.tensor([1., 3., 3., -2.], requires_grad=True).max().backward() -> [0, .5, .5, 0]
    let x = leaf(&[1.0, 3.0, 3.0, -2.0], &[4]);
    let m = x.max();
    assert_eq!(m.shape(), &[] as &[usize]);
    assert_eq!(m.item(), 3.0);
    assert_eq!(node(&m), "MaxBackward1");
    m.backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.5, 0.5, 0.0]);
}

#[test]
fn min_over_everything_of_a_matrix() {
    // min = -1, held twice: each gets 1/2
    let x = leaf(&[2.0, -1.0, -1.0, 5.0], &[2, 2]);
    let m = x.min();
    assert_eq!(m.item(), -1.0);
    assert_eq!(node(&m), "MinBackward1");
    (&m * 4.0).backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 2.0, 2.0, 0.0]);
}

#[test]
fn max_propagates_nan_and_sends_the_gradient_to_it() {
    let x = leaf(&[1.0, f64::NAN, 2.0], &[3]);
    let m = x.max();
    assert!(m.item().is_nan());
    m.backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 1.0, 0.0]);
}

#[test]
fn max_and_min_gradcheck() {
    for shape in [&[5][..], &[2, 3], &[2, 3, 2], &[]] {
        check(|v| v[0].max(), &[sample(shape, 0.3)]);
        check(|v| v[0].min(), &[sample(shape, 1.1)]);
    }
}

#[test]
#[should_panic(expected = "max(): Expected reduction dim to be specified for input.numel() == 0")]
fn max_of_an_empty_tensor_panics() {
    Tensor::zeros(&[0]).max();
}

// ---- max_dim / min_dim ------------------------------------------------------------------------

#[test]
fn max_dim_returns_values_and_first_indices() {
    // torch.tensor([[1., 5., 5.], [7., 2., 0.]]).max(dim=1) -> values [5, 7], indices [1, 0]
    let x = leaf(&[1.0, 5.0, 5.0, 7.0, 2.0, 0.0], &[2, 3]);
    let (values, indices) = x.max_dim(1, false);
    assert_eq!(values.shape(), &[2]);
    assert_eq!(values.to_vec(), vec![5.0, 7.0]);
    assert_eq!(indices, vec![1, 0]);
    assert_eq!(node(&values), "MaxBackward0");
    // The gradient goes to the returned index only, even at the tie in row 0.
    (&values * &tensor![10., 20.].double()).sum().backward();
    assert_eq!(
        x.grad().unwrap().to_vec(),
        vec![0.0, 10.0, 0.0, 20.0, 0.0, 0.0]
    );
}

#[test]
fn min_dim_with_keepdim_and_negative_dims() {
    // torch.tensor([[1., 5., 0.], [7., 2., 0.]]).min(dim=0, keepdim=True)
    //   -> values [[1, 2, 0]], indices [[0, 1, 0]]
    let x = leaf(&[1.0, 5.0, 0.0, 7.0, 2.0, 0.0], &[2, 3]);
    let (values, indices) = x.min_dim(-2, true);
    assert_eq!(values.shape(), &[1, 3]);
    assert_eq!(values.to_vec(), vec![1.0, 2.0, 0.0]);
    assert_eq!(indices, vec![0, 1, 0]);
    assert_eq!(node(&values), "MinBackward0");
    values.sum().backward();
    assert_eq!(
        x.grad().unwrap().to_vec(),
        vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    );
}

#[test]
fn max_dim_indices_gather_the_values_back() {
    let x = sample(&[3, 4, 2], 0.7);
    let (values, indices) = x.max_dim(1, true);
    let gathered = x.gather(1, &indices, values.shape());
    assert_eq!(gathered.to_vec(), values.to_vec());
}

#[test]
fn max_dim_and_min_dim_gradcheck() {
    for dim in 0..3 {
        for keepdim in [false, true] {
            check(|v| v[0].max_dim(dim, keepdim).0, &[sample(&[2, 3, 4], 0.2)]);
            check(|v| v[0].min_dim(dim, keepdim).0, &[sample(&[3, 1, 2], 2.0)]);
        }
    }
    check(|v| v[0].max_dim(0, false).0, &[sample(&[], 0.5)]);
}

#[test]
fn max_dim_second_order() {
    check_second_order(
        |v| v[0].max_dim(1, false).0.pow(2.0),
        &[sample(&[3, 4], 0.1)],
    );
}

#[test]
#[should_panic(
    expected = "max: Dimension out of range (expected to be in range of [-2, 1], but got 2)"
)]
fn max_dim_out_of_range_panics() {
    Tensor::ones(&[2, 3]).max_dim(2, false);
}

#[test]
#[should_panic(expected = "max(): Expected reduction dim 1 to have non-zero size. (shape [2, 0])")]
fn max_dim_over_an_empty_dim_panics() {
    Tensor::ones(&[2, 0]).max_dim(1, false);
}

// ---- maximum / minimum --------------------------------------------------------------------

#[test]
fn maximum_gives_half_the_gradient_to_each_side_of_a_tie() {
    // derivatives.yaml: self: where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
    let a = leaf(&[1.0, 2.0, 3.0], &[3]);
    let b = leaf(&[3.0, 2.0, 1.0], &[3]);
    let m = a.maximum(&b);
    assert_eq!(m.to_vec(), vec![3.0, 2.0, 3.0]);
    assert_eq!(node(&m), "MaximumBackward0");
    m.sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![0.0, 0.5, 1.0]);
    assert_eq!(b.grad().unwrap().to_vec(), vec![1.0, 0.5, 0.0]);
}

#[test]
fn minimum_with_broadcasting_sums_gradients_back() {
    // a [2, 2] vs b [2]: minimum = [[1, 0], [2, 0]]; b wins column 1 twice and ties at (1, 0)
    let a = leaf(&[1.0, 4.0, 2.0, 5.0], &[2, 2]);
    let b = leaf(&[2.0, 0.0], &[2]);
    let m = a.minimum(&b);
    assert_eq!(m.to_vec(), vec![1.0, 0.0, 2.0, 0.0]);
    assert_eq!(node(&m), "MinimumBackward0");
    m.sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![1.0, 0.0, 0.5, 0.0]);
    // b[0]: loses at (0, 0), ties at (1, 0) -> 0.5; b[1]: wins twice -> 2
    assert_eq!(b.grad().unwrap().to_vec(), vec![0.5, 2.0]);
}

#[test]
fn maximum_propagates_nan() {
    let m = tensor![1., f32::NAN].maximum(&tensor![f32::NAN, 0.]);
    assert!(m.to_vec().iter().all(|v| v.is_nan()));
}

#[test]
fn maximum_and_minimum_gradcheck() {
    let pairs: [(&[usize], &[usize]); 4] = [
        (&[4], &[4]),
        (&[2, 3], &[3]),
        (&[2, 1], &[1, 3]),
        (&[3], &[]),
    ];
    for (sa, sb) in pairs {
        check(|v| v[0].maximum(&v[1]), &[sample(sa, 0.1), sample(sb, 0.9)]);
        check(|v| v[0].minimum(&v[1]), &[sample(sa, 0.4), sample(sb, 2.3)]);
    }
    check_second_order(
        |v| v[0].maximum(&v[1]).pow(2.0),
        &[sample(&[2, 3], 0.1), sample(&[3], 0.9)],
    );
}

#[test]
#[should_panic(expected = "maximum: shapes [2, 3] and [2] do not broadcast")]
fn maximum_of_shapes_that_do_not_broadcast_panics() {
    Tensor::ones(&[2, 3]).maximum(&Tensor::ones(&[2]));
}

// ---- clamp ---------------------------------------------------------------------------------

#[test]
fn clamp_passes_the_gradient_strictly_inside_the_bounds() {
    // torch 2.15's clamp_backward: where(self > min & self < max, grad, 0), so x = -1 and
    // x = 1 get 0 (torch 2.15.0 prints [0, 0, 1, 0, 0]).
    let x = leaf(&[-2.0, -1.0, 0.0, 1.0, 2.0], &[5]);
    let y = x.clamp(-1.0, 1.0);
    assert_eq!(y.to_vec(), vec![-1.0, -1.0, 0.0, 1.0, 1.0]);
    assert_eq!(node(&y), "ClampBackward1");
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.0, 1.0, 0.0, 0.0]);
}

#[test]
fn clamp_min_and_clamp_max_known_values() {
    let x = leaf(&[-2.0, -1.0, 0.0, 1.0, 2.0], &[5]);
    let lo = x.clamp_min(0.0);
    assert_eq!(lo.to_vec(), vec![0.0, 0.0, 0.0, 1.0, 2.0]);
    assert_eq!(node(&lo), "ClampMinBackward0");
    lo.sum().backward();
    // where(self > min, grad, 0): 0 at the bound (torch 2.15.0).
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.0, 0.0, 1.0, 1.0]);

    let x = leaf(&[-2.0, -1.0, 0.0, 1.0, 2.0], &[5]);
    let hi = x.clamp_max(0.0);
    assert_eq!(hi.to_vec(), vec![-2.0, -1.0, 0.0, 0.0, 0.0]);
    assert_eq!(node(&hi), "ClampMaxBackward0");
    hi.sum().backward();
    // where(self < max, grad, 0): 0 at the bound (torch 2.15.0).
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1.0, 0.0, 0.0, 0.0]);
}

#[test]
fn clamp_with_min_above_max_gives_max_everywhere() {
    // torch.clamp(torch.tensor([0., 3.]), min=2, max=1) -> [1, 1]
    let x = leaf(&[0.0, 3.0], &[2]);
    let y = x.clamp(2.0, 1.0);
    assert_eq!(y.to_vec(), vec![1.0, 1.0]);
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.0]);
}

#[test]
fn clamp_keeps_nan() {
    assert!(tensor![f32::NAN].clamp(0.0, 1.0).item().is_nan());
}

#[test]
fn clamp_gradcheck_away_from_the_bounds() {
    for shape in [&[6][..], &[2, 3], &[]] {
        check(|v| v[0].clamp(-0.95, 1.05), &[sample(shape, 0.3)]);
        check(|v| v[0].clamp_min(0.05), &[sample(shape, 1.3)]);
        check(|v| v[0].clamp_max(-0.05), &[sample(shape, 2.3)]);
    }
    check_second_order(
        |v| v[0].clamp(-0.95, 1.05).pow(3.0),
        &[sample(&[2, 3], 0.3)],
    );
}

// ---- where_cond ---------------------------------------------------------------------------

#[test]
fn where_cond_routes_the_gradient_to_the_chosen_branch() {
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let y = leaf(&[10.0, 20.0, 30.0], &[3]);
    let cond = tensor![1., 0., 1.].gt(0.5);
    let out = Tensor::where_cond(&cond, &x, &y);
    assert_eq!(out.to_vec(), vec![1.0, 20.0, 3.0]);
    assert_eq!(node(&out), "WhereBackward0");
    assert_eq!(out.grad_fn().unwrap().next_functions().len(), 2);
    out.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 0.0, 1.0]);
    assert_eq!(y.grad().unwrap().to_vec(), vec![0.0, 1.0, 0.0]);
}

#[test]
fn where_cond_broadcasts_all_three_operands() {
    // cond [[T], [F]] (2x1), x [3], y 0-d -> [2, 3]: row 0 from x, row 1 all y
    let cond = tensor![[1.], [0.]].gt(0.5);
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let y = leaf(&[9.0], &[]);
    let out = Tensor::where_cond(&cond, &x, &y);
    assert_eq!(out.shape(), &[2, 3]);
    assert_eq!(out.to_vec(), vec![1.0, 2.0, 3.0, 9.0, 9.0, 9.0]);
    out.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1.0, 1.0]);
    assert_eq!(y.grad().unwrap().to_vec(), vec![3.0]);
}

#[test]
fn where_cond_gradcheck() {
    let cond = tensor![[1., 0., 1.], [0., 0., 1.]].gt(0.5);
    check(
        |v| Tensor::where_cond(&cond, &v[0], &v[1]),
        &[sample(&[2, 3], 0.1), sample(&[2, 3], 1.0)],
    );
    check(
        |v| Tensor::where_cond(&cond, &v[0], &v[1]),
        &[sample(&[3], 0.2), sample(&[2, 1], 1.5)],
    );
    check_second_order(
        |v| Tensor::where_cond(&cond, &v[0].pow(2.0), &(&v[0] * &v[1])),
        &[sample(&[2, 3], 0.1), sample(&[3], 1.0)],
    );
}

#[test]
#[should_panic(
    expected = "where: where expected condition to be a boolean tensor, but got a tensor with dtype Float (condition torch.float32"
)]
fn where_cond_with_a_float_condition_panics() {
    Tensor::where_cond(
        &Tensor::ones(&[2]),
        &Tensor::ones(&[2]),
        &Tensor::ones(&[2]),
    );
}

#[test]
#[should_panic(expected = "where: shapes of condition [2], x [3] and y [3] do not broadcast")]
fn where_cond_with_shapes_that_do_not_broadcast_panics() {
    let cond = tensor![1., 0.].gt(0.5);
    Tensor::where_cond(&cond, &Tensor::ones(&[3]), &Tensor::ones(&[3]));
}

// ---- masked_fill --------------------------------------------------------------------------

#[test]
fn masked_fill_zeroes_the_gradient_at_filled_positions() {
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let mask = tensor![0., 1., 0.].gt(0.5);
    let y = x.masked_fill(&mask, -1.0);
    assert_eq!(y.to_vec(), vec![1.0, -1.0, 3.0]);
    assert_eq!(node(&y), "MaskedFillBackward0");
    (&y * 2.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 0.0, 2.0]);
}

#[test]
fn masked_fill_broadcasts_the_mask() {
    // x [3], mask [[T], [F]] -> [2, 3]; row 0 filled, so x gets the gradient of row 1 only
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let mask = tensor![[1.], [0.]].gt(0.5);
    let y = x.masked_fill(&mask, 0.0);
    assert_eq!(y.to_vec(), vec![0.0, 0.0, 0.0, 1.0, 2.0, 3.0]);
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1.0, 1.0]);
}

#[test]
fn masked_fill_gradcheck() {
    let mask = tensor![[1., 0., 0.], [0., 1., 0.]].gt(0.5);
    check(|v| v[0].masked_fill(&mask, 7.0), &[sample(&[2, 3], 0.1)]);
    check(|v| v[0].masked_fill(&mask, 7.0), &[sample(&[3], 0.6)]);
    check_second_order(
        |v| v[0].masked_fill(&mask, 7.0).pow(2.0),
        &[sample(&[2, 3], 0.1)],
    );
}

#[test]
#[should_panic(
    expected = "masked_fill: masked_fill_ only supports boolean masks, but got mask with dtype float (mask torch.float32"
)]
fn masked_fill_with_a_float_mask_panics() {
    Tensor::ones(&[2]).masked_fill(&Tensor::ones(&[2]), 0.0);
}
