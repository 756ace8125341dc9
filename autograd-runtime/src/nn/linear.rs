//! The fully connected layer `y = x W^T + b`.

use super::Module;
use crate::random::with_generator;
use crate::{DType, Tensor};

/// A fully connected layer, as `torch.nn.Linear`: `y = x W^T + b` with `weight` of shape
/// `[out_features, in_features]` and `bias` of shape `[out_features]`.
///
/// The input has `in_features` in its last dim and any number of leading dims (none for a
/// single sample); the output has `out_features` in their place.
///
/// Initialisation is PyTorch's: `kaiming_uniform_(weight, a = sqrt(5))`, which is
/// `U(-1/sqrt(in_features), 1/sqrt(in_features))`, and the same bound for the bias, drawn from
/// the thread's generator (seed it with [`crate::manual_seed`]).
///
/// ```
/// use autograd::nn::{Linear, Module};
/// use autograd::{manual_seed, Tensor};
///
/// manual_seed(0);
/// let layer = Linear::new(3, 2);
/// assert_eq!(layer.weight().shape(), &[2, 3]);
/// let bound = 1.0 / 3f64.sqrt();
/// assert!(layer.weight().to_vec().iter().all(|w| w.abs() <= bound));
/// let y = layer.forward(&Tensor::ones(&[5, 3]));
/// assert_eq!(y.shape(), &[5, 2]);
/// ```
#[derive(Clone)]
pub struct Linear {
    weight: Tensor,
    bias: Option<Tensor>,
    training: bool,
}

/// A leaf of `shape` and `dtype` filled as `tensor.uniform_(-bound, bound)` from the thread's
/// generator.
fn uniform(shape: &[usize], bound: f64, dtype: DType) -> Tensor {
    let n = shape.iter().product();
    let values = with_generator(|g| g.uniform_buffer(dtype, n, -bound, bound));
    Tensor::from_buffer(values, shape.to_vec()).requires_grad_(true)
}

/// The bound `kaiming_uniform_(weight, a = sqrt(5))` draws the weight within, computed in the
/// same steps as PyTorch (`sqrt(3) * gain / sqrt(fan_in)`, `gain = sqrt(2 / (1 + a^2))`), so
/// that seeded weights equal PyTorch's to the bit; mathematically `1 / sqrt(fan_in)`.
fn kaiming_uniform_bound(fan_in: usize) -> f64 {
    let a = 5f64.sqrt();
    let gain = (2.0 / (1.0 + a * a)).sqrt();
    3f64.sqrt() * (gain / (fan_in as f64).sqrt())
}

impl Linear {
    /// A layer with bias and F32 parameters, initialised as PyTorch does.
    pub fn new(in_features: usize, out_features: usize) -> Linear {
        Linear::with_options(in_features, out_features, true, DType::F32)
    }

    /// A layer with or without bias and with parameters of `dtype` (`F32` or `F64`).
    ///
    /// # Panics
    /// When `dtype` is not a floating dtype.
    #[track_caller]
    pub fn with_options(
        in_features: usize,
        out_features: usize,
        bias: bool,
        dtype: DType,
    ) -> Linear {
        if !dtype.is_floating_point() {
            panic!("Linear: parameters need a floating dtype, got {dtype}");
        }
        // The weight first, then the bias within 1 / sqrt(fan_in), as torch.nn.Linear's
        // reset_parameters; an empty layer (fan_in 0) gets a zero bias, as in PyTorch.
        let weight = uniform(
            &[out_features, in_features],
            kaiming_uniform_bound(in_features),
            dtype,
        );
        let bias_bound = if in_features > 0 {
            1.0 / (in_features as f64).sqrt()
        } else {
            0.0
        };
        let bias = bias.then(|| uniform(&[out_features], bias_bound, dtype));
        Linear {
            weight,
            bias,
            training: true,
        }
    }

    /// A layer with the given parameters (made to require grad), e.g. loaded from a file.
    ///
    /// # Panics
    /// When `weight` is not 2-d, `bias` is not `[weight.shape()[0]]`, their dtypes differ or
    /// either is not a leaf.
    ///
    /// ```
    /// use autograd::nn::{Linear, Module};
    /// use autograd::tensor;
    ///
    /// let layer = Linear::from_tensors(tensor![[1., 2.], [3., 4.]], Some(tensor![10., 20.]));
    /// // [1, 1] W^T + b = [1 + 2 + 10, 3 + 4 + 20]
    /// assert_eq!(layer.forward(&tensor![1., 1.]).to_vec(), vec![13., 27.]);
    /// ```
    #[track_caller]
    pub fn from_tensors(weight: Tensor, bias: Option<Tensor>) -> Linear {
        if weight.dim() != 2 {
            panic!(
                "Linear::from_tensors: expected a 2-d weight [out_features, in_features], got shape {:?}",
                weight.shape()
            );
        }
        if let Some(b) = &bias {
            if b.shape() != [weight.shape()[0]] || b.dtype() != weight.dtype() {
                panic!(
                    "Linear::from_tensors: expected a bias of shape [{}] and dtype {} for a weight of shape {:?}, got shape {:?} and dtype {}",
                    weight.shape()[0],
                    weight.dtype(),
                    weight.shape(),
                    b.shape(),
                    b.dtype()
                );
            }
        }
        Linear {
            weight: weight.requires_grad_(true),
            bias: bias.map(|b| b.requires_grad_(true)),
            training: true,
        }
    }

    /// The weight, `[out_features, in_features]`.
    pub fn weight(&self) -> &Tensor {
        &self.weight
    }

    /// The bias, `[out_features]`, if the layer has one.
    pub fn bias(&self) -> Option<&Tensor> {
        self.bias.as_ref()
    }

    /// The size of each input sample.
    pub fn in_features(&self) -> usize {
        self.weight.shape()[1]
    }

    /// The size of each output sample.
    pub fn out_features(&self) -> usize {
        self.weight.shape()[0]
    }
}

impl Module for Linear {
    /// `x W^T + b` over the last dim of `x`, recording PyTorch's graph
    /// (`torch.nn.functional.linear`): with a bias, one `addmm` (`AddmmBackward0`), over `x`
    /// flattened to 2-d and viewed back (`UnsafeViewBackward0`) unless `x` is 2-d; without a
    /// bias, `x.matmul(W^T)`.
    ///
    /// # Panics
    /// When the last dim of `input` is not `in_features`.
    #[track_caller]
    fn forward(&self, input: &Tensor) -> Tensor {
        let (in_f, out_f) = (self.in_features(), self.out_features());
        if input.shape().last() != Some(&in_f) {
            panic!(
                "Linear: expected an input with in_features = {in_f} in its last dim, got shape {:?} (weight shape {:?})",
                input.shape(),
                self.weight.shape()
            );
        }
        let Some(bias) = &self.bias else {
            return input.matmul(&self.weight.t());
        };
        if input.dim() == 2 {
            return bias.addmm(input, &self.weight.t());
        }
        // PyTorch's `_flatten_nd_linear`: a (contiguous) input of any other rank is viewed as
        // [rows, in_features], and the product viewed back.
        let lead = &input.shape()[..input.dim() - 1];
        let rows: usize = lead.iter().product();
        let flat = input.reshape(&[rows, in_f]);
        let mut out_shape = lead.to_vec();
        out_shape.push(out_f);
        bias.addmm(&flat, &self.weight.t()).unsafe_view(&out_shape)
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        let mut params = vec![("weight".to_string(), self.weight.clone())];
        if let Some(b) = &self.bias {
            params.push(("bias".to_string(), b.clone()));
        }
        params
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
    }

    fn is_training(&self) -> bool {
        self.training
    }
}

impl std::fmt::Debug for Linear {
    /// PyTorch's repr: `Linear(in_features=3, out_features=2, bias=True)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Linear(in_features={}, out_features={}, bias={})",
            self.in_features(),
            self.out_features(),
            if self.bias.is_some() { "True" } else { "False" }
        )
    }
}
