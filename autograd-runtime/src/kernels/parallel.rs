//! Splitting elementwise kernels across cores with rayon, above a size where that pays.
//!
//! A kernel here is any `Fn(&[T], &mut [T])` (or `Fn(&[T], &[T], &mut [T])`) that treats
//! elements independently, such as the slice kernels of [`super::fast_math`]: the slices are cut
//! into contiguous chunks, each chunk runs the kernel on one rayon worker, and results land in
//! place, so the output is bit-for-bit the serial one.
//!
//! # Thresholds (measured)
//! Below [`Cost::min_len`] elements the kernel runs serially on the calling thread. Measured on
//! this project's 2-core machine (AMD EPYC VM, rayon's global pool of 2 threads) with criterion,
//! median per call, serial kernel vs the same kernel split into chunks; other sessions' builds
//! kept the load average between 1.3 and 2.6, so the second core was often busy:
//!
//! | elements | `tanh_f32` serial | split | `tanh_backward_f32` serial | split |
//! |---|---|---|---|---|
//! | 8 192 | 12.3 µs | 24.9 µs | 1.0 µs | 15.3 µs |
//! | 32 768 | 50.1 µs | 43.8 µs | 4.4 µs | 19.2 µs |
//! | 65 536 | 100 µs | 61 µs | 8.0 µs | 14.5 µs |
//! | 131 072 | 208 µs | 127 µs | 17.2 µs | 38.5 µs |
//! | 262 144 | 424 µs | 412 µs | 33.8 µs | 39.2 µs |
//! | 1 048 576 | 1.86 ms | 1.46 ms | 136 µs | 81 µs |
//!
//! Waking the other worker and joining costs 10-20 µs under that load, so a split pays from
//! about 32k elements for a transcendental kernel (1.5 ns/element) and only for buffers of
//! millions for an arithmetic one (0.13 ns/element, memory-bound: both cores share the memory
//! bandwidth, and at 1e6 the split won in one run and lost in another).

use rayon::prelude::*;

/// How expensive a kernel is per element, which sets the length from which splitting pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// A few arithmetic operations per element (`g * (1 - y^2)`, `g / x`): memory-bound.
    Arithmetic,
    /// An `exp`/`ln`/`tanh`/`sigmoid`/`sin`/`cos` per element.
    Transcendental,
}

impl Cost {
    /// The number of elements from which [`par_map`] and [`par_zip`] split the work.
    pub const fn min_len(self) -> usize {
        match self {
            Cost::Arithmetic => 1 << 20,
            Cost::Transcendental => 1 << 15,
        }
    }
}

/// Elements per chunk: about four chunks per worker (so a worker slowed by other load does not
/// hold up the rest), at least half the threshold, and a multiple of 64 so each chunk's vector
/// loop runs without a ragged tail except in the last chunk.
fn chunk_len(n: usize, cost: Cost) -> usize {
    let pieces = 4 * rayon::current_num_threads();
    n.div_ceil(pieces)
        .max(cost.min_len() / 2)
        .next_multiple_of(64)
}

fn splits(n: usize, cost: Cost) -> bool {
    n >= cost.min_len() && rayon::current_num_threads() > 1
}

/// Runs `kernel(x, out)`, split across rayon's workers when `x` is at least `cost.min_len()`
/// long. `kernel` must treat elements independently (any slice kernel of `fast_math` does).
///
/// ```
/// use autograd::kernels::{fast_math, parallel::{par_map, Cost}};
/// let x: Vec<f32> = (0..100_000).map(|i| i as f32 * 1e-4).collect();
/// let mut out = vec![0.0; x.len()];
/// par_map(Cost::Transcendental, &x, &mut out, fast_math::tanh_f32);
/// assert_eq!(out[0], 0.0);
/// ```
///
/// # Panics
/// When `x` and `out` differ in length.
#[track_caller]
pub fn par_map<T, F>(cost: Cost, x: &[T], out: &mut [T], kernel: F)
where
    T: Sync + Send,
    F: Fn(&[T], &mut [T]) + Sync,
{
    assert!(
        x.len() == out.len(),
        "par_map: expected x and out of one length but got {} and {} elements",
        x.len(),
        out.len()
    );
    if !splits(x.len(), cost) {
        return kernel(x, out);
    }
    let chunk = chunk_len(x.len(), cost);
    out.par_chunks_mut(chunk)
        .zip(x.par_chunks(chunk))
        .for_each(|(o, x)| kernel(x, o));
}

/// Runs `kernel(a, b, out)`, split across rayon's workers when the slices are at least
/// `cost.min_len()` long; for binary kernels such as `fast_math::tanh_backward_f32(g, y, out)`.
///
/// # Panics
/// When `a`, `b` and `out` are not all of one length.
#[track_caller]
pub fn par_zip<T, F>(cost: Cost, a: &[T], b: &[T], out: &mut [T], kernel: F)
where
    T: Sync + Send,
    F: Fn(&[T], &[T], &mut [T]) + Sync,
{
    assert!(
        a.len() == out.len() && b.len() == out.len(),
        "par_zip: expected a, b and out of one length but got {}, {} and {} elements",
        a.len(),
        b.len(),
        out.len()
    );
    if !splits(out.len(), cost) {
        return kernel(a, b, out);
    }
    let chunk = chunk_len(out.len(), cost);
    out.par_chunks_mut(chunk)
        .zip(a.par_chunks(chunk))
        .zip(b.par_chunks(chunk))
        .for_each(|((o, a), b)| kernel(a, b, o));
}

/// [`par_map`] into a new vector: `kernel` applied to `x`, split when `x` is long enough.
///
/// ```
/// use autograd::kernels::{parallel::{par_map_vec, Cost}, FastMath};
/// let y = par_map_vec(Cost::Transcendental, &[0.0f32, 1.0], f32::fast_exp);
/// assert_eq!(y[0], 1.0);
/// ```
#[track_caller]
pub fn par_map_vec<T, F>(cost: Cost, x: &[T], kernel: F) -> Vec<T>
where
    T: Copy + Default + Sync + Send,
    F: Fn(&[T], &mut [T]) + Sync,
{
    let mut out = vec![T::default(); x.len()];
    par_map(cost, x, &mut out, kernel);
    out
}

/// [`par_zip`] into a new vector, for backward kernels: `kernel(a, b)` over equal-length slices.
///
/// # Panics
/// When `a` and `b` differ in length.
#[track_caller]
pub fn par_zip_vec<T, F>(cost: Cost, a: &[T], b: &[T], kernel: F) -> Vec<T>
where
    T: Copy + Default + Sync + Send,
    F: Fn(&[T], &[T], &mut [T]) + Sync,
{
    let mut out = vec![T::default(); a.len()];
    par_zip(cost, a, b, &mut out, kernel);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::fast_math;

    #[test]
    fn split_results_equal_serial_ones_bit_for_bit() {
        let (t, a) = (Cost::Transcendental.min_len(), Cost::Arithmetic.min_len());
        for n in [0, 1, 63, 1000, t + 77, a + 1] {
            let x: Vec<f32> = (0..n).map(|i| (i as f32 * 0.37).sin() * 5.0).collect();
            let (mut serial, mut split) = (vec![0.0; n], vec![0.0; n]);
            fast_math::tanh_f32(&x, &mut serial);
            par_map(Cost::Transcendental, &x, &mut split, fast_math::tanh_f32);
            assert_eq!(serial, split, "n = {n}");
            fast_math::tanh_backward_f32(&x, &serial, &mut split);
            let mut zipped = vec![0.0; n];
            par_zip(
                Cost::Arithmetic,
                &x,
                &serial,
                &mut zipped,
                fast_math::tanh_backward_f32,
            );
            assert_eq!(split, zipped, "n = {n}");
            assert_eq!(
                par_map_vec(Cost::Transcendental, &x, fast_math::tanh_f32),
                serial
            );
            let zipped = par_zip_vec(Cost::Arithmetic, &x, &serial, fast_math::tanh_backward_f32);
            assert_eq!(split, zipped, "n = {n}");
        }
    }

    #[test]
    fn chunks_are_multiples_of_64_and_cover_large_inputs_in_several_pieces() {
        let n = 1_000_000;
        let c = chunk_len(n, Cost::Transcendental);
        assert_eq!(c % 64, 0);
        assert!(c >= Cost::Transcendental.min_len() / 2 && c < n);
    }

    #[test]
    #[should_panic(expected = "par_map: expected x and out of one length but got 3 and 2")]
    fn par_map_rejects_mismatched_lengths() {
        par_map(
            Cost::Arithmetic,
            &[1.0f32; 3],
            &mut [0.0; 2],
            fast_math::exp_f32,
        );
    }

    #[test]
    #[should_panic(expected = "par_zip: expected a, b and out of one length but got 2, 3 and 2")]
    fn par_zip_rejects_mismatched_lengths() {
        let mut out = [0.0f32; 2];
        par_zip(
            Cost::Arithmetic,
            &[1.0; 2],
            &[1.0; 3],
            &mut out,
            fast_math::exp_backward_f32,
        );
    }
}
