//! What a node does in a backward: the rule an op recorded, or a leaf's gradient sink, and
//! what a rule sees while it runs.

use super::Node;
use crate::error::AutogradError;
use crate::tensor::Tensor;
use parking_lot::Mutex;
use smallvec::SmallVec;
use std::sync::Arc;

/// What a node's backward rule sees besides the incoming gradients.
pub struct BackwardCtx<'a> {
    /// The running node's shared handle (rules recording their own backward build edges to
    /// it).
    pub(crate) node: &'a Arc<Node>,
    pub(crate) create_graph: bool,
}

impl BackwardCtx<'_> {
    /// Whether input `index` leads to anything that wants a gradient.
    pub fn needs_input_grad(&self, index: usize) -> bool {
        self.node.next.get(index).is_some_and(Option::is_some)
    }

    /// The shape input `index` had when the op ran, if that input wants a gradient: the
    /// shape its gradient must have.
    pub(crate) fn input_shape(&self, index: usize) -> Option<&[usize]> {
        let edge = self.node.next.get(index)?.as_ref()?;
        Some(&edge.node.outputs[edge.slot].shape)
    }

    /// Whether the backward is itself being recorded (`create_graph`).
    pub fn create_graph(&self) -> bool {
        self.create_graph
    }

    /// The name of the node running.
    pub fn name(&self) -> &str {
        &self.node.name
    }
}

/// The gradients a backward rule returns, one per input (`None`: no gradient); inline for
/// the one- and two-input ops that make up most graphs.
pub type InputGrads = SmallVec<[Option<Tensor>; 2]>;

/// What ops record as a node's rule: incoming gradients (one per output) to gradients per
/// input. Any closure of this signature is one (boxed rules too).
pub(crate) trait RuleFn:
    Fn(&BackwardCtx<'_>, &[Tensor]) -> Result<InputGrads, AutogradError> + Send + Sync + 'static
{
}

impl<F> RuleFn for F where
    F: Fn(&BackwardCtx<'_>, &[Tensor]) -> Result<InputGrads, AutogradError> + Send + Sync + 'static
{
}

/// A boxed backward rule: incoming gradients (one per output) to gradients per input.
pub type BackwardFn =
    Box<dyn Fn(&BackwardCtx<'_>, &[Tensor]) -> Result<InputGrads, AutogradError> + Send + Sync>;

/// What a node does in a backward, stored inline at the end of the node (one allocation per
/// recorded node): an op's rule, or the sink of a leaf.
pub(crate) trait Rule: Send + Sync {
    /// Runs the rule on the incoming gradients (one per output); `free` drops it afterwards (a
    /// backward without `retain_graph`). A freed rule gives PyTorch's "backward through the
    /// graph a second time" error.
    fn run(
        &self,
        ctx: &BackwardCtx<'_>,
        grads: &[Tensor],
        free: bool,
    ) -> Result<InputGrads, AutogradError>;

    /// The leaf of an `AccumulateGrad` node.
    fn leaf(&self) -> Option<&Tensor> {
        None
    }

    /// Whether a backward without `retain_graph` already freed the rule.
    fn is_freed(&self) -> bool {
        false
    }
}

/// An op's backward rule; `None` once freed.
pub(crate) struct FunctionRule<F>(pub(super) Mutex<Option<F>>);

impl<F> Rule for FunctionRule<F>
where
    F: Fn(&BackwardCtx<'_>, &[Tensor]) -> Result<InputGrads, AutogradError> + Send + Sync,
{
    fn run(
        &self,
        ctx: &BackwardCtx<'_>,
        grads: &[Tensor],
        free: bool,
    ) -> Result<InputGrads, AutogradError> {
        let freed = || AutogradError::GraphFreed {
            node: ctx.name().to_string(),
        };
        let mut guard = self.0.lock();
        let rule = guard.as_ref().ok_or_else(freed)?;
        let result = rule(ctx, grads);
        // Freed only once it succeeded: a failed backward leaves the graph as it was.
        if free && result.is_ok() {
            *guard = None;
        }
        result
    }

    fn is_freed(&self) -> bool {
        self.0.lock().is_none()
    }
}

/// The sink of a leaf that requires grad: the engine accumulates into the leaf directly.
pub(crate) struct AccumulateGrad(pub(super) Tensor);

impl Rule for AccumulateGrad {
    fn run(
        &self,
        ctx: &BackwardCtx<'_>,
        _: &[Tensor],
        _: bool,
    ) -> Result<InputGrads, AutogradError> {
        unreachable!(
            "the engine accumulates into the leaf of {} itself",
            ctx.name()
        )
    }

    fn leaf(&self) -> Option<&Tensor> {
        Some(&self.0)
    }
}
