//! `grad_fn` names against PyTorch 2.15.0 (the release on PyPI, the one README's benchmarks
//! name), one test per op or call form.
//!
//! PyTorch names a node `<CamelCaseName>Backward<N>` (`tools/autograd/load_derivatives.py`,
//! `_create_op_prefix` and `op_counter`): the base name of the `derivatives.yaml` entry in
//! CamelCase, and `N` counts the earlier entries with the same base name that have a
//! derivative, in file order (so `sum` is `SumBackward0` and `sum.dim_IntList`, the next
//! `sum` entry, `SumBackward1`; `fill_.Scalar` comes after `fill.Scalar` and `fill.Tensor`,
//! hence `FillBackward2`). `derivatives.yaml:LINE` below is the line of the `- name:` entry in
//! `torchgen/packaged/autograd/derivatives.yaml` of the torch 2.15.0 wheel; every expected name
//! was also printed by torch 2.15.0 itself (`t.grad_fn`) for the equivalent Python call, which
//! the doc comment of each test gives. Nodes written by hand in C++ (`CopyBackwards`,
//! `AccumulateGrad`) have no entry; their Python class names are used (PyTorch's `name()`
//! prefixes them with `torch::autograd::`).
//!
//! Chains are written as PyTorch's `next_functions` tree: `Node(input0, input1, ...)`, with
//! `None` for an input that does not require grad.
//!
//! Tests marked `#[ignore = "mismatch: ..."]` record a difference from PyTorch found by this
//! audit; run them with `cargo test --test grad_fn_name_conformance -- --ignored`.

mod ops_support;

use autograd::nn::{Linear, Module, ReLU, Sigmoid, Tanh};
use autograd::{DType, Tensor};
use ops_support::chain;

/// An F64 leaf requiring grad holding `1, 2, ..., n` in `shape`.
fn seq(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let data: Vec<f64> = (1..=n).map(|i| i as f64).collect();
    Tensor::from_vec(data, shape).requires_grad_(true)
}

/// An F32 leaf requiring grad holding `1, 2, ..., n` in `shape`.
fn seq32(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let data: Vec<f32> = (1..=n).map(|i| i as f32).collect();
    Tensor::from_vec(data, shape).requires_grad_(true)
}

/// An F64 constant (no grad) of `shape` filled with ones.
fn ones64(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::from_vec(vec![1.0f64; n], shape)
}

/// The name of `t.grad_fn()`, or `"None"`.
#[track_caller]
fn name(t: &Tensor) -> String {
    t.grad_fn()
        .map_or_else(|| "None".to_string(), |f| f.name().to_string())
}

/// One test per case: `case!(doc, test_name, "ExpectedName", expression)`.
macro_rules! case {
    ($(#[$meta:meta])* $test:ident, $expected:literal, $body:expr) => {
        $(#[$meta])*
        #[test]
        fn $test() {
            let t: Tensor = $body;
            assert_eq!(name(&t), $expected);
        }
    };
}

/// One chain test per case: `chain_case!(doc, test_name, "Node(...)", expression)`.
macro_rules! chain_case {
    ($(#[$meta:meta])* $test:ident, $expected:literal, $body:expr) => {
        $(#[$meta])*
        #[test]
        fn $test() {
            let t: Tensor = $body;
            assert_eq!(chain(&t), $expected);
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Arithmetic between tensors and with numbers
// ---------------------------------------------------------------------------------------------

case!(
    /// `a + b`: derivatives.yaml:229 `add.Tensor`.
    add_tensor_tensor, "AddBackward0", &seq(&[2]) + &seq(&[2])
);
case!(
    /// `a.add(b)`: derivatives.yaml:229 `add.Tensor`.
    add_method, "AddBackward0", seq(&[2]).add(&seq(&[2]))
);
case!(
    /// `a - b`: derivatives.yaml:1699 `sub.Tensor`.
    sub_tensor_tensor, "SubBackward0", &seq(&[2]) - &seq(&[2])
);
case!(
    /// `a * b`: derivatives.yaml:1251 `mul.Tensor`.
    mul_tensor_tensor, "MulBackward0", &seq(&[2]) * &seq(&[2])
);
case!(
    /// `a / b`: derivatives.yaml:589 `div.Tensor`.
    div_tensor_tensor, "DivBackward0", &seq(&[2]) / &seq(&[2])
);
case!(
    /// `-a`: derivatives.yaml:1324 `neg`.
    neg_operator, "NegBackward0", -&seq(&[2])
);
case!(
    /// `a.neg()`: derivatives.yaml:1324 `neg`.
    neg_method, "NegBackward0", seq(&[2]).neg()
);
case!(
    /// `x + 2.0`: Python wraps the number in a tensor and calls `add.Tensor`
    /// (derivatives.yaml:229), not `add.Scalar`.
    add_scalar_operator, "AddBackward0", &seq(&[2]) + 2.0
);
case!(
    /// `2.0 + x` (`x.__radd__(2.0)`): derivatives.yaml:229 `add.Tensor`.
    scalar_add_operator, "AddBackward0", 2.0 + &seq(&[2])
);
case!(
    /// `x.add(2.0)`: derivatives.yaml:229 `add.Tensor`.
    add_scalar_method, "AddBackward0", seq(&[2]).add_scalar(2.0)
);
case!(
    /// `x - 2.0`: derivatives.yaml:1699 `sub.Tensor` (wrapped number).
    sub_scalar_operator, "SubBackward0", &seq(&[2]) - 2.0
);
case!(
    /// `x.sub(2.0)`: derivatives.yaml:1699 `sub.Tensor`.
    sub_scalar_method, "SubBackward0", seq(&[2]).sub_scalar(2.0)
);
case!(
    /// `2.0 - x` (`torch.rsub(x, 2.0)`): derivatives.yaml:1713 `rsub.Scalar`, the second
    /// `rsub` entry after `rsub.Tensor` (RsubBackward0).
    rsub_operator, "RsubBackward1", 2.0 - &seq(&[2])
);
case!(
    /// `torch.rsub(x, 2.0)`: derivatives.yaml:1713 `rsub.Scalar`.
    rsub_scalar_method, "RsubBackward1", seq(&[2]).rsub_scalar(2.0)
);
case!(
    /// `x * 2.0`: derivatives.yaml:1251 `mul.Tensor` (wrapped number).
    mul_scalar_operator, "MulBackward0", &seq(&[2]) * 2.0
);
case!(
    /// `2.0 * x`: derivatives.yaml:1251 `mul.Tensor`.
    scalar_mul_operator, "MulBackward0", 2.0 * &seq(&[2])
);
case!(
    /// `x.mul(2.0)`: derivatives.yaml:1251 `mul.Tensor`.
    mul_scalar_method, "MulBackward0", seq(&[2]).mul_scalar(2.0)
);
case!(
    /// `x / 2.0`: derivatives.yaml:589 `div.Tensor` (wrapped number), not `div.Scalar`
    /// (DivBackward1).
    div_scalar_operator, "DivBackward0", &seq(&[2]) / 2.0
);
case!(
    /// `x.div(2.0)`: derivatives.yaml:589 `div.Tensor`.
    div_scalar_method, "DivBackward0", seq(&[2]).div_scalar(2.0)
);
case!(
    /// `2.0 / x`: `Tensor.__rdiv__` is `self.reciprocal() * other` (torch/_tensor.py), so the
    /// node is derivatives.yaml:1251 `mul.Tensor`.
    rdiv_operator, "MulBackward0", 2.0 / &seq(&[2])
);
case!(
    /// `x.reciprocal() * 2.0`: derivatives.yaml:1251 `mul.Tensor`.
    rdiv_scalar_method, "MulBackward0", seq(&[2]).rdiv_scalar(2.0)
);
case!(
    /// `x.reciprocal()`: derivatives.yaml:1462 `reciprocal`.
    reciprocal, "ReciprocalBackward0", seq(&[2]).reciprocal()
);
case!(
    /// `float32 + float64` tensors: derivatives.yaml:229 `add.Tensor` (type promotion happens
    /// inside the kernel).
    add_mixed_dtypes, "AddBackward0", &seq32(&[2]) + &seq(&[2])
);

// ---------------------------------------------------------------------------------------------
// Elementwise functions
// ---------------------------------------------------------------------------------------------

case!(
    /// `x.pow(2.0)` and `x ** 2`: derivatives.yaml:1415 `pow.Tensor_Scalar`.
    pow_two, "PowBackward0", seq(&[2]).pow(2.0)
);
case!(
    /// `x.pow(0.5)`: derivatives.yaml:1415 `pow.Tensor_Scalar`.
    pow_half, "PowBackward0", seq(&[2]).pow(0.5)
);
case!(
    /// `x.pow(0.0)`: derivatives.yaml:1415 `pow.Tensor_Scalar` (still recorded).
    pow_zero, "PowBackward0", seq(&[2]).pow(0.0)
);
case!(
    /// `x.exp()`: derivatives.yaml:653 `exp`.
    exp, "ExpBackward0", seq(&[2]).exp()
);
case!(
    /// `x.log()`: derivatives.yaml:976 `log`.
    log, "LogBackward0", seq(&[2]).log()
);
case!(
    /// `x.sqrt()`: derivatives.yaml:1652 `sqrt`.
    sqrt, "SqrtBackward0", seq(&[2]).sqrt()
);
case!(
    /// `x.abs()`: derivatives.yaml:221 `abs`.
    abs, "AbsBackward0", seq(&[2]).abs()
);
case!(
    /// `x.sin()`: derivatives.yaml:1571 `sin`.
    sin, "SinBackward0", seq(&[2]).sin()
);
case!(
    /// `x.cos()`: derivatives.yaml:503 `cos`.
    cos, "CosBackward0", seq(&[2]).cos()
);
case!(
    /// `x.tanh()`: derivatives.yaml:1790 `tanh`.
    tanh, "TanhBackward0", seq(&[2]).tanh()
);
case!(
    /// `x.sigmoid()`: derivatives.yaml:1552 `sigmoid`.
    sigmoid, "SigmoidBackward0", seq(&[2]).sigmoid()
);
case!(
    /// `x.relu()`: derivatives.yaml:2134 `relu`.
    relu, "ReluBackward0", seq(&[2]).relu()
);
case!(
    /// `x.sign()`: derivatives.yaml:1560 `sign`.
    sign, "SignBackward0", seq(&[2]).sign()
);

// ---------------------------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------------------------

case!(
    /// `x.sum()`: derivatives.yaml:1717 `sum`.
    sum_all, "SumBackward0", seq(&[2, 2]).sum()
);
case!(
    /// `x.sum(0)`: derivatives.yaml:1727 `sum.dim_IntList`.
    sum_dim, "SumBackward1", seq(&[2, 2]).sum_dim(0, false)
);
case!(
    /// `x.sum(-1, keepdim=True)`: derivatives.yaml:1727 `sum.dim_IntList`.
    sum_dim_keepdim, "SumBackward1", seq(&[2, 2]).sum_dim(-1, true)
);
case!(
    /// `torch.tensor(2., requires_grad=True).sum(0)`: a 0-d tensor reduced along dim 0 is
    /// still derivatives.yaml:1727 `sum.dim_IntList`.
    sum_dim_of_0d, "SumBackward1", seq(&[]).sum_dim(0, false)
);
case!(
    /// `x.mean()`: derivatives.yaml:1159 `mean`.
    mean_all, "MeanBackward0", seq(&[2, 2]).mean()
);
case!(
    /// `x.mean(1)`: derivatives.yaml:1169 `mean.dim`.
    mean_dim, "MeanBackward1", seq(&[2, 2]).mean_dim(1, false)
);
case!(
    /// `torch.tensor(2., requires_grad=True).mean(0)`: derivatives.yaml:1169 `mean.dim`.
    mean_dim_of_0d, "MeanBackward1", seq(&[]).mean_dim(0, false)
);
case!(
    /// `x.norm()` is `torch.linalg.vector_norm(x, 2)` (torch/functional.py `norm`):
    /// derivatives.yaml:1363 `linalg_vector_norm`.
    norm, "LinalgVectorNormBackward0", seq(&[2, 2]).norm()
);
case!(
    /// `x.max()`: derivatives.yaml:1141 `max`, after `max.dim` (MaxBackward0).
    max_all, "MaxBackward1", seq(&[2, 2]).max()
);
case!(
    /// `x.min()`: derivatives.yaml:1207 `min`.
    min_all, "MinBackward1", seq(&[2, 2]).min()
);
case!(
    /// `x.max(1).values`: derivatives.yaml:1137 `max.dim`.
    max_dim, "MaxBackward0", seq(&[2, 2]).max_dim(1, false).0
);
case!(
    /// `x.max(1, keepdim=True).values`: derivatives.yaml:1137 `max.dim`.
    max_dim_keepdim, "MaxBackward0", seq(&[2, 2]).max_dim(1, true).0
);
case!(
    /// `x.min(1).values`: derivatives.yaml:1203 `min.dim`.
    min_dim, "MinBackward0", seq(&[2, 2]).min_dim(1, false).0
);
case!(
    /// `x.logsumexp(0)`: derivatives.yaml:1056 `logsumexp`.
    logsumexp, "LogsumexpBackward0", seq(&[2, 2]).logsumexp(0, false)
);
case!(
    /// `x.logsumexp(0, keepdim=True)`: derivatives.yaml:1056 `logsumexp`.
    logsumexp_keepdim, "LogsumexpBackward0", seq(&[2, 2]).logsumexp(0, true)
);

// ---------------------------------------------------------------------------------------------
// Selection: maximum/minimum, clamp, where, masked_fill
// ---------------------------------------------------------------------------------------------

case!(
    /// `a.maximum(b)`: derivatives.yaml:1145 `maximum`.
    maximum, "MaximumBackward0", seq(&[2]).maximum(&seq(&[2]))
);
case!(
    /// `a.minimum(b)`: derivatives.yaml:1211 `minimum`.
    minimum, "MinimumBackward0", seq(&[2]).minimum(&seq(&[2]))
);
case!(
    /// `x.clamp(0., 1.)`: derivatives.yaml:425 `clamp` (Scalar bounds), the second `clamp`
    /// entry after `clamp.Tensor` (ClampBackward0).
    clamp, "ClampBackward1", seq(&[2]).clamp(0.0, 1.0)
);
case!(
    /// `x.clamp_min(0.)`: derivatives.yaml:429 `clamp_min`.
    clamp_min, "ClampMinBackward0", seq(&[2]).clamp_min(0.0)
);
case!(
    /// `x.clamp_max(0.)`: derivatives.yaml:440 `clamp_max`.
    clamp_max, "ClampMaxBackward0", seq(&[2]).clamp_max(0.0)
);
case!(
    /// `torch.where(x > 1, a, b)`: derivatives.yaml:1970 `where.self`.
    where_cond, "WhereBackward0", {
        let x = seq(&[2]);
        Tensor::where_cond(&x.gt(1.0), &seq(&[2]), &seq(&[2]))
    }
);
case!(
    /// `x.masked_fill(x > 1, 0.)`: derivatives.yaml:1098 `masked_fill.Scalar`.
    masked_fill, "MaskedFillBackward0", {
        let x = seq(&[2]);
        x.masked_fill(&x.gt(1.0), 0.0)
    }
);

// ---------------------------------------------------------------------------------------------
// Softmax and losses
// ---------------------------------------------------------------------------------------------

case!(
    /// `x.softmax(1)`: derivatives.yaml:2239 `_softmax`.
    softmax, "SoftmaxBackward0", seq(&[2, 2]).softmax(1)
);
case!(
    /// `x.log_softmax(1)`: derivatives.yaml:2203 `_log_softmax`.
    log_softmax, "LogSoftmaxBackward0", seq(&[2, 2]).log_softmax(1)
);
case!(
    /// `F.mse_loss(a, b)`: derivatives.yaml:2097 `mse_loss`.
    mse_loss, "MseLossBackward0", seq(&[2]).mse_loss(&seq(&[2]))
);
case!(
    /// `F.mse_loss(x[2, 2], y[2])` (broadcast): derivatives.yaml:2097 `mse_loss`.
    mse_loss_broadcast, "MseLossBackward0", seq(&[2, 2]).mse_loss(&seq(&[2]))
);
case!(
    /// `F.nll_loss(x[2, 3], tensor([0, 2]))`: derivatives.yaml:2110 `nll_loss_forward`.
    nll_loss, "NllLossBackward0", seq(&[2, 3]).nll_loss(&[0, 2])
);
case!(
    /// `F.nll_loss(x[3], tensor(1))`: derivatives.yaml:2110 `nll_loss_forward`.
    nll_loss_1d, "NllLossBackward0", seq(&[3]).nll_loss(&[1])
);
case!(
    /// `F.cross_entropy(x[2, 3], tensor([0, 2]))` is `nll_loss(log_softmax(x))`:
    /// derivatives.yaml:2110 `nll_loss_forward`.
    cross_entropy, "NllLossBackward0", seq(&[2, 3]).cross_entropy(&[0, 2])
);
chain_case!(
    /// `F.cross_entropy(x[2, 3], ...)`: NllLossBackward0 over derivatives.yaml:2203
    /// `_log_softmax`.
    cross_entropy_chain,
    "NllLossBackward0(LogSoftmaxBackward0(AccumulateGrad))",
    seq(&[2, 3]).cross_entropy(&[0, 2])
);
chain_case!(
    /// `F.cross_entropy(x[3], tensor(1))`.
    cross_entropy_1d_chain,
    "NllLossBackward0(LogSoftmaxBackward0(AccumulateGrad))",
    seq(&[3]).cross_entropy(&[1])
);

// ---------------------------------------------------------------------------------------------
// Dropout: ATen's CPU `_dropout_impl` multiplies by a mask (derivatives.yaml:1251 `mul.Tensor`)
// and returns the input itself when `p == 0` or not training.
// ---------------------------------------------------------------------------------------------

case!(
    /// `F.dropout(x, 0.5, True)`: derivatives.yaml:1251 `mul.Tensor`.
    dropout_training, "MulBackward0", seq(&[4]).dropout(0.5, true)
);
case!(
    /// `F.dropout(x, 1.0, True)` (`input * zeros`): derivatives.yaml:1251 `mul.Tensor`.
    dropout_all, "MulBackward0", seq(&[4]).dropout(1.0, true)
);
case!(
    /// `F.dropout(leaf, 0.5, False)` returns the leaf: no grad_fn.
    dropout_eval_is_identity, "None", seq(&[4]).dropout(0.5, false)
);
case!(
    /// `F.dropout(leaf, 0.0, True)` returns the leaf: no grad_fn.
    dropout_p0_is_identity, "None", seq(&[4]).dropout(0.0, true)
);

// ---------------------------------------------------------------------------------------------
// Shape ops
// ---------------------------------------------------------------------------------------------

case!(
    /// `x.reshape(4)` of a contiguous tensor is a view: derivatives.yaml:1950 `view`.
    reshape, "ViewBackward0", seq(&[2, 2]).reshape(&[4])
);
case!(
    /// `x.reshape(2, 2)` (same shape): derivatives.yaml:1950 `view`.
    reshape_same_shape, "ViewBackward0", seq(&[2, 2]).reshape(&[2, 2])
);
case!(
    /// `x.view(4)`: derivatives.yaml:1950 `view`.
    view, "ViewBackward0", seq(&[2, 2]).view(&[4])
);
chain_case!(
    /// `x.t().reshape(4)`: the transpose is not contiguous, so `reshape` copies
    /// (derivatives.yaml:451 `clone`) and views the copy with derivatives.yaml:1919
    /// `_unsafe_view`.
    #[ignore = "mismatch: PyTorch x.t().reshape(4) is UnsafeViewBackward0(CloneBackward0(TBackward0(AccumulateGrad))) (reshape of a non-contiguous tensor copies); ours is ViewBackward0(TBackward0(AccumulateGrad)) since t() materialises a contiguous copy"]
    reshape_of_transpose_chain,
    "UnsafeViewBackward0(CloneBackward0(TBackward0(AccumulateGrad)))",
    seq(&[2, 2]).t().reshape(&[4])
);
chain_case!(
    /// `x.transpose(0, 1).reshape(4)`: derivatives.yaml:1919 `_unsafe_view` over
    /// derivatives.yaml:451 `clone`.
    #[ignore = "mismatch: PyTorch x.transpose(0, 1).reshape(4) is UnsafeViewBackward0(CloneBackward0(TransposeBackward0(AccumulateGrad))); ours is ViewBackward0(TransposeBackward0(AccumulateGrad))"]
    reshape_of_transpose_dims_chain,
    "UnsafeViewBackward0(CloneBackward0(TransposeBackward0(AccumulateGrad)))",
    seq(&[2, 2]).transpose(0, 1).reshape(&[4])
);
case!(
    /// `x.transpose(0, 1)`: derivatives.yaml:1803 `transpose.int`.
    transpose, "TransposeBackward0", seq(&[2, 2]).transpose(0, 1)
);
case!(
    /// `x.transpose(0, 0)` still records: derivatives.yaml:1803 `transpose.int`.
    transpose_same_dim, "TransposeBackward0", seq(&[2, 2]).transpose(0, 0)
);
case!(
    /// `x.t()`: derivatives.yaml:1758 `t`.
    t_2d, "TBackward0", seq(&[2, 3]).t()
);
case!(
    /// `v.t()` of a 1-d tensor: derivatives.yaml:1758 `t`.
    t_1d, "TBackward0", seq(&[2]).t()
);
case!(
    /// `x.unsqueeze(0)`: derivatives.yaml:1931 `unsqueeze`.
    unsqueeze, "UnsqueezeBackward0", seq(&[2, 2]).unsqueeze(0)
);
case!(
    /// `x[1, 2].squeeze(0)`: derivatives.yaml:1660 `squeeze.dim`, after `squeeze`
    /// (SqueezeBackward0).
    squeeze_size_one, "SqueezeBackward1", seq(&[1, 2]).squeeze(0)
);
case!(
    /// `x[2, 2].squeeze(0)` (nothing removed): still derivatives.yaml:1660 `squeeze.dim`.
    squeeze_not_size_one, "SqueezeBackward1", seq(&[2, 2]).squeeze(0)
);
case!(
    /// `x[1, 2].expand(3, 2)`: derivatives.yaml:666 `expand`.
    expand, "ExpandBackward0", seq(&[1, 2]).expand(&[3, 2])
);
case!(
    /// `x.expand(2, 2)` to its own shape still records: derivatives.yaml:666 `expand`.
    expand_same_shape, "ExpandBackward0", seq(&[2, 2]).expand(&[2, 2])
);
case!(
    /// `x.broadcast_to(3, 2)` is `expand`: derivatives.yaml:666.
    broadcast_to, "ExpandBackward0", seq(&[2]).broadcast_to(&[3, 2])
);
chain_case!(
    /// `x[2, 3].sum_to_size(3)`: ATen `sum_to` sums with keepdim (derivatives.yaml:1727
    /// `sum.dim_IntList`) and then views away the leading dims (derivatives.yaml:1950 `view`).
    sum_to_size_leading_dims_chain,
    "ViewBackward0(SumBackward1(AccumulateGrad))",
    seq(&[2, 3]).sum_to_size(&[3])
);
chain_case!(
    /// `x[2, 2, 3].sum_to_size(1, 3)`: derivatives.yaml:1950 `view` over one
    /// derivatives.yaml:1727 `sum.dim_IntList` (all reduced dims at once).
    sum_to_size_leading_and_kept_dims_chain,
    "ViewBackward0(SumBackward1(AccumulateGrad))",
    seq(&[2, 2, 3]).sum_to_size(&[1, 3])
);
chain_case!(
    /// `x[2, 3].sum_to_size(2, 1)`: derivatives.yaml:1727 `sum.dim_IntList` (keepdim, no view).
    sum_to_size_kept_dims_chain,
    "SumBackward1(AccumulateGrad)",
    seq(&[2, 3]).sum_to_size(&[2, 1])
);

// ---------------------------------------------------------------------------------------------
// Indexing
// ---------------------------------------------------------------------------------------------

case!(
    /// `x.narrow(1, 1, 1)` is `slice`: derivatives.yaml:1583 `slice.Tensor`.
    narrow, "SliceBackward0", seq(&[2, 2]).narrow(1, 1, 1)
);
case!(
    /// `x.narrow(1, 0, 2)` (the whole dim) still records: derivatives.yaml:1583.
    narrow_whole_dim, "SliceBackward0", seq(&[2, 2]).narrow(1, 0, 2)
);
case!(
    /// `x[0:4:2]`: derivatives.yaml:1583 `slice.Tensor`.
    slice_step, "SliceBackward0", seq(&[4]).slice(0, 0, 4, 2)
);
case!(
    /// `x[1:]`: derivatives.yaml:1583 `slice.Tensor`.
    slice_to_end, "SliceBackward0", seq(&[4]).slice(0, 1, isize::MAX, 1)
);
case!(
    /// `x[:]` (torch 2.15 records a slice): derivatives.yaml:1583 `slice.Tensor`.
    slice_everything, "SliceBackward0", seq(&[4]).slice(0, 0, isize::MAX, 1)
);
case!(
    /// `m[:, 1:]`: derivatives.yaml:1583 `slice.Tensor`.
    slice_inner_dim, "SliceBackward0", seq(&[2, 2]).slice(1, 1, isize::MAX, 1)
);
case!(
    /// `x.index_select(0, tensor([2, 0]))`: derivatives.yaml:914 `index_select`.
    index_select, "IndexSelectBackward0", seq(&[3, 2]).index_select(0, &[2, 0])
);
case!(
    /// `x.gather(1, tensor([[0, 0], [1, 0]]))`: derivatives.yaml:731 `gather`.
    gather, "GatherBackward0", seq(&[2, 2]).gather(1, &[0, 0, 1, 0], &[2, 2])
);

// ---------------------------------------------------------------------------------------------
// Joining and splitting
// ---------------------------------------------------------------------------------------------

case!(
    /// `torch.cat([a, b])`: derivatives.yaml:386 `cat`.
    cat, "CatBackward0", Tensor::cat(&[&seq(&[2]), &seq(&[2])], 0)
);
chain_case!(
    /// `torch.cat([a, ones(2)])`: a constant input is a `None` edge.
    cat_with_constant_chain,
    "CatBackward0(AccumulateGrad, None)",
    Tensor::cat(&[&seq(&[2]), &ones64(&[2])], 0)
);
case!(
    /// `torch.stack([a, b])`: derivatives.yaml:2989 `stack`.
    stack, "StackBackward0", Tensor::stack(&[&seq(&[2]), &seq(&[2])], 0)
);
case!(
    /// `x.split(2)[0]`: derivatives.yaml:1632 `split.Tensor`.
    split_first, "SplitBackward0", seq(&[5]).split(2, 0).remove(0)
);
case!(
    /// `x.split(2)[2]` (the short last piece): derivatives.yaml:1632 `split.Tensor`.
    split_last, "SplitBackward0", seq(&[5]).split(2, 0).remove(2)
);
case!(
    /// `x.split(10)[0]` (one piece): derivatives.yaml:1632 `split.Tensor`.
    split_one_piece, "SplitBackward0", seq(&[5]).split(10, 0).remove(0)
);
case!(
    /// `x.split([1, 4])[1]`: derivatives.yaml:1640 `split_with_sizes`.
    split_with_sizes, "SplitWithSizesBackward0", seq(&[5]).split_with_sizes(&[1, 4], 0).remove(1)
);
case!(
    /// `x.chunk(4)[0]` is `split(ceil(6 / 4))`: derivatives.yaml:1632 `split.Tensor`.
    chunk, "SplitBackward0", seq(&[6]).chunk(4, 0).remove(0)
);
case!(
    /// `torch.zeros(0, requires_grad=True).chunk(2)[0]` splits with sizes:
    /// derivatives.yaml:1640 `split_with_sizes`.
    chunk_of_empty_dim, "SplitWithSizesBackward0", {
        Tensor::from_vec(Vec::<f64>::new(), &[0])
            .requires_grad_(true)
            .chunk(2, 0)
            .remove(0)
    }
);

// ---------------------------------------------------------------------------------------------
// Matrix products (`at::matmul`'s dispatch in aten/src/ATen/native/LinearAlgebra.cpp)
// ---------------------------------------------------------------------------------------------

case!(
    /// `v.dot(v)`: derivatives.yaml:607 `dot`.
    dot, "DotBackward0", seq(&[2]).dot(&seq(&[2]))
);
case!(
    /// `m.mv(v)`: derivatives.yaml:1260 `mv`.
    mv, "MvBackward0", seq(&[2, 2]).mv(&seq(&[2]))
);
case!(
    /// `m.mm(m)`: derivatives.yaml:1238 `mm`.
    mm, "MmBackward0", seq(&[2, 2]).mm(&seq(&[2, 2]))
);
case!(
    /// `a.bmm(b)`: derivatives.yaml:378 `bmm`.
    bmm, "BmmBackward0", seq(&[2, 3, 4]).bmm(&seq(&[2, 4, 5]))
);
case!(
    /// `v @ v` (1-d @ 1-d): derivatives.yaml:607 `dot`.
    matmul_1d_1d, "DotBackward0", seq(&[2]).matmul(&seq(&[2]))
);
case!(
    /// `m @ v` (2-d @ 1-d): derivatives.yaml:1260 `mv`.
    matmul_2d_1d, "MvBackward0", seq(&[2, 2]).matmul(&seq(&[2]))
);
case!(
    /// `m @ m` (2-d @ 2-d): derivatives.yaml:1238 `mm`.
    matmul_2d_2d, "MmBackward0", seq(&[2, 2]).matmul(&seq(&[2, 2]))
);
chain_case!(
    /// `v @ m` (1-d @ 2-d) is `v.unsqueeze(0).mm(m).squeeze_(0)`: the in-place squeeze is
    /// derivatives.yaml:1680 `squeeze_.dim`, the fifth `squeeze` entry (SqueezeBackward4).
    matmul_1d_2d_chain,
    "SqueezeBackward4(MmBackward0(UnsqueezeBackward0(AccumulateGrad), AccumulateGrad))",
    seq(&[2]).matmul(&seq(&[2, 2]))
);
chain_case!(
    /// `x[2, 3, 4] @ w[4, 5]`: folded into one mm, derivatives.yaml:1919 `_unsafe_view` over
    /// derivatives.yaml:1238 `mm` over derivatives.yaml:1950 `view`.
    matmul_3d_2d_chain,
    "UnsafeViewBackward0(MmBackward0(ViewBackward0(AccumulateGrad), AccumulateGrad))",
    seq(&[2, 3, 4]).matmul(&seq(&[4, 5]))
);
chain_case!(
    /// `x[1, 3, 4] @ w[4, 5]`: folded, as above.
    matmul_3d_2d_batch_one_chain,
    "UnsafeViewBackward0(MmBackward0(ViewBackward0(AccumulateGrad), AccumulateGrad))",
    seq(&[1, 3, 4]).matmul(&seq(&[4, 5]))
);
chain_case!(
    /// `x[2, 3, 4] @ v[4]`: folded into derivatives.yaml:1260 `mv`.
    matmul_3d_1d_chain,
    "UnsafeViewBackward0(MvBackward0(ViewBackward0(AccumulateGrad), AccumulateGrad))",
    seq(&[2, 3, 4]).matmul(&seq(&[4]))
);
chain_case!(
    /// `x[2, 2, 3, 4] @ v[4]`: folded into `mv`.
    matmul_4d_1d_chain,
    "UnsafeViewBackward0(MvBackward0(ViewBackward0(AccumulateGrad), AccumulateGrad))",
    seq(&[2, 2, 3, 4]).matmul(&seq(&[4]))
);
chain_case!(
    /// `a[2, 3, 4] @ b[2, 4, 5]`: expand, view to 3-d, derivatives.yaml:378 `bmm`, then
    /// `_unsafe_view`.
    matmul_3d_3d_chain,
    "UnsafeViewBackward0(BmmBackward0(ViewBackward0(ExpandBackward0(AccumulateGrad)), ViewBackward0(ExpandBackward0(AccumulateGrad))))",
    seq(&[2, 3, 4]).matmul(&seq(&[2, 4, 5]))
);
case!(
    /// `a[2, 3, 4] @ b[1, 4, 5]`: derivatives.yaml:1919 `_unsafe_view` at the top.
    matmul_3d_3d_broadcast_batch, "UnsafeViewBackward0", seq(&[2, 3, 4]).matmul(&seq(&[1, 4, 5]))
);
chain_case!(
    /// `a[2, 3, 4] @ b[1, 4, 5]`: `should_fold` squeezes b's batch dim of 1 and runs one mm.
    matmul_3d_3d_broadcast_batch_chain,
    "UnsafeViewBackward0(MmBackward0(ViewBackward0(AccumulateGrad), SqueezeBackward1(AccumulateGrad)))",
    seq(&[2, 3, 4]).matmul(&seq(&[1, 4, 5]))
);
case!(
    /// `m[3, 4] @ b[2, 4, 5]`: PyTorch folds through transposes and ends with a
    /// `.contiguous()`-style copy, derivatives.yaml:451 `clone`.
    matmul_2d_3d, "CloneBackward0", seq(&[3, 4]).matmul(&seq(&[2, 4, 5]))
);
chain_case!(
    /// `m[3, 4] @ b[2, 4, 5]`, the whole chain.
    matmul_2d_3d_chain,
    "CloneBackward0(TransposeBackward0(UnsafeViewBackward0(MmBackward0(UnsafeViewBackward0(CloneBackward0(TransposeBackward0(AccumulateGrad))), TBackward0(AccumulateGrad)))))",
    seq(&[3, 4]).matmul(&seq(&[2, 4, 5]))
);
case!(
    /// `v[4] @ b[2, 4, 5]`: derivatives.yaml:1919 `_unsafe_view` at the top.
    matmul_1d_3d, "UnsafeViewBackward0", seq(&[4]).matmul(&seq(&[2, 4, 5]))
);
chain_case!(
    /// `v[4] @ b[2, 4, 5]`: folded as `b^T` (copied) times `v` with `mv`.
    matmul_1d_3d_chain,
    "UnsafeViewBackward0(MvBackward0(UnsafeViewBackward0(CloneBackward0(TransposeBackward0(AccumulateGrad))), AccumulateGrad))",
    seq(&[4]).matmul(&seq(&[2, 4, 5]))
);
chain_case!(
    /// `a[2, 1, 3, 4] @ b[5, 4, 2]`: the broadcast operands are not contiguous after
    /// `expand`, so `reshape` copies (`clone` + `_unsafe_view`) before the bmm.
    matmul_4d_3d_broadcast_chain,
    "UnsafeViewBackward0(BmmBackward0(UnsafeViewBackward0(CloneBackward0(ExpandBackward0(AccumulateGrad))), UnsafeViewBackward0(CloneBackward0(ExpandBackward0(AccumulateGrad)))))",
    seq(&[2, 1, 3, 4]).matmul(&seq(&[5, 4, 2]))
);

// ---------------------------------------------------------------------------------------------
// Dtype conversion
// ---------------------------------------------------------------------------------------------

case!(
    /// `x.double()` of a float32 tensor: derivatives.yaml:459 `_to_copy`.
    double, "ToCopyBackward0", seq32(&[2]).double()
);
case!(
    /// `x.float()` of a float64 tensor: derivatives.yaml:459 `_to_copy`.
    float, "ToCopyBackward0", seq(&[2]).float()
);
case!(
    /// `x.to(torch.float64)` of a float64 leaf returns the leaf: no grad_fn.
    to_same_dtype_is_identity, "None", seq(&[2]).to_dtype(DType::F64)
);

// ---------------------------------------------------------------------------------------------
// In-place ops on a non-leaf (`y = -x; y.op_(...)`): the node of the out-of-place op,
// except `fill_`/`zero_`, which have their own entries, and `copy_` (a hand-written node).
// ---------------------------------------------------------------------------------------------

chain_case!(
    /// `y.add_(1.0)`: derivatives.yaml:229 `add.Tensor` (the in-place variant reuses it).
    add_inplace_scalar_chain,
    "AddBackward0(NegBackward0(AccumulateGrad), None)",
    {
        let y = seq(&[2]).neg();
        y.add_(1.0);
        y
    }
);
case!(
    /// `y.add_(a)`: derivatives.yaml:229 `add.Tensor`.
    add_inplace_tensor, "AddBackward0", {
        let y = seq(&[2]).neg();
        y.add_(seq(&[2]));
        y
    }
);
case!(
    /// `y.sub_(a)`: derivatives.yaml:1699 `sub.Tensor`.
    sub_inplace, "SubBackward0", {
        let y = seq(&[2]).neg();
        y.sub_(seq(&[2]));
        y
    }
);
case!(
    /// `y.mul_(a)`: derivatives.yaml:1251 `mul.Tensor`.
    mul_inplace, "MulBackward0", {
        let y = seq(&[2]).neg();
        y.mul_(seq(&[2]));
        y
    }
);
case!(
    /// `y.div_(a)`: derivatives.yaml:589 `div.Tensor`.
    div_inplace, "DivBackward0", {
        let y = seq(&[2]).neg();
        y.div_(seq(&[2]));
        y
    }
);
case!(
    /// `y.div_(2.0)`: derivatives.yaml:589 `div.Tensor`.
    div_inplace_scalar, "DivBackward0", {
        let y = seq(&[2]).neg();
        y.div_(2.0);
        y
    }
);
case!(
    /// `y.fill_(7.0)`: derivatives.yaml:701 `fill_.Scalar`, the third `fill` entry after
    /// `fill.Scalar` (FillBackward0, line 691) and `fill.Tensor` (FillBackward1, line 696).
    fill_inplace, "FillBackward2", {
        let y = seq(&[2]).neg();
        y.fill_(7.0);
        y
    }
);
case!(
    /// `y.zero_()`: derivatives.yaml:1982 `zero_`.
    zero_inplace, "ZeroBackward0", {
        let y = seq(&[2]).neg();
        y.zero_();
        y
    }
);
chain_case!(
    /// `y.copy_(a)`: the hand-written `CopyBackwards` node
    /// (torch/csrc/autograd/functions/tensor.h), inputs `self` and `src`.
    copy_inplace_chain,
    "CopyBackwards(NegBackward0(AccumulateGrad), AccumulateGrad)",
    {
        let y = seq(&[2]).neg();
        y.copy_(&seq(&[2]));
        y
    }
);
case!(
    /// `y.clamp_(0., 1.)`: derivatives.yaml:425 `clamp`.
    clamp_inplace, "ClampBackward1", {
        let y = seq(&[2]).neg();
        y.clamp_(0.0, 1.0);
        y
    }
);
chain_case!(
    /// float32 `y.add_(float64 a)`: derivatives.yaml:229 `add.Tensor`; the result is cast back
    /// to float32 inside the kernel, with no `_to_copy` node.
    add_inplace_mixed_dtype_chain,
    "AddBackward0(NegBackward0(AccumulateGrad), AccumulateGrad)",
    {
        let y = seq32(&[2]).neg();
        y.add_(seq(&[2]));
        y
    }
);
case!(
    /// float32 `y.add_(float64 a)`: derivatives.yaml:229 `add.Tensor`.
    add_inplace_mixed_dtype, "AddBackward0", {
        let y = seq32(&[2]).neg();
        y.add_(seq(&[2]));
        y
    }
);
chain_case!(
    /// `zeros(2).add_(a)` with `a` requiring grad: derivatives.yaml:229 `add.Tensor`, with no
    /// history for the overwritten tensor.
    add_inplace_into_constant_chain,
    "AddBackward0(None, AccumulateGrad)",
    {
        let y = ones64(&[2]);
        y.add_(seq(&[2]));
        y
    }
);
chain_case!(
    /// `zeros(2).copy_(a)` with `a` requiring grad: `CopyBackwards(None, AccumulateGrad)`.
    copy_inplace_into_constant_chain,
    "CopyBackwards(None, AccumulateGrad)",
    {
        let y = ones64(&[2]);
        y.copy_(&seq(&[2]));
        y
    }
);

// ---------------------------------------------------------------------------------------------
// Edges to constants: a Python number is wrapped in a tensor that is an input of the node
// (a `None` edge), except for `rsub.Scalar`, whose scalar is a `Scalar` argument.
// ---------------------------------------------------------------------------------------------

chain_case!(
    /// `x + 2.0`: `AddBackward0` has two inputs, the wrapped number being `None`.
    add_scalar_chain,
    "AddBackward0(AccumulateGrad, None)",
    &seq(&[2]) + 2.0
);
chain_case!(
    /// `x * 2.0`: `MulBackward0(AccumulateGrad, None)`.
    mul_scalar_chain,
    "MulBackward0(AccumulateGrad, None)",
    &seq(&[2]) * 2.0
);
chain_case!(
    /// `2.0 - x`: `rsub.Scalar` has one tensor input.
    rsub_scalar_chain,
    "RsubBackward1(AccumulateGrad)",
    2.0 - &seq(&[2])
);
chain_case!(
    /// `2.0 / x`: `MulBackward0(ReciprocalBackward0(AccumulateGrad), None)`.
    rdiv_scalar_chain,
    "MulBackward0(ReciprocalBackward0(AccumulateGrad), None)",
    2.0 / &seq(&[2])
);
chain_case!(
    /// `F.dropout(x, 0.5, True)`: the mask is a constant input.
    dropout_chain,
    "MulBackward0(AccumulateGrad, None)",
    seq(&[4]).dropout(0.5, true)
);
chain_case!(
    /// float32 `a` + float64 `b`: promotion is inside `add`, so both edges go straight to
    /// the leaves.
    add_mixed_dtypes_chain,
    "AddBackward0(AccumulateGrad, AccumulateGrad)",
    &seq32(&[2]) + &seq(&[2])
);
chain_case!(
    /// `torch.where(c, a, 0.)`: `condition` is not an input of the node.
    where_constant_branch_chain,
    "WhereBackward0(AccumulateGrad, None)",
    {
        let a = seq(&[2]);
        Tensor::where_cond(&a.gt(1.0), &a, &Tensor::from_vec(vec![0.0f64], &[]))
    }
);
chain_case!(
    /// `F.mse_loss(a, b)`, same shapes: both edges go straight to the leaves.
    mse_loss_chain,
    "MseLossBackward0(AccumulateGrad, AccumulateGrad)",
    seq(&[2]).mse_loss(&seq(&[2]))
);
chain_case!(
    /// `F.mse_loss(x[2, 2], y[2])`: only the smaller operand is expanded.
    mse_loss_broadcast_chain,
    "MseLossBackward0(AccumulateGrad, ExpandBackward0(AccumulateGrad))",
    seq(&[2, 2]).mse_loss(&seq(&[2]))
);
chain_case!(
    /// `F.mse_loss(a, ones(2))`: the target is the second input; operands of the same shape
    /// are not expanded (`torch.broadcast_tensors` returns them as they are).
    mse_loss_constant_target_chain,
    "MseLossBackward0(AccumulateGrad, None)",
    seq(&[2]).mse_loss(&ones64(&[2]))
);

// ---------------------------------------------------------------------------------------------
// nn (torch.nn.functional.linear, aten/src/ATen/native/Linear.cpp)
// ---------------------------------------------------------------------------------------------

/// A float64 `Linear(3, 2)` with fixed parameters.
fn linear(bias: bool) -> Linear {
    let w = Tensor::from_vec(vec![0.1f64, -0.2, 0.3, 0.4, 0.5, -0.6], &[2, 3]);
    let b = bias.then(|| Tensor::from_vec(vec![0.01f64, -0.02], &[2]));
    Linear::from_tensors(w, b)
}

chain_case!(
    /// `Linear(3, 2)(x[4, 3])`: a 2-d input with bias is one `addmm` (derivatives.yaml:256),
    /// inputs `bias, input, weight.t()`.
    linear_2d_chain,
    "AddmmBackward0(AccumulateGrad, AccumulateGrad, TBackward0(AccumulateGrad))",
    linear(true).forward(&seq(&[4, 3]))
);
case!(
    /// `Linear(3, 2)(x[4, 3])`: derivatives.yaml:256 `addmm`.
    linear_2d, "AddmmBackward0", linear(true).forward(&seq(&[4, 3]))
);
case!(
    /// `Linear(3, 2)(x[2, 4, 3])`: flattened to 2-d, `addmm`, then derivatives.yaml:1919
    /// `_unsafe_view`.
    linear_3d, "UnsafeViewBackward0", linear(true).forward(&seq(&[2, 4, 3]))
);
chain_case!(
    /// `Linear(3, 2)(x[2, 4, 3])`, the whole chain.
    linear_3d_chain,
    "UnsafeViewBackward0(AddmmBackward0(AccumulateGrad, ViewBackward0(AccumulateGrad), TBackward0(AccumulateGrad)))",
    linear(true).forward(&seq(&[2, 4, 3]))
);
case!(
    /// `Linear(3, 2)(x[3])`: derivatives.yaml:1919 `_unsafe_view` over `addmm`.
    linear_1d, "UnsafeViewBackward0", linear(true).forward(&seq(&[3]))
);
chain_case!(
    /// `Linear(3, 2, bias=False)(x[4, 3])`: `input.matmul(weight.t())`, derivatives.yaml:1238
    /// `mm`.
    linear_2d_no_bias_chain,
    "MmBackward0(AccumulateGrad, TBackward0(AccumulateGrad))",
    linear(false).forward(&seq(&[4, 3]))
);
case!(
    /// `Linear(3, 2, bias=False)(x[2, 4, 3])`: a folded `matmul`, derivatives.yaml:1919
    /// `_unsafe_view`.
    linear_3d_no_bias, "UnsafeViewBackward0", linear(false).forward(&seq(&[2, 4, 3]))
);
case!(
    /// `Linear(3, 2, bias=False)(x[3])`: `matmul` 1-d @ 2-d ends in `squeeze_`,
    /// derivatives.yaml:1680 `squeeze_.dim`.
    linear_1d_no_bias, "SqueezeBackward4", linear(false).forward(&seq(&[3]))
);
case!(
    /// `nn.ReLU()(x)`: derivatives.yaml:2134 `relu`.
    relu_module, "ReluBackward0", ReLU::new().forward(&seq(&[2]))
);
case!(
    /// `nn.Tanh()(x)`: derivatives.yaml:1790 `tanh`.
    tanh_module, "TanhBackward0", Tanh::new().forward(&seq(&[2]))
);
case!(
    /// `nn.Sigmoid()(x)`: derivatives.yaml:1552 `sigmoid`.
    sigmoid_module, "SigmoidBackward0", Sigmoid::new().forward(&seq(&[2]))
);

// ---------------------------------------------------------------------------------------------
// Results without history
// ---------------------------------------------------------------------------------------------

case!(
    /// `x > 0` is a bool tensor without grad_fn (derivatives.yaml has no gradient for `gt`).
    comparison_has_no_grad_fn, "None", seq(&[2]).gt(0.0)
);
case!(
    /// `x.detach()`: no grad_fn.
    detach_has_no_grad_fn, "None", seq(&[2]).detach()
);
case!(
    /// `x.detach().clone()`: no grad_fn.
    deep_clone_has_no_grad_fn, "None", seq(&[2]).deep_clone()
);
