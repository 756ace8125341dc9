//! Shape arithmetic: element counts, strides, broadcasting and dim wrapping, and PyTorch's
//! sentences for the errors they detect.

use crate::DType;

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
    if let Some(sentence) = dim_out_of_range(d, rank) {
        panic!("{op}: {sentence}");
    }
    let r = rank.max(1) as isize;
    if d < 0 {
        (d + r) as usize
    } else {
        d as usize
    }
}

// PyTorch's own sentences for the errors below, word for word, so a message that quotes one
// reads as PyTorch's (callers add the op name and the shapes around it).

/// PyTorch's sentence for a dim outside `[-rank, rank - 1]` (`maybe_wrap_dim`, where a 0-d
/// tensor counts as rank 1), or `None` when `dim` is in range.
pub(crate) fn dim_out_of_range(dim: isize, rank: usize) -> Option<String> {
    let r = rank.max(1) as isize;
    (dim < -r || dim >= r).then(|| {
        format!(
            "Dimension out of range (expected to be in range of [{}, {}], but got {dim})",
            -r,
            r - 1
        )
    })
}

/// PyTorch's sentence for shapes that do not broadcast (`infer_size`: the first mismatch from
/// the right, numbered in the broadcast shape; `a` is the first operand), or `None` when they
/// broadcast.
pub(crate) fn broadcast_error(a: &[usize], b: &[usize]) -> Option<String> {
    let rank = a.len().max(b.len());
    let size_at = |s: &[usize], i: usize| (i + s.len()).checked_sub(rank).map_or(1, |d| s[d]);
    (0..rank).rev().find_map(|i| {
        let (size_a, size_b) = (size_at(a, i), size_at(b, i));
        (size_a != size_b && size_a != 1 && size_b != 1).then(|| {
            format!(
                "The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) at non-singleton dimension {i}"
            )
        })
    })
}

/// The dtype as PyTorch's messages print a `ScalarType` (`Float`, `Double`, `Bool`).
pub(crate) fn scalar_type_name(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "Float",
        DType::F64 => "Double",
        DType::Bool => "Bool",
    }
}

/// The dtype as PyTorch's messages print a `caffe2::TypeMeta` (`float`, `double`, `bool`).
pub(crate) fn type_meta_name(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "float",
        DType::F64 => "double",
        DType::Bool => "bool",
    }
}

/// What PyTorch says about operands of `op` that this library refuses for not being floating
/// point, where PyTorch refuses them too: `sub` of a bool tensor (`sub_check`), or shapes that
/// do not broadcast for the ops that otherwise promote bool operands.
pub(crate) fn non_float_operands_error(
    op: &str,
    (a, a_dtype): (&[usize], DType),
    (b, b_dtype): (&[usize], DType),
) -> Option<String> {
    let bools = [a_dtype, b_dtype]
        .iter()
        .filter(|&&d| d == DType::Bool)
        .count();
    match op {
        "sub" if bools == 2 => Some(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
                .to_string(),
        ),
        "sub" if bools == 1 => Some(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
                .to_string(),
        ),
        "add" | "sub" | "mul" | "div" | "maximum" | "minimum" | "mse_loss" => {
            broadcast_error(a, b)
        }
        _ => None,
    }
}

/// `": sentence"` to end a message with PyTorch's sentence, or nothing when there is none.
pub(crate) fn pytorch_suffix(sentence: Option<String>) -> String {
    sentence.map_or_else(String::new, |s| format!(": {s}"))
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
    fn broadcast_error_names_the_first_mismatch_from_the_right() {
        assert_eq!(broadcast_error(&[2, 3], &[2, 1]), None);
        assert_eq!(
            broadcast_error(&[3], &[2]).as_deref(),
            Some("The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0")
        );
        assert_eq!(
            broadcast_error(&[4, 2, 3], &[5, 3]).as_deref(),
            Some("The size of tensor a (2) must match the size of tensor b (5) at non-singleton dimension 1")
        );
    }

    #[test]
    fn wrap_dim_accepts_negative_dims() {
        assert_eq!(wrap_dim("sum", -1, 3), 2);
        assert_eq!(wrap_dim("sum", 0usize, 0), 0);
    }
}
