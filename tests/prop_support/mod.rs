//! Strategies and checks shared by the `prop_gradcheck_*` property tests (included with
//! `mod prop_support;`).
//!
//! Strategies produce plain data (shapes and `f64` values), never tensors: proptest prints and
//! shrinks the data, and every run of a case builds fresh leaves from it (gradcheck writes into
//! its inputs while it perturbs them).
//!
//! Case count: [`DEFAULT_CASES`] per test, raised by the `AUTOGRAD_PROPTEST_CASES` environment
//! variable for a long run (`AUTOGRAD_PROPTEST_CASES=5000 cargo test --test prop_gradcheck_unary`).
#![allow(dead_code)] // each test binary uses a different subset

use autograd::{gradcheck, Tensor};
use proptest::prelude::*;

/// Cases per property in a plain `cargo test`.
pub const DEFAULT_CASES: u32 = 64;
/// The environment variable that raises the case count.
pub const CASES_ENV: &str = "AUTOGRAD_PROPTEST_CASES";
/// Largest size of a generated dim (keeps a full Jacobian check cheap in debug builds).
pub const MAX_SIZE: usize = 4;
/// Most dims of a generated shape.
pub const MAX_DIMS: usize = 3;

/// The case count: `AUTOGRAD_PROPTEST_CASES` if set (never below [`DEFAULT_CASES`]), else the
/// default.
///
/// # Panics
/// When the variable is set but is not a positive integer.
pub fn cases() -> u32 {
    match std::env::var(CASES_ENV) {
        Ok(text) => {
            let n: u32 = text.trim().parse().unwrap_or_else(|_| {
                panic!("{CASES_ENV} must be a positive integer (a case count), got {text:?}")
            });
            n.max(DEFAULT_CASES)
        }
        Err(_) => DEFAULT_CASES,
    }
}

/// The proptest configuration of every property: [`cases`] cases, no regression files written
/// into the shared checkout (a failure prints its minimal input and seed instead).
pub fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Which values a case's leaves hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Values {
    /// Mixed signs, `0.1 <= |x| <= 2`: away from the kinks of relu/abs/sign at 0.
    Signed,
    /// `0.1 <= x <= 2`: for log, sqrt, fractional powers and denominators.
    Positive,
}

/// The leaves of one case: shapes and row-major values. All values of a case (across every
/// leaf) have distinct magnitudes at least `0.19 / n` apart (n values in all), so max/min,
/// maximum/minimum and sorts never see a tie within gradcheck's step of 1e-6.
#[derive(Clone, Debug)]
pub struct Case {
    /// One shape per leaf.
    pub shapes: Vec<Vec<usize>>,
    /// One row-major value list per leaf.
    pub data: Vec<Vec<f64>>,
}

impl Case {
    /// Fresh F64 leaves that require grad.
    pub fn leaves(&self) -> Vec<Tensor> {
        self.shapes
            .iter()
            .zip(&self.data)
            .map(|(s, d)| Tensor::from_vec(d.clone(), s).requires_grad_(true))
            .collect()
    }

    /// The case of leaf `i` alone.
    pub fn only(&self, i: usize) -> Case {
        Case {
            shapes: vec![self.shapes[i].clone()],
            data: vec![self.data[i].clone()],
        }
    }

    /// Leaf `i`'s values as an F64 tensor that does not require grad.
    pub fn constant(&self, i: usize) -> Tensor {
        Tensor::from_vec(self.data[i].clone(), &self.shapes[i])
    }
}

/// The broadcast of two shapes that broadcast (as from [`broadcast_pair`]).
pub fn broadcast(a: &[usize], b: &[usize]) -> Vec<usize> {
    let rank = a.len().max(b.len());
    let at = |s: &[usize], i: usize| (i + s.len()).checked_sub(rank).map_or(1, |j| s[j]);
    (0..rank)
        .map(|i| match (at(a, i), at(b, i)) {
            (1, y) => y,
            (x, _) => x,
        })
        .collect()
}

/// The number of elements of `shape`.
pub fn numel(shape: &[usize]) -> usize {
    shape.iter().product()
}

/// `n` values with distinct magnitudes in `[0.1, 2]`: magnitude `i` lies in the middle 80% of
/// cell `perm[i]` of `[0.1, 2]` cut into `n` cells, so two magnitudes differ by at least a
/// fifth of a cell; signs are random for [`Values::Signed`].
pub fn distinct_values(n: usize, values: Values) -> impl Strategy<Value = Vec<f64>> {
    let perm = Just((0..n).collect::<Vec<usize>>()).prop_shuffle();
    let jitter = prop::collection::vec(0.1f64..0.9, n);
    let negative = prop::collection::vec(any::<bool>(), n);
    (perm, jitter, negative).prop_map(move |(perm, jitter, negative)| {
        let cell = 1.9 / n.max(1) as f64;
        (0..n)
            .map(|i| {
                let magnitude = 0.1 + (perm[i] as f64 + jitter[i]) * cell;
                if values == Values::Signed && negative[i] {
                    -magnitude
                } else {
                    magnitude
                }
            })
            .collect()
    })
}

/// A case for the shapes `shapes` generates, with values of kind `values`.
pub fn case(
    shapes: impl Strategy<Value = Vec<Vec<usize>>>,
    values: Values,
) -> impl Strategy<Value = Case> {
    shapes
        .prop_flat_map(move |shapes| {
            let total = shapes.iter().map(|s| numel(s)).sum();
            (Just(shapes), distinct_values(total, values))
        })
        .prop_map(|(shapes, flat)| {
            let mut rest = flat.as_slice();
            let data = shapes
                .iter()
                .map(|s| {
                    let (head, tail) = rest.split_at(numel(s));
                    rest = tail;
                    head.to_vec()
                })
                .collect();
            Case { shapes, data }
        })
}

/// The size of one generated dim: `1..=MAX_SIZE`, or with `empty` also 0 (one time in ten, so
/// most cases still have elements to check).
pub fn dim_size(empty: bool) -> BoxedStrategy<usize> {
    if empty {
        prop_oneof![1 => Just(0usize), 9 => 1..=MAX_SIZE].boxed()
    } else {
        (1..=MAX_SIZE).boxed()
    }
}

/// A shape of up to `max_dims` dims (0-d included); `empty` allows dims of size 0.
pub fn shape(max_dims: usize, empty: bool) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(dim_size(empty), 0..=max_dims)
}

/// A shape of `min_dims..=max_dims` dims; `empty` allows dims of size 0.
pub fn shape_dims(
    min_dims: usize,
    max_dims: usize,
    empty: bool,
) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(dim_size(empty), min_dims..=max_dims)
}

/// Two shapes that broadcast together: each is a suffix of one full shape (0-d included) with
/// some dims replaced by 1. `empty` allows empty dims (which a 1 broadcasts to).
pub fn broadcast_pair(empty: bool) -> impl Strategy<Value = Vec<Vec<usize>>> {
    shape(MAX_DIMS, empty)
        .prop_flat_map(|full| {
            let n = full.len();
            let ones = || prop::collection::vec(prop::bool::weighted(0.3), n);
            (Just(full), 0..=n, 0..=n, ones(), ones())
        })
        .prop_map(|(full, skip_a, skip_b, ones_a, ones_b)| {
            let derive = |skip: usize, ones: &[bool]| -> Vec<usize> {
                (skip..full.len())
                    .map(|i| if ones[i] { 1 } else { full[i] })
                    .collect()
            };
            vec![derive(skip_a, &ones_a), derive(skip_b, &ones_b)]
        })
}

/// One leaf of any shape from [`shape`]`(MAX_DIMS, empty)`.
pub fn one_shape(empty: bool) -> impl Strategy<Value = Vec<Vec<usize>>> {
    shape(MAX_DIMS, empty).prop_map(|s| vec![s])
}

/// A dim of a tensor of rank `rank`, negative or not (`-r..r`, with 0-d counted as rank 1 as
/// PyTorch does).
pub fn dim_of(rank: usize) -> impl Strategy<Value = isize> {
    let r = rank.max(1) as isize;
    -r..r
}

/// A dim index in `0..rank` for a wrapped `dim` (0 for a 0-d tensor).
pub fn wrap(dim: isize, rank: usize) -> usize {
    let r = rank.max(1) as isize;
    (if dim < 0 { dim + r } else { dim }) as usize
}

/// Asserts that `f` passes `gradcheck` at fresh leaves built from `case`, naming `op` and the
/// shapes on failure. When a leaf is empty (gradcheck then has no Jacobian entry to compare),
/// it also runs a backward of `f(..).sum()` and checks each gradient has its leaf's shape.
#[track_caller]
pub fn check(op: &str, case: &Case, f: impl Fn(&[Tensor]) -> Tensor) {
    let leaves = case.leaves();
    if let Err(e) = gradcheck(&f, &leaves) {
        panic!("{op}: gradcheck failed at shapes {:?}: {e}", case.shapes);
    }
    if leaves.iter().any(|t| t.numel() == 0) {
        let leaves = case.leaves();
        let out = f(&leaves);
        if out.requires_grad() {
            out.sum().backward();
            for (t, s) in leaves.iter().zip(&case.shapes) {
                if let Some(g) = t.grad() {
                    assert_eq!(g.shape(), s.as_slice(), "{op}: gradient shape at {s:?}");
                    // An empty output has no element to depend on anything.
                    if out.numel() == 0 {
                        assert!(g.to_vec().iter().all(|v| *v == 0.0), "{op}: {g:?}");
                    }
                }
            }
        }
    }
}
