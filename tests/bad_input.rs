//! Issue 6 part 5: bad input. Each case checks the message (it names the op, the shapes or
//! values involved and what was expected) and that the failing call modified nothing: the
//! inputs' values, versions and `.grad()` are as before, and a graph whose backward was
//! refused can still be backwarded correctly.
//!
//! NaN and infinity are not errors: they propagate as in PyTorch; see `bad_input_nan.rs`.

use autograd::{no_grad, DType, Tensor};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while a panic is expected on this thread, so the hook does not print it.
    static EXPECTING: Cell<bool> = const { Cell::new(false) };
}

/// What a failing call must leave alone.
#[derive(Debug, PartialEq)]
struct State {
    shape: Vec<usize>,
    values: Vec<f64>,
    version: u64,
    grad: Option<Vec<f64>>,
}

fn state(t: &Tensor) -> State {
    State {
        shape: t.shape().to_vec(),
        values: t.to_vec(),
        version: t.version(),
        grad: t.grad().map(|g| g.to_vec()),
    }
}

/// Runs `f`, which must panic with a message containing every one of `parts`, and checks
/// that `tensors` are unchanged.
#[track_caller]
fn panics_with<R>(parts: &[&str], tensors: &[&Tensor], f: impl FnOnce() -> R) {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !EXPECTING.with(Cell::get) {
                default(info);
            }
        }));
    });
    let before: Vec<State> = tensors.iter().map(|t| state(t)).collect();
    EXPECTING.with(|e| e.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    EXPECTING.with(|e| e.set(false));
    let payload = result.err().expect("expected a panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    for part in parts {
        assert!(message.contains(part), "message {message:?} lacks {part:?}");
    }
    let after: Vec<State> = tensors.iter().map(|t| state(t)).collect();
    assert_eq!(before, after, "a failing call modified its inputs");
}

/// An F64 leaf that requires grad, already holding a gradient (`[0.5, ...]`) and at version
/// 1, so a failing call that touched either would show.
fn used_leaf(data: &[f64], shape: &[usize]) -> Tensor {
    let x = Tensor::from_vec(data.to_vec(), shape).requires_grad_(true);
    (&x * 0.5).sum().backward();
    no_grad(|| x.add_(0.0));
    assert_eq!(x.version(), 1);
    x
}

fn leaf23() -> Tensor {
    used_leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3])
}

#[test]
fn data_length_that_does_not_fit_the_shape() {
    panics_with(
        &["from_vec", "5 elements", "[2, 3]", "needs 6"],
        &[],
        || Tensor::from_vec(vec![1.0f64; 5], &[2, 3]),
    );
    panics_with(&["from_vec", "0 elements", "[]", "needs 1"], &[], || {
        Tensor::from_vec(Vec::<f32>::new(), &[])
    });
}

#[test]
fn shapes_that_do_not_broadcast() {
    let (a, b) = (leaf23(), used_leaf(&[1., 2., 3., 4.], &[4]));
    for (op, f) in [
        ("add", Tensor::add as fn(&Tensor, &Tensor) -> Tensor),
        ("sub", Tensor::sub),
        ("mul", Tensor::mul),
        ("div", Tensor::div),
        ("maximum", Tensor::maximum),
        ("minimum", Tensor::minimum),
    ] {
        let parts = [op, "[2, 3]", "[4]", "do not broadcast"];
        panics_with(&parts, &[&a, &b], || f(&a, &b));
    }
    panics_with(&["add", "[2, 3]", "[4]"], &[&a, &b], || &a + &b);
    panics_with(
        &["mse_loss", "[2, 3]", "[4]", "do not broadcast"],
        &[&a, &b],
        || a.mse_loss(&b),
    );
    let cond = Tensor::ones(&[2, 3]).gt(0.0);
    panics_with(
        &["where", "[2, 3]", "[4]", "do not broadcast"],
        &[&a, &b],
        || Tensor::where_cond(&cond, &a, &b),
    );
    let mask = Tensor::ones(&[4]).gt(0.0);
    panics_with(&["masked_fill", "[2, 3]", "[4]"], &[&a], || {
        a.masked_fill(&mask, 0.0)
    });
    panics_with(&["expand", "[2, 4]", "[2, 3]"], &[&a], || a.expand(&[2, 4]));
    panics_with(&["sum_to_size", "[4]", "[2, 3]"], &[&a], || {
        a.sum_to_size(&[4])
    });
    // In place: the result must keep self's shape; nothing is written on failure.
    let c = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]);
    panics_with(&["add_", "[3]", "[2, 3]"], &[&c, &a], || {
        no_grad(|| c.add_(&a).clone())
    });
    panics_with(&["copy_", "[2, 3]", "[3]"], &[&c, &a], || {
        no_grad(|| c.copy_(&a).clone())
    });
}

#[test]
fn matmul_with_mismatched_inner_sizes() {
    let (a, b) = (leaf23(), used_leaf(&[1.; 20], &[4, 5]));
    panics_with(&["matmul", "2x3", "4x5", "must match"], &[&a, &b], || {
        a.matmul(&b)
    });
    panics_with(&["matmul", "2x3", "4x5"], &[&a, &b], || a.mm(&b));
    let (p, q) = (
        used_leaf(&[1.; 12], &[2, 2, 3]),
        used_leaf(&[1.; 40], &[2, 4, 5]),
    );
    panics_with(
        &["matmul", "[2, 2, 3]", "[2, 4, 5]", "(3)", "(4)"],
        &[&p, &q],
        || p.matmul(&q),
    );
    panics_with(&["bmm", "[2, 2, 3]", "[2, 4, 5]"], &[&p, &q], || p.bmm(&q));
    let r = used_leaf(&[1.; 36], &[3, 3, 4]);
    panics_with(
        &["matmul", "batch dims [2] and [3]", "do not broadcast"],
        &[&p, &r],
        || p.matmul(&r),
    );
    let v = used_leaf(&[1.; 4], &[4]);
    panics_with(&["mv", "2x3", "(4)"], &[&a, &v], || a.matmul(&v));
    let w = used_leaf(&[1.; 3], &[3]);
    panics_with(&["dot", "[3]", "[4]"], &[&w, &v], || w.matmul(&v));
    let s = used_leaf(&[1.], &[]);
    panics_with(&["matmul", "at least 1D", "0D"], &[&s, &w], || s.matmul(&w));
}

#[test]
fn reshape_to_a_different_element_count() {
    let a = leaf23();
    panics_with(&["reshape", "[4]", "size 6", "[2, 3]"], &[&a], || {
        a.reshape(&[4])
    });
    panics_with(&["reshape", "[7]", "size 6"], &[&a], || a.view(&[7]));
}

#[test]
fn a_dim_out_of_range() {
    let a = leaf23();
    let range = "expected to be in range of [-2, 1], but got 2";
    panics_with(&["sum_dim", range], &[&a], || a.sum_dim(2, false));
    panics_with(&["mean_dim", "but got -3"], &[&a], || a.mean_dim(-3, true));
    panics_with(&["softmax", range], &[&a], || a.softmax(2));
    panics_with(&["log_softmax", range], &[&a], || a.log_softmax(2));
    panics_with(&["logsumexp", range], &[&a], || a.logsumexp(2, false));
    panics_with(&["transpose", "but got 5"], &[&a], || a.transpose(0, 5));
    panics_with(&["unsqueeze", "[-3, 2], but got 3"], &[&a], || {
        a.unsqueeze(3)
    });
    panics_with(&["squeeze", range], &[&a], || a.squeeze(2));
    panics_with(&["max", range], &[&a], || a.max_dim(2, false));
    panics_with(&["narrow", range], &[&a], || a.narrow(2, 0, 1));
    panics_with(&["index_select", range], &[&a], || a.index_select(2, &[0]));
    panics_with(&["cat", range], &[&a], || Tensor::cat(&[&a, &a], 2));
    panics_with(&["stack", "[-3, 2], but got 3"], &[&a], || {
        Tensor::stack(&[&a, &a], 3)
    });
    panics_with(&["split", range], &[&a], || a.split(1, 2));
    // An index, not a dim, out of range.
    panics_with(
        &["index_select", "index 3", "dimension 1 with size 3"],
        &[&a],
        || a.index_select(1, &[0, 3]),
    );
    panics_with(&["gather", "index 2", "size 2"], &[&a], || {
        a.gather(0, &[0, 2], &[1, 2])
    });
    panics_with(
        &["narrow", "start (2)", "length (2)", "size (3)"],
        &[&a],
        || a.narrow(1, 2, 2),
    );
    panics_with(&["t", "3D", "[1, 2, 3]"], &[], || {
        Tensor::zeros(&[1, 2, 3]).t()
    });
    panics_with(&["nll_loss", "Target 3", "[2, 3]"], &[&a], || {
        a.nll_loss(&[0, 3])
    });
    panics_with(
        &["cross_entropy", "batch_size (2)", "batch_size (1)"],
        &[&a],
        || a.cross_entropy(&[0]),
    );
    panics_with(&["max()", "numel() == 0"], &[], || {
        Tensor::zeros(&[0]).max()
    });
}

#[test]
fn joins_cuts_and_arguments_out_of_their_domain() {
    let a = leaf23();
    let b = used_leaf(&[1.; 4], &[2, 2]);
    panics_with(
        &[
            "cat",
            "Sizes of tensors must match except in dimension 0",
            "[2, 3]",
            "[2, 2]",
        ],
        &[&a, &b],
        || Tensor::cat(&[&a, &b], 0),
    );
    panics_with(
        &["cat", "same number of dimensions", "[2, 3]", "[3]"],
        &[&a],
        || Tensor::cat(&[&a, &Tensor::zeros(&[3])], 0),
    );
    panics_with(&["cat", "non-empty list"], &[], || Tensor::cat(&[], 0));
    panics_with(&["cat", "zero-dimensional"], &[], || {
        Tensor::cat(&[&Tensor::scalar(1.0)], 0)
    });
    panics_with(&["stack", "[2, 3]", "[2, 2]"], &[&a, &b], || {
        Tensor::stack(&[&a, &b], 0)
    });
    panics_with(
        &["split_with_sizes", "sum exactly to 3", "[1, 1]"],
        &[&a],
        || a.split_with_sizes(&[1, 1], 1),
    );
    panics_with(&["chunk", "greater than 0"], &[&a], || a.chunk(0, 0));
    panics_with(&["split", "split_size", "size of 3"], &[&a], || {
        a.split(0, 1)
    });
    panics_with(&["slice", "step must be positive"], &[&a], || {
        a.slice(0, 0, 1, 0)
    });
    panics_with(&["index_select", "0-dim", "got 2"], &[], || {
        Tensor::scalar(1.0).index_select(0, &[0, 0])
    });
    panics_with(
        &["gather", "same number of dimensions", "[2]", "[2, 3]"],
        &[&a],
        || a.gather(0, &[0, 1], &[2]),
    );
    panics_with(&["gather", "2 values", "[3]"], &[&a], || {
        a.gather(0, &[0, 1], &[3])
    });
    panics_with(&["nll_loss", "[C] or [N, C]", "[1, 2, 3]"], &[], || {
        Tensor::zeros(&[1, 2, 3]).nll_loss(&[0])
    });
    panics_with(&["dropout", "between 0 and 1", "1.5"], &[&a], || {
        a.dropout(1.5, true)
    });
    panics_with(&["masked_fill", "boolean", "torch.float64"], &[&a], || {
        a.masked_fill(&a, 0.0)
    });
    panics_with(&["register_hook", "doesn't require gradient"], &[], || {
        Tensor::zeros(&[1]).register_hook(|_| None)
    });
}

#[test]
fn mixing_dtypes() {
    let a32 = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).requires_grad_(true);
    let b64 = used_leaf(&[1., 0., 0., 1.], &[2, 2]);
    // matmul does not promote (PyTorch neither): the message names both dtypes and shapes.
    let parts = ["matmul", "torch.float32 [2, 2]", "torch.float64 [2, 2]"];
    panics_with(&parts, &[&a32, &b64], || a32.matmul(&b64));
    panics_with(&["bmm", "torch.float32", "torch.float64"], &[], || {
        Tensor::zeros(&[1, 2, 2]).bmm(&Tensor::zeros(&[1, 2, 2]).double())
    });
    // Elementwise ops promote to F64 as PyTorch does; the F32 leaf's gradient comes back F32.
    let y = &a32 * &b64;
    assert_eq!(y.dtype(), DType::F64);
    assert_eq!(y.to_vec(), vec![1., 0., 0., 4.]);
    y.sum().backward();
    let g = a32.grad().unwrap();
    assert_eq!(g.dtype(), DType::F32);
    assert_eq!(g.to_vec(), vec![1., 0., 0., 1.]);
    // d/db sum(a * b) = a, added to b's earlier 0.5s.
    assert_eq!(b64.grad().unwrap().to_vec(), vec![1.5, 2.5, 3.5, 4.5]);
    let joined = Tensor::cat(&[&Tensor::zeros(&[1]), &Tensor::zeros(&[1]).double()], 0);
    assert_eq!(joined.dtype(), DType::F64);
    // Bool tensors are not numbers.
    let mask = Tensor::ones(&[2, 2]).gt(0.0);
    panics_with(
        &["add", "floating point", "torch.bool [2, 2]"],
        &[&b64],
        || &b64 + &mask,
    );
    panics_with(&["sum", "torch.bool"], &[], || mask.sum());
    panics_with(&["where", "boolean", "torch.float64"], &[&b64], || {
        Tensor::where_cond(&b64, &b64, &b64)
    });
}

#[test]
fn backward_twice() {
    let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true);
    let y = (&x * &x).sum();
    y.backward();
    let before = state(&x);
    let err = y.try_backward().unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("backward through the graph a second time"),
        "{text}"
    );
    assert!(
        text.contains("MulBackward0") && text.contains("retain_graph=True"),
        "{text}"
    );
    assert_eq!(state(&x), before, "a failed backward leaves .grad alone");
    panics_with(&["a second time", "MulBackward0"], &[&x], || y.backward());
}

#[test]
fn a_gradient_of_the_wrong_shape_or_dtype() {
    let x = used_leaf(&[1., 2.], &[2]);
    let y = &x * 3.0;
    let wrong_shape = Tensor::ones(&[3]).double();
    let shape_text =
        "grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2])";
    let err = y.try_backward_with(&wrong_shape).unwrap_err();
    assert!(err.to_string().contains(shape_text), "{err}");
    panics_with(&[shape_text], &[&x], || y.backward_with(&wrong_shape));
    let bool_grad = Tensor::ones(&[2]).gt(0.0);
    let dtype_text = "grad_output[0] has dtype torch.bool but a floating point gradient is needed for output[0] of dtype torch.float64";
    panics_with(&[dtype_text], &[&x], || y.backward_with(&bool_grad));
    panics_with(&["only for scalar outputs", "[2]"], &[&x], || y.backward());
    let err = autograd::backward(&[&y])
        .grad_tensors(&[&Tensor::ones(&[2]), &Tensor::ones(&[2])])
        .run()
        .unwrap_err();
    assert!(err.to_string().contains("got 1 tensors and 2 gradients"));
    let err = Tensor::ones(&[1]).try_backward().unwrap_err();
    assert!(err
        .to_string()
        .contains("does not require grad and does not have a grad_fn"));
    let constant = Tensor::ones(&[2]);
    let err = autograd::grad(&[&y.sum()], &[&constant]).run().unwrap_err();
    assert!(
        err.to_string()
            .contains("One of the differentiated Tensors does not require grad (input 0)"),
        "{err}"
    );
    let unused = Tensor::ones(&[2]).requires_grad_(true);
    let err = autograd::grad(&[&y.sum()], &[&unused]).run().unwrap_err();
    assert!(
        err.to_string().contains("appears to not have been used"),
        "{err}"
    );
    // Every refusal came before the walk: the graph still works, x.grad = 0.5 + 3 * [1, 2].
    y.backward_with(&Tensor::from_vec(vec![1.0f64, 2.0], &[2]));
    assert_eq!(x.grad().unwrap().to_vec(), vec![3.5, 6.5]);
}

#[test]
fn in_place_refusals_modify_nothing() {
    let x = used_leaf(&[1., 2.], &[2]);
    panics_with(
        &["add_", "leaf Variable that requires grad", "[2]"],
        &[&x],
        || x.add_(1.0).clone(),
    );
    // A tensor saved for backward, then modified: the backward fails, no grad changes.
    let w = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
    let y = (&x * &w).sum();
    w.add_(1.0);
    let before = state(&x);
    let err = y.try_backward().unwrap_err();
    assert!(
        err.to_string().contains("modified by an inplace operation"),
        "{err}"
    );
    // w is a leaf: the text names its type and shape (as PyTorch), the error the failing node.
    assert!(err
        .to_string()
        .contains("[torch.DoubleTensor [2]] is at version 1"));
    assert!(
        matches!(&err, autograd::AutogradError::ModifiedInPlace { node, .. } if node == "MulBackward0")
    );
    assert_eq!(state(&x), before);
}
