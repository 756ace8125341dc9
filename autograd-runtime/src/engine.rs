//! The backward walk: dependency counting, a ready stack, and the chain-rule loop.
//!
//! It knows nothing about particular ops: each node's rule maps incoming gradients to
//! gradients for its inputs, and the engine routes and sums them.

use crate::error::AutogradError;
use crate::grad_mode::GradModeGuard;
use crate::graph::{BackwardCtx, Edge, Node};
use crate::graph_walk::{Pending, Walk, NO_CHILD};
use crate::hooks::{run_leaf_hooks, run_output_hooks};
use crate::tensor::{AutogradMeta, Tensor};
use crate::DType;
use smallvec::SmallVec;
use std::sync::Arc;
use std::sync::Weak;

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

/// Runs a backward.
/// PRECONDITION: each root gradient has its root's shape and a floating dtype.
/// POSTCONDITION: on `Ok`, leaves (backward mode) and retained non-leaves hold their summed
/// gradients, and in capture mode the result holds one entry per captured edge; on `Err`, no
/// `.grad()` has changed (writes are committed only after the whole walk succeeded).
pub(crate) fn execute(request: Request) -> Result<Vec<Option<Tensor>>, AutogradError> {
    let _mode = GradModeGuard::new(request.create_graph);
    let create_graph = request.create_graph;
    let mut walk = Walk::discover(request.roots.iter().map(|(e, _)| &e.node));
    let needed = request.capture.as_deref().map(|c| needed_nodes(&walk, c));
    let captures: Vec<Option<(usize, usize)>> = request
        .capture
        .iter()
        .flatten()
        .map(|e| {
            e.as_ref()
                .and_then(|e| walk.position(&e.node).map(|i| (i, e.slot)))
        })
        .collect();
    // In capture mode only the nodes leading to a captured edge run, and gradients reach only
    // them and the captured nodes: as in PyTorch, other nodes' hooks and `retain_grad`s do
    // not fire (and no work is spent on them). A single root is reached all the same: PyTorch
    // starts from its node (with several roots, from a graph root above them), so the root's
    // hooks and `retain_grad` see the gradient even when nothing captured lies behind it.
    let reached = needed.as_ref().map(|needed| {
        let mut reached = needed.clone();
        for &(i, _) in captures.iter().flatten() {
            reached[i] = true;
        }
        if let [root] = walk.roots[..] {
            reached[root] = true;
        }
        reached
    });

    let mut pending = std::mem::take(&mut walk.pending);
    for (k, (edge, grad)) in request.roots.iter().enumerate() {
        let i = walk.roots[k];
        add_gradient(&mut pending[i], edge, grad.clone(), create_graph);
        if walk.dependencies[i] == 0 && !walk.ready.contains(&i) {
            walk.ready.push(i);
        }
    }

    let mut captured: Vec<Option<Tensor>> = vec![None; captures.len()];
    let mut leaf_updates: SmallVec<[(Tensor, Tensor); 4]> = SmallVec::new();
    let mut retained_updates: Vec<(Weak<AutogradMeta>, DType, Tensor)> = Vec::new();

    while let Some(i) = walk.ready.pop() {
        let node = walk.nodes[i];
        let mut grads = std::mem::take(&mut pending[i]);
        if reached.as_ref().is_some_and(|reached| !reached[i]) {
            release_dependencies(&mut walk, i, node);
            continue;
        }
        match node.rule.leaf() {
            Some(leaf) => {
                if let Some(g) = grads.first_mut().and_then(Option::take) {
                    grads[0] = Some(run_leaf_hooks(leaf, g));
                }
            }
            None => retained_updates.extend(run_output_hooks(node, &mut grads)),
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
        match node.rule.leaf() {
            Some(leaf) => {
                if request.capture.is_none() {
                    if let Some(g) = grads.into_iter().next().flatten() {
                        leaf_updates.push((leaf.clone(), g));
                    }
                }
            }
            None => {
                let input_grads = run_node(node, grads, &request)?;
                for (k, (edge, grad)) in node.next.iter().zip(input_grads).enumerate() {
                    let (Some(edge), Some(grad)) = (edge, grad) else {
                        continue;
                    };
                    let j = walk.child(i, k);
                    if reached.as_ref().is_some_and(|reached| !reached[j]) {
                        continue;
                    }
                    add_gradient(&mut pending[j], edge, grad, create_graph);
                }
                release_dependencies(&mut walk, i, node);
            }
        }
    }
    walk.pending = pending;
    walk.recycle();

    for (leaf, grad) in leaf_updates {
        accumulate(leaf.inner.meta_or_init(), leaf.dtype(), grad, create_graph);
    }
    for (meta, dtype, grad) in retained_updates {
        if let Some(meta) = meta.upgrade() {
            accumulate_retained(&meta, dtype, grad);
        }
    }
    Ok(captured)
}

/// Node `i` has run (or was skipped): its children wait for one input edge less.
fn release_dependencies(walk: &mut Walk<'_>, i: usize, node: &Node) {
    for k in 0..node.next.len() {
        let j = walk.child(i, k);
        if j != NO_CHILD {
            walk.dependencies[j] -= 1;
            if walk.dependencies[j] == 0 {
                walk.ready.push(j);
            }
        }
    }
}

/// Calls one node's rule on its incoming gradients (missing ones materialised as zeros).
fn run_node(
    node: &Arc<Node>,
    grads: Pending,
    request: &Request,
) -> Result<crate::graph::InputGrads, AutogradError> {
    let mut incoming = grads.into_iter();
    // Pushed one by one: `collect` into a small vector costs more than the one or two items.
    let mut grads: SmallVec<[Tensor; 1]> = SmallVec::new();
    for meta in &node.outputs {
        grads.push(
            incoming
                .next()
                .flatten()
                .unwrap_or_else(|| Tensor::full_dtype(&meta.shape, 0.0, meta.dtype)),
        );
    }
    let ctx = BackwardCtx {
        node,
        create_graph: request.create_graph,
    };
    let free = !request.retain_graph && node.saves_tensors;
    let input_grads = node.rule.run(&ctx, &grads, free)?;
    if input_grads.len() != node.next.len() {
        return Err(AutogradError::WrongGradientCount {
            node: node.name.to_string(),
            expected: node.next.len(),
            got: input_grads.len(),
        });
    }
    for (index, (edge, grad)) in node.next.iter().zip(&input_grads).enumerate() {
        let (Some(edge), Some(grad)) = (edge, grad) else {
            continue;
        };
        let expected = &edge.node.outputs[edge.slot].shape;
        if !same_shape(grad.shape(), expected) {
            return Err(AutogradError::InvalidGradient {
                node: node.name.to_string(),
                index,
                reason: format!(
                    "got {:?} but expected shape compatible with {:?}",
                    grad.shape(),
                    expected
                ),
            });
        }
    }
    crate::anomaly::check_gradients(node, &input_grads)?;
    Ok(input_grads)
}

/// Adds `grad` into the pending gradient of `edge`'s node and slot, converting it to the dtype
/// that slot holds.
/// PRECONDITION: `grad` has the shape of that slot (roots are checked by the callers, rule
/// results by `run_node`).
fn add_gradient(slots: &mut Pending, edge: &Edge, grad: Tensor, create_graph: bool) {
    let meta = &edge.node.outputs[edge.slot];
    debug_assert!(same_shape(grad.shape(), &meta.shape));
    let grad = in_dtype(grad, meta.dtype);
    if slots.is_empty() {
        for _ in 0..edge.node.outputs.len() {
            slots.push(None);
        }
    }
    let entry = &mut slots[edge.slot];
    *entry = Some(match entry.take() {
        None => grad,
        Some(mut sum) => {
            // Nobody else can see a uniquely owned, graph-free sum: add into it in place.
            if !create_graph && sum.add_assign_owned(&grad) {
                sum
            } else {
                &sum + &grad
            }
        }
    });
}

/// `.grad += grad` for the tensor of `meta` (of `dtype`), in place unless the new gradient
/// carries a graph.
fn accumulate(meta: &AutogradMeta, dtype: DType, grad: Tensor, create_graph: bool) {
    let grad = in_dtype(grad, dtype);
    let mut slot = meta.grad.lock();
    *slot = Some(match slot.take() {
        None if create_graph => grad,
        // A fresh buffer: later in-place updates must not reach tensors the rules returned.
        // No view marks either (a rule's `reshape` ran in no-grad mode): PyTorch's `.grad` is
        // a detached tensor.
        None if grad.is_exclusive() => grad.into_gradient(),
        None => grad.detach().deep_clone(),
        Some(existing) if create_graph => &existing + &grad,
        Some(existing) => {
            existing.add_assign_raw(&grad);
            existing
        }
    });
}

/// `.grad = grad.clone()`, then `.grad = .grad + grad`, for a non-leaf that retains its
/// gradient: PyTorch's `retain_grad` hook. Both are recorded when the backward is
/// (`create_graph`: `CloneBackward0`, then `AddBackward0`); otherwise the sum is a new tensor
/// with no history, even when the previous one had one.
/// PRECONDITION: grad mode is the backward's `create_graph`.
fn accumulate_retained(meta: &AutogradMeta, dtype: DType, grad: Tensor) {
    let grad = in_dtype(grad, dtype);
    let mut slot = meta.grad.lock();
    *slot = Some(match slot.take() {
        None => recorded_copy(&grad),
        Some(existing) => &existing + &grad,
    });
}

/// `grad` in `dtype`, the dtype of the slot or tensor it is added to (unchanged when it is).
fn in_dtype(grad: Tensor, dtype: DType) -> Tensor {
    if grad.dtype() == dtype {
        grad
    } else {
        grad.to_dtype(dtype)
    }
}

/// A copy of `grad` in fresh storage (`grad.clone()`), recorded as `CloneBackward0` when grad
/// mode is on and `grad` requires grad.
fn recorded_copy(grad: &Tensor) -> Tensor {
    let copy = grad.deep_clone();
    crate::graph::record_unary_output("CloneBackward0", &[grad], copy, || {
        |_, g: &Tensor| Ok(smallvec::smallvec![Some(g.clone())])
    })
}

/// In capture mode, the nodes worth running: those with an input edge leading to a captured
/// edge.
fn needed_nodes(walk: &Walk<'_>, capture: &[Option<Edge>]) -> Vec<bool> {
    let mut reaches = vec![false; walk.nodes.len()];
    for edge in capture.iter().flatten() {
        if let Some(i) = walk.position(&edge.node) {
            reaches[i] = true;
        }
    }
    let mut needed = vec![false; walk.nodes.len()];
    for i in walk.children_first() {
        if walk
            .children(i)
            .iter()
            .any(|&c| c != NO_CHILD && reaches[c])
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
