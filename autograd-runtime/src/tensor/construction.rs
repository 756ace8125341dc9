//! Creating tensors: constant fills, ranges, identity, random values and raw data.

use super::Tensor;
use crate::dtype::{DType, Element};
use crate::random::with_generator;
use crate::shape::numel;
use crate::storage::Buffer;

impl Tensor {
    /// A tensor of `shape` filled with zeros (F32).
    ///
    /// ```
    /// use autograd::Tensor;
    /// assert_eq!(Tensor::zeros(&[2, 3]).to_vec(), vec![0.0; 6]);
    /// ```
    pub fn zeros(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 0.0)
    }

    /// A tensor of `shape` filled with ones (F32).
    pub fn ones(shape: &[usize]) -> Tensor {
        Tensor::full(shape, 1.0)
    }

    /// A tensor of `shape` filled with `value` (F32).
    pub fn full(shape: &[usize], value: f64) -> Tensor {
        Tensor::full_dtype(shape, value, DType::F32)
    }

    /// A tensor of `shape` and `dtype` filled with `value`.
    pub fn full_dtype(shape: &[usize], value: f64, dtype: DType) -> Tensor {
        Tensor::from_buffer(Buffer::filled(dtype, numel(shape), value), shape)
    }

    /// Zeros with this tensor's shape and dtype.
    pub fn zeros_like(&self) -> Tensor {
        Tensor::full_dtype(self.shape(), 0.0, self.dtype())
    }

    /// Ones with this tensor's shape and dtype.
    pub fn ones_like(&self) -> Tensor {
        Tensor::full_dtype(self.shape(), 1.0, self.dtype())
    }

    /// `value` with this tensor's shape and dtype.
    pub fn full_like(&self, value: f64) -> Tensor {
        Tensor::full_dtype(self.shape(), value, self.dtype())
    }

    /// A 0-d tensor holding `value` (F32).
    ///
    /// ```
    /// use autograd::Tensor;
    /// assert_eq!(Tensor::scalar(2.5).shape(), &[] as &[usize]);
    /// ```
    pub fn scalar(value: f64) -> Tensor {
        Tensor::full(&[], value)
    }

    /// A tensor of `shape` from row-major `data`; the dtype follows `E` (`f32` or `f64`).
    ///
    /// # Panics
    /// When `data.len()` is not the product of `shape`.
    ///
    /// ```
    /// use autograd::{DType, Tensor};
    /// let t = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2]);
    /// assert_eq!(t.dtype(), DType::F64);
    /// ```
    #[track_caller]
    pub fn from_vec<E: Element>(data: Vec<E>, shape: &[usize]) -> Tensor {
        let expected = numel(shape);
        if data.len() != expected {
            panic!(
                "from_vec: data has {} elements but shape {shape:?} needs {expected}; pass a shape whose product is {}",
                data.len(),
                data.len()
            );
        }
        Tensor::from_buffer(Buffer::from_vec(data), shape)
    }

    /// `[0, 1, ..., end)` as a 1-d F32 tensor, like `torch.arange(end)`.
    pub fn arange(end: f64) -> Tensor {
        Tensor::arange_step(0.0, end, 1.0)
    }

    /// `[start, start + step, ...)` up to but excluding `end`, like `torch.arange(start, end, step)`.
    ///
    /// # Panics
    /// When `step` is zero or has the wrong sign for the range.
    ///
    /// ```
    /// use autograd::Tensor;
    /// assert_eq!(Tensor::arange_step(1.0, 2.0, 0.25).to_vec(), vec![1.0, 1.25, 1.5, 1.75]);
    /// ```
    pub fn arange_step(start: f64, end: f64, step: f64) -> Tensor {
        if step == 0.0 || (end - start) * step < 0.0 {
            panic!("arange: upper bound and larger bound inconsistent with step sign (start {start}, end {end}, step {step})");
        }
        let n = ((end - start) / step).ceil().max(0.0) as usize;
        let values = (0..n).map(|i| start + i as f64 * step);
        Tensor::from_buffer(Buffer::from_f64_iter(DType::F32, values), vec![n])
    }

    /// The `n x n` identity matrix (F32).
    pub fn eye(n: usize) -> Tensor {
        let values = (0..n * n).map(|i| if i / n == i % n { 1.0 } else { 0.0 });
        Tensor::from_buffer(Buffer::from_f64_iter(DType::F32, values), vec![n, n])
    }

    /// Uniform values in `[0, 1)` from the thread's generator (see [`crate::manual_seed`]).
    /// The same values as `torch.rand` after the same `torch.manual_seed`.
    ///
    /// ```
    /// use autograd::{manual_seed, Tensor};
    /// manual_seed(0);
    /// // torch.manual_seed(0); torch.rand(2)
    /// assert_eq!(format!("{}", Tensor::rand(&[2])), "tensor([0.4963, 0.7682])");
    /// ```
    pub fn rand(shape: &[usize]) -> Tensor {
        let values: Vec<f32> =
            with_generator(|g| (0..numel(shape)).map(|_| g.uniform_f32(0.0, 1.0)).collect());
        Tensor::from_vec(values, shape)
    }

    /// Standard normal values from the thread's generator (see [`crate::manual_seed`]): the
    /// same values as `torch.randn` after the same `torch.manual_seed`.
    pub fn randn(shape: &[usize]) -> Tensor {
        let values = with_generator(|g| g.standard_normal_f32(numel(shape)));
        Tensor::from_vec(values, shape)
    }
}
