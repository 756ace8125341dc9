//! Which hooks and `retain_grad`s a backward fires, and what a retained gradient holds, against
//! PyTorch 2.15.0 (each expectation was printed by torch for the Python in the doc comment).

use autograd::Tensor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn leaf(values: &[f64]) -> Tensor {
    Tensor::from_vec(values.to_vec(), &[values.len()]).requires_grad_(true)
}

fn grad_fn_name(t: &Tensor) -> Option<String> {
    t.grad_fn().map(|f| f.name().to_string())
}

/// ```python
/// e = a.exp(); e.retain_grad()
/// torch.autograd.grad((e + b).sum(), [b])   # (tensor([1., 1.]),); e.grad is None
/// ```
#[test]
fn grad_of_one_input_leaves_other_branches_retained_grads_alone() {
    let (a, b) = (leaf(&[1.0, 2.0]), leaf(&[3.0, 4.0]));
    let e = a.exp();
    e.retain_grad();
    let grads = autograd::grad(&[&(&e + &b).sum()], &[&b]).run().unwrap();
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![1.0, 1.0]);
    assert!(e.grad().is_none());
    assert!(a.grad().is_none() && b.grad().is_none());
}

/// ```python
/// e2 = a.exp(); e2.register_hook(lambda g: print('hook e2', g))
/// torch.autograd.grad((e2 + b).sum(), [b])   # prints nothing
/// ```
#[test]
fn grad_of_one_input_does_not_call_hooks_off_its_path() {
    let (a, b) = (leaf(&[1.0, 2.0]), leaf(&[3.0, 4.0]));
    let calls = Arc::new(AtomicUsize::new(0));
    let e = a.exp();
    let seen = calls.clone();
    let _handle = e.register_hook(move |_| {
        seen.fetch_add(1, Ordering::Relaxed);
        None
    });
    let seen = calls.clone();
    let _leaf_handle = a.register_hook(move |_| {
        seen.fetch_add(1, Ordering::Relaxed);
        None
    });
    autograd::grad(&[&(&e + &b).sum()], &[&b]).run().unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 0);
}

/// ```python
/// e3 = a.exp(); e3.retain_grad(); e3.register_hook(lambda g: print('hook e3', g))
/// torch.autograd.grad((e3 * 2).sum(), [e3])   # hook e3 tensor([2., 2.]); e3.grad [2., 2.]
/// ```
#[test]
fn a_captured_non_leaf_still_runs_its_hooks_and_retain_grad() {
    let a = leaf(&[1.0, 2.0]);
    let calls = Arc::new(AtomicUsize::new(0));
    let e = a.exp();
    e.retain_grad();
    let seen = calls.clone();
    let _handle = e.register_hook(move |g| {
        assert_eq!(g.to_vec(), vec![2.0, 2.0]);
        seen.fetch_add(1, Ordering::Relaxed);
        None
    });
    let grads = autograd::grad(&[&(&e * 2.0).sum()], &[&e]).run().unwrap();
    assert_eq!(grads[0].as_ref().unwrap().to_vec(), vec![2.0, 2.0]);
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(e.grad().unwrap().to_vec(), vec![2.0, 2.0]);
    assert!(a.grad().is_none());
}

/// ```python
/// y = x * 2; y.retain_grad(); z = (y * y).sum()
/// g, = torch.autograd.grad(z, [x], create_graph=True)
/// y.grad                # tensor([4., 8.], grad_fn=<CloneBackward0>)
/// g.sum().backward()
/// y.grad                # tensor([ 8., 12.])  (no grad_fn)
/// ```
#[test]
fn a_retained_grad_is_a_recorded_clone_then_a_plain_sum() {
    let x = leaf(&[1.0, 2.0]);
    let y = &x * 2.0;
    y.retain_grad();
    let z = (&y * &y).sum();
    let g = autograd::grad(&[&z], &[&x])
        .create_graph(true)
        .run()
        .unwrap()
        .remove(0)
        .unwrap();
    let first = y.grad().unwrap();
    assert_eq!(first.to_vec(), vec![4.0, 8.0]);
    assert_eq!(grad_fn_name(&first).as_deref(), Some("CloneBackward0"));
    g.sum().backward();
    let second = y.grad().unwrap();
    assert_eq!(second.to_vec(), vec![8.0, 12.0]);
    assert_eq!(grad_fn_name(&second), None);
    assert!(!second.requires_grad());
    // The first retained gradient was replaced, not written into.
    assert_eq!(first.to_vec(), vec![4.0, 8.0]);
}

/// ```python
/// y2 = x2 * 2; y2.retain_grad()
/// (y2 * y2).sum().backward(create_graph=True)   # y2.grad [4., 8.] CloneBackward0
/// (y2 * y2).sum().backward(create_graph=True)   # y2.grad [8., 16.] AddBackward0
/// (y2 * 3).sum().backward()                     # y2.grad [11., 19.] no grad_fn
/// x2.grad                                       # [22., 38.] AddBackward0 (in place)
/// ```
#[test]
fn retained_and_leaf_grads_accumulate_as_pytorch_across_backwards() {
    let x = leaf(&[1.0, 2.0]);
    let y = &x * 2.0;
    y.retain_grad();
    autograd::backward(&[&(&y * &y).sum()])
        .create_graph(true)
        .run()
        .unwrap();
    assert_eq!(y.grad().unwrap().to_vec(), vec![4.0, 8.0]);
    assert_eq!(
        grad_fn_name(&y.grad().unwrap()).as_deref(),
        Some("CloneBackward0")
    );
    autograd::backward(&[&(&y * &y).sum()])
        .create_graph(true)
        .run()
        .unwrap();
    assert_eq!(y.grad().unwrap().to_vec(), vec![8.0, 16.0]);
    assert_eq!(
        grad_fn_name(&y.grad().unwrap()).as_deref(),
        Some("AddBackward0")
    );
    (&y * 3.0).sum().backward();
    assert_eq!(y.grad().unwrap().to_vec(), vec![11.0, 19.0]);
    assert_eq!(grad_fn_name(&y.grad().unwrap()), None);
    assert_eq!(x.grad().unwrap().to_vec(), vec![22.0, 38.0]);
    assert_eq!(
        grad_fn_name(&x.grad().unwrap()).as_deref(),
        Some("AddBackward0")
    );
}

/// A hook counting its calls and recording the last gradient it saw.
fn recording_hook(t: &Tensor) -> (Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<f64>>>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (c, s) = (calls.clone(), seen.clone());
    t.register_hook(move |g| {
        c.fetch_add(1, Ordering::Relaxed);
        *s.lock().unwrap() = g.to_vec();
        None
    });
    (calls, seen)
}

/// ```python
/// v2 = -b; v2.retain_grad(); v2.register_hook(log)
/// torch.autograd.grad([v2], [a], grad_outputs=[torch.ones(2)], allow_unused=True)
/// # (None,); v2.grad is tensor([1., 1.]); the hook saw [1., 1.]
/// ```
#[test]
fn a_single_root_fires_its_hooks_and_retains_even_when_nothing_is_captured_behind_it() {
    let (a, b) = (leaf(&[1.0, 2.0]), leaf(&[3.0, 4.0]));
    let v2 = -&b;
    v2.retain_grad();
    let (calls, seen) = recording_hook(&v2);
    let grads = autograd::grad(&[&v2], &[&a])
        .grad_outputs(&[&Tensor::ones(&[2]).double()])
        .allow_unused(true)
        .run()
        .unwrap();
    assert!(grads[0].is_none());
    assert_eq!(v2.grad().unwrap().to_vec(), vec![1.0, 1.0]);
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(*seen.lock().unwrap(), vec![1.0, 1.0]);
    assert!(a.grad().is_none() && b.grad().is_none());
}

/// ```python
/// v2 = -b; v2.retain_grad(); v2.register_hook(log); v3 = b * 2
/// torch.autograd.grad([v2, v3], [a], grad_outputs=[ones, ones], allow_unused=True)
/// # (None,); v2.grad is None; the hook is not called
/// ```
#[test]
fn with_several_roots_an_uncaptured_root_fires_nothing() {
    let (a, b) = (leaf(&[1.0, 2.0]), leaf(&[3.0, 4.0]));
    let v2 = -&b;
    v2.retain_grad();
    let (calls, _) = recording_hook(&v2);
    let v3 = &b * 2.0;
    let ones = Tensor::ones(&[2]).double();
    let grads = autograd::grad(&[&v2, &v3], &[&a])
        .grad_outputs(&[&ones, &ones])
        .allow_unused(true)
        .run()
        .unwrap();
    assert!(grads[0].is_none());
    assert!(v2.grad().is_none());
    assert_eq!(calls.load(Ordering::Relaxed), 0);
}

/// ```python
/// b.register_hook(log)
/// torch.autograd.grad([b], [a], grad_outputs=[torch.ones(2)], allow_unused=True)
/// # (None,); b.grad is None; the hook saw [1., 1.]
/// ```
#[test]
fn a_leaf_root_fires_its_hook_but_keeps_no_grad() {
    let (a, b) = (leaf(&[1.0, 2.0]), leaf(&[3.0, 4.0]));
    let (calls, seen) = recording_hook(&b);
    let grads = autograd::grad(&[&b], &[&a])
        .grad_outputs(&[&Tensor::ones(&[2]).double()])
        .allow_unused(true)
        .run()
        .unwrap();
    assert!(grads[0].is_none());
    assert!(b.grad().is_none());
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert_eq!(*seen.lock().unwrap(), vec![1.0, 1.0]);
}
