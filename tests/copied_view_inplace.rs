//! In-place ops on the outputs of view ops that return copies here.
//!
//! PyTorch's `t`, `transpose`, `permute`, `narrow`, `slice`, `select`, `expand`/`broadcast_to`,
//! `split` and `chunk` return views: an in-place write to one writes its input (`x.t().add_(100.)` changes `x`).
//! Here they return copies (tensors have no strides), so such a write would silently leave the
//! input unchanged; the in-place ops refuse it instead, naming the op, the view op and the
//! shape, and saying what to do. Where PyTorch 2.15.0 itself refuses the write, its sentence
//! comes first (quoted from `/tmp/torchenv` runs of the Python snippets in the comments).
//! Views that share storage here (`reshape`, `view`, `squeeze`, `unsqueeze`, `detach`) write
//! through as in PyTorch, but a view of a copy is still a copy.

mod ops_support;

use autograd::{no_grad, GradModeGuard, Tensor};
use ops_support::panic_message;

/// Runs `f` with grad mode `enabled`.
fn with_grad_mode<R>(enabled: bool, f: impl FnOnce() -> R) -> R {
    let _mode = GradModeGuard::new(enabled);
    f()
}

/// `torch.arange(6.).reshape(2, 3)`, float64, requiring no grad.
fn base() -> Tensor {
    Tensor::arange(6.0).double().reshape(&[2, 3])
}

/// An in-place write to a tensor.
type Write = fn(&Tensor);

/// A view op applied to a tensor.
type View = fn(&Tensor) -> Tensor;

/// Every in-place method, applied to `t` (a number or a tensor of `t`'s shape as operand).
const INPLACE_OPS: [(&str, Write); 8] = [
    ("add_", |t| {
        t.add_(1.0);
    }),
    ("sub_", |t| {
        t.sub_(1.0);
    }),
    ("mul_", |t| {
        t.mul_(2.0);
    }),
    ("div_", |t| {
        t.div_(2.0);
    }),
    ("fill_", |t| {
        t.fill_(7.0);
    }),
    ("zero_", |t| {
        t.zero_();
    }),
    ("copy_", |t| {
        t.copy_(&Tensor::ones(t.shape()).double());
    }),
    ("clamp_", |t| {
        t.clamp_(0.0, 1.0);
    }),
];

/// The out-of-place op each message suggests.
fn out_of_place(op: &str) -> &'static str {
    match op {
        "add_" => "`add`",
        "sub_" => "`sub`",
        "mul_" => "`mul`",
        "div_" => "`div`",
        "fill_" => "`full_like`",
        "zero_" => "`zeros_like`",
        "copy_" => "`expand` of the source",
        _ => "`clamp`",
    }
}

/// The view ops that copy here, each with a view of `base()` that repeats no element.
const COPYING_VIEWS: [(&str, View); 11] = [
    ("t", |x| x.t()),
    ("transpose", |x| x.transpose(0, 1)),
    ("narrow", |x| x.narrow(1, 1, 2)),
    ("slice", |x| x.slice(1, 0, isize::MAX, 2)),
    // [2, 3] -> [1, 2, 3]: a new dim of 1, so PyTorch's view repeats nothing.
    ("expand", |x| x.expand(&[1, 2, 3])),
    ("broadcast_to", |x| x.broadcast_to(&[1, 2, 3])),
    ("split", |x| x.split(1, 0).swap_remove(1)),
    ("split_with_sizes", |x| {
        x.split_with_sizes(&[1, 2], 1).swap_remove(1)
    }),
    ("chunk", |x| x.chunk(2, 0).swap_remove(0)),
    ("select", |x| x.select(1, 2)),
    ("permute", |x| x.permute(&[1, 0])),
];

/// Asserts `write` panics with the copy message for `op` on a tensor of `shape` made by `view`.
#[track_caller]
fn assert_refused_copy(op: &str, view: &str, shape: &[usize], write: impl FnOnce()) {
    let message = panic_message(write);
    let expected = format!(
        "{op}: this tensor (shape {shape:?}) was made by `{view}`, which in this library returns a copy of its input's elements, not a view of them as in PyTorch: the in-place write would not reach the input, as it would in PyTorch. Write into the input itself, use the out-of-place {} instead, or call `deep_clone()` first to make an independent tensor (outside the graph)",
        out_of_place(op)
    );
    assert_eq!(message, expected);
}

/// PyTorch's sentence for an in-place change of a view of a leaf that requires grad.
const VIEW_OF_LEAF: &str =
    "a view of a leaf Variable that requires grad is being used in an in-place operation.";

/// PyTorch's sentence for an in-place change of a view whose elements repeat.
const OVERLAP: &str = "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.";

/// PyTorch's sentence for an in-place change of output `slot` of `node` (a view made by an op
/// returning several views, or a view of one).
fn multi_output(slot: usize, node: &str) -> String {
    format!("Output {slot} of {node} is a view and is being modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.")
}

#[test]
fn every_inplace_op_refuses_every_copying_view_in_both_grad_modes() {
    // torch: x = torch.arange(6.).reshape(2, 3); x.t().add_(1.) changes x (and so for every
    // view op and in-place op here); the copy would not, so the write is refused.
    for (view, make) in COPYING_VIEWS {
        for (op, write) in INPLACE_OPS {
            for grad_mode in [true, false] {
                let x = base();
                let v = make(&x);
                let shape = v.shape().to_vec();
                let attempt = || with_grad_mode(grad_mode, || write(&v));
                assert_refused_copy(op, view, &shape, attempt);
                assert_eq!(x.to_vec(), vec![0., 1., 2., 3., 4., 5.], "{view} {op}");
                assert_eq!((x.version(), v.version()), (0, 0), "{view} {op}");
            }
        }
    }
}

#[test]
fn a_copy_of_a_leaf_that_requires_grad_is_refused_under_no_grad() {
    // torch: with torch.no_grad(): x.t().add_(1.) updates the leaf x; here it would not.
    let x = base().requires_grad_(true);
    let v = x.t();
    assert_refused_copy("add_", "t", &[3, 2], || {
        no_grad(|| v.add_(1.0));
    });
    let v = x.narrow(0, 1, 1);
    assert_refused_copy("copy_", "narrow", &[1, 3], || {
        no_grad(|| v.copy_(&Tensor::ones(&[3]).double()));
    });
}

#[test]
fn storage_sharing_views_of_a_copy_are_copies_too() {
    // A reshape of x.t() shares the copy's storage: writing it would not reach x either.
    // (PyTorch's `x.t().reshape(6)` is a copy too, as strides cannot express it, and writing
    // it passes there; `x.narrow(0, 0, 1).reshape(3)` is a view writing x. Without strides
    // the two are not told apart: both are refused.)
    let x = base();
    let shared: [(&str, View); 6] = [
        ("reshape", |v| v.reshape(&[6])),
        ("view", |v| v.view(&[2, 3])),
        ("unsqueeze", |v| v.unsqueeze(0)),
        ("squeeze", |v| v.unsqueeze(1).squeeze(1)),
        ("detach", |v| v.detach()),
        ("data", |v| v.data()),
    ];
    for (name, make) in shared {
        let v = make(&x.t());
        let shape = v.shape().to_vec();
        assert_refused_copy("mul_", "t", &shape, || {
            v.mul_(2.0);
        });
        assert_eq!(x.to_vec(), vec![0., 1., 2., 3., 4., 5.], "{name}");
    }
    // A view op of a copy names itself: x.t().narrow(...) is narrow's copy.
    let v = x.t().narrow(0, 0, 2);
    assert_refused_copy("fill_", "narrow", &[2, 2], || {
        v.fill_(1.0);
    });
    // Handles on the same tensor are the same tensor.
    let v = x.transpose(0, 1).to_dtype(autograd::DType::F64);
    assert_refused_copy("zero_", "transpose", &[3, 2], || {
        v.zero_();
    });
}

#[test]
fn copies_stay_fully_usable_out_of_place() {
    // torch: x = torch.arange(6.).reshape(2, 3).requires_grad_(); y = x.t() * w ...
    let x = base().requires_grad_(true);
    let w = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0], &[3, 2]);
    let v = x.t();
    assert_eq!(v.to_vec(), vec![0., 3., 1., 4., 2., 5.]);
    assert_eq!(v.shape(), &[3, 2]);
    let y = (&v * &w).sum() + x.narrow(1, 0, 1).sum() + x.expand(&[2, 2, 3]).sum();
    y.backward();
    // d/dx of sum(x.t() * w) is w.t(); narrow adds 1 on column 0; expand adds 2 everywhere.
    assert_eq!(x.grad().unwrap().to_vec(), vec![4., 5., 7., 5., 6., 8.]);
    // Results of out-of-place ops on copies are new tensors: writable.
    let sum = &v + 1.0;
    sum.add_(1.0);
    assert_eq!(sum.to_vec(), vec![2., 5., 3., 6., 4., 7.]);
    let converted = v.detach().float();
    converted.mul_(2.0);
    assert_eq!(converted.to_vec(), vec![0., 6., 2., 8., 4., 10.]);
    assert_eq!(v.to_vec(), vec![0., 3., 1., 4., 2., 5.]);
}

#[test]
fn deep_clone_makes_an_independent_writable_tensor() {
    let x = base();
    let v = x.t().deep_clone();
    v.add_(100.0);
    assert_eq!(v.to_vec(), vec![100., 103., 101., 104., 102., 105.]);
    assert_eq!(x.to_vec(), vec![0., 1., 2., 3., 4., 5.]);
    // Its views are plain views of it.
    v.reshape(&[6]).zero_();
    assert_eq!(v.to_vec(), vec![0.0; 6]);
}

#[test]
fn gradients_made_by_view_ops_are_writable_grads() {
    // x.grad after backward through t, expand (sum_dim) and narrow (cat) is a tensor of its
    // own, as in PyTorch (which copies such strided gradients into .grad): in-place updates
    // of it (gradient clipping, zeroing) work.
    let x = base().requires_grad_(true);
    let other = Tensor::ones(&[2, 1]).double();
    let y = x.t().sum() + x.sum_dim(1, false).sum() + Tensor::cat(&[&x, &other], 1).sum();
    y.backward();
    let grad = x.grad().unwrap();
    assert_eq!(grad.to_vec(), vec![3.0; 6]);
    grad.mul_(0.5);
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.5; 6]);
    x.grad().unwrap().zero_();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0; 6]);
    // A linear layer's weight reaches its gradient through `t`.
    let w = Tensor::ones(&[2, 3]).double().requires_grad_(true);
    base().matmul(&w.t()).sum().backward();
    w.grad().unwrap().clamp_(0.0, 4.0);
    assert_eq!(w.grad().unwrap().to_vec(), vec![3., 4., 4., 3., 4., 4.]);
}

#[test]
fn matmul_results_are_writable() {
    // matmul transposes internally ([n, k] x [b, k, p] as (b^T a^T)^T); its result is PyTorch's
    // view of a fresh product, which nobody else sees: writable in place.
    let a = Tensor::ones(&[3, 2]).double().requires_grad_(true);
    let b = Tensor::ones(&[4, 2, 1]).double();
    let y = a.matmul(&b);
    assert_eq!(y.shape(), &[4, 3, 1]);
    y.mul_(2.0);
    y.sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![8.0; 6]);
}

#[test]
fn storage_sharing_views_still_write_through() {
    // torch: x.reshape(6).add_(1.) (and unsqueeze, view, detach, a 1-d t(), transpose(0, 0),
    // expand to the same shape) change x.
    let x = base();
    x.reshape(&[6]).add_(1.0);
    x.unsqueeze(0).mul_(2.0);
    x.view(&[3, 2]).sub_(1.0);
    x.detach().div_(1.0);
    x.transpose(0, 0).add_(1.0);
    x.expand(&[2, 3]).add_(1.0);
    assert_eq!(x.to_vec(), vec![3., 5., 7., 9., 11., 13.]);
    let v = Tensor::arange(3.0).double();
    v.t().fill_(4.0);
    assert_eq!(v.to_vec(), vec![4.0; 3]);
    // ... also views of a leaf that requires grad, under no_grad (an optimizer's update).
    let w = base().requires_grad_(true);
    no_grad(|| {
        w.reshape(&[6]).add_(1.0);
    });
    assert_eq!(w.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
}

#[test]
fn views_of_a_leaf_that_requires_grad_get_pytorchs_refusal() {
    // torch: x = torch.arange(6.).reshape(2, 3).requires_grad_(); x.t().add_(1.) raises
    // "a view of a leaf Variable that requires grad is being used in an in-place operation."
    // for every view op, including the storage-sharing ones and views of views.
    let views: [(&str, View); 11] = [
        ("t", |x| x.t()),
        ("transpose", |x| x.transpose(0, 1)),
        ("narrow", |x| x.narrow(0, 0, 1)),
        ("slice", |x| x.slice(0, 0, 1, 1)),
        ("expand", |x| x.narrow(0, 0, 1).expand(&[2, 3])),
        ("broadcast_to", |x| x.broadcast_to(&[2, 2, 3])),
        ("reshape", |x| x.reshape(&[3, 2])),
        ("unsqueeze", |x| x.unsqueeze(0)),
        ("squeeze", |x| x.unsqueeze(0).squeeze(0)),
        ("t of a 1-d view", |x| x.reshape(&[6]).t()),
        ("t of a reshape", |x| x.reshape(&[3, 2]).t()),
    ];
    for (name, make) in views {
        for (op, write) in INPLACE_OPS {
            let x = base().requires_grad_(true);
            let v = make(&x);
            let message = panic_message(|| write(&v));
            let expected = format!(
                "{op}: {VIEW_OF_LEAF} (shape {:?}; update the leaf itself inside no_grad(|| ...))",
                v.shape()
            );
            assert_eq!(message, expected, "{name}");
            assert_eq!(x.to_vec(), vec![0., 1., 2., 3., 4., 5.], "{name} {op}");
        }
    }
    // A view made under no_grad requires no grad: PyTorch's check does not apply (and the
    // copy is refused as a copy).
    let x = base().requires_grad_(true);
    let v = no_grad(|| x.t());
    assert_refused_copy("add_", "t", &[3, 2], || {
        v.add_(1.0);
    });
}

#[test]
fn pieces_of_split_and_chunk_that_require_grad_get_pytorchs_refusal() {
    // torch: x = torch.arange(6.).reshape(2, 3).requires_grad_(); x.chunk(2, 1)[1].add_(1.)
    // raises "Output 1 of Split is a view and is being modified inplace. ..." (chunk records
    // SplitBackward0); the same for a non-leaf x = leaf * 1.
    let leaf = base().requires_grad_(true);
    let non_leaf = &leaf * 1.0;
    for x in [&leaf, &non_leaf] {
        let pieces = x.chunk(2, 1);
        let message = panic_message(|| {
            pieces[1].add_(1.0);
        });
        assert_eq!(
            message,
            format!("add_: {} (shape [2, 1])", multi_output(1, "Split"))
        );
        // torch: x.split([1, 1])[0].fill_(1.): "Output 0 of SplitWithSizes ...".
        let pieces = x.split_with_sizes(&[1, 1], 0);
        let message = panic_message(|| {
            pieces[0].fill_(1.0);
        });
        assert!(message.starts_with(&format!("fill_: {}", multi_output(0, "SplitWithSizes"))));
        // torch: x.split(1)[1].unsqueeze(0).add_(1.): "Output 0 of Unsqueeze ..."; with
        // .squeeze(0): "of Squeeze1"; .t(): "of T".
        let piece = x.split(1, 0).swap_remove(1);
        let message = panic_message(|| {
            piece.unsqueeze(0).mul_(2.0);
        });
        assert!(message.starts_with(&format!("mul_: {}", multi_output(0, "Unsqueeze"))));
        let message = panic_message(|| {
            piece.squeeze(0).div_(2.0);
        });
        assert!(message.starts_with(&format!("div_: {}", multi_output(0, "Squeeze1"))));
        let message = panic_message(|| {
            piece.t().zero_();
        });
        assert!(message.starts_with(&format!("zero_: {}", multi_output(0, "T"))));
        // A reshape that only drops or adds dims of size 1 is a view in PyTorch whatever the
        // strides. torch: x.split(1)[1].reshape(3).add_(1.): "Output 0 of View ...".
        let message = panic_message(|| {
            piece.reshape(&[3]).add_(1.0);
        });
        assert!(message.starts_with(&format!("add_: {}", multi_output(0, "View"))));
        // torch: x.split(1)[1].detach().add_(1.) writes x; here it would not.
        assert_refused_copy("add_", "split", &[1, 3], || {
            piece.detach().add_(1.0);
        });
    }
    // torch: torch.zeros(0, 3, requires_grad=True).chunk(2)[1].add_(1.): an empty dim is cut
    // with split_with_sizes.
    let empty = Tensor::zeros(&[0, 3]).requires_grad_(true);
    let pieces = empty.chunk(2, 0);
    let message = panic_message(|| {
        pieces[1].add_(1.0);
    });
    assert!(message.starts_with(&format!("add_: {}", multi_output(1, "SplitWithSizes"))));
    // Under no_grad PyTorch writes the pieces through: here they are refused as copies.
    let x = base().requires_grad_(true);
    let piece = x.split(1, 0).swap_remove(0);
    assert_refused_copy("add_", "split", &[1, 3], || {
        no_grad(|| piece.add_(1.0));
    });
}

#[test]
fn a_broadcasting_expand_gets_pytorchs_overlap_refusal() {
    // torch: x.narrow(0, 0, 1).expand(2, 3).add_(1.) raises the overlap error in any grad
    // mode (also through detach()); fill_ and zero_ pass there (so here they are refused as
    // copies).
    for (op, write) in INPLACE_OPS {
        for grad_mode in [true, false] {
            let x = base();
            let v = x.narrow(0, 0, 1).expand(&[2, 3]);
            let message = panic_message(|| with_grad_mode(grad_mode, || write(&v)));
            if matches!(op, "fill_" | "zero_") {
                assert!(message.contains("was made by `expand`"), "{message}");
                continue;
            }
            assert_eq!(
                message,
                format!("{op}: {OVERLAP} (shape [2, 3], made by `expand`, which repeats elements; `deep_clone()` makes an independent copy)")
            );
        }
    }
    // ... also through detach() and transposes, which are views there too.
    let x = base();
    for v in [
        x.narrow(0, 0, 1).broadcast_to(&[2, 3]).detach(),
        x.expand(&[2, 2, 3]).transpose(0, 2),
        x.expand(&[2, 2, 3]).unsqueeze(0),
    ] {
        let message = panic_message(|| {
            v.sub_(1.0);
        });
        assert!(
            message.starts_with(&format!("sub_: {OVERLAP}")),
            "{message}"
        );
    }
    // torch: x.expand(2, 2, 3).reshape(12) is a copy (strides cannot express it) and
    // x.expand(2, 2, 3).reshape(12).sub_(1.) passes: no PyTorch sentence, the copy refusal.
    assert_refused_copy("sub_", "expand", &[12], || {
        x.expand(&[2, 2, 3]).reshape(&[12]).sub_(1.0);
    });
}
