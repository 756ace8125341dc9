//! Unary ops through the vectorised kernels of `crate::kernels`: one pass over the buffer,
//! split across cores when large, into a pooled output.

use crate::buffer_pool::take_overwritable;
use crate::kernels::parallel::{par_map, par_zip, Cost};
use crate::storage::Buffer;
use crate::Tensor;

/// A slice kernel for each float type: `(input, output)`.
pub(crate) type Kernels = (fn(&[f32], &mut [f32]), fn(&[f64], &mut [f64]));

/// A zip kernel for each float type: `(grad, saved, output)`.
pub(crate) type ZipKernels = (
    fn(&[f32], &[f32], &mut [f32]),
    fn(&[f64], &[f64], &mut [f64]),
);

/// An output buffer of `n` elements for a kernel that writes every one, recycled when possible.
fn output<T: crate::buffer_pool::Pooled>(n: usize) -> crate::storage::Elems<T> {
    take_overwritable(n)
}

/// `kernels` applied to every element of a float tensor.
/// # Panics
/// On a bool tensor, naming `op`.
#[track_caller]
pub(crate) fn map_fast(op: &str, t: &Tensor, kernels: Kernels) -> Tensor {
    let buffer = {
        let b = t.buffer();
        match &*b {
            Buffer::F32(v) => {
                let mut out = output(v.len());
                par_map(Cost::Transcendental, v, &mut out, kernels.0);
                Buffer::F32(out)
            }
            Buffer::F64(v) => {
                let mut out = output(v.len());
                par_map(Cost::Transcendental, v, &mut out, kernels.1);
                Buffer::F64(out)
            }
            Buffer::Bool(_) => panic!(
                "{op}: expected a floating point tensor but got dtype torch.bool (shape {:?})",
                t.shape()
            ),
        }
    };
    Tensor::from_buffer(buffer, t.shape())
}

/// `kernels(g, v)` elementwise when both have one shape and dtype, else `None` (the caller
/// falls back to tensor ops).
pub(crate) fn zip_fast(g: &Tensor, v: &Tensor, cost: Cost, kernels: ZipKernels) -> Option<Tensor> {
    if g.shape() != v.shape() || g.dtype() != v.dtype() {
        return None;
    }
    let buffer = {
        let (bg, bv) = (g.buffer(), v.buffer());
        match (&*bg, &*bv) {
            (Buffer::F32(a), Buffer::F32(b)) => {
                let mut out = output(a.len());
                par_zip(cost, a, b, &mut out, kernels.0);
                Buffer::F32(out)
            }
            (Buffer::F64(a), Buffer::F64(b)) => {
                let mut out = output(a.len());
                par_zip(cost, a, b, &mut out, kernels.1);
                Buffer::F64(out)
            }
            _ => return None,
        }
    };
    Some(Tensor::from_buffer(buffer, g.shape()))
}
