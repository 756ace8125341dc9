//! Element types and the runtime dtype tag.

use std::fmt;

/// The runtime type tag of a tensor's elements, as PyTorch's `torch.dtype`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    /// 32-bit float, PyTorch's default dtype.
    F32,
    /// 64-bit float (`torch.float64`, `torch.double`).
    F64,
    /// Booleans, produced by comparisons; never differentiable.
    Bool,
}

impl DType {
    /// Whether tensors of this dtype can require grad.
    pub fn is_floating_point(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// The dtype two floating operands promote to (`F64` wins), as PyTorch's type promotion.
    pub(crate) fn promote(self, other: DType) -> DType {
        if self == DType::F64 || other == DType::F64 {
            DType::F64
        } else {
            DType::F32
        }
    }

    /// PyTorch's legacy tensor type name for a CPU tensor of this dtype (`x.type()`), as its
    /// error messages print it: `torch.FloatTensor`, `torch.DoubleTensor`, `torch.BoolTensor`.
    ///
    /// ```
    /// assert_eq!(autograd::DType::F32.tensor_type_name(), "torch.FloatTensor");
    /// ```
    pub fn tensor_type_name(self) -> &'static str {
        match self {
            DType::F32 => "torch.FloatTensor",
            DType::F64 => "torch.DoubleTensor",
            DType::Bool => "torch.BoolTensor",
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            DType::F32 => "torch.float32",
            DType::F64 => "torch.float64",
            DType::Bool => "torch.bool",
        };
        f.write_str(name)
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating element type a tensor can hold: `f32` or `f64`.
///
/// `Tensor::from_vec` takes the tensor's dtype from `E`, and `tensor op scalar` converts the
/// scalar to the tensor's dtype through this trait.
pub trait Element: sealed::Sealed + Copy + Send + Sync + fmt::Debug + 'static {
    /// The dtype tag of this element type.
    const DTYPE: DType;
    /// Widens (or copies) the value to `f64`.
    fn to_f64(self) -> f64;
    /// Converts from `f64`, rounding to nearest for `f32`.
    fn from_f64(value: f64) -> Self;
}

impl Element for f32 {
    const DTYPE: DType = DType::F32;
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn from_f64(value: f64) -> Self {
        value as f32
    }
}

impl Element for f64 {
    const DTYPE: DType = DType::F64;
    fn to_f64(self) -> f64 {
        self
    }
    fn from_f64(value: f64) -> Self {
        value
    }
}

/// An [`Element`] with the full float toolbox; kernels are generic over it.
pub trait Float: Element + num_traits::Float + std::iter::Sum + fmt::Display {}
impl Float for f32 {}
impl Float for f64 {}
