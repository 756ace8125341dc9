//! Issue 3 part 3: chains of elementwise ops run as one loop forward and one backward when
//! their operands have one shape and one float dtype, and op by op otherwise; both ways give
//! what the tape gives, in F32 and F64, over lengths that end mid-chunk.

mod runtime_support;

use autograd::{differentiable, DType, Tensor};
use runtime_support::assert_close;

#[differentiable(static)]
fn elementwise_loss(x: &Tensor) -> Tensor {
    ((x * 2.0 + 1.0).tanh() * x).sum()
}

#[differentiable(dynamic)]
fn elementwise_loss_tape(x: &Tensor) -> Tensor {
    ((x * 2.0 + 1.0).tanh() * x).sum()
}

#[differentiable(static)]
fn two_operands(x: &Tensor, y: &Tensor) -> Tensor {
    (x * y - y.exp() / (x + 2.0)).mean()
}

#[differentiable(dynamic)]
fn two_operands_tape(x: &Tensor, y: &Tensor) -> Tensor {
    (x * y - y.exp() / (x + 2.0)).mean()
}

#[differentiable(static)]
fn softsign(x: &Tensor, y: &Tensor) -> Tensor {
    x / (y.abs() + 1.0)
}

#[differentiable(dynamic)]
fn softsign_tape(x: &Tensor, y: &Tensor) -> Tensor {
    x / (y.abs() + 1.0)
}

#[differentiable(static)]
fn every_unary_op(x: &Tensor) -> Tensor {
    let a = x.exp() + x.log() + x.sqrt() + x.abs() + x.sin() + x.cos();
    let b = x.tanh() + x.sigmoid() + x.relu() - x.neg() + x.pow(1.5) + x.pow(2.0);
    (a * b).sum()
}

#[differentiable(dynamic)]
fn every_unary_op_tape(x: &Tensor) -> Tensor {
    let a = x.exp() + x.log() + x.sqrt() + x.abs() + x.sin() + x.cos();
    let b = x.tanh() + x.sigmoid() + x.relu() - x.neg() + x.pow(1.5) + x.pow(2.0);
    (a * b).sum()
}

/// `n` values in `(-1.5, 1.5)` of `dtype`, requiring grad.
fn wave(n: usize, phase: f64, dtype: DType) -> Tensor {
    let v: Vec<f64> = (0..n)
        .map(|i| 1.5 * (i as f64 * 0.37 + phase).sin())
        .collect();
    Tensor::from_vec(v, &[n])
        .to_dtype(dtype)
        .requires_grad_(true)
}

/// `n` values in `[0.5, 2)`, requiring grad.
fn positive_wave(n: usize, dtype: DType) -> Tensor {
    let v: Vec<f64> = (0..n)
        .map(|i| 1.25 + 0.75 * (i as f64 * 0.61).cos())
        .collect();
    Tensor::from_vec(v, &[n])
        .to_dtype(dtype)
        .requires_grad_(true)
}

/// Values and input gradients of `f` after `out.backward_with(weights)`.
fn run(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) -> (Tensor, Vec<Option<Vec<f64>>>) {
    for x in inputs {
        x.zero_grad();
    }
    let out = f(inputs);
    let weights: Vec<f64> = (0..out.numel()).map(|i| 1.0 + (i % 3) as f64).collect();
    out.backward_with(&Tensor::from_vec(weights, out.shape()).to_dtype(out.dtype()));
    let grads = inputs
        .iter()
        .map(|x| x.grad().map(|g| g.to_vec()))
        .collect();
    (out, grads)
}

/// The static function against its tape twin: same dtype, shape, values and gradients
/// within `tol` (relative to magnitudes above 1).
#[track_caller]
fn same_as_tape(
    fused: impl Fn(&[Tensor]) -> Tensor,
    tape: impl Fn(&[Tensor]) -> Tensor,
    inputs: &[Tensor],
    tol: f64,
) {
    let (a, ga) = run(fused, inputs);
    let (b, gb) = run(tape, inputs);
    assert_eq!((a.dtype(), a.shape()), (b.dtype(), b.shape()));
    assert_close(&a.to_vec(), &b.to_vec(), tol);
    for (ga, gb) in ga.iter().zip(&gb) {
        match (ga, gb) {
            (Some(ga), Some(gb)) => assert_close(ga, gb, tol),
            (None, None) => {}
            _ => panic!("gradients {ga:?} vs {gb:?}"),
        }
    }
}

/// Lengths around the loops' chunk size (64): empty, one element, mid-chunk, exact, long.
const LENGTHS: [usize; 7] = [0, 1, 7, 63, 64, 65, 1000];

#[test]
fn w4_chain_matches_the_tape_and_the_closed_form() {
    for n in LENGTHS {
        let x = wave(n, 0.1, DType::F64);
        same_as_tape(
            |v| elementwise_loss(&v[0]),
            |v| elementwise_loss_tape(&v[0]),
            std::slice::from_ref(&x),
            1e-12,
        );
        // d/dx sum(tanh(2x + 1) x) = tanh(2x + 1) + 2x (1 - tanh(2x + 1)^2)
        x.zero_grad();
        elementwise_loss(&x).backward();
        let expected: Vec<f64> = x
            .to_vec()
            .iter()
            .map(|&x| {
                let t = (2.0 * x + 1.0).tanh();
                t + 2.0 * x * (1.0 - t * t)
            })
            .collect();
        assert_close(&x.grad().expect("grad").to_vec(), &expected, 1e-12);
    }
}

#[test]
fn f32_chains_agree_with_the_tape_to_f32_precision() {
    for n in LENGTHS {
        let x = wave(n, 0.2, DType::F32);
        same_as_tape(
            |v| elementwise_loss(&v[0]),
            |v| elementwise_loss_tape(&v[0]),
            std::slice::from_ref(&x),
            1e-4,
        );
        assert_eq!(x.grad().expect("grad").dtype(), DType::F32);
        if n == 0 {
            continue; // the mean of nothing is NaN, on either path
        }
        let (a, b) = (positive_wave(n, DType::F32), wave(n, 0.3, DType::F32));
        same_as_tape(
            |v| two_operands(&v[0], &v[1]),
            |v| two_operands_tape(&v[0], &v[1]),
            &[a, b],
            1e-4,
        );
    }
}

#[test]
fn every_unary_op_fuses_in_both_dtypes() {
    for dtype in [DType::F64, DType::F32] {
        let tol = if dtype == DType::F64 { 1e-12 } else { 1e-3 };
        let x = positive_wave(100, dtype);
        same_as_tape(
            |v| every_unary_op(&v[0]),
            |v| every_unary_op_tape(&v[0]),
            &[x],
            tol,
        );
    }
}

#[test]
fn a_chain_without_a_reduction_is_elementwise() {
    for n in LENGTHS {
        let (x, y) = (wave(n, 0.4, DType::F64), wave(n, 0.5, DType::F64));
        same_as_tape(
            |v| softsign(&v[0], &v[1]),
            |v| softsign_tape(&v[0], &v[1]),
            &[x, y],
            1e-12,
        );
    }
}

#[test]
fn operands_of_different_shapes_run_op_by_op() {
    // [4, 5] and [5] broadcast: not one shape, so the chain runs op by op (and its
    // gradient is summed back to [5]).
    let x =
        Tensor::from_vec((0..20).map(|i| 0.1 * i as f64).collect(), &[4, 5]).requires_grad_(true);
    let y = wave(5, 0.6, DType::F64);
    same_as_tape(
        |v| two_operands(&v[0], &v[1]),
        |v| two_operands_tape(&v[0], &v[1]),
        &[x.clone(), y.clone()],
        1e-12,
    );
    assert_eq!(y.grad().expect("grad").shape(), &[5]);
    same_as_tape(
        |v| softsign(&v[0], &v[1]),
        |v| softsign_tape(&v[0], &v[1]),
        &[x, y],
        1e-12,
    );
}

#[test]
fn operands_of_different_dtypes_run_op_by_op() {
    // F32 with F64 promotes to F64, as on the tape; each gradient keeps its input's dtype.
    let (x, y) = (positive_wave(9, DType::F32), wave(9, 0.7, DType::F64));
    same_as_tape(
        |v| two_operands(&v[0], &v[1]),
        |v| two_operands_tape(&v[0], &v[1]),
        &[x.clone(), y],
        1e-6,
    );
    assert_eq!(two_operands(&x, &x.double()).dtype(), DType::F64);
    assert_eq!(x.grad().expect("grad").dtype(), DType::F32);
}

#[test]
fn an_operand_without_grad_gets_none() {
    let x = wave(70, 0.8, DType::F64);
    let y = wave(70, 0.9, DType::F64).detach();
    two_operands(&x, &y).backward();
    assert!(y.grad().is_none());
    x.zero_grad();
    same_as_tape(
        |v| two_operands(&v[0], &y),
        |v| two_operands_tape(&v[0], &y),
        &[x],
        1e-12,
    );
}

#[test]
fn f32_sums_accumulate_in_f64() {
    // 100 000 values of 0.1f32: an f32 running sum drifts by ~1e-3 relative, the f64
    // accumulators (like the tape's pairwise sum) stay at f32's resolution.
    let n = 100_000;
    let x = Tensor::from_vec(vec![0.1f32; n], &[n]).requires_grad_(true);
    let fused = elementwise_loss(&x).item();
    let tape = elementwise_loss_tape(&x).item();
    let exact = n as f64 * (0.1f32 as f64) * ((2.0 * 0.1f32 as f64 + 1.0).tanh());
    assert!((fused - exact).abs() <= 1e-6 * exact, "{fused} vs {exact}");
    assert!((fused - tape).abs() <= 1e-6 * exact, "{fused} vs {tape}");
}

/// The gradients of `f`'s weighted output by the usual backward (the fused loop) and by the
/// one that records itself (`create_graph`: the same node runs its op-by-op adjoints).
fn fused_and_op_by_op(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) -> [Vec<Vec<f64>>; 2] {
    let out = f(inputs);
    let weights: Vec<f64> = (0..out.numel()).map(|i| 1.0 + (i % 3) as f64).collect();
    let loss = (&out * &Tensor::from_vec(weights, out.shape()).to_dtype(out.dtype())).sum();
    let refs: Vec<&Tensor> = inputs.iter().collect();
    let run = |create_graph: bool| -> Vec<Vec<f64>> {
        autograd::grad(&[&loss], &refs)
            .retain_graph(true)
            .create_graph(create_graph)
            .run()
            .expect("backward")
            .into_iter()
            .map(|g| g.expect("grad").to_vec())
            .collect()
    };
    [run(false), run(true)]
}

#[test]
fn the_fused_loop_and_the_op_by_op_adjoints_agree() {
    for n in [1, 63, 200] {
        let x = wave(n, 1.1, DType::F64);
        let [fused, ops] = fused_and_op_by_op(|v| elementwise_loss(&v[0]), &[x]);
        assert_close(&fused[0], &ops[0], 1e-12);
        let (a, b) = (positive_wave(n, DType::F64), wave(n, 1.2, DType::F64));
        let [fused, ops] = fused_and_op_by_op(|v| two_operands(&v[0], &v[1]), &[a, b]);
        for (f, o) in fused.iter().zip(&ops) {
            assert_close(f, o, 1e-12);
        }
        let x = positive_wave(n, DType::F64);
        let [fused, ops] = fused_and_op_by_op(|v| every_unary_op(&v[0]), &[x]);
        assert_close(&fused[0], &ops[0], 1e-12);
        let (x, y) = (wave(n, 1.3, DType::F32), wave(n, 1.4, DType::F32));
        let [fused, ops] = fused_and_op_by_op(|v| softsign(&v[0], &v[1]), &[x, y]);
        for (f, o) in fused.iter().zip(&ops) {
            assert_close(f, o, 1e-5);
        }
    }
}

// Each op on its own node: a node's unused outputs get zero gradients, and 0 * NaN is NaN.
#[differentiable(static)]
fn relus(x: &Tensor, row: &Tensor) -> (Tensor, Tensor) {
    (x.relu() * 2.0, (x * row).relu())
}

#[differentiable(dynamic)]
fn relus_tape(x: &Tensor, row: &Tensor) -> (Tensor, Tensor) {
    (x.relu() * 2.0, (x * row).relu())
}

#[differentiable(static)]
fn abses(x: &Tensor, row: &Tensor) -> (Tensor, Tensor) {
    (x.abs() * 2.0, (x * row).abs())
}

#[differentiable(dynamic)]
fn abses_tape(x: &Tensor, row: &Tensor) -> (Tensor, Tensor) {
    (x.abs() * 2.0, (x * row).abs())
}

type Pair = fn(&Tensor, &Tensor) -> (Tensor, Tensor);

#[test]
fn subgradients_at_zero_and_nan_are_the_tapes() {
    // relu'(0) = abs'(0) = 0; at NaN relu's gradient passes (threshold_backward) and abs's is
    // 0 (ATen's sgn(NaN) = 0); relu(-0) = 0. Fused (first result) and op by op (second,
    // broadcast).
    let same = |a: &[f64], b: &[f64]| {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!(x == y || (x.is_nan() && y.is_nan()), "{a:?} vs {b:?}");
        }
    };
    let pairs: [(Pair, Pair); 2] = [(relus, relus_tape), (abses, abses_tape)];
    for dtype in [DType::F64, DType::F32] {
        let values = vec![0.0, -0.0, f64::NAN, 1.5, -2.0, 0.0];
        let x = Tensor::from_vec(values, &[2, 3])
            .to_dtype(dtype)
            .requires_grad_(true);
        let row = Tensor::from_vec(vec![1.0, 2.0, 1.0], &[3]).to_dtype(dtype);
        for (stat, tape) in pairs {
            for k in 0..2 {
                let mut results = Vec::new();
                for f in [stat, tape] {
                    x.zero_grad();
                    let (a, b) = f(&x, &row);
                    let out = if k == 0 { a } else { b };
                    out.sum().backward();
                    results.push((out.to_vec(), x.grad().expect("grad").to_vec()));
                }
                same(&results[0].0, &results[1].0);
                same(&results[0].1, &results[1].1);
            }
        }
    }
}

#[differentiable]
fn relu_sum(x: &Tensor) -> Tensor {
    (x.relu() * 3.0).sum()
}

#[test]
fn relu_under_create_graph_passes_the_gradient_at_nan_as_the_tape() {
    // PyTorch records threshold_backward (ThresholdBackwardBackward0): 3 at NaN and x > 0, 0 at
    // x <= 0; the second derivative through the mask is 0.
    let values = vec![f64::NAN, 0.0, -1.0, 2.0];
    let x = Tensor::from_vec(values.clone(), &[4]).requires_grad_(true);
    let grads = autograd::grad(&[&relu_sum(&x)], &[&x])
        .create_graph(true)
        .run()
        .expect("grad");
    assert_eq!(
        grads[0].as_ref().expect("grad").to_vec(),
        vec![3.0, 0.0, 0.0, 3.0]
    );
    let tape = Tensor::from_vec(values, &[4]).requires_grad_(true);
    let tape_grads = autograd::grad(&[&(tape.relu() * 3.0).sum()], &[&tape])
        .create_graph(true)
        .run()
        .expect("grad");
    assert_eq!(
        tape_grads[0].as_ref().expect("grad").to_vec(),
        vec![3.0, 0.0, 0.0, 3.0]
    );
}
