// `atan2` is not one of the operations a plain-number function may use.
use autograd::differentiable;

#[differentiable]
fn angle(x: f64, y: f64) -> f64 {
    x.atan2(y)
}

fn main() {}
