//! In-place ops: values, version counters, the refusals (leaf that requires grad, tensors in
//! a graph) and PyTorch's error when a backward needs a value modified after it was saved.

mod ops_support;

use autograd::{no_grad, tensor, AutogradError, DType, Tensor};
use ops_support::*;

#[test]
fn arithmetic_in_place_with_numbers_and_tensors() {
    let t = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[2, 2]);
    assert_eq!(t.version(), 0);
    t.add_(1.0); // [2, 3, 4, 5]
    t.mul_(tensor![1., 10.]); // broadcast over rows: [2, 30, 4, 50]
    t.sub_(2.0); // [0, 28, 2, 48]
    t.div_(tensor![[2.], [4.]]); // rows / [2, 4]: [0, 14, 0.5, 12]
    assert_eq!(t.to_vec(), vec![0.0, 14.0, 0.5, 12.0]);
    assert_eq!(t.dtype(), DType::F64);
    assert_eq!(t.version(), 4);
}

#[test]
fn in_place_ops_chain_and_return_self() {
    let t = Tensor::zeros(&[3]);
    assert!(t.fill_(2.0).mul_(3.0).ptr_eq(&t));
    assert_eq!(t.to_vec(), vec![6.0; 3]);
    t.zero_();
    assert_eq!(t.to_vec(), vec![0.0; 3]);
    assert_eq!(t.version(), 3);
}

#[test]
fn copy_broadcasts_and_converts_the_dtype() {
    let t = Tensor::zeros(&[2, 2]);
    t.copy_(&tensor![1.5, 2.5].double());
    assert_eq!(t.dtype(), DType::F32);
    assert_eq!(t.to_vec(), vec![1.5, 2.5, 1.5, 2.5]);
    // copying a tensor onto itself leaves it unchanged
    t.copy_(&t.clone());
    assert_eq!(t.to_vec(), vec![1.5, 2.5, 1.5, 2.5]);
}

#[test]
fn copy_does_not_alias_the_source() {
    let src = tensor![1., 2.];
    let t = Tensor::zeros(&[2]);
    t.copy_(&src);
    t.add_(1.0);
    assert_eq!(src.to_vec(), vec![1.0, 2.0]);
    assert_eq!(t.to_vec(), vec![2.0, 3.0]);
}

#[test]
fn clamp_in_place() {
    let t = tensor![-2., 0.5, 3.];
    t.clamp_(-1.0, 1.0);
    assert_eq!(t.to_vec(), vec![-1.0, 0.5, 1.0]);
}

#[test]
fn storage_and_version_are_shared_with_detached_views() {
    let x = Tensor::ones(&[2, 2]);
    let view = x.detach().reshape(&[4]);
    view.add_(1.0);
    assert_eq!(x.to_vec(), vec![2.0; 4]);
    assert_eq!(x.version(), 1);
}

#[test]
fn parameter_update_under_no_grad() {
    // an SGD step: w -= lr * grad, allowed on a leaf that requires grad inside no_grad
    let w = leaf(&[1.0, 2.0], &[2]);
    (&w * &w).sum().backward(); // grad = 2w = [2, 4]
    no_grad(|| {
        w.sub_(&(w.grad().unwrap() * 0.5));
    });
    assert_eq!(w.to_vec(), vec![0.0, 0.0]);
    assert!(w.requires_grad() && w.is_leaf());
}

#[test]
fn zeroing_a_gradient_in_place_between_two_backwards() {
    let x = leaf(&[1.0, 2.0], &[2]);
    (&x * 3.0).sum().backward();
    x.grad().unwrap().zero_();
    (&x * 3.0).sum().backward();
    // accumulated onto the zeroed buffer: one pass worth
    assert_eq!(x.grad().unwrap().to_vec(), vec![3.0, 3.0]);
}

#[test]
#[should_panic(
    expected = "add_: a leaf Variable that requires grad is being used in an in-place operation."
)]
fn in_place_on_a_leaf_that_requires_grad_panics() {
    let w = leaf(&[1.0], &[1]);
    w.add_(1.0);
}

#[test]
#[should_panic(
    expected = "zero_: a leaf Variable that requires grad is being used in an in-place operation."
)]
fn zero_on_a_leaf_that_requires_grad_panics() {
    Tensor::ones(&[2]).requires_grad_(true).zero_();
}

#[test]
fn in_place_on_a_graph_output_rebases_its_history_as_pytorch() {
    // x = tensor([1.], requires_grad=True); y = x * 2; y.mul_(3); y.sum().backward()
    // y.grad_fn is MulBackward0 and x.grad is 6 (d/dx 3 * 2x).
    let x = leaf(&[1.0], &[1]);
    let y = &x * 2.0;
    y.mul_(3.0);
    assert_eq!(y.to_vec(), vec![6.0]);
    assert_eq!(y.grad_fn().unwrap().name(), "MulBackward0");
    assert!(!y.is_leaf());
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0]);
}

#[test]
fn in_place_chains_and_clamp_rebase_too() {
    // y = x * x; y.add_(1); y.clamp_(0, 5); d/dx = 2x where x^2 + 1 is inside [0, 5].
    let x = leaf(&[1.0, 3.0], &[2]);
    let y = &x * &x;
    y.add_(1.0);
    y.clamp_(0.0, 5.0);
    assert_eq!(y.to_vec(), vec![2.0, 5.0]);
    assert_eq!(y.grad_fn().unwrap().name(), "ClampBackward1");
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0, 0.0]);
}

#[test]
fn in_place_with_an_operand_that_requires_grad_makes_a_non_leaf() {
    // buf = zeros(1); buf.add_(x * 4): buf now has AddBackward0 and x.grad is 4.
    let x = leaf(&[1.0], &[1]);
    let buf = Tensor::zeros(&[1]).double();
    buf.add_(&(&x * 4.0));
    assert!(buf.requires_grad() && !buf.is_leaf());
    assert_eq!(buf.grad_fn().unwrap().name(), "AddBackward0");
    buf.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![4.0]);
}

#[test]
fn retain_grad_follows_a_rebased_tensor() {
    let x = leaf(&[2.0], &[1]);
    let y = &x * 1.0;
    y.retain_grad();
    y.mul_(5.0);
    y.sum().backward();
    // The retained gradient is that of the final y: d(sum y)/dy = 1.
    assert_eq!(y.grad().unwrap().to_vec(), vec![1.0]);
    assert_eq!(x.grad().unwrap().to_vec(), vec![5.0]);
}

#[test]
#[should_panic(expected = "mul_: this tensor shares its storage with another tensor")]
fn recorded_in_place_on_shared_storage_is_refused() {
    // exp saves its output: changing it in place could not be followed by that saved value.
    let x = leaf(&[1.0], &[1]);
    let y = x.exp();
    y.mul_(2.0);
}

#[test]
fn recorded_zero_and_fill_cut_the_gradient_as_pytorch() {
    // y = x * 2; y.zero_(): y.grad_fn is ZeroBackward0 and x.grad is 0 (y no longer depends on x).
    let x = leaf(&[1.0, 2.0], &[2]);
    let y = &x * 2.0;
    y.zero_();
    assert_eq!(y.grad_fn().unwrap().name(), "ZeroBackward0");
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.0]);
    let z = &x * 2.0;
    z.fill_(7.0);
    assert_eq!(z.to_vec(), vec![7.0, 7.0]);
    // torch 2.15.0: `fill_.Scalar` is the third `fill` entry of derivatives.yaml.
    assert_eq!(z.grad_fn().unwrap().name(), "FillBackward2");
}

#[test]
fn recorded_copy_sends_the_gradient_to_the_source() {
    // buf = zeros(2, 2); buf.copy_(x * 3) with x of shape [2]: x.grad = 3 * 2 rows = 6.
    let x = leaf(&[1.0, 2.0], &[2]);
    let buf = Tensor::zeros(&[2, 2]).double();
    buf.copy_(&(&x * 3.0));
    assert_eq!(buf.grad_fn().unwrap().name(), "CopyBackwards");
    assert_eq!(buf.to_vec(), vec![3.0, 6.0, 3.0, 6.0]);
    buf.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![6.0, 6.0]);
}

#[test]
fn modifying_a_saved_input_fails_the_backward_with_pytorchs_message() {
    // w * a saves a (for w's gradient); changing a afterwards must not give wrong gradients.
    let w = leaf(&[1.0, 2.0, 3.0], &[3]);
    let a = Tensor::from_vec(vec![4.0f64, 5.0, 6.0], &[3]);
    let y = (&w * &a).sum();
    a.mul_(2.0);
    let err = y.try_backward().unwrap_err();
    assert!(matches!(
        err,
        AutogradError::ModifiedInPlace {
            found: 1,
            expected: 0,
            ..
        }
    ));
    // a is a leaf: PyTorch names no producing node.
    assert_eq!(
        err.to_string(),
        "one of the variables needed for gradient computation has been modified by an inplace \
         operation: [torch.DoubleTensor [3]] is at version 1; expected version 0 instead. Hint: \
         enable anomaly detection to find the operation that failed to compute its gradient, \
         with torch.autograd.set_detect_anomaly(True, check_nan=False)."
    );
    assert!(w.grad().is_none());
}

#[test]
fn modifying_a_saved_output_under_no_grad_fails_the_backward() {
    // exp saves its output; an in-place change to it (allowed under no_grad) is detected.
    let x = leaf(&[0.0, 1.0], &[2]);
    let y = x.exp();
    no_grad(|| {
        y.mul_(2.0);
    });
    let err = y.sum().try_backward().unwrap_err();
    // A saved output names the node it is an output of, as torch 2.15 prints it.
    assert!(
        err.to_string().contains(
            "modified by an inplace operation: [torch.DoubleTensor [2]], which is output 0 of \
             Exp, is at version 1; expected version 0 instead."
        ),
        "{err}"
    );
}

#[test]
fn a_modified_saved_intermediate_names_its_producer_and_anomaly_changes_the_hint() {
    // y = x * 2 is saved by y * w; PyTorch names y's own node, then hints at anomaly mode.
    let x = leaf(&[1.0, 2.0], &[2]);
    let w = leaf(&[3.0, 4.0], &[2]);
    let y = &x * 2.0;
    let z = (&y * &w).sum();
    no_grad(|| {
        y.add_(1.0);
    });
    let err = z.try_backward().unwrap_err();
    assert!(
        err.to_string().contains(
            "[torch.DoubleTensor [2]], which is output 0 of Mul, is at version 1; \
             expected version 0 instead. Hint: enable anomaly detection"
        ),
        "{err}"
    );
    let err = autograd::detect_anomaly(|| z.try_backward()).unwrap_err();
    assert!(
        err.to_string().ends_with(
            "Hint: the backtrace further above shows the operation that failed to compute its \
             gradient. The variable in question was changed in there or anywhere later. Good luck!"
        ),
        "{err}"
    );
}

#[test]
fn modifying_a_leaf_through_detach_fails_the_backward() {
    // sin saves its input x; x.detach() shares x's storage and version counter
    let x = leaf(&[0.5], &[1]);
    let y = x.sin();
    x.detach().fill_(0.0);
    let message = panic_message(|| y.backward());
    // x is a leaf: PyTorch names no producing node.
    assert!(
        message.contains("[torch.DoubleTensor [1]] is at version 1; expected version 0 instead."),
        "{message}"
    );
}

#[test]
fn unsaved_values_can_be_modified_freely() {
    // cat saves no input values (CatBackward0 only slices the gradient), so changing an input
    // after the forward does not affect the backward
    let x = leaf(&[1.0], &[1]);
    let a = Tensor::from_vec(vec![1.0f64], &[1]);
    let y = (Tensor::cat(&[&x, &a], 0) * 2.0).sum();
    a.add_(5.0);
    y.backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![2.0]);
}

#[test]
#[should_panic(expected = "add_: output with shape [2] doesn't match the broadcast shape [2, 2]")]
fn in_place_with_a_larger_operand_panics() {
    Tensor::zeros(&[2]).add_(Tensor::ones(&[2, 2]));
}

#[test]
#[should_panic(expected = "copy_: the size of src [3] must be broadcastable to self [2]")]
fn copy_of_a_mismatched_shape_panics() {
    Tensor::zeros(&[2]).copy_(&Tensor::ones(&[3]));
}

#[test]
#[should_panic(expected = "mul_: expected a floating point tensor but got dtype torch.bool")]
fn arithmetic_in_place_on_a_bool_tensor_panics() {
    Tensor::ones(&[2]).gt(0.0).mul_(2.0);
}

#[test]
fn add_and_sub_save_nothing_so_later_in_place_changes_are_harmless() {
    // PyTorch's AddBackward0/SubBackward0 save no operands: changing `a` in place after
    // `y = x + a` does not break y's backward (d/dx sum(x + a - a) = 1).
    let x = autograd::Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true);
    let a = autograd::Tensor::from_vec(vec![5.0f64, 6.0], &[2]);
    let y = &(&x + &a) - &a;
    a.add_(1.0);
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![1.0, 1.0]);
}

#[test]
fn float32_in_place_with_a_float64_operand_records_one_node() {
    // torch 2.15.0, x float32 [1, 2], a float64 [3, 4], y = -x; y.<op>_(a); y.sum().backward():
    // y stays float32 and y.grad_fn is the op's node on (NegBackward0, AccumulateGrad), with no
    // _to_copy node; x.grad is float32 and a.grad float64 (b = [3.] broadcast: summed).
    let apply = |name: &str, y: &Tensor, a: &Tensor| match name {
        "AddBackward0" => {
            y.add_(a);
        }
        "SubBackward0" => {
            y.sub_(a);
        }
        "MulBackward0" => {
            y.mul_(a);
        }
        _ => {
            y.div_(a);
        }
    };
    let cases = [
        ("AddBackward0", [-1.0, -1.0], [1.0, 1.0], 2.0),
        ("SubBackward0", [-1.0, -1.0], [-1.0, -1.0], -2.0),
        ("MulBackward0", [-3.0, -4.0], [-1.0, -2.0], -3.0),
        (
            "DivBackward0",
            [-1.0 / 3.0, -0.25],
            [1.0 / 9.0, 0.125],
            1.0 / 3.0,
        ),
    ];
    for (name, x_grad, a_grad, b_grad) in cases {
        let x = Tensor::from_vec(vec![1.0f32, 2.0], &[2]).requires_grad_(true);
        let a = Tensor::from_vec(vec![3.0f64, 4.0], &[2]).requires_grad_(true);
        let y = x.neg();
        apply(name, &y, &a);
        assert_eq!(y.dtype(), DType::F32);
        let node = y.grad_fn().unwrap();
        assert_eq!(node.name(), name);
        let next: Vec<String> = (node.next_functions().into_iter())
            .map(|(f, _)| f.map_or("None".to_string(), |f| f.name().to_string()))
            .collect();
        assert_eq!(next, ["NegBackward0", "AccumulateGrad"], "{name}");
        y.sum().backward();
        let (gx, ga) = (x.grad().unwrap(), a.grad().unwrap());
        assert_eq!((gx.dtype(), ga.dtype()), (DType::F32, DType::F64), "{name}");
        for (got, want) in gx.to_vec().iter().zip(x_grad) {
            assert!((got - want).abs() < 1e-6, "{name}: x.grad {got} vs {want}");
        }
        for (got, want) in ga.to_vec().iter().zip(a_grad) {
            assert!((got - want).abs() < 1e-6, "{name}: a.grad {got} vs {want}");
        }

        let b = Tensor::from_vec(vec![3.0f64], &[1]).requires_grad_(true);
        let y = x.neg();
        apply(name, &y, &b);
        y.sum().backward();
        let gb = b.grad().unwrap().to_vec()[0];
        assert!(
            (gb - b_grad).abs() < 1e-6,
            "{name}: b.grad {gb} vs {b_grad}"
        );
    }
}
