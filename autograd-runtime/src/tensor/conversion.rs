//! Conversions: between dtypes, deep copies, and to/from nalgebra matrices and vectors.

use super::Tensor;
use crate::dtype::{DType, Element};
use crate::graph::record_unary_output;
use crate::storage::Buffer;
use nalgebra::{DMatrix, DVector, SMatrix, Scalar};

impl Tensor {
    /// This tensor in `dtype` (the same tensor when it already is; `ToCopyBackward0` otherwise).
    /// Gradients flow back converted to the source dtype.
    ///
    /// ```
    /// use autograd::{DType, Tensor};
    /// assert_eq!(Tensor::ones(&[2]).to_dtype(DType::F64).dtype(), DType::F64);
    /// ```
    #[track_caller]
    pub fn to_dtype(&self, dtype: DType) -> Tensor {
        if self.dtype() == dtype {
            return self.clone();
        }
        let buffer = self.buffer().to_dtype(dtype);
        let out = Tensor::from_buffer(buffer, self.shape());
        if !dtype.is_floating_point() {
            return out;
        }
        let source = self.dtype();
        record_unary_output("ToCopyBackward0", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.to_dtype(source))])
        })
    }

    /// This tensor as F64 (`tensor.double()`).
    #[track_caller]
    pub fn double(&self) -> Tensor {
        self.to_dtype(DType::F64)
    }

    /// This tensor as F32 (`tensor.float()`).
    #[track_caller]
    pub fn float(&self) -> Tensor {
        self.to_dtype(DType::F32)
    }

    /// A leaf with a copy of the elements (not sharing storage), like `tensor.detach().clone()`.
    pub fn deep_clone(&self) -> Tensor {
        Tensor::from_buffer(self.buffer().pooled_clone(), self.shape())
    }

    /// `self += other` when this handle alone owns its elements (no other handle, view, weak
    /// reference or saved copy): added without locking, as nobody can observe it. Returns
    /// false, changing nothing, when the handle is shared or has a history.
    /// PRECONDITION: same shape and dtype.
    pub(crate) fn add_assign_owned(&mut self, other: &Tensor) -> bool {
        let Some(inner) = super::TensorHandle::get_mut(&mut self.inner) else {
            return false;
        };
        if inner.grad_fn.is_some() || *inner.has_rebase.get_mut() {
            return false;
        }
        let Some(storage) = triomphe::Arc::get_mut(&mut inner.storage) else {
            return false;
        };
        let source = other.buffer();
        add_into(storage.buffer_mut(), &source);
        true
    }

    /// `self += other` on the raw elements, outside any graph; bumps the version.
    /// PRECONDITION: same shape and dtype.
    pub(crate) fn add_assign_raw(&self, other: &Tensor) {
        debug_assert_eq!(self.shape(), other.shape());
        if triomphe::Arc::ptr_eq(&self.inner.storage, &other.inner.storage) {
            let doubled = self.buffer().clone();
            return self.add_assign_raw(&Tensor::from_buffer(doubled, self.shape()));
        }
        let source = other.buffer();
        let mut target = self.inner.storage.write();
        add_into(&mut target, &source);
    }
}

/// `target += source` elementwise.
/// PRECONDITION: same length and float dtype.
fn add_into(target: &mut Buffer, source: &Buffer) {
    match (target, source) {
        (Buffer::F32(t), Buffer::F32(s)) => t.iter_mut().zip(s).for_each(|(t, s)| *t += s),
        (Buffer::F64(t), Buffer::F64(s)) => t.iter_mut().zip(s).for_each(|(t, s)| *t += s),
        (t, s) => panic!(
            "add_assign_raw: dtypes differ ({} and {})",
            t.dtype(),
            s.dtype()
        ),
    }
}

fn column_major_to_row_major<E: Element + Scalar>(
    nrows: usize,
    ncols: usize,
    col_major: &[E],
) -> Vec<E> {
    let mut out = Vec::with_capacity(nrows * ncols);
    for r in 0..nrows {
        for c in 0..ncols {
            out.push(col_major[c * nrows + r]);
        }
    }
    out
}

impl<E: Element + Scalar> From<&DMatrix<E>> for Tensor {
    /// A 2-d tensor with the matrix's shape and element type.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let m = nalgebra::DMatrix::from_row_slice(2, 2, &[1.0f64, 2.0, 3.0, 4.0]);
    /// assert_eq!(Tensor::from(&m).to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    /// ```
    fn from(m: &DMatrix<E>) -> Tensor {
        Tensor::from_vec(
            column_major_to_row_major(m.nrows(), m.ncols(), m.as_slice()),
            &[m.nrows(), m.ncols()],
        )
    }
}

impl<E: Element + Scalar> From<DMatrix<E>> for Tensor {
    fn from(m: DMatrix<E>) -> Tensor {
        Tensor::from(&m)
    }
}

impl<E: Element + Scalar> From<&DVector<E>> for Tensor {
    /// A 1-d tensor with the vector's elements.
    ///
    /// ```
    /// use autograd::{DType, Tensor};
    /// let t = Tensor::from(nalgebra::DVector::from_vec(vec![1.0f32, 2.0, 3.0]));
    /// assert_eq!((t.shape(), t.dtype()), (&[3][..], DType::F32));
    /// ```
    fn from(v: &DVector<E>) -> Tensor {
        Tensor::from_vec(v.as_slice().to_vec(), &[v.len()])
    }
}

impl<E: Element + Scalar> From<DVector<E>> for Tensor {
    fn from(v: DVector<E>) -> Tensor {
        Tensor::from(&v)
    }
}

impl<E: Element + Scalar, const R: usize, const C: usize> From<&SMatrix<E, R, C>> for Tensor {
    /// A `[R, C]` tensor. An `SVector<E, R>` is nalgebra's `SMatrix<E, R, 1>`, so it becomes
    /// a `[R, 1]` column (unlike `DVector`, a distinct type, which becomes 1-d); `reshape(&[R])`
    /// or `squeeze(1)` makes it 1-d.
    ///
    /// ```
    /// use autograd::Tensor;
    /// use nalgebra::{Matrix2x3, Vector3};
    /// let m = Tensor::from(Matrix2x3::new(1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0));
    /// assert_eq!(m.shape(), &[2, 3]);
    /// assert_eq!(m.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    /// let v = Tensor::from(Vector3::new(1.0f32, 2.0, 3.0));
    /// assert_eq!(v.shape(), &[3, 1]);
    /// assert_eq!(m.matmul(&v.double()).to_vec(), vec![14.0, 32.0]);
    /// ```
    fn from(m: &SMatrix<E, R, C>) -> Tensor {
        Tensor::from_vec(column_major_to_row_major(R, C, m.as_slice()), &[R, C])
    }
}

impl<E: Element + Scalar, const R: usize, const C: usize> From<SMatrix<E, R, C>> for Tensor {
    fn from(m: SMatrix<E, R, C>) -> Tensor {
        Tensor::from(&m)
    }
}

/// The elements of `t` as `E`, converting the dtype if needed.
fn elements_as<E: Element>(t: &Tensor) -> Vec<E> {
    t.to_vec().into_iter().map(E::from_f64).collect()
}

impl<E: Element + Scalar> From<&Tensor> for DMatrix<E> {
    /// A matrix from a 2-d tensor (a 1-d tensor becomes a column; a 0-d one a 1x1 matrix),
    /// converting the elements to `E`.
    ///
    /// # Panics
    /// On tensors of more than 2 dims.
    ///
    /// ```
    /// use autograd::tensor;
    /// use nalgebra::DMatrix;
    /// let m: DMatrix<f64> = (&tensor![[1., 2., 3.], [4., 5., 6.]]).into();
    /// assert_eq!((m.nrows(), m.ncols(), m[(1, 0)]), (2, 3, 4.0));
    /// ```
    fn from(t: &Tensor) -> DMatrix<E> {
        let (r, c) = match t.shape() {
            [] => (1, 1),
            [n] => (*n, 1),
            [r, c] => (*r, *c),
            s => panic!("DMatrix::from: expected a tensor of at most 2 dims, got shape {s:?}"),
        };
        DMatrix::from_row_slice(r, c, &elements_as::<E>(t))
    }
}

impl<E: Element + Scalar> From<Tensor> for DMatrix<E> {
    fn from(t: Tensor) -> DMatrix<E> {
        DMatrix::from(&t)
    }
}

impl<E: Element + Scalar> From<&Tensor> for DVector<E> {
    /// A vector of all elements in row-major order, converted to `E`.
    ///
    /// ```
    /// use autograd::tensor;
    /// use nalgebra::DVector;
    /// let v: DVector<f32> = tensor![[1., 2.], [3., 4.]].into();
    /// assert_eq!(v.as_slice(), &[1.0, 2.0, 3.0, 4.0]);
    /// ```
    fn from(t: &Tensor) -> DVector<E> {
        DVector::from_vec(elements_as::<E>(t))
    }
}

impl<E: Element + Scalar> From<Tensor> for DVector<E> {
    fn from(t: Tensor) -> DVector<E> {
        DVector::from(&t)
    }
}

impl<E: Element + Scalar, const R: usize, const C: usize> TryFrom<&Tensor> for SMatrix<E, R, C> {
    type Error = String;
    /// A fixed-size matrix (or `SVector`) from a tensor of any shape with `R * C` elements,
    /// read in row-major order and converted to `E`; an error naming the sizes otherwise.
    ///
    /// ```
    /// use autograd::tensor;
    /// use nalgebra::{Matrix2, Vector3};
    /// let m = Matrix2::<f64>::try_from(&tensor![[1., 2.], [3., 4.]]).unwrap();
    /// assert_eq!(m, Matrix2::new(1.0, 2.0, 3.0, 4.0));
    /// let v = Vector3::<f32>::try_from(&tensor![1., 2., 3.]).unwrap();
    /// assert_eq!(v, Vector3::new(1.0, 2.0, 3.0));
    /// assert!(Vector3::<f32>::try_from(&tensor![1., 2.]).is_err());
    /// ```
    fn try_from(t: &Tensor) -> Result<SMatrix<E, R, C>, String> {
        if t.numel() != R * C {
            return Err(format!(
                "SMatrix::try_from: expected {} elements ({R}x{C}), got shape {:?}",
                R * C,
                t.shape()
            ));
        }
        Ok(SMatrix::from_row_slice(&elements_as::<E>(t)))
    }
}

impl<E: Element + Scalar, const R: usize, const C: usize> TryFrom<Tensor> for SMatrix<E, R, C> {
    type Error = String;
    fn try_from(t: Tensor) -> Result<SMatrix<E, R, C>, String> {
        SMatrix::try_from(&t)
    }
}

impl From<&Tensor> for Vec<f64> {
    fn from(t: &Tensor) -> Vec<f64> {
        t.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dmatrix_round_trip_keeps_row_major_order() {
        let m = DMatrix::from_row_slice(2, 3, &[1.0f32, 2., 3., 4., 5., 6.]);
        let t = Tensor::from(&m);
        assert_eq!(t.shape(), &[2, 3]);
        assert_eq!(t.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
        assert_eq!(DMatrix::<f32>::from(&t), m);
    }

    #[test]
    fn smatrix_try_from_checks_the_element_count() {
        let t = Tensor::ones(&[2, 2]);
        assert!(SMatrix::<f64, 2, 2>::try_from(&t).is_ok());
        assert!(SMatrix::<f64, 3, 2>::try_from(&t)
            .unwrap_err()
            .contains("expected 6 elements"));
    }
}
