// No parameter is a float, a nalgebra array or a tensor: there is nothing to differentiate.
use autograd::differentiable;

#[differentiable]
fn constant(n: usize) -> f64 {
    n as f64
}

fn main() {}
