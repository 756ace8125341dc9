// A plain-number function with an `if`: not supported (use `min`/`max`/`abs`).
use autograd::differentiable;

#[differentiable]
fn leaky(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        0.1 * x
    }
}

fn main() {}
