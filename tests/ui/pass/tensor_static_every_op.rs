// Every op of the static table in one `#[differentiable(static)]` body, on F32 and F64.
use autograd::{differentiable, Tensor};

#[differentiable(static)]
fn every_op(x: &Tensor, w: &Tensor, v: &Tensor) -> Tensor {
    let a = x.exp() + x.log() + x.sqrt() + x.abs() + x.sin() + x.cos();
    let b = x.tanh() + x.sigmoid() + x.relu() + x.neg() - x + x.pow(2.0);
    let c = (&a * &b / (x + 1.0)).matmul(w).t().transpose(0, 1);
    let d = c
        .reshape(&[6])
        .unsqueeze(0)
        .squeeze(0)
        .matmul(&v.reshape(&[6]));
    let e = c.sum_dim(0, false).mean() + c.mean_dim(-1, true).sum() + c.norm();
    d + e + c.mean() * 0.5 + x.sum()
}

fn main() {
    for (x, w, v) in [
        (
            Tensor::full(&[2, 3], 0.5),
            Tensor::ones(&[3, 3]),
            Tensor::ones(&[3, 2]),
        ),
        (
            Tensor::full(&[2, 3], 0.5).double(),
            Tensor::ones(&[3, 3]).double(),
            Tensor::ones(&[3, 2]).double(),
        ),
    ] {
        let x = x.requires_grad_(true);
        let out = every_op(&x, &w, &v);
        assert_eq!(out.grad_fn().unwrap().name(), "EveryOpBackward");
        out.backward();
        assert_eq!(x.grad().unwrap().shape(), &[2, 3]);
        assert!(w.grad().is_none());
    }
}
