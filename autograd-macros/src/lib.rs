//! `#[differentiable]`, the attribute of the `autograd` crate (re-exported there).
//!
//! The pipeline is `parse` (the arguments and the function) -> `analyze` (is a tensor body a
//! static path?) -> `expand` (plain-number gradient, static node, or the dynamic tape), with
//! every error collected in `diagnostics` and spanned on the offending code. This file only
//! converts between `proc_macro` and `proc_macro2`; the logic is in `expand::differentiable`.

#![forbid(unsafe_code)]

mod analyze;
mod attr;
mod diagnostics;
mod expand;
#[cfg(test)]
mod fuzz_tests;
mod ops;
mod parse;
mod scalar;
mod symbol;
mod types;

use proc_macro::TokenStream;

/// Differentiates a function at compile time wherever its body allows it.
///
/// - On a **tensor function** (`Tensor`/`&Tensor` parameters, a `Tensor` or a tuple of them
///   returned), a body that is a *static path* gets its backward generated at compile time
///   and records ONE graph node; any other body runs as written on the dynamic tape.
/// - On a **plain-number function** (`f32`/`f64` or nalgebra `SVector`/`SMatrix` parameters,
///   a float returned), it adds `NAME_grad`, the value and the gradient by source
///   transformation, with no tape at run time.
///
/// ```
/// use autograd::{differentiable, Tensor};
///
/// #[differentiable]
/// fn tutorial_out(x: &Tensor) -> Tensor {
///     let y = x + 2.0;
///     (&y * &y * 3.0).mean()
/// }
///
/// let x = Tensor::ones(&[2, 2]).requires_grad_(true);
/// let out = tutorial_out(&x);
/// // One node, named after the function, straight onto x.
/// assert_eq!(out.grad_fn().unwrap().name(), "TutorialOutBackward");
/// out.backward();
/// assert_eq!(x.grad().unwrap().to_vec(), vec![4.5; 4]);
/// ```
///
/// # Tensor functions: what is static
///
/// A body is a static path when it is `let` bindings followed by a tail expression (the
/// result, or a tuple of results), built only from:
/// - the operators `+ - * /` between two tensors (with broadcasting) or between a tensor and
///   a scalar on either side, and unary `-`;
/// - the tensor methods `exp`, `log`, `sqrt`, `abs`, `sin`, `cos`, `tanh`, `sigmoid`, `relu`,
///   `neg`, `pow(p)`, `sum()`, `mean()`, `norm()`, `sum_dim(dim, keepdim)`,
///   `mean_dim(dim, keepdim)`, `matmul`, `t()`, `transpose(d0, d1)`, `reshape(&[..])`,
///   `unsqueeze(dim)`, `squeeze(dim)` and `clone()`;
/// - parameters and `let`s, `&x` and parentheses; as scalars, float literals, `f32`/`f64`
///   parameters, arithmetic on them and constants such as `std::f64::consts::PI`; as dims and
///   flags, integer and `bool` literals or parameters; as shapes, `&[..]` of integers.
///
/// Its expansion:
/// - computes the forward with recording off, op by op as the tape would (`x * 2.0` is the
///   same `mul_scalar` call), keeping exactly what the adjoints read (a product keeps both
///   factors, `exp` its result, a broadcast sum its operands' shapes);
/// - when grad mode is on and an input requires grad, records ONE node named after the
///   function in UpperCamelCase plus `Backward` (`fn two_layer_loss` records
///   `TwoLayerLossBackward`), whose inputs are the tensor parameters in order and whose
///   outputs are the returned tensors (a parameter returned as it is stays itself); otherwise
///   only the forward runs, nothing is saved;
/// - gives that node the reverse-order adjoint of every op, inlined at compile time, with
///   PyTorch's rules and subgradients (`relu'(0) = 0`, `abs'(0) = 0`, the gradient of `norm()`
///   at 0 is 0), summing the contributions to a value used several times and reducing a
///   broadcast operand's back to its shape (`sum_to_size`); inputs that need no gradient are
///   skipped, and `f32`/`f64` parameters get none (they are captured by value, as a Python
///   float in PyTorch);
/// - fuses each maximal chain of elementwise ops (operators, unary math, `pow`, optionally
///   ending in `sum()` or `mean()`) whose intermediate values nothing else reads: when its
///   tensor operands have one shape and one float dtype at run time, the chain is ONE loop
///   forward (saving only its operands) and ONE loop backward (allocating only the
///   gradients), generated per dtype by the same scalar adjoint engine that serves
///   plain-number functions; otherwise (broadcasting, mixed dtypes) the chain runs op by op;
/// - under `create_graph`, recomputes the forward from the inputs with recording on and runs
///   every adjoint as recorded tensor ops, so `autograd::grad(..).create_graph(true)` and
///   second derivatives see through the node.
///
/// Results and gradients equal the tape's: in F64 to rounding; in F32 the fused loops use the
/// runtime's vectorisable `exp`, `ln`, `tanh` and `sigmoid` (`autograd::kernels::fast_math`,
///  within 3 ulp of `std`). Like any node that saves tensors, the static node is freed by a
/// backward without `retain_graph`, and modifying a tensor it saved in place (a fused chain
/// saves its operands) makes its backward fail with PyTorch's error.
///
/// # What falls back to the tape, and why
///
/// Anything else makes the whole body run as written, each op recording its own node: always
/// correct, only slower. That is loops (`for`, `while`, `loop`: their trip count is only
/// known at run time), branches (`if`, `match`, `if let`, `let .. else`: they test run-time
/// values), early returns (`return`, `?`), closures (they may run any number of times),
/// macro calls (their expansion cannot be seen), mutation (assignment, `+=`, `&mut`), calls
/// to functions or methods not listed above (their bodies cannot be seen), and other
/// expressions (field access, indexing, casts, blocks, ...). `#[differentiable(static)]`
/// turns the fallback into a compile error pointing at the first offending expression.
///
/// ```
/// use autograd::{differentiable, Tensor};
///
/// #[differentiable] // a loop: runs on the tape, one node per op
/// fn grow(x: &Tensor) -> Tensor {
///     let mut y = x * 2.0;
///     while y.norm().item() < 1000.0 {
///         y = y * 2.0;
///     }
///     y
/// }
///
/// let x = Tensor::from_vec(vec![0.5f32, -0.3, 0.8], &[3]).requires_grad_(true);
/// assert_eq!(grow(&x).grad_fn().unwrap().name(), "MulBackward0");
/// ```
///
/// # Before and after
///
/// `tutorial_out` above expands to (condensed: `__private` is `::autograd::__private`, names
/// shortened, the F64 instance of each loop and the op-by-op branches elided):
///
/// ```text
/// fn tutorial_out(x: &Tensor) -> Tensor {
///     let v0 = x.clone();
///     let record = __private::needs_grad(&[&v0]);
///     let guard = NoGradGuard::new();
///     let k0: f64 = __private::scalar_to_f64(2.0);
///     let k1: f64 = __private::scalar_to_f64(3.0);
///     // The chain `+ 2.0`, `y * y`, `* 3.0`, `.mean()`: one loop when `x` is F32 or F64.
///     let (v4, inner4) = if __private::fusable(&[&v0]) {
///         let value_f32 = |[e0]: [f32; 1]| -> f32 {
///             let t1 = e0 + k0 as f32;
///             let t2 = t1 * t1;
///             t2 * k1 as f32
///         };
///         (__private::fused_forward([&v0], Reduce::Mean, value_f32, value_f64), None)
///     } else {
///         let v1 = v0.add_scalar(k0); let v2 = v1.mul(&v1);
///         let v3 = v2.mul_scalar(k1); let v4 = v3.mean();
///         (v4, Some((v1.clone(), v3.clone()))) // what the op-by-op adjoints read
///     };
///     drop(guard);
///     if !record {
///         return v4;
///     }
///     let kept0 = Kept::new(&v0); // for create_graph
///     let saved0 = SavedTensor::new(&v0); // the loop's operand
///     let backward: BackwardFn = Box::new(move |ctx, grads| {
///         let r0 = ctx.needs_input_grad(0);
///         if ctx.create_graph() {
///             // v0 = kept0.get(ctx)?, the four ops again (recorded), then their adjoints:
///             // mean_backward(g, shape), g.mul_scalar(k1), g.mul(&v1) twice, g.clone().
///             ...
///         } else {
///             let v0 = saved0.get(ctx)?;
///             let mut a0 = None;
///             // One loop: per element, the chain forward and its adjoint, seeded with
///             // grads[0] / n; no intermediate tensor.
///             let grad_f32 = |[e0]: [f32; 1], seed: f32| -> [f32; 1] {
///                 let t1 = e0 + k0 as f32; let t2 = t1 * t1; let t3 = t2 * k1 as f32;
///                 let t2_adj = seed * k1 as f32;
///                 let t1_adj = t2_adj * t1 + t2_adj * t1;
///                 [t1_adj]
///             };
///             let [c0] = __private::fused_backward(
///                 [&v0], Reduce::Mean, &grads[0], [r0], grad_f32, grad_f64);
///             if let Some(c0) = c0 { __private::accumulate(&mut a0, c0); }
///             Ok(vec![a0])
///         }
///     });
///     let [out] = __private::record_outputs(
///         "TutorialOutBackward", &[&v0], [v4], backward, true);
///     out
/// }
/// ```
///
/// # Plain-number functions
///
/// `fn f(x: f64, y: f64) -> f64` keeps its body and gains
/// `fn f_grad(x: f64, y: f64) -> (f64, (f64, f64))`: the value and one gradient per parameter,
/// of the parameter's type. The body may use arithmetic, `powi`, `powf`, `exp`, `ln`, `sqrt`,
/// `sin`, `cos`, `tanh`, `abs`, `min`, `max`, `let` bindings and `for` loops over ranges that
/// do not depend on the parameters (reversed in the gradient, with the values the adjoint
/// needs saved per iteration); anything else is a compile error saying what is not supported.
///
/// ```
/// use autograd::differentiable;
///
/// #[differentiable]
/// fn chain(a: f64, b: f64) -> f64 {
///     let mut c = a;
///     for _ in 0..3 {
///         c = (c * b + a).sin();
///     }
///     c
/// }
///
/// let (value, (da, db)) = chain_grad(0.5, 1.5);
/// assert_eq!(value, chain(0.5, 1.5));
/// assert!(da.is_finite() && db.is_finite());
/// ```
///
/// # Arguments
///
/// - `static`: require the static path (a body that is not one is a compile error saying
///   why, at the first offending expression);
/// - `dynamic`: always run a tensor function on the tape (for benchmarks and comparisons);
/// - `crate = path`: the path of the `autograd` facade in the expansion (`::autograd` by
///   default), for crates that rename it.
///
/// Every misuse (not a function, `async`/`const`/`unsafe fn`, generic parameters, a `self`
/// receiver, no differentiable parameter, an unsupported parameter or return type, an unknown
/// argument) is a compile error on the offending tokens, emitted beside the function unchanged.
#[proc_macro_attribute]
pub fn differentiable(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::differentiable_or_fallback(attr.into(), item.into()).into()
}
