// `static` on a body with a `for` loop: its trip count is only known at run time.
use autograd::{differentiable, Tensor};

#[differentiable(static)]
fn repeat_double(x: &Tensor) -> Tensor {
    let mut y = x.clone();
    for _ in 0..3 {
        y = &y * 2.0;
    }
    y
}

fn main() {}
