//! `autograd::backward` and `autograd::grad`: builders over the engine.

use crate::engine::{execute, Request, Roots};
use crate::error::AutogradError;
use crate::graph::{gradient_edge, Edge};
use crate::tensor::Tensor;
use smallvec::SmallVec;

/// Builder for a backward pass from several outputs, as `torch.autograd.backward`.
///
/// ```
/// use autograd::Tensor;
/// let x = Tensor::ones(&[2]).requires_grad_(true);
/// let y = (&x * 3.0).sum();
/// autograd::backward(&[&y]).retain_graph(true).run().unwrap();
/// autograd::backward(&[&y]).run().unwrap();
/// assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 6.0]);
/// ```
#[must_use = "call .run() to compute the gradients"]
pub struct Backward {
    outputs: SmallVec<[Tensor; 2]>,
    grad_tensors: Option<Vec<Tensor>>,
    retain_graph: Option<bool>,
    create_graph: bool,
}

/// Starts a backward pass from `outputs` (see [`Backward`]).
pub fn backward(outputs: &[&Tensor]) -> Backward {
    Backward {
        outputs: outputs.iter().map(|t| (*t).clone()).collect(),
        grad_tensors: None,
        retain_graph: None,
        create_graph: false,
    }
}

impl Backward {
    /// The gradient of each output (the "vector" of the vector-Jacobian product).
    pub fn grad_tensors(mut self, grads: &[&Tensor]) -> Backward {
        self.grad_tensors = Some(grads.iter().map(|t| (*t).clone()).collect());
        self
    }

    /// Keep the graph's saved tensors for another backward (defaults to `create_graph`).
    pub fn retain_graph(mut self, retain: bool) -> Backward {
        self.retain_graph = Some(retain);
        self
    }

    /// Record the backward itself, so the gradients can be differentiated again.
    pub fn create_graph(mut self, create: bool) -> Backward {
        self.create_graph = create;
        self
    }

    /// Runs the pass, accumulating into `.grad()` of the leaves. On error nothing changes.
    pub fn run(self) -> Result<(), AutogradError> {
        let roots = make_roots(&self.outputs, self.grad_tensors.as_deref())?;
        execute(Request {
            roots,
            retain_graph: self.retain_graph.unwrap_or(self.create_graph),
            create_graph: self.create_graph,
            capture: None,
        })?;
        Ok(())
    }
}

/// Builder for gradients of outputs with respect to inputs, as `torch.autograd.grad`.
///
/// ```
/// use autograd::Tensor;
/// let x = Tensor::from_vec(vec![2.0f64], &[1]).requires_grad_(true);
/// let y = x.pow(3.0).sum();
/// // dy/dx = 3x^2 = 12, d2y/dx2 = 6x = 12
/// let g = autograd::grad(&[&y], &[&x]).create_graph(true).run().unwrap()[0].clone().unwrap();
/// assert_eq!(g.to_vec(), vec![12.0]);
/// let g2 = autograd::grad(&[&g.sum()], &[&x]).run().unwrap()[0].clone().unwrap();
/// assert_eq!(g2.to_vec(), vec![12.0]);
/// assert!(x.grad().is_none());
/// ```
#[must_use = "call .run() to compute the gradients"]
pub struct Grad {
    outputs: Vec<Tensor>,
    inputs: Vec<Tensor>,
    grad_outputs: Option<Vec<Tensor>>,
    retain_graph: Option<bool>,
    create_graph: bool,
    allow_unused: bool,
}

/// Starts computing d(outputs)/d(inputs) (see [`Grad`]).
pub fn grad(outputs: &[&Tensor], inputs: &[&Tensor]) -> Grad {
    Grad {
        outputs: outputs.iter().map(|t| (*t).clone()).collect(),
        inputs: inputs.iter().map(|t| (*t).clone()).collect(),
        grad_outputs: None,
        retain_graph: None,
        create_graph: false,
        allow_unused: false,
    }
}

impl Grad {
    /// The gradient of each output (the "vector" of the vector-Jacobian product).
    pub fn grad_outputs(mut self, grads: &[&Tensor]) -> Grad {
        self.grad_outputs = Some(grads.iter().map(|t| (*t).clone()).collect());
        self
    }

    /// Keep the graph's saved tensors for another backward (defaults to `create_graph`).
    pub fn retain_graph(mut self, retain: bool) -> Grad {
        self.retain_graph = Some(retain);
        self
    }

    /// Record the backward, so the returned gradients can be differentiated again.
    pub fn create_graph(mut self, create: bool) -> Grad {
        self.create_graph = create;
        self
    }

    /// Return `None` for inputs the outputs do not depend on, instead of an error.
    pub fn allow_unused(mut self, allow: bool) -> Grad {
        self.allow_unused = allow;
        self
    }

    /// Computes the gradients: one entry per input, `None` only for unused inputs with
    /// `allow_unused`. `.grad()` of every tensor is left untouched.
    pub fn run(self) -> Result<Vec<Option<Tensor>>, AutogradError> {
        if self.inputs.is_empty() {
            return Err(AutogradError::NoInputs);
        }
        // The outputs are checked first, as PyTorch does.
        let roots = make_roots(&self.outputs, self.grad_outputs.as_deref())?;
        let mut capture: Vec<Option<Edge>> = Vec::with_capacity(self.inputs.len());
        for (index, input) in self.inputs.iter().enumerate() {
            if !input.requires_grad() {
                return Err(AutogradError::InputDoesNotRequireGrad { index });
            }
            capture.push(gradient_edge(input));
        }
        let grads = execute(Request {
            roots,
            retain_graph: self.retain_graph.unwrap_or(self.create_graph),
            create_graph: self.create_graph,
            capture: Some(capture),
        })?;
        grads
            .into_iter()
            .enumerate()
            .map(|(index, g)| match g {
                Some(g) if self.create_graph => Ok(Some(g)),
                Some(g) => Ok(Some(g.detach())),
                None if self.allow_unused => Ok(None),
                None => Err(AutogradError::UnusedInput { index }),
            })
            .collect()
    }
}

/// Checks the outputs and their gradients and pairs each with its entry edge.
fn make_roots(outputs: &[Tensor], grads: Option<&[Tensor]>) -> Result<Roots, AutogradError> {
    if let Some(grads) = grads {
        if grads.len() != outputs.len() {
            return Err(AutogradError::GradCountMismatch {
                given: grads.len(),
                expected: outputs.len(),
            });
        }
    }
    let mut roots = Roots::with_capacity(outputs.len());
    for (index, output) in outputs.iter().enumerate() {
        let Some(edge) = gradient_edge(output) else {
            return Err(AutogradError::NoGradFn { index });
        };
        let grad = match grads.map(|g| &g[index]) {
            None => {
                if output.numel() != 1 {
                    return Err(AutogradError::NonScalarOutput {
                        shape: output.shape().to_vec(),
                    });
                }
                output.ones_like()
            }
            Some(g) => {
                if g.shape() != output.shape() {
                    return Err(AutogradError::GradShapeMismatch {
                        index,
                        grad_shape: g.shape().to_vec(),
                        output_shape: output.shape().to_vec(),
                    });
                }
                if !g.dtype().is_floating_point() {
                    return Err(AutogradError::GradDTypeMismatch {
                        index,
                        grad_dtype: g.dtype(),
                        output_dtype: output.dtype(),
                    });
                }
                g.to_dtype(output.dtype())
            }
        };
        roots.push((edge, grad));
    }
    Ok(roots)
}
