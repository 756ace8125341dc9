//! How a backward computed under `create_graph` is recorded as PyTorch records it: ONE node
//! named after the backward function (`TanhBackwardBackward0`, `SliceBackwardBackward0`,
//! `IndexAddBackward0`, ...) rather than the primitive ops the formula is made of, so
//! `grad_fn().name()` and `next_functions()` of a gradient match torch's.

use crate::error::AutogradError;
use crate::grad_mode::no_grad;
use crate::graph::{
    needs_grad, record_beside_untracked, record_one, BackwardCtx, InputGrads, SavedTensor,
    Untracked,
};
use crate::Tensor;
use smallvec::SmallVec;

/// A backward formula recorded as one node named `name`, as PyTorch records the backward
/// functions it differentiates (`tanh_backward(grad, result)` is `TanhBackwardBackward0`,
/// with edges to `grad`'s node and `result`'s, in that order).
///
/// `value` computes the formula from `inputs` (the incoming gradient first, then the tensors
/// it reads) with recording off. `backward` is the new node's own rule: from its incoming
/// gradient and the tensors in `saved` (those it reads, as PyTorch saves them, handed back
/// with their history), the gradient of each input. It records through ops (and through this
/// function again), so every order of derivative flows.
///
/// POSTCONDITION: with grad mode on and an input requiring grad, the result's `grad_fn` is
/// `name` with one edge per input; otherwise only `value` ran.
#[track_caller]
pub(crate) fn record_formula<V, B>(
    name: &'static str,
    inputs: &[&Tensor],
    saved: &[&Tensor],
    value: V,
    backward: B,
) -> Tensor
where
    V: FnOnce(&[&Tensor]) -> Tensor,
    B: Fn(&BackwardCtx<'_>, &Tensor, &[Tensor]) -> Result<InputGrads, AutogradError>
        + Send
        + Sync
        + 'static,
{
    let out = no_grad(|| value(inputs));
    if !needs_grad(inputs) {
        return out;
    }
    let saved: SmallVec<[SavedTensor; 2]> = saved.iter().map(|t| SavedTensor::new(t)).collect();
    let rule = move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| {
        let values = (saved.iter().map(|s| s.get(ctx))).collect::<Result<Vec<_>, _>>()?;
        backward(ctx, &grads[0], &values)
    };
    record_one(name, inputs, out, rule)
}

/// Records `output`, computed from `input` as PyTorch computes it on a fresh tensor of zeros
/// (`zeros.scatter_add_(dim, index, g)`, `zeros.index_add_(..)`, `zeros.masked_fill_(mask, g)`),
/// as one node named `name`: the zeros take no gradient, so the first input edge leads
/// nowhere (`next_functions` is `[(None, 0), (input's node, 0)]`). `backward` gives `input`'s
/// gradient from the node's incoming one.
#[track_caller]
pub(crate) fn record_into_zeros<F>(
    name: &'static str,
    input: &Tensor,
    output: Tensor,
    backward: impl FnOnce() -> F,
) -> Tensor
where
    F: Fn(&BackwardCtx<'_>, &Tensor) -> Result<Tensor, AutogradError> + Send + Sync + 'static,
{
    record_beside_untracked(name, Untracked::First, input, output, backward)
}
