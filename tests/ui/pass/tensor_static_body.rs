// A static tensor body (the tutorial's), with and without `static`, and a tuple result.
use autograd::{differentiable, Tensor};

#[differentiable]
fn out(x: &Tensor) -> Tensor {
    let y = x + 2.0;
    let z = &y * &y * 3.0;
    z.mean()
}

#[differentiable(static)]
fn layer(x: &Tensor, w: &Tensor, b: &Tensor, scale: f64) -> (Tensor, Tensor) {
    let h = (x.matmul(w) + b).tanh() * scale;
    (h.sum_dim(1, false), h.t().reshape(&[6]).pow(2.0).mean())
}

fn main() {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    out(&x).backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![4.5; 4]);
    let (x, w, b) = (
        Tensor::ones(&[2, 3]),
        Tensor::ones(&[3, 3]),
        Tensor::zeros(&[3]),
    );
    let (rows, total) = layer(&x, &w, &b, 0.5);
    assert_eq!(rows.shape(), &[2]);
    assert_eq!(total.shape(), &[] as &[usize]);
}
