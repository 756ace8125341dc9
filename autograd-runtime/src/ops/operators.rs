//! `+ - * /` and unary `-` for every mix of `Tensor`, `&Tensor` and plain numbers.
//!
//! `tensor op scalar` is one generic impl per receiver (`S: Element`), so `&x + 2.0` infers
//! without annotations; `scalar op tensor` has impls for `f32` and `f64`.

use crate::dtype::Element;
use crate::Tensor;
use std::ops::{Add, Div, Mul, Neg, Sub};

macro_rules! tensor_tensor_ops {
    ($($trait:ident $method:ident),*) => {$(
        impl $trait<&Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(self, rhs)
            }
        }
        impl $trait<Tensor> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(self, &rhs)
            }
        }
        impl $trait<&Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: &Tensor) -> Tensor {
                Tensor::$method(&self, rhs)
            }
        }
        impl $trait<Tensor> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: Tensor) -> Tensor {
                Tensor::$method(&self, &rhs)
            }
        }
    )*};
}
tensor_tensor_ops!(Add add, Sub sub, Mul mul, Div div);

macro_rules! tensor_scalar_ops {
    ($($trait:ident $method:ident $scalar_method:ident),*) => {$(
        impl<S: Element> $trait<S> for &Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: S) -> Tensor {
                self.$scalar_method(rhs)
            }
        }
        impl<S: Element> $trait<S> for Tensor {
            type Output = Tensor;
            #[track_caller]
            fn $method(self, rhs: S) -> Tensor {
                self.$scalar_method(rhs)
            }
        }
    )*};
}
tensor_scalar_ops!(Add add add_scalar, Sub sub sub_scalar, Mul mul mul_scalar, Div div div_scalar);

macro_rules! scalar_tensor_ops {
    ($($scalar:ty),*) => {$(
        impl Add<&Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn add(self, rhs: &Tensor) -> Tensor {
                rhs.add_scalar(self)
            }
        }
        impl Add<Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn add(self, rhs: Tensor) -> Tensor {
                rhs.add_scalar(self)
            }
        }
        impl Sub<&Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn sub(self, rhs: &Tensor) -> Tensor {
                rhs.rsub_scalar(self)
            }
        }
        impl Sub<Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn sub(self, rhs: Tensor) -> Tensor {
                rhs.rsub_scalar(self)
            }
        }
        impl Mul<&Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn mul(self, rhs: &Tensor) -> Tensor {
                rhs.mul_scalar(self)
            }
        }
        impl Mul<Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn mul(self, rhs: Tensor) -> Tensor {
                rhs.mul_scalar(self)
            }
        }
        impl Div<&Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn div(self, rhs: &Tensor) -> Tensor {
                rhs.rdiv_scalar(self)
            }
        }
        impl Div<Tensor> for $scalar {
            type Output = Tensor;
            #[track_caller]
            fn div(self, rhs: Tensor) -> Tensor {
                rhs.rdiv_scalar(self)
            }
        }
    )*};
}
scalar_tensor_ops!(f64);

impl Neg for &Tensor {
    type Output = Tensor;
    #[track_caller]
    fn neg(self) -> Tensor {
        Tensor::neg(self)
    }
}

impl Neg for Tensor {
    type Output = Tensor;
    #[track_caller]
    fn neg(self) -> Tensor {
        Tensor::neg(&self)
    }
}
