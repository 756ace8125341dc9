// `dynamic` (the tape) means nothing for a plain-number function.
use autograd::differentiable;

#[differentiable(dynamic)]
fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
