//! Contiguous, row-major element buffers shared between tensors, with a version counter.

use crate::dtype::{DType, Element};
use parking_lot::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::sync::atomic::{AtomicU64, Ordering};

crate::live_count::live_counter!(
    LIVE_STORAGES,
    LOCAL_LIVE_STORAGES,
    storage_created,
    storage_freed
);

/// The number of element buffers alive in the process (for leak tests).
pub fn live_storage_count() -> usize {
    LIVE_STORAGES.total()
}

/// How many elements a float buffer holds inline, without a heap allocation: scalars and the
/// tiny tensors of define-by-run loops (W1, W2, W5) then cost no allocation for their elements.
pub(crate) const INLINE_ELEMENTS: usize = 4;

/// The elements of a float buffer: inline up to [`INLINE_ELEMENTS`], on the heap beyond.
pub(crate) type Elems<T> = smallvec::SmallVec<[T; INLINE_ELEMENTS]>;

/// The elements of a tensor, tagged with their dtype.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Buffer {
    F32(Elems<f32>),
    F64(Elems<f64>),
    Bool(Vec<bool>),
}

impl Buffer {
    pub(crate) fn dtype(&self) -> DType {
        match self {
            Buffer::F32(_) => DType::F32,
            Buffer::F64(_) => DType::F64,
            Buffer::Bool(_) => DType::Bool,
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Buffer::F32(v) => v.len(),
            Buffer::F64(v) => v.len(),
            Buffer::Bool(v) => v.len(),
        }
    }

    /// Every element widened to `f64` (bools as 0 and 1).
    pub(crate) fn to_f64_vec(&self) -> Vec<f64> {
        match self {
            Buffer::F32(v) => v.iter().map(|&x| x as f64).collect(),
            Buffer::F64(v) => v.to_vec(),
            Buffer::Bool(v) => v.iter().map(|&b| if b { 1.0 } else { 0.0 }).collect(),
        }
    }

    /// A buffer of `dtype` holding `values` (rounded for `F32`, `!= 0` for `Bool`).
    pub(crate) fn from_f64_iter(dtype: DType, values: impl Iterator<Item = f64>) -> Buffer {
        match dtype {
            DType::F32 => Buffer::F32(values.map(|x| x as f32).collect()),
            DType::F64 => Buffer::F64(values.collect()),
            DType::Bool => Buffer::Bool(values.map(|x| x != 0.0).collect()),
        }
    }

    pub(crate) fn filled(dtype: DType, len: usize, value: f64) -> Buffer {
        match dtype {
            DType::F32 => Buffer::F32(filled_elems(len, value as f32)),
            DType::F64 => Buffer::F64(filled_elems(len, value)),
            DType::Bool => Buffer::Bool(vec![value != 0.0; len]),
        }
    }

    pub(crate) fn from_vec<E: Element>(data: Vec<E>) -> Buffer {
        Buffer::from_elems(Elems::from_vec(data))
    }

    /// The buffer of `E`'s dtype holding `elems` (no copy, no allocation).
    pub(crate) fn from_elems<E: Element>(elems: Elems<E>) -> Buffer {
        // Element is sealed to f32 and f64, so one of these casts succeeds; the value moves
        // out of a local slot (no boxing).
        let mut slot = Some(elems);
        let any: &mut dyn std::any::Any = &mut slot;
        if let Some(v) = any.downcast_mut::<Option<Elems<f32>>>() {
            return Buffer::F32(v.take().expect("just filled"));
        }
        let v = any
            .downcast_mut::<Option<Elems<f64>>>()
            .expect("Element is f32 or f64");
        Buffer::F64(v.take().expect("just filled"))
    }

    /// A copy whose large element vectors come from the buffer pool.
    pub(crate) fn pooled_clone(&self) -> Buffer {
        use crate::buffer_pool::collect;
        match self {
            Buffer::F32(v) => Buffer::F32(collect(v.len(), v.iter().copied())),
            Buffer::F64(v) => Buffer::F64(collect(v.len(), v.iter().copied())),
            Buffer::Bool(v) => Buffer::Bool(v.clone()),
        }
    }

    /// Converts to `dtype` (a copy even when the dtype is unchanged).
    pub(crate) fn to_dtype(&self, dtype: DType) -> Buffer {
        use crate::buffer_pool::collect;
        match (self, dtype) {
            (Buffer::F32(v), DType::F64) => {
                Buffer::F64(collect(v.len(), v.iter().map(|&x| x as f64)))
            }
            (Buffer::F64(v), DType::F32) => {
                Buffer::F32(collect(v.len(), v.iter().map(|&x| x as f32)))
            }
            (Buffer::Bool(v), DType::F32) => {
                Buffer::F32(collect(v.len(), v.iter().map(|&b| b as u8 as f32)))
            }
            (Buffer::Bool(v), DType::F64) => {
                Buffer::F64(collect(v.len(), v.iter().map(|&b| b as u8 as f64)))
            }
            (b, d) if b.dtype() == d => b.pooled_clone(),
            (b, d) => Buffer::from_f64_iter(d, b.to_f64_vec().into_iter()),
        }
    }
}

/// `len` copies of `value`, in a recycled buffer when large.
fn filled_elems<T: crate::buffer_pool::Pooled>(len: usize, value: T) -> Elems<T> {
    if len <= INLINE_ELEMENTS {
        return Elems::from_buf_and_len([value; INLINE_ELEMENTS], len);
    }
    let mut elems = crate::buffer_pool::take_overwritable_vec(len);
    elems.fill(value);
    Elems::from_vec(elems)
}

/// The elements as `&[T]` when `T` is the buffer's float type.
pub(crate) fn float_slice<T: crate::dtype::Element>(buffer: &Buffer) -> Option<&[T]> {
    let any: &dyn std::any::Any = match buffer {
        Buffer::F32(v) => v,
        Buffer::F64(v) => v,
        Buffer::Bool(_) => return None,
    };
    any.downcast_ref::<Elems<T>>().map(|v| v.as_slice())
}

/// The elements as `&mut [T]` when `T` is the buffer's float type.
pub(crate) fn float_slice_mut<T: crate::dtype::Element>(buffer: &mut Buffer) -> Option<&mut [T]> {
    let any: &mut dyn std::any::Any = match buffer {
        Buffer::F32(v) => v,
        Buffer::F64(v) => v,
        Buffer::Bool(_) => return None,
    };
    any.downcast_mut::<Elems<T>>().map(|v| v.as_mut_slice())
}

/// A handle on a [`Storage`] shared by tensors, views and saved copies. Nothing holds a storage
/// weakly, so this `Arc` keeps no weak count: the last drop and the sole-owner check
/// (`get_mut`, `is_unique`) are one atomic operation each instead of two.
pub(crate) type SharedStorage = triomphe::Arc<Storage>;

/// A buffer behind a lock plus the version counter that in-place ops bump.
#[derive(Debug)]
pub(crate) struct Storage {
    buffer: RwLock<Buffer>,
    version: AtomicU64,
    /// Emptied and kept for reuse (see [`Storage::retire`]): no longer counted as live.
    retired: bool,
}

impl Storage {
    pub(crate) fn new(buffer: Buffer) -> Storage {
        storage_created();
        Storage {
            buffer: RwLock::new(buffer),
            version: AtomicU64::new(0),
            retired: false,
        }
    }

    /// Releases the elements (large ones to the buffer pool) of a storage kept for reuse; it
    /// stops counting as live until [`Storage::reuse`].
    pub(crate) fn retire(&mut self) {
        if !self.retired {
            self.retired = true;
            storage_freed();
        }
        give_to_pool(std::mem::replace(
            self.buffer.get_mut(),
            Buffer::Bool(Vec::new()),
        ));
    }

    /// A retired storage holding `buffer` as a new one would: version 0, counted as live.
    pub(crate) fn reuse(&mut self, buffer: Buffer) {
        debug_assert!(self.retired, "only retired storages are reused");
        self.retired = false;
        storage_created();
        *self.buffer.get_mut() = buffer;
        *self.version.get_mut() = 0;
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Buffer> {
        self.buffer.read()
    }

    /// Write access through exclusive ownership: no lock, and no version bump (nothing else can
    /// hold this storage, so nothing saved it).
    pub(crate) fn buffer_mut(&mut self) -> &mut Buffer {
        self.buffer.get_mut()
    }

    /// Write access for in-place ops; bumps the version.
    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Buffer> {
        self.version.fetch_add(1, Ordering::Relaxed);
        self.buffer.write()
    }

    pub(crate) fn version(&self) -> u64 {
        self.version.load(Ordering::Relaxed)
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        if !self.retired {
            storage_freed();
        }
        give_to_pool(std::mem::replace(
            self.buffer.get_mut(),
            Buffer::Bool(Vec::new()),
        ));
    }
}

/// Hands large float element vectors to the buffer pool (small ones are inline).
fn give_to_pool(buffer: Buffer) {
    match buffer {
        Buffer::F32(v) => crate::buffer_pool::give(v),
        Buffer::F64(v) => crate::buffer_pool::give(v),
        Buffer::Bool(_) => {}
    }
}

/// This thread's share of [`live_storage_count`] (unit tests run in parallel threads).
#[cfg(test)]
pub(crate) fn live_storages_on_this_thread() -> isize {
    LOCAL_LIVE_STORAGES.with(|c| c.load(Ordering::Relaxed))
}
