// `static` on a body with an `if`: which branch runs is only known at run time.
use autograd::{differentiable, Tensor};

#[differentiable(static)]
fn pick(x: &Tensor, positive: bool) -> Tensor {
    if positive {
        x.relu()
    } else {
        x.neg().relu()
    }
}

fn main() {}
