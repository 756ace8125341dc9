//! Accuracy of the fast f32 kernels (`autograd::kernels::fast_math`) against the standard
//! library, and their special values.
//!
//! The reference is `std`'s f64 function of the same input (accurate to well under 2^-40
//! relative), so errors are measured against nearly the exact value, in units of the f32 spacing
//! there (`ulp`). Sweeps: every 997th f32 bit pattern over the whole line (both signs, zeros,
//! subnormals, infinities and NaNs included) and every 101st inside each function's main range.
//! `cargo test --test fast_math_accuracy -- --nocapture` prints each measured maximum.

use autograd::kernels::fast_math as fm;
use autograd::kernels::FastMath;

type Kernel = fn(&[f32], &mut [f32]);

/// The spacing of f32 values at `v` (2^-149 through the subnormals).
fn f32_spacing(v: f64) -> f64 {
    let a = v.abs();
    if a < f32::MIN_POSITIVE as f64 {
        return 2f64.powi(-149);
    }
    let exponent = ((a.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    2f64.powi(exponent - 23)
}

/// `|got - exact|` in f32 ulps at `exact`; NaN must match NaN, and where `exact` rounds to an
/// infinity `got` must be that infinity.
fn ulp_error(got: f32, exact: f64) -> f64 {
    if got.is_nan() || exact.is_nan() {
        return if got.is_nan() && exact.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let rounded = exact as f32;
    if rounded.is_infinite() || got.is_infinite() {
        return if got == rounded { 0.0 } else { f64::INFINITY };
    }
    (got as f64 - exact).abs() / f32_spacing(exact)
}

/// The largest ulp error of `kernel` over `inputs` and the input reaching it; inputs go through
/// the slice kernel in blocks, so the vector loop and its scalar tail are both exercised.
fn max_error(
    kernel: Kernel,
    exact: fn(f64) -> f64,
    inputs: impl Iterator<Item = f32>,
) -> (f64, f32) {
    let mut worst = (0.0, 0.0);
    let inputs: Vec<f32> = inputs.collect();
    let mut out = vec![0.0; 4099];
    for block in inputs.chunks(4099) {
        let out = &mut out[..block.len()];
        kernel(block, out);
        for (&x, &y) in block.iter().zip(out.iter()) {
            let e = ulp_error(y, exact(x as f64));
            if e > worst.0 {
                worst = (e, x);
            }
        }
    }
    worst
}

/// Every `step`-th f32 bit pattern.
fn whole_line(step: usize) -> impl Iterator<Item = f32> {
    (0..=u32::MAX).step_by(step).map(f32::from_bits)
}

/// Every `step`-th f32 with `lo <= |x| <= hi`, both signs.
fn main_range(lo: f32, hi: f32, step: usize) -> impl Iterator<Item = f32> {
    (lo.to_bits()..=hi.to_bits())
        .step_by(step)
        .flat_map(|b| [f32::from_bits(b), -f32::from_bits(b)])
}

fn sigmoid_exact(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Asserts the ulp bound over both sweeps, printing the measured maximum.
fn check(name: &str, kernel: Kernel, exact: fn(f64) -> f64, range: (f32, f32), bound: f64) {
    let line = max_error(kernel, exact, whole_line(997));
    let dense = max_error(kernel, exact, main_range(range.0, range.1, 101));
    let (err, at) = if line.0 > dense.0 { line } else { dense };
    eprintln!("{name}: max {err:.3} ulp at x = {at:e}");
    assert!(
        err <= bound,
        "{name}: {err} ulp at x = {at:e} exceeds the bound {bound}"
    );
}

/// The low end of every main-range sweep, 2^-12 (below it the whole-line sweep suffices).
const LO: f32 = 1.0 / 4096.0;

#[test]
fn exp_is_within_1_5_ulp() {
    check("exp_f32", fm::exp_f32, f64::exp, (LO, 104.0), 1.5);
}

#[test]
fn ln_is_within_1_5_ulp() {
    check("ln_f32", fm::ln_f32, f64::ln, (LO, 1e6), 1.5);
    // The main-range sweep's negative half is NaN on both sides; sweep (0, 4] twice as densely,
    // subnormals included, by taking `abs` first.
    let ln_abs: Kernel = |x, out| {
        let a: Vec<f32> = x.iter().map(|v| v.abs()).collect();
        fm::ln_f32(&a, out)
    };
    check("ln_f32 (|x|)", ln_abs, |x| x.abs().ln(), (1e-45, 4.0), 1.5);
}

#[test]
fn tanh_is_within_2_ulp() {
    check("tanh_f32", fm::tanh_f32, f64::tanh, (LO, 10.0), 2.0);
}

#[test]
fn sigmoid_is_within_3_ulp() {
    check(
        "sigmoid_f32",
        fm::sigmoid_f32,
        sigmoid_exact,
        (LO, 104.0),
        3.0,
    );
}

#[test]
fn sin_and_cos_are_within_3_ulp() {
    check("sin_f32", fm::sin_f32, f64::sin, (LO, 4096.0), 3.0);
    check("cos_f32", fm::cos_f32, f64::cos, (LO, 4096.0), 3.0);
}

/// Runs `kernel` on `x` and returns the outputs.
fn run(kernel: Kernel, x: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0; x.len()];
    kernel(x, &mut out);
    out
}

fn same_bits(got: &[f32], want: &[f32]) {
    for (g, w) in got.iter().zip(want) {
        assert!(
            g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
            "got {got:?}, want {want:?}"
        );
    }
}

const INF: f32 = f32::INFINITY;
const NAN: f32 = f32::NAN;

#[test]
fn exp_special_values() {
    // e^88.72283 = 3.40282e38 < f32::MAX; e^88.7229 overflows; e^-87.33654 ~ f32::MIN_POSITIVE;
    // e^-103.2789 ~ 2^-149 (the least subnormal); e^-104 < 2^-150 rounds to 0.
    let x = [
        NAN, INF, -INF, 0.0, -0.0, 88.7229, 89.0, 1e30, -104.0, -1e30,
    ];
    same_bits(
        &run(fm::exp_f32, &x),
        &[NAN, INF, 0.0, 1.0, 1.0, INF, INF, INF, 0.0, 0.0],
    );
    let edge = [88.72283f32, -87.33654, -103.2789, -100.0, 1e-10, -1e-10];
    for (x, y) in edge.iter().zip(run(fm::exp_f32, &edge)) {
        assert!(ulp_error(y, (*x as f64).exp()) <= 1.0, "exp({x}) = {y}");
    }
}

#[test]
fn ln_special_values() {
    let x = [NAN, INF, -INF, 0.0, -0.0, -1.0, -1e-45, 1.0];
    same_bits(
        &run(fm::ln_f32, &x),
        &[NAN, INF, NAN, -INF, -INF, NAN, NAN, 0.0],
    );
    // The least subnormal, the least normal, the largest finite: ln = -103.28, -87.34, 88.72.
    let edge = [
        1e-45f32,
        f32::MIN_POSITIVE,
        f32::MAX,
        1.0 + f32::EPSILON,
        1.0 - 1e-7,
    ];
    for (x, y) in edge.iter().zip(run(fm::ln_f32, &edge)) {
        assert!(ulp_error(y, (*x as f64).ln()) <= 1.0, "ln({x}) = {y}");
    }
}

#[test]
fn tanh_special_values_and_saturation() {
    // tanh(9.02) = 1 - 2.9e-8, closer to 1.0 than to the f32 below it (1 - 6e-8).
    let x = [
        NAN, INF, -INF, 0.0, -0.0, 9.02, -9.02, 20.0, 1e30, -1e30, 1e-40, -1e-40,
    ];
    let y = [
        NAN, 1.0, -1.0, 0.0, -0.0, 1.0, -1.0, 1.0, 1.0, -1.0, 1e-40, -1e-40,
    ];
    same_bits(&run(fm::tanh_f32, &x), &y);
    // Both sides of the switch from the polynomial to the exp form.
    let edge = [0.624_999_94f32, 0.625, -0.625];
    for (x, y) in edge.iter().zip(run(fm::tanh_f32, &edge)) {
        assert!(ulp_error(y, (*x as f64).tanh()) <= 2.0, "tanh({x}) = {y}");
    }
}

#[test]
fn sigmoid_special_values_and_the_far_left_tail() {
    let x = [NAN, INF, -INF, 0.0, -0.0, 100.0, -200.0];
    same_bits(
        &run(fm::sigmoid_f32, &x),
        &[NAN, 1.0, 0.0, 0.5, 0.5, 1.0, 0.0],
    );
    // sigmoid(-100) = e^-100 / (1 + e^-100) = 3.72e-44, a subnormal: the plain
    // `1 / (1 + e^100)` gives 0 here, the kernel keeps it.
    let y = run(fm::sigmoid_f32, &[-100.0, -90.0])[..].to_vec();
    assert!(ulp_error(y[0], sigmoid_exact(-100.0)) <= 1.0, "{}", y[0]);
    assert!(ulp_error(y[1], sigmoid_exact(-90.0)) <= 1.0, "{}", y[1]);
}

#[test]
fn sin_cos_special_values_and_huge_arguments_match_std() {
    let x = [NAN, INF, -INF, 0.0, -0.0];
    same_bits(&run(fm::sin_f32, &x), &[NAN, NAN, NAN, 0.0, -0.0]);
    same_bits(&run(fm::cos_f32, &x), &[NAN, NAN, NAN, 1.0, 1.0]);
    // From 4096 on the kernels hand the element to std; the others in the block stay fast.
    let x = [
        4096.0f32,
        -1.0e10,
        3.4e38,
        1.5,
        f32::MAX,
        -2.0,
        5000.5,
        -4096.0,
    ];
    let (s, c) = (run(fm::sin_f32, &x), run(fm::cos_f32, &x));
    for i in [0, 1, 2, 4, 6, 7] {
        assert_eq!(s[i], x[i].sin(), "sin({})", x[i]);
        assert_eq!(c[i], x[i].cos(), "cos({})", x[i]);
    }
    // Near multiples of pi/2, where the reduction cancels most digits.
    let near = [
        std::f32::consts::PI,
        std::f32::consts::FRAC_PI_2,
        1.0e5 * std::f32::consts::PI,
    ];
    for (x, y) in near.iter().zip(run(fm::sin_f32, &near)) {
        assert!(ulp_error(y, (*x as f64).sin()) <= 1.0, "sin({x}) = {y}");
    }
    for (x, y) in near.iter().zip(run(fm::cos_f32, &near)) {
        assert!(ulp_error(y, (*x as f64).cos()) <= 1.0, "cos({x}) = {y}");
    }
}

/// The fused backward kernels equal their formulas written out (exactly: same operations), and
/// the trig ones equal `g *` the fast forward kernel, including from 4096 on.
#[test]
fn backward_kernels_equal_their_formulas() {
    let g: Vec<f32> = (0..1003).map(|i| ((i as f32) * 0.61).cos() * 2.0).collect();
    let mut v: Vec<f32> = (0..1003)
        .map(|i| ((i as f32) * 0.37).sin() * 0.99)
        .collect();
    v[7] = 5.0e8;
    v[8] = -4097.0;
    let zip = |k: fn(&[f32], &[f32], &mut [f32])| {
        let mut out = vec![0.0; g.len()];
        k(&g, &v, &mut out);
        out
    };
    let each = |f: &dyn Fn(f32, f32) -> f32| -> Vec<f32> {
        g.iter().zip(&v).map(|(&g, &v)| f(g, v)).collect()
    };
    same_bits(&zip(fm::exp_backward_f32), &each(&|g, y| g * y));
    same_bits(&zip(fm::ln_backward_f32), &each(&|g, x| g / x));
    same_bits(
        &zip(fm::tanh_backward_f32),
        &each(&|g, y| g * (1.0 - y * y)),
    );
    same_bits(
        &zip(fm::sigmoid_backward_f32),
        &each(&|g, y| g * (y * (1.0 - y))),
    );
    let (cos_v, sin_v) = (run(fm::cos_f32, &v), run(fm::sin_f32, &v));
    let sin_bw: Vec<f32> = g.iter().zip(&cos_v).map(|(g, c)| g * c).collect();
    let cos_bw: Vec<f32> = g.iter().zip(&sin_v).map(|(g, s)| -g * s).collect();
    same_bits(&zip(fm::sin_backward_f32), &sin_bw);
    same_bits(&zip(fm::cos_backward_f32), &cos_bw);
}

/// The f64 kernels are `std`, and `FastMath` dispatches each dtype to its kernels.
#[test]
fn f64_kernels_are_std_and_the_trait_dispatches_by_dtype() {
    let x: Vec<f64> = (-50..50).map(|i| i as f64 * 0.3 + 0.01).collect();
    let mut out = vec![0.0; x.len()];
    f64::fast_tanh(&x, &mut out);
    assert_eq!(out, x.iter().map(|v| v.tanh()).collect::<Vec<_>>());
    f64::fast_sin(&x, &mut out);
    assert_eq!(out, x.iter().map(|v| v.sin()).collect::<Vec<_>>());
    f64::fast_sigmoid(&x, &mut out);
    for (y, v) in out.iter().zip(&x) {
        assert!((y - sigmoid_exact(*v)).abs() <= 1e-16, "sigmoid({v}) = {y}");
    }
    let x32: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let mut out32 = vec![0.0; x32.len()];
    f32::fast_exp(&x32, &mut out32);
    same_bits(&out32, &run(fm::exp_f32, &x32));
}

#[test]
#[should_panic(expected = "tanh_f32: expected x and out of one length but got 3 and 2 elements")]
fn unary_kernel_rejects_mismatched_lengths() {
    fm::tanh_f32(&[0.0; 3], &mut [0.0; 2]);
}

#[test]
#[should_panic(
    expected = "tanh_backward_f32: expected the saved tensor and out of one length but got 4 and 3"
)]
fn backward_kernel_rejects_mismatched_lengths() {
    fm::tanh_backward_f32(&[0.0; 3], &[0.0; 4], &mut [0.0; 3]);
}
