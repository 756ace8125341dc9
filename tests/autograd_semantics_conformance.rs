//! Autograd semantics at the edges, against PyTorch 2.15 (each expectation was printed by torch
//! for the Python in the doc comment): views made under `no_grad`, hooks on the inputs of
//! `autograd::grad`, Jacobians with no elements, and the refusals of `backward`, `grad`,
//! `requires_grad_` and `retain_grad`.

mod ops_support;

use autograd::{functional, no_grad, AutogradError, Tensor};
use ops_support::panic_message;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn leaf(shape: &[usize]) -> Tensor {
    Tensor::ones(shape).requires_grad_(true)
}

fn node_name(t: &Tensor) -> Option<String> {
    t.grad_fn().map(|f| f.name().to_string())
}

/// torch 2.15's sentence for an in-place op on a view made in no-grad mode.
const NO_GRAD_VIEW: &str = "A view was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).";

/// A view op applied to a tensor.
type View = fn(&Tensor) -> Tensor;

/// The view ops, each applied to a [2, 3] tensor.
fn view_ops() -> Vec<(&'static str, View)> {
    vec![
        ("view", |x| x.view(&[6])),
        ("reshape", |x| x.reshape(&[6])),
        ("t", |x| x.t()),
        ("transpose", |x| x.transpose(0, 1)),
        ("unsqueeze", |x| x.unsqueeze(0)),
        ("squeeze", |x| x.unsqueeze(0).squeeze(0)),
        ("expand", |x| x.unsqueeze(0).expand(&[2, 2, 3])),
        ("narrow", |x| x.narrow(1, 0, 2)),
        ("slice", |x| x.slice(0, 0, 1, 1)),
    ]
}

// --- views made under no_grad ------------------------------------------------------------

/// ```python
/// x = torch.ones(2, 3, requires_grad=True)
/// with torch.no_grad(): v = x.view(6)          # and x.t(), x.reshape(6), x.unsqueeze(0), ...
/// v.requires_grad, v.is_leaf, v.grad_fn        # True True None
/// ```
#[test]
fn a_view_made_under_no_grad_of_a_tensor_requiring_grad_is_a_leaf_requiring_grad() {
    for (name, op) in view_ops() {
        let x = leaf(&[2, 3]);
        let v = no_grad(|| op(&x));
        assert!(v.requires_grad(), "{name}");
        assert!(v.is_leaf(), "{name}");
        assert!(v.grad_fn().is_none(), "{name}");
    }
    // The same of a non-leaf base: y = x * 2; with torch.no_grad(): v = y.view(6)  # True True None
    let x = leaf(&[2, 3]);
    let y = &x * 2.0;
    let v = no_grad(|| y.view(&[6]));
    assert!(v.requires_grad() && v.is_leaf() && v.grad_fn().is_none());
}

/// A view's base in PyTorch is the tensor at the root of its chain of views:
/// ```python
/// a = torch.arange(6.); x = a.reshape(2, 3).requires_grad_()
/// with torch.no_grad(): v = x.reshape(3, 2)
/// v.requires_grad, v.is_leaf       # False True (v's base is a)
/// v.add_(1.)                       # fine as far as autograd goes (nothing is recorded)
/// y = torch.ones(2, 3, requires_grad=True) * 2; u = y.reshape(6)
/// with torch.no_grad(): w = u.view(2, 3)
/// w.requires_grad, w.is_leaf       # True True (w's base is y)
/// ```
#[test]
fn a_view_made_under_no_grad_requires_grad_as_the_base_of_its_chain_of_views_does() {
    let x = Tensor::arange(6.0).reshape(&[2, 3]).requires_grad_(true);
    let v = no_grad(|| x.reshape(&[3, 2]));
    assert!(!v.requires_grad() && v.is_leaf());
    v.add_(1.0);
    assert_eq!(
        x.to_vec(),
        vec![1., 2., 3., 4., 5., 6.],
        "the write reaches x"
    );
    let y = &leaf(&[2, 3]) * 2.0;
    let u = y.reshape(&[6]);
    let w = no_grad(|| u.view(&[2, 3]));
    assert!(w.requires_grad() && w.is_leaf());
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// v.mul_(2)   # RuntimeError: A view was created in no_grad mode and is being modified inplace ...
/// ```
#[test]
fn an_in_place_op_with_grad_mode_on_refuses_a_view_made_under_no_grad() {
    for (name, op) in view_ops() {
        let x = leaf(&[2, 3]);
        let v = no_grad(|| op(&x));
        let msg = panic_message(|| {
            v.mul_(2.0);
        });
        assert!(msg.contains(NO_GRAD_VIEW), "{name}: {msg}");
        // The other in-place ops say the same (torch: zero_, fill_ too).
        let msg = panic_message(|| {
            v.zero_();
        });
        assert!(msg.contains(NO_GRAD_VIEW), "{name}: {msg}");
        assert_eq!(x.version(), 0, "{name}: nothing was written");
    }
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// v.copy_(torch.ones(4))   # the no_grad sentence comes before the shape mismatch
/// ```
#[test]
fn copy_into_a_view_made_under_no_grad_is_refused_before_its_shape_is_checked() {
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    let msg = panic_message(|| {
        v.copy_(&Tensor::ones(&[4]));
    });
    assert!(msg.contains(NO_GRAD_VIEW), "{msg}");
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// m = v * 2; m.grad_fn.next_functions    # ((None, 0), (None, 0))
/// m.sum().backward(); v.grad, x.grad     # None None
/// ```
#[test]
fn gradients_through_a_view_made_under_no_grad_go_nowhere() {
    for (name, op) in view_ops() {
        let x = leaf(&[2, 3]);
        let v = no_grad(|| op(&x));
        let m = &v * 2.0;
        assert_eq!(node_name(&m).as_deref(), Some("MulBackward0"), "{name}");
        assert!(m.requires_grad() && !m.is_leaf(), "{name}");
        m.sum().backward();
        assert!(x.grad().is_none(), "{name}");
        assert!(v.grad().is_none(), "{name}");
    }
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    let m = &v * 2.0;
    let next = m.grad_fn().unwrap().next_functions();
    assert!(
        next.iter().all(|(f, _)| f.is_none()),
        "both edges lead nowhere"
    );
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// v.backward(torch.ones(6))   # element 0 of tensors does not require grad and does not have a grad_fn
/// torch.autograd.grad((v*2).sum(), v)   # The differentiated Tensor at index 0 appears to not have been used ...
/// torch.autograd.grad((v*2).sum(), x)   # same
/// ```
#[test]
fn a_view_made_under_no_grad_is_neither_a_root_nor_an_input_of_a_backward() {
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    let err = v.try_backward_with(&Tensor::ones(&[6])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "element 0 of tensors does not require grad and does not have a grad_fn"
    );
    let out = (&v * 2.0).sum();
    let err = autograd::grad(&[&out], &[&v])
        .retain_graph(true)
        .run()
        .unwrap_err();
    assert_eq!(err, AutogradError::UnusedInput { index: 0 });
    assert_eq!(
        err.to_string(),
        "The differentiated Tensor at index 0 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."
    );
    let err = autograd::grad(&[&out], &[&x]).run().unwrap_err();
    assert_eq!(err, AutogradError::UnusedInput { index: 0 });
    // allow_unused=True gives (None,)
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    let grads = autograd::grad(&[&(&v * 2.0).sum()], &[&x])
        .allow_unused(true)
        .run()
        .unwrap();
    assert!(grads[0].is_none());
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// v.retain_grad()                          # fine (a leaf)
/// v.register_hook(lambda g: print(g))      # fine, never called
/// (v * 2).sum().backward(); v.grad         # None
/// ```
#[test]
fn hooks_and_retain_grad_on_a_view_made_under_no_grad_are_accepted_and_never_fire() {
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    v.retain_grad();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    v.register_hook(move |_| {
        seen.fetch_add(1, Ordering::Relaxed);
        None
    });
    (&v * 2.0).sum().backward();
    assert_eq!(calls.load(Ordering::Relaxed), 0);
    assert!(v.grad().is_none() && x.grad().is_none());
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// v.requires_grad_(False); v.requires_grad   # True (it follows its base)
/// v.requires_grad_(True)
/// (v * 2).sum().backward(); v.grad, x.grad   # tensor([2., 2., 2., 2., 2., 2.]) None
/// ```
#[test]
fn requires_grad_on_a_view_made_under_no_grad_gives_it_its_own_gradient() {
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    let v = v.requires_grad_(false);
    assert!(v.requires_grad());
    let v = v.requires_grad_(true);
    (&v * 2.0).sum().backward();
    assert_eq!(v.grad().unwrap().to_vec(), vec![2.0; 6]);
    assert!(x.grad().is_none());
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// v   # tensor([1., 1., 1., 1., 1., 1.], requires_grad=True)
/// ```
#[test]
fn a_view_made_under_no_grad_prints_as_requiring_grad() {
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    assert_eq!(
        format!("{v}"),
        "tensor([1., 1., 1., 1., 1., 1.], requires_grad=True)"
    );
}

/// ```python
/// x = torch.ones(2, 3)                     # no grad
/// with torch.no_grad(): v = x.view(6)      # v.requires_grad False
/// v.mul_(2)                                # fine
/// v.mul_(w)   # w requires grad: A view was created in no_grad mode ...
/// ```
#[test]
fn a_view_made_under_no_grad_of_a_plain_tensor_is_refused_only_when_the_op_would_record() {
    let x = Tensor::ones(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    assert!(!v.requires_grad() && v.is_leaf());
    v.mul_(2.0);
    assert_eq!(x.to_vec(), vec![2.0; 6], "the write reaches the base");
    let w = leaf(&[6]);
    let msg = panic_message(|| {
        v.mul_(&w);
    });
    assert!(msg.contains(NO_GRAD_VIEW), "{msg}");
}

/// ```python
/// with torch.no_grad(): v = x.view(6); v.mul_(2)   # fine: x is tensor([[2., ...]]), version 1
/// ```
#[test]
fn a_view_made_under_no_grad_may_be_written_under_no_grad() {
    let x = leaf(&[2, 3]);
    no_grad(|| {
        let v = x.view(&[6]);
        v.mul_(2.0);
    });
    assert_eq!(x.to_vec(), vec![2.0; 6]);
    assert_eq!(x.version(), 1);
}

/// ```python
/// with torch.no_grad(): v = x.view(6); w = v.view(2, 3)
/// w.requires_grad, w.is_leaf, w.grad_fn    # True True None
/// w.mul_(2)                                # A view was created in no_grad mode ...
/// ```
#[test]
fn a_view_of_a_view_made_under_no_grad_is_one_too() {
    let x = leaf(&[2, 3]);
    let w = no_grad(|| x.view(&[6]).view(&[2, 3]));
    assert!(w.requires_grad() && w.is_leaf() && w.grad_fn().is_none());
    let msg = panic_message(|| {
        w.mul_(2.0);
    });
    assert!(msg.contains(NO_GRAD_VIEW), "{msg}");
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// u = v.unsqueeze(0); u.grad_fn             # <UnsqueezeBackward0>, next_functions ((None, 0),)
/// u.zero_()   # Output 0 of Unsqueeze is a view of a view which was created in no_grad mode and is being modified inplace with grad mode enabled. ...
/// v.narrow(0, 0, 2).add_(1)   # Output 0 of Slice is a view of a view which was created in no_grad mode ...
/// ```
#[test]
fn a_view_made_with_grad_on_of_a_view_made_under_no_grad_keeps_the_refusal() {
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    let u = v.unsqueeze(0);
    assert_eq!(node_name(&u).as_deref(), Some("UnsqueezeBackward0"));
    assert!(u.grad_fn().unwrap().next_functions()[0].0.is_none());
    let tail = "is a view of a view which was created in no_grad mode and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden.";
    let msg = panic_message(|| {
        u.zero_();
    });
    assert!(
        msg.contains(&format!("Output 0 of Unsqueeze {tail}")),
        "{msg}"
    );
    let n = v.narrow(0, 0, 2);
    let msg = panic_message(|| {
        n.add_(1.0);
    });
    assert!(msg.contains(&format!("Output 0 of Slice {tail}")), "{msg}");
}

/// ```python
/// a, b = x.split(2)                        # x = torch.ones(4, requires_grad=True)
/// with torch.no_grad(): va = a.view(2)
/// va.requires_grad, va.is_leaf             # True True
/// va.mul_(2)                               # A view was created in no_grad mode ...
/// a.view(2).mul_(2)   # Output 0 of View is a view and is being modified inplace. This view is the output of a function that returns multiple views. ...
/// ```
#[test]
fn a_no_grad_view_of_a_split_piece_is_refused_as_a_no_grad_view() {
    let x = leaf(&[4]);
    let pieces = x.split(2, 0);
    let va = no_grad(|| pieces[0].view(&[2]));
    assert!(va.requires_grad() && va.is_leaf());
    let msg = panic_message(|| {
        va.mul_(2.0);
    });
    assert!(msg.contains(NO_GRAD_VIEW), "{msg}");
    let msg = panic_message(|| {
        pieces[0].view(&[2]).mul_(2.0);
    });
    assert!(
        msg.contains("Output 0 of View is a view and is being modified inplace. This view is the output of a function that returns multiple views."),
        "{msg}"
    );
}

/// ```python
/// with torch.no_grad(): v = x.view(6)
/// d = v.detach(); d.requires_grad   # False
/// d.mul_(2)                         # fine
/// ```
#[test]
fn a_detached_no_grad_view_is_an_ordinary_tensor() {
    let x = leaf(&[2, 3]);
    let v = no_grad(|| x.view(&[6]));
    let d = v.detach();
    assert!(!d.requires_grad());
    d.mul_(2.0);
    assert_eq!(x.to_vec(), vec![2.0; 6]);
}

/// ```python
/// with torch.no_grad(): y = x * 2
/// y.requires_grad, y.is_leaf   # False True  (not a view: nothing changes)
/// ```
#[test]
fn an_op_under_no_grad_that_is_no_view_gives_a_plain_tensor() {
    let x = leaf(&[2, 3]);
    let y = no_grad(|| &x * 2.0);
    assert!(!y.requires_grad() && y.is_leaf());
    y.mul_(2.0);
}

/// The gradients a backward computes through view ops in no-grad mode are plain tensors:
/// ```python
/// x = torch.ones(2, 3, requires_grad=True); w = torch.ones(2, 3, requires_grad=True)
/// x.view(6).sum().backward()
/// x.grad.mul_(w)   # fine: .grad is no view; x.grad.grad_fn is MulBackward0
/// ```
#[test]
fn a_gradient_made_by_a_view_rule_is_no_no_grad_view() {
    let x = leaf(&[2, 3]);
    x.view(&[6]).sum().backward();
    let g = x.grad().unwrap();
    let w = leaf(&[2, 3]);
    g.mul_(&w);
    assert_eq!(node_name(&g).as_deref(), Some("MulBackward0"));
}

// --- hooks on the inputs of autograd::grad ----------------------------------------------

/// ```python
/// x = torch.ones(3, requires_grad=True)
/// x.register_hook(lambda g: g * 10)
/// torch.autograd.grad([(x * 2).sum()], [x])   # hook called with tensor([2., 2., 2.])
///                                             # (tensor([20., 20., 20.]),); x.grad None
/// ```
#[test]
fn a_hook_on_a_leaf_input_of_grad_runs_and_its_result_is_returned() {
    let x = leaf(&[3]);
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    x.register_hook(move |g| {
        seen.fetch_add(1, Ordering::Relaxed);
        assert_eq!(g.to_vec(), vec![2.0; 3]);
        Some(g * 10.0)
    });
    let grads = autograd::grad(&[&(&x * 2.0).sum()], &[&x]).run().unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![20.0; 3]);
    assert!(x.grad().is_none());
}

/// ```python
/// x.register_hook(lambda g: g + 1); x.register_hook(lambda g: g * 10)
/// torch.autograd.grad([(x * 2).sum()], [x])   # (tensor([30., 30., 30.]),): in order
/// x.register_hook(lambda g: None)             # keeps the gradient: (tensor([2., 2., 2.]),)
/// ```
#[test]
fn hooks_on_a_leaf_input_of_grad_chain_in_order_and_none_keeps_the_gradient() {
    let x = leaf(&[3]);
    x.register_hook(|g| Some(g + 1.0));
    x.register_hook(|g| Some(g * 10.0));
    let grads = autograd::grad(&[&(&x * 2.0).sum()], &[&x]).run().unwrap();
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![30.0; 3]);

    let x = leaf(&[3]);
    x.register_hook(|_| None);
    let grads = autograd::grad(&[&(&x * 2.0).sum()], &[&x]).run().unwrap();
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![2.0; 3]);
}

/// ```python
/// x.register_hook(lambda g: g * 10)
/// torch.autograd.grad([x], [x], grad_outputs=[torch.ones(3)])   # hook sees 1s: (tensor([10., 10., 10.]),)
/// ```
#[test]
fn a_hook_on_an_input_that_is_also_the_output_runs() {
    let x = leaf(&[3]);
    x.register_hook(|g| Some(g * 10.0));
    let grads = autograd::grad(&[&x], &[&x])
        .grad_outputs(&[&Tensor::ones(&[3])])
        .run()
        .unwrap();
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![10.0; 3]);
}

/// ```python
/// z = x * 2; z.register_hook(lambda g: g * 10); y = (z * 3).sum()
/// torch.autograd.grad([y], [z], retain_graph=True)   # (tensor([30., 30., 30.]),)
/// torch.autograd.grad([y], [x])                      # (tensor([60., 60., 60.]),): z's hook ran on the way
/// ```
#[test]
fn a_hook_on_a_non_leaf_input_of_grad_runs_whether_it_is_the_input_or_on_the_way() {
    let x = leaf(&[3]);
    let z = &x * 2.0;
    z.register_hook(|g| Some(g * 10.0));
    let y = (&z * 3.0).sum();
    let grads = autograd::grad(&[&y], &[&z])
        .retain_graph(true)
        .run()
        .unwrap();
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![30.0; 3]);
    let grads = autograd::grad(&[&y], &[&x]).run().unwrap();
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![60.0; 3]);
}

/// ```python
/// x.register_hook(lambda g: g * 10)
/// g, = torch.autograd.grad([(x * x).sum()], [x], create_graph=True)
/// g   # tensor([20., 20., 20.], grad_fn=<MulBackward0>)
/// ```
#[test]
fn a_hook_on_a_leaf_input_of_grad_with_create_graph_is_recorded() {
    let x = leaf(&[3]);
    x.register_hook(|g| Some(g * 10.0));
    let grads = autograd::grad(&[&(&x * &x).sum()], &[&x])
        .create_graph(true)
        .run()
        .unwrap();
    let g = grads[0].as_ref().unwrap();
    assert_eq!(g.to_vec(), vec![20.0; 3]);
    assert_eq!(node_name(g).as_deref(), Some("MulBackward0"));
}

// --- functional with no elements ---------------------------------------------------------

fn shapes(blocks: &[Tensor]) -> Vec<Vec<usize>> {
    blocks.iter().map(|t| t.shape().to_vec()).collect()
}

/// ```python
/// jacobian(lambda x: x[:0] * 2, torch.ones(3))   # RuntimeError: stack expects a non-empty TensorList
/// jacobian(lambda x: x * 2, torch.ones(0))       # the same (the output has no elements)
/// jacobian(lambda x: x * 2, torch.ones(2, 0))    # the same
/// ```
#[test]
fn the_jacobian_of_a_function_with_no_output_elements_is_refused() {
    let msg = panic_message(|| {
        let _ = functional::jacobian(|x| x[0].narrow(0, 0, 0) * 2.0, &[Tensor::ones(&[3])]).run();
    });
    assert!(
        msg.contains("stack expects a non-empty TensorList") && msg.contains("[0]"),
        "{msg}"
    );
    let msg = panic_message(|| {
        let _ = functional::jacobian(|x| &x[0] * 2.0, &[Tensor::ones(&[0])]).run();
    });
    assert!(
        msg.contains("stack expects a non-empty TensorList"),
        "{msg}"
    );
    let msg = panic_message(|| {
        let _ = functional::jacobian(|x| &x[0] * 2.0, &[Tensor::ones(&[2, 0])]).run();
    });
    assert!(
        msg.contains("stack expects a non-empty TensorList") && msg.contains("[2, 0]"),
        "{msg}"
    );
}

/// ```python
/// jacobian(lambda x: x.sum(), torch.ones(0)).shape                                # torch.Size([0])
/// jacobian(lambda x, y: x * 2 + y.sum(), (torch.ones(3), torch.ones(0)))          # shapes (3, 3), (3, 0)
/// jacobian(lambda x: x.sum().reshape(1) * torch.ones(2), torch.ones(0)).shape     # torch.Size([2, 0])
/// ```
#[test]
fn the_jacobian_with_respect_to_an_input_with_no_elements_is_an_empty_block() {
    let jac = functional::jacobian(|x| x[0].sum(), &[Tensor::ones(&[0])])
        .run()
        .unwrap();
    assert_eq!(shapes(&jac), vec![vec![0]]);
    let jac = functional::jacobian(
        |x| &x[0] * 2.0 + x[1].sum(),
        &[Tensor::ones(&[3]), Tensor::ones(&[0])],
    )
    .run()
    .unwrap();
    assert_eq!(shapes(&jac), vec![vec![3, 3], vec![3, 0]]);
    assert_eq!(jac[0].to_vec(), vec![2., 0., 0., 0., 2., 0., 0., 0., 2.]);
    let jac = functional::jacobian(
        |x| x[0].sum().reshape(&[1]) * Tensor::ones(&[2]),
        &[Tensor::ones(&[0])],
    )
    .run()
    .unwrap();
    assert_eq!(shapes(&jac), vec![vec![2, 0]]);
}

/// ```python
/// hessian(lambda x: x.sum(), torch.ones(0))      # RuntimeError: stack expects a non-empty TensorList
/// hessian(lambda x, y: (x*x).sum() + y.sum(), (torch.ones(3), torch.ones(0)))   # the same
/// hessian(lambda x: (x*x).sum()[None][:0], torch.ones(3))
///     # The Tensor returned by the function given to hessian should contain a single element
/// ```
#[test]
fn the_hessian_with_respect_to_an_input_with_no_elements_is_refused() {
    let msg = panic_message(|| {
        let _ = functional::hessian(|x| x[0].sum(), &[Tensor::ones(&[0])]).run();
    });
    assert!(
        msg.contains("stack expects a non-empty TensorList"),
        "{msg}"
    );
    let msg = panic_message(|| {
        let _ = functional::hessian(
            |x| (&x[0] * &x[0]).sum() + x[1].sum(),
            &[Tensor::ones(&[3]), Tensor::ones(&[0])],
        )
        .run();
    });
    assert!(
        msg.contains("stack expects a non-empty TensorList") && msg.contains("input 1"),
        "{msg}"
    );
    let msg = panic_message(|| {
        let _ = functional::hessian(
            |x| (&x[0] * &x[0]).sum().reshape(&[1]).narrow(0, 0, 0),
            &[Tensor::ones(&[3])],
        )
        .run();
    });
    assert!(msg.contains("should contain a single element"), "{msg}");
}

/// ```python
/// vjp(lambda x: x * 2, torch.ones(0), torch.ones(0))        # (T(0,), T(0,))
/// vjp(lambda x: x[:0] * 2, torch.ones(3), torch.ones(0))    # (T(0,), T(3,)) zeros
/// hvp(lambda x: x.sum(), torch.ones(0), torch.ones(0))      # (T(), T(0,))
/// ```
#[test]
fn products_with_no_elements_are_empty_results() {
    let (out, vjp) = functional::vjp(|x| &x[0] * 2.0, &[Tensor::ones(&[0])], &Tensor::ones(&[0]))
        .run()
        .unwrap();
    assert_eq!((out.shape(), vjp[0].shape()), (&[0][..], &[0][..]));
    let (out, vjp) = functional::vjp(
        |x| x[0].narrow(0, 0, 0) * 2.0,
        &[Tensor::ones(&[3])],
        &Tensor::ones(&[0]),
    )
    .run()
    .unwrap();
    assert_eq!(out.shape(), &[0]);
    assert_eq!(vjp[0].to_vec(), vec![0.0; 3]);
    let (out, hv) = functional::hvp(|x| x[0].sum(), &[Tensor::ones(&[0])], &[Tensor::ones(&[0])])
        .run()
        .unwrap();
    assert_eq!((out.shape(), hv[0].shape()), (&[][..], &[0][..]));
}

// --- refusals of backward, grad, requires_grad_ and retain_grad --------------------------

/// ```python
/// x = torch.ones(3, requires_grad=True); y = x.exp()
/// d = y.detach(); d.mul_(2)   # shares y's version counter
/// y.sum().backward()   # RuntimeError: one of the variables needed for gradient computation has been
///     # modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp, is at
///     # version 1; expected version 0 instead. Hint: ...
/// ```
#[test]
fn an_in_place_change_through_a_detached_handle_fails_the_backward() {
    let x = leaf(&[3]);
    let y = x.exp();
    y.detach().mul_(2.0);
    let err = y.sum().try_backward().unwrap_err();
    assert!(err.to_string().starts_with("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp, is at version 1; expected version 0 instead."), "{err}");

    // y = x.sin(); x.detach().zero_(); y.sum().backward()
    //   # ... [torch.FloatTensor [3]] is at version 1; expected version 0 instead. ...
    let x = leaf(&[3]);
    let y = x.sin();
    x.detach().zero_();
    let err = y.sum().try_backward().unwrap_err();
    assert!(err.to_string().starts_with("one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]] is at version 1; expected version 0 instead."), "{err}");
    assert!(x.grad().is_none());
}

/// ```python
/// y = x * 2; y.requires_grad_(False)   # RuntimeError: you can only change requires_grad flags of
///                                      # leaf variables. If you want to use a computed variable in a
///                                      # subgraph that doesn't require differentiation use var_no_grad = var.detach().
/// y.requires_grad_(True)               # fine
/// ```
#[test]
fn requires_grad_false_on_a_non_leaf_is_refused() {
    let x = leaf(&[3]);
    let y = &x * 2.0;
    let msg = panic_message(|| {
        let _ = y.clone().requires_grad_(false);
    });
    assert!(msg.contains("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."), "{msg}");
    assert!(y.requires_grad_(true).requires_grad());
}

/// ```python
/// x.retain_grad(); (x * 2).sum().backward(); x.grad, x.retains_grad   # tensor([2., 2., 2.]) False
/// torch.ones(3).retain_grad()   # RuntimeError: can't retain_grad on Tensor that has requires_grad=False
/// with torch.no_grad(): z = y * 2
/// z.retain_grad()               # the same
/// ```
#[test]
fn retain_grad_is_a_no_op_on_leaves_and_refused_without_requires_grad() {
    let x = leaf(&[3]);
    x.retain_grad();
    (&x * 2.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0; 3]);
    assert!(!x.retains_grad());
    let expected = "can't retain_grad on Tensor that has requires_grad=False";
    let msg = panic_message(|| Tensor::ones(&[3]).retain_grad());
    assert!(msg.contains(expected), "{msg}");
    let y = &leaf(&[3]) * 2.0;
    let z = no_grad(|| &y * 2.0);
    let msg = panic_message(|| z.retain_grad());
    assert!(msg.contains(expected), "{msg}");
}

/// ```python
/// torch.ones(3).sum().backward()   # element 0 of tensors does not require grad and does not have a grad_fn
/// (x * 2).backward()               # grad can be implicitly created only for scalar outputs
/// x.backward()                     # the same (a leaf of 3 elements)
/// torch.ones(0, requires_grad=True).mul(2).backward()   # the same
/// torch.ones(1, requires_grad=True).backward(); x.grad  # tensor([1.])
/// ```
#[test]
fn backward_refuses_roots_without_grad_and_non_scalars_without_a_gradient() {
    let err = Tensor::ones(&[3]).sum().try_backward().unwrap_err();
    assert_eq!(
        err.to_string(),
        "element 0 of tensors does not require grad and does not have a grad_fn"
    );
    let x = leaf(&[3]);
    for root in [&x * 2.0, x.clone(), &leaf(&[0]) * 2.0] {
        let err = root.try_backward().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("grad can be implicitly created only for scalar outputs"),
            "{err}"
        );
    }
    let one = leaf(&[1]);
    one.backward();
    assert_eq!(one.grad().unwrap().to_vec(), vec![1.0]);
}

/// ```python
/// torch.autograd.grad((x*2).sum(), [x, y])   # The differentiated Tensor at index 1 appears to not have
///                                            # been used in the graph. Set allow_unused=True if this is the desired behavior.
/// torch.autograd.grad((x*2).sum(), [y, x], allow_unused=True)   # (None, tensor([2., 2., 2.]))
/// torch.autograd.grad((x*2).sum(), [x, torch.ones(3)])          # One of the differentiated Tensors does not require grad
/// torch.autograd.grad(torch.ones(1), [x])    # element 0 of tensors does not require grad and does not have a grad_fn
/// torch.autograd.grad(x * 2, [x])            # grad can be implicitly created only for scalar outputs
/// ```
#[test]
fn grad_refusals_name_the_offending_tensor() {
    let (x, y) = (leaf(&[3]), leaf(&[3]));
    let err = autograd::grad(&[&(&x * 2.0).sum()], &[&x, &y])
        .run()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior."
    );
    let grads = autograd::grad(&[&(&x * 2.0).sum()], &[&y, &x])
        .allow_unused(true)
        .run()
        .unwrap();
    assert!(grads[0].is_none());
    assert_eq!(grads[1].as_ref().unwrap().to_vec(), vec![2.0; 3]);
    let err = autograd::grad(&[&(&x * 2.0).sum()], &[&x, &Tensor::ones(&[3])])
        .run()
        .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("One of the differentiated Tensors does not require grad"));
    let err = autograd::grad(&[&Tensor::ones(&[1])], &[&x])
        .run()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "element 0 of tensors does not require grad and does not have a grad_fn"
    );
    let err = autograd::grad(&[&(&x * 2.0)], &[&x]).run().unwrap_err();
    assert!(err
        .to_string()
        .starts_with("grad can be implicitly created only for scalar outputs"));
}

/// ```python
/// y = x * 2; y.sum().backward(); y.grad   # None (torch also warns about reading a non-leaf's .grad)
/// torch.ones(3).grad                      # None
/// ```
#[test]
fn the_grad_of_a_non_leaf_that_does_not_retain_it_is_none() {
    let x = leaf(&[3]);
    let y = &x * 2.0;
    y.sum().backward();
    assert!(y.grad().is_none());
    assert!(Tensor::ones(&[3]).grad().is_none());
}

/// ```python
/// (x * 2).sum().backward(); x.grad.zero_(); x.grad   # tensor([0., 0., 0.]): zeroed in place
/// x.grad = None; (x * 3).sum().backward(); x.grad    # tensor([3., 3., 3.]): a fresh gradient
/// ```
#[test]
fn zeroing_the_grad_in_place_keeps_it_and_zero_grad_drops_it() {
    let x = leaf(&[3]);
    (&x * 2.0).sum().backward();
    x.grad().unwrap().zero_();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0; 3]);
    (&x * 2.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0; 3]);
    x.zero_grad();
    assert!(x.grad().is_none());
    (&x * 3.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![3.0; 3]);
    x.zero_grad();
    x.zero_grad();
    assert!(x.grad().is_none());
}
