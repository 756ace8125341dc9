//! Issue 6 part 2: threads. `Tensor` is `Send + Sync`; independent graphs on many threads give
//! correct gradients; grad mode is per thread; a leaf shared by threads that each run a
//! backward ends with exactly the sum of their gradients.

use autograd::{is_grad_enabled, no_grad, AutogradError, GradFn, NoGradGuard, Tensor};
use std::sync::{Arc, Barrier};
use std::thread;

/// Compile-time: the handles users share between threads are `Send + Sync`.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Tensor>();
    send_sync::<GradFn>();
    send_sync::<AutogradError>();
};

const THREADS: usize = 8;
const GRAPHS_PER_THREAD: usize = 10_000;

/// One tiny graph: `y = sum(3 x^2 + x)` for `x = [a, -a]`, a leaf; backward; returns `x.grad`.
/// d/dx (3x^2 + x) = 6x + 1.
fn tiny_graph(a: f64) -> Vec<f64> {
    let x = Tensor::from_vec(vec![a, -a], &[2]).requires_grad_(true);
    let y = (&x * &x * 3.0 + &x).sum();
    y.backward();
    x.grad().expect("x is a leaf that requires grad").to_vec()
}

#[test]
fn eight_threads_each_backward_ten_thousand_independent_graphs() {
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let start = start.clone();
            thread::spawn(move || {
                start.wait();
                let mut done = 0usize;
                for i in 0..GRAPHS_PER_THREAD {
                    // A value unique to (thread, iteration), exact in binary.
                    let a = t as f64 + i as f64 / 16_384.0;
                    let grad = tiny_graph(a);
                    let expected = [6.0 * a + 1.0, -6.0 * a + 1.0];
                    for (g, e) in grad.iter().zip(expected) {
                        assert!(
                            (g - e).abs() <= 1e-12 * e.abs().max(1.0),
                            "thread {t}, graph {i}: got {grad:?}, expected {expected:?}"
                        );
                    }
                    done += 1;
                }
                done
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, THREADS * GRAPHS_PER_THREAD);
}

#[test]
fn grad_mode_is_per_thread() {
    let entered = Arc::new(Barrier::new(2));
    let checked = Arc::new(Barrier::new(2));
    let (e, c) = (entered.clone(), checked.clone());
    let holder = thread::spawn(move || {
        no_grad(|| {
            e.wait(); // no_grad is now active on this thread
            c.wait(); // the other thread has looked
            assert!(
                !is_grad_enabled(),
                "still off inside no_grad on its own thread"
            );
            let x = Tensor::ones(&[2]).requires_grad_(true);
            assert!(!(&x * 2.0).requires_grad());
        });
        assert!(is_grad_enabled());
    });
    let observer = thread::spawn(move || {
        entered.wait();
        assert!(is_grad_enabled(), "another thread's no_grad leaked here");
        let x = Tensor::ones(&[2]).requires_grad_(true);
        let y = &x * 2.0;
        assert!(y.requires_grad());
        assert_eq!(y.grad_fn().unwrap().name(), "MulBackward0");
        // And the other way round: a guard here does not reach the holder.
        let guard = NoGradGuard::new();
        assert!(!is_grad_enabled());
        checked.wait();
        drop(guard);
        assert!(is_grad_enabled());
    });
    holder.join().unwrap();
    observer.join().unwrap();
}

#[test]
fn a_new_thread_starts_with_grad_enabled_whatever_the_spawner_has() {
    let _guard = NoGradGuard::new();
    assert!(!is_grad_enabled());
    let inside = thread::spawn(is_grad_enabled).join().unwrap();
    assert!(
        inside,
        "grad mode is thread-local and starts enabled, as PyTorch's"
    );
}

#[test]
fn a_shared_leaf_gets_exactly_the_sum_of_every_threads_gradient() {
    const BACKWARDS_PER_THREAD: usize = 200;
    // Integer-valued gradients: their sum is exact in any order of accumulation.
    let x = Tensor::from_vec(vec![1.0f64, -2.0, 0.5], &[3]).requires_grad_(true);
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (x, start) = (x.clone(), start.clone());
            thread::spawn(move || {
                let k = t as f64 + 1.0;
                start.wait();
                for _ in 0..BACKWARDS_PER_THREAD {
                    // d/dx sum(k x + x) = k + 1 per element.
                    (&x * k + &x).sum().backward();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // sum over t of 200 * (t + 2) = 200 * (2 + ... + 9) = 200 * 44 = 8800.
    let expected: f64 = (0..THREADS)
        .map(|t| BACKWARDS_PER_THREAD as f64 * (t as f64 + 2.0))
        .sum();
    assert_eq!(expected, 8800.0);
    assert_eq!(x.grad().unwrap().to_vec(), vec![expected; 3]);
}

#[test]
fn a_graph_built_on_one_thread_can_be_backwarded_on_another() {
    let x = Tensor::from_vec(vec![0.5f64, 2.0], &[2]).requires_grad_(true);
    let y = x.exp().sum();
    let moved = thread::spawn(move || {
        y.backward();
    });
    moved.join().unwrap();
    // d/dx sum(e^x) = e^x
    let expected: Vec<f64> = [0.5f64, 2.0].iter().map(|v| v.exp()).collect();
    assert_eq!(x.grad().unwrap().to_vec(), expected);
}

#[test]
fn threads_sharing_one_graph_with_retain_graph_each_add_their_gradient() {
    // One graph, several threads each running a backward through it (retain_graph keeps the
    // saved tensors): each backward adds d/dx sum(x^2) = 2x.
    let x = Tensor::from_vec(vec![1.5f64, -3.0], &[2]).requires_grad_(true);
    let y = (&x * &x).sum();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let y = y.clone();
            thread::spawn(move || {
                for _ in 0..25 {
                    autograd::backward(&[&y]).retain_graph(true).run().unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    // 100 backwards of 2x: 200 x = [300, -600], exact.
    assert_eq!(x.grad().unwrap().to_vec(), vec![300.0, -600.0]);
}
