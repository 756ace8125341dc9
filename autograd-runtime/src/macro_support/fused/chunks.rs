//! Loop helpers shared by the fused forward and backward: chunked walks, element access and
//! splitting across cores.

use super::CHUNK;
use crate::dtype::Float;
use crate::storage::float_slice;

/// Elements from which a loop is split across cores (measured for transcendental bodies in
/// `crate::kernels::parallel`).
pub(super) const PARALLEL_MIN: usize = 1 << 15;

/// The two halves of equal-length slices, split at a chunk boundary.
pub(super) fn halves<T, const K: usize>(xs: [&[T]; K], mid: usize) -> ([&[T]; K], [&[T]; K]) {
    (xs.map(|x| &x[..mid]), xs.map(|x| &x[mid..]))
}

/// A mutable slice split at `mid`, or two empty slices when it is empty (an unused output).
pub(super) fn split_out<T>(out: &mut [T], mid: usize) -> (&mut [T], &mut [T]) {
    if out.is_empty() {
        (&mut [], &mut [])
    } else {
        out.split_at_mut(mid)
    }
}

#[track_caller]
pub(super) fn slice_of<T: Float>(buffer: &crate::storage::Buffer) -> &[T] {
    float_slice::<T>(buffer).unwrap_or_else(|| {
        panic!(
            "fused elementwise chain: expected operands of dtype {:?}",
            T::DTYPE
        )
    })
}

/// Element `i` of every operand.
#[inline(always)]
pub(super) fn elements<T: Float, const K: usize>(xs: &[&[T]; K], i: usize) -> [T; K] {
    std::array::from_fn(|j| xs[j][i])
}

/// Calls `chunk(start, chunk)` for consecutive full chunks of the (equal-length) slices, and
/// returns where the remaining elements (fewer than a chunk) start: the callers finish them
/// one by one, so a small tensor costs its elements, not a chunk.
#[inline(always)]
pub(super) fn full_chunks<T: Float, const K: usize>(
    xs: [&[T]; K],
    mut chunk: impl FnMut(usize, [&[T; CHUNK]; K]),
) -> usize {
    let n = xs.first().map_or(0, |x| x.len());
    let full = n - n % CHUNK;
    let mut start = 0;
    while start < full {
        let x: [&[T; CHUNK]; K] = std::array::from_fn(|j| {
            xs[j][start..start + CHUNK]
                .try_into()
                .expect("a chunk has CHUNK elements")
        });
        chunk(start, x);
        start += CHUNK;
    }
    full
}
