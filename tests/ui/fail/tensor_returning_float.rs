// A tensor function must return a Tensor (or a tuple of them), not an f64.
use autograd::{differentiable, Tensor};

#[differentiable]
fn total(x: &Tensor) -> f64 {
    x.sum().item()
}

fn main() {}
