//! Graph nodes, the edges between them, and how ops record them.
//!
//! A node is created by an op that ran with grad enabled on an input that requires grad. It owns
//! its backward rule (with the tensors that rule saved) and one edge per input, pointing at the
//! node that produced that input (or at the input's `AccumulateGrad` node for a leaf). Outputs
//! own their node, so dropping the output frees the graph behind it.

use crate::error::AutogradError;
use crate::grad_mode::is_grad_enabled;
use crate::hooks::OutputHook;
use crate::shape::ShapeVec;
use crate::teardown::{release, NodeParts};
use crate::tensor::Tensor;
use crate::DType;
use parking_lot::Mutex;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

crate::live_count::live_counter!(LIVE_NODES, LOCAL_LIVE_NODES, node_created, node_freed);

/// The number of graph nodes alive in the process (for leak tests): 0 once every output is dropped.
pub fn live_node_count() -> usize {
    LIVE_NODES.total()
}

/// What a node's backward rule sees besides the incoming gradients.
pub struct BackwardCtx<'a> {
    pub(crate) node: &'a Node,
    pub(crate) create_graph: bool,
}

impl BackwardCtx<'_> {
    /// Whether input `index` leads to anything that wants a gradient.
    pub fn needs_input_grad(&self, index: usize) -> bool {
        self.node.next.get(index).is_some_and(Option::is_some)
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
pub(crate) struct FunctionRule<F>(Mutex<Option<F>>);

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
        if free {
            let rule = self.0.lock().take().ok_or_else(freed)?;
            rule(ctx, grads)
        } else {
            let guard = self.0.lock();
            let rule = guard.as_ref().ok_or_else(freed)?;
            rule(ctx, grads)
        }
    }

    fn is_freed(&self) -> bool {
        self.0.lock().is_none()
    }
}

/// The sink of a leaf that requires grad: the engine accumulates into the leaf directly.
pub(crate) struct AccumulateGrad(Tensor);

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

/// Shape and dtype of one output of a node (to materialise zero gradients).
#[derive(Clone, Debug)]
pub(crate) struct OutputMeta {
    pub(crate) shape: ShapeVec,
    pub(crate) dtype: DType,
}

/// A graph node. `R` is the concrete rule while the node is built; edges and handles see
/// `Node` (= `Node<dyn Rule>`).
pub(crate) struct Node<R: ?Sized + Rule = dyn Rule> {
    pub(crate) name: Cow<'static, str>,
    pub(crate) next: SmallVec<[Option<Edge>; 2]>,
    pub(crate) outputs: SmallVec<[OutputMeta; 1]>,
    /// Hooks and `retain_grad` entries on this node's outputs (add them with
    /// [`Node::add_hook`]).
    pub(crate) hooks: Mutex<Vec<OutputHook>>,
    /// Set once a hook was added: lets the backward skip the lock for the many nodes without.
    pub(crate) has_hooks: AtomicBool,
    /// Where the forward op was called (for anomaly reports).
    pub(crate) location: &'static Location<'static>,
    /// Whether the rule holds saved tensors: only such rules are freed by a backward without
    /// `retain_graph` (a rule without them can run again, as in PyTorch).
    pub(crate) saves_tensors: bool,
    /// Shapes of the tensors the rule saved, where known (for graph pictures).
    pub(crate) saved_shapes: SmallVec<[ShapeVec; 2]>,
    /// The backward run that last reached this node, and the node's position in it (see
    /// `graph_walk`).
    pub(crate) walk_mark: std::sync::atomic::AtomicU64,
    /// What the node does in a backward (last: unsized behind an `Arc<Node>`).
    pub(crate) rule: R,
}

/// At most this many saved shapes are remembered per recorded op.
const MAX_SAVED_SHAPES: usize = 64;

thread_local! {
    /// Shapes of the `SavedTensor`s created since the op being recorded on this thread called
    /// [`needs_grad`]: ops save right before recording, so they are that op's saved tensors.
    static SAVED_SINCE_RECORD: std::cell::RefCell<SmallVec<[ShapeVec; 2]>> =
        std::cell::RefCell::new(SmallVec::new());
}

impl<R: Rule> Node<R> {
    fn new(
        name: Cow<'static, str>,
        next: SmallVec<[Option<Edge>; 2]>,
        outputs: SmallVec<[OutputMeta; 1]>,
        rule: R,
        location: &'static Location<'static>,
    ) -> Node<R> {
        node_created();
        Node {
            name,
            next,
            outputs,
            hooks: Mutex::new(Vec::new()),
            has_hooks: AtomicBool::new(false),
            location,
            saves_tensors: false,
            saved_shapes: SmallVec::new(),
            walk_mark: std::sync::atomic::AtomicU64::new(0),
            rule,
        }
    }
}

impl Node {
    /// Adds a hook or `retain_grad` entry on one of this node's outputs.
    pub(crate) fn add_hook(&self, hook: OutputHook) {
        self.hooks.lock().push(hook);
        self.has_hooks.store(true, Ordering::Release);
    }
}

impl<R: ?Sized + Rule> Drop for Node<R> {
    fn drop(&mut self) {
        node_freed();
        // The edges go to the teardown queue first; the rule (dropped with the other fields
        // after this) then only releases tensors whose nodes those edges still hold.
        release(NodeParts(std::mem::take(&mut self.next)));
    }
}

/// One input of a node: the node that produced it and which of that node's outputs it was.
#[derive(Clone)]
pub(crate) struct Edge {
    pub(crate) node: Arc<Node>,
    pub(crate) slot: usize,
}

/// Where gradients for `t` flow: its `grad_fn`, its `AccumulateGrad` node if it is a leaf that
/// requires grad, or nowhere.
pub(crate) fn gradient_edge(t: &Tensor) -> Option<Edge> {
    if let Some(edge) = t.grad_edge() {
        return Some(edge);
    }
    if !t.requires_grad() {
        return None;
    }
    let mut weak = t.inner.meta_or_init().accumulator.lock();
    if let Some(node) = weak.upgrade() {
        return Some(Edge { node, slot: 0 });
    }
    let node = Arc::new(Node::new(
        Cow::Borrowed("AccumulateGrad"),
        SmallVec::new(),
        smallvec::smallvec![OutputMeta {
            shape: ShapeVec::from_slice(t.shape()),
            dtype: t.dtype(),
        }],
        AccumulateGrad(t.clone()),
        Location::caller(),
    ));
    *weak = Arc::downgrade(&node);
    Some(Edge { node, slot: 0 })
}

/// Whether an op on `inputs` must record a node: grad mode on and some input requires grad.
/// Ops call it first, before saving anything, so it also starts a fresh count of saves.
pub(crate) fn needs_grad(inputs: &[&Tensor]) -> bool {
    let needed = is_grad_enabled() && inputs.iter().any(|t| t.requires_grad());
    if needed {
        SAVED_SINCE_RECORD.with(|c| c.borrow_mut().clear());
    }
    needed
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

#[track_caller]
fn new_function_node(
    name: Cow<'static, str>,
    inputs: &[&Tensor],
    outputs: &[Tensor],
    backward: impl RuleFn,
    saves: Option<bool>,
) -> Arc<Node> {
    // Pushed one by one: `collect` into a small vector costs more than the few items.
    let mut next = SmallVec::new();
    for t in inputs {
        next.push(gradient_edge(t));
    }
    let mut metas = SmallVec::new();
    for t in outputs {
        metas.push(OutputMeta {
            shape: ShapeVec::from_slice(t.shape()),
            dtype: t.dtype(),
        });
    }
    let saved_shapes = SAVED_SINCE_RECORD.with(|c| std::mem::take(&mut *c.borrow_mut()));
    let saves_tensors = saves.unwrap_or(!saved_shapes.is_empty());
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
    let rule = backward();
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
    backward: impl FnOnce(SavedTensor) -> F,
) -> Tensor
where
    F: Fn(&BackwardCtx<'_>, &Tensor) -> Result<InputGrads, AutogradError> + Send + Sync + 'static,
{
    if !needs_grad(inputs) {
        return output;
    }
    let rule = backward(SavedTensor::output(&output));
    record_one(
        name,
        inputs,
        output,
        move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| rule(ctx, &grads[0]),
    )
}

/// A tensor saved for backward, with the version it had when saved.
#[derive(Clone)]
pub struct SavedTensor {
    tensor: Tensor,
    version: u64,
}

impl SavedTensor {
    /// Saves `tensor` as it is now.
    pub fn new(tensor: &Tensor) -> SavedTensor {
        SAVED_SINCE_RECORD.with(|c| {
            let mut saved = c.borrow_mut();
            // Saves outside any recording op are never taken: keep the list bounded.
            if saved.len() < MAX_SAVED_SHAPES {
                saved.push(ShapeVec::from_slice(tensor.shape()));
            }
        });
        SavedTensor {
            tensor: tensor.clone(),
            version: tensor.inner.storage.version(),
        }
    }

    /// Saves an op's own output without keeping its `grad_fn` (which would be a cycle).
    pub fn output(tensor: &Tensor) -> SavedTensor {
        SavedTensor::new(&tensor.detach())
    }

    /// The saved tensor, or PyTorch's error when it was modified in place since.
    pub fn get(&self, ctx: &BackwardCtx<'_>) -> Result<Tensor, AutogradError> {
        let found = self.tensor.inner.storage.version();
        if found != self.version {
            return Err(AutogradError::ModifiedInPlace {
                node: ctx.name().to_string(),
                dtype: self.tensor.dtype(),
                shape: self.tensor.shape().to_vec(),
                found,
                expected: self.version,
            });
        }
        Ok(self.tensor.clone())
    }
}

/// A handle on the node that created a tensor, as PyTorch's `tensor.grad_fn`.
#[derive(Clone)]
pub struct GradFn {
    pub(crate) node: Arc<Node>,
}

impl GradFn {
    /// PyTorch's name for the node: `AddBackward0`, `MeanBackward0`, `AccumulateGrad`, ...
    pub fn name(&self) -> &str {
        &self.node.name
    }

    /// One entry per input of the op: the next node (`None` for an input that needs no
    /// gradient) and which output of that node the input was.
    pub fn next_functions(&self) -> Vec<(Option<GradFn>, usize)> {
        self.node
            .next
            .iter()
            .map(|e| match e {
                Some(edge) => (
                    Some(GradFn {
                        node: edge.node.clone(),
                    }),
                    edge.slot,
                ),
                None => (None, 0),
            })
            .collect()
    }

    /// For an `AccumulateGrad` node, the leaf it accumulates into.
    pub fn variable(&self) -> Option<Tensor> {
        self.node.rule.leaf().cloned()
    }

    /// Whether two handles are the same node.
    pub fn ptr_eq(&self, other: &GradFn) -> bool {
        Arc::ptr_eq(&self.node, &other.node)
    }
}

impl std::fmt::Display for GradFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "<{} object at {:p}>",
            self.node.name,
            Arc::as_ptr(&self.node) as *const ()
        )
    }
}

impl std::fmt::Debug for GradFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
