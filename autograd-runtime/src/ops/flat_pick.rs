//! Picking elements at flat positions and adding them back into zeros: the kernels under
//! narrow, slice, index_select, gather (`indexing.rs`), max_dim and max (`select.rs`), each
//! recorded as the PyTorch op it stands for.
//!
//! A pick ([`Tensor::take_flat`]) has as backward a scatter into zeros at the same positions
//! ([`Tensor::scatter_flat_as`]), whose own backward is the pick again, so gradients of any
//! order flow. Both are named as PyTorch names the op its formula calls (`slice_backward` is
//! `SliceBackwardBackward0`, `index_add` `IndexAddBackward0`, ...), so a gradient recorded
//! under `create_graph` has PyTorch's nodes.

use super::backward_node::record_into_zeros;
use super::indexing::float_kernel;
use crate::dtype::Float;
use crate::graph::{note_saved_value, record_unary_output};
use crate::shape::numel;
use crate::storage::Buffer;
use crate::Tensor;
use std::sync::Arc;

/// The elements of `buffer` at `positions`, any dtype.
fn take(buffer: &Buffer, positions: &[usize]) -> Buffer {
    match buffer {
        Buffer::F32(v) => Buffer::F32(positions.iter().map(|&i| v[i]).collect()),
        Buffer::F64(v) => Buffer::F64(positions.iter().map(|&i| v[i]).collect()),
        Buffer::Bool(v) => Buffer::Bool(positions.iter().map(|&i| v[i]).collect()),
    }
}

/// `len` zeros with `values[i]` added at `targets[i]` (`add`), or written there: a written
/// `-0.0` stays `-0.0` where adding it to `+0.0` would give `+0.0`, as PyTorch's copy into
/// zeros (`slice_backward`, `scatter`) differs from its `scatter_add`.
fn scatter_into_zeros<T: Float>(values: &[T], targets: &[usize], len: usize, add: bool) -> Vec<T> {
    let mut out = vec![T::zero(); len];
    for (&t, &v) in targets.iter().zip(values) {
        out[t] = if add { out[t] + v } else { v };
    }
    out
}

/// An op picking elements at flat positions, named as PyTorch's node for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pick {
    /// `gather` (`GatherBackward0`, saves its index).
    Gather,
    /// `index_select` (`IndexSelectBackward0`, saves its index).
    IndexSelect,
    /// `narrow` and `slice` (`SliceBackward0`, keeps only numbers).
    Slice,
    /// `select` and `stack`'s backward (`SelectBackward0`, keeps only numbers).
    Select,
    /// `masked_select` (`MaskedSelectBackward0`, saves its mask).
    MaskedSelect,
}

impl Pick {
    /// PyTorch's node name.
    fn name(self) -> &'static str {
        match self {
            Pick::Gather => "GatherBackward0",
            Pick::IndexSelect => "IndexSelectBackward0",
            Pick::Slice => "SliceBackward0",
            Pick::Select => "SelectBackward0",
            Pick::MaskedSelect => "MaskedSelectBackward0",
        }
    }

    /// The op of its backward, which adds the gradient back into zeros.
    fn backward(self) -> Scatter {
        match self {
            Pick::Gather => Scatter::Add,
            Pick::IndexSelect => Scatter::IndexAdd,
            Pick::Slice => Scatter::Slice,
            Pick::Select => Scatter::Select,
            Pick::MaskedSelect => Scatter::Masked,
        }
    }
}

/// An op adding (or writing) elements into zeros at flat positions, named as the PyTorch op
/// that does it in a backward formula, so a gradient recorded under `create_graph` has
/// PyTorch's node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scatter {
    /// `zeros.scatter_add(dim, index, g)` (`ScatterAddBackward0`): `gather`'s backward.
    Add,
    /// `zeros.scatter(dim, index, g)` (`ScatterBackward0`): `max_dim`'s and `min_dim`'s.
    Overwrite,
    /// `zeros.index_add(dim, index, g)` (`IndexAddBackward0`): `index_select`'s.
    IndexAdd,
    /// `slice_backward(g, ..)` (`SliceBackwardBackward0`, no zeros input): `narrow`'s and
    /// `slice`'s.
    Slice,
    /// `select_backward(g, ..)` (`SelectBackwardBackward0`, no zeros input): `select`'s.
    Select,
    /// `zeros.masked_scatter(mask, g)` (`MaskedScatterBackward0`): `masked_select`'s.
    Masked,
}

impl Scatter {
    /// PyTorch's node name.
    fn name(self) -> &'static str {
        match self {
            Scatter::Add => "ScatterAddBackward0",
            Scatter::Overwrite => "ScatterBackward0",
            Scatter::IndexAdd => "IndexAddBackward0",
            Scatter::Slice => "SliceBackwardBackward0",
            Scatter::Select => "SelectBackwardBackward0",
            Scatter::Masked => "MaskedScatterBackward0",
        }
    }

    /// The pick of its backward (derivatives.yaml: the gradient read at the same positions).
    fn backward(self) -> Pick {
        match self {
            Scatter::Add | Scatter::Overwrite => Pick::Gather,
            Scatter::IndexAdd => Pick::IndexSelect,
            Scatter::Slice => Pick::Slice,
            Scatter::Select => Pick::Select,
            Scatter::Masked => Pick::MaskedSelect,
        }
    }
}

impl Tensor {
    /// The elements of `self` at flat `positions`, shaped `shape`, recorded as `pick`; the
    /// backward scatters the gradient back ([`Tensor::scatter_flat_as`]).
    /// PRECONDITION: every position is `< self.numel()`; `numel(shape) == positions.len()`.
    #[track_caller]
    pub(crate) fn take_flat(
        &self,
        positions: Arc<[usize]>,
        shape: Vec<usize>,
        pick: Pick,
    ) -> Tensor {
        let out = Tensor::from_buffer(take(&self.buffer(), &positions), shape);
        let input_shape = self.shape().to_vec();
        record_unary_output(pick.name(), &[self], out, || {
            // `gather`, `index_select` and `masked_select` save their index (or mask), a
            // tensor in PyTorch; slices and selects keep only numbers.
            if !matches!(pick, Pick::Slice | Pick::Select) {
                note_saved_value();
            }
            move |_, g| {
                Ok(smallvec::smallvec![Some(g.scatter_flat_as(
                    pick.backward(),
                    positions.clone(),
                    input_shape.clone()
                ))])
            }
        })
    }

    /// Zeros of `shape` with element `i` of `self` added at flat position `targets[i]`
    /// (`ScatterAddBackward0`); see [`Tensor::scatter_flat_as`].
    #[track_caller]
    pub(crate) fn scatter_flat(&self, targets: Arc<[usize]>, shape: Vec<usize>) -> Tensor {
        self.scatter_flat_as(Scatter::Add, targets, shape)
    }

    /// Zeros of `shape` with element `i` of `self` added at flat position `targets[i]`,
    /// recorded as the PyTorch op `op` (a node with a first edge to nowhere for the zeros,
    /// except `slice_backward`'s and `select_backward`'s); its backward picks the gradient at `targets` again.
    /// PRECONDITION: `targets.len() == self.numel()`; every target is `< numel(shape)`.
    #[track_caller]
    pub(crate) fn scatter_flat_as(
        &self,
        op: Scatter,
        targets: Arc<[usize]>,
        shape: Vec<usize>,
    ) -> Tensor {
        let len = numel(&shape);
        let add = matches!(op, Scatter::Add | Scatter::IndexAdd);
        let buffer = float_kernel!("scatter_add", self, |v| scatter_into_zeros(
            v, &targets, len, add
        ));
        let out = Tensor::from_buffer(buffer, shape);
        let source_shape = self.shape().to_vec();
        let pick_back = move |g: &Tensor| {
            let picked = g.take_flat(targets.clone(), source_shape.clone(), op.backward());
            if op == Scatter::IndexAdd {
                // `grad.index_select(dim, index).expand_as(source)`, as derivatives.yaml.
                return picked.expand(&source_shape);
            }
            picked
        };
        if matches!(op, Scatter::Slice | Scatter::Select) {
            return record_unary_output(op.name(), &[self], out, || {
                move |_, g| Ok(smallvec::smallvec![Some(pick_back(g))])
            });
        }
        record_into_zeros(op.name(), self, out, || {
            // The index (or mask) is a tensor PyTorch saves.
            note_saved_value();
            move |_, g| Ok(pick_back(g))
        })
    }
}
