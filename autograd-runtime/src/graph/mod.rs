//! Graph nodes, the edges between them, and how ops record them.
//!
//! A node is created by an op that ran with grad enabled on an input that requires grad. It owns
//! its backward rule (with the tensors that rule saved) and one edge per input, pointing at the
//! node that produced that input (or at the input's `AccumulateGrad` node for a leaf). Outputs
//! own their node, so dropping the output frees the graph behind it.

mod grad_fn;
mod record;
mod rule;
mod saved;

pub use grad_fn::GradFn;
pub(crate) use record::{
    needs_grad, note_saved_value, record, record_beside_untracked, record_one, record_saving,
    record_scalar_output, record_unary_output, record_unary_saving_output, Untracked,
};
pub(crate) use rule::{AccumulateGrad, Rule};
pub use rule::{BackwardCtx, BackwardFn, InputGrads};
pub use saved::SavedTensor;

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

/// Where gradients for `t` flow: its `grad_fn`, its `AccumulateGrad` node if it is a leaf
/// flagged with `requires_grad_(true)`, or nowhere (also for a view made in no-grad mode, which
/// requires grad only as its base does, as in PyTorch).
pub(crate) fn gradient_edge(t: &Tensor) -> Option<Edge> {
    if let Some(edge) = t.grad_edge() {
        return Some(edge);
    }
    if !t.flagged_requires_grad() {
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
