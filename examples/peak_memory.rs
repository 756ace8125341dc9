//! Peak resident memory of DESIGN.md's W2 and W3 loops for N and 10N iterations: if graphs
//! are freed, the peak stays flat as the iteration count grows tenfold.
//!
//! ```text
//! cargo run --release --example peak_memory            # W2: 10,000 / 100,000; W3: 100 / 1,000
//! cargo run --release --example peak_memory -- 20000 200
//! ```
//!
//! The peak is the kernel's `VmHWM` ("high water mark") from `/proc/self/status` (Linux). Before
//! each loop it is reset to the current resident size by writing `5` to
//! `/proc/self/clear_refs`, so each line shows that loop's own peak; where the reset is not
//! allowed, the peak is the process's so far and the program says so.

use autograd::{live_node_count, live_storage_count, Tensor};
use std::time::Instant;

/// W2: `y = 2x`, doubled until `||y|| >= 1000`, then `y.backward_with([0.1, 1.0, 0.0001])`.
fn w2() -> Tensor {
    let x = Tensor::from_vec(vec![0.5f32, -0.3, 0.8], &[3]).requires_grad_(true);
    let mut y = &x * 2.0;
    while y.norm().item() < 1000.0 {
        y = y * 2.0;
    }
    y.backward_with(&Tensor::from_vec(vec![0.1f32, 1.0, 0.0001], &[3]));
    x.grad().expect("x.grad is set")
}

/// A tensor of `shape` holding `sin(i * 0.37) * 0.1` at flat index `i`.
fn w3_fill(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let data = (0..n).map(|i| ((i as f32) * 0.37).sin() * 0.1).collect();
    Tensor::from_vec(data, shape)
}

/// W3's inputs x, W1, b1, W2, b2, t.
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

/// W3: one step of `loss = mean((relu(x W1 + b1) W2 + b2 - t)^2)` and its backward.
fn w3(inputs: &[Tensor]) {
    let [x, w1, b1, w2, b2, t] = inputs else {
        unreachable!("six inputs")
    };
    for p in [w1, b1, w2, b2] {
        p.zero_grad();
    }
    let h = (x.matmul(w1) + b1).relu();
    let o = h.matmul(w2) + b2;
    (o - t).pow(2.0).mean().backward();
}

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak to the current resident size; false where the kernel refuses.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Runs `step` `iterations` times and prints the peak resident memory of the loop.
fn measure(name: &str, iterations: usize, mut step: impl FnMut()) -> Option<u64> {
    let reset = reset_peak();
    let start = Instant::now();
    for _ in 0..iterations {
        step();
    }
    let peak = status_kib("VmHWM:");
    println!(
        "{name:<4} {iterations:>9} iterations  peak RSS {:>8} KiB{}  ({:.2?}; live nodes {}, live storages {})",
        peak.map_or("?".to_string(), |k| k.to_string()),
        if reset { "" } else { " (process peak: reset refused)" },
        start.elapsed(),
        live_node_count(),
        live_storage_count(),
    );
    peak
}

/// Prints how much the 10N peak exceeds the N peak.
fn compare(name: &str, small: Option<u64>, large: Option<u64>) {
    if let (Some(a), Some(b)) = (small, large) {
        let growth = b as f64 - a as f64;
        println!(
            "{name}: 10x the iterations, peak {a} -> {b} KiB ({growth:+.0} KiB, {:+.1}%)",
            100.0 * growth / a as f64
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| {
        a.parse::<usize>()
            .unwrap_or_else(|_| panic!("peak_memory: expected an iteration count, got {a:?}"))
    });
    let n2 = args.next().unwrap_or(10_000);
    let n3 = args.next().unwrap_or(100);
    if status_kib("VmHWM:").is_none() {
        eprintln!("peak_memory: /proc/self/status has no VmHWM (not Linux?); peaks show as ?");
    }
    println!(
        "start: RSS {} KiB",
        status_kib("VmRSS:").map_or("?".into(), |k| k.to_string())
    );

    // Warm up once so allocator pools and lazily created state count in both measurements.
    w2();
    let small = measure("W2", n2, || drop(w2()));
    let large = measure("W2", 10 * n2, || drop(w2()));
    compare("W2", small, large);

    let inputs = w3_inputs();
    w3(&inputs);
    let small = measure("W3", n3, || w3(&inputs));
    let large = measure("W3", 10 * n3, || w3(&inputs));
    compare("W3", small, large);
}
