// A differentiable function must return a value.
use autograd::differentiable;

#[differentiable]
fn nothing(x: f64) {
    let _ = x;
}

fn main() {}
