//! Arithmetic between a tensor and a plain number; the number takes the tensor's dtype.

use super::kernels::{like, map_float};
use crate::dtype::Element;
use crate::graph::{
    note_saved_value, record_scalar_output, record_unary_output, record_unary_saving_output,
    SavedTensor,
};
use crate::Tensor;

impl Tensor {
    /// `self + s`. d/dx = 1.
    #[track_caller]
    pub fn add_scalar<S: Element>(&self, s: S) -> Tensor {
        let s = s.to_f64();
        let out = map_float!("add", self, |x| x + like(x, s));
        record_scalar_output("AddBackward0", self, out, || |_, g| Ok(g.clone()))
    }

    /// `self - s`. d/dx = 1.
    #[track_caller]
    pub fn sub_scalar<S: Element>(&self, s: S) -> Tensor {
        let s = s.to_f64();
        let out = map_float!("sub", self, |x| x - like(x, s));
        record_scalar_output("SubBackward0", self, out, || |_, g| Ok(g.clone()))
    }

    /// `s - self`. d/dx = -1.
    #[track_caller]
    pub fn rsub_scalar<S: Element>(&self, s: S) -> Tensor {
        let s = s.to_f64();
        let out = map_float!("rsub", self, |x| like(x, s) - x);
        record_unary_output("RsubBackward1", &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.neg())])
        })
    }

    /// `self * s`. d/dx = s.
    #[track_caller]
    pub fn mul_scalar<S: Element>(&self, s: S) -> Tensor {
        let s = s.to_f64();
        let out = map_float!("mul", self, |x| x * like(x, s));
        record_scalar_output("MulBackward0", self, out, || {
            // PyTorch saves the number (as a tensor) for the backward.
            note_saved_value();
            move |_, g| Ok(g.mul_scalar(s))
        })
    }

    /// `self / s`. d/dx = 1/s.
    #[track_caller]
    pub fn div_scalar<S: Element>(&self, s: S) -> Tensor {
        let s = s.to_f64();
        let out = map_float!("div", self, |x| x / like(x, s));
        record_scalar_output("DivBackward0", self, out, || {
            note_saved_value();
            move |_, g| Ok(g.div_scalar(s))
        })
    }

    /// `self + s` as ATen's `add(Tensor, Scalar)` overload, the one PyTorch's own backward
    /// formulas use: node `AddBackward1` with one edge (Python's `x + 2.0` wraps the number
    /// in a tensor instead: [`Tensor::add_scalar`]). d/dx = 1.
    #[track_caller]
    pub(crate) fn add_number(&self, s: f64) -> Tensor {
        let out = map_float!("add", self, |x| x + like(x, s));
        record_unary_output("AddBackward1", &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.clone())])
        })
    }

    /// `self * s` as ATen's `mul(Tensor, Scalar)` overload (node `MulBackward1`, one edge),
    /// as in PyTorch's backward formulas (`2 * result`). d/dx = s.
    #[track_caller]
    pub(crate) fn mul_number(&self, s: f64) -> Tensor {
        let out = map_float!("mul", self, |x| x * like(x, s));
        record_unary_output("MulBackward1", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.mul_number(s))])
        })
    }

    /// `self / s` as ATen's `div(Tensor, Scalar)` overload (node `DivBackward1`, one edge),
    /// as in PyTorch's backward formulas (`grad / numel`). d/dx = 1/s.
    #[track_caller]
    pub(crate) fn div_number(&self, s: f64) -> Tensor {
        let out = map_float!("div", self, |x| x / like(x, s));
        record_unary_output("DivBackward1", &[self], out, || {
            move |_, g| Ok(smallvec::smallvec![Some(g.div_number(s))])
        })
    }

    /// `1 / self`. d/dx = -1/x^2 = -y^2.
    #[track_caller]
    pub fn reciprocal(&self) -> Tensor {
        let out = map_float!("reciprocal", self, |x| x.recip());
        record_unary_saving_output("ReciprocalBackward0", &[self], out, |y| {
            let x = SavedTensor::new(self);
            move |ctx, g| {
                let y = if ctx.create_graph() {
                    x.get(ctx)?.reciprocal()
                } else {
                    y.get(ctx)?
                };
                Ok(smallvec::smallvec![Some(g.neg().mul(&y.mul(&y)))])
            }
        })
    }

    /// `s / self`, as PyTorch computes it: `self.reciprocal() * s`.
    #[track_caller]
    pub fn rdiv_scalar<S: Element>(&self, s: S) -> Tensor {
        self.reciprocal().mul_scalar(s)
    }
}
