//! `set_grad` and `autograd::grad` argument checks against PyTorch 2.15.0 (`x.grad = g` and
//! `torch.autograd.grad`): same refusals, same sentences.

mod ops_support;

use autograd::{AutogradError, Tensor};
use ops_support::panic_message;

/// `x.grad = torch.tensor([1., 2.], dtype=torch.float64)` on a 0-d float64 `x`.
#[test]
fn set_grad_refuses_another_shape_and_keeps_the_old_gradient() {
    let x = Tensor::from_vec(vec![1.0f64], &[]).requires_grad_(true);
    x.set_grad(Some(Tensor::from_vec(vec![5.0f64], &[])));
    let message = panic_message(|| {
        x.set_grad(Some(Tensor::from_vec(vec![1.0f64, 2.0], &[2])));
    });
    assert!(message.contains("set_grad"), "{message}");
    assert!(
        message.contains("attempting to assign a gradient of size '[2]' to a tensor of size '[]'. Please ensure that the gradient and the tensor are the same size"),
        "{message}"
    );
    assert_eq!(x.grad().unwrap().to_vec(), vec![5.0]);
}

/// `x.grad = torch.tensor(1.)` (float32) on a float64 `x`.
#[test]
fn set_grad_refuses_another_dtype() {
    let x = Tensor::from_vec(vec![1.0f64], &[]).requires_grad_(true);
    let message = panic_message(|| x.set_grad(Some(Tensor::from_vec(vec![1.0f32], &[]))));
    assert!(
        message.contains("attempting to assign a gradient with dtype 'float' to a tensor with grad_dtype 'Double'. The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype)."),
        "{message}"
    );
    assert!(x.grad().is_none());
    x.set_grad(Some(Tensor::from_vec(vec![2.0f64], &[])));
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0]);
}

/// `torch.autograd.grad(y, [])`.
#[test]
fn grad_with_no_inputs_is_refused() {
    let x = Tensor::from_vec(vec![1.0f64], &[]).requires_grad_(true);
    let y = &x * 2.0;
    let err = autograd::grad(&[&y], &[]).run().unwrap_err();
    assert_eq!(err, AutogradError::NoInputs);
    assert_eq!(
        err.to_string(),
        "`inputs` argument to `grad()` cannot be empty."
    );
}

/// `torch.autograd.grad(c, [d])` with neither requiring grad: the output is checked first.
#[test]
fn grad_checks_the_outputs_before_the_inputs() {
    let c = Tensor::from_vec(vec![1.0f64], &[]);
    let d = Tensor::from_vec(vec![2.0f64], &[]);
    let err = autograd::grad(&[&c], &[&d]).run().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("element 0 of tensors does not require grad and does not have a grad_fn"),
        "{err}"
    );
}
