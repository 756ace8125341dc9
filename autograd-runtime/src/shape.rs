//! Shape arithmetic: element counts, strides, broadcasting and dim wrapping.

/// A dimension index: non-negative counts from the front, negative from the back (`-1` is the
/// last dim), as in PyTorch. Implemented for the integer types users write.
pub trait Dim: Copy {
    /// The index as a signed integer.
    fn to_isize(self) -> isize;
}

macro_rules! impl_dim {
    ($($t:ty),*) => {$(
        impl Dim for $t {
            fn to_isize(self) -> isize {
                self as isize
            }
        }
    )*};
}
impl_dim!(usize, isize, i32, i64, u32);

/// A shape stored inline for up to 4 dims (no heap allocation for the common case).
pub(crate) type ShapeVec = smallvec::SmallVec<[usize; 4]>;

/// Anything a shape can be built from without going through an iterator: a slice or array is
/// copied in one go, a `ShapeVec` or `Vec` moved.
pub(crate) trait IntoShape {
    fn into_shape(self) -> ShapeVec;
}

impl IntoShape for ShapeVec {
    fn into_shape(self) -> ShapeVec {
        self
    }
}

impl IntoShape for &ShapeVec {
    fn into_shape(self) -> ShapeVec {
        ShapeVec::from_slice(self)
    }
}

impl IntoShape for &[usize] {
    fn into_shape(self) -> ShapeVec {
        ShapeVec::from_slice(self)
    }
}

impl<const N: usize> IntoShape for &[usize; N] {
    fn into_shape(self) -> ShapeVec {
        ShapeVec::from_slice(self)
    }
}

impl<const N: usize> IntoShape for [usize; N] {
    fn into_shape(self) -> ShapeVec {
        ShapeVec::from_slice(&self)
    }
}

impl IntoShape for Vec<usize> {
    fn into_shape(self) -> ShapeVec {
        ShapeVec::from_vec(self)
    }
}

impl IntoShape for &Vec<usize> {
    fn into_shape(self) -> ShapeVec {
        ShapeVec::from_slice(self)
    }
}

/// Number of elements of a shape (1 for a 0-d shape).
pub(crate) fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// Row-major strides of a contiguous tensor of `shape`.
pub(crate) fn strides(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * shape[i + 1];
    }
    strides
}

/// Wraps `dim` into `0..rank`, panicking with PyTorch's message when it is out of range.
/// For a 0-d tensor, dims `0` and `-1` are accepted (PyTorch treats it as rank 1 here).
#[track_caller]
pub(crate) fn wrap_dim(op: &str, dim: impl Dim, rank: usize) -> usize {
    let d = dim.to_isize();
    let r = rank.max(1) as isize;
    if d < -r || d >= r {
        panic!(
            "{op}: Dimension out of range (expected to be in range of [{}, {}], but got {d})",
            -r,
            r - 1
        );
    }
    if d < 0 {
        (d + r) as usize
    } else {
        d as usize
    }
}

/// The broadcast shape of two shapes, or `None` when they do not broadcast.
pub(crate) fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<ShapeVec> {
    let rank = a.len().max(b.len());
    let mut out: ShapeVec = smallvec::smallvec![0; rank];
    for i in 0..rank {
        let da = if i < rank - a.len() {
            1
        } else {
            a[i - (rank - a.len())]
        };
        let db = if i < rank - b.len() {
            1
        } else {
            b[i - (rank - b.len())]
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// Strides for reading a tensor of `shape` as if it had `out_shape` (0 on broadcast dims).
pub(crate) fn broadcast_strides(shape: &[usize], out_shape: &[usize]) -> Vec<usize> {
    let own = strides(shape);
    let offset = out_shape.len() - shape.len();
    (0..out_shape.len())
        .map(|i| {
            if i < offset || shape[i - offset] == 1 {
                0
            } else {
                own[i - offset]
            }
        })
        .collect()
}

/// For each output element in row-major order, the flat index into a broadcast input.
/// PRECONDITION: `in_strides` comes from [`broadcast_strides`] for `out_shape`.
pub(crate) fn broadcast_index_iter<'a>(
    out_shape: &'a [usize],
    in_strides: &'a [usize],
) -> impl ExactSizeIterator<Item = usize> + 'a {
    let total = numel(out_shape);
    let rank = out_shape.len();
    let mut counter = vec![0usize; rank];
    let mut offset = 0usize;
    (0..total).map(move |step| {
        if step > 0 {
            // Advance the odometer by one, updating the offset incrementally.
            let mut d = rank;
            while d > 0 {
                d -= 1;
                counter[d] += 1;
                offset += in_strides[d];
                if counter[d] < out_shape[d] {
                    break;
                }
                offset -= in_strides[d] * counter[d];
                counter[d] = 0;
            }
        }
        offset
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting_follows_numpy_rules() {
        assert_eq!(
            broadcast_shapes(&[2, 1, 3], &[4, 1]).as_deref(),
            Some(&[2, 4, 3][..])
        );
        assert_eq!(broadcast_shapes(&[], &[2]).as_deref(), Some(&[2][..]));
        assert_eq!(broadcast_shapes(&[2, 3], &[3, 2]), None);
    }

    #[test]
    fn broadcast_index_iter_repeats_rows() {
        let s = broadcast_strides(&[3], &[2, 3]);
        let idx: Vec<usize> = broadcast_index_iter(&[2, 3], &s).collect();
        assert_eq!(idx, vec![0, 1, 2, 0, 1, 2]);
        let s = broadcast_strides(&[2, 1], &[2, 3]);
        let idx: Vec<usize> = broadcast_index_iter(&[2, 3], &s).collect();
        assert_eq!(idx, vec![0, 0, 0, 1, 1, 1]);
    }

    #[test]
    fn wrap_dim_accepts_negative_dims() {
        assert_eq!(wrap_dim("sum", -1, 3), 2);
        assert_eq!(wrap_dim("sum", 0usize, 0), 0);
    }
}
