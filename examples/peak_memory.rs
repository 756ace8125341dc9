//! Peak memory of DESIGN.md's W2 and W3 loops.
//!
//! ```text
//! cargo run --release --example peak_memory            # W2: 10,000 / 100,000; W3: 100 / 1,000
//! cargo run --release --example peak_memory -- 20000 200
//! ```
//!
//! **Resident set, N and 10N iterations**: if graphs are freed, the peak stays flat as the
//! iteration count grows tenfold. The peak is the kernel's `VmHWM` ("high water mark") from
//! `/proc/self/status` (Linux). Before each loop it is reset to the current resident size by
//! writing `5` to `/proc/self/clear_refs`, so each line shows that loop's own peak; where the
//! reset is not allowed, the peak is the process's so far and the program says so.
//!
//! **Heap, one W3 step**: a counting global allocator tracks live heap bytes and their peak.
//! After warm-up steps (the per-thread pool of freed buffers of 64 KiB or more is then in its
//! steady state) the peak is reset to the live bytes and one step runs, with the default
//! backward (which frees the graph as it goes), then with `retain_graph(true)`. The budget is
//! the element bytes (4 per f32) of parameters, grads, the forward's activations and inputs x
//! and t. Printed: the bytes live before the step (budget tensors, and other bytes: idle pooled
//! buffers and runtime state), the heap peak / budget, and (peak - other bytes) / budget.

use autograd::{backward, live_node_count, live_storage_count, Tensor};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// `System`, counting the live heap bytes, their peak, and the live bytes in blocks of
/// [`LARGE`] or more (the size from which the library pools freed buffers).
struct Counting;

const LARGE: usize = 64 * 1024;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LIVE_LARGE: AtomicUsize = AtomicUsize::new(0);

/// Counts a successful allocation `p` of `bytes`; returns `p`.
fn grew(p: *mut u8, bytes: usize) -> *mut u8 {
    if !p.is_null() {
        PEAK.fetch_max(LIVE.fetch_add(bytes, Relaxed) + bytes, Relaxed);
        LIVE_LARGE.fetch_add(if bytes >= LARGE { bytes } else { 0 }, Relaxed);
    }
    p
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Relaxed);
    LIVE_LARGE.fetch_sub(if bytes >= LARGE { bytes } else { 0 }, Relaxed);
}

// SAFETY: every method passes its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract, and returns `System`'s result. The counting only reads sizes and
// updates atomics after `System` returned (it never allocates, so it cannot recurse).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller guarantees `layout` has a non-zero size, as `System` requires.
        grew(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        grew(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` came from this allocator, that is from `System`,
        // with this `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`, and the caller's guarantees for
        // `new_size` are `System`'s. On failure the old block stays allocated and counted.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrank(layout.size()); // With `grew` below: a change of new - old bytes.
        }
        grew(p, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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

/// W3's shapes (x, t, the hidden layer, W1, b1, W2, b2) and forward's activations.
type Shape = &'static [usize];
const X: Shape = &[64, 784];
const T: Shape = &[64, 10];
const H: Shape = &[64, 256];
const PARAMETERS: [Shape; 4] = [&[784, 256], &[256], &[256, 10], &[10]];
const ACTIVATIONS: [&str; 8] = ["xW1", "+b1", "relu", "hW2", "+b2", "-t", "pow", "mean"];

/// W3's inputs x, W1, b1, W2, b2, t.
fn w3_inputs() -> Vec<Tensor> {
    let params = PARAMETERS.map(|s| w3_fill(s).requires_grad_(true));
    [vec![w3_fill(X)], params.to_vec(), vec![w3_fill(T)]].concat()
}

/// W3: one step of `loss = mean((relu(x W1 + b1) W2 + b2 - t)^2)` and its backward, which
/// keeps the graph's saved tensors to the end with `retain_graph`.
fn w3(inputs: &[Tensor], retain_graph: bool) {
    let [x, w1, b1, w2, b2, t] = inputs else {
        unreachable!("six inputs")
    };
    for p in [w1, b1, w2, b2] {
        p.zero_grad();
    }
    let h = (x.matmul(w1) + b1).relu();
    let o = h.matmul(w2) + b2;
    let loss = (o - t).pow(2.0).mean();
    match retain_graph {
        true => backward(&[&loss]).retain_graph(true).run().unwrap(),
        false => loss.backward(),
    }
}

/// The budget of a W3 step by group: names and shapes of f32 tensors.
const BUDGET: [(&str, &[&str], &[Shape]); 4] = [
    ("parameters", &["W1", "b1", "W2", "b2"], &PARAMETERS),
    ("grads", &["W1", "b1", "W2", "b2"], &PARAMETERS),
    ("activations", &ACTIVATIONS, &[H, H, H, T, T, T, T, &[]]),
    ("inputs", &["x", "t"], &[X, T]),
];

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// Prints the budget's breakdown. Returns its total bytes, and the bytes (all, and in blocks of
/// [`LARGE`] or more) of its tensors live before a step: inputs, parameters, last step's grads.
fn budget() -> (usize, usize, usize) {
    let (mut total, mut held, mut held_large) = (0, 0, 0);
    for (group, names, shapes) in BUDGET {
        let (mut sum, mut each, between_steps) = (0, vec![], group != "activations");
        for (name, shape) in names.iter().zip(shapes) {
            let bytes = 4 * shape.iter().product::<usize>();
            each.push(format!("{name} {shape:?} {bytes}"));
            sum += bytes;
            held_large += bytes * usize::from(between_steps && bytes >= LARGE);
        }
        let (sum_k, each) = (kib(sum), each.join(" + "));
        println!("W3 budget: {group:<11} {sum_k:>10} = {each} bytes");
        total += sum;
        held += sum * usize::from(between_steps);
    }
    println!("W3 budget: total       {:>10}", kib(total));
    (total, held, held_large)
}

/// Runs one W3 step and prints its heap peak against the budget.
fn heap_step(inputs: &[Tensor], retain_graph: bool, budget: (usize, usize, usize)) {
    let (total, held, held_large) = budget;
    let (before, before_large) = (LIVE.load(Relaxed), LIVE_LARGE.load(Relaxed));
    PEAK.store(before, Relaxed);
    w3(inputs, retain_graph);
    let peak = PEAK.load(Relaxed);
    let other = before.saturating_sub(held);
    let other_large = before_large.saturating_sub(held_large);
    let how = ["default backward", "retain_graph(true)"][usize::from(retain_graph)];
    let label = ["", " (retain_graph)"][usize::from(retain_graph)];
    let [before_k, held_k, large_k] = [before, held, other_large].map(kib);
    let [small_k, peak_k, total_k] = [other - other_large, peak, total].map(kib);
    let [rise_k, other_k, own_k] = [peak - before, other, peak - other].map(kib);
    let [raw, own] = [peak, peak - other].map(|bytes| bytes as f64 / total as f64);
    println!(
        "W3 heap, {how}: {before_k} live before the step = {held_k} budget tensors (inputs, \
         parameters, last step's grads) + {large_k} other in blocks >= 64 KiB (idle pooled \
         buffers) + {small_k} other in smaller blocks (runtime state)"
    );
    println!(
        "W3 heap peak{label}: {peak_k} = {raw:.2}x of activations + parameters + grads \
         ({total_k}); {rise_k} above the live bytes before the step\nW3 heap peak{label} less \
         the {other_k} other bytes live before the step: {own_k} = {own:.2}x of activations + \
         parameters + grads"
    );
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
    w3(&inputs, false);
    let small = measure("W3", n3, || w3(&inputs, false));
    let large = measure("W3", 10 * n3, || w3(&inputs, false));
    compare("W3", small, large);

    let budget = budget();
    for retain_graph in [false, true] {
        // Enough warm-up steps, whatever the counts above, for the buffer pool to stop growing.
        for _ in 0..20 {
            w3(&inputs, retain_graph);
        }
        heap_step(&inputs, retain_graph, budget);
    }
}
