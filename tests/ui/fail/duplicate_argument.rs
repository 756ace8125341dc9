// `static` is given twice.
use autograd::{differentiable, Tensor};

#[differentiable(static, static)]
fn f(x: &Tensor) -> Tensor {
    x.exp()
}

fn main() {}
