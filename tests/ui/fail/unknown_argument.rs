// `fast` is not an argument of #[differentiable]; the error lists the valid ones.
use autograd::{differentiable, Tensor};

#[differentiable(fast)]
fn f(x: &Tensor) -> Tensor {
    x.exp()
}

fn main() {}
