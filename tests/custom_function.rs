//! Custom functions (`autograd::Function`, as `torch.autograd.Function`): one recorded node
//! named `<Type>Backward`, saved tensors and values, non-differentiable outputs, validation of
//! what `backward` returns, double backward, and the errors PyTorch raises.

use autograd::{
    detect_anomaly, grad, gradcheck, is_grad_enabled, no_grad, AutogradError, Function,
    FunctionCtx, Tensor,
};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn leaf(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape).requires_grad_(true)
}

/// y = x^3, dy/dx = 3x^2 (written in tensor ops, so differentiable again).
struct Cube;

impl Function for Cube {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        assert!(!is_grad_enabled(), "forward runs with grad mode off");
        ctx.save_for_backward(&[&inputs[0]]);
        vec![inputs[0].pow(3.0)]
    }
    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        let x = &ctx.saved_tensors()[0];
        vec![Some(&grads[0] * x.pow(2.0) * 3.0)]
    }
}

/// Two inputs, two outputs: (a * b, a + b).
struct MulAdd;

impl Function for MulAdd {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        let (a, b) = (&inputs[0], &inputs[1]);
        ctx.save_for_backward(&[a, b]);
        vec![a * b, a + b]
    }
    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        let [a, b] = ctx.saved_tensors() else {
            unreachable!("two saved tensors")
        };
        // d(ab)/da = b, d(a + b)/da = 1; the broadcast result is summed back by the runtime.
        let ga = ctx.needs_input_grad(0).then(|| &grads[0] * b + &grads[1]);
        let gb = ctx.needs_input_grad(1).then(|| &grads[0] * a + &grads[1]);
        vec![ga, gb]
    }
}

/// A backward that returns whatever it was built with, to test validation.
struct Returns(fn(&[Tensor]) -> Vec<Option<Tensor>>);

impl Function for Returns {
    fn forward(&self, _: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        vec![&inputs[0] * 2.0]
    }
    fn backward(&self, _: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        (self.0)(grads)
    }
}

#[test]
fn records_one_node_named_after_the_type() {
    // d/dx x^3 = 3x^2: at (1, -2) -> (3, 12).
    let x = leaf(&[1.0, -2.0], &[2]);
    let y = Cube.apply(&[&x]).remove(0);
    assert_eq!(y.to_vec(), vec![1.0, -8.0]);
    let node = y.grad_fn().unwrap();
    assert_eq!(node.name(), "CubeBackward");
    let next = node.next_functions();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].0.as_ref().unwrap().name(), "AccumulateGrad");
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![3.0, 12.0]);
}

#[test]
fn gradcheck_of_two_inputs_and_two_outputs_with_broadcasting() {
    let a = leaf(&[0.5, -1.0, 2.0, 0.3, 1.1, -0.7], &[2, 3]);
    let b = leaf(&[1.5, 0.2, -0.4], &[3]);
    let f = |v: &[Tensor]| {
        let out = MulAdd.apply(&[&v[0], &v[1]]);
        &out[0] * 2.0 + out[1].sin()
    };
    gradcheck(f, &[a.clone(), b.clone()]).unwrap();
    let c = leaf(&[0.8], &[1]);
    gradcheck(f, &[a, c]).unwrap();
}

#[test]
fn an_unused_output_gets_a_zero_gradient() {
    // Only a * b reaches the loss: backward sees zeros for a + b, so da = b and db = a.
    let a = leaf(&[2.0, 3.0], &[2]);
    let b = leaf(&[5.0, 7.0], &[2]);
    let out = MulAdd.apply(&[&a, &b]);
    out[0].sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![5.0, 7.0]);
    assert_eq!(b.grad().unwrap().to_vec(), vec![2.0, 3.0]);
}

#[test]
fn needs_input_grad_follows_the_inputs() {
    let a = leaf(&[2.0], &[1]);
    let c = Tensor::from_vec(vec![4.0f64], &[1]);
    let out = MulAdd.apply(&[&a, &c]);
    (&out[0] + &out[1]).sum().backward();
    // d/da (a c + a + c) = c + 1 = 5; c gets nothing.
    assert_eq!(a.grad().unwrap().to_vec(), vec![5.0]);
    assert!(c.grad().is_none());
}

#[test]
fn nothing_is_recorded_without_grad() {
    let c = Tensor::from_vec(vec![2.0f64], &[1]);
    let y = Cube.apply(&[&c]).remove(0);
    assert_eq!(y.to_vec(), vec![8.0]);
    assert!(y.grad_fn().is_none() && !y.requires_grad());
    let x = leaf(&[2.0], &[1]);
    let y = no_grad(|| Cube.apply(&[&x]).remove(0));
    assert!(y.grad_fn().is_none() && !y.requires_grad());
}

#[test]
fn double_backward_through_a_custom_backward() {
    // Cube's backward is 3 g x^2 on the saved input, so d2/dx2 x^3 = 6x is available.
    let x = leaf(&[1.5, -1.0], &[2]);
    let y = Cube.apply(&[&x]).remove(0).sum();
    let g = grad(&[&y], &[&x]).create_graph(true).run().unwrap()[0]
        .clone()
        .unwrap();
    assert_eq!(g.to_vec(), vec![6.75, 3.0]);
    let h = grad(&[&g.sum()], &[&x]).run().unwrap()[0].clone().unwrap();
    assert_eq!(h.to_vec(), vec![9.0, -6.0]);
}

#[test]
fn a_second_backward_without_retain_graph_is_an_error() {
    let x = leaf(&[1.0], &[1]);
    let y = Cube.apply(&[&x]).remove(0).sum();
    y.backward();
    let err = y.try_backward().unwrap_err();
    assert!(matches!(&err, AutogradError::GraphFreed { .. }));
}

// --- what backward returns ------------------------------------------------------------------

#[test]
fn the_wrong_number_of_gradients_is_an_error() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let f = Returns(|g| vec![Some(g[0].clone()), None]);
    let err = f.apply(&[&x])[0].sum().try_backward().unwrap_err();
    assert_eq!(
        err.to_string(),
        "function ReturnsBackward returned an incorrect number of gradients (expected 1, got 2)"
    );
    assert!(x.grad().is_none());
}

#[test]
fn a_gradient_of_the_wrong_shape_is_an_error() {
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let f = Returns(|_| vec![Some(Tensor::ones(&[2]).double())]);
    let err = f.apply(&[&x])[0].sum().try_backward().unwrap_err();
    assert_eq!(
        err,
        AutogradError::InvalidGradient {
            node: "ReturnsBackward".into(),
            index: 0,
            reason: "got [2] but expected shape compatible with [3]".into(),
        }
    );
}

#[test]
fn a_broadcast_gradient_is_summed_to_the_input_shape() {
    // A [2, 3] gradient for a [3] input is summed over the leading dim, as PyTorch does.
    let x = leaf(&[1.0, 2.0, 3.0], &[3]);
    let f = Returns(|_| vec![Some(Tensor::ones(&[2, 3]).double())]);
    f.apply(&[&x])[0].sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 2.0, 2.0]);
}

#[test]
fn a_non_floating_gradient_is_an_error() {
    let x = leaf(&[1.0], &[1]);
    let f = Returns(|g| vec![Some(g[0].gt(0.0))]);
    let err = f.apply(&[&x])[0].sum().try_backward().unwrap_err();
    assert!(err
        .to_string()
        .contains("expected a floating point gradient but got torch.bool"));
}

#[test]
fn none_means_a_zero_gradient() {
    let x = leaf(&[1.0], &[1]);
    let y = leaf(&[1.0], &[1]);
    let f = Returns(|_| vec![None]);
    (f.apply(&[&x])[0].sum() + &y * 2.0).sum().backward();
    assert!(x.grad().is_none());
    assert_eq!(y.grad().unwrap().to_vec(), vec![2.0]);
}

// --- ctx ------------------------------------------------------------------------------------

/// Clamps to [lo, hi] from fields, saves the mask as a value, marks the mask output
/// non-differentiable.
struct ClampWithMask {
    lo: f64,
    hi: f64,
}

impl Function for ClampWithMask {
    fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
        let x = inputs[0].to_vec();
        let inside: Vec<bool> = x.iter().map(|v| *v >= self.lo && *v <= self.hi).collect();
        let clamped: Vec<f64> = x.iter().map(|v| v.clamp(self.lo, self.hi)).collect();
        let mask: Vec<f64> = inside.iter().map(|&b| f64::from(u8::from(b))).collect();
        let mask = Tensor::from_vec(mask, inputs[0].shape());
        ctx.save_value("inside", inside);
        ctx.mark_non_differentiable(&[&mask]);
        vec![Tensor::from_vec(clamped, inputs[0].shape()), mask]
    }
    fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
        let inside = ctx.value::<Vec<bool>>("inside");
        let g: Vec<f64> = grads[0]
            .to_vec()
            .iter()
            .zip(inside)
            .map(|(g, &keep)| if keep { *g } else { 0.0 })
            .collect();
        vec![Some(Tensor::from_vec(g, grads[0].shape()))]
    }
}

#[test]
fn values_fields_and_non_differentiable_outputs() {
    let x = leaf(&[-2.0, 0.5, 3.0], &[3]);
    let out = ClampWithMask { lo: -1.0, hi: 1.0 }.apply(&[&x]);
    assert_eq!(out[0].to_vec(), vec![-1.0, 0.5, 1.0]);
    assert_eq!(out[0].grad_fn().unwrap().name(), "ClampWithMaskBackward");
    assert_eq!(out[1].to_vec(), vec![0.0, 1.0, 0.0]);
    assert!(!out[1].requires_grad() && out[1].grad_fn().is_none());
    (&out[0] * 3.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 3.0, 0.0]);
}

#[test]
fn a_missing_value_panics_with_the_saved_names() {
    struct Forgetful;
    impl Function for Forgetful {
        fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
            ctx.save_value("scale", 2.0f64);
            vec![inputs[0].clone()]
        }
        fn backward(&self, ctx: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
            vec![Some(&grads[0] * *ctx.value::<f64>("factor"))]
        }
    }
    let x = leaf(&[1.0], &[1]);
    let y = Forgetful.apply(&[&x]).remove(0).sum();
    let panic = catch_unwind(AssertUnwindSafe(|| y.backward())).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert_eq!(
        message,
        "FunctionCtx::value: no value named \"factor\" was saved in forward (saved: [\"scale\"])"
    );
}

#[test]
#[should_panic(
    expected = "StrayBackward: mark_non_differentiable was given a tensor of shape [2] that is not an output of forward"
)]
fn marking_a_tensor_that_is_not_an_output_panics() {
    struct Stray;
    impl Function for Stray {
        fn forward(&self, ctx: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
            ctx.mark_non_differentiable(&[&inputs[0]]);
            vec![&inputs[0] * 2.0]
        }
        fn backward(&self, _: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
            vec![Some(grads[0].clone())]
        }
    }
    let _ = Stray.apply(&[&leaf(&[1.0, 2.0], &[2])]);
}

#[test]
fn a_saved_tensor_modified_in_place_fails_the_backward() {
    // x.grad() is accumulated in place by a second backward, bumping its version after the
    // custom function saved it.
    let x = leaf(&[1.0, 1.0], &[2]);
    (&x * 1.0).sum().backward();
    let g = x.grad().unwrap();
    let w = leaf(&[3.0, 4.0], &[2]);
    let out = MulAdd.apply(&[&w, &g]);
    (&x * 1.0).sum().backward();
    let err = out[0].sum().try_backward().unwrap_err();
    assert_eq!(
        err,
        AutogradError::ModifiedInPlace {
            node: "MulAddBackward".into(),
            dtype: autograd::DType::F64,
            shape: vec![2],
            produced_by: None,
            found: 1,
            expected: 0,
            anomaly: false,
        }
    );
    assert!(err.to_string().contains("modified by an inplace operation"));
}

#[test]
fn identity_returning_its_input_does_not_touch_the_input() {
    struct Identity;
    impl Function for Identity {
        fn forward(&self, _: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
            vec![inputs[0].clone()]
        }
        fn backward(&self, _: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
            vec![Some(grads[0].clone())]
        }
    }
    let x = leaf(&[1.0, 2.0], &[2]);
    let y = Identity.apply(&[&x]).remove(0);
    assert!(x.is_leaf() && x.grad_fn().is_none());
    assert_eq!(y.grad_fn().unwrap().name(), "IdentityBackward");
    (&y * 2.0).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 2.0]);
}

#[test]
fn names_of_generic_types_and_overrides() {
    struct Wrapper<T>(T);
    impl<T: Send + Sync + 'static> Function for Wrapper<T> {
        fn forward(&self, _: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
            vec![&inputs[0] * 1.0]
        }
        fn backward(&self, _: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
            vec![Some(grads[0].clone())]
        }
    }
    struct Named;
    impl Function for Named {
        fn forward(&self, _: &mut FunctionCtx, inputs: &[Tensor]) -> Vec<Tensor> {
            vec![&inputs[0] * 1.0]
        }
        fn backward(&self, _: &FunctionCtx, grads: &[Tensor]) -> Vec<Option<Tensor>> {
            vec![Some(grads[0].clone())]
        }
        fn name(&self) -> String {
            "MyOpBackward0".into()
        }
    }
    let x = leaf(&[1.0], &[1]);
    let y = Wrapper(std::collections::HashMap::<u8, u8>::new()).apply(&[&x]);
    assert_eq!(y[0].grad_fn().unwrap().name(), "WrapperBackward");
    let y = autograd::function::apply(Named, &[&x]);
    assert_eq!(y[0].grad_fn().unwrap().name(), "MyOpBackward0");
}

#[test]
fn anomaly_detection_names_the_node_and_the_apply_call() {
    let x = leaf(&[1.0], &[1]);
    let f = Returns(|g| vec![Some(&g[0] * f64::NAN)]);
    let line = line!() + 1;
    let y = f.apply(&[&x]).remove(0).sum();
    let err = detect_anomaly(|| y.try_backward()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("ReturnsBackward"), "{text}");
    assert!(
        text.contains(&format!("tests/custom_function.rs:{line}")),
        "{text}"
    );
}
