//! Issue 6 part 1, two-input elementwise arithmetic (`ops/binary.rs` and the operators of
//! `ops/operators.rs`): `add`, `sub`, `mul`, `div` over random broadcasting pairs (0-d,
//! size-1 dims, missing leading dims, empty dims) and random F64 values pass `gradcheck`,
//! for each input and for both at once, and through every `Tensor`/`&Tensor` operator mix.
//!
//! Denominators keep `|b| >= 0.1` (the values of [`Values::Signed`]).

mod prop_support;

use autograd::{DType, Tensor};
use prop_support::{broadcast_pair, case, check, config, one_shape, Case, Values};
use proptest::prelude::*;

/// Two leaves whose shapes broadcast, empty dims included.
fn pair() -> impl Strategy<Value = Case> {
    case(broadcast_pair(true), Values::Signed)
}

/// Checks `f` with both leaves requiring grad, then with only one of them (the other a
/// constant), so each rule's `needs_input_grad` branches are all taken.
fn check_each_side(op: &str, c: &Case, f: fn(&Tensor, &Tensor) -> Tensor) {
    check(op, c, |v| f(&v[0], &v[1]));
    let (a, b) = (c.constant(0), c.constant(1));
    check(&format!("{op} (lhs only)"), &c.only(0), |v| f(&v[0], &b));
    check(&format!("{op} (rhs only)"), &c.only(1), |v| f(&a, &v[0]));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn add(c in pair()) {
        check_each_side("add", &c, |a, b| a.add(b));
    }

    #[test]
    fn sub(c in pair()) {
        check_each_side("sub", &c, |a, b| a.sub(b));
    }

    #[test]
    fn mul(c in pair()) {
        check_each_side("mul", &c, |a, b| a.mul(b));
    }

    #[test]
    fn div(c in pair()) {
        check_each_side("div", &c, |a, b| a.div(b));
    }

    #[test]
    fn operators_on_every_receiver_mix(c in pair()) {
        // `&a op &b`, `&a op b`, `a op &b` and `a op b` for each of + - * /.
        check("&a + &b", &c, |v| &v[0] + &v[1]);
        check("&a - b", &c, |v| &v[0] - v[1].clone());
        check("a * &b", &c, |v| v[0].clone() * &v[1]);
        check("a / b", &c, |v| v[0].clone() / v[1].clone());
    }

    #[test]
    fn same_leaf_on_both_sides(c in case(one_shape(true), Values::Signed)) {
        // Both edges lead to one AccumulateGrad: the two contributions must be summed.
        check("x * x", &c, |v| &v[0] * &v[0]);
        check("x / x", &c, |v| &v[0] / &v[0]);
        check("x - x * 2", &c, |v| &v[0] - &(&v[0] * 2.0));
    }

    #[test]
    fn promotion_with_an_f32_operand(c in pair()) {
        // F64 op F32 promotes to F64 (as PyTorch); the F64 leaf's gradient flows through.
        let other = c.constant(1).to_dtype(DType::F32);
        let a = c.only(0);
        // A 0-d F64 leaf does not promote an F32 operand that has dims (`torch.result_type`).
        if c.shapes[0].is_empty() && other.dim() > 0 {
            prop_assert_eq!(c.constant(0).mul(&other).dtype(), DType::F32);
            return Ok(());
        }
        check("f64 * f32", &a, |v| {
            let out = v[0].mul(&other);
            assert_eq!(out.dtype(), DType::F64);
            out
        });
        check("f32 / f64", &a, |v| other.div(&v[0]));
    }

    #[test]
    fn broadcast_chain(c in pair()) {
        // (a * b + a) / (b * b + 1): every broadcast gradient is summed back more than once.
        check("chain", &c, |v| {
            let (a, b) = (&v[0], &v[1]);
            (a * b + a) / (b * b + 1.0)
        });
    }
}
