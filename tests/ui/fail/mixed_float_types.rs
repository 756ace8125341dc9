// A plain-number function mixes f32 and f64.
use autograd::differentiable;

#[differentiable]
fn mixed(x: f32, y: f64) -> f64 {
    x as f64 * y
}

fn main() {}
