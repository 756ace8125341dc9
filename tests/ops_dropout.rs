//! dropout: seeded masks, PyTorch's 1/(1-p) scaling, identity outside training, gradients
//! and errors.

mod ops_support;

use autograd::{manual_seed, DType, Tensor};
use ops_support::*;

#[test]
fn dropout_is_repeatable_with_a_seed() {
    manual_seed(42);
    let a = Tensor::ones(&[64]).dropout(0.5, true).to_vec();
    manual_seed(42);
    let b = Tensor::ones(&[64]).dropout(0.5, true).to_vec();
    assert_eq!(a, b);
    // the next draw continues the stream: another mask
    let c = Tensor::ones(&[64]).dropout(0.5, true).to_vec();
    assert_ne!(a, c);
}

#[test]
fn dropout_scales_survivors_by_one_over_keep_probability() {
    manual_seed(0);
    let x = Tensor::from_vec((1..=2000).map(f64::from).collect(), &[2000]);
    let y = x.dropout(0.2, true);
    let mut dropped = 0;
    for (xi, yi) in x.to_vec().iter().zip(y.to_vec()) {
        if yi == 0.0 {
            dropped += 1;
        } else {
            // PyTorch: input * (bernoulli(1 - p) / (1 - p)), and 1 / 0.8 = 1.25
            assert_eq!(yi, xi * 1.25);
        }
    }
    // 400 expected; the binomial standard deviation is ~18
    assert!((320..480).contains(&dropped), "dropped {dropped}");
}

#[test]
fn dropout_in_f32_keeps_the_dtype() {
    let y = Tensor::ones(&[100]).dropout(0.25, true);
    assert_eq!(y.dtype(), DType::F32);
    let scale = (1.0f32 / 0.75f32) as f64;
    assert!(y.to_vec().iter().all(|&v| v == 0.0 || v == scale));
}

#[test]
fn dropout_outside_training_or_with_p_zero_is_the_identity() {
    let x = leaf(&[1.0, 2.0], &[2]);
    assert!(x.dropout(0.5, false).ptr_eq(&x));
    assert!(x.dropout(0.0, true).ptr_eq(&x));
}

#[test]
fn dropout_with_p_one_zeroes_everything() {
    let x = leaf(&[1.0, 2.0], &[2]);
    let y = x.dropout(1.0, true);
    assert_eq!(y.to_vec(), vec![0.0, 0.0]);
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0, 0.0]);
}

#[test]
fn dropout_gradient_is_the_mask() {
    // PyTorch's CPU dropout multiplies by the mask: MulBackward0, gradient = mask
    manual_seed(7);
    let x = leaf(&[1.0; 50], &[50]);
    let y = x.dropout(0.5, true);
    assert_eq!(node(&y), "MulBackward0");
    y.sum().backward();
    // with x = 1 the output is the mask itself
    assert_eq!(x.grad().unwrap().to_vec(), y.to_vec());
    assert!(y.to_vec().iter().all(|&v| v == 0.0 || v == 2.0));
}

#[test]
fn dropout_gradcheck_with_a_fixed_mask() {
    // Re-seeding inside f gives every evaluation the same mask.
    let f = |v: &[Tensor]| {
        manual_seed(3);
        v[0].dropout(0.4, true)
    };
    check(f, &[sample(&[10], 0.1)]);
    check(f, &[sample(&[3, 4], 0.2)]);
    check_second_order(
        |v| {
            manual_seed(3);
            v[0].pow(2.0).dropout(0.4, true)
        },
        &[sample(&[6], 0.3)],
    );
}

#[test]
#[should_panic(expected = "dropout: dropout probability has to be between 0 and 1, but got 1.5")]
fn dropout_with_p_above_one_panics() {
    Tensor::ones(&[2]).dropout(1.5, true);
}

#[test]
#[should_panic(expected = "dropout: dropout probability has to be between 0 and 1, but got -0.1")]
fn dropout_with_negative_p_panics() {
    Tensor::ones(&[2]).dropout(-0.1, false);
}
