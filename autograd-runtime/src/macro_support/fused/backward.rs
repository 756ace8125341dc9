//! The backward loop of a fused chain: one pass computing every operand's gradient per
//! element.

use super::chunks::{elements, full_chunks, halves, slice_of, split_out, PARALLEL_MIN};
use super::{output_buffer, Reduce, CHUNK};
use crate::buffer_pool::Pooled;
use crate::dtype::Float;
use crate::storage::{Buffer, Elems};
use crate::Tensor;

pub(super) fn backward_typed<T: Float + Pooled, const K: usize>(
    operands: [&Tensor; K],
    reduce: Reduce,
    grad: &Tensor,
    needs: [bool; K],
    gradient: impl Fn([T; K], T) -> [T; K] + Sync,
) -> [Option<Tensor>; K] {
    let grad = grad.to_dtype(T::DTYPE);
    let grad_guard = grad.buffer();
    let g: &[T] = slice_of(&grad_guard);
    let guards = operands.map(|t| t.buffer());
    let xs: [&[T]; K] = std::array::from_fn(|j| slice_of(&guards[j]));
    let n = xs.first().map_or(0, |x| x.len());
    let (each, same) = match reduce {
        Reduce::Elementwise => (Some(g), T::zero()),
        Reduce::Sum => (None, g[0]),
        Reduce::Mean => (None, g[0] / T::from_f64(n as f64)),
    };
    let mut outs: [Elems<T>; K] = std::array::from_fn(|j| {
        if needs[j] {
            output_buffer::<T>(n)
        } else {
            Elems::new()
        }
    });
    {
        let views: [&mut [T]; K] = outs.each_mut().map(|o| o.as_mut_slice());
        backward_split(xs, each, same, views, &gradient);
    }
    let shape = operands[0].shape();
    let mut outs = outs.into_iter();
    std::array::from_fn(|j| {
        let out = outs.next().unwrap_or_default();
        needs[j].then(|| Tensor::from_buffer(Buffer::from_elems(out), shape))
    })
}

/// [`backward_slices`], in two halves on two cores (recursively) when the slices are long.
fn backward_split<T: Float, const K: usize>(
    xs: [&[T]; K],
    each: Option<&[T]>,
    same: T,
    outs: [&mut [T]; K],
    gradient: &(impl Fn([T; K], T) -> [T; K] + Sync),
) {
    let n = xs.first().map_or(0, |x| x.len());
    if n < PARALLEL_MIN {
        return crate::kernels::wide::with_wide_vectors(|| {
            backward_slices(xs, each, same, outs, gradient)
        });
    }
    let mid = n / 2 / CHUNK * CHUNK;
    let (left, right) = halves(xs, mid);
    let (each_left, each_right) = match each {
        Some(g) => (Some(&g[..mid]), Some(&g[mid..])),
        None => (None, None),
    };
    let mut lefts: [&mut [T]; K] = std::array::from_fn(|_| &mut [][..]);
    let mut rights: [&mut [T]; K] = std::array::from_fn(|_| &mut [][..]);
    for (j, out) in outs.into_iter().enumerate() {
        let (l, r) = split_out(out, mid);
        lefts[j] = l;
        rights[j] = r;
    }
    rayon::join(
        || backward_split(left, each_left, same, lefts, gradient),
        || backward_split(right, each_right, same, rights, gradient),
    );
}

/// One pass of the chain's gradient over equal-length slices into the non-empty `outs`.
#[inline(always)]
fn backward_slices<T: Float, const K: usize>(
    xs: [&[T]; K],
    each: Option<&[T]>,
    same: T,
    mut outs: [&mut [T]; K],
    gradient: &impl Fn([T; K], T) -> [T; K],
) {
    let n = xs.first().map_or(0, |x| x.len());
    let seed = |i: usize| each.map_or(same, |g| g[i]);
    let tail = full_chunks(xs, |start, x| {
        let mut seeds = [same; CHUNK];
        if let Some(g) = each {
            seeds.copy_from_slice(&g[start..start + CHUNK]);
        }
        // Into a stack buffer first: the loop writes memory nothing else can alias.
        let mut rows = [[T::zero(); CHUNK]; K];
        for (i, &seed) in seeds.iter().enumerate() {
            let r = gradient(std::array::from_fn(|j| x[j][i]), seed);
            for (row, v) in rows.iter_mut().zip(r) {
                row[i] = v;
            }
        }
        for (out, row) in outs.iter_mut().zip(&rows) {
            if !out.is_empty() {
                out[start..start + CHUNK].copy_from_slice(row);
            }
        }
    });
    for i in tail..n {
        let r = gradient(elements(&xs, i), seed(i));
        for (out, v) in outs.iter_mut().zip(r) {
            if let Some(o) = out.get_mut(i) {
                *o = v;
            }
        }
    }
}
