//! In-place changes to tensors a backward needs, against PyTorch 2.15.0: the backward fails
//! with PyTorch's "one of the variables needed for gradient computation has been modified by
//! an inplace operation: ..." where PyTorch's does, naming the same tensor type, shape,
//! versions and producing node, and succeeds where PyTorch's does.
//!
//! Expected texts are torch 2.15.0's own (`/tmp/torchenv`, the Python snippet in each test's
//! comment), compared up to its hint ([`torch_text`]); the last test compares a whole message.
//! torch 2.15.0 names a node without `Backward` (`Min1` for `MinBackward1`, `AsStrided` for
//! `AsStridedBackward0`) and hints at `set_detect_anomaly(True, check_nan=False)`.

mod ops_support;

use autograd::{detect_anomaly, no_grad, AutogradError, DType, Tensor};
use ops_support::panic_message;

/// `torch.arange(1., n + 1).reshape(shape)`, float64.
fn arange(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::arange_step(1.0, n as f64 + 1.0, 1.0)
        .double()
        .reshape(shape)
}

/// The message of `err` as torch 2.15.0 words it, up to its hint: node names without
/// `Backward` and a `0` after it.
fn torch_text(err: &AutogradError) -> String {
    let text = err.to_string();
    text.split(" Hint:").next().expect("a message").to_string()
}

/// The error of a backward that must fail.
#[track_caller]
fn backward_error(y: &Tensor) -> AutogradError {
    y.sum().try_backward().expect_err("the backward must fail")
}

/// torch 2.15.0's sentence for a saved `[dtype shape]` (made by `node`, if named) found at
/// `found` instead of `expected`.
fn modified(tensor: &str, node: Option<&str>, found: u64, expected: u64) -> String {
    let which = node.map_or(String::new(), |n| format!(", which is output 0 of {n},"));
    format!("one of the variables needed for gradient computation has been modified by an inplace operation: [{tensor}]{which} is at version {found}; expected version {expected} instead.")
}

// ---- matmul: PyTorch saves views of the operands, which share their version counters ----

#[test]
fn matmul_with_a_broadcast_batch_detects_a_modified_operand() {
    // x = torch.tensor([[0., 1., 2., 3., 4.]], requires_grad=True)
    // w = torch.arange(1., 11.).reshape(2, 5, 1); y = x.matmul(w); w.fill_(0.)
    // y.sum().backward()  # w folds to w.mT.reshape(10, 5)... a [2, 5] view that mm saved
    let x = Tensor::from_vec(vec![0., 1., 2., 3., 4.], &[1, 5]).requires_grad_(true);
    let w = arange(&[2, 5, 1]);
    let y = x.matmul(&w);
    w.fill_(0.0);
    let err = backward_error(&y);
    assert_eq!(
        torch_text(&err),
        modified("torch.DoubleTensor [2, 5]", None, 1, 0)
    );
    let AutogradError::ModifiedInPlace { node, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(node, "MmBackward0");
    assert!(x.grad().is_none());
}

#[test]
fn matmul_with_a_broadcast_batch_is_unchanged_without_modification() {
    // same, without fill_: x.grad == [[7., 9., 11., 13., 15.]]
    let x = Tensor::from_vec(vec![0., 1., 2., 3., 4.], &[1, 5]).requires_grad_(true);
    x.matmul(&arange(&[2, 5, 1])).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![7., 9., 11., 13., 15.]);
}

#[test]
fn matmul_reports_the_dtype_and_the_versions_of_the_operand() {
    // float32: "[torch.FloatTensor [2, 5]] is at version 1; expected version 0"
    let x = Tensor::from_vec(vec![0f32, 1., 2., 3., 4.], &[1, 5]).requires_grad_(true);
    let w = arange(&[2, 5, 1]).to_dtype(DType::F32);
    let y = x.matmul(&w);
    w.fill_(0.0);
    assert_eq!(
        torch_text(&backward_error(&y)),
        modified("torch.FloatTensor [2, 5]", None, 1, 0)
    );
    // w.mul_(2.); y = x.matmul(w); w.fill_(0.); w.add_(1.): "at version 3; expected version 1"
    let x = Tensor::from_vec(vec![0., 1., 2., 3., 4.], &[1, 5]).requires_grad_(true);
    let w = arange(&[2, 5, 1]);
    w.mul_(2.0);
    let y = x.matmul(&w);
    w.fill_(0.0);
    w.add_(1.0);
    assert_eq!(
        torch_text(&backward_error(&y)),
        modified("torch.DoubleTensor [2, 5]", None, 3, 1)
    );
}

/// A `matmul` case: the operands' shapes, whether each requires grad, whether `a` (else `b`)
/// is modified, and PyTorch's saved view: its shape and producing node.
type MatmulCase = (
    &'static [usize],
    &'static [usize],
    (bool, bool),
    bool,
    &'static str,
    Option<&'static str>,
);

/// A view op, and the shape and producing node PyTorch names for its saved output.
type SavedView = (fn(&Tensor) -> Tensor, &'static str, Option<&'static str>);

/// `[a, b, a.matmul(b)]` for `arange` operands of `sa` and `sb` (requiring grad as `grads`
/// says), after `a` (or `b`) was multiplied by 2 under no_grad.
fn matmul_then_modify(
    sa: &[usize],
    sb: &[usize],
    grads: (bool, bool),
    modify_a: bool,
) -> [Tensor; 3] {
    let a = arange(sa).requires_grad_(grads.0);
    let b = arange(sb).requires_grad_(grads.1);
    let y = a.matmul(&b);
    no_grad(|| if modify_a { &a } else { &b }.mul_(2.0));
    [a, b, y]
}

#[test]
fn every_matmul_path_names_the_view_pytorch_saved() {
    // for (sa, sb, grads, modify) below: a = torch.arange(1., ...).reshape(sa) (and b), with
    // requires_grad as listed; y = a.matmul(b); with torch.no_grad(): a.mul_(2) (or b);
    // y.sum().backward(). A view that requires grad is named as the node PyTorch regenerates
    // for it once its base changed (AsStridedBackward0).
    let double = "torch.DoubleTensor";
    let cases: [MatmulCase; 14] = [
        // folded, the smaller operand requiring grad: (b^T a^T)^T
        (
            &[1, 5],
            &[2, 5, 1],
            (true, true),
            false,
            "[2, 5]",
            Some("AsStrided"),
        ),
        (
            &[1, 5],
            &[2, 5, 1],
            (true, true),
            true,
            "[5, 1]",
            Some("AsStrided"),
        ),
        (&[5], &[2, 5, 1], (true, false), false, "[2, 5]", None),
        (
            &[3, 4],
            &[2, 4, 5],
            (true, true),
            true,
            "[4, 3]",
            Some("AsStrided"),
        ),
        (&[2, 3, 4], &[4, 5], (false, true), true, "[6, 4]", None),
        (
            &[2, 3, 4],
            &[4],
            (true, true),
            true,
            "[6, 4]",
            Some("AsStrided"),
        ),
        (&[2, 3, 4], &[4, 5], (true, true), false, "[4, 5]", None),
        // a 3-d operand with a batch of 1 that requires grad is squeezed, then folded
        (
            &[2, 3, 4],
            &[1, 4, 5],
            (true, true),
            false,
            "[4, 5]",
            Some("AsStrided"),
        ),
        (
            &[1, 3, 4],
            &[2, 4, 1],
            (true, true),
            true,
            "[4, 3]",
            Some("AsStrided"),
        ),
        // broadcast batches (bmm of expanded views)
        (&[1, 5], &[2, 5, 1], (false, true), true, "[2, 1, 5]", None),
        (&[4], &[2, 4, 5], (false, true), true, "[2, 1, 4]", None),
        (
            &[1, 3, 4],
            &[2, 4, 5],
            (false, true),
            true,
            "[2, 3, 4]",
            None,
        ),
        (
            &[2, 3, 4],
            &[1, 4, 5],
            (true, false),
            false,
            "[2, 4, 5]",
            None,
        ),
        // same batch: views of the operands themselves
        (
            &[2, 3, 4],
            &[2, 4, 5],
            (true, true),
            true,
            "[2, 3, 4]",
            Some("AsStrided"),
        ),
    ];
    for (sa, sb, grads, modify_a, shape, node) in cases {
        let [_a, _b, y] = matmul_then_modify(sa, sb, grads, modify_a);
        let case = format!("{sa:?} x {sb:?}, requires_grad {grads:?}, a modified: {modify_a}");
        assert_eq!(
            torch_text(&backward_error(&y)),
            modified(&format!("{double} {shape}"), node, 1, 0),
            "{case}"
        );
    }
}

#[test]
fn matmul_paths_where_pytorch_saves_copies_ignore_the_change() {
    // a = torch.arange(1., 13.).reshape(3, 4).requires_grad_(); b = torch.arange(1., 41.)
    // .reshape(2, 4, 5).requires_grad_(); y = a.matmul(b); with torch.no_grad(): b.mul_(2)
    // y.sum().backward() passes (b.mT does not fold into a matrix without a copy, which the
    // product saves): a.grad.sum() == 2460, b.grad.sum() == 780.
    let [a, b, y] = matmul_then_modify(&[3, 4], &[2, 4, 5], (true, true), false);
    y.sum().backward();
    assert_eq!(a.grad().unwrap().sum().item(), 2460.0);
    assert_eq!(b.grad().unwrap().sum().item(), 780.0);
    // a: [2, 1, 3, 4], b: [1, 2, 4, 5], both doubled under no_grad: the broadcast operands
    // are copies there too (reshape cannot view them); a.grad.sum() == 4920,
    // b.grad.sum() == 3000, from the values before the change.
    let a = arange(&[2, 1, 3, 4]).requires_grad_(true);
    let b = arange(&[1, 2, 4, 5]).requires_grad_(true);
    let y = a.matmul(&b);
    no_grad(|| {
        a.mul_(2.0);
        b.mul_(2.0);
    });
    y.sum().backward();
    assert_eq!(a.grad().unwrap().sum().item(), 4920.0);
    assert_eq!(b.grad().unwrap().sum().item(), 3000.0);
}

// ---- views that share storage are saved as views ----

#[test]
fn a_saved_view_that_requires_grad_names_the_regenerated_node() {
    // w = torch.arange(1., 7.).reshape(2, 3).requires_grad_() * 1; v = w.reshape(3, 2)
    // (or unsqueeze(0), unsqueeze(1).squeeze(1), expand(2, 3), detach())
    // y = (v * torch.ones(v.shape, requires_grad=True)).sum()
    // with torch.no_grad(): w.add_(1)
    // y.backward(): "[torch.DoubleTensor [3, 2]], which is output 0 of AsStrided, ..."; a
    // detach() requires no grad: no node.
    let views: [SavedView; 5] = [
        (|w| w.reshape(&[3, 2]), "[3, 2]", Some("AsStrided")),
        (|w| w.unsqueeze(0), "[1, 2, 3]", Some("AsStrided")),
        (|w| w.unsqueeze(1).squeeze(1), "[2, 3]", Some("AsStrided")),
        (|w| w.expand(&[2, 3]), "[2, 3]", Some("AsStrided")),
        (|w| w.detach(), "[2, 3]", None),
    ];
    for (make, shape, node) in views {
        let w = arange(&[2, 3]).requires_grad_(true) * 1.0;
        let v = make(&w);
        let c = Tensor::ones(v.shape()).double().requires_grad_(true);
        let y = &v * &c;
        no_grad(|| w.add_(1.0));
        assert_eq!(
            torch_text(&backward_error(&y)),
            modified(&format!("torch.DoubleTensor {shape}"), node, 1, 0)
        );
    }
}

// ---- min() and max() save their result ----

#[test]
fn a_modified_min_fails_its_backward() {
    // x = torch.tensor([3., 1., 2.], requires_grad=True); y = x.min(); z = y * 2.
    // with torch.no_grad(): y.mul_(3.)
    // z.sum().backward(): "[torch.DoubleTensor []], which is output 0 of Min1, is at version
    // 1; expected version 0 instead."
    let x = Tensor::from_vec(vec![3.0f64, 1.0, 2.0], &[3]).requires_grad_(true);
    let y = x.min();
    let z = &y * 2.0;
    no_grad(|| y.mul_(3.0));
    let err = backward_error(&z);
    assert_eq!(
        torch_text(&err),
        modified("torch.DoubleTensor []", Some("Min1"), 1, 0)
    );
    assert!(matches!(
        err,
        AutogradError::ModifiedInPlace { ref node, found: 1, expected: 0, .. } if node == "MinBackward1"
    ));
    assert!(x.grad().is_none());
}

#[test]
fn a_max_modified_through_detach_fails_its_backward() {
    // x = torch.tensor([3., 1., 2.]).float().requires_grad_(); y = x.max()
    // y.detach().fill_(1.5); y.backward(): "[torch.FloatTensor []], which is output 0 of
    // Max1, is at version 1; expected version 0 instead."
    let x = Tensor::from_vec(vec![3.0f32, 1.0, 2.0], &[3]).requires_grad_(true);
    let y = x.max();
    y.detach().fill_(1.5);
    assert_eq!(
        torch_text(&backward_error(&y)),
        modified("torch.FloatTensor []", Some("Max1"), 1, 0)
    );
    // with torch.no_grad(): y.mul_(3.); y.mul_(3.): "at version 2; expected version 0"
    let x = Tensor::from_vec(vec![3.0f64, 1.0, 2.0], &[3]).requires_grad_(true);
    let y = x.max();
    let z = &y * 2.0;
    no_grad(|| {
        y.mul_(3.0);
        y.mul_(3.0);
    });
    assert_eq!(
        torch_text(&backward_error(&z)),
        modified("torch.DoubleTensor []", Some("Max1"), 2, 0)
    );
}

#[test]
fn a_modified_input_of_min_is_named_before_its_result() {
    // x = torch.tensor([3., 1., 2.], requires_grad=True); y = x.min()
    // with torch.no_grad(): x.mul_(2.); y.mul_(2.)
    // y.backward(): "[torch.DoubleTensor [3]] is at version 1; expected version 0 instead."
    // (MinBackward1 unpacks self before result.)
    let x = Tensor::from_vec(vec![3.0f64, 1.0, 2.0], &[3]).requires_grad_(true);
    let y = x.min();
    no_grad(|| {
        x.mul_(2.0);
        y.mul_(2.0);
    });
    assert_eq!(
        torch_text(&backward_error(&y)),
        modified("torch.DoubleTensor [3]", None, 1, 0)
    );
}

#[test]
fn a_min_result_changed_with_grad_mode_on_is_refused_at_once() {
    // torch: y = x.min(); y.mul_(3.) passes and the backward raises the error above. Here a
    // saved result shares the output's storage, and recorded in-place ops refuse shared
    // storage (as for exp's saved output, tests/ops_inplace.rs): refused at the write.
    let x = Tensor::from_vec(vec![3.0f64, 1.0, 2.0], &[3]).requires_grad_(true);
    let y = x.min();
    let message = panic_message(|| {
        y.fill_(1.5);
    });
    assert!(
        message.starts_with("fill_: this tensor shares its storage with another tensor"),
        "{message}"
    );
}

#[test]
fn unmodified_min_and_max_still_share_the_gradient_at_ties() {
    // x = torch.tensor([3., 1., 2.], requires_grad=True); x.min().backward(): [0., 1., 0.]
    let x = Tensor::from_vec(vec![3.0f64, 1.0, 2.0], &[3]).requires_grad_(true);
    x.min().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 1.0, 0.0]);
    // x = torch.tensor([3., 1., 1.], requires_grad=True); y = x.min() * 1
    // with torch.no_grad(): y.mul_(3.)  # a copy of the result, not the saved one
    // y.backward(): [0., 0.5, 0.5]
    let x = Tensor::from_vec(vec![3.0f64, 1.0, 1.0], &[3]).requires_grad_(true);
    let y = x.min() * 1.0;
    no_grad(|| y.mul_(3.0));
    y.backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.5, 0.5]);
}

#[test]
fn anomaly_mode_changes_the_hint_for_a_saved_result() {
    // with torch.autograd.set_detect_anomaly(True): y.backward() after y.mul_(2.) under
    // no_grad ends: "Hint: the backtrace further above shows the operation that failed to
    // compute its gradient. The variable in question was changed in there or anywhere
    // later. Good luck!"
    let x = Tensor::from_vec(vec![3.0f64, 1.0, 2.0], &[3]).requires_grad_(true);
    let y = x.min();
    no_grad(|| y.mul_(2.0));
    let err = detect_anomaly(|| y.try_backward()).unwrap_err();
    assert!(err.to_string().ends_with(
        "Hint: the backtrace further above shows the operation that failed to compute its \
         gradient. The variable in question was changed in there or anywhere later. Good luck!"
    ));
}

// ---- the whole message, as torch 2.15.0 prints it ----

#[test]
fn the_whole_message_is_torch_2_15s() {
    // torch 2.15.0, the both-requiring-grad case of the first test, w modified under no_grad.
    let x = Tensor::from_vec(vec![0., 1., 2., 3., 4.], &[1, 5]).requires_grad_(true);
    let w = arange(&[2, 5, 1]).requires_grad_(true);
    let y = x.matmul(&w);
    no_grad(|| w.fill_(0.0));
    assert_eq!(
        backward_error(&y).to_string(),
        "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.DoubleTensor [2, 5]], which is output 0 of AsStrided, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    );
}
