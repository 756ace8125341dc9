//! log1p, expm1, tan, rsqrt, square, sinh, cosh, atan, asin, acos, erf, log2, log10 and exp2:
//! values and gradients against torch 2.15, gradcheck (first and second order), node names,
//! and which tensor each saves (the in-place behaviour).

mod ops_support;

use autograd::{no_grad, AutogradError, Tensor};
use ops_support::*;

/// The op named `name` (a table of method pointers keeps the cases data-driven).
fn op(name: &str) -> fn(&Tensor) -> Tensor {
    match name {
        "log1p" => Tensor::log1p,
        "expm1" => Tensor::expm1,
        "tan" => Tensor::tan,
        "rsqrt" => Tensor::rsqrt,
        "square" => Tensor::square,
        "sinh" => Tensor::sinh,
        "cosh" => Tensor::cosh,
        "atan" => Tensor::atan,
        "asin" => Tensor::asin,
        "acos" => Tensor::acos,
        "erf" => Tensor::erf,
        "log2" => Tensor::log2,
        "log10" => Tensor::log10,
        "exp2" => Tensor::exp2,
        _ => unreachable!("no op {name}"),
    }
}

/// The f32 input of the table below.
const INPUT: [f32; 6] = [0.3, -0.7, 1.5, 0.0, -0.0, 2.0];

/// (op, node, values, gradient of the sum) for `INPUT`, printed by torch 2.15:
/// `x = torch.tensor([0.3, -0.7, 1.5, 0.0, -0.0, 2.0], requires_grad=True); y = torch.<op>(x)`,
/// `y.grad_fn.name()`, `y.tolist()`, `torch.autograd.grad(y.sum(), x)[0].tolist()`.
#[rustfmt::skip]
#[allow(clippy::type_complexity)]
const TORCH: [(&str, &str, [f64; 6], [f64; 6]); 14] = [
    ("log1p", "Log1PBackward0", [0.2623642683029175, -1.2039728164672852, 0.9162907600402832, 0.0, -0.0, 1.0986123085021973], [0.7692307829856873, 3.3333332538604736, 0.4000000059604645, 1.0, 1.0, 0.3333333432674408]),
    ("expm1", "Expm1Backward0", [0.349858820438385, -0.5034146904945374, 3.481688976287842, 0.0, -0.0, 6.389056205749512], [1.3498587608337402, 0.49658530950546265, 4.481688976287842, 1.0, 1.0, 7.389056205749512]),
    ("tan", "TanBackward0", [0.30933627486228943, -0.8422883749008179, 14.101419448852539, 0.0, -0.0, -2.185039758682251], [1.0956889390945435, 1.7094497680664062, 199.85003662109375, 1.0, 1.0, 5.7743988037109375]),
    ("rsqrt", "RsqrtBackward0", [1.8257417678833008, f64::NAN, 0.8164965510368347, f64::INFINITY, f64::NEG_INFINITY, 0.7071067690849304], [-3.042902708053589, f64::NAN, -0.2721655070781708, f64::NEG_INFINITY, f64::INFINITY, -0.1767766773700714]),
    ("square", "PowBackward0", [0.09000000357627869, 0.4899999797344208, 2.25, 0.0, 0.0, 4.0], [0.6000000238418579, -1.399999976158142, 3.0, 0.0, -0.0, 4.0]),
    ("sinh", "SinhBackward0", [0.30452030897140503, -0.758583664894104, 2.129279375076294, 0.0, -0.0, 3.6268603801727295], [1.04533851146698, 1.2551690340042114, 2.352409601211548, 1.0, 1.0, 3.7621958255767822]),
    ("cosh", "CoshBackward0", [1.04533851146698, 1.2551690340042114, 2.352409601211548, 1.0, 1.0, 3.7621958255767822], [0.30452030897140503, -0.758583664894104, 2.129279375076294, 0.0, -0.0, 3.6268603801727295]),
    ("atan", "AtanBackward0", [0.29145681858062744, -0.6107259392738342, 0.9827936887741089, 0.0, -0.0, 1.1071487665176392], [0.9174311757087708, 0.6711409091949463, 0.3076923191547394, 1.0, 1.0, 0.20000000298023224]),
    ("asin", "AsinBackward0", [0.30469265580177307, -0.7753974795341492, f64::NAN, 0.0, -0.0, f64::NAN], [1.048284888267517, 1.4002799987792969, f64::NAN, 1.0, 1.0, f64::NAN]),
    ("acos", "AcosBackward0", [1.2661036252975464, 2.346193790435791, f64::NAN, 1.5707963705062866, 1.5707963705062866, f64::NAN], [-1.048284888267517, -1.4002799987792969, f64::NAN, -1.0, -1.0, f64::NAN]),
    ("erf", "ErfBackward0", [0.3286267817020416, -0.6778011918067932, 0.9661051630973816, 0.0, -0.0, 0.9953222870826721], [1.0312609672546387, 0.6912749409675598, 0.11893029510974884, 1.128379225730896, 1.128379225730896, 0.02066698670387268]),
    ("log2", "Log2Backward0", [-1.736965537071228, f64::NAN, 0.5849624872207642, f64::NEG_INFINITY, f64::NEG_INFINITY, 1.0], [4.808983325958252, -2.060992956161499, 0.9617967009544373, f64::INFINITY, f64::NEG_INFINITY, 0.7213475108146667]),
    ("log10", "Log10Backward0", [-0.5228787064552307, f64::NAN, 0.1760912537574768, f64::NEG_INFINITY, f64::NEG_INFINITY, 0.3010300099849701], [1.4476481676101685, -0.6204206943511963, 0.2895296514034271, f64::INFINITY, f64::NEG_INFINITY, 0.21714723110198975]),
    ("exp2", "Exp2Backward0", [1.2311444282531738, 0.6155722141265869, 2.8284270763397217, 1.0, 1.0, 4.0], [0.8533642888069153, 0.42668214440345764, 1.9605162143707275, 0.6931471824645996, 0.6931471824645996, 2.7725887298583984]),
];

/// The distance in f32 ulps between two f32 values given as f64 (0 for two NaNs).
fn ulps(a: f64, b: f64) -> u64 {
    let (a, b) = (a as f32, b as f32);
    if a.is_nan() || b.is_nan() {
        return if a.is_nan() && b.is_nan() {
            0
        } else {
            u64::MAX
        };
    }
    // Map the bits to a monotonic integer line (-0 and +0 one apart).
    let key = |x: f32| {
        let bits = x.to_bits() as i64;
        if bits < 0x8000_0000 {
            bits
        } else {
            0x7fff_ffff - bits
        }
    };
    key(a).abs_diff(key(b))
}

/// Asserts f32 results within `max_ulps` of torch's, zeros with torch's sign.
#[track_caller]
fn assert_ulps(what: &str, actual: &[f64], expected: &[f64], max_ulps: u64) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let same_zero = e != 0.0 || a.is_sign_negative() == e.is_sign_negative();
        assert!(
            ulps(a, e) <= max_ulps && same_zero,
            "{what}[{i}]: got {a:e}, torch gives {e:e} (all: {actual:?})"
        );
    }
}

#[test]
fn f32_values_gradients_and_node_names_match_torch() {
    for (name, node_name, values, grads) in TORCH {
        let x = Tensor::from_vec(INPUT.to_vec(), &[6]).requires_grad_(true);
        let y = op(name)(&x);
        assert_eq!(y.dtype(), autograd::DType::F32, "{name}");
        assert_eq!(node(&y), node_name, "{name}");
        assert_ulps(name, &y.to_vec(), &values, 1);
        y.sum().backward();
        assert_ulps(
            &format!("{name} grad"),
            &x.grad().unwrap().to_vec(),
            &grads,
            4,
        );
    }
}

/// Values inside every op's domain, away from poles: (op, inputs).
fn domain(name: &str) -> Vec<f64> {
    match name {
        "log1p" => vec![0.3, -0.7, 1.5, 2.0, 0.05],
        "asin" | "acos" => vec![0.3, -0.7, 0.5, -0.2, 0.9],
        "tan" => vec![0.3, -0.7, 1.2, -1.0, 0.05],
        "rsqrt" | "log2" | "log10" => vec![0.3, 0.7, 1.5, 2.0, 0.05],
        _ => vec![0.3, -0.7, 1.5, -2.0, 0.05],
    }
}

#[test]
fn gradcheck_first_and_second_order() {
    for (name, ..) in TORCH {
        let f = op(name);
        let x = leaf(&domain(name), &[5]);
        check(|v| f(&v[0]), std::slice::from_ref(&x));
        check_second_order(|v| f(&v[0]), &[x]);
    }
}

#[test]
fn f64_values_follow_the_math_library() {
    // torch 2.15 in float64: erf(0.5) = 0.5204998778130465, log1p(1e-10) = 9.999999999500001e-11,
    // expm1(1e-10) = 1.00000000005e-10, exp2(-1.5) = 0.3535533905932738,
    // rsqrt(2) = 0.7071067811865475.
    let at = |name: &str, x: f64| op(name)(&Tensor::from_vec(vec![x], &[1])).to_vec()[0];
    assert_eq!(at("erf", 0.5), 0.5204998778130465);
    assert_eq!(at("log1p", 1e-10), 9.999999999500001e-11);
    assert_eq!(at("expm1", 1e-10), 1.00000000005e-10);
    assert_eq!(at("exp2", -1.5), 0.3535533905932738);
    assert_eq!(at("rsqrt", 2.0), 0.7071067811865475);
}

#[test]
fn result_savers_fail_after_the_result_changes_in_place() {
    // derivatives.yaml: expm1, tan, rsqrt and exp2 read `result`; changing the output in
    // place makes the backward fail (torch 2.15: "... which is output 0 of Expm1, is at
    // version 1; ...").
    for (name, node_name) in [
        ("expm1", "Expm1"),
        ("tan", "Tan"),
        ("rsqrt", "Rsqrt"),
        ("exp2", "Exp2"),
    ] {
        let x = leaf(&[0.5, 1.0], &[2]);
        let y = op(name)(&x);
        no_grad(|| {
            y.mul_(2.0);
        });
        let err = y.sum().try_backward().unwrap_err();
        assert!(
            matches!(err, AutogradError::ModifiedInPlace { .. }),
            "{name}"
        );
        assert!(
            err.to_string().contains(&format!(
                "which is output 0 of {node_name}, is at version 1"
            )),
            "{name}: {err}"
        );
    }
}

#[test]
fn input_savers_fail_after_the_input_changes_in_place_but_not_the_result() {
    // The others read `self`: an in-place change to the output is fine, one to the input is
    // not (torch 2.15: "... which is output 0 of Add, is at version 1; ...": `add_` rebased
    // `a`'s history).
    for (name, ..) in TORCH {
        if ["expm1", "tan", "rsqrt", "exp2"].contains(&name) {
            continue;
        }
        let x = leaf(&domain(name)[..2], &[2]);
        let a = &x * 1.0;
        let y = op(name)(&a);
        y.add_(1.0);
        y.sum().backward();
        assert!(x.grad().is_some(), "{name}");

        let a = &x * 1.0;
        let y = op(name)(&a);
        a.add_(1.0);
        let err = y.sum().try_backward().unwrap_err();
        assert!(
            err.to_string()
                .contains("which is output 0 of Add, is at version 1"),
            "{name}: {err}"
        );
    }
}

#[test]
fn square_is_pow_two() {
    // torch.square(x).grad_fn is PowBackward0 (exponent 2): d/dx x^2 = 2x.
    let x = leaf(&[3.0, -1.5], &[2]);
    let y = x.square();
    assert_eq!(chain(&y), "PowBackward0(AccumulateGrad)");
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, -3.0]);
}

#[test]
fn float64_dtype_is_kept_and_no_node_without_grad() {
    let x = Tensor::from_vec(vec![0.25f64, 0.5], &[2]);
    for (name, ..) in TORCH {
        let y = op(name)(&x);
        assert_eq!(y.dtype(), autograd::DType::F64, "{name}");
        assert!(y.grad_fn().is_none(), "{name}");
    }
}

#[test]
fn bool_input_panics_naming_the_op() {
    // As this library's other unary ops (exp, sqrt, ...) do. torch 2.15 instead computes these
    // on bool input as float32 (torch.log1p(torch.tensor([True])) is tensor([0.6931])), and
    // square gives int64.
    for (name, ..) in TORCH {
        let b = Tensor::ones(&[2]).gt(0.0);
        let message = panic_message(|| {
            op(name)(&b);
        });
        assert!(
            message.starts_with(&format!(
                "{name}: expected a floating point tensor but got dtype torch.bool"
            )),
            "{name}: {message}"
        );
    }
}
