//! argmax and argmin: the index of the first extremum (a NaN counting as the extremum, as in
//! PyTorch), over everything or along one dim. Indices only, so nothing is recorded.

use super::indexing::around_dim;
use super::select::arg_extremum;
use super::statistics::Columns;
use crate::shape::{wrap_dim, Dim};
use crate::storage::Buffer;
use crate::Tensor;

impl Tensor {
    /// The flat (row-major) index of the largest element: the first one on ties, a NaN
    /// counting as the largest (PyTorch's `argmax()`).
    ///
    /// # Panics
    /// On an empty or bool tensor.
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![[1., 7.], [7., 2.]].argmax(), 1);
    /// ```
    #[track_caller]
    pub fn argmax(&self) -> usize {
        self.arg_extremum_all("argmax", true)
    }

    /// The flat index of the smallest element: the first on ties, a NaN counting as the
    /// smallest (PyTorch's `argmin()`).
    ///
    /// # Panics
    /// On an empty or bool tensor.
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![3., -1., -1.].argmin(), 1);
    /// ```
    #[track_caller]
    pub fn argmin(&self) -> usize {
        self.arg_extremum_all("argmin", false)
    }

    /// The index along `dim` of the largest value of each slice, row-major over the result's
    /// shape, as [`Tensor::max_dim`] returns them (first maximum on ties, NaN wins). `keepdim`
    /// is PyTorch's: it keeps `dim` with size 1 in the result's shape, which does not change
    /// the order of the indices.
    ///
    /// # Panics
    /// On a dim out of range or of size 0, or a bool tensor.
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![[1., 5., 5.], [7., 2., 7.]].argmax_dim(1, false), vec![1, 0]);
    /// ```
    #[track_caller]
    pub fn argmax_dim(&self, dim: impl Dim, keepdim: bool) -> Vec<usize> {
        self.arg_extremum_dim("argmax", dim, keepdim, true)
    }

    /// The index along `dim` of the smallest value of each slice; see [`Tensor::argmax_dim`].
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![[1., 5., 0.], [7., 2., 0.]].argmin_dim(0, true), vec![0, 1, 0]);
    /// ```
    #[track_caller]
    pub fn argmin_dim(&self, dim: impl Dim, keepdim: bool) -> Vec<usize> {
        self.arg_extremum_dim("argmin", dim, keepdim, false)
    }

    #[track_caller]
    fn arg_extremum_all(&self, op: &str, is_max: bool) -> usize {
        if self.numel() == 0 {
            panic!(
                "{op}(): Expected reduction dim to be specified for input.numel() == 0. (shape {:?})",
                self.shape()
            );
        }
        self.arg_extremum_columns(op, (1, self.numel(), 1), is_max)[0]
    }

    #[track_caller]
    fn arg_extremum_dim(
        &self,
        op: &str,
        dim: impl Dim,
        _keepdim: bool,
        is_max: bool,
    ) -> Vec<usize> {
        let d = wrap_dim(op, dim, self.dim());
        let cols = around_dim(self.shape(), d);
        if cols.1 == 0 {
            panic!(
                "{op}(): Expected reduction dim {d} to have non-zero size. (shape {:?})",
                self.shape()
            );
        }
        self.arg_extremum_columns(op, cols, is_max)
    }

    /// The index of the first extremum of each column (NaN wins).
    /// PRECONDITION: columns are not empty.
    #[track_caller]
    fn arg_extremum_columns(&self, op: &str, cols: Columns, is_max: bool) -> Vec<usize> {
        match &*self.buffer() {
            Buffer::F32(v) => arg_extremum(v, cols, is_max, false).1,
            Buffer::F64(v) => arg_extremum(v, cols, is_max, false).1,
            Buffer::Bool(_) => panic!(
                "{op}(): does not support bool input (shape {:?})",
                self.shape()
            ),
        }
    }
}
