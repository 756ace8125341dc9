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

mod elements;

use elements::{abs_bits, TRIG_REDUCE_MAX};
pub use elements::{cos_one_reduced, exp_one, ln_one, sigmoid_one, sin_one_reduced, tanh_one};

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
