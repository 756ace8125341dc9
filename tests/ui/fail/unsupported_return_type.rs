// A plain-number function must return f32 or f64.
use autograd::differentiable;

#[differentiable]
fn describe(x: f64) -> String {
    format!("{x}")
}

fn main() {}
