// `static` and `dynamic` contradict each other.
use autograd::{differentiable, Tensor};

#[differentiable(static, dynamic)]
fn f(x: &Tensor) -> Tensor {
    x.exp()
}

fn main() {}
