// Generic type parameters: the macro needs the concrete types.
use autograd::differentiable;

#[differentiable]
fn square<T: Copy + std::ops::Mul<Output = T>>(x: T) -> T {
    x * x
}

fn main() {}
