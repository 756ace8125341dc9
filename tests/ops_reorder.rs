//! permute, flatten, repeat and flip against PyTorch 2.15: values, `grad_fn` names (also of
//! gradients taken with `create_graph`), gradients (known values and gradcheck in f64, to
//! second order) and error sentences. Expected values come from `/tmp/torchenv` runs of the
//! Python in the comments (`torch.set_default_dtype(torch.float64)`).

mod ops_support;

use autograd::{no_grad, DType, Tensor};
use ops_support::{chain, check, check_second_order, leaf, node, panic_message, sample};

/// `torch.arange(24.).reshape(2, 3, 4)` as an f64 leaf that requires grad.
fn arange_leaf(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::arange(n as f64)
        .double()
        .reshape(shape)
        .requires_grad_(true)
}

/// `torch.arange(n).reshape(shape).requires_grad_()`, f64: an incoming gradient with a
/// history of its own (an `AccumulateGrad`), so a gradient taken with `create_graph` has one.
fn grad_output(shape: &[usize]) -> Tensor {
    arange_leaf(shape)
}

/// The gradient of `y` with respect to `x` for the incoming gradient `go`, with
/// `create_graph` (torch: `torch.autograd.grad(y, x, go, create_graph=True)[0]`).
fn grad_with_graph(y: &Tensor, x: &Tensor, go: &Tensor) -> Tensor {
    autograd::grad(&[y], &[x])
        .grad_outputs(&[go])
        .create_graph(true)
        .run()
        .expect("a gradient")
        .remove(0)
        .expect("x is used")
}

/// The panic message of `f`, which must panic.
fn message<R>(f: impl FnOnce() -> R) -> String {
    panic_message(|| {
        f();
    })
}

// ---- permute ----

#[test]
fn permute_reorders_dims() {
    // torch: y = torch.arange(24.).reshape(2, 3, 4); y.permute(2, 0, 1).flatten().tolist()
    let y = arange_leaf(&[2, 3, 4]);
    let p = y.permute(&[2, 0, 1]);
    assert_eq!(p.shape(), &[4, 2, 3]);
    #[rustfmt::skip]
    let expected = vec![
        0., 4., 8., 12., 16., 20., 1., 5., 9., 13., 17., 21.,
        2., 6., 10., 14., 18., 22., 3., 7., 11., 15., 19., 23.,
    ];
    assert_eq!(p.to_vec(), expected);
    // Negative dims count from the end: y.permute(-1, 0, 1) is the same.
    assert_eq!(y.permute(&[-1, 0, 1]).to_vec(), expected);
    // y.permute(0, 2, 1)[:8]
    let q = y.permute(&[0, 2, 1]);
    assert_eq!(q.shape(), &[2, 4, 3]);
    assert_eq!(q.to_vec()[..8], [0., 4., 8., 1., 5., 9., 2., 6.]);
    assert_eq!(q.dtype(), DType::F64);
}

#[test]
fn permute_records_permute_backward_even_when_nothing_moves() {
    // torch: y.permute(2, 0, 1).grad_fn, y.permute(0, 1, 2).grad_fn and
    // torch.tensor(1., requires_grad=True).permute(()).grad_fn are all PermuteBackward0.
    let y = arange_leaf(&[2, 3, 4]);
    assert_eq!(node(&y.permute(&[2, 0, 1])), "PermuteBackward0");
    assert_eq!(node(&y.permute(&[0, 1, 2])), "PermuteBackward0");
    let s = leaf(&[1.0], &[]);
    let p = s.permute::<usize>(&[]);
    assert_eq!(
        (node(&p), p.shape().to_vec()),
        ("PermuteBackward0".into(), vec![])
    );
}

#[test]
fn permute_gradient_is_the_gradient_permuted_back() {
    // torch: go = torch.arange(24.).reshape(4, 2, 3).requires_grad_()
    // g, = torch.autograd.grad(y.permute(2, 0, 1), y, go, create_graph=True)
    // g.grad_fn: PermuteBackward0(AccumulateGrad); g is go.permute(1, 2, 0).
    let y = arange_leaf(&[2, 3, 4]);
    let go = grad_output(&[4, 2, 3]);
    let g = grad_with_graph(&y.permute(&[2, 0, 1]), &y, &go);
    assert_eq!(chain(&g), "PermuteBackward0(AccumulateGrad)");
    #[rustfmt::skip]
    let expected = vec![
        0., 6., 12., 18., 1., 7., 13., 19., 2., 8., 14., 20.,
        3., 9., 15., 21., 4., 10., 16., 22., 5., 11., 17., 23.,
    ];
    assert_eq!(g.shape(), &[2, 3, 4]);
    assert_eq!(g.to_vec(), expected);
}

#[test]
fn permute_gradchecks_to_second_order() {
    let f = |v: &[Tensor]| v[0].permute(&[2, 0, 1]).pow(2.0);
    check(f, &[sample(&[2, 3, 4], 0.1)]);
    check_second_order(f, &[sample(&[2, 3, 4], 0.1)]);
    let g = |v: &[Tensor]| v[0].permute(&[1, -1, 0]).tanh();
    check(g, &[sample(&[3, 1, 2], 0.2)]);
    check_second_order(g, &[sample(&[3, 1, 2], 0.2)]);
}

#[test]
fn permute_with_the_wrong_number_of_dims_has_torchs_sentence() {
    // torch: torch.arange(6.).reshape(2, 3).permute(0, 1, 2)
    let x = Tensor::ones(&[2, 3]);
    let m = message(|| x.permute(&[0, 1, 2]));
    assert!(m.starts_with("permute: "), "{m}");
    assert!(m.contains("permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 3"), "{m}");
    assert!(m.contains("[2, 3]"), "{m}");
    // torch: torch.tensor(1.).permute(0): "... input.dim() = 0 is not equal to len(dims) = 1"
    let m = message(|| Tensor::scalar(1.0).permute(&[0]));
    assert!(
        m.contains("input.dim() = 0 is not equal to len(dims) = 1"),
        "{m}"
    );
}

#[test]
fn permute_with_a_repeated_or_out_of_range_dim_has_torchs_sentence() {
    let x = Tensor::ones(&[2, 3]);
    // torch: x.permute(0, 0) and x.permute(1, -1)
    for dims in [[0, 0], [1, -1]] {
        let m = message(|| x.permute(&dims));
        assert_eq!(m, "permute: permute(): duplicate dims are not allowed.");
    }
    // torch: x.permute(0, 2) and x.permute(2, 2): the range check comes first, dim by dim.
    for dims in [[0, 2], [2, 2]] {
        let m = message(|| x.permute(&dims));
        assert_eq!(
            m,
            "permute: Dimension out of range (expected to be in range of [-2, 1], but got 2)"
        );
    }
}

#[test]
fn permute_that_keeps_the_element_order_writes_through() {
    // torch: x = torch.arange(6.).reshape(2, 3); x.permute(0, 1).add_(1.) changes x, and so
    // does x.unsqueeze(1).permute(1, 0, 2).mul_(2.) (only a dim of size 1 moves).
    let x = Tensor::arange(6.0).double().reshape(&[2, 3]);
    x.permute(&[0, 1]).add_(1.0);
    assert_eq!(x.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
    let p = x.unsqueeze(1).permute(&[1, 0, 2]);
    assert_eq!(p.shape(), &[1, 2, 3]);
    p.mul_(2.0);
    assert_eq!(x.to_vec(), vec![2., 4., 6., 8., 10., 12.]);
}

#[test]
fn permute_of_bools_keeps_the_dtype() {
    // torch: (torch.arange(6.).reshape(2, 3) > 2).permute(1, 0).flatten().tolist()
    let b = Tensor::arange(6.0).reshape(&[2, 3]).gt(2.0);
    let p = b.permute(&[1, 0]);
    assert_eq!(p.dtype(), DType::Bool);
    assert_eq!(p.to_vec(), vec![0., 1., 0., 1., 0., 1.]);
}

// ---- flatten ----

#[test]
fn flatten_merges_a_range_of_dims() {
    // torch: y.flatten().shape, y.flatten(1).shape, y.flatten(0, 1).shape, y.flatten(-2, -1)
    let y = arange_leaf(&[2, 3, 4]);
    assert_eq!(y.flatten(0, -1).shape(), &[24]);
    assert_eq!(y.flatten(1, -1).shape(), &[2, 12]);
    assert_eq!(y.flatten(0, 1).shape(), &[6, 4]);
    assert_eq!(y.flatten(-2, -1).shape(), &[2, 12]);
    assert_eq!(y.flatten(0, 1).to_vec(), y.to_vec());
    // torch: torch.zeros(2, 0, 3).flatten().shape == [0]; .flatten(0, 1).shape == [0, 3]
    let z = Tensor::zeros(&[2, 0, 3]);
    assert_eq!(z.flatten(0, -1).shape(), &[0]);
    assert_eq!(z.flatten(0, 1).shape(), &[0, 3]);
}

#[test]
fn flatten_is_a_view_node_or_the_input_itself() {
    // torch: y.flatten(1).grad_fn is ViewBackward0 (next: AccumulateGrad).
    let y = arange_leaf(&[2, 3, 4]);
    assert_eq!(chain(&y.flatten(1, -1)), "ViewBackward0(AccumulateGrad)");
    // torch: a 0-d tensor flattens to shape [1] with ViewBackward0.
    let s = leaf(&[2.0], &[]);
    let f = s.flatten(0, -1);
    assert_eq!(
        (f.shape().to_vec(), node(&f)),
        (vec![1], "ViewBackward0".into())
    );
    assert_eq!(node(&s.flatten(-1, 0)), "ViewBackward0");
    // torch: `a.flatten() is a` for 1-d a, and y.flatten(1, 1) is y: a leaf keeps no grad_fn,
    // (y * 2).flatten(1, 1) keeps MulBackward0.
    let a = leaf(&[1.0, 2.0, 3.0], &[3]);
    let f = a.flatten(0, -1);
    assert!(f.grad_fn().is_none() && f.is_leaf() && f.requires_grad());
    assert!(y.flatten(1, 1).grad_fn().is_none());
    assert_eq!(node(&(&y * 2.0).flatten(1, 1)), "MulBackward0");
}

#[test]
fn flatten_shares_storage_as_reshape() {
    // torch: x = torch.arange(6.).reshape(2, 3); x.flatten().add_(1.) changes x.
    let x = Tensor::arange(6.0).double().reshape(&[2, 3]);
    x.flatten(0, -1).add_(1.0);
    assert_eq!(x.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
}

#[test]
fn flatten_gradchecks_to_second_order() {
    let f = |v: &[Tensor]| v[0].flatten(1, 2).sin();
    check(f, &[sample(&[2, 3, 2], 0.3)]);
    check_second_order(f, &[sample(&[2, 3, 2], 0.3)]);
}

#[test]
fn flatten_errors_have_torchs_sentences() {
    let y = Tensor::ones(&[2, 3, 4]);
    // torch: y.flatten(2, 1) and y.flatten(1, 0)
    for (start, end) in [(2, 1), (1, 0)] {
        let m = message(|| y.flatten(start, end));
        assert!(
            m.starts_with(
                "flatten: flatten() has invalid args: start_dim cannot come after end_dim"
            ),
            "{m}"
        );
        assert!(m.contains("[2, 3, 4]"), "{m}");
    }
    // torch: y.flatten(0, 3), y.flatten(-4, 1), torch.tensor(2.).flatten(0, 1)
    let m = message(|| y.flatten(0, 3));
    assert_eq!(
        m,
        "flatten: Dimension out of range (expected to be in range of [-3, 2], but got 3)"
    );
    let m = message(|| y.flatten(-4, 1));
    assert_eq!(
        m,
        "flatten: Dimension out of range (expected to be in range of [-3, 2], but got -4)"
    );
    let m = message(|| Tensor::scalar(2.0).flatten(0, 1));
    assert_eq!(
        m,
        "flatten: Dimension out of range (expected to be in range of [-1, 0], but got 1)"
    );
}

// ---- repeat ----

/// `torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)`.
fn small() -> Tensor {
    leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3])
}

#[test]
fn repeat_tiles_the_tensor() {
    // torch: x.repeat(2, 3)
    let x = small();
    let r = x.repeat(&[2, 3]);
    assert_eq!(r.shape(), &[4, 9]);
    let rows = [[1., 2., 3.].repeat(3), [4., 5., 6.].repeat(3)].concat();
    assert_eq!(r.to_vec(), rows.repeat(2));
    assert_eq!(node(&r), "RepeatBackward0");
    // torch: x.repeat(2, 1, 2): a new leading dim
    let r = x.repeat(&[2, 1, 2]);
    assert_eq!(r.shape(), &[2, 2, 6]);
    #[rustfmt::skip]
    let expected = vec![
        1., 2., 3., 1., 2., 3., 4., 5., 6., 4., 5., 6.,
        1., 2., 3., 1., 2., 3., 4., 5., 6., 4., 5., 6.,
    ];
    assert_eq!(r.to_vec(), expected);
}

#[test]
fn repeat_edge_cases_match_torch() {
    // torch: x.repeat(1, 1) is a new tensor with RepeatBackward0; x.repeat(2, 0).shape is
    // [4, 0]; s = torch.tensor(3.); s.repeat(()) is 0-d, s.repeat(2, 2) is 2x2 of 3.
    let x = small();
    assert_eq!(node(&x.repeat(&[1, 1])), "RepeatBackward0");
    assert_eq!(x.repeat(&[1, 1]).to_vec(), x.to_vec());
    let empty = x.repeat(&[2, 0]);
    assert_eq!(
        (empty.shape().to_vec(), node(&empty)),
        (vec![4, 0], "RepeatBackward0".into())
    );
    let s = leaf(&[3.0], &[]);
    let r = s.repeat(&[]);
    assert_eq!(
        (r.shape().to_vec(), node(&r)),
        (vec![], "RepeatBackward0".into())
    );
    let r = s.repeat(&[2, 2]);
    assert_eq!((r.shape(), r.to_vec()), (&[2usize, 2][..], vec![3.0; 4]));
    // The output is a copy, as in PyTorch: writing it leaves x alone.
    let x = Tensor::arange(3.0);
    x.repeat(&[2]).add_(1.0);
    assert_eq!(x.to_vec(), vec![0., 1., 2.]);
}

#[test]
fn repeat_gradient_is_torchs_sum_of_a_reshaped_gradient() {
    // torch: go = torch.arange(36.).reshape(4, 9).requires_grad_()
    // g, = torch.autograd.grad(x.repeat(2, 3), x, go, create_graph=True)
    // g: [72, 78, 84, 126, 132, 138], SumBackward1(ViewBackward0(AccumulateGrad))
    let x = small();
    let g = grad_with_graph(&x.repeat(&[2, 3]), &x, &grad_output(&[4, 9]));
    assert_eq!(g.to_vec(), vec![72., 78., 84., 126., 132., 138.]);
    assert_eq!(chain(&g), "SumBackward1(ViewBackward0(AccumulateGrad))");
    // torch: x.repeat(2, 1, 2) with go = arange(24.).reshape(2, 2, 6): the new dim is summed
    // first: [30, 34, 38, 54, 58, 62], SumBackward1(ViewBackward0(SumBackward1(AccumulateGrad)))
    let g = grad_with_graph(&x.repeat(&[2, 1, 2]), &x, &grad_output(&[2, 2, 6]));
    assert_eq!(g.to_vec(), vec![30., 34., 38., 54., 58., 62.]);
    assert_eq!(
        chain(&g),
        "SumBackward1(ViewBackward0(SumBackward1(AccumulateGrad)))"
    );
    // torch: x.repeat(1, 1, 1) with go = arange(6.).reshape(1, 2, 3): only the sum(0).
    let g = grad_with_graph(&x.repeat(&[1, 1, 1]), &x, &grad_output(&[1, 2, 3]));
    assert_eq!(g.to_vec(), vec![0., 1., 2., 3., 4., 5.]);
    assert_eq!(chain(&g), "SumBackward1(AccumulateGrad)");
    // torch: s.repeat(3) with go = [1., 2., 4.]: 7, SumBackward1(AccumulateGrad)
    let s = leaf(&[3.0], &[]);
    let go = leaf(&[1., 2., 4.], &[3]);
    let g = grad_with_graph(&s.repeat(&[3]), &s, &go);
    assert_eq!((g.shape().to_vec(), g.to_vec()), (vec![], vec![7.0]));
    assert_eq!(chain(&g), "SumBackward1(AccumulateGrad)");
    // torch: x.repeat(2, 0): the gradient is zeros, with no history.
    let go = Tensor::from_vec(Vec::<f64>::new(), &[4, 0]).requires_grad_(true);
    let g = grad_with_graph(&x.repeat(&[2, 0]), &x, &go);
    assert_eq!((g.shape(), g.to_vec()), (&[2usize, 3][..], vec![0.0; 6]));
    assert_eq!(chain(&g), "None");
}

#[test]
fn repeat_gradchecks_to_second_order() {
    let f = |v: &[Tensor]| v[0].repeat(&[2, 1, 3]).pow(3.0);
    check(f, &[sample(&[2, 2], 0.4)]);
    check_second_order(f, &[sample(&[2, 2], 0.4)]);
    let g = |v: &[Tensor]| v[0].repeat(&[3]).exp();
    check(g, &[sample(&[], 0.5)]);
    check_second_order(g, &[sample(&[], 0.5)]);
}

#[test]
fn repeat_with_fewer_repeats_than_dims_has_torchs_sentence() {
    // torch: x.repeat(2)
    let m = message(|| small().repeat(&[2]));
    assert!(m.starts_with("repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"), "{m}");
    assert!(m.contains("[2, 3]"), "{m}");
}

// ---- flip ----

#[test]
fn flip_reverses_along_dims() {
    // torch: y.flip(0, 2).flatten().tolist(); y.flip(-1).flatten().tolist()
    let y = arange_leaf(&[2, 3, 4]);
    let f = y.flip(&[0, 2]);
    assert_eq!(f.shape(), &[2, 3, 4]);
    #[rustfmt::skip]
    assert_eq!(f.to_vec(), vec![
        15., 14., 13., 12., 19., 18., 17., 16., 23., 22., 21., 20.,
        3., 2., 1., 0., 7., 6., 5., 4., 11., 10., 9., 8.,
    ]);
    assert_eq!(node(&f), "FlipBackward0");
    #[rustfmt::skip]
    assert_eq!(y.flip(&[-1]).to_vec(), vec![
        3., 2., 1., 0., 7., 6., 5., 4., 11., 10., 9., 8.,
        15., 14., 13., 12., 19., 18., 17., 16., 23., 22., 21., 20.,
    ]);
    // torch: y.flip(()) and torch.tensor(3.).flip(0) are FlipBackward0 copies.
    let same = y.flip::<usize>(&[]);
    assert_eq!(
        (same.to_vec(), node(&same)),
        (y.to_vec(), "FlipBackward0".into())
    );
    let s = leaf(&[3.0], &[]);
    assert_eq!(
        (s.flip(&[0]).to_vec(), node(&s.flip(&[-1]))),
        (vec![3.0], "FlipBackward0".into())
    );
    // torch: torch.zeros(2, 0, 3).flip(1).shape
    assert_eq!(Tensor::zeros(&[2, 0, 3]).flip(&[1]).shape(), &[2, 0, 3]);
}

#[test]
fn flip_is_a_copy_as_in_torch() {
    // torch: z = torch.arange(6.).reshape(2, 3); f = z.flip(0); f.add_(100) leaves z alone.
    let z = Tensor::arange(6.0).reshape(&[2, 3]);
    let f = z.flip(&[0]);
    f.add_(100.0);
    assert_eq!(z.to_vec(), vec![0., 1., 2., 3., 4., 5.]);
    assert_eq!(f.to_vec(), vec![103., 104., 105., 100., 101., 102.]);
}

#[test]
fn flip_gradient_is_the_gradient_flipped() {
    // torch: g, = torch.autograd.grad(y.flip(0, 2), y, arange(24.).reshape(2, 3, 4)
    // .requires_grad_(), create_graph=True): FlipBackward0(AccumulateGrad), go.flip(0, 2).
    let y = arange_leaf(&[2, 3, 4]);
    let go = grad_output(&[2, 3, 4]);
    let g = grad_with_graph(&y.flip(&[0, 2]), &y, &go);
    assert_eq!(chain(&g), "FlipBackward0(AccumulateGrad)");
    assert_eq!(g.to_vec(), go.flip(&[0, 2]).to_vec());
    assert_eq!(g.to_vec()[..4], [15., 14., 13., 12.]);
}

#[test]
fn flip_gradchecks_to_second_order() {
    let f = |v: &[Tensor]| v[0].flip(&[0, -1]).pow(2.0) * &v[1];
    let inputs = [sample(&[3, 2, 2], 0.6), sample(&[3, 2, 2], 0.7)];
    check(f, &inputs);
    check_second_order(f, &inputs);
}

#[test]
fn flip_errors_have_torchs_sentences() {
    let y = Tensor::ones(&[2, 3, 4]);
    // torch: y.flip(0, 0) and y.flip(0, -3)
    for dims in [[0, 0], [0, -3]] {
        let m = message(|| y.flip(&dims));
        assert!(
            m.starts_with("flip: dim 0 appears multiple times in the list of dims"),
            "{m}"
        );
    }
    // torch: y.flip(3) and y.flip(0, 3)
    for dims in [&[3][..], &[0, 3]] {
        let m = message(|| y.flip(dims));
        assert_eq!(
            m,
            "flip: Dimension out of range (expected to be in range of [-3, 2], but got 3)"
        );
    }
}

// ---- together ----

#[test]
fn a_chain_of_the_four_has_torchs_first_and_second_derivatives() {
    // torch: a = torch.tensor([[0.5, -1.], [2., 0.3]], requires_grad=True)
    // out = (a.permute(1, 0).repeat(1, 2).flip(1).flatten() ** 3).sum()
    // g, = torch.autograd.grad(out, a, create_graph=True)   # [1.5, 6.0, 24.0, 0.54]
    // h, = torch.autograd.grad(g.sum(), a)                  # [6.0, -12.0, 24.0, 3.6]
    let a = leaf(&[0.5, -1.0, 2.0, 0.3], &[2, 2]);
    let out = a
        .permute(&[1, 0])
        .repeat(&[1, 2])
        .flip(&[1])
        .flatten(0, -1)
        .pow(3.0)
        .sum();
    let g = autograd::grad(&[&out], &[&a])
        .create_graph(true)
        .run()
        .unwrap()
        .remove(0)
        .unwrap();
    ops_support::assert_close(&g.to_vec(), &[1.5, 6.0, 24.0, 0.54], 1e-12);
    let h = autograd::grad(&[&g.sum()], &[&a])
        .run()
        .unwrap()
        .remove(0)
        .unwrap();
    ops_support::assert_close(&h.to_vec(), &[6.0, -12.0, 24.0, 3.6], 1e-12);
}

#[test]
fn the_ops_run_without_recording_under_no_grad() {
    // torch: y = torch.ones(2, 3, requires_grad=True); under torch.no_grad(), permute and
    // flatten (views) require grad as their base does, repeat and flip (copies) do not; none
    // has a grad_fn.
    let y = leaf(&[1.0; 6], &[2, 3]);
    no_grad(|| {
        let views = [y.permute(&[1, 0]), y.permute(&[0, 1]), y.flatten(0, -1)];
        for t in views {
            assert!(t.grad_fn().is_none() && t.is_leaf() && t.requires_grad());
        }
        for t in [y.repeat(&[2, 1]), y.flip(&[0])] {
            assert!(t.grad_fn().is_none() && t.is_leaf() && !t.requires_grad());
        }
    });
}
