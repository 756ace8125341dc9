//! Batched `matmul` (3 or more dims, broadcast batch dims) and `bmm`: values against a plain
//! triple loop written from torch.matmul's documented rules, gradients, node names, errors.

mod ops_support;

use autograd::Tensor;
use ops_support::*;

/// torch.matmul by definition: a 1-d first operand gets a 1 prepended, a 1-d second one a 1
/// appended (both removed from the result); batch dims broadcast; each batch is a plain
/// triple loop. Returns the values and the result shape.
fn reference(a: &Tensor, b: &Tensor) -> (Vec<f64>, Vec<usize>) {
    let (mut sa, mut sb) = (a.shape().to_vec(), b.shape().to_vec());
    let (va, vb) = (a.to_vec(), b.to_vec());
    let (a_vector, b_vector) = (sa.len() == 1, sb.len() == 1);
    if a_vector {
        sa.insert(0, 1);
    }
    if b_vector {
        sb.push(1);
    }
    let (n, k, p) = (sa[sa.len() - 2], sa[sa.len() - 1], sb[sb.len() - 1]);
    let (ba, bb) = (&sa[..sa.len() - 2], &sb[..sb.len() - 2]);
    let rank = ba.len().max(bb.len());
    let pad = |s: &[usize]| [vec![1; rank - s.len()], s.to_vec()].concat();
    let (pa, pb) = (pad(ba), pad(bb));
    let batch: Vec<usize> = pa.iter().zip(&pb).map(|(x, y)| *x.max(y)).collect();
    let count: usize = batch.iter().product();
    let mut out = Vec::new();
    for flat in 0..count {
        // the batch multi-index, then each operand's batch offset (size-1 dims repeat)
        let mut rest = flat;
        let mut index = vec![0; rank];
        for d in (0..rank).rev() {
            index[d] = rest % batch[d];
            rest /= batch[d];
        }
        let offset = |shape: &[usize]| {
            (0..rank).fold(0, |acc, d| {
                acc * shape[d] + if shape[d] == 1 { 0 } else { index[d] }
            })
        };
        let (oa, ob) = (offset(&pa), offset(&pb));
        for i in 0..n {
            for j in 0..p {
                let dot: f64 = (0..k)
                    .map(|q| va[oa * n * k + i * k + q] * vb[ob * k * p + q * p + j])
                    .sum();
                out.push(dot);
            }
        }
    }
    let mut shape = batch;
    if !a_vector {
        shape.push(n);
    }
    if !b_vector {
        shape.push(p);
    }
    (out, shape)
}

const SHAPE_PAIRS: [(&[usize], &[usize]); 9] = [
    (&[2, 3, 4], &[2, 4, 5]), // same batch
    (&[2, 3, 4], &[4, 5]),    // N-d x matrix: folded into one mm
    (&[2, 3, 4], &[4]),       // N-d x vector
    (&[4], &[2, 4, 5]),       // vector x N-d
    (&[3, 4], &[2, 4, 5]),    // matrix x N-d
    (&[2, 1, 3, 4], &[5, 4, 2]),
    (&[1, 3, 4], &[2, 4, 5]),
    (&[2, 2, 3, 4], &[2, 2, 4, 1]),
    (&[3, 1, 2], &[1, 2, 3]),
];

#[test]
fn batched_matmul_known_values() {
    // [[[1, 2]], [[3, 4]]] @ [[[5], [6]], [[7], [8]]] = [[[1*5 + 2*6]], [[3*7 + 4*8]]]
    let a = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 1, 2]);
    let b = leaf(&[5.0, 6.0, 7.0, 8.0], &[2, 2, 1]);
    let c = a.matmul(&b);
    assert_eq!(c.shape(), &[2, 1, 1]);
    assert_eq!(c.to_vec(), vec![17.0, 53.0]);
    // d/da = g b^T per batch, d/db = a^T g per batch
    c.sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![5.0, 6.0, 7.0, 8.0]);
    assert_eq!(b.grad().unwrap().to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn batched_matmul_matches_the_definition_for_every_shape_rule() {
    for (i, (sa, sb)) in SHAPE_PAIRS.iter().enumerate() {
        let (a, b) = (sample(sa, 0.1 * i as f64), sample(sb, 0.5 + 0.1 * i as f64));
        let c = a.matmul(&b);
        let (expected, shape) = reference(&a, &b);
        assert_eq!(c.shape(), shape.as_slice(), "{sa:?} @ {sb:?}");
        assert_close(&c.to_vec(), &expected, 1e-12);
    }
}

#[test]
fn batched_matmul_in_f32() {
    let a = Tensor::ones(&[2, 3, 4]);
    let b = Tensor::full(&[4, 2], 0.5);
    assert_eq!(a.matmul(&b).to_vec(), vec![2.0; 12]);
}

#[test]
fn batched_matmul_node_names_follow_pytorch() {
    let a = sample(&[2, 3, 4], 0.1);
    // bmm path: _unsafe_view(bmm(...))
    let c = a.matmul(&sample(&[2, 4, 5], 0.2));
    assert_eq!(node(&c), "UnsafeViewBackward0");
    let inner = c.grad_fn().unwrap().next_functions()[0].0.clone().unwrap();
    assert_eq!(inner.name(), "BmmBackward0");
    // folded path: _unsafe_view(mm(reshape(a), b))
    let c = a.matmul(&sample(&[4, 5], 0.3));
    assert_eq!(node(&c), "UnsafeViewBackward0");
    let inner = c.grad_fn().unwrap().next_functions()[0].0.clone().unwrap();
    assert_eq!(inner.name(), "MmBackward0");
    // bmm itself
    assert_eq!(node(&a.bmm(&sample(&[2, 4, 1], 0.4))), "BmmBackward0");
}

#[test]
fn matrix_vector_product_is_an_mv_node() {
    // (torch.tensor([[1., 2.], [3., 4.]], requires_grad=True) @ torch.tensor([5., 6.])).grad_fn
    //   -> MvBackward0; d/dA = g v^T, d/dv = A^T g
    let a = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let v = leaf(&[5.0, 6.0], &[2]);
    let y = a.matmul(&v);
    assert_eq!(y.to_vec(), vec![17.0, 39.0]);
    assert_eq!(node(&y), "MvBackward0");
    y.sum().backward();
    assert_eq!(a.grad().unwrap().to_vec(), vec![5.0, 6.0, 5.0, 6.0]);
    assert_eq!(v.grad().unwrap().to_vec(), vec![4.0, 6.0]);
    check(
        |t| t[0].mv(&t[1]),
        &[sample(&[3, 2], 0.1), sample(&[2], 0.2)],
    );
    check_second_order(
        |t| t[0].mv(&t[1]),
        &[sample(&[3, 2], 0.1), sample(&[2], 0.2)],
    );
}

#[test]
fn broadcast_batch_dims_sum_their_gradients() {
    // one [2, 2] matrix used by a batch of 3: its gradient sums the 3 batch gradients
    let a = leaf(&[1.0; 12], &[3, 2, 2]);
    let b = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    a.matmul(&b).sum().backward();
    // d/db = sum over batches of a^T 1 = 3 * [[2, 2], [2, 2]]
    assert_eq!(b.grad().unwrap().to_vec(), vec![6.0; 4]);
    // d/da = 1 b^T: row sums of b = [3, 7]
    assert_eq!(a.grad().unwrap().to_vec(), [3.0, 7.0].repeat(6));
}

#[test]
fn batched_matmul_gradcheck() {
    for (i, (sa, sb)) in SHAPE_PAIRS.iter().enumerate() {
        let inputs = [sample(sa, 0.1 * i as f64), sample(sb, 0.5 + 0.1 * i as f64)];
        check(|v| v[0].matmul(&v[1]), &inputs);
    }
    check(
        |v| v[0].bmm(&v[1]),
        &[sample(&[2, 3, 2], 0.1), sample(&[2, 2, 4], 0.2)],
    );
}

#[test]
fn batched_matmul_second_order() {
    // d/da depends on b and d/db on a, so the mixed second derivatives are not zero
    check_second_order(
        |v| v[0].matmul(&v[1]),
        &[sample(&[2, 2, 3], 0.1), sample(&[2, 3, 2], 0.2)],
    );
    check_second_order(
        |v| v[0].matmul(&v[1]),
        &[sample(&[2, 2, 3], 0.3), sample(&[3], 0.4)],
    );
    check_second_order(
        |v| v[0].matmul(&v[1]),
        &[sample(&[3], 0.5), sample(&[2, 3, 2], 0.6)],
    );
}

#[test]
#[should_panic(
    expected = "matmul: shapes [2, 3, 4] and [2, 5, 6] cannot be multiplied: the last dim of the first (4) must equal the second-to-last dim of the second (5): Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5]."
)]
fn batched_matmul_inner_size_mismatch_panics() {
    Tensor::ones(&[2, 3, 4]).matmul(&Tensor::ones(&[2, 5, 6]));
}

#[test]
#[should_panic(
    expected = "matmul: the batch dims [2] and [3] of shapes [2, 3, 4] and [3, 4, 5] do not broadcast (each dim, aligned from the right, must be equal or 1): The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"
)]
fn batched_matmul_batch_mismatch_panics() {
    Tensor::ones(&[2, 3, 4]).matmul(&Tensor::ones(&[3, 4, 5]));
}

#[test]
#[should_panic(
    expected = "matmul: both arguments to matmul need to be at least 1D, but they are 0D and 3D"
)]
fn matmul_of_a_scalar_panics() {
    Tensor::scalar(1.0).matmul(&Tensor::ones(&[2, 3, 4]));
}

#[test]
#[should_panic(
    expected = "matmul: expected both operands to have the same floating dtype, but got torch.float32 [2, 3, 4] and torch.float64 [4]"
)]
fn matmul_of_mixed_dtypes_panics() {
    Tensor::ones(&[2, 3, 4]).matmul(&Tensor::ones(&[4]).double());
}

#[test]
#[should_panic(
    expected = "bmm: Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4]."
)]
fn bmm_batch_mismatch_panics() {
    Tensor::ones(&[2, 3, 4]).bmm(&Tensor::ones(&[3, 4, 5]));
}

#[test]
#[should_panic(
    expected = "bmm: expected 3-d operands (batch1 and batch2 must be 3D tensors), got shapes [3, 4] and [4, 5]: batch1 must be a 3D tensor"
)]
fn bmm_of_matrices_panics() {
    Tensor::ones(&[3, 4]).bmm(&Tensor::ones(&[4, 5]));
}
