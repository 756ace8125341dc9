//! Which nodes fuse, which are live, and what the backward needs from the forward.
//!
//! # Fusion
//! A *chain* is a maximal set of elementwise nodes (operators, unary math, `pow`) whose
//! values nothing outside the set reads, with one *root* whose value leaves it, optionally
//! ended by a `sum()`/`mean()` (then the reduction is the root). Walking the nodes backwards,
//! an elementwise node joins the chain of its readers when all of them are in one chain and
//! it is not itself returned. A chain reads its *leaves* (inputs or other nodes' values): when
//! they all have one shape and one float dtype at run time, the forward is one loop and the
//! backward another (see `fused`), otherwise the chain runs op by op.
//!
//! # Saving
//! Each node's adjoint reads some values (a product reads both factors, `exp` its own result)
//! and some shapes (a broadcast sum reads its operands' shapes). Out of a chain these are
//! saved as tensors or as shapes; a chain saves its leaves (its loops read them), and, when
//! it ran op by op, the values and shapes its members' adjoints need.

use std::collections::BTreeSet;

use super::graph::{Graph, Node, NodeId, Operand};
use crate::ops::{Layout, Reduction};
use crate::scalar::rules::UnaryFn;
use crate::scalar::BinaryOp;

/// A fused chain.
pub struct Chain {
    pub root: NodeId,
    /// The members in evaluation order, the root last.
    pub members: Vec<NodeId>,
    /// The tensors the chain reads, in order of first use.
    pub leaves: Vec<NodeId>,
    /// `sum` or `mean` when the root is one.
    pub end: Option<Reduction>,
    /// The members whose value (or shape) the op-by-op adjoints read, root included.
    pub fallback_saves: Vec<NodeId>,
}

/// What the forward emits, in order: a node op by op, or a whole chain (at its root).
pub enum Unit {
    Single(NodeId),
    Chain(Chain),
}

pub struct Plan {
    pub units: Vec<Unit>,
    /// Whether a returned value depends on the node (only those get an adjoint).
    pub live: Vec<bool>,
    /// Whether a live op reads the node: for an input, whether a result the node computes
    /// (not the input returned as it is) depends on it.
    pub read: Vec<bool>,
    /// Values saved as tensors for the backward (outside chains' members).
    pub saved_values: BTreeSet<NodeId>,
    /// Shapes saved for the backward, of nodes whose value is not saved.
    pub saved_shapes: BTreeSet<NodeId>,
}

/// What one node's adjoint reads: values and shapes of its operands or of itself.
#[derive(Default)]
pub struct Reads {
    pub values: Vec<NodeId>,
    pub shapes: Vec<NodeId>,
}

pub fn reads(graph: &Graph, n: NodeId) -> Reads {
    let mut reads = Reads::default();
    match &graph.nodes[n] {
        Node::Input { .. } => {}
        Node::Binary(op, a, b) => match (op, a, b) {
            (BinaryOp::Add | BinaryOp::Sub, Operand::Node(a), Operand::Node(b)) => {
                reads.shapes = vec![*a, *b];
            }
            (BinaryOp::Mul | BinaryOp::Div, Operand::Node(a), Operand::Node(b)) => {
                reads.values = vec![*a, *b];
            }
            // `s / x`: d/dx = -s / x^2.
            (BinaryOp::Div, Operand::Scalar(_), Operand::Node(a)) => reads.values = vec![*a],
            _ => {}
        },
        Node::Unary(f, a, _) => match f {
            UnaryFn::Neg => {}
            UnaryFn::Exp | UnaryFn::Sqrt | UnaryFn::Tanh | UnaryFn::Sigmoid => {
                reads.values = vec![n];
            }
            UnaryFn::Ln | UnaryFn::Sin | UnaryFn::Cos | UnaryFn::Abs | UnaryFn::Relu => {
                reads.values = vec![*a];
            }
        },
        Node::Pow(a, _) => reads.values = vec![*a],
        Node::Reduce(r, a, ..) => match r {
            Reduction::Norm => reads.values = vec![*a, n],
            Reduction::Sum | Reduction::Mean | Reduction::SumDim | Reduction::MeanDim => {
                reads.shapes = vec![*a];
            }
        },
        Node::MatMul(a, b) => reads.values = vec![*a, *b],
        Node::Layout(l, a, ..) => match l {
            Layout::T | Layout::Transpose => {}
            Layout::Reshape | Layout::Unsqueeze | Layout::Squeeze => reads.shapes = vec![*a],
        },
    }
    reads
}

pub fn plan(graph: &Graph) -> Plan {
    let count = graph.nodes.len();
    let mut readers: Vec<Vec<NodeId>> = vec![Vec::new(); count];
    for (n, node) in graph.nodes.iter().enumerate() {
        for a in node.operands() {
            if !readers[a].contains(&n) {
                readers[a].push(n);
            }
        }
    }
    let returned = |n: NodeId| graph.outputs.contains(&n);

    let mut live = vec![false; count];
    let mut read = vec![false; count];
    for n in (0..count).rev() {
        read[n] = readers[n].iter().any(|&r| live[r]);
        live[n] = returned(n) || read[n];
    }

    // The chain (by root) of every node, assigned readers first.
    let mut chain_of: Vec<Option<NodeId>> = vec![None; count];
    for n in (0..count).rev() {
        let node = &graph.nodes[n];
        if node.chain_end().is_some() {
            chain_of[n] = Some(n);
        } else if node.is_elementwise() {
            let first = readers[n].first().and_then(|&r| chain_of[r]);
            let joins =
                !returned(n) && first.is_some() && readers[n].iter().all(|&r| chain_of[r] == first);
            chain_of[n] = if joins { first } else { Some(n) };
        }
    }
    // A reduction whose operand did not join stays a plain node.
    for n in 0..count {
        if graph.nodes[n].chain_end().is_some() && !(0..n).any(|m| chain_of[m] == Some(n)) {
            chain_of[n] = None;
        }
    }

    let mut units = Vec::new();
    for n in 0..count {
        match chain_of[n] {
            _ if matches!(graph.nodes[n], Node::Input { .. }) => {}
            None => units.push(Unit::Single(n)),
            Some(root) if root == n => units.push(Unit::Chain(chain(graph, &chain_of, n))),
            Some(_) => {}
        }
    }

    let mut saved_values = BTreeSet::new();
    let mut saved_shapes = BTreeSet::new();
    for unit in &units {
        match unit {
            Unit::Single(n) if live[*n] => {
                let r = reads(graph, *n);
                saved_values.extend(r.values);
                saved_shapes.extend(r.shapes);
            }
            Unit::Chain(c) if live[c.root] => saved_values.extend(c.leaves.iter().copied()),
            _ => {}
        }
    }
    saved_shapes.retain(|n| !saved_values.contains(n));
    Plan {
        units,
        live,
        read,
        saved_values,
        saved_shapes,
    }
}

fn chain(graph: &Graph, chain_of: &[Option<NodeId>], root: NodeId) -> Chain {
    let members: Vec<NodeId> = (0..=root).filter(|&m| chain_of[m] == Some(root)).collect();
    let mut leaves = Vec::new();
    for &m in &members {
        for a in graph.nodes[m].operands() {
            if chain_of[a] != Some(root) && !leaves.contains(&a) {
                leaves.push(a);
            }
        }
    }
    let mut fallback_saves = BTreeSet::new();
    for &m in &members {
        let r = reads(graph, m);
        fallback_saves.extend(r.values.into_iter().chain(r.shapes));
    }
    Chain {
        root,
        end: graph.nodes[root].chain_end(),
        fallback_saves: fallback_saves
            .into_iter()
            .filter(|n| members.contains(n))
            .collect(),
        members,
        leaves,
    }
}
