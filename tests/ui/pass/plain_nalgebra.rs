// nalgebra fixed-size vectors and matrices: the gradient has the parameter's type.
use autograd::differentiable;
use nalgebra::{Matrix2, SVector, Vector3};

#[differentiable]
fn energy(v: Vector3<f64>, m: Matrix2<f64>, w: SVector<f64, 3>) -> f64 {
    v.dot(&w) + m.norm_squared() + v.x * m[(1, 0)]
}

fn main() {
    let v = Vector3::new(1.0, 2.0, 3.0);
    let (_, (dv, dm, dw)): (f64, (Vector3<f64>, Matrix2<f64>, SVector<f64, 3>)) =
        energy_grad(v, Matrix2::identity(), v);
    assert_eq!(dw, v);
    assert_eq!(dv, v);
    // d/dm (|m|^2 + v_x m[1,0]) = 2m + v_x at (1, 0)
    assert_eq!(dm, Matrix2::new(2.0, 0.0, 1.0, 2.0));
}
