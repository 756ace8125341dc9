// A body with a loop and a branch runs on the dynamic tape; `dynamic` forces it.
use autograd::{differentiable, Tensor};

#[differentiable]
fn grow(x: &Tensor) -> Tensor {
    let mut y = x * 2.0;
    while y.norm().item() < 1000.0 {
        y = y * 2.0;
    }
    if y.sum().item() > 0.0 {
        y
    } else {
        -y
    }
}

#[differentiable(dynamic, crate = ::autograd)]
fn tutorial(x: &Tensor) -> Tensor {
    let y = x + 2.0;
    (&y * &y * 3.0).mean()
}

fn main() {
    let x = Tensor::from_vec(vec![0.5_f32, -0.3, 0.8], &[3]).requires_grad_(true);
    grow(&x).sum().backward();
    assert!(x.grad().is_some());
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    tutorial(&x).backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![4.5; 4]);
}
