// `static` on a body that reassigns a binding.
use autograd::{differentiable, Tensor};

#[differentiable(static)]
fn f(x: &Tensor) -> Tensor {
    let mut y = x.exp();
    y = y.sin();
    y
}

fn main() {}
