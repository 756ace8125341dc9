//! Per-op elementwise kernels over 1, 1e3 and 1e6 f32 values: a `std` scalar loop, the
//! vectorised kernel of `autograd::kernels::fast_math` (compiled for AVX2 at run time when the
//! CPU has it), and that kernel split across cores by
//! `autograd::kernels::parallel` (which runs serially below its threshold, so at 1 and 1e3 the
//! `parallel` row measures only the threshold check).
//!
//! `cargo bench --bench kernels -- --warm-up-time 1 --measurement-time 3`; one criterion group
//! per op, so each speed-up is a ratio within one run.

use autograd::kernels::fast_math as fm;
use autograd::kernels::parallel::{par_map, par_zip_vec, Cost};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};

type Unary = fn(&[f32], &mut [f32]);
type Binary = fn(&[f32], &[f32], &mut [f32]);

const SIZES: [usize; 3] = [1, 1_000, 1_000_000];

/// `n` values spread over `[lo, hi]` in a scrambled order (no branch predictor or cache
/// pattern to exploit that real data would not have).
fn inputs(n: usize, lo: f32, hi: f32) -> Vec<f32> {
    (0..n)
        .map(|i| {
            let t = ((i as u64).wrapping_mul(2_654_435_761) % 1_000_003) as f32 / 1_000_003.0;
            lo + (hi - lo) * t
        })
        .collect()
}

fn bench_unary(
    c: &mut Criterion,
    op: &str,
    std_op: impl Fn(f32) -> f32,
    fast: Unary,
    range: (f32, f32),
) {
    let mut group = c.benchmark_group(op);
    for n in SIZES {
        let x = inputs(n, range.0, range.1);
        let mut out = vec![0.0f32; n];
        group.bench_with_input(BenchmarkId::new("std", n), &x, |b, x| {
            b.iter(|| {
                for (o, &v) in out.iter_mut().zip(black_box(x)) {
                    *o = std_op(v);
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("fast", n), &x, |b, x| {
            b.iter(|| fast(black_box(x), &mut out))
        });
        group.bench_with_input(BenchmarkId::new("parallel", n), &x, |b, x| {
            b.iter(|| par_map(Cost::Transcendental, black_box(x), &mut out, fast))
        });
    }
    group.finish();
}

/// `baseline` is the backward as the ops compute it without these kernels: one pass and one
/// new buffer per Tensor op of the rule; the fused kernel makes one of each.
fn bench_binary(
    c: &mut Criterion,
    op: &str,
    baseline: impl Fn(&[f32], &[f32]) -> Vec<f32>,
    fast: Binary,
    cost: Cost,
) {
    let mut group = c.benchmark_group(op);
    for n in SIZES {
        let g = inputs(n, -2.0, 2.0);
        let v = inputs(n, -0.99, 0.99);
        // Each variant returns a fresh output buffer, as an op does.
        group.bench_with_input(BenchmarkId::new("std_unfused", n), &n, |b, _| {
            b.iter(|| baseline(black_box(&g), &v))
        });
        group.bench_with_input(BenchmarkId::new("fast", n), &n, |b, _| {
            b.iter(|| {
                let mut out = vec![0.0f32; n];
                fast(black_box(&g), &v, &mut out);
                out
            })
        });
        group.bench_with_input(BenchmarkId::new("parallel", n), &n, |b, _| {
            b.iter(|| par_zip_vec(cost, black_box(&g), &v, fast))
        });
    }
    group.finish();
}

fn map(x: &[f32], f: impl Fn(f32) -> f32) -> Vec<f32> {
    x.iter().map(|&v| f(v)).collect()
}

fn zip(a: &[f32], b: &[f32], f: impl Fn(f32, f32) -> f32) -> Vec<f32> {
    a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect()
}

fn kernels(c: &mut Criterion) {
    bench_unary(c, "tanh", f32::tanh, fm::tanh_f32, (-5.0, 5.0));
    bench_unary(c, "exp", f32::exp, fm::exp_f32, (-10.0, 10.0));
    bench_unary(c, "ln", f32::ln, fm::ln_f32, (1e-3, 1e3));
    let sigmoid = |x: f32| 1.0 / (1.0 + (-x).exp());
    bench_unary(c, "sigmoid", sigmoid, fm::sigmoid_f32, (-10.0, 10.0));
    bench_unary(c, "sin", f32::sin, fm::sin_f32, (-10.0, 10.0));
    bench_unary(c, "cos", f32::cos, fm::cos_f32, (-10.0, 10.0));
    // TanhBackward0 today: g.mul(&y.mul(&y).rsub_scalar(1.0)), three passes.
    let tanh_unfused = |g: &[f32], y: &[f32]| {
        let y2 = zip(y, y, |a, b| a * b);
        zip(g, &map(&y2, |t| 1.0 - t), |a, b| a * b)
    };
    bench_binary(
        c,
        "tanh_backward",
        tanh_unfused,
        fm::tanh_backward_f32,
        Cost::Arithmetic,
    );
    // SinBackward0 today: g.mul(&x.cos()), two passes.
    let sin_unfused = |g: &[f32], x: &[f32]| zip(g, &map(x, f32::cos), |a, b| a * b);
    bench_binary(
        c,
        "sin_backward",
        sin_unfused,
        fm::sin_backward_f32,
        Cost::Transcendental,
    );
}

criterion_group!(benches, kernels);
criterion_main!(benches);
