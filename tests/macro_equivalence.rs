//! Issue 3 part 7: every function here is written once and expanded twice, as
//! `#[differentiable(static)]` (one node with the generated backward; `static` makes a body
//! that is not a static path a compile error, so each really takes that path) and as
//! `#[differentiable(dynamic)]` (the tape). Both give the same values, gradients and second
//! derivatives (1e-6 relative, F64), and both pass `gradcheck`. The inputs' shapes take each
//! function through the generated code's paths: fused chains (operands of one shape), chains
//! run op by op (broadcast operands), nodes outside chains, and the recomputing backward of
//! `create_graph`.

mod runtime_support;

use autograd::{differentiable, gradcheck, Tensor};
use runtime_support::{positive, sample};

/// `fn` twins: `$s` static, `$d` dynamic, one body.
macro_rules! twins {
    ($(#[$doc:meta])* $s:ident, $d:ident, ($($params:tt)*) -> $ret:tt { $($body:tt)* }) => {
        $(#[$doc])*
        #[differentiable(static)]
        fn $s($($params)*) -> $ret { $($body)* }
        $(#[$doc])*
        #[differentiable(dynamic)]
        fn $d($($params)*) -> $ret { $($body)* }
    };
}

/// A function of the inputs giving its outputs.
type Outputs = dyn Fn(&[Tensor]) -> Vec<Tensor>;

#[track_caller]
fn assert_rel(actual: &[f64], expected: &[f64], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let scale = a.abs().max(e.abs()).max(1e-12);
        assert!(
            (a - e).abs() <= 1e-6 * scale || (a.is_nan() && e.is_nan()),
            "{what}[{i}]: static {a} vs dynamic {e}"
        );
    }
}

/// `sum_k (t_k * w_k).sum()` with fixed, distinct weights `w_k`, so every element counts.
fn weighted_sum(tensors: &[Tensor], seed: usize) -> Tensor {
    tensors
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let w: Vec<f64> = (0..t.numel())
                .map(|i| 0.5 + 0.25 * ((i + k + seed) % 5) as f64)
                .collect();
            (t * &Tensor::from_vec(w, t.shape()).to_dtype(t.dtype())).sum()
        })
        .reduce(|a, b| a + b)
        .expect("at least one tensor")
}

/// First derivatives of the weighted sum of the outputs, and, through a backward that
/// records itself (`create_graph`: the static node recomputes its forward and runs its
/// adjoints as recorded ops), the same first derivatives and the second derivatives of a
/// weighted sum of them. An unused input's gradient reads as zeros.
fn derivatives(outputs: &[Tensor], inputs: &[Tensor]) -> [Vec<Vec<f64>>; 3] {
    let refs: Vec<&Tensor> = inputs.iter().collect();
    let values = |grads: Vec<Option<Tensor>>| -> Vec<Vec<f64>> {
        grads
            .iter()
            .zip(inputs)
            .map(|(g, x)| g.as_ref().unwrap_or(&x.zeros_like()).to_vec())
            .collect()
    };
    let loss = weighted_sum(outputs, 0);
    let first = autograd::grad(&[&loss], &refs)
        .retain_graph(true)
        .allow_unused(true)
        .run()
        .expect("backward");
    let recorded = autograd::grad(&[&loss], &refs)
        .create_graph(true)
        .allow_unused(true)
        .run()
        .expect("backward with create_graph");
    let used: Vec<Tensor> = recorded
        .iter()
        .zip(inputs)
        .map(|(g, x)| g.clone().unwrap_or_else(|| x.zeros_like()))
        .collect();
    let second = if used.iter().any(Tensor::requires_grad) {
        autograd::grad(&[&weighted_sum(&used, 1)], &refs)
            .allow_unused(true)
            .run()
            .expect("double backward")
    } else {
        vec![None; inputs.len()]
    };
    [values(first), values(recorded), values(second)]
}

/// Values, gradients and gradcheck of the twins on `inputs`.
#[track_caller]
fn check(stat: &Outputs, dynamic: &Outputs, inputs: &[Tensor]) {
    let (s, d) = (stat(inputs), dynamic(inputs));
    assert_eq!(s.len(), d.len());
    for s in &s {
        // One generated node straight onto the inputs (or an input returned as it is).
        if let Some(node) = s.grad_fn() {
            assert!(node.name().ends_with("Backward"), "{}", node.name());
            for (next, _) in node.next_functions() {
                assert_eq!(
                    next.map(|n| n.name().to_string()).as_deref(),
                    Some("AccumulateGrad")
                );
            }
        }
    }
    for (k, (s, d)) in s.iter().zip(&d).enumerate() {
        assert_eq!(s.shape(), d.shape(), "output {k} shape");
        assert_eq!(s.dtype(), d.dtype(), "output {k} dtype");
        assert_rel(&s.to_vec(), &d.to_vec(), &format!("output {k}"));
    }
    let (gs, gd) = (derivatives(&s, inputs), derivatives(&d, inputs));
    let orders = [
        "gradient",
        "gradient under create_graph",
        "second derivative",
    ];
    for ((gs, gd), order) in gs.iter().zip(&gd).zip(orders) {
        for (i, (gs, gd)) in gs.iter().zip(gd).enumerate() {
            assert_rel(gs, gd, &format!("{order} of input {i}"));
        }
    }
    for k in 0..s.len() {
        gradcheck(|v| stat(v)[k].clone(), inputs)
            .unwrap_or_else(|e| panic!("static, output {k}: {e}"));
        gradcheck(|v| dynamic(v)[k].clone(), inputs)
            .unwrap_or_else(|e| panic!("dynamic, output {k}: {e}"));
    }
}

twins!(
    /// The tutorial's `out`: a fused chain ending in `mean`, `y` read twice.
    tutorial_s, tutorial_d, (x: &Tensor) -> Tensor {
        let y = x + 2.0;
        let z = &y * &y * 3.0;
        z.mean()
    }
);

#[test]
fn tutorial() {
    check(
        &|v| vec![tutorial_s(&v[0])],
        &|v| vec![tutorial_d(&v[0])],
        &[sample(&[2, 2], 1)],
    );
}

twins!(
    /// Broadcasting between tensors: a row vector, a column, a 0-d tensor.
    broadcast_s, broadcast_d, (x: &Tensor, row: &Tensor, col: &Tensor, c: &Tensor) -> Tensor {
        (x * row + col).tanh() / (c + 3.0) - row
    }
);

#[test]
fn broadcasting() {
    let inputs = [
        sample(&[3, 4], 1),
        sample(&[4], 2),
        sample(&[3, 1], 3),
        positive(&[], 4),
    ];
    check(
        &|v| vec![broadcast_s(&v[0], &v[1], &v[2], &v[3])],
        &|v| vec![broadcast_d(&v[0], &v[1], &v[2], &v[3])],
        &inputs,
    );
}

twins!(
    /// Scalars on either side of every operator.
    scalar_sides_s, scalar_sides_d, (x: &Tensor) -> Tensor {
        let a = 2.0 - x;
        let b = 1.5 + x;
        let c = 3.0 * x;
        let d = 1.0 / (x + 4.0);
        a / b + c - d * 0.5 + (x - 1.0) / 4.0
    }
);

#[test]
fn scalars_on_either_side() {
    check(
        &|v| vec![scalar_sides_s(&v[0])],
        &|v| vec![scalar_sides_d(&v[0])],
        &[positive(&[5], 1)],
    );
}

twins!(
    /// Reductions by dim, kept and dropped, a negative dim, broadcast back together.
    by_dim_s, by_dim_d, (x: &Tensor) -> Tensor {
        let rows = x.sum_dim(1, true);
        let cols = x.mean_dim(0, true);
        (&rows * &cols).sum_dim(-1, false) + x.mean_dim(1, false)
    }
);

#[test]
fn reductions_by_dim() {
    check(
        &|v| vec![by_dim_s(&v[0])],
        &|v| vec![by_dim_d(&v[0])],
        &[sample(&[3, 4], 1)],
    );
}

twins!(
    /// A dim given as a parameter.
    dim_param_s, dim_param_d, (x: &Tensor, d: usize) -> Tensor {
        x.mean_dim(d, false).exp() + x.sum_dim(d, false)
    }
);

#[test]
fn dims_as_parameters() {
    for d in 0..3 {
        check(
            &move |v| vec![dim_param_s(&v[0], d)],
            &move |v| vec![dim_param_d(&v[0], d)],
            &[sample(&[2, 3, 2], d)],
        );
    }
}

twins!(
    /// A chain of matrix products.
    matmul_chain_s, matmul_chain_d, (x: &Tensor, w1: &Tensor, w2: &Tensor) -> Tensor {
        x.matmul(w1).tanh().matmul(w2).matmul(&w2.t())
    }
);

#[test]
fn matmul_chains() {
    let inputs = [sample(&[2, 3], 1), sample(&[3, 4], 2), sample(&[4, 2], 3)];
    check(
        &|v| vec![matmul_chain_s(&v[0], &v[1], &v[2])],
        &|v| vec![matmul_chain_d(&v[0], &v[1], &v[2])],
        &inputs,
    );
}

twins!(
    /// Every 1-d/2-d combination of `matmul`, as a tuple of results.
    matmul_dims_s, matmul_dims_d, (a: &Tensor, v: &Tensor, u: &Tensor)
        -> (Tensor, Tensor, Tensor, Tensor) {
        (a.matmul(v), u.matmul(a), v.matmul(v), a.t().matmul(a))
    }
);

#[test]
fn matmul_of_vectors_and_matrices() {
    let inputs = [sample(&[3, 4], 1), sample(&[4], 2), sample(&[3], 3)];
    let split = |(a, b, c, d): (Tensor, Tensor, Tensor, Tensor)| vec![a, b, c, d];
    check(
        &move |v| split(matmul_dims_s(&v[0], &v[1], &v[2])),
        &move |v| split(matmul_dims_d(&v[0], &v[1], &v[2])),
        &inputs,
    );
}

twins!(
    /// W3's loss: a two-layer perceptron with a squared error.
    two_layer_loss_s, two_layer_loss_d,
    (x: &Tensor, w1: &Tensor, b1: &Tensor, w2: &Tensor, b2: &Tensor, t: &Tensor) -> Tensor {
        let h = (x.matmul(w1) + b1).relu();
        let d = h.matmul(w2) + b2 - t;
        (&d * &d).mean()
    }
);

#[test]
fn two_layer_perceptron() {
    let inputs = [
        sample(&[4, 3], 1),
        sample(&[3, 5], 2),
        sample(&[5], 3),
        sample(&[5, 2], 4),
        sample(&[2], 5),
        sample(&[4, 2], 6),
    ];
    check(
        &|v| vec![two_layer_loss_s(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5])],
        &|v| vec![two_layer_loss_d(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5])],
        &inputs,
    );
}

twins!(
    /// A value read three times within a chain.
    three_uses_s, three_uses_d, (x: &Tensor) -> Tensor {
        let y = x.exp();
        (&y * &y + &y).sum()
    }
);

twins!(
    /// A value read by five ops outside any chain (their adjoints are summed).
    many_uses_s, many_uses_d, (x: &Tensor) -> Tensor {
        let y = x.tanh();
        let z = y.matmul(&y.t());
        z.sum() + y.norm() + y.sum()
    }
);

#[test]
fn values_used_several_times() {
    check(
        &|v| vec![three_uses_s(&v[0])],
        &|v| vec![three_uses_d(&v[0])],
        &[sample(&[4], 1)],
    );
    check(
        &|v| vec![many_uses_s(&v[0])],
        &|v| vec![many_uses_d(&v[0])],
        &[sample(&[2, 3], 2)],
    );
}

twins!(
    /// Scalar parameters (f64 and f32), in arithmetic, as an exponent, in a scalar `let`.
    scaled_s, scaled_d, (x: &Tensor, s: f64, t: f32) -> Tensor {
        let half = s * 0.5;
        (x * s + t).pow(s).sum() * half
    }
);

#[test]
fn scalar_parameters() {
    check(
        &|v| vec![scaled_s(&v[0], 2.5, 0.25)],
        &|v| vec![scaled_d(&v[0], 2.5, 0.25)],
        &[positive(&[3], 1)],
    );
}

twins!(
    /// A tuple result: two outputs of the one node, sharing a value.
    pair_s, pair_d, (x: &Tensor, y: &Tensor) -> (Tensor, Tensor) {
        let p = x * y;
        (p.sum(), p.exp())
    }
);

#[test]
fn tuple_results() {
    let split = |(a, b): (Tensor, Tensor)| vec![a, b];
    check(
        &move |v| split(pair_s(&v[0], &v[1])),
        &move |v| split(pair_d(&v[0], &v[1])),
        &[sample(&[2, 3], 1), sample(&[2, 3], 2)],
    );
}

twins!(
    /// W4's chain: one loop forward, one backward.
    elementwise_loss_s, elementwise_loss_d, (x: &Tensor) -> Tensor {
        ((x * 2.0 + 1.0).tanh() * x).sum()
    }
);

twins!(
    /// Two operands of one shape in one chain, ending in `mean`.
    two_leaves_s, two_leaves_d, (x: &Tensor, y: &Tensor) -> Tensor {
        (x * y - y.exp() / (x + 2.0)).mean()
    }
);

twins!(
    /// A chain without a reduction: the result is elementwise.
    softsign_s, softsign_d, (x: &Tensor) -> Tensor {
        x / (x.abs() + 1.0)
    }
);

#[test]
fn fused_chains() {
    check(
        &|v| vec![elementwise_loss_s(&v[0])],
        &|v| vec![elementwise_loss_d(&v[0])],
        &[sample(&[7], 1)],
    );
    check(
        &|v| vec![two_leaves_s(&v[0], &v[1])],
        &|v| vec![two_leaves_d(&v[0], &v[1])],
        &[positive(&[2, 3], 1), sample(&[2, 3], 2)],
    );
    check(
        &|v| vec![softsign_s(&v[0])],
        &|v| vec![softsign_d(&v[0])],
        &[sample(&[5], 3)],
    );
}

/// One pair of twins per unary op of the table, each in a fused chain and in a chain run op
/// by op (its operands broadcast: `[2, 3]` and `[3]`).
macro_rules! unary_twins {
    ($($s:ident, $d:ident, $test:ident, $method:ident($($arg:tt)*), $sample:ident;)*) => {$(
        twins!($s, $d, (x: &Tensor, row: &Tensor) -> (Tensor, Tensor) {
            (x.$method($($arg)*) * 2.0, (x * row).$method($($arg)*))
        });

        #[test]
        fn $test() {
            let split = |(a, b): (Tensor, Tensor)| vec![a, b];
            check(
                &move |v| split($s(&v[0], &v[1])),
                &move |v| split($d(&v[0], &v[1])),
                &[$sample(&[2, 3], 1), $sample(&[3], 2)],
            );
        }
    )*};
}

unary_twins! {
    exp_s, exp_d, unary_exp, exp(), sample;
    log_s, log_d, unary_log, log(), positive;
    sqrt_s, sqrt_d, unary_sqrt, sqrt(), positive;
    abs_s, abs_d, unary_abs, abs(), sample;
    sin_s, sin_d, unary_sin, sin(), sample;
    cos_s, cos_d, unary_cos, cos(), sample;
    tanh_s, tanh_d, unary_tanh, tanh(), sample;
    sigmoid_s, sigmoid_d, unary_sigmoid, sigmoid(), sample;
    relu_s, relu_d, unary_relu, relu(), sample;
    neg_s, neg_d, unary_neg, neg(), sample;
    pow_s, pow_d, unary_pow, pow(3.0), sample;
    pow_half_s, pow_half_d, unary_pow_half, pow(0.5), positive;
    pow_zero_s, pow_zero_d, unary_pow_zero, pow(0.0), sample;
}

twins!(
    /// The `-` operator, in a fused chain and in one run op by op.
    minus_s, minus_d, (x: &Tensor, row: &Tensor) -> (Tensor, Tensor) {
        (-x * 2.0, -(x * row))
    }
);

#[test]
fn unary_minus() {
    let split = |(a, b): (Tensor, Tensor)| vec![a, b];
    check(
        &move |v| split(minus_s(&v[0], &v[1])),
        &move |v| split(minus_d(&v[0], &v[1])),
        &[sample(&[2, 3], 1), sample(&[3], 2)],
    );
}

twins!(
    /// Every layout op, and `norm`.
    layout_s, layout_d, (x: &Tensor) -> Tensor {
        let r = x.t().reshape(&[12]).unsqueeze(0).squeeze(0).reshape(&[2, 6]);
        r.transpose(0, 1).sum_dim(0, false) * x.norm()
    }
);

#[test]
fn layout_ops_and_norm() {
    check(
        &|v| vec![layout_s(&v[0])],
        &|v| vec![layout_d(&v[0])],
        &[sample(&[3, 4], 1)],
    );
}

twins!(
    /// `x / ||x||`: a 0-d divisor broadcast over a matrix.
    normalize_s, normalize_d, (x: &Tensor) -> Tensor {
        x / x.norm()
    }
);

#[test]
fn normalization() {
    check(
        &|v| vec![normalize_s(&v[0])],
        &|v| vec![normalize_d(&v[0])],
        &[sample(&[3, 2], 1)],
    );
}

twins!(
    /// Shadowed `let`s, of tensors and of scalars.
    shadowing_s, shadowing_d, (x: &Tensor) -> Tensor {
        let s = 2.0;
        let y = x * s;
        let y = y.sin() + &y;
        let s = 3.0;
        let y = &y * s;
        y.sum()
    }
);

#[test]
fn shadowing() {
    check(
        &|v| vec![shadowing_s(&v[0])],
        &|v| vec![shadowing_d(&v[0])],
        &[sample(&[4], 1)],
    );
}

twins!(
    /// W5's step on 0-d tensors.
    chain_step_s, chain_step_d, (c: &Tensor, a: &Tensor, b: &Tensor) -> Tensor {
        (c * b + a).sin()
    }
);

#[test]
fn zero_dimensional_tensors() {
    let inputs = [sample(&[], 1), sample(&[], 2), sample(&[], 3)];
    check(
        &|v| vec![chain_step_s(&v[0], &v[1], &v[2])],
        &|v| vec![chain_step_d(&v[0], &v[1], &v[2])],
        &inputs,
    );
}

twins!(
    /// A parameter returned as it is, beside a computed value; an unused `let`.
    passthrough_s, passthrough_d, (x: &Tensor, y: &Tensor) -> (Tensor, Tensor) {
        let _unused = y.exp();
        (x.clone(), (x - y).neg() * -y)
    }
);

#[test]
fn passthrough_and_dead_code() {
    let split = |(a, b): (Tensor, Tensor)| vec![a, b];
    let inputs = [sample(&[3], 1), sample(&[3], 2)];
    check(
        &move |v| split(passthrough_s(&v[0], &v[1])),
        &move |v| split(passthrough_d(&v[0], &v[1])),
        &inputs,
    );
    // The parameter comes back as the same tensor, as on the tape.
    let (same, _) = passthrough_s(&inputs[0], &inputs[1]);
    assert!(same.ptr_eq(&inputs[0]));
}

twins!(
    /// Tensors taken by value.
    by_value_s, by_value_d, (x: Tensor, y: Tensor) -> Tensor {
        (x.matmul(&y) - 1.0).pow(2.0).mean()
    }
);

#[test]
fn tensors_by_value() {
    check(
        &|v| vec![by_value_s(v[0].clone(), v[1].clone())],
        &|v| vec![by_value_d(v[0].clone(), v[1].clone())],
        &[sample(&[2, 3], 1), sample(&[3, 2], 2)],
    );
}

twins!(
    /// Batched products: a batch times a matrix, a vector, and a batch whose batch dims
    /// broadcast; a vector times a batch.
    batched_s, batched_d, (a: &Tensor, m: &Tensor, v: &Tensor, b: &Tensor, u: &Tensor)
        -> (Tensor, Tensor, Tensor, Tensor) {
        (a.matmul(m), a.matmul(v), a.matmul(b), u.matmul(b))
    }
);

#[test]
fn batched_matmul() {
    // a [2, 1, 3, 4], m [4, 2], v [4], b [3, 4, 2] (broadcast against a's [2, 1]), u [4]
    let inputs = [
        sample(&[2, 1, 3, 4], 1),
        sample(&[4, 2], 2),
        sample(&[4], 3),
        sample(&[3, 4, 2], 4),
        sample(&[4], 5),
    ];
    let split = |(a, b, c, d): (Tensor, Tensor, Tensor, Tensor)| vec![a, b, c, d];
    check(
        &move |v| split(batched_s(&v[0], &v[1], &v[2], &v[3], &v[4])),
        &move |v| split(batched_d(&v[0], &v[1], &v[2], &v[3], &v[4])),
        &inputs,
    );
}
