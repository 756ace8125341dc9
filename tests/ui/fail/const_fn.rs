// A `const fn` cannot be differentiated: the gradient code does not run in const context.
use autograd::differentiable;

#[differentiable]
const fn square(x: f64) -> f64 {
    x * x
}

fn main() {}
