//! Statistics of a tensor: prod, var, std and cumsum, over everything or along one dim, as
//! PyTorch computes them (argmax/argmin are in `arg_extremum.rs`).
//!
//! Backward rules are PyTorch's (`prod_backward`, `var_backward`, `std_backward`,
//! `cumsum_backward` in `FunctionsManual.cpp`), written with tensor ops under `create_graph`
//! so that second derivatives flow.

use super::indexing::{around_dim, float_kernel, reduced_shape};
use crate::dtype::Float;
use crate::graph::{record_unary_output, record_unary_saving_output, SavedTensor};
use crate::shape::{wrap_dim, Dim};
use crate::storage::Buffer;
use crate::{DType, Tensor};

/// A tensor seen as `[outer, len, inner]` around the reduced dim.
pub(super) type Columns = (usize, usize, usize);

/// The product of each `[outer, len, inner]` column, multiplied in order in the element type
/// (as PyTorch's CPU reduction, 1 for an empty column).
fn product_along<T: Float>(v: &[T], (outer, len, inner): Columns) -> Vec<T> {
    let mut out = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            out.push((0..len).fold(T::one(), |acc, k| acc * v[(o * len + k) * inner + i]));
        }
    }
    out
}

/// For each element, the product of the other elements of its column: PyTorch's
/// `prod_safe_zeros_backward`, `cumprod([1, x_0, .., x_{n-2}]) * flip(cumprod([1, x_{n-1},
/// .., x_1]))`, each cumulative product accumulated in `f64` and rounded (as `cumprod`).
fn exclusive_products<T: Float>(v: &[T], (outer, len, inner): Columns) -> Vec<T> {
    let mut out = vec![T::one(); v.len()];
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| (o * len + k) * inner + i;
            let mut before = 1.0;
            for k in 0..len {
                out[at(k)] = T::from_f64(before);
                before *= v[at(k)].to_f64();
            }
            let mut after = 1.0;
            for k in (0..len).rev() {
                out[at(k)] = out[at(k)] * T::from_f64(after);
                after *= v[at(k)].to_f64();
            }
        }
    }
    out
}

/// The variance of each column with `correction` (sum of squared deviations over
/// `max(0, len - correction)`: NaN or inf when that is 0), in `f64`, square-rooted with
/// `take_sqrt`. With one column the mean is rounded to the element type first, as PyTorch's
/// `std_var_all_cpu` takes it from `self.mean()`.
fn variance_along<T: Float>(v: &[T], cols: Columns, correction: f64, take_sqrt: bool) -> Vec<T> {
    let (outer, len, inner) = cols;
    let single = outer * inner == 1;
    let divisor = (len as f64 - correction).max(0.0);
    let mut out = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let column = (0..len).map(|k| v[(o * len + k) * inner + i].to_f64());
            let sum: f64 = column.clone().sum();
            let mean = if single {
                (T::from_f64(sum) / T::from_f64(len as f64)).to_f64()
            } else {
                sum / len as f64
            };
            let m2: f64 = column.map(|x| (x - mean) * (x - mean)).sum();
            let var = m2 / divisor;
            out.push(T::from_f64(if take_sqrt { var.sqrt() } else { var }));
        }
    }
    out
}

/// Running sums along each column (`reverse`: from the end), accumulated in `f64` and rounded
/// per element, as PyTorch's CPU `cumsum`.
fn cumulative_sum<T: Float>(v: &[T], (outer, len, inner): Columns, reverse: bool) -> Vec<T> {
    let mut out = vec![T::zero(); v.len()];
    for o in 0..outer {
        for i in 0..inner {
            let mut acc = 0.0;
            for step in 0..len {
                let k = if reverse { len - 1 - step } else { step };
                let at = (o * len + k) * inner + i;
                acc += v[at].to_f64();
                out[at] = T::from_f64(acc);
            }
        }
    }
    out
}

impl Tensor {
    /// The product of all elements, a 0-d tensor (1 for an empty tensor). d/dx_i = the
    /// product of the other elements (`ProdBackward0`), right with zeros in the input: one
    /// zero sends the gradient only to itself, several give zeros everywhere.
    ///
    /// # Panics
    /// On a bool tensor (PyTorch returns an int64 tensor, a dtype this library lacks).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![2.0f64, 0.0, 4.0], &[3]).requires_grad_(true);
    /// let p = x.prod();
    /// assert_eq!(p.item(), 0.0);
    /// p.backward();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 8.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn prod(&self) -> Tensor {
        let cols = (1, self.numel(), 1);
        let buffer = float_kernel!("prod", self, |v| product_along(v, cols));
        let out = Tensor::from_buffer(buffer, Vec::<usize>::new());
        // PyTorch saves `self` and `result`.
        record_unary_saving_output("ProdBackward0", &[self], out, |result| {
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let x = input.get(ctx)?;
                let y = if ctx.create_graph() {
                    result.get_with_history(ctx)?
                } else {
                    result.get(ctx)?
                };
                Ok(smallvec::smallvec![Some(prod_backward_all(
                    g,
                    &x,
                    &y,
                    ctx.create_graph()
                ))])
            }
        })
    }

    /// The product along `dim`; `keepdim` keeps it with size 1. d/dx_i = the product of the
    /// other elements of its slice (`ProdBackward1`), zeros handled as in [`Tensor::prod`].
    ///
    /// # Panics
    /// On a dim out of range or a bool tensor.
    ///
    /// ```
    /// use autograd::tensor;
    /// let t = tensor![[1., 2.], [3., 4.]];
    /// assert_eq!(t.prod_dim(0, false).to_vec(), vec![3., 8.]);
    /// assert_eq!(t.prod_dim(-1, true).shape(), &[2, 1]);
    /// ```
    #[track_caller]
    pub fn prod_dim(&self, dim: impl Dim, keepdim: bool) -> Tensor {
        let d = wrap_dim("prod", dim, self.dim());
        let cols = around_dim(self.shape(), d);
        let buffer = float_kernel!("prod", self, |v| product_along(v, cols));
        let out = Tensor::from_buffer(buffer, reduced_shape(self.shape(), d, keepdim));
        record_unary_saving_output("ProdBackward1", &[self], out, |result| {
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let x = input.get(ctx)?;
                if x.dim() == 0 {
                    return Ok(smallvec::smallvec![Some(g.clone())]);
                }
                let y = if ctx.create_graph() {
                    result.get_with_history(ctx)?
                } else {
                    result.get(ctx)?
                };
                let (g, y) = if keepdim {
                    (g.clone(), y)
                } else {
                    (g.unsqueeze(d), y.unsqueeze(d))
                };
                let grad = if x.eq(0.0).any().item() == 0.0 {
                    g.mul(&y.div(&x))
                } else {
                    g.mul(&exclusive_products_of(&x, d, ctx.create_graph()))
                };
                Ok(smallvec::smallvec![Some(grad)])
            }
        })
    }

    /// The variance of all elements, a 0-d tensor: the sum of squared deviations from the
    /// mean over `numel - correction` (`correction` 1 is Bessel's, PyTorch's default; 0 gives
    /// the population variance). When `numel <= correction` the result is NaN (all equal) or
    /// inf, as PyTorch (which also warns). Node `VarBackward0`: d/dx_i = 2 (x_i - mean) /
    /// (numel - correction).
    ///
    /// # Panics
    /// On a bool tensor.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 6.0], &[4]).requires_grad_(true);
    /// assert_eq!(x.var(1).item(), 14.0 / 3.0);
    /// assert_eq!(x.var(0.0).item(), 3.5);
    /// x.var(1).backward();
    /// // d/dx_i = 2 (x_i - mean) / (n - 1), mean 3
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![-4.0 / 3.0, -2.0 / 3.0, 0.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn var(&self, correction: impl Into<f64>) -> Tensor {
        self.var_std("var", None, correction.into(), false, false)
    }

    /// The variance along `dim` with `correction` (see [`Tensor::var`]); `keepdim` keeps the
    /// dim with size 1 (`VarBackward0`).
    ///
    /// # Panics
    /// On a dim out of range or a bool tensor.
    ///
    /// ```
    /// use autograd::tensor;
    /// let t = tensor![[1., 3.], [2., 6.]];
    /// assert_eq!(t.var_dim(1, 1, false).to_vec(), vec![2., 8.]);
    /// assert_eq!(t.var_dim(0, 0, true).to_vec(), vec![0.25, 2.25]);
    /// ```
    #[track_caller]
    pub fn var_dim(&self, dim: impl Dim, correction: impl Into<f64>, keepdim: bool) -> Tensor {
        let d = wrap_dim("var", dim, self.dim());
        self.var_std("var", Some(d), correction.into(), keepdim, false)
    }

    /// The standard deviation of all elements, `sqrt(var(correction))`, a 0-d tensor
    /// (`StdBackward0`: d/dx = d var/dx / (2 std), 0 where the std is 0).
    ///
    /// # Panics
    /// On a bool tensor.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f64, 3.0], &[2]);
    /// assert_eq!(x.std(0).item(), 1.0);
    /// ```
    #[track_caller]
    pub fn std(&self, correction: impl Into<f64>) -> Tensor {
        self.var_std("std", None, correction.into(), false, true)
    }

    /// The standard deviation along `dim` with `correction`; `keepdim` keeps the dim with
    /// size 1 (`StdBackward0`).
    ///
    /// # Panics
    /// On a dim out of range or a bool tensor.
    ///
    /// ```
    /// use autograd::tensor;
    /// assert_eq!(tensor![[1., 3.], [2., 6.]].std_dim(0, 0, false).to_vec(), vec![0.5, 1.5]);
    /// ```
    #[track_caller]
    pub fn std_dim(&self, dim: impl Dim, correction: impl Into<f64>, keepdim: bool) -> Tensor {
        let d = wrap_dim("std", dim, self.dim());
        self.var_std("std", Some(d), correction.into(), keepdim, true)
    }

    /// var or std (`take_sqrt`) over everything (`dim` None) or along `dim`, recorded with
    /// PyTorch's backward: `VarBackward0` saves `self`, `StdBackward0` `self` and `result`.
    #[track_caller]
    fn var_std(
        &self,
        op: &'static str,
        dim: Option<usize>,
        correction: f64,
        keepdim: bool,
        take_sqrt: bool,
    ) -> Tensor {
        if self.dtype() == DType::Bool {
            panic!(
                "{op}: std and var only support floating point and complex dtypes (got torch.bool, shape {:?})",
                self.shape()
            );
        }
        let (cols, out_shape) = match dim {
            Some(d) => (
                around_dim(self.shape(), d),
                reduced_shape(self.shape(), d, keepdim),
            ),
            None => ((1, self.numel(), 1), vec![]),
        };
        let buffer = float_kernel!(op, self, |v| variance_along(v, cols, correction, take_sqrt));
        let out = Tensor::from_buffer(buffer, out_shape);
        let reduce = VarReduce {
            dim,
            correction,
            keepdim,
        };
        if !take_sqrt {
            return record_unary_output("VarBackward0", &[self], out, || {
                let input = SavedTensor::new(self);
                move |ctx, g| {
                    let x = input.get(ctx)?;
                    Ok(smallvec::smallvec![Some(reduce.var_backward(g, &x))])
                }
            });
        }
        record_unary_saving_output("StdBackward0", &[self], out, |result| {
            let input = SavedTensor::new(self);
            move |ctx, g| {
                let x = input.get(ctx)?;
                let std = if ctx.create_graph() {
                    result.get_with_history(ctx)?
                } else {
                    result.get(ctx)?
                };
                // PyTorch's std_backward: (grad / (2 result)).masked_fill_(result == 0, 0).
                let grad_var = g.div(&std.mul_number(2.0)).masked_fill(&std.eq(0.0), 0.0);
                Ok(smallvec::smallvec![Some(
                    reduce.var_backward(&grad_var, &x)
                )])
            }
        })
    }

    /// Running sums along `dim` (`CumsumBackward0`: the gradient is the reversed running sum
    /// of the incoming one). Accumulates in `f64`, as PyTorch's CPU kernel.
    ///
    /// # Panics
    /// On a dim out of range or a bool tensor (PyTorch returns int64 there).
    ///
    /// ```
    /// use autograd::Tensor;
    /// let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]).requires_grad_(true);
    /// let c = x.cumsum(0);
    /// assert_eq!(c.to_vec(), vec![1.0, 3.0, 6.0]);
    /// c.sum().backward();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![3.0, 2.0, 1.0]);
    /// ```
    #[track_caller]
    pub fn cumsum(&self, dim: impl Dim) -> Tensor {
        let d = wrap_dim("cumsum", dim, self.dim());
        let out = self.running_sum("cumsum", d, false);
        record_unary_output("CumsumBackward0", &[self], out, || {
            move |ctx, g| {
                // PyTorch's cumsum_backward: the gradient itself when there is nothing to sum.
                if g.numel() <= 1 || g.dim() == 0 || g.shape()[d] == 1 {
                    return Ok(smallvec::smallvec![Some(g.clone())]);
                }
                let grad = if ctx.create_graph() {
                    reversed_cumsum_recorded(g, d)
                } else {
                    g.running_sum("cumsum", d, true)
                };
                Ok(smallvec::smallvec![Some(grad)])
            }
        })
    }

    /// Running sums along dim `d` (from the end with `reverse`), not recorded.
    #[track_caller]
    fn running_sum(&self, op: &str, d: usize, reverse: bool) -> Tensor {
        let cols = around_dim(self.shape(), d);
        let buffer = float_kernel!(op, self, |v| cumulative_sum(v, cols, reverse));
        Tensor::from_buffer(buffer, self.shape())
    }
}

/// Where a var/std reduced, to rebuild its input's gradient.
#[derive(Clone, Copy)]
struct VarReduce {
    dim: Option<usize>,
    correction: f64,
    keepdim: bool,
}

impl VarReduce {
    /// PyTorch's `var_backward`: `2 / (n - correction) * g * (x - mean)`, the mean taken over
    /// what was reduced. Over everything with `n <= correction` it is `g * (x == mean ? NaN :
    /// inf)` instead; along a dim there is no such case (the factor is inf or negative).
    fn var_backward(&self, g: &Tensor, x: &Tensor) -> Tensor {
        match self.dim {
            Some(d) if x.dim() > 0 => {
                let g = if self.keepdim || x.dim() == 1 {
                    g.clone()
                } else {
                    g.unsqueeze(d)
                };
                let n = x.shape()[d] as f64;
                g.mul_number(2.0 / (n - self.correction))
                    .mul(&x.sub(&x.mean_dim(d, true)))
            }
            _ => {
                let dof = x.numel() as f64 - self.correction;
                let mean = x.mean();
                if dof <= 0.0 {
                    let dtype = g.dtype();
                    let nan = Tensor::full_dtype(&[], f64::NAN, dtype);
                    let inf = Tensor::full_dtype(&[], f64::INFINITY, dtype);
                    return g.mul(&Tensor::where_cond(&x.eq(&mean), &nan, &inf));
                }
                g.mul_number(2.0 / dof).mul(&x.sub(&mean))
            }
        }
    }
}

/// PyTorch's `prod_backward` over everything: `g` itself for a 0-d input; `g * result / x`
/// without zeros; zeros when several elements are 0 and no graph is being recorded (every
/// product of the others then holds a 0); otherwise `g` times the product of the others.
fn prod_backward_all(g: &Tensor, x: &Tensor, result: &Tensor, create_graph: bool) -> Tensor {
    if x.dim() == 0 {
        return g.clone();
    }
    let zeros = x.to_vec().iter().filter(|&&e| e == 0.0).count();
    if zeros == 0 {
        return g.mul(&result.div(x));
    }
    if zeros > 1 && !create_graph {
        return x.zeros_like();
    }
    // PyTorch: prod_safe_zeros_backward(grad, input.view(-1), 0).view_as(input).
    let flat = x.reshape(&[x.numel()]);
    g.mul(&exclusive_products_of(&flat, 0, create_graph))
        .reshape(x.shape())
}

/// For each element of `x`, the product of the other elements along dim `d`: computed
/// directly (PyTorch's cumprod formula), or with `create_graph` through differentiable ops
/// (each element replaced by 1 in its own copy of the slice, then `prod_dim`).
fn exclusive_products_of(x: &Tensor, d: usize, create_graph: bool) -> Tensor {
    let cols = around_dim(x.shape(), d);
    if !create_graph {
        let buffer = float_kernel!("prod", x, |v| exclusive_products(v, cols));
        return Tensor::from_buffer(buffer, x.shape());
    }
    let len = cols.1;
    // Copy i of the slice along a new dim d: shape [.., len (i), len (k), ..].
    let mut copies = x.shape().to_vec();
    copies.insert(d, len);
    // mask[i][k] = (i == k), broadcast over the dims before d and after it.
    let mut mask_shape = vec![len, len];
    mask_shape.resize(2 + x.dim() - d - 1, 1);
    let eye = (0..len * len).map(|p| p / len == p % len).collect();
    let mask = Tensor::from_buffer(Buffer::Bool(eye), mask_shape);
    (x.unsqueeze(d).expand(&copies))
        .masked_fill(&mask, 1.0)
        .prod_dim(d + 1, false)
}

/// `g` summed from the end along `d`, recorded for `create_graph` as PyTorch's
/// `flip(cumsum(flip(g)))`.
fn reversed_cumsum_recorded(g: &Tensor, d: usize) -> Tensor {
    g.flip(&[d]).cumsum(d).flip(&[d])
}
