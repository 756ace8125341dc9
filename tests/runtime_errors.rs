//! Issue 2 part 7: `AutogradError` values from the `try_` forms and builders, the same text
//! from the panicking forms, and no `.grad()` changes when a backward fails.

mod runtime_support;

use autograd::{tensor, AutogradError, Tensor};
use runtime_support::{assert_grad, leaf, panic_message};

const NO_GRAD_FN: &str = "element 0 of tensors does not require grad and does not have a grad_fn";
const NON_SCALAR: &str = "grad can be implicitly created only for scalar outputs";
const SECOND_TIME: &str = "Trying to backward through the graph a second time";

#[test]
fn backward_on_a_tensor_outside_any_graph() {
    let err = tensor![1., 2.].sum().try_backward().unwrap_err();
    assert_eq!(err, AutogradError::NoGradFn { index: 0 });
    assert_eq!(err.to_string(), NO_GRAD_FN);
    // The index names the offending output in a multi-output backward.
    let x = leaf(&[1.], &[1]);
    let (ok, constant) = ((&x * 2.0).sum(), tensor![3.].sum());
    let err = autograd::backward(&[&ok, &constant]).run().unwrap_err();
    assert_eq!(err, AutogradError::NoGradFn { index: 1 });
    assert!(err
        .to_string()
        .starts_with("element 1 of tensors does not require grad"));
}

#[test]
#[should_panic(expected = "element 0 of tensors does not require grad and does not have a grad_fn")]
fn backward_panics_with_the_same_text() {
    Tensor::ones(&[1]).backward();
}

#[test]
fn backward_without_a_gradient_on_a_non_scalar_output() {
    let x = leaf(&[1., 2.], &[2]);
    let err = (&x * 2.0).try_backward().unwrap_err();
    assert_eq!(err, AutogradError::NonScalarOutput { shape: vec![2] });
    assert!(err.to_string().starts_with(NON_SCALAR), "{err}");
    assert!(err.to_string().contains("[2]"));
}

#[test]
#[should_panic(expected = "grad can be implicitly created only for scalar outputs")]
fn backward_on_a_non_scalar_output_panics() {
    (&leaf(&[1., 2.], &[2]) * 2.0).backward();
}

#[test]
fn a_gradient_of_the_wrong_shape() {
    let x = leaf(&[1., 2.], &[2]);
    let y = &x * 2.0;
    let err = y.try_backward_with(&Tensor::ones(&[3])).unwrap_err();
    assert_eq!(
        err,
        AutogradError::GradShapeMismatch {
            index: 0,
            grad_shape: vec![3],
            output_shape: vec![2]
        }
    );
    assert_eq!(
        err.to_string(),
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2])."
    );
    // The graph is intact after the rejected call.
    y.backward_with(&Tensor::ones(&[2]));
    assert_grad(&x, &[2., 2.]);
}

#[test]
#[should_panic(expected = "Mismatch in shape: grad_output[0] has a shape of torch.Size([2, 1])")]
fn backward_with_a_wrong_shape_panics() {
    let x = leaf(&[1., 2.], &[2]);
    (&x * 2.0).backward_with(&Tensor::ones(&[2, 1]));
}

#[test]
fn a_non_float_gradient_is_refused() {
    let x = leaf(&[1., 2.], &[2]);
    let err = (&x * 2.0)
        .try_backward_with(&tensor![1., 1.].gt(0.0))
        .unwrap_err();
    assert!(
        matches!(err, AutogradError::GradDTypeMismatch { index: 0, .. }),
        "{err:?}"
    );
}

#[test]
fn the_wrong_number_of_gradients_for_the_outputs() {
    let x = leaf(&[1.], &[1]);
    let (a, b) = (&x * 2.0, &x * 3.0);
    let g = Tensor::ones(&[1]);
    let err = autograd::backward(&[&a, &b])
        .grad_tensors(&[&g])
        .run()
        .unwrap_err();
    assert_eq!(
        err,
        AutogradError::GradCountMismatch {
            given: 1,
            expected: 2
        }
    );
}

#[test]
fn a_second_backward_through_a_freed_graph() {
    let x = leaf(&[1., 2.], &[2]);
    let y = (&x * &x).sum();
    y.try_backward().unwrap();
    let err = y.try_backward().unwrap_err();
    assert!(matches!(&err, AutogradError::GraphFreed { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with(SECOND_TIME), "{text}");
    assert!(
        text.contains("retain_graph=True"),
        "tells the user the fix: {text}"
    );
}

#[test]
#[should_panic(expected = "Trying to backward through the graph a second time")]
fn a_second_backward_panics_with_the_same_text() {
    let x = leaf(&[1., 2.], &[2]);
    let y = (&x * &x).sum();
    y.backward();
    y.backward();
}

#[test]
fn grad_of_an_input_that_does_not_require_grad() {
    let x = leaf(&[1.], &[1]);
    let c = tensor![2.];
    let out = (&x * &c).sum();
    let err = autograd::grad(&[&out], &[&c]).run().unwrap_err();
    assert_eq!(err, AutogradError::InputDoesNotRequireGrad { index: 0 });
    assert!(err.to_string().contains("does not require grad"));
}

#[test]
fn autograd_error_is_a_std_error() {
    fn takes_error(e: &dyn std::error::Error) -> String {
        e.to_string()
    }
    let err = Tensor::ones(&[1]).try_backward().unwrap_err();
    assert_eq!(takes_error(&err), NO_GRAD_FN);
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(err.clone());
    assert_eq!(boxed.to_string(), NO_GRAD_FN);
    assert!(format!("{err:?}").contains("NoGradFn"));
}

#[test]
fn failed_backwards_leave_every_grad_as_it_was() {
    let x = leaf(&[1., 2.], &[2]);
    let w = leaf(&[3.], &[1]);
    (&x * 2.0).sum().backward();
    let before = x.grad().unwrap().to_vec();
    // Non-scalar output, wrong gradient shape, wrong gradient count: rejected up front.
    let y = &x * &w;
    assert!(y.try_backward().is_err());
    assert!(y.try_backward_with(&Tensor::ones(&[5])).is_err());
    assert!(autograd::backward(&[&y]).grad_tensors(&[]).run().is_err());
    assert_eq!(x.grad().unwrap().to_vec(), before);
    assert!(w.grad().is_none());
    // A failure in the middle of the walk: `freed` was backwarded already, `fresh` was not.
    // Whatever ran before the error, nothing is committed.
    let freed = (&x * &x).sum();
    freed.backward();
    let after_first = x.grad().unwrap().to_vec();
    let out = &freed + (&w * &w).sum() + (&x * 3.0).sum();
    let err = out.try_backward().unwrap_err();
    assert!(err.to_string().starts_with(SECOND_TIME));
    assert_eq!(x.grad().unwrap().to_vec(), after_first);
    assert!(w.grad().is_none());
}

#[test]
fn a_panicking_backward_also_leaves_grads_unchanged() {
    let x = leaf(&[1.], &[1]);
    let y = (&x * &x).sum();
    y.backward();
    let msg = panic_message(|| y.backward());
    assert!(msg.starts_with(SECOND_TIME), "{msg}");
    assert_grad(&x, &[2.]);
}
