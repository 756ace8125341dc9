//! Issue 2 part 8: `autograd::gradcheck` itself: it passes on correct gradients and reports
//! which input, element and output disagree for a deliberately wrong backward rule.
//!
//! Wrong rules are recorded with `autograd::__private::record_node` (what `#[differentiable]`
//! uses), which attaches an arbitrary backward to values computed without recording.

mod runtime_support;

use autograd::__private::{record_node, BackwardFn};
use autograd::{
    gradcheck, no_grad, AutogradError, GradcheckError, Tensor, GRADCHECK_ATOL, GRADCHECK_EPS,
    GRADCHECK_RTOL,
};
use runtime_support::{leaf, sample};

/// `a * b` (same shape) with a backward rule built by `rule(g, a, b) -> [ga, gb]`.
fn custom_mul(
    a: &Tensor,
    b: &Tensor,
    rule: impl Fn(&Tensor, &Tensor, &Tensor) -> Vec<Option<Tensor>> + Send + Sync + 'static,
) -> Tensor {
    let out = no_grad(|| a * b);
    let (sa, sb) = (a.detach(), b.detach());
    let backward: BackwardFn = Box::new(move |_ctx, grads| Ok(rule(&grads[0], &sa, &sb).into()));
    record_node("CustomMulBackward", &[a, b], vec![out], backward)
        .pop()
        .unwrap()
}

/// A correct rule: d/da = g b, d/db = g a.
fn correct_rule(g: &Tensor, a: &Tensor, b: &Tensor) -> Vec<Option<Tensor>> {
    vec![Some(g * b), Some(g * a)]
}

#[test]
fn tolerances_are_pytorchs_defaults() {
    assert_eq!(
        (GRADCHECK_EPS, GRADCHECK_ATOL, GRADCHECK_RTOL),
        (1e-6, 1e-5, 1e-3)
    );
}

#[test]
fn passes_on_correct_functions() {
    let (a, b) = (sample(&[2, 3], 1), sample(&[2, 3], 2));
    gradcheck(
        |v| custom_mul(&v[0], &v[1], correct_rule),
        &[a.clone(), b.clone()],
    )
    .unwrap();
    assert_eq!(
        custom_mul(&a, &b, correct_rule).grad_fn().unwrap().name(),
        "CustomMulBackward"
    );
    gradcheck(|v| (v[0].sin() * &v[1]).sum(), &[a.clone(), b.clone()]).unwrap();
    gradcheck(|v| v[0].matmul(&v[1].t()).tanh(), &[a, b]).unwrap();
}

#[test]
fn reports_the_input_element_and_output_of_a_wrong_gradient() {
    // The rule adds 0.5 to element 2 of b's gradient for every output element. For output 0,
    // d out_0 / d b_2 = 0 (the product is elementwise), so the first disagreement gradcheck
    // meets (inputs, then elements, then outputs in order) is input 1, element 2, output 0:
    // numerical 0, analytical 0.5.
    let (a, b) = (sample(&[4], 1), sample(&[4], 2));
    let wrong = |g: &Tensor, a: &Tensor, b: &Tensor| {
        let bump = Tensor::from_vec(vec![0.0f64, 0.0, 0.5, 0.0], &[4]);
        vec![Some(g * b), Some(g * a + bump)]
    };
    let err = gradcheck(|v| custom_mul(&v[0], &v[1], wrong), &[a, b]).unwrap_err();
    let GradcheckError::JacobianMismatch {
        input,
        element,
        output,
        numerical,
        analytical,
    } = err.clone()
    else {
        panic!("expected a Jacobian mismatch, got {err:?}");
    };
    assert_eq!((input, element, output), (1, 2, 0));
    assert!(numerical.abs() < 1e-9, "numerical {numerical}");
    assert!((analytical - 0.5).abs() < 1e-12, "analytical {analytical}");
    let text = err.to_string();
    assert!(text.contains("input 1, element 2"), "{text}");
    assert!(text.contains("output 0"), "{text}");
}

#[test]
fn reports_a_gradient_off_by_a_factor() {
    // d/da is doubled: the first element of input 0 already disagrees (numerical b_0,
    // analytical 2 b_0).
    let (a, b) = (sample(&[2, 2], 3), sample(&[2, 2], 4));
    let b0 = b.to_vec()[0];
    let doubled = |g: &Tensor, a: &Tensor, b: &Tensor| vec![Some(g * b * 2.0), Some(g * a)];
    match gradcheck(|v| custom_mul(&v[0], &v[1], doubled).sum(), &[a, b]) {
        Err(GradcheckError::JacobianMismatch {
            input: 0,
            element: 0,
            output: 0,
            numerical,
            analytical,
        }) => {
            assert!((numerical - b0).abs() < 1e-6);
            assert!((analytical - 2.0 * b0).abs() < 1e-12);
        }
        other => panic!("expected a mismatch at input 0, element 0: {other:?}"),
    }
}

#[test]
fn reports_a_missing_gradient() {
    // The rule returns no gradient for b although b requires grad: analytical 0.
    let (a, b) = (sample(&[3], 5), sample(&[3], 6));
    let missing = |g: &Tensor, _a: &Tensor, b: &Tensor| vec![Some(g * b), None];
    let err = gradcheck(|v| custom_mul(&v[0], &v[1], missing), &[a, b]).unwrap_err();
    assert!(
        matches!(
            err,
            GradcheckError::JacobianMismatch {
                input: 1,
                element: 0,
                output: 0,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn errors_within_the_tolerance_pass() {
    // An absolute error of 1e-7 is far below atol = 1e-5.
    let (a, b) = (sample(&[3], 7), sample(&[3], 8));
    let nearly = |g: &Tensor, a: &Tensor, b: &Tensor| vec![Some(g * b + 1e-7), Some(g * a)];
    gradcheck(
        |v| custom_mul(&v[0], &v[1], nearly),
        &[a.clone(), b.clone()],
    )
    .unwrap();
    // An error of 1e-3 is not.
    let off = |g: &Tensor, a: &Tensor, b: &Tensor| vec![Some(g * b + 1e-3), Some(g * a)];
    assert!(gradcheck(|v| custom_mul(&v[0], &v[1], off), &[a, b]).is_err());
}

#[test]
fn an_input_that_does_not_require_grad_is_reported() {
    let a = sample(&[2], 1);
    let c = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
    let err = gradcheck(|v| &v[0] * &v[1], &[a, c]).unwrap_err();
    assert_eq!(err, GradcheckError::InputNotRequiringGrad { input: 1 });
    assert!(
        err.to_string().contains("input 1 does not require grad"),
        "{err}"
    );
}

#[test]
fn a_failing_backward_is_reported() {
    // A rule returning one gradient for two inputs makes the backward itself fail.
    let (a, b) = (sample(&[2], 1), sample(&[2], 2));
    let short = |g: &Tensor, _a: &Tensor, b: &Tensor| vec![Some(g * b)];
    let err = gradcheck(|v| custom_mul(&v[0], &v[1], short), &[a, b]).unwrap_err();
    assert!(
        matches!(
            err,
            GradcheckError::Backward(AutogradError::WrongGradientCount { .. })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("gradcheck: backward failed:"),
        "{err}"
    );
}

#[test]
fn unused_inputs_and_constant_outputs_pass() {
    // Zero analytical and zero numerical Jacobians agree.
    let (a, b) = (sample(&[2], 3), sample(&[3], 4));
    gradcheck(|v| v[0].exp(), &[a.clone(), b.clone()]).unwrap();
    gradcheck(|_| Tensor::from_vec(vec![1.0f64, 2.0], &[2]), &[a, b]).unwrap();
}

#[test]
fn gradcheck_restores_inputs_and_leaves_grads_alone() {
    let x = leaf(&[0.5, -1.25, 2.0], &[3]);
    let before = x.to_vec();
    gradcheck(|v| v[0].pow(3.0), std::slice::from_ref(&x)).unwrap();
    assert_eq!(
        x.to_vec(),
        before,
        "perturbed elements are restored exactly"
    );
    assert!(
        x.grad().is_none(),
        "gradcheck uses autograd::grad, not backward"
    );
}

#[test]
fn multi_element_outputs_check_every_output_element() {
    // A rule that is wrong only through output element 1: g[1] is dropped from d/da.
    let (a, b) = (sample(&[3], 9), sample(&[3], 10));
    let drops_second = |g: &Tensor, a: &Tensor, b: &Tensor| {
        let keep = Tensor::from_vec(vec![1.0f64, 0.0, 1.0], &[3]);
        vec![Some(g * b * keep), Some(g * a)]
    };
    let err = gradcheck(|v| custom_mul(&v[0], &v[1], drops_second), &[a, b]).unwrap_err();
    assert!(
        matches!(
            err,
            GradcheckError::JacobianMismatch {
                input: 0,
                element: 1,
                output: 1,
                ..
            }
        ),
        "{err:?}"
    );
}
