//! Issue 6 part 1, the ops networks are built from: softmax, log_softmax, logsumexp, clamp
//! (and clamp_min/clamp_max), maximum/minimum, where_cond, masked_fill, index_select, gather,
//! narrow, slice, cat, stack, split, split_with_sizes, chunk, matmul (every rank combination,
//! batch dims broadcast), mm, mv, dot, bmm, mse_loss, nll_loss and cross_entropy pass
//! `gradcheck` over random shapes, dims, indices and F64 values.
//!
//! Kinks are avoided: clamp bounds stay 1e-3 away from every value, and maximum/minimum never
//! see a tie (every value of a case has a distinct magnitude, see `prop_support`).

mod prop_support;

use autograd::Tensor;
use prop_support::{
    broadcast, broadcast_pair, case, check, config, dim_of, one_shape, shape_dims, wrap, Case,
    Values, MAX_SIZE,
};
use proptest::prelude::*;

/// One leaf (empty dims allowed with `empty`) and a dim of it.
fn leaf_and_dim(empty: bool) -> impl Strategy<Value = (Case, isize)> {
    case(one_shape(empty), Values::Signed).prop_flat_map(|c| {
        let rank = c.shapes[0].len();
        (Just(c), dim_of(rank))
    })
}

/// A leaf of 1 to 3 dims (empty dims allowed with `empty`) and one of its dims, wrapped.
fn ranked_leaf_and_dim(empty: bool) -> impl Strategy<Value = (Case, usize)> {
    case(
        shape_dims(1, 3, empty).prop_map(|s| vec![s]),
        Values::Signed,
    )
    .prop_flat_map(|c| {
        let rank = c.shapes[0].len();
        (Just(c), 0..rank)
    })
}

/// Clamp bounds at least 1e-3 away from every value of the case (`min > max` allowed).
fn clamp_case() -> impl Strategy<Value = (Case, f64, f64)> {
    (
        case(one_shape(true), Values::Signed),
        -2.2f64..2.2,
        -2.2f64..2.2,
    )
        .prop_filter("bounds away from the values", |(c, lo, hi)| {
            c.data[0]
                .iter()
                .all(|x| (x - lo).abs() > 1e-3 && (x - hi).abs() > 1e-3)
        })
}

/// Shapes for `matmul`: each operand a vector, a matrix or a batch of matrices (up to 2 batch
/// dims, which broadcast); inner size `k` (possibly 0) shared.
fn matmul_shapes() -> impl Strategy<Value = Vec<Vec<usize>>> {
    let batch = prop::collection::vec(1..=3usize, 0..=2);
    let sizes = (0..=3usize, 1..=3usize, 1..=3usize);
    let flags = (any::<bool>(), any::<bool>(), 0..=2usize, 0..=2usize);
    let ones = (
        prop::collection::vec(prop::bool::weighted(0.3), 2),
        prop::collection::vec(prop::bool::weighted(0.3), 2),
    );
    (batch, sizes, flags, ones).prop_map(
        |(batch, (k, n, p), (vec_a, vec_b, skip_a, skip_b), (ones_a, ones_b))| {
            let derive = |skip: usize, ones: &[bool]| -> Vec<usize> {
                (skip.min(batch.len())..batch.len())
                    .map(|i| if ones[i] { 1 } else { batch[i] })
                    .collect()
            };
            let a = if vec_a {
                vec![k]
            } else {
                [derive(skip_a, &ones_a), vec![n, k]].concat()
            };
            let b = if vec_b {
                vec![k]
            } else {
                [derive(skip_b, &ones_b), vec![k, p]].concat()
            };
            vec![a, b]
        },
    )
}

/// A `[N, C]` or `[C]` score tensor and one class target per row.
fn class_case() -> impl Strategy<Value = (Case, Vec<usize>)> {
    (1..=MAX_SIZE, 1..=MAX_SIZE, any::<bool>()).prop_flat_map(|(n, c, batched)| {
        let shape = if batched { vec![n, c] } else { vec![c] };
        let rows = if batched { n } else { 1 };
        (
            case(Just(vec![shape]), Values::Signed),
            prop::collection::vec(0..c, rows),
        )
    })
}

/// Sizes that add up to `total`, each at most `MAX_SIZE` (zeros allowed).
fn sizes_summing_to(total: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=MAX_SIZE, 1..=4).prop_filter_map(
        "sizes that sum to the dim",
        move |mut v| {
            let head: usize = v[..v.len() - 1].iter().sum();
            let last = total.checked_sub(head)?;
            *v.last_mut()? = last;
            Some(v)
        },
    )
}

/// Concatenates the pieces of a split along `d`, piece `i` scaled by `i + 1`, so each piece's
/// gradient differs.
fn rejoin(pieces: &[Tensor], d: usize) -> Tensor {
    let scaled: Vec<Tensor> = pieces
        .iter()
        .enumerate()
        .map(|(i, p)| p * (i as f64 + 1.0))
        .collect();
    Tensor::cat(&scaled.iter().collect::<Vec<_>>(), d)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn softmax_and_log_softmax((c, d) in leaf_and_dim(true)) {
        check("softmax", &c, |v| v[0].softmax(d));
        check("log_softmax", &c, |v| v[0].log_softmax(d));
    }

    #[test]
    fn logsumexp((c, d) in leaf_and_dim(true), keepdim in any::<bool>()) {
        check("logsumexp", &c, |v| v[0].logsumexp(d, keepdim));
    }

    #[test]
    fn clamp((c, lo, hi) in clamp_case()) {
        check("clamp", &c, |v| v[0].clamp(lo, hi));
        check("clamp_min", &c, |v| v[0].clamp_min(lo));
        check("clamp_max", &c, |v| v[0].clamp_max(hi));
    }

    #[test]
    fn maximum_and_minimum(c in case(broadcast_pair(true), Values::Signed)) {
        check("maximum", &c, |v| v[0].maximum(&v[1]));
        check("minimum", &c, |v| v[0].minimum(&v[1]));
    }

    #[test]
    fn where_cond(
        (c, cond) in case(broadcast_pair(true), Values::Signed).prop_flat_map(|c| {
            let n = prop_support::numel(&broadcast(&c.shapes[0], &c.shapes[1]));
            (Just(c), prop::collection::vec(any::<bool>(), n))
        }),
    ) {
        let out_shape = broadcast(&c.shapes[0], &c.shapes[1]);
        let cond = Tensor::from_vec(cond.iter().map(|&b| b as u8 as f64).collect(), &out_shape).gt(0.5);
        check("where_cond", &c, |v| Tensor::where_cond(&cond, &v[0], &v[1]));
    }

    #[test]
    fn masked_fill(
        (c, mask) in case(broadcast_pair(true), Values::Signed).prop_flat_map(|c| {
            let n = prop_support::numel(&c.shapes[1]);
            (Just(c.only(0)), Just(c.shapes[1].clone()), prop::collection::vec(any::<bool>(), n))
        }).prop_map(|(c, shape, bits)| {
            let mask: Vec<f64> = bits.iter().map(|&b| b as u8 as f64).collect();
            (c, (mask, shape))
        }),
        value in -3.0f64..3.0,
    ) {
        let mask = Tensor::from_vec(mask.0, &mask.1).gt(0.5);
        check("masked_fill", &c, |v| v[0].masked_fill(&mask, value));
    }

    #[test]
    fn index_select(
        (c, d, indices) in ranked_leaf_and_dim(false).prop_flat_map(|(c, d)| {
            let size = c.shapes[0][d];
            (Just(c), Just(d), prop::collection::vec(0..size, 0..=MAX_SIZE))
        }),
    ) {
        // Repeated indices add their gradients; an empty list gives an empty dim.
        check("index_select", &c, |v| v[0].index_select(d, &indices));
    }

    #[test]
    fn gather(
        (c, d, index, index_shape) in ranked_leaf_and_dim(false).prop_flat_map(|(c, d)| {
            let s = c.shapes[0].clone();
            let dims: Vec<BoxedStrategy<usize>> = (0..s.len())
                .map(|a| if a == d { (1..=MAX_SIZE).boxed() } else { (1..=s[a]).boxed() })
                .collect();
            (Just(c), Just(d), dims)
        }).prop_flat_map(|(c, d, index_shape)| {
            let n = prop_support::numel(&index_shape);
            let size = c.shapes[0][d];
            (Just(c), Just(d), prop::collection::vec(0..size, n), Just(index_shape))
        }),
    ) {
        check("gather", &c, |v| v[0].gather(d, &index, &index_shape));
    }

    #[test]
    fn narrow(
        (c, d, start, len) in ranked_leaf_and_dim(true).prop_flat_map(|(c, d)| {
            let size = c.shapes[0][d];
            (Just(c), Just(d), 0..=size)
        }).prop_flat_map(|(c, d, start)| {
            let room = c.shapes[0][d] - start;
            (Just(c), Just(d), Just(start), 0..=room)
        }),
    ) {
        check("narrow", &c, |v| v[0].narrow(d, start, len));
    }

    #[test]
    fn slice((c, d) in ranked_leaf_and_dim(true), start in -6isize..6, end in -6isize..6, step in 1usize..=3) {
        check("slice", &c, |v| v[0].slice(d, start, end, step));
    }

    #[test]
    fn cat(
        (c, d) in (shape_dims(1, 3, true), 1..=3usize).prop_flat_map(|(s, k)| {
            let rank = s.len();
            (Just(s), Just(k), 0..rank, prop::collection::vec(0..=3usize, k))
        }).prop_flat_map(|(s, _, d, lens)| {
            let shapes: Vec<Vec<usize>> = lens.iter().map(|&l| { let mut t = s.clone(); t[d] = l; t }).collect();
            (case(Just(shapes), Values::Signed), Just(d))
        }),
    ) {
        check("cat", &c, |v| Tensor::cat(&v.iter().collect::<Vec<_>>(), d));
    }

    #[test]
    fn stack(
        (c, d) in (prop_support::shape(3, true), 1..=3usize).prop_flat_map(|(s, k)| {
            let rank = s.len();
            (case(Just(vec![s; k]), Values::Signed), 0..=rank)
        }),
    ) {
        check("stack", &c, |v| Tensor::stack(&v.iter().collect::<Vec<_>>(), d));
    }

    #[test]
    fn split_and_chunk((c, d) in ranked_leaf_and_dim(true), size in 1..=MAX_SIZE) {
        check("split", &c, |v| rejoin(&v[0].split(size, d), d));
        check("chunk", &c, |v| rejoin(&v[0].chunk(size, d), d));
        // Only the first piece used: the others count as zero gradients.
        check("split (first piece)", &c, |v| &v[0].split(size, d)[0] * 2.0);
    }

    #[test]
    fn split_with_sizes(
        (c, d, sizes) in ranked_leaf_and_dim(true).prop_flat_map(|(c, d)| {
            let total = c.shapes[0][d];
            (Just(c), Just(d), sizes_summing_to(total))
        }),
    ) {
        check("split_with_sizes", &c, |v| rejoin(&v[0].split_with_sizes(&sizes, d), d));
    }

    #[test]
    fn matmul(c in case(matmul_shapes(), Values::Signed)) {
        check("matmul", &c, |v| v[0].matmul(&v[1]));
    }

    #[test]
    fn mm_mv_dot_bmm(b in 1..=3usize, m in 0..=3usize, k in 0..=3usize, p in 0..=3usize, seed in any::<u64>()) {
        let values = |n: usize, salt: u64| -> Vec<f64> {
            (0..n).map(|i| ((i as u64 * 7 + seed % 97 + salt) as f64 * 0.61).sin()).collect()
        };
        let pair = |a: Vec<usize>, b2: Vec<usize>| Case {
            data: vec![values(prop_support::numel(&a), 1), values(prop_support::numel(&b2), 2)],
            shapes: vec![a, b2],
        };
        check("mm", &pair(vec![m, k], vec![k, p]), |v| v[0].mm(&v[1]));
        check("mv", &pair(vec![m, k], vec![k]), |v| v[0].mv(&v[1]));
        check("dot", &pair(vec![k], vec![k]), |v| v[0].dot(&v[1]));
        check("bmm", &pair(vec![b, m, k], vec![b, k, p]), |v| v[0].bmm(&v[1]));
    }

    #[test]
    fn mse_loss(c in case(broadcast_pair(false), Values::Signed)) {
        check("mse_loss", &c, |v| v[0].mse_loss(&v[1]));
    }

    #[test]
    fn nll_loss_and_cross_entropy((c, target) in class_case()) {
        check("nll_loss", &c, |v| v[0].log_softmax(-1).nll_loss(&target));
        check("cross_entropy", &c, |v| v[0].cross_entropy(&target));
    }

    #[test]
    fn dim_ops_after_a_wrap((c, d) in leaf_and_dim(false)) {
        // softmax feeding logsumexp along the same (possibly negative) dim, times a clamp (bounds away from every value).
        let w = wrap(d, c.shapes[0].len());
        check("chain", &c, |v| v[0].softmax(d).logsumexp(w as isize, true) * v[0].clamp_min(-0.05));
    }
}
