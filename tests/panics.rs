//! Issue 6 part 3: panics. A panic inside `no_grad`, inside a tensor hook, or inside a custom
//! function's backward (or forward) leaves grad mode, anomaly mode and every other tensor's
//! `.grad()` as they were, and a later backward works.

use autograd::{
    detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad, set_grad_enabled,
    Function, FunctionCtx, NoGradGuard, Tensor,
};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

/// Runs `f`, which must panic with a message containing "boom". Those expected panics are
/// not printed (the hook is process-wide, so it is installed once and filters by message).
fn expect_panic<R>(f: impl FnOnce() -> R) {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let text = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if !text.contains("boom") {
                default(info);
            }
        }));
    });
    let result = catch_unwind(AssertUnwindSafe(f));
    let payload = result.err().expect("expected a panic");
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(text.contains("boom"), "an unexpected panic: {text}");
}

/// F64 leaves `a = [1, 2]`, `b = [3, -1]` that already hold gradients from one backward of
/// `sum(a * b)` (so `a.grad = b`, `b.grad = a`), to see that later failures leave them alone.
fn leaves_with_grads() -> (Tensor, Tensor) {
    let a = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true);
    let b = Tensor::from_vec(vec![3.0f64, -1.0], &[2]).requires_grad_(true);
    (&a * &b).sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![3.0, -1.0]);
    assert_eq!(b.grad().unwrap().to_vec(), vec![1.0, 2.0]);
    (a, b)
}

/// The state a failed backward must not touch.
fn assert_untouched(a: &Tensor, b: &Tensor) {
    assert!(is_grad_enabled(), "grad mode restored");
    assert!(!is_anomaly_enabled(), "anomaly mode restored");
    assert_eq!(
        a.grad().unwrap().to_vec(),
        vec![3.0, -1.0],
        "a.grad unchanged"
    );
    assert_eq!(
        b.grad().unwrap().to_vec(),
        vec![1.0, 2.0],
        "b.grad unchanged"
    );
}

/// A later backward works: `sum(a * b * 2)` adds `2b` to `a.grad` and `2a` to `b.grad`.
fn assert_later_backward_works(a: &Tensor, b: &Tensor) {
    (a * b * 2.0).sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![3.0 + 6.0, -1.0 - 2.0]);
    assert_eq!(b.grad().unwrap().to_vec(), vec![1.0 + 2.0, 2.0 + 4.0]);
}

#[test]
fn a_panic_inside_no_grad_restores_grad_mode() {
    let (a, b) = leaves_with_grads();
    expect_panic(|| no_grad(|| panic!("boom inside no_grad")));
    assert_untouched(&a, &b);
    expect_panic(|| {
        let _guard = NoGradGuard::new();
        panic!("boom under a NoGradGuard")
    });
    assert_untouched(&a, &b);
    // Nested: enable_grad inside no_grad panics; both levels restore.
    expect_panic(|| {
        no_grad(|| {
            enable_grad(|| {
                assert!(is_grad_enabled());
                panic!("boom inside enable_grad inside no_grad")
            })
        })
    });
    assert_untouched(&a, &b);
    // Starting from grad mode off, a panic inside enable_grad restores "off".
    set_grad_enabled(false);
    expect_panic(|| enable_grad(|| panic!("boom")));
    assert!(!is_grad_enabled());
    set_grad_enabled(true);
    assert_later_backward_works(&a, &b);
}

#[test]
fn a_panic_inside_a_non_leaf_hook_changes_no_grad() {
    let (a, b) = leaves_with_grads();
    // A retained non-leaf with a gradient of its own, which must not change either.
    let product = &a * &b;
    product.retain_grad();
    autograd::backward(&[&product.sum()])
        .retain_graph(true)
        .run()
        .unwrap();
    let before = product.grad().unwrap().to_vec();
    let (a2, b2) = (a.grad().unwrap().to_vec(), b.grad().unwrap().to_vec());

    let y = (&a * &b).exp();
    y.register_hook(|_| panic!("boom in a hook"));
    let product2 = &product * 1.0;
    expect_panic(|| (y.sum() + product2.sum()).backward());
    assert_eq!(product.grad().unwrap().to_vec(), before);
    assert_eq!(a.grad().unwrap().to_vec(), a2);
    assert_eq!(b.grad().unwrap().to_vec(), b2);
    assert!(is_grad_enabled());
    // Reset to the common starting point and check a later backward.
    a.set_grad(Some(Tensor::from_vec(vec![3.0f64, -1.0], &[2])));
    b.set_grad(Some(Tensor::from_vec(vec![1.0f64, 2.0], &[2])));
    assert_later_backward_works(&a, &b);
}

#[test]
fn a_panic_inside_a_leaf_hook_changes_no_grad() {
    let (a, b) = leaves_with_grads();
    let handle = a.register_hook(|_| panic!("boom in a leaf hook"));
    expect_panic(|| (&a * &b).sum().backward());
    assert_untouched(&a, &b);
    handle.remove();
    assert_later_backward_works(&a, &b);
}

#[test]
fn a_panic_in_a_hook_under_retain_graph_leaves_the_graph_usable() {
    let (a, b) = leaves_with_grads();
    let y = (&a * &b).sin();
    let handle = y.register_hook(|_| panic!("boom"));
    let out = y.sum();
    expect_panic(|| {
        autograd::backward(&[&out])
            .retain_graph(true)
            .run()
            .unwrap()
    });
    assert_untouched(&a, &b);
    handle.remove();
    // The same graph, backwarded again: d/da sum(sin(a b)) = cos(a b) b, added to the old
    // a.grad = [3, -1]: [3 + 3 cos(3), -1 - cos(-2)].
    out.backward();
    let expected = [3.0 + 3.0 * 3.0f64.cos(), -1.0 - (-2.0f64).cos()];
    let got = a.grad().unwrap().to_vec();
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() < 1e-12, "got {got:?}, expected {expected:?}");
    }
}

#[test]
fn a_panic_in_a_hook_under_detect_anomaly_restores_anomaly_mode() {
    let (a, b) = leaves_with_grads();
    let y = &a * &b;
    y.register_hook(|_| panic!("boom"));
    expect_panic(|| detect_anomaly(|| y.sum().backward()));
    assert_untouched(&a, &b);
    assert_later_backward_works(&a, &b);
}

/// `x^2` whose backward panics; `forward_panics` makes the forward panic after saving.
struct Fragile {
    forward_panics: bool,
}

impl Function for Fragile {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        ctx.save_for_backward(&[&inputs[0]]);
        if self.forward_panics {
            panic!("boom in forward, after save_for_backward");
        }
        vec![inputs[0].pow(2.0)]
    }
    fn backward(&self, _ctx: &FunctionCtx, _grads: &[Tensor]) -> Vec<Option<Tensor>> {
        panic!("boom in backward")
    }
}

#[test]
fn a_panic_inside_a_custom_backward_changes_no_grad() {
    let (a, b) = leaves_with_grads();
    let fragile = Fragile {
        forward_panics: false,
    }
    .apply(&[&a])
    .remove(0);
    expect_panic(|| (&fragile * &b).sum().backward());
    assert_untouched(&a, &b);
    // Also through autograd::grad with create_graph, which runs the backward with grad mode on.
    let fragile = Fragile {
        forward_panics: false,
    }
    .apply(&[&a])
    .remove(0);
    let out = (&fragile * &b).sum();
    expect_panic(|| autograd::grad(&[&out], &[&a]).create_graph(true).run());
    assert_untouched(&a, &b);
    // Under retain_graph the rule runs while its node's lock is held: a panic must release
    // it, so a second attempt panics again instead of deadlocking.
    let fragile = Fragile {
        forward_panics: false,
    }
    .apply(&[&a])
    .remove(0);
    let out = (&fragile * &b).sum();
    for _ in 0..2 {
        expect_panic(|| autograd::backward(&[&out]).retain_graph(true).run());
        assert_untouched(&a, &b);
    }
    assert_later_backward_works(&a, &b);
}

#[test]
fn a_panic_inside_a_custom_forward_changes_no_grad() {
    let (a, b) = leaves_with_grads();
    expect_panic(|| {
        Fragile {
            forward_panics: true,
        }
        .apply(&[&a])
    });
    assert_untouched(&a, &b);
    assert_later_backward_works(&a, &b);
}

/// BUG (autograd-runtime/src/graph.rs, `SAVED_SINCE_RECORD`): a `SavedTensor` created without
/// a node being recorded after it (a custom forward that saved and then panicked, or one that
/// ran without recording) leaves the thread's counter non-zero, so the NEXT node recorded on
/// the thread is marked as saving tensors and is freed by a backward without retain_graph.
/// Here `AddBackward0` (which saves nothing, so PyTorch backwards through it any number of
/// times) then fails a second backward with "Trying to backward through the graph a second
/// time ... in AddBackward0".
#[test]
fn a_panic_after_save_for_backward_does_not_mark_the_next_node_as_saving() {
    let x = Tensor::ones(&[2]).requires_grad_(true);
    expect_panic(|| {
        Fragile {
            forward_panics: true,
        }
        .apply(&[&x])
    });
    let y = &x + 1.0;
    y.sum().backward();
    y.sum()
        .try_backward()
        .expect("AddBackward0 saves nothing: a second backward works");
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 2.0]);
}

/// The same bug without a panic: a custom function applied to inputs that need no gradient
/// still runs `save_for_backward`, and no node follows.
#[test]
fn a_custom_function_that_records_nothing_does_not_mark_the_next_node_as_saving() {
    struct Saves;
    impl Function for Saves {
        fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
            ctx.save_for_backward(&[&inputs[0]]);
            vec![&inputs[0] * 2.0]
        }
        fn backward(&self, _ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
            vec![Some(&grads[0] * 2.0)]
        }
    }
    let _ = Saves.apply(&[&Tensor::ones(&[2])]); // nothing requires grad: no node
    let x = Tensor::ones(&[2]).requires_grad_(true);
    let y = &x + 1.0;
    y.sum().backward();
    y.sum()
        .try_backward()
        .expect("AddBackward0 saves nothing: a second backward works");
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 2.0]);
}
