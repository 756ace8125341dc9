//! `tensor.grad_fn`: a public handle on the node that created a tensor.

use super::Node;
use crate::tensor::Tensor;
use std::sync::Arc;

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
