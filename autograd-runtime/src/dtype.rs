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

    /// The dtype two dtypes promote to by dtype alone, PyTorch's `torch.promote_types`:
    /// `Bool < F32 < F64`, the wider one wins. Operands of different ranks promote by
    /// [`DType::result_type`] instead.
    pub(crate) fn promote(self, other: DType) -> DType {
        if self.promotion_rank() >= other.promotion_rank() {
            self
        } else {
            other
        }
    }

    /// The dtype's place in the promotion lattice (each of our dtypes is a different width).
    fn promotion_rank(self) -> u8 {
        match self {
            DType::Bool => 0,
            DType::F32 => 1,
            DType::F64 => 2,
        }
    }

    /// The dtype an op on two tensors computes in, PyTorch's `torch.result_type`; each operand
    /// is given as `(dtype, rank)`.
    ///
    /// Operands fall into priority classes, tensors with dims above 0-d tensors. Each class
    /// promotes its own dtypes ([`DType::promote`]); the higher class's dtype wins unless the
    /// lower class is of a higher category (bool < floating): a 0-d float64 leaves a float32
    /// `[3]` float32, but turns a bool `[3]` into float64.
    ///
    /// ```text
    /// F32 [3] with F64 []  -> F32     F32 [] with F64 []  -> F64
    /// F32 [3] with F64 [1] -> F64     Bool [3] with F64 [] -> F64
    /// ```
    pub(crate) fn result_type(a: (DType, usize), b: (DType, usize)) -> DType {
        let class = |zero_dim: bool| {
            [a, b]
                .into_iter()
                .filter(|&(_, rank)| (rank == 0) == zero_dim)
                .map(|(dtype, _)| dtype)
                .reduce(DType::promote)
        };
        match (class(false), class(true)) {
            (Some(dims), Some(zero_dim)) => dims.combine_category(zero_dim),
            (Some(dtype), None) | (None, Some(dtype)) => dtype,
            (None, None) => unreachable!("result_type: two operands fall in some class"),
        }
    }

    /// ATen's `combine_categories`: the dtype of a higher priority class (`self`) stays unless
    /// it is bool and the lower class (`lower`) is not, which then promotes it.
    fn combine_category(self, lower: DType) -> DType {
        if self.is_floating_point() {
            self
        } else {
            self.promote(lower)
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
