// A loop whose range depends on a differentiable value: the trip count has no gradient.
use autograd::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    let mut s = 1.0;
    for _ in 0..(x as usize) {
        s = s * x;
    }
    s
}

fn main() {}
