//! `Display` and `Debug` in PyTorch's format (see `print_format`).

use super::Tensor;
use crate::dtype::DType;
use crate::print_format::{format_tensor, PrintKind};
use std::fmt;

impl Tensor {
    /// The suffixes PyTorch prints after the values: `grad_fn=<...>` or `requires_grad=True`.
    fn autograd_suffixes(&self) -> Vec<String> {
        if let Some(grad_fn) = self.grad_fn() {
            vec![format!("grad_fn=<{}>", grad_fn.name())]
        } else if self.requires_grad() {
            vec!["requires_grad=True".to_string()]
        } else {
            Vec::new()
        }
    }
}

impl fmt::Display for Tensor {
    /// ```
    /// use autograd::Tensor;
    /// let y = &Tensor::ones(&[2, 2]).requires_grad_(true) + 2.0;
    /// assert_eq!(y.to_string(), "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.dtype() {
            DType::F32 => PrintKind::Float32,
            DType::F64 => PrintKind::Float64,
            DType::Bool => PrintKind::Bool,
        };
        let text = format_tensor(
            &self.to_vec(),
            self.shape(),
            kind,
            &self.autograd_suffixes(),
        );
        f.write_str(&text)
    }
}

impl fmt::Debug for Tensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
