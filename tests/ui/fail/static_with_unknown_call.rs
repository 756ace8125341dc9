// `static` on a body calling a function the macro does not know.
use autograd::{differentiable, Tensor};

fn helper(x: &Tensor) -> Tensor {
    x.exp()
}

#[differentiable(static)]
fn f(x: &Tensor) -> Tensor {
    let y = helper(x);
    y.sum()
}

fn main() {}
