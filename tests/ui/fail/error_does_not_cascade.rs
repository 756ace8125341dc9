// One unsupported op: one error, and no follow-up error where `f_grad` is called.
use autograd::differentiable;

#[differentiable]
fn f(x: f64) -> f64 {
    x.cbrt()
}

fn main() {
    let (value, (dx,)) = f_grad(8.0);
    println!("{value} {dx} {}", f(8.0));
}
