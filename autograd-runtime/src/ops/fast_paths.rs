//! Unary ops through the vectorised kernels of `crate::kernels`: one pass over the buffer,
//! split across cores when large, into a pooled output.

use crate::buffer_pool::{collect, take_overwritable};
use crate::kernels::parallel::{par_map, par_zip, Cost};
use crate::storage::{Buffer, Elems};
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

/// A multiply's two input gradients `(g * b, g * a)` in one pass over `g`, when all three share
/// shape and dtype and nothing records (outside `create_graph`); else `None` (the caller falls
/// back to tensor ops).
pub(crate) fn mul_grads(g: &Tensor, a: &Tensor, b: &Tensor) -> Option<(Tensor, Tensor)> {
    let shape = g.shape();
    if crate::grad_mode::is_grad_enabled()
        || a.shape() != shape
        || b.shape() != shape
        || a.dtype() != g.dtype()
        || b.dtype() != g.dtype()
    {
        return None;
    }
    let (ga, gb) = {
        let (bg, ba, bb) = (g.buffer(), a.buffer(), b.buffer());
        match (&*bg, &*ba, &*bb) {
            (Buffer::F32(g), Buffer::F32(a), Buffer::F32(b)) => {
                let (ga, gb) = products(g, a, b);
                (Buffer::F32(ga), Buffer::F32(gb))
            }
            (Buffer::F64(g), Buffer::F64(a), Buffer::F64(b)) => {
                let (ga, gb) = products(g, a, b);
                (Buffer::F64(ga), Buffer::F64(gb))
            }
            _ => return None,
        }
    };
    Some((
        Tensor::from_buffer(ga, shape),
        Tensor::from_buffer(gb, shape),
    ))
}

/// `(g * b, g * a)` elementwise.
fn products<T>(g: &[T], a: &[T], b: &[T]) -> (Elems<T>, Elems<T>)
where
    T: crate::buffer_pool::Pooled + std::ops::Mul<Output = T>,
{
    let n = g.len();
    (
        collect(n, g.iter().zip(b).map(|(&g, &b)| g * b)),
        collect(n, g.iter().zip(a).map(|(&g, &a)| g * a)),
    )
}

#[cfg(test)]
mod tests {
    use super::mul_grads;
    use crate::Tensor;

    #[test]
    fn mul_grads_gives_both_products_or_declines() {
        let g = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]);
        let a = Tensor::from_vec(vec![4.0f64, 5.0, 6.0], &[3]);
        let b = Tensor::from_vec(vec![7.0f64, 8.0, 9.0], &[3]);
        let (ga, gb) = crate::no_grad(|| mul_grads(&g, &a, &b)).unwrap();
        assert_eq!(ga.to_vec(), vec![7.0, 16.0, 27.0]);
        assert_eq!(gb.to_vec(), vec![4.0, 10.0, 18.0]);
        // One tensor in two roles (y * y) reads the same elements twice.
        let (ga, gb) = crate::no_grad(|| mul_grads(&g, &a, &a)).unwrap();
        assert_eq!(ga.to_vec(), gb.to_vec());
        // Recording (create_graph), broadcasting and mixed dtypes take the tensor-op path.
        assert!(mul_grads(&g, &a, &b).is_none());
        let row = Tensor::from_vec(vec![1.0f64], &[1]);
        assert!(crate::no_grad(|| mul_grads(&g, &a, &row)).is_none());
        let single = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3]);
        assert!(crate::no_grad(|| mul_grads(&g, &a, &single)).is_none());
    }
}
