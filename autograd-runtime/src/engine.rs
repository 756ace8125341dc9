//! The backward walk: dependency counting, a ready stack, and the chain-rule loop.
//!
//! It knows nothing about particular ops: each node's rule maps incoming gradients to
//! gradients for its inputs, and the engine routes and sums them.

use crate::error::AutogradError;
use crate::grad_mode::GradModeGuard;
use crate::graph::{BackwardCtx, Edge, Node, NodeKind};
use crate::hooks::{run_leaf_hooks, run_output_hooks};
use crate::tensor::{Tensor, TensorImpl};
use smallvec::SmallVec;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Weak};

/// Where each root's gradient enters the graph, with that gradient (inline for a few roots).
pub(crate) type Roots = SmallVec<[(Edge, Tensor); 2]>;

/// One backward run.
pub(crate) struct Request {
    /// Where each root's gradient enters the graph, with that gradient.
    pub(crate) roots: Roots,
    pub(crate) retain_graph: bool,
    pub(crate) create_graph: bool,
    /// `autograd::grad` mode: the gradient edges of the inputs whose gradients are returned;
    /// nothing is accumulated into `.grad()`. `None` is `backward` mode.
    pub(crate) capture: Option<Vec<Option<Edge>>>,
}

type NodeId = *const Node;

/// Hashes node addresses with one multiply: they are unique and well spread, so SipHash's
/// protection buys nothing on this hot path.
#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64 >> 4).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type BuildAddressHasher = std::hash::BuildHasherDefault<AddressHasher>;
type NodeMap<V> = HashMap<NodeId, V, BuildAddressHasher>;
type NodeSet = HashSet<NodeId, BuildAddressHasher>;

fn id(node: &Arc<Node>) -> NodeId {
    Arc::as_ptr(node)
}

/// Positions of the nodes of one backward in its post-order: per-run state lives in vectors
/// indexed by position. Small graphs (the common case) are searched linearly, which beats
/// hashing for a few dozen nodes.
struct NodeIndex {
    ids: Small<NodeId>,
    map: Option<NodeMap<usize>>,
}

impl NodeIndex {
    const LINEAR_LIMIT: usize = 32;

    fn new(order: &[Arc<Node>]) -> NodeIndex {
        let ids: Small<NodeId> = order.iter().map(id).collect();
        let map = (ids.len() > Self::LINEAR_LIMIT)
            .then(|| ids.iter().enumerate().map(|(i, &n)| (n, i)).collect());
        NodeIndex { ids, map }
    }

    /// PRECONDITION: `node` is in the order this index was built from.
    fn of(&self, node: &Arc<Node>) -> usize {
        let wanted = id(node);
        match &self.map {
            Some(map) => map[&wanted],
            None => self
                .ids
                .iter()
                .position(|&n| n == wanted)
                .expect("node in the walk"),
        }
    }
}

/// Per-run lists, inline for the small graphs most backwards walk (no allocation).
type Small<T> = SmallVec<[T; 16]>;

/// The gradients arriving at one node, one entry per output (empty until the first arrives).
type Pending = SmallVec<[Option<Tensor>; 1]>;

/// Runs a backward.
/// PRECONDITION: each root gradient has its root's shape and a floating dtype.
/// POSTCONDITION: on `Ok`, leaves (backward mode) and retained non-leaves hold their summed
/// gradients, and in capture mode the result holds one entry per captured edge; on `Err`, no
/// `.grad()` has changed (writes are committed only after the whole walk succeeded).
pub(crate) fn execute(request: Request) -> Result<Vec<Option<Tensor>>, AutogradError> {
    let _mode = GradModeGuard::new(request.create_graph);
    let create_graph = request.create_graph;
    let order = post_order(request.roots.iter().map(|(e, _)| e.node.clone()));
    let index = NodeIndex::new(&order);
    let needed = request
        .capture
        .as_deref()
        .map(|c| needed_nodes(&order, &index, c));
    let captures: Vec<Option<(usize, usize)>> = request
        .capture
        .iter()
        .flatten()
        .map(|e| {
            e.as_ref()
                .map(|e| (index_if_reached(&index, &e.node), e.slot))
        })
        .map(|e| e.and_then(|(i, slot)| i.map(|i| (i, slot))))
        .collect();

    let mut dependencies: Small<usize> = smallvec::smallvec![0; order.len()];
    for node in &order {
        for edge in node.next.iter().flatten() {
            dependencies[index.of(&edge.node)] += 1;
        }
    }
    let mut pending: Small<Pending> = (0..order.len()).map(|_| Pending::new()).collect();
    let mut ready: Small<usize> = Small::new();
    for (edge, grad) in &request.roots {
        let i = index.of(&edge.node);
        add_gradient(&mut pending[i], edge, grad.clone(), create_graph)?;
        if dependencies[i] == 0 && !ready.contains(&i) {
            ready.push(i);
        }
    }

    let mut captured: Vec<Option<Tensor>> = vec![None; captures.len()];
    let mut leaf_updates: Small<(Tensor, Tensor)> = Small::new();
    let mut retained_updates: Vec<(Weak<TensorImpl>, Tensor)> = Vec::new();

    while let Some(i) = ready.pop() {
        let node = &order[i];
        let mut grads = std::mem::take(&mut pending[i]);
        match &node.kind {
            NodeKind::AccumulateGrad(leaf) => {
                if let Some(g) = grads.first_mut().and_then(Option::take) {
                    grads[0] = Some(run_leaf_hooks(leaf, g));
                }
            }
            NodeKind::Function(_) => retained_updates.extend(run_output_hooks(node, &mut grads)),
        }
        for (k, capture) in captures.iter().enumerate() {
            if let Some((target, slot)) = *capture {
                if target == i {
                    captured[k] = grads.get(slot).cloned().flatten();
                }
            }
        }
        if needed.as_ref().is_some_and(|needed| !needed[i]) {
            continue;
        }
        match &node.kind {
            NodeKind::AccumulateGrad(leaf) => {
                if request.capture.is_none() {
                    if let Some(g) = grads.into_iter().next().flatten() {
                        leaf_updates.push((leaf.clone(), g));
                    }
                }
            }
            NodeKind::Function(rule) => {
                let input_grads = run_node(node, rule, grads, &request)?;
                for (edge, grad) in node.next.iter().zip(input_grads) {
                    let (Some(edge), Some(grad)) = (edge, grad) else {
                        continue;
                    };
                    add_gradient(&mut pending[index.of(&edge.node)], edge, grad, create_graph)?;
                }
                for edge in node.next.iter().flatten() {
                    let j = index.of(&edge.node);
                    dependencies[j] -= 1;
                    if dependencies[j] == 0 {
                        ready.push(j);
                    }
                }
            }
        }
    }

    for (leaf, grad) in leaf_updates {
        accumulate(&leaf, grad, create_graph);
    }
    for (weak, grad) in retained_updates {
        if let Some(inner) = weak.upgrade() {
            accumulate(&Tensor { inner }, grad, create_graph);
        }
    }
    Ok(captured)
}

/// The position of `node` if the walk reaches it (a captured input may be unused).
fn index_if_reached(index: &NodeIndex, node: &Arc<Node>) -> Option<usize> {
    let wanted = id(node);
    match &index.map {
        Some(map) => map.get(&wanted).copied(),
        None => index.ids.iter().position(|&n| n == wanted),
    }
}

/// Calls one node's rule on its incoming gradients (missing ones materialised as zeros).
fn run_node(
    node: &Node,
    slot: &parking_lot::Mutex<Option<crate::graph::BackwardFn>>,
    grads: Pending,
    request: &Request,
) -> Result<crate::graph::InputGrads, AutogradError> {
    let grads: SmallVec<[Tensor; 1]> = node
        .outputs
        .iter()
        .enumerate()
        .map(|(i, meta)| {
            grads
                .get(i)
                .cloned()
                .flatten()
                .unwrap_or_else(|| Tensor::full_dtype(&meta.shape, 0.0, meta.dtype))
        })
        .collect();
    let ctx = BackwardCtx {
        node,
        create_graph: request.create_graph,
    };
    let input_grads = if request.retain_graph || !node.saves_tensors {
        let guard = slot.lock();
        let rule = guard.as_ref().ok_or_else(|| AutogradError::GraphFreed {
            node: node.name.to_string(),
        })?;
        rule(&ctx, &grads)?
    } else {
        let rule = slot
            .lock()
            .take()
            .ok_or_else(|| AutogradError::GraphFreed {
                node: node.name.to_string(),
            })?;
        rule(&ctx, &grads)?
    };
    if input_grads.len() != node.next.len() {
        return Err(AutogradError::InvalidGradient {
            node: node.name.to_string(),
            index: input_grads.len(),
            reason: format!(
                "expected {} gradients, got {}",
                node.next.len(),
                input_grads.len()
            ),
        });
    }
    crate::anomaly::check_gradients(node, &input_grads)?;
    Ok(input_grads)
}

/// Adds `grad` into the pending gradient of `edge`'s node and slot, converting it to the dtype
/// that slot holds.
fn add_gradient(
    slots: &mut Pending,
    edge: &Edge,
    grad: Tensor,
    create_graph: bool,
) -> Result<(), AutogradError> {
    let meta = &edge.node.outputs[edge.slot];
    if !same_shape(grad.shape(), &meta.shape) {
        return Err(AutogradError::InvalidGradient {
            node: edge.node.name.to_string(),
            index: edge.slot,
            reason: format!(
                "got a gradient of shape {:?} but expected shape {:?}",
                grad.shape(),
                meta.shape
            ),
        });
    }
    let grad = if grad.dtype() == meta.dtype {
        grad
    } else {
        grad.to_dtype(meta.dtype)
    };
    if slots.is_empty() {
        slots.resize(edge.node.outputs.len(), None);
    }
    let entry = &mut slots[edge.slot];
    *entry = Some(match entry.take() {
        None => grad,
        // Nobody else can see a uniquely owned, graph-free sum: add into it in place.
        Some(sum) if !create_graph && sum.is_exclusive() => {
            sum.add_assign_raw(&grad);
            sum
        }
        Some(sum) => &sum + &grad,
    });
    Ok(())
}

/// `.grad += grad`, in place unless the new gradient carries a graph.
fn accumulate(target: &Tensor, grad: Tensor, create_graph: bool) {
    let grad = if grad.dtype() == target.dtype() {
        grad
    } else {
        grad.to_dtype(target.dtype())
    };
    let mut slot = target.inner.grad.lock();
    *slot = Some(match slot.take() {
        None if create_graph => grad,
        // A fresh buffer: later in-place updates must not reach tensors the rules returned.
        None if grad.is_exclusive() => grad,
        None => grad.detach().deep_clone(),
        Some(existing) if create_graph => &existing + &grad,
        Some(existing) => {
            existing.add_assign_raw(&grad);
            existing
        }
    });
}

/// Every node reachable from `roots`, children before parents (iterative: deep graphs are fine).
fn post_order(roots: impl Iterator<Item = Arc<Node>>) -> Small<Arc<Node>> {
    let mut order = Small::new();
    let mut seen = Seen::default();
    let mut stack: Small<(Arc<Node>, usize)> = Small::new();
    for root in roots {
        if seen.insert(id(&root)) {
            stack.push((root, 0));
        }
        while let Some((node, next_child)) = stack.pop() {
            if next_child < node.next.len() {
                let child = node.next[next_child].as_ref().map(|e| e.node.clone());
                stack.push((node, next_child + 1));
                if let Some(child) = child {
                    if seen.insert(id(&child)) {
                        stack.push((child, 0));
                    }
                }
            } else {
                order.push(node);
            }
        }
    }
    order
}

/// The nodes a walk has met: a short list searched linearly, switching to a hash set once the
/// graph is large.
#[derive(Default)]
struct Seen {
    few: Small<NodeId>,
    many: Option<NodeSet>,
}

impl Seen {
    /// Adds `node`; false when it was already there.
    fn insert(&mut self, node: NodeId) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(node);
        }
        if self.few.contains(&node) {
            return false;
        }
        self.few.push(node);
        if self.few.len() > NodeIndex::LINEAR_LIMIT {
            self.many = Some(self.few.drain(..).collect());
        }
        true
    }
}

/// In capture mode, the nodes worth running: those with an input edge leading to a captured
/// edge (by position in `order`, which lists children before parents).
fn needed_nodes(order: &[Arc<Node>], index: &NodeIndex, capture: &[Option<Edge>]) -> Vec<bool> {
    let mut reaches = vec![false; order.len()];
    for edge in capture.iter().flatten() {
        if let Some(i) = index_if_reached(index, &edge.node) {
            reaches[i] = true;
        }
    }
    let mut needed = vec![false; order.len()];
    for (i, node) in order.iter().enumerate() {
        if node
            .next
            .iter()
            .flatten()
            .any(|e| reaches[index.of(&e.node)])
        {
            needed[i] = true;
            reaches[i] = true;
        }
    }
    needed
}

/// Shape equality without a call into `memcmp` (shapes are a handful of dims).
fn same_shape(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}
