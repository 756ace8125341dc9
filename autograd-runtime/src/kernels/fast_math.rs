//! Vectorisable transcendental kernels over contiguous slices: `exp`, `ln`, `tanh`, `sigmoid`,
//! `sin`, `cos`, and the fused elementwise forms their backward rules need.
//!
//! # How they vectorise
//! Every f32 element function is straight-line code: range reduction by the round-to-nearest
//! "magic number" trick (no `round`/`floor`, which are libm calls on baseline SSE2), exponents
//! built by integer bit arithmetic, and special cases chosen with selects (`if c { a } else { b }`
//! on values, which LLVM turns into compare-and-mask). A loop applying one of them over a slice
//! therefore compiles to SSE2 packed code at `opt-level=3` with no `unsafe` and no intrinsics.
//! Arguments of `sin`/`cos` at or beyond 4096, where the f32 reduction stops being exact, are
//! recomputed by `std` in a second pass that runs only when the first saw one.
//!
//! # Sources of the approximations
//! - `exp`: Cephes `expf.c` (S. L. Moshier, Cephes Math Library 2.2): `x = n ln2 + r` with the
//!   two-part Cody-Waite constants `C1 = 0.693359375`, `C2 = -2.12194440e-4`, and
//!   `e^r = 1 + r + r^2 P(r)` with the degree-5 `P` below. The scale `2^n` is applied as two
//!   halves so results reach the subnormal range with one rounding.
//! - `ln`: FreeBSD msun `e_logf.c` (as in musl): `x = 2^k (1 + f)`, `1 + f` in
//!   `[sqrt(1/2), sqrt(2))` by integer arithmetic on the bits, `s = f / (2 + f)`, and
//!   `ln(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2))` with the degree-4 `R` below.
//! - `tanh`: Cephes `tanhf.c`: `x + x^3 P(x^2)` for `|x| < 0.625`, else `1 - 2 / (e^(2|x|) + 1)`.
//! - `sigmoid`: `1 / (1 + e^-x)` for `x >= 0` and `e^x / (1 + e^x)` below, so it keeps full
//!   relative accuracy down to the subnormal range (the plain form rounds to 0 below -88).
//! - `sin`/`cos`: SLEEF's f32 `xsinf`/`xcosf` (N. Shibata, the 3.5-ulp non-FMA versions):
//!   `q = rint(x/pi)` (for cos the odd `q = 2 rint(x/pi - 1/2) + 1` with halved constants),
//!   `d = x - q pi` with pi as the four-part Cody-Waite sum `4 (PI4_A + PI4_B + PI4_C + PI4_D)`
//!   (each product exact for `q < 2^12`), then `sin(d) = d + d^3 P(d^2)` on `[-pi/2, pi/2]` with
//!   the degree-3 `P` below and the sign from the parity of `q`.
//!
//! # Accuracy (f32)
//! Measured over every one of the 2^32 f32 inputs against `std`'s f64 function of the same input
//! (accurate to far below an f32 ulp), in units of the f32 spacing at the exact value; `std`'s
//! own f32 functions measured the same way for comparison. `tests/fast_math_accuracy.rs`
//! asserts the bound on a sweep (every 997th bit pattern, and every 101st in the main range).
//!
//! | kernel | max error | `std` f32 | asserted |
//! |---|---|---|---|
//! | `exp_f32` | 0.99 ulp | 0.50 ulp | 1.5 ulp |
//! | `ln_f32` | 0.84 ulp | 0.82 ulp | 1.5 ulp |
//! | `tanh_f32` | 1.33 ulp | 2.19 ulp | 2 ulp |
//! | `sigmoid_f32` | 2.40 ulp | (`1/(1+exp(-x))`: 0 below -88) | 3 ulp |
//! | `sin_f32`, `cos_f32` | 2.32 ulp below 4096, `std`'s above | 0.56 ulp | 3 ulp |
//!
//! Special values follow IEEE and `std`: NaN in gives NaN; `exp(+inf) = inf`, `exp(-inf) = 0`,
//! overflow above 88.72 gives `inf`, underflow goes through the subnormals to `+0`;
//! `ln(+-0) = -inf`, `ln(x < 0) = NaN`, `ln(inf) = inf`; `tanh(+-inf) = +-1` and tanh rounds to
//! `+-1` from 9.01 on; `sigmoid(-inf) = 0`, `sigmoid(inf) = 1`; `sin`/`cos` of `+-inf` are NaN;
//! odd functions keep the sign of zero.
//!
//! The f64 kernels call `std` element by element: a fast f64 version is not worth its error
//! analysis while every benchmark and the default dtype are f32.

/// `value` as f32: the published coefficients are kept with all their digits as f64 literals.
macro_rules! c32 {
    ($v:expr) => {
        $v as f32
    };
}

// ---- exp (Cephes expf.c) ----
const LOG2E: f32 = std::f32::consts::LOG2_E;
/// `ln 2 = LN2_HI + LN2_LO`; `LN2_HI` has 9 significant bits, so `n * LN2_HI` is exact.
const LN2_HI: f32 = 0.693_359_4; // = 0.693359375 = 355/512 exactly
const LN2_LO: f32 = c32!(-2.121_944_40e-4_f64);
const EXP_P0: f32 = c32!(1.987_569_150_0e-4_f64);
const EXP_P1: f32 = c32!(1.398_199_950_7e-3_f64);
const EXP_P2: f32 = c32!(8.333_451_907_3e-3_f64);
const EXP_P3: f32 = c32!(4.166_579_589_4e-2_f64);
const EXP_P4: f32 = c32!(1.666_666_545_9e-1_f64);
const EXP_P5: f32 = c32!(5.000_000_120_1e-1_f64);
/// `1.5 * 2^23`: adding and subtracting it rounds an f32 of magnitude below 2^22 to an integer.
const ROUND_F32: f32 = 12_582_912.0;
/// Clamps keeping `n` in `[-150, 128]`: e^88.8 overflows to inf and e^-104 rounds to 0 anyway.
const EXP_HI: f32 = 88.8;
const EXP_LO: f32 = -104.0;

// ---- ln (FreeBSD msun e_logf.c / musl logf.c) ----
/// `|(log(1+s) - log(1-s))/s - Lg(s)| < 2^-34.24`; bits 0x3f2aaaaa, 0x3eccce13, 0x3e91e9ee,
/// 0x3e789e26 (`0xaaaaaa.0p-24`, `0xccce13.0p-25`, `0x91e9ee.0p-25`, `0xf89e26.0p-26`).
const LG: [f32; 4] = [0.666_666_6, 0.400_009_72, 0.284_987_87, 0.242_790_79];
/// `ln 2 = LN2_HI_LOG + LN2_LO_LOG` (0x3f317180 + 0x3717f7d1); `k * LN2_HI_LOG` is exact.
const LN2_HI_LOG: f32 = 0.693_138_1;
const LN2_LO_LOG: f32 = 9.058_001e-6;
/// 2^25, scaling subnormal inputs into the normal range.
const TWO_25: f32 = 33_554_432.0;
/// The bits of `sqrt(1/2)`: the mantissa is mapped into `[sqrt(1/2), sqrt(2))`.
const SQRT_HALF_BITS: u32 = 0x3f35_04f3;

// ---- tanh (Cephes tanhf.c) ----
const TANH_P: [f32; 5] = [
    c32!(-5.704_988_727_45e-3_f64),
    c32!(2.063_908_879_54e-2_f64),
    c32!(-5.373_971_555_31e-2_f64),
    c32!(1.333_144_220_36e-1_f64),
    c32!(-3.333_328_194_22e-1_f64),
];
/// Past 20, `1 - 2/(e^40 + 1)` is exactly 1.0 in f32; the clamp keeps `e^(2|x|)` finite.
const TANH_CLAMP: f32 = 20.0;

// ---- sin/cos (SLEEF xsinf/xcosf, non-FMA) ----
/// pi/4 as `PI4_A + PI4_B + PI4_C + PI4_D`, SLEEF's constants (each exactly an f32, written here
/// in shortest form; the test pins their bits). `PI4_A`, `PI4_B`, `PI4_C` have 8, 11 and 11
/// significant bits, so their products with `q < 2^12` are exact.
const PI4_A: f32 = 0.785_156_25;
const PI4_B: f32 = 0.000_241_875_65;
const PI4_C: f32 = 3.774_766_8e-8;
const PI4_D: f32 = 1.281_672e-12;
const SIN_P: [f32; 4] = [2.608_316e-6, -0.000_198_106_9, 0.008_333_079, -0.166_666_6];
/// Below 4096, `q < 2^12` for sin and cos alike, so the reduction is exact; from there on `std`
/// takes over.
const TRIG_REDUCE_MAX: f32 = 4096.0;

const SIGN: u32 = 0x8000_0000;

#[inline(always)]
fn abs_bits(x: f32) -> f32 {
    f32::from_bits(x.to_bits() & !SIGN)
}

/// `2^k` for `k` in `[-126, 127]`, built from the exponent field.
#[inline(always)]
fn pow2i(k: i32) -> f32 {
    f32::from_bits((k.wrapping_add(127) as u32) << 23)
}

/// `e^x` for `x` already in `[EXP_LO, EXP_HI]` or NaN; returns the scale exponent unapplied.
#[inline(always)]
fn exp_reduced(x: f32) -> (f32, i32) {
    let t = x * LOG2E + ROUND_F32;
    let n = t - ROUND_F32;
    let k = (t.to_bits() as i32).wrapping_sub(ROUND_F32.to_bits() as i32);
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = ((((EXP_P0 * r + EXP_P1) * r + EXP_P2) * r + EXP_P3) * r + EXP_P4) * r + EXP_P5;
    (p * (r * r) + r + 1.0, k)
}

/// `e^x` for one f32 (Cephes expf, see the module docs); branch-free.
#[inline(always)]
pub fn exp_one(x: f32) -> f32 {
    let x = if x > EXP_HI { EXP_HI } else { x };
    let x = if x < EXP_LO { EXP_LO } else { x };
    let (y, k) = exp_reduced(x);
    // Two half scales: each is a normal power of two, and the product rounds once.
    let k1 = k >> 1;
    y * pow2i(k1) * pow2i(k.wrapping_sub(k1))
}

/// Natural logarithm of one f32 (msun logf, see the module docs); branch-free.
#[inline(always)]
pub fn ln_one(x: f32) -> f32 {
    let tiny = x < f32::MIN_POSITIVE;
    let xs = if tiny { x * TWO_25 } else { x };
    // x = 2^k (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)).
    let ix = xs.to_bits().wrapping_add(0x3f80_0000 - SQRT_HALF_BITS);
    let k = (ix >> 23) as i32 - 0x7f - if tiny { 25 } else { 0 };
    let f = f32::from_bits((ix & 0x007f_ffff) + SQRT_HALF_BITS) - 1.0;
    // ln(1 + f) = 2 atanh(s) = f - f^2/2 + s (f^2/2 + R(s^2)) with s = f / (2 + f).
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let r = z * (LG[0] + w * LG[2]) + w * (LG[1] + w * LG[3]);
    let hfsq = 0.5 * f * f;
    let dk = k as f32;
    let y = s * (hfsq + r) + dk * LN2_LO_LOG - hfsq + f + dk * LN2_HI_LOG;
    let y = if x == 0.0 { f32::NEG_INFINITY } else { y };
    let y = if x >= 0.0 { y } else { f32::NAN }; // negative or NaN
    if x == f32::INFINITY {
        x
    } else {
        y
    }
}

/// Hyperbolic tangent of one f32 (Cephes tanhf, see the module docs); branch-free.
#[inline(always)]
pub fn tanh_one(x: f32) -> f32 {
    let a = abs_bits(x);
    let z = a * a;
    let mut p = TANH_P[0];
    for &c in &TANH_P[1..] {
        p = p * z + c;
    }
    let small = p * z * a + a;
    let ac = if a > TANH_CLAMP { TANH_CLAMP } else { a };
    let (e, k) = exp_reduced(ac + ac);
    let large = 1.0 - 2.0 / (e * pow2i(k) + 1.0);
    let r = if a < 0.625 { small } else { large };
    f32::from_bits(r.to_bits() | (x.to_bits() & SIGN))
}

/// Logistic sigmoid `1 / (1 + e^-x)` of one f32; branch-free.
#[inline(always)]
pub fn sigmoid_one(x: f32) -> f32 {
    let e = exp_one(-abs_bits(x)); // e^-|x| in (0, 1], NaN for NaN
    let num = if x >= 0.0 { 1.0 } else { e };
    num / (1.0 + e)
}

/// `sin(d)` for `|d| <= pi/2`.
#[inline(always)]
fn sin_poly(d: f32) -> f32 {
    let s = d * d;
    let mut u = SIN_P[0];
    for &c in &SIN_P[1..] {
        u = u * s + c;
    }
    s * (u * d) + d
}

/// Sine of one f32 with `|x| < 4096` (or NaN; infinities give NaN); larger arguments need
/// [`sin_f32`], which recomputes them with `std`. Branch-free.
#[inline(always)]
pub fn sin_one_reduced(x: f32) -> f32 {
    let a = abs_bits(x);
    let t = a * std::f32::consts::FRAC_1_PI + ROUND_F32;
    let q = t - ROUND_F32;
    let d = a - q * (PI4_A * 4.0) - q * (PI4_B * 4.0) - q * (PI4_C * 4.0) - q * (PI4_D * 4.0);
    // sin(a) = (-1)^q sin(d), and sin is odd.
    let flip = (t.to_bits() << 31) ^ (x.to_bits() & SIGN);
    f32::from_bits(sin_poly(d).to_bits() ^ flip)
}

/// Cosine of one f32 with `|x| < 4096` (or NaN; infinities give NaN); larger arguments need
/// [`cos_f32`], which recomputes them with `std`. Branch-free.
#[inline(always)]
pub fn cos_one_reduced(x: f32) -> f32 {
    let a = abs_bits(x);
    let t = (a * std::f32::consts::FRAC_1_PI - 0.5) + ROUND_F32;
    let h = t - ROUND_F32;
    let q = h + h + 1.0; // odd: a = q pi/2 + d
    let d = a - q * (PI4_A * 2.0) - q * (PI4_B * 2.0) - q * (PI4_C * 2.0) - q * (PI4_D * 2.0);
    // cos(q pi/2 + d) = -sin(d) for q = 1 (mod 4), sin(d) for q = 3: bit 1 of q is bit 0 of h.
    let flip = !(t.to_bits() << 31) & SIGN;
    f32::from_bits(sin_poly(d).to_bits() ^ flip)
}

#[track_caller]
fn check_len(op: &str, what: &str, len: usize, out: usize) {
    assert!(
        len == out,
        "{op}: expected {what} and out of one length but got {len} and {out} elements"
    );
}

/// Declares `fn name(x: &[T], out: &mut [T])` applying `one` to every element.
macro_rules! map_kernel {
    ($(#[$doc:meta])* $name:ident, $t:ty, |$x:ident| $one:expr) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(x: &[$t], out: &mut [$t]) {
            check_len(stringify!($name), "x", x.len(), out.len());
            super::wide::with_wide_vectors(|| {
                for (o, &$x) in out.iter_mut().zip(x) {
                    *o = $one;
                }
            })
        }
    };
}

/// Declares `fn name(g: &[T], v: &[T], out: &mut [T])` computing `out[i] = f(g[i], v[i])`.
macro_rules! zip_kernel {
    ($(#[$doc:meta])* $name:ident, $t:ty, |$g:ident, $v:ident| $one:expr) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(g: &[$t], v: &[$t], out: &mut [$t]) {
            check_len(stringify!($name), "g", g.len(), out.len());
            check_len(stringify!($name), "the saved tensor", v.len(), out.len());
            super::wide::with_wide_vectors(|| {
                for ((o, &$g), &$v) in out.iter_mut().zip(g).zip(v) {
                    *o = $one;
                }
            })
        }
    };
}

/// Declares a kernel built on the fast sin/cos (with an optional gradient `g`). The vector pass
/// notes whether any argument is past `TRIG_REDUCE_MAX`; only then does a second pass recompute
/// those elements with `$slow` (`std`), so the common case reads the data once.
macro_rules! trig_kernel {
    ($(#[$doc:meta])* $name:ident, |$x:ident| $fast:expr, $slow:expr) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(x: &[f32], out: &mut [f32]) {
            check_len(stringify!($name), "x", x.len(), out.len());
            let large = super::wide::with_wide_vectors(|| {
                let mut large = false;
                for (o, &$x) in out.iter_mut().zip(x) {
                    *o = $fast;
                    large |= abs_bits($x) >= TRIG_REDUCE_MAX;
                }
                large
            });
            if large {
                for (o, &$x) in out.iter_mut().zip(x) {
                    if abs_bits($x) >= TRIG_REDUCE_MAX {
                        *o = $slow;
                    }
                }
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, |$g:ident, $x:ident| $fast:expr, $slow:expr) => {
        $(#[$doc])*
        #[track_caller]
        pub fn $name(g: &[f32], x: &[f32], out: &mut [f32]) {
            check_len(stringify!($name), "g", g.len(), out.len());
            check_len(stringify!($name), "x", x.len(), out.len());
            let large = super::wide::with_wide_vectors(|| {
                let mut large = false;
                for ((o, &$g), &$x) in out.iter_mut().zip(g).zip(x) {
                    *o = $fast;
                    large |= abs_bits($x) >= TRIG_REDUCE_MAX;
                }
                large
            });
            if large {
                for ((o, &$g), &$x) in out.iter_mut().zip(g).zip(x) {
                    if abs_bits($x) >= TRIG_REDUCE_MAX {
                        *o = $slow;
                    }
                }
            }
        }
    };
}

// ---- f32: fast ----
map_kernel!(
    /// `out[i] = e^x[i]`, max error 0.99 ulp (see the module docs).
    ///
    /// ```
    /// let mut out = [0.0f32; 3];
    /// autograd::kernels::fast_math::exp_f32(&[0.0, 1.0, f32::NEG_INFINITY], &mut out);
    /// assert_eq!([out[0], out[2]], [1.0, 0.0]);
    /// assert!((out[1] - std::f32::consts::E).abs() <= 2.0 * f32::EPSILON);
    /// ```
    exp_f32, f32, |x| exp_one(x)
);
map_kernel!(
    /// `out[i] = ln(x[i])`, max error 0.84 ulp; `ln(0) = -inf`, `ln(x < 0) = NaN`.
    ln_f32, f32, |x| ln_one(x)
);
map_kernel!(
    /// `out[i] = tanh(x[i])`, max error 1.33 ulp; saturates to exactly +-1 from |x| = 9.01.
    tanh_f32, f32, |x| tanh_one(x)
);
map_kernel!(
    /// `out[i] = 1 / (1 + e^-x[i])`, max error 2.40 ulp (relative, also for very negative x).
    sigmoid_f32, f32, |x| sigmoid_one(x)
);
trig_kernel!(
    /// `out[i] = sin(x[i])`, max error 2.32 ulp (arguments from 4096 on go through `std`).
    sin_f32, |x| sin_one_reduced(x), x.sin()
);
trig_kernel!(
    /// `out[i] = cos(x[i])`, max error 2.32 ulp (arguments from 4096 on go through `std`).
    cos_f32, |x| cos_one_reduced(x), x.cos()
);
zip_kernel!(
    /// Exp's backward from its output: `out = g * y`.
    exp_backward_f32, f32, |g, y| g * y
);
zip_kernel!(
    /// Log's backward from its input: `out = g / x`.
    ln_backward_f32, f32, |g, x| g / x
);
zip_kernel!(
    /// Tanh's backward from its output: `out = g * (1 - y^2)`.
    tanh_backward_f32, f32, |g, y| g * (1.0 - y * y)
);
zip_kernel!(
    /// Sigmoid's backward from its output: `out = g * y * (1 - y)`.
    sigmoid_backward_f32, f32, |g, y| g * (y * (1.0 - y))
);
trig_kernel!(
    /// Sin's backward from its input, fused: `out = g * cos(x)`.
    sin_backward_f32, |g, x| g * cos_one_reduced(x), g * x.cos()
);
trig_kernel!(
    /// Cos's backward from its input, fused: `out = -g * sin(x)`.
    cos_backward_f32, |g, x| -g * sin_one_reduced(x), -g * x.sin()
);

// ---- f64: std, element by element ----
map_kernel!(/// `out[i] = e^x[i]` by `std`.
    exp_f64, f64, |x| x.exp());
map_kernel!(/// `out[i] = ln(x[i])` by `std`.
    ln_f64, f64, |x| x.ln());
map_kernel!(/// `out[i] = tanh(x[i])` by `std`.
    tanh_f64, f64, |x| x.tanh());
map_kernel!(
    /// `out[i] = 1 / (1 + e^-x[i])` by `std`, in the form exact for very negative x too.
    sigmoid_f64, f64, |x| {
        let e = (-x.abs()).exp();
        if x >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) }
    }
);
map_kernel!(/// `out[i] = sin(x[i])` by `std`.
    sin_f64, f64, |x| x.sin());
map_kernel!(/// `out[i] = cos(x[i])` by `std`.
    cos_f64, f64, |x| x.cos());
zip_kernel!(/// `out = g * y`.
    exp_backward_f64, f64, |g, y| g * y);
zip_kernel!(/// `out = g / x`.
    ln_backward_f64, f64, |g, x| g / x);
zip_kernel!(/// `out = g * (1 - y^2)`.
    tanh_backward_f64, f64, |g, y| g * (1.0 - y * y));
zip_kernel!(/// `out = g * y * (1 - y)`.
    sigmoid_backward_f64, f64, |g, y| g * (y * (1.0 - y)));
zip_kernel!(/// `out = g * cos(x)`.
    sin_backward_f64, f64, |g, x| g * x.cos());
zip_kernel!(/// `out = -g * sin(x)`.
    cos_backward_f64, f64, |g, x| -g * x.sin());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_have_the_published_bits_and_exact_splits() {
        assert_eq!(LN2_HI * 512.0, 355.0);
        assert_eq!(
            LG.map(f32::to_bits),
            [0x3f2a_aaaa, 0x3ecc_ce13, 0x3e91_e9ee, 0x3e78_9e26]
        );
        assert_eq!(
            [LN2_HI_LOG.to_bits(), LN2_LO_LOG.to_bits()],
            [0x3f31_7180, 0x3717_f7d1]
        );
        assert_eq!(SQRT_HALF_BITS, std::f32::consts::FRAC_1_SQRT_2.to_bits());
        assert_eq!(PI4_A * 256.0, 201.0);
        let bits = [PI4_B, PI4_C, PI4_D].map(f32::to_bits);
        assert_eq!(bits, [0x397d_a000, 0x3322_2000, 0x2bb4_611a]);
        assert_eq!(
            SIN_P.map(f32::to_bits),
            [0x362f_0a87, 0xb94f_baeb, 0x3c08_8777, 0xbe2a_aaa6]
        );
        let pi = PI4_A as f64 + PI4_B as f64 + PI4_C as f64 + PI4_D as f64;
        assert!((4.0 * pi - std::f64::consts::PI).abs() <= 4e-16);
    }

    #[test]
    fn element_functions_equal_the_slice_kernels() {
        let x: Vec<f32> = (-300..300).map(|i| i as f32 * 0.173).collect();
        let mut out = vec![0.0; x.len()];
        type Pair = (fn(&[f32], &mut [f32]), fn(f32) -> f32);
        let cases: [Pair; 4] = [
            (exp_f32, exp_one),
            (tanh_f32, tanh_one),
            (sigmoid_f32, sigmoid_one),
            (sin_f32, sin_one_reduced),
        ];
        for (kernel, one) in cases {
            kernel(&x, &mut out);
            for (&v, &y) in x.iter().zip(&out) {
                assert_eq!(y.to_bits(), one(v).to_bits(), "at {v}");
            }
        }
    }
}
