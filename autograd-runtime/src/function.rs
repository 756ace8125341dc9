//! Custom differentiable functions, as `torch.autograd.Function`: a forward computed without
//! recording and a hand-written backward, recorded as ONE graph node.
//!
//! Differences from PyTorch, by design:
//! - `forward` and `backward` take `&self`, so non-tensor arguments (PyTorch's extra `apply`
//!   arguments, such as a `dim`) are fields of the type implementing [`Function`]; a unit
//!   struct reads as in PyTorch: `LogSumExp.apply(&[&x])`.
//! - Saved tensors are version-checked before `backward` runs: if one was modified in place
//!   since it was saved, the backward fails with PyTorch's error and `backward` is not called.
//! - An output saved for backward is seen by `backward` without its graph (saving it with its
//!   `grad_fn` would be a reference cycle), so a double backward treats it as a constant; a
//!   backward that must be differentiated twice should recompute it from the saved inputs.
//! - A gradient whose shape is a broadcast of its input's shape is summed back to the input's
//!   shape (PyTorch's "expected shape compatible with"); any other shape or a non-floating
//!   gradient fails with [`AutogradError::InvalidGradient`], a wrong number of gradients with
//!   [`AutogradError::WrongGradientCount`].
//!
//! ```
//! use autograd::{Function, FunctionCtx, Tensor};
//!
//! /// y = x^3, dy/dx = 3x^2.
//! struct Cube;
//!
//! impl Function for Cube {
//!     fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
//!         ctx.save_for_backward(&[&inputs[0]]);
//!         vec![inputs[0].pow(3.0)]
//!     }
//!     fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
//!         let x = &ctx.saved_tensors()[0];
//!         vec![Some(&grads[0] * x.pow(2.0) * 3.0)]
//!     }
//! }
//!
//! let x = Tensor::from_vec(vec![2.0f64], &[1]).requires_grad_(true);
//! let y = Cube.apply(&[&x]).remove(0);
//! assert_eq!(y.grad_fn().unwrap().name(), "CubeBackward");
//! y.sum().backward();
//! assert_eq!(x.grad().unwrap().to_vec(), vec![12.0]);
//! ```

use crate::error::AutogradError;
use crate::graph::{needs_grad, record_saving, BackwardCtx, BackwardFn, SavedTensor};
use crate::shape::broadcast_shapes;
use crate::{no_grad, Tensor};
use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

/// A differentiable function with a hand-written backward, as `torch.autograd.Function`.
///
/// See the [module documentation](crate::function) for an example.
pub trait Function: Send + Sync + 'static {
    /// Computes the outputs from `inputs` (grad mode is off inside). Save what `backward` needs
    /// in `ctx`.
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor>;

    /// Maps the gradients of the outputs (one per output, zeros for outputs that received
    /// none) to one gradient per input, `None` meaning zero or "not needed" (see
    /// [`FunctionCtx::needs_input_grad`]). Written in tensor ops, it is differentiable again
    /// under `create_graph`.
    fn backward(&self, ctx: &FunctionCtx, grad_outputs: &[Tensor]) -> Vec<Option<Tensor>>;

    /// The node's name, PyTorch's `<ClassName>Backward` by default (`LogSumExpBackward`).
    fn name(&self) -> String {
        let full = std::any::type_name::<Self>();
        let path = full.split('<').next().unwrap_or(full);
        let short = path.rsplit("::").next().unwrap_or(path);
        format!("{short}Backward")
    }

    /// Runs the function on `inputs`, recording one node when grad mode is on and an input
    /// requires grad (see [`apply`]).
    #[track_caller]
    fn apply(self, inputs: &[&Tensor]) -> Vec<Tensor>
    where
        Self: Sized,
    {
        apply(self, inputs)
    }
}

type Values = HashMap<&'static str, Box<dyn Any + Send + Sync>>;

/// What `forward` hands to `backward`, as PyTorch's `ctx`.
pub struct FunctionCtx {
    /// Set in forward.
    saved: Vec<SavedTensor>,
    /// In backward: `saved`, version-checked.
    unpacked: Option<Vec<Tensor>>,
    values: Arc<Values>,
    non_differentiable: Vec<Tensor>,
    needs_input_grad: Vec<bool>,
}

impl FunctionCtx {
    /// Saves tensors for `backward` (inputs, outputs or intermediates), replacing any saved
    /// before. They are version-checked: modifying one in place before the backward makes it
    /// fail with PyTorch's "modified by an inplace operation" error.
    pub fn save_for_backward(&mut self, tensors: &[&Tensor]) {
        self.saved = tensors.iter().map(|t| SavedTensor::new(t)).collect();
    }

    /// The tensors given to [`FunctionCtx::save_for_backward`], in order.
    ///
    /// # Panics
    /// When called in `forward`.
    #[track_caller]
    pub fn saved_tensors(&self) -> &[Tensor] {
        self.unpacked.as_deref().unwrap_or_else(|| {
            panic!("FunctionCtx::saved_tensors: only available in backward (save them in forward with save_for_backward)")
        })
    }

    /// Saves a non-tensor value under `name` (PyTorch's `ctx.name = value`).
    ///
    /// ```
    /// # use autograd::{Function, FunctionCtx, Tensor};
    /// struct Scale;
    /// impl Function for Scale {
    ///     fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
    ///         ctx.save_value("factor", 2.5f64);
    ///         vec![&inputs[0] * 2.5]
    ///     }
    ///     fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
    ///         vec![Some(&grads[0] * *ctx.value::<f64>("factor"))]
    ///     }
    /// }
    /// let x = Tensor::ones(&[2]).requires_grad_(true);
    /// Scale.apply(&[&x])[0].sum().backward();
    /// assert_eq!(x.grad().unwrap().to_vec(), vec![2.5, 2.5]);
    /// ```
    ///
    /// # Panics
    /// When called in `backward`.
    #[track_caller]
    pub fn save_value<T: Any + Send + Sync>(&mut self, name: &'static str, value: T) {
        Arc::get_mut(&mut self.values)
            .expect("FunctionCtx::save_value: only available in forward")
            .insert(name, Box::new(value));
    }

    /// The value saved under `name`.
    ///
    /// # Panics
    /// When nothing was saved under `name`, or it is not a `T`.
    #[track_caller]
    pub fn value<T: Any>(&self, name: &str) -> &T {
        let Some(value) = self.values.get(name) else {
            let mut known: Vec<_> = self.values.keys().collect();
            known.sort();
            panic!("FunctionCtx::value: no value named {name:?} was saved in forward (saved: {known:?})");
        };
        value.downcast_ref().unwrap_or_else(|| {
            panic!(
                "FunctionCtx::value: the value named {name:?} is not a {}",
                std::any::type_name::<T>()
            )
        })
    }

    /// Marks outputs as not differentiable (PyTorch's `ctx.mark_non_differentiable`): they are
    /// returned without a `grad_fn`, and `backward` receives zeros for them. Non-floating
    /// outputs (comparisons) are always non-differentiable.
    pub fn mark_non_differentiable(&mut self, outputs: &[&Tensor]) {
        self.non_differentiable
            .extend(outputs.iter().map(|t| (*t).clone()));
    }

    /// Whether input `index` needs a gradient (PyTorch's `ctx.needs_input_grad[index]`); a
    /// backward may return `None` for inputs that do not.
    pub fn needs_input_grad(&self, index: usize) -> bool {
        self.needs_input_grad.get(index).copied().unwrap_or(false)
    }
}

/// Runs `function` on `inputs`: `forward` with grad mode off, then, when grad mode is on and an
/// input requires grad, ONE node named [`Function::name`] whose rule calls `backward`. The
/// outputs are returned in `forward`'s order.
///
/// # Panics
/// When a tensor given to [`FunctionCtx::mark_non_differentiable`] is not an output.
#[track_caller]
pub fn apply<F: Function>(function: F, inputs: &[&Tensor]) -> Vec<Tensor> {
    let recording = needs_grad(inputs);
    let mut ctx = FunctionCtx {
        saved: Vec::new(),
        unpacked: None,
        values: Arc::new(HashMap::new()),
        non_differentiable: Vec::new(),
        needs_input_grad: inputs
            .iter()
            .map(|t| recording && t.requires_grad())
            .collect(),
    };
    let owned: Vec<Tensor> = inputs.iter().map(|t| (*t).clone()).collect();
    let outputs = no_grad(|| function.forward(&mut ctx, &owned));
    let name = function.name();
    if let Some(stray) = ctx
        .non_differentiable
        .iter()
        .find(|m| !outputs.iter().any(|o| o.ptr_eq(m)))
    {
        panic!(
            "{name}: mark_non_differentiable was given a tensor of shape {:?} that is not an output of forward",
            stray.shape()
        );
    }
    let differentiable: Vec<bool> = outputs
        .iter()
        .map(|o| {
            o.dtype().is_floating_point() && !ctx.non_differentiable.iter().any(|m| m.ptr_eq(o))
        })
        .collect();
    if !recording || !differentiable.contains(&true) {
        return outputs;
    }
    let expected: Vec<Vec<usize>> = inputs.iter().map(|t| t.shape().to_vec()).collect();
    let (saved, values) = (std::mem::take(&mut ctx.saved), ctx.values.clone());
    let saves = !saved.is_empty();
    drop(ctx);
    let backward: BackwardFn = Box::new(move |bctx, grads| {
        let unpacked = saved
            .iter()
            .map(|s| s.get(bctx))
            .collect::<Result<Vec<_>, _>>()?;
        let ctx = FunctionCtx {
            saved: Vec::new(),
            unpacked: Some(unpacked),
            values: values.clone(),
            non_differentiable: Vec::new(),
            needs_input_grad: (0..expected.len())
                .map(|i| bctx.needs_input_grad(i))
                .collect(),
        };
        let grads = function.backward(&ctx, grads);
        validate(bctx, grads, &expected).map(crate::graph::InputGrads::from_vec)
    });
    let recorded = record_saving(name, inputs, outputs.clone(), backward, saves);
    recorded
        .into_iter()
        .zip(outputs)
        .zip(differentiable)
        .map(|((with_node, plain), keep)| if keep { with_node } else { plain })
        .collect()
}

/// Checks what a custom backward returned against its inputs (count, dtype, shape), summing
/// broadcast gradients back to their input's shape and dropping those no input needs.
fn validate(
    ctx: &BackwardCtx<'_>,
    grads: Vec<Option<Tensor>>,
    expected: &[Vec<usize>],
) -> Result<Vec<Option<Tensor>>, AutogradError> {
    let invalid = |index: usize, reason: String| AutogradError::InvalidGradient {
        node: ctx.name().to_string(),
        index,
        reason,
    };
    if grads.len() != expected.len() {
        return Err(AutogradError::WrongGradientCount {
            node: ctx.name().to_string(),
            expected: expected.len(),
            got: grads.len(),
        });
    }
    let mut out = Vec::with_capacity(grads.len());
    for (index, (grad, shape)) in grads.into_iter().zip(expected).enumerate() {
        let Some(grad) = grad.filter(|_| ctx.needs_input_grad(index)) else {
            out.push(None);
            continue;
        };
        if !grad.dtype().is_floating_point() {
            return Err(invalid(
                index,
                format!(
                    "expected a floating point gradient but got {}",
                    grad.dtype()
                ),
            ));
        }
        if grad.shape() == shape.as_slice() {
            out.push(Some(grad));
        } else if broadcast_shapes(shape, grad.shape()).as_deref() == Some(grad.shape()) {
            out.push(Some(grad.sum_to_size(shape)));
        } else {
            return Err(invalid(
                index,
                format!(
                    "got {:?} but expected shape compatible with {:?}",
                    grad.shape(),
                    shape
                ),
            ));
        }
    }
    Ok(out)
}
