//! Element loops shared by the ops: maps over one buffer and broadcast zips over two.
//!
//! The macros expand an expression once per float type, so one body serves F32 and F64.

use crate::buffer_pool::{collect, Pooled};
use crate::dtype::Element;
use crate::shape::{broadcast_index_iter, broadcast_strides, numel};

/// `out[i] = f(a[i'], b[i''])` over `out_shape`, reading `a` and `b` with broadcasting.
/// PRECONDITION: `out_shape` is the broadcast of `a_shape` and `b_shape`.
pub(crate) fn zip_broadcast<T: Copy, U: Pooled>(
    a: &[T],
    a_shape: &[usize],
    b: &[T],
    b_shape: &[usize],
    out_shape: &[usize],
    f: impl Fn(T, T) -> U,
) -> crate::storage::Elems<U> {
    let n = numel(out_shape);
    if a.len() == n && b.len() == n {
        return collect(n, a.iter().zip(b).map(|(&x, &y)| f(x, y)));
    }
    if b.len() == 1 && a.len() == n {
        let y = b[0];
        return collect(n, a.iter().map(|&x| f(x, y)));
    }
    if a.len() == 1 && b.len() == n {
        let x = a[0];
        return collect(n, b.iter().map(|&y| f(x, y)));
    }
    let sa = broadcast_strides(a_shape, out_shape);
    let sb = broadcast_strides(b_shape, out_shape);
    let values = broadcast_index_iter(out_shape, &sa)
        .zip(broadcast_index_iter(out_shape, &sb))
        .map(|(i, j)| f(a[i], b[j]));
    collect(n, values)
}

/// Maps every element of a float tensor to a new tensor of the same shape and dtype.
/// `map_float!("exp", tensor, |x| x.exp())`
macro_rules! map_float {
    ($op:expr, $t:expr, |$x:ident| $body:expr) => {{
        let t: &$crate::Tensor = $t;
        let out = {
            let buffer = t.buffer();
            match &*buffer {
                $crate::storage::Buffer::F32(v) => {
                    $crate::storage::Buffer::F32($crate::buffer_pool::collect(v.len(), v.iter().map(|&$x| $body)))
                }
                $crate::storage::Buffer::F64(v) => {
                    $crate::storage::Buffer::F64($crate::buffer_pool::collect(v.len(), v.iter().map(|&$x| $body)))
                }
                $crate::storage::Buffer::Bool(_) => panic!(
                    "{}: expected a floating point tensor but got dtype torch.bool (shape {:?})",
                    $op,
                    t.shape()
                ),
            }
        };
        $crate::Tensor::from_buffer(out, t.shape())
    }};
}
pub(crate) use map_float;

/// Zips two float tensors of the same dtype with broadcasting into a float tensor.
/// PRECONDITION: same dtype (callers promote first); `out_shape` is the broadcast shape.
macro_rules! zip_float {
    ($op:expr, $a:expr, $b:expr, $out_shape:expr, |$x:ident, $y:ident| $body:expr) => {{
        let (a, b): (&$crate::Tensor, &$crate::Tensor) = ($a, $b);
        let out_shape: $crate::shape::ShapeVec = $out_shape;
        let out = {
            let (ba, bb) = (a.buffer(), b.buffer());
            match (&*ba, &*bb) {
                ($crate::storage::Buffer::F32(u), $crate::storage::Buffer::F32(v)) => {
                    $crate::storage::Buffer::F32($crate::ops::kernels::zip_broadcast(
                        u, a.shape(), v, b.shape(), &out_shape, |$x, $y| $body,
                    ))
                }
                ($crate::storage::Buffer::F64(u), $crate::storage::Buffer::F64(v)) => {
                    $crate::storage::Buffer::F64($crate::ops::kernels::zip_broadcast(
                        u, a.shape(), v, b.shape(), &out_shape, |$x, $y| $body,
                    ))
                }
                _ => panic!(
                    "{}: expected floating point tensors of one dtype but got {} {:?} and {} {:?}",
                    $op,
                    a.dtype(),
                    a.shape(),
                    b.dtype(),
                    b.shape()
                ),
            }
        };
        $crate::Tensor::from_buffer(out, out_shape)
    }};
}
pub(crate) use zip_float;

/// Zips two tensors of the same dtype (float or bool) with broadcasting into a bool tensor.
macro_rules! zip_to_bool {
    ($op:expr, $a:expr, $b:expr, $out_shape:expr, |$x:ident, $y:ident| $body:expr) => {{
        let (a, b): (&$crate::Tensor, &$crate::Tensor) = ($a, $b);
        let out_shape: $crate::shape::ShapeVec = $out_shape;
        let out = {
            let (ba, bb) = (a.buffer(), b.buffer());
            match (&*ba, &*bb) {
                ($crate::storage::Buffer::F32(u), $crate::storage::Buffer::F32(v)) => {
                    $crate::ops::kernels::zip_broadcast(
                        u,
                        a.shape(),
                        v,
                        b.shape(),
                        &out_shape,
                        |$x, $y| $body,
                    )
                }
                ($crate::storage::Buffer::F64(u), $crate::storage::Buffer::F64(v)) => {
                    $crate::ops::kernels::zip_broadcast(
                        u,
                        a.shape(),
                        v,
                        b.shape(),
                        &out_shape,
                        |$x, $y| $body,
                    )
                }
                ($crate::storage::Buffer::Bool(u), $crate::storage::Buffer::Bool(v)) => {
                    let u: Vec<f32> = u.iter().map(|&p| p as u8 as f32).collect();
                    let v: Vec<f32> = v.iter().map(|&p| p as u8 as f32).collect();
                    $crate::ops::kernels::zip_broadcast(
                        &u,
                        a.shape(),
                        &v,
                        b.shape(),
                        &out_shape,
                        |$x, $y| $body,
                    )
                }
                _ => unreachable!("{}: operands are promoted to one dtype first", $op),
            }
        };
        $crate::Tensor::from_buffer($crate::storage::Buffer::Bool(out.into_vec()), out_shape)
    }};
}
pub(crate) use zip_to_bool;

/// `value` in the element type of `_witness` (lets one macro body serve f32 and f64).
#[inline(always)]
pub(crate) fn like<T: Element>(_witness: T, value: f64) -> T {
    T::from_f64(value)
}
