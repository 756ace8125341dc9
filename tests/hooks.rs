//! Tensor hooks: `register_hook` on leaves and non-leaves, replacement, removal, panics.

use autograd::{is_grad_enabled, Tensor};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

fn leaf(values: &[f64]) -> Tensor {
    Tensor::from_vec(values.to_vec(), &[values.len()]).requires_grad_(true)
}

#[test]
fn leaf_hook_sees_the_incoming_gradient_before_accumulation() {
    let x = leaf(&[1.0, 2.0]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let _handle = x.register_hook(move |g| {
        log.lock().unwrap().push(g.to_vec());
        None
    });
    // d/dx sum(3x) = 3, twice: the hook sees 3 each time while .grad accumulates to 6.
    (&x * 3.0).sum().backward();
    (&x * 3.0).sum().backward();
    assert_eq!(*seen.lock().unwrap(), vec![vec![3.0, 3.0], vec![3.0, 3.0]]);
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 6.0]);
}

#[test]
fn leaf_hook_can_replace_the_gradient() {
    let x = leaf(&[1.0, 2.0]);
    let _handle = x.register_hook(|g| Some(g * 10.0));
    // d/dx sum(x^2) = 2x = [2, 4], scaled by the hook to [20, 40].
    x.pow(2.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![20.0, 40.0]);
}

#[test]
fn non_leaf_hook_changes_what_flows_further() {
    let x = leaf(&[1.0, 2.0]);
    let y = &x * 2.0;
    y.retain_grad();
    let _handle = y.register_hook(|g| Some(g.neg()));
    // d(sum y)/dy = 1, negated by the hook; dy/dx = 2, so x.grad = -2.
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![-2.0, -2.0]);
    // retain_grad stores the gradient after user hooks ran, as in PyTorch.
    assert_eq!(y.grad().unwrap().to_vec(), vec![-1.0, -1.0]);
}

#[test]
fn removed_hook_no_longer_runs() {
    let x = leaf(&[1.0]);
    let handle = x.register_hook(|g| Some(g * 100.0));
    handle.remove();
    (&x * 2.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0]);
}

#[test]
fn hooks_run_in_autograd_grad_too() {
    let x = leaf(&[3.0]);
    let _handle = x.register_hook(|g| Some(g * 2.0));
    let y = x.pow(2.0).sum();
    // dy/dx = 2x = 6, doubled by the hook.
    let g = autograd::grad(&[&y], &[&x]).run().unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(g.to_vec(), vec![12.0]);
    assert!(x.grad().is_none());
}

#[test]
#[should_panic(expected = "cannot register a hook on a tensor that doesn't require gradient")]
fn hook_on_a_constant_is_refused() {
    let _ = Tensor::ones(&[2]).register_hook(|_| None);
}

#[test]
fn a_panicking_hook_leaves_grads_and_grad_mode_as_they_were() {
    let x = leaf(&[1.0, 2.0]);
    let w = leaf(&[5.0, 5.0]);
    (&x * &w).sum().backward();
    let y = &x * &w;
    let handle = y.register_hook(|_| panic!("hook failed"));
    let result = catch_unwind(AssertUnwindSafe(|| y.sum().backward()));
    assert!(result.is_err());
    assert!(is_grad_enabled());
    assert_eq!(x.grad().unwrap().to_vec(), vec![5.0, 5.0]);
    assert_eq!(w.grad().unwrap().to_vec(), vec![1.0, 2.0]);
    handle.remove();
    // A later backward works and accumulates normally.
    (&x * &w).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![10.0, 10.0]);
}
