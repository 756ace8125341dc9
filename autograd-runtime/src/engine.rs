//! The backward walk: dependency counting, a ready stack, and the chain-rule loop.
//!
//! It knows nothing about particular ops: each node's rule maps incoming gradients to
//! gradients for its inputs, and the engine routes and sums them.

use crate::error::AutogradError;
use crate::grad_mode::GradModeGuard;
use crate::graph::{BackwardCtx, Edge, Node, NodeKind};
use crate::hooks::{run_leaf_hooks, run_output_hooks};
use crate::tensor::{Tensor, TensorImpl};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Weak};

/// One backward run.
pub(crate) struct Request {
    /// Where each root's gradient enters the graph, with that gradient.
    pub(crate) roots: Vec<(Edge, Tensor)>,
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

/// Runs a backward.
/// PRECONDITION: each root gradient has its root's shape and a floating dtype.
/// POSTCONDITION: on `Ok`, leaves (backward mode) and retained non-leaves hold their summed
/// gradients, and in capture mode the result holds one entry per captured edge; on `Err`, no
/// `.grad()` has changed (writes are committed only after the whole walk succeeded).
pub(crate) fn execute(request: Request) -> Result<Vec<Option<Tensor>>, AutogradError> {
    let _mode = GradModeGuard::new(request.create_graph);
    let order = post_order(request.roots.iter().map(|(e, _)| e.node.clone()));
    let needed = needed_nodes(&order, request.capture.as_deref());
    let mut dependencies: NodeMap<usize> =
        NodeMap::with_capacity_and_hasher(order.len(), Default::default());
    for node in &order {
        for edge in node.next.iter().flatten() {
            *dependencies.entry(id(&edge.node)).or_insert(0) += 1;
        }
    }

    let mut pending: NodeMap<Vec<Option<Tensor>>> = NodeMap::default();
    for (edge, grad) in &request.roots {
        add_gradient(&mut pending, edge, grad.clone(), request.create_graph)?;
    }
    let mut ready: Vec<Arc<Node>> = Vec::new();
    for (edge, _) in &request.roots {
        let node_id = id(&edge.node);
        if dependencies.get(&node_id).copied().unwrap_or(0) == 0
            && !ready.iter().any(|n| id(n) == node_id)
        {
            ready.push(edge.node.clone());
        }
    }

    let mut captured: Vec<Option<Tensor>> = request
        .capture
        .as_ref()
        .map(|c| vec![None; c.len()])
        .unwrap_or_default();
    let mut leaf_updates: Vec<(Tensor, Tensor)> = Vec::new();
    let mut retained_updates: Vec<(Weak<TensorImpl>, Tensor)> = Vec::new();

    while let Some(node) = ready.pop() {
        let node_id = id(&node);
        let mut grads = pending.remove(&node_id).unwrap_or_default();
        match &node.kind {
            NodeKind::AccumulateGrad(leaf) => {
                if let Some(g) = grads.first_mut().and_then(Option::take) {
                    grads[0] = Some(run_leaf_hooks(leaf, g));
                }
            }
            NodeKind::Function(_) => retained_updates.extend(run_output_hooks(&node, &mut grads)),
        }
        if let Some(capture) = &request.capture {
            for (i, edge) in capture.iter().enumerate() {
                if let Some(edge) = edge {
                    if id(&edge.node) == node_id {
                        captured[i] = grads.get(edge.slot).cloned().flatten();
                    }
                }
            }
        }
        if request.capture.is_some() && !needed.contains(&node_id) {
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
            NodeKind::Function(slot) => {
                let input_grads = run_node(&node, slot, grads, &request)?;
                for (edge, grad) in node.next.iter().zip(input_grads) {
                    let (Some(edge), Some(grad)) = (edge, grad) else {
                        continue;
                    };
                    add_gradient(&mut pending, edge, grad, request.create_graph)?;
                }
                for edge in node.next.iter().flatten() {
                    let count = dependencies
                        .get_mut(&id(&edge.node))
                        .expect("counted above");
                    *count -= 1;
                    if *count == 0 {
                        ready.push(edge.node.clone());
                    }
                }
            }
        }
    }

    for (leaf, grad) in leaf_updates {
        accumulate(&leaf, grad, request.create_graph);
    }
    for (weak, grad) in retained_updates {
        if let Some(inner) = weak.upgrade() {
            accumulate(&Tensor { inner }, grad, request.create_graph);
        }
    }
    Ok(captured)
}

/// Calls one node's rule on its incoming gradients (missing ones materialised as zeros).
fn run_node(
    node: &Node,
    slot: &parking_lot::Mutex<Option<crate::graph::BackwardFn>>,
    grads: Vec<Option<Tensor>>,
    request: &Request,
) -> Result<Vec<Option<Tensor>>, AutogradError> {
    let grads: Vec<Tensor> = node
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
    pending: &mut NodeMap<Vec<Option<Tensor>>>,
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
    let slots = pending
        .entry(id(&edge.node))
        .or_insert_with(|| vec![None; edge.node.outputs.len()]);
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
        None => grad.detach().deep_clone(),
        Some(existing) if create_graph => &existing + &grad,
        Some(existing) => {
            existing.add_assign_raw(&grad);
            existing
        }
    });
}

/// Every node reachable from `roots`, children before parents (iterative: deep graphs are fine).
fn post_order(roots: impl Iterator<Item = Arc<Node>>) -> Vec<Arc<Node>> {
    let mut order = Vec::new();
    let mut seen = NodeSet::default();
    let mut stack: Vec<(Arc<Node>, usize)> = Vec::new();
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

/// In capture mode, the nodes worth running: those with an input edge leading to a captured
/// edge. Empty in backward mode, meaning "all".
fn needed_nodes(order: &[Arc<Node>], capture: Option<&[Option<Edge>]>) -> NodeSet {
    let mut needed = NodeSet::default();
    let Some(capture) = capture else {
        return needed;
    };
    let mut reaches: NodeSet = capture.iter().flatten().map(|e| id(&e.node)).collect();
    for node in order {
        if node
            .next
            .iter()
            .flatten()
            .any(|e| reaches.contains(&id(&e.node)))
        {
            needed.insert(id(node));
            reaches.insert(id(node));
        }
    }
    needed
}

/// Shape equality without a call into `memcmp` (shapes are a handful of dims).
fn same_shape(a: &[usize], b: &[usize]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}
