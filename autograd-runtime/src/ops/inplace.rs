//! In-place ops: `add_`, `sub_`, `mul_`, `div_`, `zero_`, `fill_`, `copy_`, `clamp_`.
//!
//! They overwrite the tensor's storage, which bumps its version counter (shared by every tensor
//! on that storage: `detach()`, `reshape`, ...). A backward that saved the old values then
//! fails with PyTorch's "modified by an inplace operation" error instead of computing wrong
//! gradients.
//!
//! With grad mode on:
//! - a leaf that requires grad is refused, as PyTorch does (update parameters in `no_grad`);
//! - on a tensor that is part of a graph, or with an operand that requires grad, the op
//!   rebases the tensor's history onto its own node, as PyTorch does (`y = x * 2; y.mul_(3)`
//!   gives `y.grad_fn()` `MulBackward0` and `x.grad` 6; `zero_`/`fill_` give
//!   `ZeroBackward0`/`FillBackward2`, `copy_` `CopyBackwards`). It is refused when the
//!   storage is shared with another tensor (a view, a `detach()`, a value saved for
//!   backward), whose history could not follow: use the out-of-place op there;
//! - on a view (see `shape_ops.rs`), what PyTorch refuses is refused with its sentence: a view
//!   made in no-grad mode (or a view of one) when the op would be recorded, a view of a leaf
//!   that requires grad, and a piece of `split`/`chunk` that requires grad.
//!
//! In any grad mode, the output of a view op that returns a copy here (`t`, `transpose`,
//! `narrow`, `slice`, `expand`/`broadcast_to`, `split`, `chunk`), and every storage-sharing
//! view of it, is refused: PyTorch's write would reach the view's input, this one would not
//! (PyTorch's own refusal of a broadcasting `expand`, whose elements repeat, comes first).

use super::compare::CompareOperand;
use crate::grad_mode::{is_grad_enabled, no_grad};
use crate::graph::{
    needs_grad, record_one, record_unary_output, BackwardCtx, BackwardFn, SavedTensor,
};
use crate::shape::{broadcast_error, broadcast_shapes, pytorch_suffix, ShapeVec};
use crate::storage::Buffer;
use crate::Tensor;

/// The arithmetic of `add_`, `sub_`, `mul_` and `div_`.
#[derive(Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

impl Arith {
    /// The out-of-place op (recorded as usual).
    #[track_caller]
    fn apply(self, a: &Tensor, b: &Tensor) -> Tensor {
        match self {
            Arith::Add => a.add(b),
            Arith::Sub => a.sub(b),
            Arith::Mul => a.mul(b),
            Arith::Div => a.div(b),
        }
    }

    /// The node PyTorch records for the op, in place or not.
    fn node(self) -> &'static str {
        match self {
            Arith::Add => "AddBackward0",
            Arith::Sub => "SubBackward0",
            Arith::Mul => "MulBackward0",
            Arith::Div => "DivBackward0",
        }
    }

    /// `a op b` computed in the promoted dtype and stored in `a`'s narrower dtype (a float32
    /// `a` with a float64 `b`), recorded as one node on `a` and `b` whose output is float32:
    /// PyTorch's in-place kernel casts the result back with no `_to_copy` node, and its
    /// engine hands each operand its gradient in its own dtype.
    #[track_caller]
    fn narrowing(self, a: &Tensor, b: &Tensor) -> Tensor {
        let out = no_grad(|| self.apply(&a.detach(), &b.detach()).to_dtype(a.dtype()));
        if !needs_grad(&[a, b]) {
            return out;
        }
        // add and sub need no operand values (nothing saved, as PyTorch); mul and div both.
        let saved = matches!(self, Arith::Mul | Arith::Div)
            .then(|| (SavedTensor::new(a), SavedTensor::new(b)));
        let (shape_a, shape_b) = (
            ShapeVec::from_slice(a.shape()),
            ShapeVec::from_slice(b.shape()),
        );
        let backward = move |ctx: &BackwardCtx<'_>, grads: &[Tensor]| {
            let g = &grads[0];
            let needs = [ctx.needs_input_grad(0), ctx.needs_input_grad(1)];
            let operands = match &saved {
                Some((sa, sb)) => Some((sa.get(ctx)?, sb.get(ctx)?)),
                None => None,
            };
            // The out-of-place ops' rules (binary.rs), then summed back to each shape.
            let [ga, gb] = match (self, &operands) {
                (Arith::Add, _) => [needs[0].then(|| g.clone()), needs[1].then(|| g.clone())],
                (Arith::Sub, _) => [needs[0].then(|| g.clone()), needs[1].then(|| g.neg())],
                (Arith::Mul, Some((a, b))) => {
                    [needs[0].then(|| g.mul(b)), needs[1].then(|| g.mul(a))]
                }
                (Arith::Div, Some((a, b))) => [
                    needs[0].then(|| g.div(b)),
                    needs[1].then(|| g.neg().mul(&a.div(b).div(b))),
                ],
                _ => unreachable!("mul and div save their operands"),
            };
            Ok(smallvec::smallvec![
                ga.map(|g| g.sum_to_size(&shape_a)),
                gb.map(|g| g.sum_to_size(&shape_b)),
            ])
        };
        record_one(self.node(), &[a, b], out, backward)
    }
}

/// PyTorch's sentence for `dst.copy_(src)` when `src` does not broadcast to `dst`'s shape: the
/// autograd layer refuses a leaf that requires grad first; then the copy's iterator broadcasts
/// `dst` with `src` and wants the result to keep `dst`'s shape.
fn copy_mismatch(dst: &Tensor, src: &Tensor) -> String {
    let records = is_grad_enabled() && (dst.requires_grad() || src.requires_grad());
    if records && dst.view_flags().no_grad_mode() {
        return dst.no_grad_view_sentence();
    }
    if is_grad_enabled() && dst.is_leaf() && dst.requires_grad() {
        return "a leaf Variable that requires grad is being used in an in-place operation."
            .to_string();
    }
    broadcast_error(dst.shape(), src.shape()).unwrap_or_else(|| {
        let shape = broadcast_shapes(dst.shape(), src.shape()).unwrap_or_default();
        format!(
            "output with shape {:?} doesn't match the broadcast shape {:?}",
            dst.shape(),
            shape.as_slice()
        )
    })
}

/// The out-of-place way to compute what the in-place op `op` computes.
fn out_of_place(op: &str) -> &'static str {
    match op {
        "add_" => "`add`",
        "sub_" => "`sub`",
        "mul_" => "`mul`",
        "div_" => "`div`",
        "clamp_" => "`clamp`",
        "fill_" => "`full_like`",
        "zero_" => "`zeros_like`",
        _ => "`expand` of the source",
    }
}

/// A node's name as PyTorch 2.15 prints it in its messages about views: without `Backward`
/// and a `0` after it (`SplitBackward0` is `Split`, `MinBackward1` is `Min1`).
pub(crate) fn torch_node_name(name: &str) -> String {
    match name.rsplit_once("Backward") {
        Some((op, "0")) => op.to_string(),
        Some((op, n)) if n.bytes().all(|b| b.is_ascii_digit()) => format!("{op}{n}"),
        _ => name.to_string(),
    }
}

impl Tensor {
    /// Whether an in-place op on `self` must be recorded (rebasing `self`'s history); panics
    /// when it may not write `self` at all (see the module docs).
    #[track_caller]
    fn inplace_records(&self, op: &str, operand: Option<&Tensor>) -> bool {
        let grad_mode = is_grad_enabled();
        let records =
            grad_mode && (self.requires_grad() || operand.is_some_and(Tensor::requires_grad));
        // PyTorch's `check_inplace`: the view's own refusal comes before the leaf's (a view
        // made in no-grad mode of a tensor that requires grad is a leaf that requires grad).
        if records && self.view_flags().no_grad_mode() {
            panic!(
                "{op}: {} (shape {:?})",
                self.no_grad_view_sentence(),
                self.shape()
            );
        }
        if grad_mode && self.is_leaf() && self.requires_grad() {
            panic!(
                "{op}: a leaf Variable that requires grad is being used in an in-place operation. (shape {:?}; update it inside no_grad(|| ...))",
                self.shape()
            );
        }
        self.check_view_write(op, grad_mode);
        records
    }

    /// PyTorch's sentence refusing a recorded in-place change of this view made in no-grad
    /// mode, or of a view (with a `grad_fn`) of one (`handle_view_on_rebase`).
    fn no_grad_view_sentence(&self) -> String {
        let subject = match self.grad_edge() {
            Some(edge) => format!(
                "Output {} of {} is a view of a view which was created in no_grad mode",
                edge.slot,
                torch_node_name(&edge.node.name)
            ),
            None => "A view was created in no_grad mode".to_string(),
        };
        format!(
            "{subject} and is being modified inplace with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
        )
    }

    /// Panics when `self` is a view PyTorch would not write in place (with its sentence), or
    /// a copy made by a view op, whose write would not reach the view's input as PyTorch's
    /// does. In PyTorch's order: its autograd checks (grad mode only), then its kernel's.
    #[track_caller]
    fn check_view_write(&self, op: &str, grad_mode: bool) {
        let view = self.view_flags();
        if grad_mode && view.multi_output() {
            let (node, slot) = self
                .grad_edge()
                .map(|edge| (torch_node_name(&edge.node.name), edge.slot))
                .expect("a piece that requires grad has a node");
            panic!(
                "{op}: Output {slot} of {node} is a view and is being modified inplace. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one. (shape {:?})",
                self.shape()
            );
        }
        if grad_mode && view.of_leaf() {
            panic!(
                "{op}: a view of a leaf Variable that requires grad is being used in an in-place operation. (shape {:?}; update the leaf itself inside no_grad(|| ...))",
                self.shape()
            );
        }
        let Some(copied_by) = view.copied_by() else {
            return;
        };
        let name = copied_by.name();
        if view.overlaps() && !matches!(op, "fill_" | "zero_") {
            panic!(
                "{op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation. (shape {:?}, made by `{name}`, which repeats elements; `deep_clone()` makes an independent copy)",
                self.shape()
            );
        }
        panic!(
            "{op}: this tensor (shape {:?}) was made by `{name}`, which in this library returns a copy of its input's elements, not a view of them as in PyTorch: the in-place write would not reach the input, as it would in PyTorch. Write into the input itself, use the out-of-place {} instead, or call `deep_clone()` first to make an independent tensor (outside the graph)",
            self.shape(),
            out_of_place(op)
        );
    }

    /// `value` everywhere, recorded as a node (`name`) whose gradient to `self` is zero.
    #[track_caller]
    fn filled(&self, name: &'static str, value: f64) -> Tensor {
        let out = self.full_like(value);
        record_unary_output(name, &[self], out, || {
            |_, g| Ok(smallvec::smallvec![Some(g.zeros_like())])
        })
    }

    /// `src` broadcast to `self`'s shape and dtype, recorded as `CopyBackwards`: the gradient
    /// goes to `src` (summed back to its shape), none to the overwritten `self`.
    #[track_caller]
    fn copied_from(&self, src: &Tensor) -> Tensor {
        let out = no_grad(|| src.detach().expand(self.shape()).to_dtype(self.dtype()));
        if !needs_grad(&[self, src]) {
            return out;
        }
        let (src_shape, src_dtype) = (src.shape().to_vec(), src.dtype());
        let backward: BackwardFn = Box::new(move |ctx, grads| {
            let g = &grads[0];
            let to_self = ctx.needs_input_grad(0).then(|| g.zeros_like());
            let to_src = ctx
                .needs_input_grad(1)
                .then(|| g.sum_to_size(&src_shape).to_dtype(src_dtype));
            Ok(smallvec::smallvec![to_self, to_src])
        });
        record_one("CopyBackwards", &[self, src], out, backward)
    }

    /// The recorded form of an in-place op: computes `op(self)` from a snapshot of `self`
    /// (keeping its history), writes the result into `self`'s storage and makes the result's
    /// node `self`'s history.
    #[track_caller]
    fn rebase_inplace(&self, op: &str, compute: impl FnOnce(&Tensor) -> Tensor) -> &Tensor {
        if !self.inner.storage.is_unique() {
            panic!(
                "{op}: this tensor shares its storage with another tensor (a view, a detach(), or a value saved for backward), whose history cannot follow an in-place change; use the out-of-place op (shape {:?})",
                self.shape()
            );
        }
        let result = compute(&self.snapshot()).to_dtype(self.dtype());
        let edge = result.grad_edge();
        *self.inner.storage.write() = result.buffer().pooled_clone();
        if let Some(edge) = edge {
            self.rebase_history(edge);
        }
        self
    }

    #[track_caller]
    fn check_floating(&self, op: &str) {
        if !self.dtype().is_floating_point() {
            panic!(
                "{op}: expected a floating point tensor but got dtype {} (shape {:?})",
                self.dtype(),
                self.shape()
            );
        }
    }

    /// Replaces the elements with `result`'s (computed outside any graph, same shape),
    /// converted to this tensor's dtype; bumps the version.
    fn assign(&self, result: Tensor) -> &Tensor {
        debug_assert_eq!(result.shape(), self.shape());
        let result = no_grad(|| result.to_dtype(self.dtype()));
        // A fresh result is moved in; one some other handle can see is copied.
        let unshared = result.inner.is_unique() && result.inner.storage.is_unique();
        let buffer = if unshared {
            std::mem::replace(&mut *result.inner.storage.write(), Buffer::Bool(Vec::new()))
        } else {
            result.buffer().clone()
        };
        *self.inner.storage.write() = buffer;
        self
    }

    /// `self = self op other` for an elementwise op whose broadcast shape must be `self`'s.
    #[track_caller]
    fn binary_inplace(&self, op: &str, other: Tensor, arith: Arith) -> &Tensor {
        self.check_floating(op);
        let records = self.inplace_records(op, Some(&other));
        let shape = broadcast_shapes(self.shape(), other.shape());
        if shape.as_deref() != Some(self.shape()) {
            match shape {
                Some(shape) => panic!(
                    "{op}: output with shape {:?} doesn't match the broadcast shape {:?} (of self {:?} and other {:?})",
                    self.shape(),
                    shape.as_slice(),
                    self.shape(),
                    other.shape()
                ),
                None => panic!(
                    "{op}: self {:?} and other {:?} do not broadcast, so the output cannot keep self's shape{}",
                    self.shape(),
                    other.shape(),
                    pytorch_suffix(broadcast_error(self.shape(), other.shape()))
                ),
            }
        }
        if records {
            let narrows = other.dtype().is_floating_point()
                && self.dtype().promote(other.dtype()) != self.dtype();
            if narrows {
                return self.rebase_inplace(op, |old| arith.narrowing(old, &other));
            }
            return self.rebase_inplace(op, |old| arith.apply(old, &other));
        }
        let result = no_grad(|| arith.apply(&self.detach(), &other.detach()));
        self.assign(result)
    }

    /// `self += other` in place (a tensor that broadcasts to `self`'s shape, or a number);
    /// returns `self`.
    ///
    /// # Panics
    /// See the module docs for when in-place ops are refused; also when `other` does not
    /// broadcast to `self`'s shape. Every in-place op refuses the output of a view op that
    /// returns a copy here (`t`, `transpose`, `narrow`, `slice`, `expand`, `broadcast_to`,
    /// `split`, `split_with_sizes`, `chunk`) and its reshapes, squeezes and `detach()`:
    /// PyTorch's write would reach the view's input, this one would not. Write the input
    /// itself, use the out-of-place op, or `deep_clone()` the copy first.
    ///
    /// ```
    /// use autograd::{no_grad, Tensor};
    /// let w = Tensor::ones(&[2]).requires_grad_(true);
    /// (&w * 3.0).sum().backward();
    /// // an SGD step: parameters are updated under no_grad
    /// no_grad(|| w.sub_(&(w.grad().unwrap() * 0.1)));
    /// assert!((w.to_vec()[0] - 0.7).abs() < 1e-6);
    /// assert_eq!(w.version(), 1);
    /// ```
    #[track_caller]
    pub fn add_(&self, other: impl CompareOperand) -> &Tensor {
        self.binary_inplace("add_", other.into_operand(self), Arith::Add)
    }

    /// `self -= other` in place; see [`Tensor::add_`].
    #[track_caller]
    pub fn sub_(&self, other: impl CompareOperand) -> &Tensor {
        self.binary_inplace("sub_", other.into_operand(self), Arith::Sub)
    }

    /// `self *= other` in place; see [`Tensor::add_`].
    #[track_caller]
    pub fn mul_(&self, other: impl CompareOperand) -> &Tensor {
        self.binary_inplace("mul_", other.into_operand(self), Arith::Mul)
    }

    /// `self /= other` in place; see [`Tensor::add_`].
    #[track_caller]
    pub fn div_(&self, other: impl CompareOperand) -> &Tensor {
        self.binary_inplace("div_", other.into_operand(self), Arith::Div)
    }

    /// Sets every element to `value` in place; returns `self`.
    ///
    /// ```
    /// use autograd::Tensor;
    /// let t = Tensor::zeros(&[2]);
    /// t.fill_(7.0);
    /// assert_eq!(t.to_vec(), vec![7.0, 7.0]);
    /// ```
    #[track_caller]
    pub fn fill_(&self, value: f64) -> &Tensor {
        if self.inplace_records("fill_", None) {
            // PyTorch's `fill_.Scalar` entry, the third `fill` one: FillBackward2.
            return self.rebase_inplace("fill_", |old| old.filled("FillBackward2", value));
        }
        *self.inner.storage.write() = Buffer::filled(self.dtype(), self.numel(), value);
        self
    }

    /// Sets every element to zero in place (e.g. a gradient buffer); returns `self`.
    #[track_caller]
    pub fn zero_(&self) -> &Tensor {
        if self.inplace_records("zero_", None) {
            return self.rebase_inplace("zero_", |old| old.filled("ZeroBackward0", 0.0));
        }
        *self.inner.storage.write() = Buffer::filled(self.dtype(), self.numel(), 0.0);
        self
    }

    /// Copies `src` (broadcast to `self`'s shape, converted to `self`'s dtype) into `self`;
    /// returns `self`.
    ///
    /// # Panics
    /// When `src` does not broadcast to `self`'s shape, or as the module docs say.
    ///
    /// ```
    /// use autograd::{tensor, Tensor};
    /// let t = Tensor::zeros(&[2, 2]);
    /// t.copy_(&tensor![1., 2.]);
    /// assert_eq!(t.to_vec(), vec![1., 2., 1., 2.]);
    /// ```
    #[track_caller]
    pub fn copy_(&self, src: &Tensor) -> &Tensor {
        if broadcast_shapes(src.shape(), self.shape()).as_deref() != Some(self.shape()) {
            panic!(
                "copy_: the size of src {:?} must be broadcastable to self {:?}: {}",
                src.shape(),
                self.shape(),
                copy_mismatch(self, src)
            );
        }
        if self.inplace_records("copy_", Some(src)) {
            return self.rebase_inplace("copy_", |old| old.copied_from(src));
        }
        let result = no_grad(|| src.detach().expand(self.shape()));
        self.assign(result)
    }

    /// Clamps every element to `[min, max]` in place (see [`Tensor::clamp`]); returns `self`.
    #[track_caller]
    pub fn clamp_(&self, min: f64, max: f64) -> &Tensor {
        self.check_floating("clamp_");
        if self.inplace_records("clamp_", None) {
            return self.rebase_inplace("clamp_", |old| old.clamp(min, max));
        }
        let result = no_grad(|| self.detach().clamp(min, max));
        self.assign(result)
    }
}
