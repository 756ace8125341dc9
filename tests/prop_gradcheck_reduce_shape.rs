//! Issue 6 part 1, reductions (`ops/reduce.rs`, the max/min of `ops/select.rs`) and ops that
//! move elements (`ops/shape_ops.rs`, `sum_to_size`): over random shapes (0-d, size-1 dims,
//! empty dims where the op allows them), random dims (negative ones included) and random F64
//! values, they pass `gradcheck`.
//!
//! max/min see no ties: every value of a case has a distinct magnitude (see `prop_support`).

mod prop_support;

use prop_support::{
    broadcast, broadcast_pair, case, check, config, dim_of, one_shape, shape, shape_dims, wrap,
    Case, Values, MAX_DIMS,
};
use proptest::prelude::*;

/// One leaf of any shape, empty dims included.
fn any_leaf() -> impl Strategy<Value = Case> {
    case(one_shape(true), Values::Signed)
}

/// One leaf with at least one element.
fn nonempty_leaf() -> impl Strategy<Value = Case> {
    case(one_shape(false), Values::Signed)
}

/// One leaf (empty dims allowed with `empty`) and a dim of it.
fn leaf_and_dim(empty: bool) -> impl Strategy<Value = (Case, isize)> {
    case(one_shape(empty), Values::Signed).prop_flat_map(|c| {
        let rank = c.shapes[0].len();
        (Just(c), dim_of(rank))
    })
}

/// One leaf and two dims of it.
fn leaf_and_two_dims() -> impl Strategy<Value = (Case, isize, isize)> {
    case(one_shape(true), Values::Signed).prop_flat_map(|c| {
        let rank = c.shapes[0].len();
        (Just(c), dim_of(rank), dim_of(rank))
    })
}

/// One leaf and a shape with as many elements: its sizes permuted, with 1s inserted.
fn leaf_and_new_shape() -> impl Strategy<Value = (Case, Vec<usize>)> {
    case(one_shape(true), Values::Signed).prop_flat_map(|c| {
        let sizes = Just(c.shapes[0].clone()).prop_shuffle();
        let ones = prop::collection::vec(0..=MAX_DIMS, 0..=1);
        (Just(c), sizes, ones).prop_map(|(c, mut sizes, ones)| {
            for at in ones {
                sizes.insert(at.min(sizes.len()), 1);
            }
            (c, sizes)
        })
    })
}

/// A leaf whose shape broadcasts to a larger shape, and that shape.
fn leaf_and_broadcast_target(empty: bool) -> impl Strategy<Value = (Case, Vec<usize>)> {
    broadcast_pair(empty).prop_flat_map(|pair| {
        let target = broadcast(&pair[0], &pair[1]);
        (
            case(Just(vec![pair[0].clone()]), Values::Signed),
            Just(target),
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sum(c in any_leaf()) {
        check("sum", &c, |v| v[0].sum());
    }

    #[test]
    fn mean(c in nonempty_leaf()) {
        // The mean of an empty tensor is NaN (0/0), as PyTorch; covered in bad_input.rs.
        check("mean", &c, |v| v[0].mean());
    }

    #[test]
    fn norm(c in any_leaf()) {
        check("norm", &c, |v| v[0].norm());
    }

    #[test]
    fn sum_dim((c, d) in leaf_and_dim(true), keepdim in any::<bool>()) {
        check("sum_dim", &c, |v| v[0].sum_dim(d, keepdim));
    }

    #[test]
    fn mean_dim((c, d) in leaf_and_dim(true), keepdim in any::<bool>()) {
        check("mean_dim", &c, |v| v[0].mean_dim(d, keepdim));
    }

    #[test]
    fn max_and_min(c in nonempty_leaf()) {
        check("max", &c, |v| v[0].max());
        check("min", &c, |v| v[0].min());
    }

    #[test]
    fn max_dim_and_min_dim((c, d) in leaf_and_dim(false), keepdim in any::<bool>()) {
        check("max_dim", &c, |v| v[0].max_dim(d, keepdim).0);
        check("min_dim", &c, |v| v[0].min_dim(d, keepdim).0);
    }

    #[test]
    fn max_dim_with_empty_other_dims(
        (c, d) in leaf_and_dim(true).prop_filter("the reduced dim is not empty", |(c, d)| {
            c.shapes[0].is_empty() || c.shapes[0][wrap(*d, c.shapes[0].len())] > 0
        }),
    ) {
        check("max_dim", &c, |v| v[0].max_dim(d, false).0);
    }

    #[test]
    fn reshape_and_view((c, new_shape) in leaf_and_new_shape()) {
        check("reshape", &c, |v| v[0].reshape(&new_shape));
        check("view", &c, |v| v[0].view(&new_shape));
    }

    #[test]
    fn transpose((c, d0, d1) in leaf_and_two_dims()) {
        check("transpose", &c, |v| v[0].transpose(d0, d1));
    }

    #[test]
    fn t(c in case(shape(2, true).prop_map(|s| vec![s]), Values::Signed)) {
        check("t", &c, |v| v[0].t());
    }

    #[test]
    fn unsqueeze(
        (c, d) in any_leaf().prop_flat_map(|c| {
            let r = c.shapes[0].len() as isize + 1;
            (Just(c), -r..r)
        }),
    ) {
        check("unsqueeze", &c, |v| v[0].unsqueeze(d));
    }

    #[test]
    fn squeeze((c, d) in leaf_and_dim(true)) {
        check("squeeze", &c, |v| v[0].squeeze(d));
    }

    #[test]
    fn squeeze_size_one_dims(
        (c, d) in case(shape_dims(1, MAX_DIMS, true).prop_map(|s| vec![s]), Values::Signed)
            .prop_flat_map(|c| {
                let r = c.shapes[0].len();
                (Just(c), 0..r)
            })
            .prop_map(|(mut c, d)| {
                // Make dim d of size 1 (keeping the values that still fit).
                let old = c.shapes[0][d];
                c.shapes[0][d] = 1;
                let n = prop_support::numel(&c.shapes[0]);
                if old == 0 {
                    c.data[0] = (0..n).map(|i| 0.5 + 0.01 * i as f64).collect();
                } else {
                    c.data[0].truncate(n);
                }
                (c, d)
            }),
    ) {
        check("squeeze", &c, |v| v[0].squeeze(d));
    }

    #[test]
    fn expand_and_broadcast_to((c, target) in leaf_and_broadcast_target(true)) {
        check("expand", &c, |v| v[0].expand(&target));
        check("broadcast_to", &c, |v| v[0].broadcast_to(&target));
    }

    #[test]
    fn sum_to_size((c, target) in leaf_and_broadcast_target(true)) {
        // The reverse of expand: a tensor of the broadcast shape summed back to the leaf's.
        let small = c.shapes[0].clone();
        let n = prop_support::numel(&target);
        let big = Case {
            shapes: vec![target.clone()],
            data: vec![(0..n).map(|i| (i as f64 * 0.37).sin()).collect()],
        };
        check("sum_to_size", &big, |v| v[0].sum_to_size(&small));
    }

    #[test]
    fn reductions_of_shape_ops((c, d) in leaf_and_dim(false)) {
        // A chain mixing both families: every rule sees a non-trivial incoming gradient.
        check("chain", &c, |v| {
            let x = &v[0];
            let m = x.max_dim(d, true).0;
            (x - &m).mean_dim(d, false).unsqueeze(0).sum_dim(0, false) * x.norm()
                + x.transpose(0, -1).sum()
        });
    }
}
