//! The forward loop of a fused chain: one pass computing the value (or its sum) per element.

use super::chunks::{elements, full_chunks, halves, slice_of, split_out, PARALLEL_MIN};
use super::{output_buffer, Reduce, CHUNK, LANES};
use crate::buffer_pool::Pooled;
use crate::dtype::{Element, Float};
use crate::storage::{Buffer, Elems};
use crate::Tensor;

pub(super) fn forward_typed<T: Float + Pooled, const K: usize>(
    operands: [&Tensor; K],
    reduce: Reduce,
    value: impl Fn([T; K]) -> T + Sync,
) -> Tensor {
    let guards = operands.map(|t| t.buffer());
    let xs: [&[T]; K] = std::array::from_fn(|j| slice_of(&guards[j]));
    let n = xs.first().map_or(0, |x| x.len());
    match reduce {
        Reduce::Elementwise => {
            let mut out = output_buffer::<T>(n);
            forward_split(xs, &mut out, &value);
            Tensor::from_buffer(Buffer::from_elems(out), operands[0].shape())
        }
        Reduce::Sum | Reduce::Mean => {
            let acc = forward_split(xs, &mut [], &value);
            // As `sum()` then `/ n` in the tensor's dtype, the way `mean()` computes it.
            let sum = T::from_f64(acc.iter().sum());
            let result = match reduce {
                Reduce::Mean => sum / T::from_f64(n as f64),
                _ => sum,
            };
            Tensor::from_buffer(
                Buffer::from_elems(Elems::from_buf_and_len([result; 4], 1)),
                [],
            )
        }
    }
}

/// [`forward_slices`], in two halves on two cores (recursively) when the slices are long.
fn forward_split<T: Float, const K: usize>(
    xs: [&[T]; K],
    out: &mut [T],
    value: &(impl Fn([T; K]) -> T + Sync),
) -> [f64; LANES] {
    let n = xs.first().map_or(0, |x| x.len());
    if n < PARALLEL_MIN {
        return crate::kernels::wide::with_wide_vectors(|| forward_slices(xs, out, value));
    }
    let mid = n / 2 / CHUNK * CHUNK;
    let (left, right) = halves(xs, mid);
    let (out_left, out_right) = split_out(out, mid);
    let (a, b) = rayon::join(
        || forward_split(left, out_left, value),
        || forward_split(right, out_right, value),
    );
    std::array::from_fn(|l| a[l] + b[l])
}

/// One pass over equal-length slices: writes `value` into `out` when it is not empty, and
/// returns the per-lane `f64` sums of `value` otherwise.
#[inline(always)]
fn forward_slices<T: Float, const K: usize>(
    xs: [&[T]; K],
    out: &mut [T],
    value: &impl Fn([T; K]) -> T,
) -> [f64; LANES] {
    let n = xs.first().map_or(0, |x| x.len());
    let mut acc = [0.0f64; LANES];
    if !out.is_empty() {
        let tail = full_chunks(xs, |start, x| {
            let chunk: &mut [T; CHUNK] = (&mut out[start..start + CHUNK])
                .try_into()
                .expect("a chunk has CHUNK elements");
            for (i, o) in chunk.iter_mut().enumerate() {
                *o = value(std::array::from_fn(|j| x[j][i]));
            }
        });
        for (i, o) in out.iter_mut().enumerate().skip(tail) {
            *o = value(elements(&xs, i));
        }
        return acc;
    }
    let tail = full_chunks(xs, |_, x| {
        let mut values = [T::zero(); CHUNK];
        for (i, v) in values.iter_mut().enumerate() {
            *v = value(std::array::from_fn(|j| x[j][i]));
        }
        for lanes in values.chunks_exact(LANES) {
            for (a, v) in acc.iter_mut().zip(lanes) {
                *a += Element::to_f64(*v);
            }
        }
    });
    for i in tail..n {
        acc[0] += Element::to_f64(value(elements(&xs, i)));
    }
    acc
}
