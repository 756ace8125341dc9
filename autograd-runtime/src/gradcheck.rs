//! `gradcheck`: analytic gradients against central finite differences, as
//! `torch.autograd.gradcheck`.

use crate::autograd_fns::grad;
use crate::grad_mode::no_grad;
use crate::storage::Buffer;
use crate::Tensor;
use thiserror::Error;

/// PyTorch's default perturbation for central differences.
pub const GRADCHECK_EPS: f64 = 1e-6;
/// PyTorch's default absolute tolerance.
pub const GRADCHECK_ATOL: f64 = 1e-5;
/// PyTorch's default relative tolerance.
pub const GRADCHECK_RTOL: f64 = 1e-3;

/// Why a gradient check failed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum GradcheckError {
    /// The analytic and numerical Jacobians differ at one entry.
    #[error("Jacobian mismatch for output {output} with respect to input {input}, element {element}: numerical {numerical}, analytical {analytical} (tolerance atol {GRADCHECK_ATOL} + rtol {GRADCHECK_RTOL} * |numerical|)")]
    JacobianMismatch {
        /// Which input.
        input: usize,
        /// Which element of the input (row-major).
        element: usize,
        /// Which element of the output (row-major).
        output: usize,
        /// Central-difference estimate.
        numerical: f64,
        /// Value from backward.
        analytical: f64,
    },
    /// An input does not require grad, so there is nothing to check.
    #[error(
        "gradcheck: input {input} does not require grad; call requires_grad_(true) on every input"
    )]
    InputNotRequiringGrad {
        /// Which input.
        input: usize,
    },
    /// The backward itself failed.
    #[error("gradcheck: backward failed: {0}")]
    Backward(#[from] crate::AutogradError),
}

/// Checks the gradients of `f` at `inputs` against central differences
/// (`eps` 1e-6, `atol` 1e-5, `rtol` 1e-3, PyTorch's defaults). Use F64 inputs that require
/// grad; `f` may return a tensor of any shape (every output element is checked).
///
/// ```
/// use autograd::{gradcheck, Tensor};
/// let x = Tensor::from_vec(vec![0.3f64, -1.2, 2.0], &[3]).requires_grad_(true);
/// gradcheck(|v| (v[0].sin() * &v[0]).sum(), &[x]).unwrap();
/// ```
#[allow(clippy::needless_range_loop)] // e and o index three parallel tables
pub fn gradcheck(f: impl Fn(&[Tensor]) -> Tensor, inputs: &[Tensor]) -> Result<(), GradcheckError> {
    for (input, t) in inputs.iter().enumerate() {
        if !t.requires_grad() {
            return Err(GradcheckError::InputNotRequiringGrad { input });
        }
    }
    let output = f(inputs);
    let out_n = output.numel();
    let refs: Vec<&Tensor> = inputs.iter().collect();
    // analytic[input][out][element]
    let mut analytic: Vec<Vec<Vec<f64>>> = inputs
        .iter()
        .map(|t| vec![vec![0.0; t.numel()]; out_n])
        .collect();
    if output.requires_grad() {
        for o in 0..out_n {
            let mut onehot = vec![0.0; out_n];
            onehot[o] = 1.0;
            let seed = Tensor::from_vec(onehot, output.shape()).to_dtype(output.dtype());
            let grads = grad(&[&output], &refs)
                .grad_outputs(&[&seed])
                .retain_graph(true)
                .allow_unused(true)
                .run()?;
            for (i, g) in grads.into_iter().enumerate() {
                if let Some(g) = g {
                    analytic[i][o] = g.to_vec();
                }
            }
        }
    }
    for (i, input) in inputs.iter().enumerate() {
        for e in 0..input.numel() {
            let original = input.to_vec()[e];
            let plus = no_grad(|| {
                set_element(input, e, original + GRADCHECK_EPS);
                f(inputs).to_vec()
            });
            let minus = no_grad(|| {
                set_element(input, e, original - GRADCHECK_EPS);
                f(inputs).to_vec()
            });
            set_element(input, e, original);
            for o in 0..out_n {
                let numerical = (plus[o] - minus[o]) / (2.0 * GRADCHECK_EPS);
                let analytical = analytic[i][o][e];
                if (numerical - analytical).abs()
                    > GRADCHECK_ATOL + GRADCHECK_RTOL * numerical.abs()
                {
                    return Err(GradcheckError::JacobianMismatch {
                        input: i,
                        element: e,
                        output: o,
                        numerical,
                        analytical,
                    });
                }
            }
        }
    }
    Ok(())
}

/// Writes one element in place (outside any graph).
fn set_element(t: &Tensor, index: usize, value: f64) {
    let mut buffer = t.inner.storage.write();
    match &mut *buffer {
        Buffer::F32(v) => v[index] = value as f32,
        Buffer::F64(v) => v[index] = value,
        Buffer::Bool(v) => v[index] = value != 0.0,
    }
}
