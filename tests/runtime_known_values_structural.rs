//! Issue 2 part 3: forward values and gradients of reductions, matmul and shape ops at points
//! where they are known in closed form (derivation beside each expected number).

mod runtime_support;

use autograd::Tensor;
use runtime_support::{assert_grad, assert_values, leaf};

fn t64(data: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(data.to_vec(), shape)
}

#[test]
fn sum_and_mean_over_all_elements() {
    let x = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let s = x.sum();
    assert_eq!(s.shape(), &[] as &[usize]);
    assert_eq!(s.item(), 21.0);
    s.backward();
    // d/dx_i sum = 1
    assert_grad(&x, &[1.; 6]);
    x.zero_grad();
    let m = x.mean();
    assert_eq!(m.item(), 3.5);
    m.backward();
    // d/dx_i mean = 1/n = 1/6
    assert_grad(&x, &[1. / 6.; 6]);
}

#[test]
fn sum_of_a_zero_dim_tensor() {
    let x = leaf(&[3.], &[]);
    x.sum().backward();
    assert_grad(&x, &[1.]);
}

#[test]
fn sum_dim_without_and_with_keepdim() {
    let x = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let rows = x.sum_dim(1, false);
    assert_eq!(rows.shape(), &[2]);
    assert_values(&rows, &[6., 15.]);
    // VJP v = [1, 2]: each element of row i gets v_i
    rows.backward_with(&t64(&[1., 2.], &[2]));
    assert_grad(&x, &[1., 1., 1., 2., 2., 2.]);
    x.zero_grad();
    let kept = x.sum_dim(-1, true);
    assert_eq!(kept.shape(), &[2, 1]);
    kept.backward_with(&t64(&[1., 2.], &[2, 1]));
    assert_grad(&x, &[1., 1., 1., 2., 2., 2.]);
}

#[test]
fn sum_dim_over_the_first_dim_of_a_3d_tensor() {
    let x = leaf(&(0..12).map(f64::from).collect::<Vec<_>>(), &[2, 3, 2]);
    let s = x.sum_dim(0, false);
    assert_eq!(s.shape(), &[3, 2]);
    // s[j,k] = x[0,j,k] + x[1,j,k] = 2 (2j + k) + 6
    assert_values(&s, &[6., 8., 10., 12., 14., 16.]);
    let k = x.sum_dim(-3, true);
    assert_eq!(k.shape(), &[1, 3, 2]);
    // VJP with v[j,k] = 2j + k + 1 reaches both slices x[0] and x[1]
    let v: Vec<f64> = (1..=6).map(f64::from).collect();
    k.backward_with(&t64(&v, &[1, 3, 2]));
    assert_grad(&x, &[v.clone(), v].concat());
}

#[test]
fn mean_dim_without_and_with_keepdim() {
    let x = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let cols = x.mean_dim(0, false);
    assert_eq!(cols.shape(), &[3]);
    assert_values(&cols, &[2.5, 3.5, 4.5]);
    // VJP v = [1, 2, 3]: d/dx[i,j] = v_j / 2
    cols.backward_with(&t64(&[1., 2., 3.], &[3]));
    assert_grad(&x, &[0.5, 1., 1.5, 0.5, 1., 1.5]);
    x.zero_grad();
    let rows = x.mean_dim(-1, true);
    assert_eq!(rows.shape(), &[2, 1]);
    assert_values(&rows, &[2., 5.]);
    // d/dx mean over a row of 3 = 1/3
    rows.sum().backward();
    assert_grad(&x, &[1. / 3.; 6]);
}

#[test]
fn norm_of_a_3_4_vector() {
    // ||[3, 4]|| = 5; d/dx ||x|| = x / ||x|| = [0.6, 0.8]
    let x = leaf(&[3., 4.], &[2]);
    let n = x.norm();
    assert_eq!(n.shape(), &[] as &[usize]);
    assert_eq!(n.item(), 5.0);
    n.backward();
    assert_grad(&x, &[0.6, 0.8]);
    // Over all elements of a matrix: ||[[1, 2], [2, 4]]|| = 5, gradient x / 5
    let m = leaf(&[1., 2., 2., 4.], &[2, 2]);
    m.norm().backward();
    assert_grad(&m, &[0.2, 0.4, 0.4, 0.8]);
}

#[test]
fn norm_has_zero_gradient_at_zero() {
    // PyTorch's subgradient of the 2-norm at 0 is 0 (not NaN).
    let x = leaf(&[0., 0., 0.], &[3]);
    let n = x.norm();
    assert_eq!(n.item(), 0.0);
    n.backward();
    assert_grad(&x, &[0., 0., 0.]);
}

#[test]
fn matmul_vector_vector_is_a_dot_product() {
    // [1,2,3] . [4,5,6] = 32; d/da = b, d/db = a
    let (a, b) = (leaf(&[1., 2., 3.], &[3]), leaf(&[4., 5., 6.], &[3]));
    let y = a.matmul(&b);
    assert_eq!(y.shape(), &[] as &[usize]);
    assert_eq!(y.item(), 32.0);
    y.backward();
    assert_grad(&a, &[4., 5., 6.]);
    assert_grad(&b, &[1., 2., 3.]);
}

#[test]
fn matmul_matrix_vector() {
    // [[1,2],[3,4]] [5,6] = [17, 39]; with VJP g = [1, 2]:
    // d/dA = g v^T = [[5,6],[10,12]], d/dv = A^T g = [1+6, 2+8] = [7, 10]
    let a = leaf(&[1., 2., 3., 4.], &[2, 2]);
    let v = leaf(&[5., 6.], &[2]);
    let y = a.matmul(&v);
    assert_eq!(y.shape(), &[2]);
    assert_values(&y, &[17., 39.]);
    y.backward_with(&t64(&[1., 2.], &[2]));
    assert_grad(&a, &[5., 6., 10., 12.]);
    assert_grad(&v, &[7., 10.]);
}

#[test]
fn matmul_vector_matrix() {
    // [1,2] [[1,2,3],[4,5,6]] = [9, 12, 15]; with g = ones(3):
    // d/dv = M g = [6, 15], d/dM = v g^T = [[1,1,1],[2,2,2]]
    let v = leaf(&[1., 2.], &[2]);
    let m = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let y = v.matmul(&m);
    assert_eq!(y.shape(), &[3]);
    assert_values(&y, &[9., 12., 15.]);
    y.sum().backward();
    assert_grad(&v, &[6., 15.]);
    assert_grad(&m, &[1., 1., 1., 2., 2., 2.]);
}

#[test]
fn matmul_matrix_matrix() {
    // A = [[1,2],[3,4]], B = [[5,6],[7,8]], AB = [[19,22],[43,50]].
    // With G = [[1,0],[0,2]]: dA = G B^T = [[5,7],[12,16]], dB = A^T G = [[1,6],[2,8]].
    let a = leaf(&[1., 2., 3., 4.], &[2, 2]);
    let b = leaf(&[5., 6., 7., 8.], &[2, 2]);
    let y = a.matmul(&b);
    assert_values(&y, &[19., 22., 43., 50.]);
    y.backward_with(&t64(&[1., 0., 0., 2.], &[2, 2]));
    assert_grad(&a, &[5., 7., 12., 16.]);
    assert_grad(&b, &[1., 6., 2., 8.]);
}

#[test]
fn matmul_of_non_square_matrices() {
    // [1,3] x [3,2]: [1,2,3] [[1,0],[0,1],[1,1]] = [4, 5]; with G = ones:
    // dA = G B^T = [1, 1, 2], dB = A^T G = [[1,1],[2,2],[3,3]]
    let a = leaf(&[1., 2., 3.], &[1, 3]);
    let b = leaf(&[1., 0., 0., 1., 1., 1.], &[3, 2]);
    let y = a.matmul(&b);
    assert_eq!(y.shape(), &[1, 2]);
    assert_values(&y, &[4., 5.]);
    y.sum().backward();
    assert_grad(&a, &[1., 1., 2.]);
    assert_grad(&b, &[1., 1., 2., 2., 3., 3.]);
}

#[test]
fn t_and_transpose_route_the_gradient_back_transposed() {
    let x = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let y = x.t();
    assert_eq!(y.shape(), &[3, 2]);
    assert_values(&y, &[1., 4., 2., 5., 3., 6.]);
    // VJP G [3,2] = [[1,2],[3,4],[5,6]] comes back as G^T = [[1,3,5],[2,4,6]]
    y.backward_with(&t64(&[1., 2., 3., 4., 5., 6.], &[3, 2]));
    assert_grad(&x, &[1., 3., 5., 2., 4., 6.]);
    let v = leaf(&[1., 2.], &[2]);
    assert_eq!(v.t().shape(), &[2]);
    let z = leaf(&(0..8).map(f64::from).collect::<Vec<_>>(), &[2, 2, 2]);
    let w = z.transpose(0, -1);
    // w[i,j,k] = z[k,j,i]
    assert_values(&w, &[0., 4., 2., 6., 1., 5., 3., 7.]);
    w.backward_with(&t64(&(0..8).map(f64::from).collect::<Vec<_>>(), &[2, 2, 2]));
    assert_grad(&z, &[0., 4., 2., 6., 1., 5., 3., 7.]);
}

#[test]
fn reshape_keeps_row_major_order_both_ways() {
    let x = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let y = x.reshape(&[3, 2]);
    assert_eq!(y.shape(), &[3, 2]);
    assert_values(&y, &[1., 2., 3., 4., 5., 6.]);
    y.backward_with(&t64(&[10., 20., 30., 40., 50., 60.], &[3, 2]));
    assert_grad(&x, &[10., 20., 30., 40., 50., 60.]);
    assert_eq!(x.reshape(&[6]).reshape(&[1, 6, 1]).shape(), &[1, 6, 1]);
}

#[test]
fn unsqueeze_and_squeeze_shapes_and_gradients() {
    let x = leaf(&[1., 2., 3.], &[3]);
    assert_eq!(x.unsqueeze(0).shape(), &[1, 3]);
    assert_eq!(x.unsqueeze(1).shape(), &[3, 1]);
    assert_eq!(x.unsqueeze(-1).shape(), &[3, 1]);
    let u = x.unsqueeze(0);
    u.backward_with(&t64(&[1., 2., 3.], &[1, 3]));
    assert_grad(&x, &[1., 2., 3.]);
    let y = leaf(&[1., 2.], &[1, 2, 1]);
    assert_eq!(y.squeeze(0).shape(), &[2, 1]);
    assert_eq!(y.squeeze(-1).shape(), &[1, 2]);
    // Squeezing a dim whose size is not 1 leaves the shape unchanged, as PyTorch.
    assert_eq!(y.squeeze(1).shape(), &[1, 2, 1]);
    let s = y.squeeze(2);
    s.backward_with(&t64(&[5., 6.], &[1, 2]));
    assert_eq!(y.grad().unwrap().shape(), &[1, 2, 1]);
    assert_grad(&y, &[5., 6.]);
}

#[test]
fn expand_sums_the_gradient_over_the_repeated_dims() {
    // [3,1] expanded to [2,3,4]: each element is repeated 2*4 = 8 times, so d/dx sum = 8
    let x = leaf(&[1., 2., 3.], &[3, 1]);
    let y = x.expand(&[2, 3, 4]);
    assert_eq!(y.shape(), &[2, 3, 4]);
    assert_eq!(y.to_vec()[..8], [1., 1., 1., 1., 2., 2., 2., 2.]);
    y.sum().backward();
    assert_grad(&x, &[8., 8., 8.]);
}

#[test]
fn sum_to_size_is_the_adjoint_of_expand() {
    let g = t64(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    // Summing the rows: [5, 7, 9]; summing the columns with a kept dim: [[6], [15]]
    assert_values(&g.sum_to_size(&[3]), &[5., 7., 9.]);
    assert_values(&g.sum_to_size(&[2, 1]), &[6., 15.]);
    assert_values(&g.sum_to_size(&[1, 1]), &[21.]);
    assert!(g.sum_to_size(&[2, 3]).ptr_eq(&g));
    let x = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    let s = x.sum_to_size(&[1, 3]);
    // Each element feeds one column sum: gradient is the column's VJP entry.
    s.backward_with(&t64(&[1., 2., 3.], &[1, 3]));
    assert_grad(&x, &[1., 2., 3., 1., 2., 3.]);
}

#[test]
fn views_share_storage_with_their_input() {
    // reshape/unsqueeze/squeeze are views in PyTorch: here they share the buffer, so the
    // in-place accumulation of a gradient into x.grad() is seen through a reshaped handle.
    let x = leaf(&[1., 2.], &[2]);
    (&x * 1.0).sum().backward();
    let g = x.grad().unwrap();
    let view = g.reshape(&[1, 2]);
    (&x * 1.0).sum().backward();
    assert_values(&view, &[2., 2.]);
}
