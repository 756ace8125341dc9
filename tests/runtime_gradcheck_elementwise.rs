//! Issue 2 parts 3 and 8: `autograd::gradcheck` (central differences in f64 against the
//! analytic gradient) over every elementwise op, on several shapes, broadcasting included.

mod runtime_support;

use autograd::Tensor;
use runtime_support::{check, positive, sample};

/// Operand shape pairs covering equal shapes, trailing-dim broadcasting, size-1 dims on both
/// sides, 0-d with n-d (both orders), and a rank-3 broadcast.
const PAIRS: &[(&[usize], &[usize])] = &[
    (&[4], &[4]),
    (&[2, 3], &[2, 3]),
    (&[2, 3], &[3]),
    (&[2, 1], &[1, 3]),
    (&[], &[2, 3]),
    (&[2, 3], &[]),
    (&[3, 1, 2], &[4, 1]),
    (&[1], &[2, 2]),
];

/// Shapes for one-input ops: 0-d, 1-d, 2-d, 3-d with a size-1 dim.
const SHAPES: &[&[usize]] = &[&[], &[5], &[2, 3], &[2, 1, 3]];

#[test]
fn gradcheck_add_with_broadcasting() {
    for (i, &(sa, sb)) in PAIRS.iter().enumerate() {
        check(|v| &v[0] + &v[1], &[sample(sa, i), sample(sb, i + 1)]);
    }
}

#[test]
fn gradcheck_sub_with_broadcasting() {
    for (i, &(sa, sb)) in PAIRS.iter().enumerate() {
        check(|v| &v[0] - &v[1], &[sample(sa, i), sample(sb, i + 1)]);
    }
}

#[test]
fn gradcheck_mul_with_broadcasting() {
    for (i, &(sa, sb)) in PAIRS.iter().enumerate() {
        check(|v| &v[0] * &v[1], &[sample(sa, i), sample(sb, i + 1)]);
    }
}

#[test]
fn gradcheck_div_with_broadcasting() {
    for (i, &(sa, sb)) in PAIRS.iter().enumerate() {
        check(|v| &v[0] / &v[1], &[sample(sa, i), positive(sb, i + 1)]);
        check(|v| &v[1] / &v[0], &[positive(sa, i), sample(sb, i + 1)]);
    }
}

#[test]
fn gradcheck_binary_ops_with_one_constant_operand() {
    // Only one input requires grad: the rule computes the other gradient not at all.
    let c = Tensor::from_vec(vec![0.5f64, -1.5, 2.0], &[3]);
    for shape in [&[3][..], &[2, 3]] {
        check(|v| &v[0] + &c, &[sample(shape, 1)]);
        check(|v| &c - &v[0], &[sample(shape, 2)]);
        check(|v| &v[0] * &c, &[sample(shape, 3)]);
        check(|v| &c / &v[0], &[positive(shape, 4)]);
        check(|v| &v[0] / &c, &[sample(shape, 5)]);
    }
}

#[test]
fn gradcheck_owned_and_borrowed_operator_forms() {
    let (a, b) = (sample(&[2, 3], 0), sample(&[3], 1));
    check(|v| v[0].clone() + v[1].clone(), &[a.clone(), b.clone()]);
    check(|v| &v[0] - v[1].clone(), &[a.clone(), b.clone()]);
    check(|v| v[0].clone() * &v[1], &[a.clone(), b.clone()]);
    check(|v| (&v[0] * 2.0) / (&v[1] * &v[1] + 1.0), &[a, b]);
}

#[test]
fn gradcheck_tensor_scalar_ops() {
    for (i, &shape) in SHAPES.iter().enumerate() {
        let x = sample(shape, i);
        check(|v| &v[0] + 2.5, std::slice::from_ref(&x));
        check(|v| v[0].clone() - 1.5, std::slice::from_ref(&x));
        check(|v| &v[0] * -3.0, std::slice::from_ref(&x));
        check(|v| v[0].clone() / 4.0, std::slice::from_ref(&x));
        check(
            |v| v[0].add_scalar(1.0f32).mul_scalar(0.5f32),
            std::slice::from_ref(&x),
        );
    }
}

#[test]
fn gradcheck_scalar_tensor_ops() {
    for (i, &shape) in SHAPES.iter().enumerate() {
        let x = sample(shape, i);
        check(|v| 2.5 + &v[0], std::slice::from_ref(&x));
        check(|v| 1.5 - v[0].clone(), std::slice::from_ref(&x));
        check(|v| -3.0 * &v[0], std::slice::from_ref(&x));
        check(|v| 2.0 / &v[0], std::slice::from_ref(&x));
        check(|v| 2.0 / v[0].clone(), &[positive(shape, i)]);
    }
}

#[test]
fn gradcheck_neg() {
    for (i, &shape) in SHAPES.iter().enumerate() {
        check(|v| v[0].neg(), &[sample(shape, i)]);
        check(|v| -&v[0], &[sample(shape, i)]);
        check(|v| -(v[0].clone() * 2.0), &[sample(shape, i)]);
    }
}

#[test]
fn gradcheck_pow_for_integer_and_fractional_exponents() {
    for (i, &shape) in SHAPES.iter().enumerate() {
        for e in [2.0, 3.0, 1.0, 0.0, -1.0] {
            check(|v| v[0].pow(e), &[sample(shape, i)]);
        }
        for e in [0.5, -1.5, 2.7] {
            check(|v| v[0].pow(e), &[positive(shape, i)]);
        }
    }
}

#[test]
fn gradcheck_exp_log_sqrt() {
    for (i, &shape) in SHAPES.iter().enumerate() {
        check(|v| v[0].exp(), &[sample(shape, i)]);
        check(|v| v[0].log(), &[positive(shape, i)]);
        check(|v| v[0].sqrt(), &[positive(shape, i)]);
    }
}

#[test]
fn gradcheck_abs_sin_cos() {
    for (i, &shape) in SHAPES.iter().enumerate() {
        check(|v| v[0].abs(), &[sample(shape, i)]);
        check(|v| v[0].sin(), &[sample(shape, i)]);
        check(|v| v[0].cos(), &[sample(shape, i)]);
    }
}

#[test]
fn gradcheck_tanh_sigmoid_relu() {
    for (i, &shape) in SHAPES.iter().enumerate() {
        check(|v| v[0].tanh(), &[sample(shape, i)]);
        check(|v| v[0].sigmoid(), &[sample(shape, i)]);
        check(|v| v[0].relu(), &[sample(shape, i)]);
    }
}

#[test]
fn gradcheck_compositions_of_elementwise_ops() {
    let x = sample(&[2, 3], 7);
    // softplus, the tutorial's z = 3 y^2 + 4 y, a gated unit and a reused input
    check(|v| (v[0].exp() + 1.0).log(), std::slice::from_ref(&x));
    check(
        |v| {
            let y = &v[0] + 2.0;
            (&y * &y * 3.0) + &y * 4.0
        },
        std::slice::from_ref(&x),
    );
    check(
        |v| v[0].tanh() * v[0].sigmoid() + v[0].relu() * v[0].cos(),
        std::slice::from_ref(&x),
    );
    check(
        |v| &v[0] * &v[0] * &v[0] - &v[0] / (v[0].abs() + 1.0),
        std::slice::from_ref(&x),
    );
}

#[test]
fn gradcheck_mixed_dtype_operands_promote_to_f64() {
    // An F32 constant broadcast against an F64 input: the result is F64 and the gradient
    // flows back to the F64 input unchanged in dtype.
    let c = Tensor::from_vec(vec![0.5f32, -2.0, 1.25], &[3]);
    check(|v| &v[0] * &c + &c, &[sample(&[2, 3], 3)]);
}
