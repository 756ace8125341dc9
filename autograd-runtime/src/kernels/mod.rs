//! Fast elementwise kernels over contiguous buffers: vectorisable approximations of the
//! transcendental functions and their backward forms ([`fast_math`]), and rayon splitting for
//! long slices ([`parallel`]).
//!
//! Not public API: the ops call these, and the `autograd` facade re-exports the module hidden so
//! the accuracy tests and benchmarks can reach it as `autograd::kernels`.

pub mod fast_math;
pub mod parallel;
pub(crate) mod wide;

/// The kernels by element type, for code generic over `f32`/`f64` (as the ops' per-dtype
/// macro bodies are): `f32` gets [`fast_math`]'s approximations, `f64` calls `std`.
///
/// ```
/// use autograd::kernels::FastMath;
/// fn tanh_all<T: FastMath + Default>(x: &[T]) -> Vec<T> {
///     let mut out = vec![T::default(); x.len()];
///     T::fast_tanh(x, &mut out);
///     out
/// }
/// assert_eq!(tanh_all(&[0.0f32])[0], 0.0);
/// assert_eq!(tanh_all(&[1.0f64])[0], 1.0f64.tanh());
/// ```
pub trait FastMath: Copy + Send + Sync + 'static {
    /// `out = e^x`.
    fn fast_exp(x: &[Self], out: &mut [Self]);
    /// `out = ln(x)`.
    fn fast_ln(x: &[Self], out: &mut [Self]);
    /// `out = tanh(x)`.
    fn fast_tanh(x: &[Self], out: &mut [Self]);
    /// `out = 1 / (1 + e^-x)`.
    fn fast_sigmoid(x: &[Self], out: &mut [Self]);
    /// `out = sin(x)`.
    fn fast_sin(x: &[Self], out: &mut [Self]);
    /// `out = cos(x)`.
    fn fast_cos(x: &[Self], out: &mut [Self]);
    /// `out = g * y` (exp's backward from its output `y`).
    fn fast_exp_backward(g: &[Self], y: &[Self], out: &mut [Self]);
    /// `out = g / x` (log's backward from its input `x`).
    fn fast_ln_backward(g: &[Self], x: &[Self], out: &mut [Self]);
    /// `out = g * (1 - y^2)` (tanh's backward from its output `y`).
    fn fast_tanh_backward(g: &[Self], y: &[Self], out: &mut [Self]);
    /// `out = g * y * (1 - y)` (sigmoid's backward from its output `y`).
    fn fast_sigmoid_backward(g: &[Self], y: &[Self], out: &mut [Self]);
    /// `out = g * cos(x)` (sin's backward from its input `x`).
    fn fast_sin_backward(g: &[Self], x: &[Self], out: &mut [Self]);
    /// `out = -g * sin(x)` (cos's backward from its input `x`).
    fn fast_cos_backward(g: &[Self], x: &[Self], out: &mut [Self]);
}

macro_rules! impl_fast_math {
    ($t:ty, $($method:ident => $kernel:ident ($($arg:ident),+)),+ $(,)?) => {
        impl FastMath for $t {
            $(
                #[track_caller]
                fn $method($($arg: &[$t],)+ out: &mut [$t]) {
                    fast_math::$kernel($($arg,)+ out)
                }
            )+
        }
    };
}

impl_fast_math!(f32,
    fast_exp => exp_f32(x), fast_ln => ln_f32(x), fast_tanh => tanh_f32(x), fast_sigmoid => sigmoid_f32(x),
    fast_sin => sin_f32(x), fast_cos => cos_f32(x),
    fast_exp_backward => exp_backward_f32(g, y), fast_ln_backward => ln_backward_f32(g, x),
    fast_tanh_backward => tanh_backward_f32(g, y), fast_sigmoid_backward => sigmoid_backward_f32(g, y),
    fast_sin_backward => sin_backward_f32(g, x), fast_cos_backward => cos_backward_f32(g, x),
);

impl_fast_math!(f64,
    fast_exp => exp_f64(x), fast_ln => ln_f64(x), fast_tanh => tanh_f64(x), fast_sigmoid => sigmoid_f64(x),
    fast_sin => sin_f64(x), fast_cos => cos_f64(x),
    fast_exp_backward => exp_backward_f64(g, y), fast_ln_backward => ln_backward_f64(g, x),
    fast_tanh_backward => tanh_backward_f64(g, y), fast_sigmoid_backward => sigmoid_backward_f64(g, y),
    fast_sin_backward => sin_backward_f64(g, x), fast_cos_backward => cos_backward_f64(g, x),
);
