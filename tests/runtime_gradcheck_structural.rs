//! Issue 2 parts 3 and 8: `autograd::gradcheck` over reductions, matmul in every 1-d/2-d
//! combination, shape ops and dtype conversion, on several shapes.

mod runtime_support;

use autograd::{DType, Tensor};
use runtime_support::{check, sample};

#[test]
fn gradcheck_sum_and_mean_over_everything() {
    for (i, shape) in [&[][..], &[5], &[2, 3], &[2, 3, 2]].into_iter().enumerate() {
        check(|v| v[0].sum(), &[sample(shape, i)]);
        check(|v| v[0].mean(), &[sample(shape, i)]);
        check(|v| (&v[0] * &v[0]).mean(), &[sample(shape, i)]);
    }
}

#[test]
fn gradcheck_sum_dim_every_dim_both_keepdims() {
    let x = sample(&[2, 3, 4], 1);
    for dim in [0isize, 1, 2, -1, -3] {
        for keepdim in [false, true] {
            // Squaring after the reduction makes the gradient depend on the reduced values.
            check(
                |v| v[0].sum_dim(dim, keepdim).pow(2.0),
                std::slice::from_ref(&x),
            );
        }
    }
    check(|v| v[0].sum_dim(0, false), &[sample(&[4], 2)]);
}

#[test]
fn gradcheck_mean_dim_every_dim_both_keepdims() {
    let x = sample(&[3, 2, 2], 3);
    for dim in [0isize, 1, 2, -1, -2] {
        for keepdim in [false, true] {
            check(
                |v| v[0].mean_dim(dim, keepdim).pow(2.0),
                std::slice::from_ref(&x),
            );
        }
    }
    check(|v| v[0].mean_dim(-1, true), &[sample(&[2, 1], 4)]);
}

#[test]
fn gradcheck_norm() {
    for (i, shape) in [&[][..], &[3], &[2, 3], &[2, 2, 2]].into_iter().enumerate() {
        check(|v| v[0].norm(), &[sample(shape, i)]);
        check(|v| v[0].norm() * &v[0], &[sample(shape, i + 4)]);
    }
}

#[test]
fn gradcheck_matmul_vector_vector() {
    for n in [1, 4] {
        check(|v| v[0].matmul(&v[1]), &[sample(&[n], 1), sample(&[n], 2)]);
    }
}

#[test]
fn gradcheck_matmul_matrix_vector() {
    for (m, k) in [(2, 3), (1, 4), (3, 1)] {
        check(
            |v| v[0].matmul(&v[1]),
            &[sample(&[m, k], 3), sample(&[k], 4)],
        );
    }
}

#[test]
fn gradcheck_matmul_vector_matrix() {
    for (k, n) in [(3, 2), (1, 4), (4, 1)] {
        check(
            |v| v[0].matmul(&v[1]),
            &[sample(&[k], 5), sample(&[k, n], 6)],
        );
    }
}

#[test]
fn gradcheck_matmul_matrix_matrix() {
    for (m, k, n) in [(2, 3, 4), (1, 1, 1), (3, 1, 2), (2, 2, 1)] {
        check(
            |v| v[0].matmul(&v[1]),
            &[sample(&[m, k], 7), sample(&[k, n], 8)],
        );
    }
    // With a constant operand on either side.
    let w = Tensor::from_vec(vec![0.5f64, -1.0, 2.0, 0.25, 1.5, -0.75], &[3, 2]);
    check(|v| v[0].matmul(&w), &[sample(&[2, 3], 9)]);
    check(|v| w.t().matmul(&v[0]), &[sample(&[3, 2], 10)]);
}

#[test]
fn gradcheck_small_mlp() {
    // The W3 workload at toy size: relu(x W1 + b1) W2 + b2, mean squared error.
    let inputs = [
        sample(&[4, 3], 1),
        sample(&[3, 5], 2),
        sample(&[5], 3),
        sample(&[5, 2], 4),
        sample(&[2], 5),
    ];
    let target = Tensor::from_vec(vec![0.1f64, -0.2, 0.3, 0.0, 0.5, 1.0, -1.0, 0.2], &[4, 2]);
    check(
        |v| {
            let h = (v[0].matmul(&v[1]) + &v[2]).relu();
            let o = h.matmul(&v[3]) + &v[4];
            (o - &target).pow(2.0).mean()
        },
        &inputs,
    );
}

#[test]
fn gradcheck_t_and_transpose() {
    check(|v| v[0].t(), &[sample(&[2, 3], 1)]);
    check(|v| v[0].t(), &[sample(&[4], 2)]);
    check(|v| v[0].t() * &v[0].t(), &[sample(&[3, 3], 3)]);
    let x = sample(&[2, 3, 4], 4);
    for (a, b) in [(0isize, 1isize), (0, 2), (1, 2), (-1, -3), (1, 1)] {
        check(|v| v[0].transpose(a, b), std::slice::from_ref(&x));
    }
}

#[test]
fn gradcheck_reshape() {
    let x = sample(&[2, 3, 2], 5);
    for shape in [&[12][..], &[3, 4], &[4, 3, 1], &[1, 12], &[2, 6]] {
        check(|v| v[0].reshape(shape), std::slice::from_ref(&x));
    }
    check(|v| v[0].reshape(&[]), &[sample(&[1, 1], 6)]);
    check(
        |v| v[0].view(&[3, 2]).matmul(&v[0].view(&[2, 3])),
        &[sample(&[6], 7)],
    );
}

#[test]
fn gradcheck_unsqueeze_and_squeeze() {
    let x = sample(&[2, 3], 8);
    for dim in [0isize, 1, 2, -1, -3] {
        check(|v| v[0].unsqueeze(dim), std::slice::from_ref(&x));
    }
    let y = sample(&[2, 1, 3, 1], 9);
    for dim in [1isize, 3, -1, 0, 2] {
        // dims 0 and 2 have size 2 and 3: squeeze keeps the shape, as PyTorch.
        check(|v| v[0].squeeze(dim), std::slice::from_ref(&y));
    }
    check(|v| v[0].unsqueeze(0).squeeze(0), &[sample(&[], 10)]);
}

#[test]
fn gradcheck_expand() {
    check(|v| v[0].expand(&[2, 3, 4]), &[sample(&[3, 1], 1)]);
    check(|v| v[0].expand(&[4, 3]), &[sample(&[3], 2)]);
    check(|v| v[0].expand(&[2, 2]), &[sample(&[], 3)]);
    check(|v| v[0].expand(&[2, 3]), &[sample(&[2, 3], 4)]);
    check(|v| v[0].broadcast_to(&[3, 2, 2]), &[sample(&[1, 2, 1], 5)]);
}

#[test]
fn gradcheck_sum_to_size() {
    let x = sample(&[2, 3, 4], 6);
    for shape in [&[3, 4][..], &[3, 1], &[1, 1, 4], &[2, 1, 1], &[4], &[]] {
        check(|v| v[0].sum_to_size(shape), std::slice::from_ref(&x));
    }
}

#[test]
fn gradcheck_to_dtype_keeps_f64_paths_exact() {
    // gradcheck needs F64 precision end to end (eps 1e-6 is below F32 resolution), so the
    // F64 -> F32 -> F64 round trip is covered by known-value tests; here the F64 no-op and
    // the F64 result of promoting an F32 constant.
    check(|v| v[0].to_dtype(DType::F64) * 2.0, &[sample(&[3], 7)]);
    check(|v| v[0].double().sin(), &[sample(&[2, 2], 8)]);
    let c = Tensor::ones(&[3]).mul_scalar(0.5f32);
    check(|v| (&c.double() + &v[0]).pow(3.0), &[sample(&[2, 3], 9)]);
}

#[test]
fn gradcheck_reductions_of_broadcast_products() {
    // sum_dim/mean_dim feeding broadcasting ops: standardising rows.
    check(
        |v| {
            let mean = v[0].mean_dim(1, true);
            let centered = &v[0] - &mean;
            let var = centered.pow(2.0).mean_dim(-1, true);
            centered / (var + 1e-5).sqrt()
        },
        &[sample(&[3, 4], 11)],
    );
}
