// `static` on a body calling a method that is not in the runtime's op table.
use autograd::{differentiable, Tensor};

#[differentiable(static)]
fn f(x: &Tensor) -> Tensor {
    x.exp().detach()
}

fn main() {}
