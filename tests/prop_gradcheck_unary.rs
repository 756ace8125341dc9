//! Issue 6 part 1, one-input elementwise ops: every op of `ops/unary.rs` and `ops/scalar.rs`,
//! the operator forms (`-x`, `x + s`, `s - x`, `s / x`, ...), `dropout` and `to_dtype`, over
//! random shapes (0-d, size-1 dims, empty dims) and random F64 values, pass `gradcheck`.
//!
//! Values stay away from kinks: `|x| >= 0.1` for relu/abs/sign (the kink is at 0, gradcheck's
//! step is 1e-6), and `x >= 0.1` for log, sqrt, reciprocal and fractional powers.

mod prop_support;

use autograd::{gradcheck, manual_seed, DType, Function, FunctionCtx, Tensor};
use prop_support::{case, check, config, one_shape, Case, Values};
use proptest::prelude::*;

/// One leaf of any shape (empty dims included) holding `values`.
fn unary(values: Values) -> impl Strategy<Value = Case> {
    case(one_shape(true), values)
}

/// A plain number for scalar ops: `|s|` in `[0.25, 3]`, either sign.
fn scalar() -> impl Strategy<Value = f64> {
    (0.25f64..3.0, any::<bool>()).prop_map(|(m, neg)| if neg { -m } else { m })
}

/// An exponent for `pow` on mixed-sign values: an integer in -3..=4 (`x^n` is smooth wherever
/// `x != 0`, and values keep `|x| >= 0.1`).
fn integer_exponent() -> impl Strategy<Value = f64> {
    (-3i32..=4).prop_map(f64::from)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn neg(c in unary(Values::Signed)) {
        check("neg", &c, |v| v[0].neg());
    }

    #[test]
    fn neg_operator(c in unary(Values::Signed)) {
        check("-x", &c, |v| -&v[0]);
    }

    #[test]
    fn exp(c in unary(Values::Signed)) {
        check("exp", &c, |v| v[0].exp());
    }

    #[test]
    fn log(c in unary(Values::Positive)) {
        check("log", &c, |v| v[0].log());
    }

    #[test]
    fn sqrt(c in unary(Values::Positive)) {
        check("sqrt", &c, |v| v[0].sqrt());
    }

    #[test]
    fn abs(c in unary(Values::Signed)) {
        check("abs", &c, |v| v[0].abs());
    }

    #[test]
    fn sin(c in unary(Values::Signed)) {
        check("sin", &c, |v| v[0].sin());
    }

    #[test]
    fn cos(c in unary(Values::Signed)) {
        check("cos", &c, |v| v[0].cos());
    }

    #[test]
    fn tanh(c in unary(Values::Signed)) {
        check("tanh", &c, |v| v[0].tanh());
    }

    #[test]
    fn sigmoid(c in unary(Values::Signed)) {
        check("sigmoid", &c, |v| v[0].sigmoid());
    }

    #[test]
    fn relu(c in unary(Values::Signed)) {
        check("relu", &c, |v| v[0].relu());
    }

    #[test]
    fn sign(c in unary(Values::Signed)) {
        // Piecewise constant away from 0: zero gradient, which is also what backward gives.
        check("sign", &c, |v| v[0].sign());
    }

    #[test]
    fn pow_integer(c in unary(Values::Signed), n in integer_exponent()) {
        check("pow", &c, |v| v[0].pow(n));
    }

    #[test]
    fn pow_fractional(c in unary(Values::Positive), e in -2.5f64..2.5) {
        check("pow", &c, |v| v[0].pow(e));
    }

    #[test]
    fn reciprocal(c in unary(Values::Signed)) {
        check("reciprocal", &c, |v| v[0].reciprocal());
    }

    #[test]
    fn add_scalar(c in unary(Values::Signed), s in scalar()) {
        check("add_scalar", &c, |v| v[0].add_scalar(s));
        check("x + s", &c, |v| &v[0] + s);
        check("s + x", &c, |v| s + &v[0]);
    }

    #[test]
    fn sub_scalar(c in unary(Values::Signed), s in scalar()) {
        check("sub_scalar", &c, |v| v[0].sub_scalar(s));
        check("x - s", &c, |v| &v[0] - s);
    }

    #[test]
    fn rsub_scalar(c in unary(Values::Signed), s in scalar()) {
        check("rsub_scalar", &c, |v| v[0].rsub_scalar(s));
        check("s - x", &c, |v| s - &v[0]);
    }

    #[test]
    fn mul_scalar(c in unary(Values::Signed), s in scalar()) {
        check("mul_scalar", &c, |v| v[0].mul_scalar(s));
        check("x * s", &c, |v| &v[0] * s);
        check("s * x", &c, |v| s * &v[0]);
    }

    #[test]
    fn div_scalar(c in unary(Values::Signed), s in scalar()) {
        check("div_scalar", &c, |v| v[0].div_scalar(s));
        check("x / s", &c, |v| &v[0] / s);
    }

    #[test]
    fn rdiv_scalar(c in unary(Values::Signed), s in scalar()) {
        check("rdiv_scalar", &c, |v| v[0].rdiv_scalar(s));
        check("s / x", &c, |v| s / &v[0]);
    }

    #[test]
    fn dropout(c in unary(Values::Signed), p in 0.0f64..0.9, seed in any::<u64>()) {
        // The mask is drawn from the thread's generator: reseeding inside `f` gives every
        // evaluation gradcheck makes the same mask.
        check("dropout", &c, |v| {
            manual_seed(seed);
            v[0].dropout(p, true)
        });
    }

    #[test]
    fn to_dtype(c in unary(Values::Signed)) {
        // F64 -> F64 is the identity; F64 -> F32 -> F64 cannot be gradchecked with a step of
        // 1e-6 (F32 rounds it away), so the round trip is checked for its exact gradient:
        // d/dx sum(w * f64(f32(x))) = w converted back to F64 (ToCopyBackward0 twice).
        check("to_dtype", &c, |v| v[0].to_dtype(DType::F64));
        let x = c.leaves().remove(0);
        let w = Tensor::from_vec(c.data[0].iter().map(|v| v * 3.0).collect(), &c.shapes[0]);
        let y = x.float().double();
        prop_assert_eq!(y.dtype(), DType::F64);
        if x.numel() > 0 {
            y.mul(&w).sum().backward();
            let g = x.grad().expect("x reached");
            prop_assert_eq!(g.dtype(), DType::F64);
            let expected: Vec<f64> = w.to_vec().iter().map(|v| *v as f32 as f64).collect();
            prop_assert_eq!(g.to_vec(), expected);
        }
    }

    #[test]
    fn composed_chain(c in unary(Values::Positive)) {
        // A chain through most of the ops at once, to catch rules that only fail on a
        // non-trivial incoming gradient.
        check("chain", &c, |v| {
            let x = &v[0];
            ((x.log() * x.sqrt()).tanh() + x.sin().exp() * x.cos()).sigmoid().pow(1.5)
                / x.relu().abs().reciprocal().add_scalar(1.0)
        });
    }
}

/// `gradcheck` itself rejects an input that does not require grad (a sanity check that the
/// properties above check what they say).
#[test]
fn gradcheck_needs_inputs_that_require_grad() {
    let x = Tensor::from_vec(vec![1.0f64], &[1]);
    let err = gradcheck(|v| v[0].exp(), &[x]).unwrap_err();
    assert!(err.to_string().contains("does not require grad"), "{err}");
}

/// `x^2` with a wrong backward (`x` instead of `2x`).
struct WrongSquare;

impl Function for WrongSquare {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        ctx.save_for_backward(&[&inputs[0]]);
        vec![inputs[0].pow(2.0)]
    }
    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        vec![Some(&grads[0] * &ctx.saved_tensors()[0])]
    }
}

/// The harness catches a wrong rule: `check` fails on an op whose backward is wrong.
#[test]
#[should_panic(expected = "WrongSquare: gradcheck failed at shapes [[2]]: Jacobian mismatch")]
fn check_catches_a_wrong_backward() {
    let c = Case {
        shapes: vec![vec![2]],
        data: vec![vec![0.5, -1.5]],
    };
    check("WrongSquare", &c, |v| WrongSquare.apply(&[&v[0]]).remove(0));
}
