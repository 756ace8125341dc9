//! Discovering the graph one backward walks: every node reachable from the roots gets a
//! position, and every input edge the position of its node, so the chain-rule loop indexes
//! plain vectors and never searches.
//!
//! A node remembers, in `walk_mark`, the run that last reached it and its position there: a
//! lookup is one load. Two threads walking a shared part of a graph at once can overwrite each
//! other's marks; a walk therefore checks its marks once discovery is done and, if one was
//! disturbed, discovers again with a hash map. The vectors are recycled per thread, so a
//! backward allocates nothing for its bookkeeping once warm.
//!
//! The walk borrows its nodes from the roots' edges (every discovered node is reachable from
//! them, so it lives as long as the request): no reference count moves per node.

use crate::graph::Node;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Marks an input edge that leads nowhere (an input that needs no gradient).
pub(crate) const NO_CHILD: usize = usize::MAX;

/// Bits of a mark holding the position; the run id takes the rest.
const POSITION_BITS: u32 = 24;
const POSITION_MASK: u64 = (1 << POSITION_BITS) - 1;

/// Run ids start at 1, so a fresh node's mark (0) matches no run.
static NEXT_RUN: AtomicU64 = AtomicU64::new(1);

/// A node address (thin: the rule's vtable is not part of its identity).
type NodeId = *const ();

fn id(node: &Node) -> NodeId {
    node as *const Node as *const ()
}

/// The graph of one backward, with the per-run state of the chain-rule loop.
#[derive(Default)]
pub(crate) struct Walk<'a> {
    /// The nodes by position (roots first, then breadth first), as the shared handles of the
    /// edges that reach them (a rule recording its own backward needs its node's handle).
    pub(crate) nodes: Vec<&'a Arc<Node>>,
    /// Node `i`'s input edges lead to `children[child_start[i]..child_start[i + 1]]`.
    child_start: Vec<usize>,
    children: Vec<usize>,
    /// Positions of the roots, in the order given (repeats allowed).
    pub(crate) roots: Vec<usize>,
    /// This run's id, shifted into place for marks.
    run: u64,
    /// Node address to position, when marks cannot be used.
    map: Option<HashMap<NodeId, usize>>,
    /// Per node: how many input edges of not-yet-run nodes still lead to it.
    pub(crate) dependencies: Vec<u32>,
    /// Node positions ready to run (a stack).
    pub(crate) ready: Vec<usize>,
    /// Per node: the gradients that arrived so far, one entry per output (empty until the
    /// first arrives).
    pub(crate) pending: Vec<Pending>,
}

/// The gradients arriving at one node, one entry per output.
pub(crate) type Pending = smallvec::SmallVec<[Option<crate::Tensor>; 1]>;

thread_local! {
    /// A finished walk's vectors (emptied), kept for the next backward on this thread.
    static SPARE: RefCell<Option<Walk<'static>>> = const { RefCell::new(None) };
}

impl<'a> Walk<'a> {
    /// Every node reachable from `roots`, with dependency counts ready for the loop.
    pub(crate) fn discover(roots: impl Iterator<Item = &'a Arc<Node>> + Clone) -> Walk<'a> {
        // An empty `Walk<'static>` is a `Walk<'a>` (the walk is covariant in its lifetime).
        let mut walk: Walk<'a> = SPARE
            .try_with(|s| s.borrow_mut().take())
            .ok()
            .flatten()
            .unwrap_or_default();
        walk.run = NEXT_RUN.fetch_add(1, Ordering::Relaxed) << POSITION_BITS;
        walk.fill(roots.clone());
        if walk.map.is_none() && !walk.marks_intact() {
            walk.clear();
            walk.map = Some(HashMap::new());
            walk.fill(roots);
        }
        walk.dependencies.resize(walk.nodes.len(), 0);
        walk.pending.resize_with(walk.nodes.len(), Pending::new);
        for &child in &walk.children {
            if child != NO_CHILD {
                walk.dependencies[child] += 1;
            }
        }
        walk
    }

    /// The positions of node `i`'s input edges' nodes ([`NO_CHILD`] for an edge to nowhere).
    pub(crate) fn children(&self, i: usize) -> &[usize] {
        &self.children[self.child_start[i]..self.child_start[i + 1]]
    }

    /// The position of input edge `k`'s node of node `i` ([`NO_CHILD`] for none).
    #[inline]
    pub(crate) fn child(&self, i: usize, k: usize) -> usize {
        self.children[self.child_start[i] + k]
    }

    /// The position of `node` if this walk reached it.
    pub(crate) fn position(&self, node: &Node) -> Option<usize> {
        if let Some(map) = &self.map {
            return map.get(&id(node)).copied();
        }
        let mark = node.walk_mark.load(Ordering::Relaxed);
        let by_mark = (mark & !POSITION_MASK == self.run)
            .then_some((mark & POSITION_MASK) as usize)
            .filter(|&i| self.nodes.get(i).is_some_and(|n| id(n) == id(node)));
        // A later walk on another thread may have re-marked the node since.
        by_mark.or_else(|| self.nodes.iter().position(|n| id(n) == id(node)))
    }

    /// Positions with children before parents (for capture mode's pruning).
    pub(crate) fn children_first(&self) -> Vec<usize> {
        // Kahn's algorithm from the roots gives parents first; reversed, children first.
        let mut waiting = self.dependencies.clone();
        let mut ready: Vec<usize> = (0..self.nodes.len()).filter(|&i| waiting[i] == 0).collect();
        let mut order = Vec::with_capacity(self.nodes.len());
        while let Some(i) = ready.pop() {
            order.push(i);
            for &c in self.children(i).iter().filter(|&&c| c != NO_CHILD) {
                waiting[c] -= 1;
                if waiting[c] == 0 {
                    ready.push(c);
                }
            }
        }
        order.reverse();
        order
    }

    /// Gives the vectors back for the next backward on this thread.
    pub(crate) fn recycle(mut self) {
        self.clear();
        let spare = Walk {
            // Empty, so no borrow outlives the walk; collecting in place keeps the allocation.
            nodes: std::mem::take(&mut self.nodes)
                .into_iter()
                .map(|_| -> &'static Arc<Node> { unreachable!("the list was just cleared") })
                .collect(),
            child_start: std::mem::take(&mut self.child_start),
            children: std::mem::take(&mut self.children),
            roots: std::mem::take(&mut self.roots),
            run: 0,
            map: None,
            dependencies: std::mem::take(&mut self.dependencies),
            ready: std::mem::take(&mut self.ready),
            pending: std::mem::take(&mut self.pending),
        };
        let _ = SPARE.try_with(|s| {
            let mut spare_slot = s.borrow_mut();
            if spare_slot.is_none() {
                *spare_slot = Some(spare);
            }
        });
    }

    fn clear(&mut self) {
        self.nodes.clear();
        self.child_start.clear();
        self.children.clear();
        self.roots.clear();
        self.map = None;
        self.dependencies.clear();
        self.ready.clear();
        self.pending.clear();
    }

    /// Breadth-first discovery from `roots`.
    fn fill(&mut self, roots: impl Iterator<Item = &'a Arc<Node>>) {
        for root in roots {
            let r = self.position_or_insert(root);
            self.roots.push(r);
        }
        let mut i = 0;
        while i < self.nodes.len() {
            self.child_start.push(self.children.len());
            let node: &'a Arc<Node> = self.nodes[i];
            for edge in &node.next {
                let child = match edge {
                    Some(edge) => self.position_or_insert(&edge.node),
                    None => NO_CHILD,
                };
                self.children.push(child);
            }
            i += 1;
        }
        self.child_start.push(self.children.len());
    }

    fn position_or_insert(&mut self, node: &'a Arc<Node>) -> usize {
        let next = self.nodes.len();
        if let Some(map) = &mut self.map {
            let i = *map.entry(id(node)).or_insert(next);
            if i == next {
                self.nodes.push(node);
            }
            return i;
        }
        let mark = node.walk_mark.load(Ordering::Relaxed);
        if mark & !POSITION_MASK == self.run {
            return (mark & POSITION_MASK) as usize;
        }
        if next as u64 > POSITION_MASK {
            // Too many nodes for a mark: continue with a map of everything found so far.
            let map = self
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (id(n), i))
                .collect();
            self.map = Some(map);
            return self.position_or_insert(node);
        }
        node.walk_mark
            .store(self.run | next as u64, Ordering::Relaxed);
        self.nodes.push(node);
        next
    }

    /// Whether every node still carries this run's mark for its position (no concurrent walk
    /// disturbed them, so no node was entered twice).
    fn marks_intact(&self) -> bool {
        self.nodes
            .iter()
            .enumerate()
            .all(|(i, n)| n.walk_mark.load(Ordering::Relaxed) == self.run | i as u64)
    }
}

#[cfg(test)]
mod tests {
    use crate::Tensor;

    #[test]
    fn a_shared_subgraph_is_walked_once_per_backward() {
        let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true);
        let y = x.mul_scalar(3.0);
        let z = (&y * &y).sum() + y.sum();
        // Kept: `y`'s node saved the 3 (as PyTorch does) and is walked again below.
        crate::backward(&[&z]).retain_graph(true).run().unwrap();
        // d/dx (sum(9x^2) + sum(3x)) = 18x + 3
        assert_eq!(x.grad().unwrap().to_vec(), vec![21.0, 39.0]);
        // Walk again (new run id): marks of the previous run must not be taken for this one.
        x.zero_grad();
        let w = (&y * 2.0).sum();
        w.backward();
        assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 6.0]);
    }

    /// Threads walking one shared subgraph at once overwrite each other's marks; every
    /// backward must still see each node once (the walk re-discovers with a map then).
    #[test]
    fn concurrent_walks_of_a_shared_subgraph_stay_exact() {
        let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true);
        let y = x.mul_scalar(3.0);
        let per_thread = 500;
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..per_thread {
                        // Three uses of y: its node is reached by several edges per walk.
                        let out = (&y * 2.0).sum() + y.sum() + (&y * 0.5).sum();
                        crate::backward(&[&out]).retain_graph(true).run().unwrap();
                    }
                });
            }
        });
        // Each backward adds 3 * (2 + 1 + 0.5) = 10.5 per element.
        let expected = 4.0 * per_thread as f64 * 10.5;
        assert_eq!(x.grad().unwrap().to_vec(), vec![expected, expected]);
    }
}
