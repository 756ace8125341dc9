// A method with a `self` receiver cannot be differentiated.
use autograd::differentiable;

struct Scale(f64);

impl Scale {
    #[differentiable]
    fn apply(&self, x: f64) -> f64 {
        self.0 * x
    }
}

fn main() {}
