//! The f32 element functions behind the fast kernels: range reductions, polynomial
//! approximations and their published constants (sources and accuracy in the parent module).

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
pub(super) const TRIG_REDUCE_MAX: f32 = 4096.0;

const SIGN: u32 = 0x8000_0000;

#[inline(always)]
pub(super) fn abs_bits(x: f32) -> f32 {
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
/// [`sin_f32`](super::sin_f32), which recomputes them with `std`. Branch-free.
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
/// [`cos_f32`](super::cos_f32), which recomputes them with `std`. Branch-free.
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
}
