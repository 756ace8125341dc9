//! Issue 2 part 5: define-by-run graphs: loops and branches decided by tensor values.
//! (The live-node counter checks are in `runtime_memory.rs`, a binary of their own.)

mod runtime_support;

use autograd::{manual_seed, Tensor};
use runtime_support::{assert_close, assert_grad, leaf, leaf32};

/// The tutorial's loop: y = 2x, doubled until ||y|| >= 1000. Returns y and the number of
/// doublings k in total (y = 2^k x).
fn doubling_loop(x: &Tensor) -> (Tensor, i32) {
    let mut y = x * 2.0;
    let mut k = 1;
    while y.norm().item() < 1000.0 {
        y = y * 2.0;
        k += 1;
    }
    (y, k)
}

#[test]
fn the_tutorial_doubling_loop_gives_two_to_the_k_times_the_vector() {
    // x = [0.5, -0.3, 0.8]: ||x|| = sqrt(0.98) ~ 0.98995, and 2^k ||x|| >= 1000 first at
    // k = 10, so y = 1024 x and x.grad = 1024 [0.1, 1.0, 0.0001].
    let x = leaf32(&[0.5, -0.3, 0.8], &[3]);
    let (y, k) = doubling_loop(&x);
    assert_eq!(k, 10);
    assert_eq!(y.grad_fn().unwrap().name(), "MulBackward0");
    y.backward_with(&Tensor::from_vec(vec![0.1f32, 1.0, 0.0001], &[3]));
    assert_close(&x.grad().unwrap().to_vec(), &[102.4, 1024.0, 0.1024], 1e-6);
}

#[test]
fn the_doubling_loop_on_random_input_matches_its_closed_form() {
    manual_seed(0);
    let x = Tensor::randn(&[3]).requires_grad_(true);
    let (y, k) = doubling_loop(&x);
    // Stops at the first k with 2^k ||x|| >= 1000.
    let norm = x.norm().item();
    assert!(2f64.powi(k) * norm >= 1000.0 && 2f64.powi(k - 1) * norm < 1000.0);
    let v = [0.1, 1.0, 0.0001];
    y.backward_with(&Tensor::from_vec(v.map(|e| e as f32).to_vec(), &[3]));
    let expected: Vec<f64> = v.iter().map(|e| e * 2f64.powi(k)).collect();
    assert_close(&x.grad().unwrap().to_vec(), &expected, 1e-6);
}

#[test]
fn branches_on_tensor_values_record_only_the_path_taken() {
    // f(x) = x^2 if sum(x) > 0 else -3x
    let f = |x: &Tensor| {
        if x.sum().item() > 0.0 {
            x * x
        } else {
            x * -3.0
        }
    };
    let pos = leaf(&[1., 2.], &[2]);
    f(&pos).sum().backward();
    assert_grad(&pos, &[2., 4.]);
    let neg = leaf(&[-1., -2.], &[2]);
    f(&neg).sum().backward();
    assert_grad(&neg, &[-3., -3.]);
}

#[test]
fn a_loop_of_variable_length_accumulates_through_every_step() {
    // y_{n+1} = y_n * x, n times: y = x^(n+1) and dy/dx = (n + 1) x^n; at x = 1.1, n = 20
    let x = leaf(&[1.1], &[]);
    let mut y = x.clone();
    for _ in 0..20 {
        y = &y * &x;
    }
    y.backward();
    assert_close(
        &x.grad().unwrap().to_vec(),
        &[21.0 * 1.1f64.powi(20)],
        1e-12,
    );
}

/// A chain `x + 1 + 1 + ...` of `depth` AddBackward0 nodes.
fn deep_chain(x: &Tensor, depth: usize) -> Tensor {
    let mut y = x.clone();
    for _ in 0..depth {
        y = &y + 1.0;
    }
    y
}

#[test]
fn backward_through_a_deep_chain_does_not_overflow_the_stack() {
    // 20,000 nodes deep, on libtest's 2 MiB thread: the engine walks iteratively.
    // d/dx (x + 20000) = 1
    let x = leaf(&[0.5], &[]);
    let y = deep_chain(&x, 20_000);
    y.backward();
    assert_grad(&x, &[1.]);
    // Dropping that graph recurses once per node (see the ignored test below), so it is
    // dropped on a thread with a large stack.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || drop(y))
        .unwrap()
        .join()
        .unwrap();
}

#[test]

fn dropping_a_deep_chain_does_not_overflow_the_stack() {
    let x = leaf(&[0.5], &[]);
    drop(deep_chain(&x, 20_000));
}

#[test]
fn the_w5_scalar_chain() {
    // c = a; 100 times c = sin(c*b + a). Check against forward-mode derivatives in plain f64.
    let (a, b) = (leaf(&[0.5], &[]), leaf(&[1.5], &[]));
    let mut c = a.clone();
    for _ in 0..100 {
        c = (&c * &b + &a).sin();
    }
    c.backward();
    let (av, bv) = (0.5f64, 1.5f64);
    let (mut cv, mut dca, mut dcb) = (av, 1.0, 0.0);
    for _ in 0..100 {
        let u = cv * bv + av;
        let cos = u.cos();
        dca = cos * (dca * bv + 1.0);
        dcb = cos * (dcb * bv + cv);
        cv = u.sin();
    }
    assert_close(&c.to_vec(), &[cv], 1e-12);
    assert_close(&a.grad().unwrap().to_vec(), &[dca], 1e-10);
    assert_close(&b.grad().unwrap().to_vec(), &[dcb], 1e-10);
}
