//! A per-thread cache of large element buffers, like PyTorch's caching CPU allocator.
//!
//! glibc serves allocations above 128 KiB with fresh `mmap`s, so every large op result costs
//! page faults on first touch and a `munmap` on drop. Ops on big tensors (W3, W4) allocate the
//! same sizes every iteration; recycling the buffers removes that cost.

use crate::storage::{Elems, INLINE_ELEMENTS};
use std::cell::RefCell;

/// Buffers smaller than this many bytes go straight to the system allocator.
const MIN_POOLED_BYTES: usize = 64 * 1024;
/// At most this many bytes are kept per thread and element type.
const MAX_POOLED_BYTES: usize = 256 * 1024 * 1024;
/// At most this many buffers are kept per thread and element type.
const MAX_POOLED_BUFFERS: usize = 32;

/// An element type with a pool.
pub(crate) trait Pooled: Copy + Default + 'static {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<Self>>) -> R) -> Option<R>;
}

thread_local! {
    static POOL_F32: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
    static POOL_F64: RefCell<Vec<Vec<f64>>> = const { RefCell::new(Vec::new()) };
}

impl Pooled for f32 {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<f32>>) -> R) -> Option<R> {
        POOL_F32.try_with(|p| f(&mut p.borrow_mut())).ok()
    }
}

impl Pooled for f64 {
    fn with_pool<R>(f: impl FnOnce(&mut Vec<Vec<f64>>) -> R) -> Option<R> {
        POOL_F64.try_with(|p| f(&mut p.borrow_mut())).ok()
    }
}

impl Pooled for bool {
    /// Bool results (comparisons) are not worth caching.
    fn with_pool<R>(_f: impl FnOnce(&mut Vec<Vec<bool>>) -> R) -> Option<R> {
        None
    }
}

/// An empty vector with room for `n` elements, recycled when a cached one fits.
pub(crate) fn take_vec<T: Pooled>(n: usize) -> Vec<T> {
    match take_recycled(n) {
        Some(mut v) => {
            v.clear();
            v
        }
        None => Vec::with_capacity(n),
    }
}

/// A cached vector with room for `n` elements (its old contents still in it), if one fits.
fn take_recycled<T: Pooled>(n: usize) -> Option<Vec<T>> {
    if n * std::mem::size_of::<T>() < MIN_POOLED_BYTES {
        return None;
    }
    T::with_pool(|pool| {
        // Best fit among buffers no more than twice as large as needed.
        let best = pool
            .iter()
            .enumerate()
            .filter(|(_, v)| v.capacity() >= n && v.capacity() <= 2 * n)
            .min_by_key(|(_, v)| v.capacity())
            .map(|(i, _)| i);
        best.map(|i| pool.swap_remove(i))
    })
    .flatten()
}

/// A vector of exactly `n` elements whose values are unspecified (a recycled buffer's old
/// contents, or zeros): for kernels that overwrite every element. A recycled buffer is not
/// cleared first, which saves a pass over memory per large op.
pub(crate) fn take_overwritable_vec<T: Pooled>(n: usize) -> Vec<T> {
    match take_recycled(n) {
        Some(mut v) => {
            if v.len() >= n {
                v.truncate(n);
            } else {
                v.resize(n, T::default());
            }
            v
        }
        None => vec![T::default(); n],
    }
}

/// [`take_overwritable_vec`] as element storage (inline when small).
pub(crate) fn take_overwritable<T: Pooled>(n: usize) -> Elems<T> {
    if n <= INLINE_ELEMENTS {
        return Elems::from_buf_and_len([T::default(); INLINE_ELEMENTS], n);
    }
    Elems::from_vec(take_overwritable_vec(n))
}

/// Collects `values` (exactly `n` of them) into a possibly recycled vector.
pub(crate) fn collect<T: Pooled>(n: usize, values: impl Iterator<Item = T>) -> Elems<T> {
    if n <= INLINE_ELEMENTS {
        // Straight into the inline array: cheaper than growing the small vector one by one.
        let mut inline = [T::default(); INLINE_ELEMENTS];
        let mut len = 0;
        for (slot, value) in inline.iter_mut().zip(values) {
            *slot = value;
            len += 1;
        }
        return Elems::from_buf_and_len(inline, len);
    }
    let mut v = take_vec(n);
    v.extend(values);
    Elems::from_vec(v)
}

/// Gives a buffer back for reuse (or frees it when it is small). A full pool drops its oldest
/// buffers to make room, so the working set of the current workload wins over earlier ones.
pub(crate) fn give<T: Pooled>(v: Elems<T>) {
    if v.spilled() {
        give_vec(v.into_vec());
    }
}

/// [`give`] for a plain vector.
pub(crate) fn give_vec<T: Pooled>(v: Vec<T>) {
    let bytes = v.capacity() * std::mem::size_of::<T>();
    if !(MIN_POOLED_BYTES..=MAX_POOLED_BYTES).contains(&bytes) {
        return;
    }
    T::with_pool(|pool| {
        let size = |b: &Vec<T>| b.capacity() * std::mem::size_of::<T>();
        let mut held: usize = pool.iter().map(size).sum();
        while !pool.is_empty()
            && (pool.len() >= MAX_POOLED_BUFFERS || held + bytes > MAX_POOLED_BYTES)
        {
            held -= size(&pool.remove(0));
        }
        pool.push(v);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_buffers_are_recycled_and_small_ones_are_not() {
        let v: Vec<f32> = take_vec(100_000);
        let ptr = v.as_ptr();
        give(Elems::from_vec(v));
        let again: Vec<f32> = take_vec(90_000);
        assert_eq!(again.as_ptr(), ptr);
        assert!(again.is_empty());
        // A full pool makes room for new buffers by dropping its oldest ones.
        for _ in 0..MAX_POOLED_BUFFERS + 4 {
            give_vec(Vec::<f32>::with_capacity(20_000));
        }
        let big = Vec::<f32>::with_capacity(1_000_000);
        let big_ptr = big.as_ptr();
        give_vec(big);
        let recycled = take_vec::<f32>(1_000_000);
        assert_eq!(recycled.as_ptr(), big_ptr);
        let small: Vec<f64> = take_vec(10);
        assert!(small.capacity() >= 10);
    }

    #[test]
    fn overwritable_buffers_have_the_length_asked_for() {
        let mut v = vec![7.0f32; 100_000];
        v.truncate(50_000);
        give_vec(v);
        // Recycled with stale contents, grown to the length asked for.
        let w = take_overwritable_vec::<f32>(60_000);
        assert_eq!(w.len(), 60_000);
        assert!(w[..50_000].iter().all(|&x| x == 7.0));
        assert_eq!(take_overwritable::<f64>(3).len(), 3);
        assert_eq!(take_overwritable_vec::<f64>(100_000).len(), 100_000);
    }

    #[test]
    fn tiny_buffers_stay_inline() {
        let v: Elems<f32> = collect(INLINE_ELEMENTS, (0..INLINE_ELEMENTS).map(|i| i as f32));
        assert!(!v.spilled());
        let w: Elems<f64> = collect(INLINE_ELEMENTS + 1, (0..=INLINE_ELEMENTS).map(|i| i as f64));
        assert!(w.spilled());
    }
}
