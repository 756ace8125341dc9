//! Freeing graphs without recursion.
//!
//! Dropping a node drops its edges and its backward rule (whose saved tensors hold earlier
//! nodes), which drops those nodes, and so on: a chain of 10,000 ops would recurse 10,000
//! frames deep and overflow the stack. Instead the outermost node drop on a thread drains a
//! queue, and every node dropped meanwhile only moves its parts onto that queue.

use crate::graph::Edge;
use smallvec::SmallVec;
use std::cell::{Cell, RefCell};

/// What a dropped node owned that leads to further nodes: its edges. Held only to be dropped
/// at the right moment. (Its rule stays in the node: the tensors the rule saved are the
/// node's inputs, whose nodes these edges hold, so dropping the rule frees no node.)
pub(crate) struct NodeParts(#[allow(dead_code)] pub(crate) SmallVec<[Option<Edge>; 2]>);

thread_local! {
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    static QUEUE: RefCell<Vec<NodeParts>> = const { RefCell::new(Vec::new()) };
}

/// Drops `parts`, iteratively across the whole graph they free.
/// POSTCONDITION: everything only reachable through `parts` is freed before returning (or,
/// when called during another node's drop, by the outermost drop on this thread).
pub(crate) fn release(parts: NodeParts) {
    let nested = DRAINING.try_with(|d| d.replace(true)).unwrap_or(false);
    if nested {
        let queued = QUEUE.try_with(|q| q.borrow_mut().push(parts));
        // During thread teardown the queue may be gone: the parts were moved in or are dropped
        // here, recursively, which is all that can be done then.
        let _ = queued;
        return;
    }
    drop(parts);
    loop {
        let next = QUEUE.try_with(|q| q.borrow_mut().pop()).ok().flatten();
        match next {
            Some(parts) => drop(parts),
            None => break,
        }
    }
    let _ = DRAINING.try_with(|d| d.set(false));
}
