// Scalars and non-tensor arguments of a static body: f32/f64 parameters, float constants,
// scalar `let`s (shadowed too), integer dims (negative, or parameters), `bool` flags,
// shapes in `let`s.
use autograd::{differentiable, Tensor};

#[differentiable(static)]
fn scaled(x: &Tensor, s: f64, t: f32, dim: i64, keep: bool) -> Tensor {
    let half: f64 = s * 0.5;
    let shape = &[3, 2];
    let y = (x * half + t) / std::f64::consts::PI - 1.0;
    let half = 2.0;
    let z = 2.0 - y.reshape(shape).sum_dim(dim, keep) * half;
    z.mean_dim(-1, false).sum() + f32::EPSILON
}

fn main() {
    let x = Tensor::ones(&[2, 3]).requires_grad_(true);
    let out = scaled(&x, 4.0, 0.5, 0, true);
    assert_eq!(out.grad_fn().unwrap().name(), "ScaledBackward");
    out.backward();
    assert_eq!(x.grad().unwrap().shape(), &[2, 3]);
}
