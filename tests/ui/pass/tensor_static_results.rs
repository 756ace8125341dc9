// Results of a static body: a tuple of tensors (one node for all of them), the same value
// twice, a parameter returned as it is, tensors taken by value, lifetimes, attributes,
// visibility and `crate = path`.
use autograd::{differentiable, Tensor};

/// Documented, public, with an explicit lifetime.
#[differentiable(static, crate = ::autograd)]
#[inline]
pub fn results<'a>(x: &'a Tensor, y: Tensor) -> (Tensor, Tensor, Tensor, Tensor) {
    let p = x * &y;
    let s = p.sum();
    (p.exp(), s.clone(), x.clone(), s)
}

fn main() {
    let x = Tensor::ones(&[2]).requires_grad_(true);
    let y = Tensor::full(&[2], 3.0);
    let (e, s, same, s2) = results(&x, y);
    assert!(same.ptr_eq(&x));
    assert!(e.grad_fn().unwrap().ptr_eq(&s.grad_fn().unwrap()));
    assert!(s.ptr_eq(&s2));
    (e.sum() + s).backward();
    // d/dx (sum(exp(3x)) + sum(3x)) = 3 exp(3x) + 3
    let g = x.grad().unwrap().to_vec();
    assert!((g[0] - (3.0 * 3f64.exp() + 3.0)).abs() < 1e-3);
}
