//! Issue 2 part 5: graphs are owned by their outputs. `autograd::live_node_count()` returns to
//! its starting value once the output is dropped, and stays flat across 10,000 iterations of
//! the tutorial's dynamic loop.
//!
//! The counters are process-wide and libtest runs tests in parallel threads, so this binary
//! holds exactly ONE test, which runs the checks one after another.

use autograd::{live_node_count, live_storage_count, no_grad, Tensor};

/// W2: y = 2x doubled until ||y|| >= 1000, then y.backward_with([0.1, 1.0, 0.0001]).
fn tutorial_loop_iteration() -> Tensor {
    let x = Tensor::from_vec(vec![0.5f32, -0.3, 0.8], &[3]).requires_grad_(true);
    let mut y = &x * 2.0;
    while y.norm().item() < 1000.0 {
        y = y * 2.0;
    }
    y.backward_with(&Tensor::from_vec(vec![0.1f32, 1.0, 0.0001], &[3]));
    x.grad().expect("x.grad is set")
}

fn graph_is_freed_when_the_output_is_dropped(start: usize) {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let y = &x + 2.0;
    let out = (&y * &y * 3.0).mean();
    // AccumulateGrad(x), AddBackward0, MulBackward0 (y * y), MulBackward0 (* 3), MeanBackward0
    assert_eq!(live_node_count(), start + 5);
    drop(y);
    // The intermediate's node is still owned by the graph behind `out`.
    assert_eq!(live_node_count(), start + 5);
    out.backward();
    // Backward frees the saved tensors, not the nodes: `out` still owns them.
    assert_eq!(live_node_count(), start + 5);
    drop(out);
    assert_eq!(
        live_node_count(),
        start,
        "the graph is freed with its output"
    );
    assert!(x.grad().is_some());
}

fn retained_and_unused_graphs_are_freed_too(start: usize) {
    let x = Tensor::ones(&[3]).requires_grad_(true);
    // A graph never backwarded.
    let unused = (x.exp() * &x).sum();
    assert!(live_node_count() > start);
    drop(unused);
    assert_eq!(live_node_count(), start);
    // A graph kept with retain_graph and backwarded twice.
    let out = (&x * &x).sum();
    autograd::backward(&[&out])
        .retain_graph(true)
        .run()
        .unwrap();
    out.backward();
    drop(out);
    assert_eq!(live_node_count(), start);
    // autograd::grad with create_graph: the gradient owns a graph of its own.
    let out = x.pow(3.0).sum();
    let g = autograd::grad(&[&out], &[&x])
        .create_graph(true)
        .run()
        .unwrap();
    drop(out);
    assert!(live_node_count() > start);
    drop(g);
    assert_eq!(live_node_count(), start);
    // no_grad records nothing.
    let y = no_grad(|| (&x * 2.0).exp().sum());
    assert_eq!(live_node_count(), start);
    drop(y);
}

fn the_tutorial_loop_holds_steady(start_nodes: usize) {
    let start_storages = live_storage_count();
    let first = tutorial_loop_iteration().to_vec();
    for i in 0..10_000 {
        let grad = tutorial_loop_iteration();
        assert_eq!(
            live_node_count(),
            start_nodes,
            "iteration {i}: nodes leaked"
        );
        if i % 1000 == 0 {
            assert_eq!(
                grad.to_vec(),
                first,
                "iteration {i}: same gradient every time"
            );
        }
        drop(grad);
        assert_eq!(
            live_storage_count(),
            start_storages,
            "iteration {i}: buffers leaked"
        );
    }
}

#[test]
fn graphs_are_freed_and_the_node_count_stays_flat() {
    let start = live_node_count();
    graph_is_freed_when_the_output_is_dropped(start);
    retained_and_unused_graphs_are_freed_too(start);
    the_tutorial_loop_holds_steady(start);
    assert_eq!(live_node_count(), start);
}
