//! How ops record themselves: one node per op call that needs grad, attached to its outputs.

use super::rule::{BackwardCtx, FunctionRule, InputGrads, RuleFn};
use super::saved::{self, SavedOutput};
use super::{gradient_edge, Edge, Node, OutputMeta};
use crate::error::AutogradError;
use crate::grad_mode::is_grad_enabled;
use crate::shape::ShapeVec;
use crate::tensor::Tensor;
use parking_lot::Mutex;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::panic::Location;
use std::sync::Arc;

/// Whether an op on `inputs` must record a node: grad mode on and some input requires grad.
/// Ops call it first, before saving anything, so it also starts a fresh count of saves.
pub(crate) fn needs_grad(inputs: &[&Tensor]) -> bool {
    let needed = is_grad_enabled() && inputs.iter().any(|t| t.requires_grad());
    if needed {
        saved::start_op();
        SAVED_VALUE.set(false);
    }
    needed
}

thread_local! {
    /// Whether the op being recorded keeps a number or indices that PyTorch saves as a tensor.
    static SAVED_VALUE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes that the op being recorded (after [`needs_grad`]) keeps a value PyTorch saves as a
/// tensor (the 2 of `x * 2.0`, the indices of `gather`): its node then counts as saving, so a
/// backward without `retain_graph` frees it and a second one is refused, as in PyTorch.
pub(crate) fn note_saved_value() {
    SAVED_VALUE.set(true);
}

/// Attaches one node to freshly computed `outputs` and returns them as its outputs.
/// PRECONDITION: `outputs` were computed without recording; the caller checked [`needs_grad`].
/// POSTCONDITION: output `i` has `grad_fn` = (the new node, slot `i`).
#[track_caller]
pub(crate) fn record(
    name: impl Into<Cow<'static, str>>,
    inputs: &[&Tensor],
    outputs: Vec<Tensor>,
    backward: impl RuleFn,
) -> Vec<Tensor> {
    let node = new_function_node(name.into(), inputs, &outputs, backward, None);
    attach_outputs(node, outputs)
}

/// [`record`] for callers that know whether their rule holds saved tensors (custom functions
/// save them through a context, interleaved with other ops).
#[track_caller]
pub(crate) fn record_saving(
    name: impl Into<Cow<'static, str>>,
    inputs: &[&Tensor],
    outputs: Vec<Tensor>,
    backward: impl RuleFn,
    saves: bool,
) -> Vec<Tensor> {
    let node = new_function_node(name.into(), inputs, &outputs, backward, Some(saves));
    attach_outputs(node, outputs)
}

/// Output `i` becomes slot `i` of `node`.
fn attach_outputs(node: Arc<Node>, outputs: Vec<Tensor>) -> Vec<Tensor> {
    let edges = (0..outputs.len()).map(|slot| Edge {
        node: node.clone(),
        slot,
    });
    outputs
        .into_iter()
        .zip(edges)
        .map(|(t, edge)| t.with_grad_fn(edge))
        .collect()
}

/// [`record`] for exactly one output, without the vectors.
#[track_caller]
pub(crate) fn record_one(
    name: impl Into<Cow<'static, str>>,
    inputs: &[&Tensor],
    output: Tensor,
    backward: impl RuleFn,
) -> Tensor {
    let node = new_function_node(
        name.into(),
        inputs,
        std::slice::from_ref(&output),
        backward,
        None,
    );
    output.with_grad_fn(Edge { node, slot: 0 })
}

/// The input edges of a node recorded on `inputs`, one per input.
fn edges_of(inputs: &[&Tensor]) -> SmallVec<[Option<Edge>; 2]> {
    // Pushed one by one: `collect` into a small vector costs more than the few items.
    let mut next = SmallVec::new();
    for t in inputs {
        next.push(gradient_edge(t));
    }
    next
}

#[track_caller]
fn new_function_node(
    name: Cow<'static, str>,
    inputs: &[&Tensor],
    outputs: &[Tensor],
    backward: impl RuleFn,
    saves: Option<bool>,
) -> Arc<Node> {
    new_node_with_edges(name, edges_of(inputs), outputs, backward, saves)
}

#[track_caller]
fn new_node_with_edges(
    name: Cow<'static, str>,
    next: SmallVec<[Option<Edge>; 2]>,
    outputs: &[Tensor],
    backward: impl RuleFn,
    saves: Option<bool>,
) -> Arc<Node> {
    let mut metas = SmallVec::new();
    for t in outputs {
        metas.push(OutputMeta {
            shape: ShapeVec::from_slice(t.shape()),
            dtype: t.dtype(),
        });
    }
    let saved_shapes = saved::take_op_shapes();
    let saves_tensors = saves.unwrap_or(!saved_shapes.is_empty() || SAVED_VALUE.take());
    let mut node = Node::new(
        name,
        next,
        metas,
        FunctionRule(Mutex::new(Some(backward))),
        Location::caller(),
    );
    node.saved_shapes = saved_shapes;
    node.saves_tensors = saves_tensors;
    Arc::new(node)
}

/// [`record`] for the common single-output op; does nothing unless [`needs_grad`] holds.
#[track_caller]
pub(crate) fn record_unary_output<F>(
    name: &'static str,
    inputs: &[&Tensor],
    output: Tensor,
    backward: impl FnOnce() -> F,
) -> Tensor
where
    F: Fn(&BackwardCtx<'_>, &Tensor) -> Result<InputGrads, AutogradError> + Send + Sync + 'static,
{
    if !needs_grad(inputs) {
        return output;
    }
    record_single(name, inputs, output, backward())
}

/// Records `rule`, a rule of the op's one output gradient, as the node of `output`.
#[track_caller]
fn record_single<F>(name: &'static str, inputs: &[&Tensor], output: Tensor, rule: F) -> Tensor
where
    F: Fn(&BackwardCtx<'_>, &Tensor) -> Result<InputGrads, AutogradError> + Send + Sync + 'static,
{
    record_one(
        name,
        inputs,
        output,
        move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| rule(ctx, &grads[0]),
    )
}

/// [`record_unary_output`] for rules that need the op's own output: `backward` receives it
/// saved (without its `grad_fn`, which would be a cycle), and the output keeps its handle.
#[track_caller]
pub(crate) fn record_unary_saving_output<F>(
    name: &'static str,
    inputs: &[&Tensor],
    output: Tensor,
    backward: impl FnOnce(SavedOutput) -> F,
) -> Tensor
where
    F: Fn(&BackwardCtx<'_>, &Tensor) -> Result<InputGrads, AutogradError> + Send + Sync + 'static,
{
    if !needs_grad(inputs) {
        return output;
    }
    let rule = backward(SavedOutput::new(&output));
    record_single(name, inputs, output, rule)
}

/// [`record_unary_output`] for an op between a tensor and a plain number (`x + 2.0`): PyTorch
/// wraps the number in a tensor that takes no gradient, so the node has a second input edge
/// leading nowhere (`next_functions` is `[(x's node, 0), (None, 0)]`). `backward` gives the
/// tensor operand's gradient.
#[track_caller]
pub(crate) fn record_scalar_output<F>(
    name: &'static str,
    input: &Tensor,
    output: Tensor,
    backward: impl FnOnce() -> F,
) -> Tensor
where
    F: Fn(&BackwardCtx<'_>, &Tensor) -> Result<Tensor, AutogradError> + Send + Sync + 'static,
{
    record_beside_untracked(name, Untracked::Second, input, output, backward)
}

/// Which operand of a two-operand node takes no gradient.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Untracked {
    /// The first (the fresh zeros a backward formula adds into: `zeros.index_add_(..)`).
    First,
    /// The second (a plain number PyTorch wraps in a tensor: `x + 2.0`).
    Second,
}

/// Records `output`, computed from `input` and an operand that takes no gradient (placed as
/// `untracked` says), as one node: its edge to that operand leads nowhere, as in PyTorch
/// (`next_functions` `[(None, 0), (input's node, 0)]` for [`Untracked::First`]). `backward`
/// gives `input`'s gradient. Does nothing unless [`needs_grad`] holds.
#[track_caller]
pub(crate) fn record_beside_untracked<F>(
    name: &'static str,
    untracked: Untracked,
    input: &Tensor,
    output: Tensor,
    backward: impl FnOnce() -> F,
) -> Tensor
where
    F: Fn(&BackwardCtx<'_>, &Tensor) -> Result<Tensor, AutogradError> + Send + Sync + 'static,
{
    if !needs_grad(&[input]) {
        return output;
    }
    let rule = backward();
    let mut next = edges_of(&[input]);
    if untracked == Untracked::First {
        next.insert(0, None);
    } else {
        next.push(None);
    }
    let node = new_node_with_edges(
        name.into(),
        next,
        std::slice::from_ref(&output),
        move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| {
            let grad = Some(rule(ctx, &grads[0])?);
            Ok(if untracked == Untracked::First {
                smallvec::smallvec![None, grad]
            } else {
                smallvec::smallvec![grad, None]
            })
        },
        None,
    );
    output.with_grad_fn(Edge { node, slot: 0 })
}
