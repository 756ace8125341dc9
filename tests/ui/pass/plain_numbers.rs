// Plain-number functions: f32/f64 parameters get `NAME_grad` with one gradient per parameter.
use autograd::differentiable;

#[differentiable]
pub fn f(x: f64, y: f64) -> f64 {
    let mut acc = x;
    for i in 1..=3 {
        acc = acc * y + (i as f64);
    }
    acc.max(0.0) + x.powi(2)
}

#[differentiable(static)]
fn g(x: f32) -> f32 {
    x.sin()
}

fn main() {
    let (value, (dx, dy)): (f64, (f64, f64)) = f_grad(1.0, 2.0);
    assert_eq!(value, f(1.0, 2.0));
    assert!(dx.is_finite() && dy.is_finite());
    let (_, (dx,)): (f32, (f32,)) = g_grad(0.0);
    assert_eq!(dx, 1.0);
}
