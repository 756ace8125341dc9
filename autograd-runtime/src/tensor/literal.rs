//! The `tensor![...]` literal: nested arrays to a tensor.

use super::Tensor;

/// A nested array literal (`1.0`, `[1.0, 2.0]`, `[[1.0], [2.0]]`, ...) that knows its shape.
pub trait NestedArray {
    /// Appends the dims below this level to `shape`.
    fn shape_into(&self, shape: &mut Vec<usize>);
    /// Appends the elements in row-major order.
    fn flatten_into(&self, out: &mut Vec<f32>);
}

macro_rules! impl_nested_scalar {
    ($($t:ty),*) => {$(
        impl NestedArray for $t {
            fn shape_into(&self, _shape: &mut Vec<usize>) {}
            fn flatten_into(&self, out: &mut Vec<f32>) {
                out.push(*self as f32);
            }
        }
    )*};
}
impl_nested_scalar!(f32, f64, i32, i64);

impl<T: NestedArray, const N: usize> NestedArray for [T; N] {
    fn shape_into(&self, shape: &mut Vec<usize>) {
        shape.push(N);
        if let Some(first) = self.first() {
            first.shape_into(shape);
        }
    }
    fn flatten_into(&self, out: &mut Vec<f32>) {
        for item in self {
            item.flatten_into(out);
        }
    }
}

impl Tensor {
    /// A F32 tensor from a nested array; used by [`tensor!`](crate::tensor).
    pub fn from_nested(array: impl NestedArray) -> Tensor {
        let mut shape = Vec::new();
        array.shape_into(&mut shape);
        let mut data = Vec::new();
        array.flatten_into(&mut data);
        Tensor::from_vec(data, &shape)
    }
}

/// A F32 tensor literal, as `torch.tensor([[1., 2.], [3., 4.]])`.
///
/// ```
/// use autograd::tensor;
/// let t = tensor![[1., 2.], [3., 4.]];
/// assert_eq!(t.shape(), &[2, 2]);
/// assert_eq!(tensor![1., 2., 3.].to_vec(), vec![1., 2., 3.]);
/// assert_eq!(tensor!(5.).shape(), &[] as &[usize]);
/// assert_eq!(tensor!(-5.).shape(), &[] as &[usize]);
/// ```
/// Rows of different lengths do not compile (they are not one array type).
#[macro_export]
macro_rules! tensor {
    ($scalar:literal) => {
        $crate::Tensor::from_nested($scalar)
    };
    (- $scalar:literal) => {
        $crate::Tensor::from_nested(-$scalar)
    };
    ($($elems:tt)*) => {
        $crate::Tensor::from_nested([$($elems)*])
    };
}
