// #[differentiable] is on a struct: only functions can be differentiated.
use autograd::differentiable;

#[differentiable]
struct Point {
    x: f64,
}

fn main() {}
