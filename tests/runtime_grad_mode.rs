//! Issue 2 part 4: grad mode (`no_grad`, `NoGradGuard`, `enable_grad`, `set_grad_enabled`) is
//! thread-local, nests, and is restored when a panic unwinds through it.
//!
//! Every test runs on its own thread (libtest), and grad mode is per thread, so tests that
//! switch it cannot disturb each other.

mod runtime_support;

use autograd::{
    enable_grad, is_grad_enabled, no_grad, set_grad_enabled, GradModeGuard, NoGradGuard,
};
use runtime_support::{assert_grad, leaf};
use std::panic::{catch_unwind, AssertUnwindSafe};

#[test]
fn grad_is_enabled_by_default() {
    assert!(is_grad_enabled());
}

#[test]
fn no_grad_stops_recording() {
    let x = leaf(&[1., 2.], &[2]);
    let y = no_grad(|| {
        assert!(!is_grad_enabled());
        x.pow(2.0)
    });
    assert!(is_grad_enabled());
    // The tutorial: (x ** 2).requires_grad is False inside no_grad.
    assert!(!y.requires_grad() && y.grad_fn().is_none() && y.is_leaf());
    assert!(x.pow(2.0).requires_grad());
    // no_grad returns the closure's value.
    assert_eq!(no_grad(|| 41 + 1), 42);
}

#[test]
fn no_grad_guard_lasts_until_dropped() {
    let x = leaf(&[1.], &[1]);
    {
        let _guard = NoGradGuard::new();
        assert!(!is_grad_enabled());
        assert!(!(&x * 2.0).requires_grad());
    }
    assert!(is_grad_enabled());
    assert!((&x * 2.0).requires_grad());
}

#[test]
fn enable_grad_inside_no_grad_records() {
    let x = leaf(&[3.], &[1]);
    let y = no_grad(|| {
        let inner = enable_grad(|| {
            assert!(is_grad_enabled());
            &x * &x
        });
        assert!(!is_grad_enabled());
        inner
    });
    assert_eq!(y.grad_fn().unwrap().name(), "MulBackward0");
    y.sum().backward();
    // d/dx x^2 = 2x = 6
    assert_grad(&x, &[6.]);
}

#[test]
fn set_grad_enabled_switches_until_switched_back() {
    let x = leaf(&[1.], &[1]);
    set_grad_enabled(false);
    assert!(!is_grad_enabled());
    assert!(!x.exp().requires_grad());
    set_grad_enabled(true);
    assert!(x.exp().requires_grad());
}

#[test]
fn grad_mode_guard_sets_either_mode() {
    {
        let _off = GradModeGuard::new(false);
        assert!(!is_grad_enabled());
        {
            let _on = GradModeGuard::new(true);
            assert!(is_grad_enabled());
        }
        assert!(!is_grad_enabled());
    }
    assert!(is_grad_enabled());
}

#[test]
fn modes_nest_and_restore_in_order() {
    no_grad(|| {
        no_grad(|| assert!(!is_grad_enabled()));
        assert!(!is_grad_enabled());
        enable_grad(|| {
            assert!(is_grad_enabled());
            let _guard = NoGradGuard::new();
            assert!(!is_grad_enabled());
            no_grad(|| enable_grad(|| assert!(is_grad_enabled())));
            assert!(!is_grad_enabled());
        });
        assert!(!is_grad_enabled());
    });
    assert!(is_grad_enabled());
}

#[test]
fn no_grad_restores_the_mode_when_a_panic_unwinds_through_it() {
    let result = catch_unwind(|| no_grad(|| panic!("boom inside no_grad")));
    assert!(result.is_err());
    assert!(is_grad_enabled());
}

#[test]
fn no_grad_guard_restores_the_mode_when_a_panic_unwinds_through_it() {
    let result = catch_unwind(|| {
        let _guard = NoGradGuard::new();
        panic!("boom with a guard");
    });
    assert!(result.is_err());
    assert!(is_grad_enabled());
}

#[test]
fn enable_grad_restores_no_grad_when_a_panic_unwinds_through_it() {
    no_grad(|| {
        let result = catch_unwind(|| enable_grad(|| panic!("boom inside enable_grad")));
        assert!(result.is_err());
        assert!(!is_grad_enabled(), "back to the enclosing no_grad");
    });
    assert!(is_grad_enabled());
}

#[test]
fn a_panicking_op_inside_no_grad_restores_the_mode() {
    let x = leaf(&[1., 2.], &[2]);
    let result = catch_unwind(AssertUnwindSafe(|| no_grad(|| x.reshape(&[3]))));
    assert!(result.is_err());
    assert!(is_grad_enabled());
    assert!(x.exp().requires_grad());
}

#[test]
fn grad_mode_is_per_thread() {
    // no_grad here does not reach a thread spawned inside it...
    no_grad(|| {
        let other = std::thread::spawn(|| {
            let x = leaf(&[1.], &[1]);
            (is_grad_enabled(), (&x * 2.0).requires_grad())
        })
        .join()
        .unwrap();
        assert_eq!(other, (true, true));
        assert!(!is_grad_enabled());
    });
    // ...and set_grad_enabled(false) in another thread does not reach this one.
    std::thread::spawn(|| {
        set_grad_enabled(false);
        assert!(!is_grad_enabled());
    })
    .join()
    .unwrap();
    assert!(is_grad_enabled());
}

#[test]
fn backward_works_inside_no_grad_and_records_nothing() {
    // The graph was built with grad on; running backward inside no_grad still fills .grad()
    // (PyTorch does the same), and without create_graph the gradient carries no graph.
    let x = leaf(&[2.], &[1]);
    let y = (&x * &x).sum();
    no_grad(|| y.backward());
    assert_grad(&x, &[4.]);
    assert!(!x.grad().unwrap().requires_grad());
    assert!(is_grad_enabled());
}

#[test]
fn updates_under_no_grad_build_new_leaves() {
    // The SGD step of a training loop: w = w - lr * grad inside no_grad, then re-flag.
    let w = leaf(&[1., -1.], &[2]);
    (&w * &w).sum().backward();
    let g = w.grad().unwrap();
    let w2 = no_grad(|| &w - &(&g * 0.1)).requires_grad_(true);
    assert!(w2.is_leaf() && w2.requires_grad());
    // w - 0.1 * 2w = 0.8 w
    assert_eq!(w2.to_vec(), vec![0.8, -0.8]);
}
