// A destructuring parameter pattern: parameters must be plain names.
use autograd::differentiable;

#[differentiable]
fn sum((a, b): (f64, f64)) -> f64 {
    a + b
}

fn main() {}
