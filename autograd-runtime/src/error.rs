//! Errors a correct program can reach at run time (shape errors in operators panic instead).

use thiserror::Error;

/// What can go wrong in `backward`, `autograd::grad` and `gradcheck`'s callers.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum AutogradError {
    // --- roots of a backward -------------------------------------------------------------
    /// A root (or a differentiated input) takes no part in any graph.
    #[error("element {index} of tensors does not require grad and does not have a grad_fn")]
    NoGradFn {
        /// Position of the tensor in the outputs given to backward.
        index: usize,
    },
    /// `backward()` without a gradient on a tensor with more than one element.
    #[error("grad can be implicitly created only for scalar outputs (the output has shape {shape:?}; pass a gradient of that shape with backward_with)")]
    NonScalarOutput {
        /// Shape of the output.
        shape: Vec<usize>,
    },
    /// A gradient given for an output does not have the output's shape.
    #[error("Mismatch in shape: grad_output[{index}] has a shape of {} and output[{index}] has a shape of {}.", torch_size(.grad_shape), torch_size(.output_shape))]
    GradShapeMismatch {
        /// Position of the output.
        index: usize,
        /// Shape of the gradient given.
        grad_shape: Vec<usize>,
        /// Shape of the output.
        output_shape: Vec<usize>,
    },
    /// A gradient given for an output is not a floating dtype.
    #[error("Mismatch in dtype: grad_output[{index}] has dtype {grad_dtype} but a floating point gradient is needed for output[{index}] of dtype {output_dtype}.")]
    GradDTypeMismatch {
        /// Position of the output.
        index: usize,
        /// Dtype of the gradient given.
        grad_dtype: crate::DType,
        /// Dtype of the output.
        output_dtype: crate::DType,
    },
    /// The number of gradients does not match the number of outputs.
    #[error("got {expected} tensors and {given} gradients")]
    GradCountMismatch {
        /// Gradients given.
        given: usize,
        /// Outputs given.
        expected: usize,
    },

    // --- the graph --------------------------------------------------------------------
    /// The saved tensors of a node were freed by an earlier backward.
    #[error("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward. (The freed node: {node}.)")]
    GraphFreed {
        /// Name of the node whose buffers were freed.
        node: String,
    },
    /// A tensor saved for backward was modified in place afterwards.
    #[error("{}", modified_in_place(.dtype, .shape, .produced_by, *.found, *.expected, *.anomaly))]
    ModifiedInPlace {
        /// Node whose rule needed the tensor.
        node: String,
        /// Dtype of the saved tensor.
        dtype: crate::DType,
        /// Shape of the saved tensor.
        shape: Vec<usize>,
        /// The node that produced the saved tensor and which of its outputs it is (`None` for
        /// a leaf).
        produced_by: Option<(String, usize)>,
        /// Version now.
        found: u64,
        /// Version when it was saved.
        expected: u64,
        /// Whether anomaly detection was on (it changes PyTorch's hint).
        anomaly: bool,
    },

    // --- autograd::grad ---------------------------------------------------------------
    /// `autograd::grad` was given no inputs to differentiate with respect to.
    #[error("`inputs` argument to `grad()` cannot be empty.")]
    NoInputs,
    /// An input given to `autograd::grad` does not require grad.
    #[error("One of the differentiated Tensors does not require grad (input {index})")]
    InputDoesNotRequireGrad {
        /// Position of the input.
        index: usize,
    },
    /// An input given to `autograd::grad` was not reached from the outputs.
    #[error("The differentiated Tensor at index {index} appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")]
    UnusedInput {
        /// Position of the input.
        index: usize,
    },
    /// A backward rule returned the wrong number of gradients.
    #[error("function {node} returned an incorrect number of gradients (expected {expected}, got {got})")]
    WrongGradientCount {
        /// Node whose rule returned them.
        node: String,
        /// One per input of the node.
        expected: usize,
        /// How many it returned.
        got: usize,
    },
    /// A backward rule returned a gradient of the wrong shape or dtype.
    #[error("Function {node} returned an invalid gradient at index {index} - {reason}")]
    InvalidGradient {
        /// Node that produced it.
        node: String,
        /// Input position.
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// Anomaly detection found NaN in a gradient.
    #[error("Function '{node}' returned nan values in its {index}th output. (forward op called at {location})")]
    Anomaly {
        /// Node that produced it.
        node: String,
        /// Input position.
        index: usize,
        /// Source location of the forward call.
        location: String,
    },
}

/// PyTorch's text for [`AutogradError::ModifiedInPlace`] (`SavedVariable::unpack`).
fn modified_in_place(
    dtype: &crate::DType,
    shape: &[usize],
    produced_by: &Option<(String, usize)>,
    found: u64,
    expected: u64,
    anomaly: bool,
) -> String {
    let which = match produced_by {
        // Named as torch 2.15 prints it: `ExpBackward0` is `Exp`, `MinBackward1` is `Min1`.
        Some((node, output)) => format!(
            ", which is output {output} of {},",
            crate::ops::torch_node_name(node)
        ),
        None => String::new(),
    };
    let hint = if anomaly {
        "Hint: the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!"
    } else {
        "Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    };
    format!(
        "one of the variables needed for gradient computation has been modified by an inplace operation: [{} {shape:?}]{which} is at version {found}; expected version {expected} instead. {hint}",
        dtype.tensor_type_name()
    )
}

/// A shape as Python prints a `torch.Size`: `torch.Size([2, 3])`.
fn torch_size(shape: &[usize]) -> String {
    format!("torch.Size({shape:?})")
}
