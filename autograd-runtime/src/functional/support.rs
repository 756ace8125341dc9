//! The steps `autograd::functional` is built from, after PyTorch's helpers of the same
//! purpose (`_grad_preprocess`, `_validate_v`, `_autograd_grad`, `_fill_in_zeros`,
//! `_grad_postprocess`), plus the Jacobian loop.

use crate::autograd_fns::grad;
use crate::error::AutogradError;
use crate::Tensor;

/// The handles `f` sees (PyTorch's `_grad_preprocess`): with `create_graph`, an input that
/// requires grad is aliased through a recorded view so results flow back to it; otherwise a
/// detached leaf that requires grad.
/// PRECONDITION: grad mode is on.
#[track_caller]
pub(super) fn prepare(op: &str, inputs: &[Tensor], create_graph: bool) -> Vec<Tensor> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, x)| {
            if !x.dtype().is_floating_point() {
                panic!(
                    "{op}: input {i} has dtype {} (shape {:?}), expected a floating point tensor",
                    x.dtype(),
                    x.shape()
                );
            }
            if create_graph && x.requires_grad() {
                x.reshape(x.shape())
            } else {
                x.detach().requires_grad_(true)
            }
        })
        .collect()
}

/// Panics unless `v` holds one tensor of each of `like`'s shapes (PyTorch's `_validate_v`).
#[track_caller]
pub(super) fn check_v(op: &str, what: &str, v: &[Tensor], like: &[Tensor]) {
    if v.len() != like.len() {
        panic!(
            "{op}: v holds {} tensors but {what} are {}: pass one tensor per entry",
            v.len(),
            like.len()
        );
    }
    for (i, (v, like)) in v.iter().zip(like).enumerate() {
        if v.shape() != like.shape() {
            panic!(
                "{op}: entry {i} of v has invalid size: should be {:?} (the shape of {what}) but got {:?}",
                like.shape(),
                v.shape()
            );
        }
    }
}

/// `f(inputs)`, which must have a single element.
#[track_caller]
pub(super) fn scalar_output(
    op: &str,
    f: &impl Fn(&[Tensor]) -> Tensor,
    inputs: &[Tensor],
) -> Tensor {
    let out = f(inputs);
    if out.numel() != 1 {
        panic!(
            "{op}: the tensor returned by the function given to {op} should contain a single element, but it has shape {:?}",
            out.shape()
        );
    }
    out
}

/// `autograd::grad` of the outputs that exist and require grad (PyTorch's `_autograd_grad`):
/// `None` for every input when no output does, and `None` for unused inputs.
pub(super) fn grad_of(
    outputs: &[Option<Tensor>],
    grad_outputs: Option<&[Tensor]>,
    inputs: &[Tensor],
    create_graph: bool,
) -> Result<Vec<Option<Tensor>>, AutogradError> {
    let mut outs = Vec::new();
    let mut seeds = Vec::new();
    for (i, out) in outputs.iter().enumerate() {
        if let Some(out) = out.as_ref().filter(|o| o.requires_grad()) {
            outs.push(out);
            seeds.extend(grad_outputs.map(|g| &g[i]));
        }
    }
    if outs.is_empty() {
        return Ok(vec![None; inputs.len()]);
    }
    let inputs: Vec<&Tensor> = inputs.iter().collect();
    let builder = grad(&outs, &inputs)
        .retain_graph(true)
        .create_graph(create_graph)
        .allow_unused(true);
    match grad_outputs {
        Some(_) => builder.grad_outputs(&seeds).run(),
        None => builder.run(),
    }
}

/// Zeros of `refs[i]`'s shape and dtype for each `None` (PyTorch's `_fill_in_zeros`), every
/// result detached unless `create_graph`.
pub(super) fn zeros_for_none(
    grads: Vec<Option<Tensor>>,
    refs: &[Tensor],
    create_graph: bool,
) -> Vec<Tensor> {
    grads
        .into_iter()
        .zip(refs)
        .map(|(g, r)| finish(g.unwrap_or_else(|| r.zeros_like()), create_graph))
        .collect()
}

/// Detaches `t` unless the caller asked for a graph (PyTorch's `_grad_postprocess`).
pub(super) fn finish(t: Tensor, create_graph: bool) -> Tensor {
    if create_graph {
        t
    } else {
        t.detach()
    }
}

/// One Jacobian block per input of `out` (one backward per element of `out`); `op` and `what`
/// name the caller and `out` in the panic message.
///
/// # Panics
/// When `out` has no elements: PyTorch stacks one gradient per element of `out` and fails
/// with "stack expects a non-empty TensorList" (whatever the inputs, even with none of them
/// empty); an input with no elements is fine, its block has shape `out.shape + [.., 0, ..]`.
#[track_caller]
pub(super) fn jacobian_of(
    op: &str,
    what: &str,
    out: &Tensor,
    inputs: &[Tensor],
    create_graph: bool,
) -> Result<Vec<Tensor>, AutogradError> {
    let n = out.numel();
    if n == 0 {
        panic!(
            "{op}: stack expects a non-empty TensorList ({what} has shape {:?}, with no elements: there is no row of the Jacobian to stack)",
            out.shape()
        );
    }
    let mut rows: Vec<Vec<Tensor>> = vec![Vec::with_capacity(n); inputs.len()];
    for j in 0..n {
        let mut onehot = vec![0.0; n];
        onehot[j] = 1.0;
        let seed = Tensor::from_vec(onehot, out.shape()).to_dtype(out.dtype());
        let grads = grad_of(&[Some(out.clone())], Some(&[seed]), inputs, create_graph)?;
        for (row, g) in rows
            .iter_mut()
            .zip(zeros_for_none(grads, inputs, create_graph))
        {
            row.push(g);
        }
    }
    Ok(rows
        .iter()
        .zip(inputs)
        .map(|(rows, x)| {
            let shape: Vec<usize> = out.shape().iter().chain(x.shape()).copied().collect();
            stack_rows(rows, &shape, x, create_graph)
        })
        .collect())
}

/// Stacks `rows` (each of `like`'s shape and dtype) into a tensor of `shape`. Rows that carry a
/// graph enter as `e_j ⊗ row_j` so the result stays differentiable; the others as plain values.
fn stack_rows(rows: &[Tensor], shape: &[usize], like: &Tensor, create_graph: bool) -> Tensor {
    let (n, m) = (rows.len(), like.numel());
    let mut values = vec![0.0; n * m];
    let mut with_graph = Vec::new();
    for (j, row) in rows.iter().enumerate() {
        if create_graph && row.requires_grad() {
            with_graph.push(j);
        } else {
            values[j * m..(j + 1) * m].copy_from_slice(&row.to_vec());
        }
    }
    let mut block = Tensor::from_vec(values, &[n, m]).to_dtype(like.dtype());
    for j in with_graph {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        let e = Tensor::from_vec(e, &[n, 1]).to_dtype(like.dtype());
        block = block + e * rows[j].reshape(&[1, m]);
    }
    block.reshape(shape)
}
