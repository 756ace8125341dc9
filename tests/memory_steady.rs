//! Issue 6 part 4: memory holds steady. `autograd::live_node_count()` and
//! `autograd::live_storage_count()` return to their starting values after 100,000 iterations of
//! DESIGN.md's W2 (the tutorial's doubling loop) and 1,000 of W3 (one MLP training step,
//! 64x784 @ 784x256 @ 256x10).
//!
//! W3 runs 1,000 iterations in release builds (`cargo test --release --test memory_steady`,
//! about a second) and 50 in debug builds, where nalgebra's unoptimised GEMM makes one step take
//! tens of milliseconds; W2 runs its full 100,000 in both.
//!
//! The counters are process-wide and libtest runs tests on parallel threads, so this binary
//! holds exactly ONE test, which runs the workloads one after another.
//! `examples/peak_memory.rs` measures the same loops' peak resident memory.

use autograd::{live_node_count, live_storage_count, Tensor};

const W2_ITERATIONS: usize = 100_000;
const W3_ITERATIONS: usize = if cfg!(debug_assertions) { 50 } else { 1_000 };

/// W2: `y = 2x`, doubled until `||y|| >= 1000`, then `y.backward_with([0.1, 1.0, 0.0001])`;
/// returns `x.grad`.
fn w2() -> Vec<f64> {
    let x = Tensor::from_vec(vec![0.5f32, -0.3, 0.8], &[3]).requires_grad_(true);
    let mut y = &x * 2.0;
    while y.norm().item() < 1000.0 {
        y = y * 2.0;
    }
    y.backward_with(&Tensor::from_vec(vec![0.1f32, 1.0, 0.0001], &[3]));
    x.grad().expect("x.grad is set").to_vec()
}

/// A tensor of `shape` holding `sin(i * 0.37) * 0.1` at flat index `i`, as W3 fills its inputs.
fn w3_fill(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let data = (0..n).map(|i| ((i as f32) * 0.37).sin() * 0.1).collect();
    Tensor::from_vec(data, shape)
}

/// W3's tensors: x, W1, b1, W2, b2, t (the four parameters require grad).
fn w3_inputs() -> Vec<Tensor> {
    vec![
        w3_fill(&[64, 784]),
        w3_fill(&[784, 256]).requires_grad_(true),
        w3_fill(&[256]).requires_grad_(true),
        w3_fill(&[256, 10]).requires_grad_(true),
        w3_fill(&[10]).requires_grad_(true),
        w3_fill(&[64, 10]),
    ]
}

/// W3: `loss = mean((relu(x W1 + b1) W2 + b2 - t)^2)`; backward into fresh grads (each
/// parameter's grad is reset first); returns the loss.
fn w3(inputs: &[Tensor]) -> f64 {
    let [x, w1, b1, w2, b2, t] = inputs else {
        unreachable!("six inputs")
    };
    for p in [w1, b1, w2, b2] {
        p.zero_grad();
    }
    let h = (x.matmul(w1) + b1).relu();
    let o = h.matmul(w2) + b2;
    let loss = (o - t).pow(2.0).mean();
    loss.backward();
    loss.item()
}

fn w2_holds_steady(nodes: usize, storages: usize) {
    let first = w2();
    // x = [0.5, -0.3, 0.8] is doubled 10 times (||1024 x|| >= 1000 first at 2^10):
    // x.grad = 1024 * [0.1, 1.0, 0.0001].
    let expected = [102.4f32 as f64, 1024.0, 0.1024f32 as f64];
    for (g, e) in first.iter().zip(expected) {
        assert!((g - e).abs() <= 1e-4 * e.abs(), "W2 gradient {first:?}");
    }
    for i in 0..W2_ITERATIONS {
        let grad = w2();
        if i % 10_000 == 0 {
            assert_eq!(
                grad, first,
                "W2 iteration {i}: the same gradient every time"
            );
            assert_eq!(live_node_count(), nodes, "W2 iteration {i}: nodes leaked");
            assert_eq!(
                live_storage_count(),
                storages,
                "W2 iteration {i}: buffers leaked"
            );
        }
    }
    assert_eq!(live_node_count(), nodes, "after W2: nodes leaked");
    assert_eq!(live_storage_count(), storages, "after W2: buffers leaked");
}

fn w3_holds_steady(nodes: usize, storages: usize) {
    let inputs = w3_inputs();
    let first = w3(&inputs);
    // After one step the only extra buffers are the four parameters' grads.
    let steady_storages = live_storage_count();
    assert_eq!(steady_storages, storages + inputs.len() + 4);
    assert_eq!(
        live_node_count(),
        nodes,
        "W3: the graph is freed with the loss"
    );
    for i in 1..W3_ITERATIONS {
        let loss = w3(&inputs);
        assert_eq!(loss, first, "W3 iteration {i}: the same loss every time");
        assert_eq!(live_node_count(), nodes, "W3 iteration {i}: nodes leaked");
        assert_eq!(
            live_storage_count(),
            steady_storages,
            "W3 iteration {i}: buffers leaked"
        );
    }
    drop(inputs);
    assert_eq!(live_node_count(), nodes, "after W3: nodes leaked");
    assert_eq!(live_storage_count(), storages, "after W3: buffers leaked");
}

#[test]
fn live_counters_return_to_their_start_after_w2_and_w3() {
    let (nodes, storages) = (live_node_count(), live_storage_count());
    w2_holds_steady(nodes, storages);
    w3_holds_steady(nodes, storages);
    assert_eq!(live_node_count(), nodes);
    assert_eq!(live_storage_count(), storages);
}
