//! The thread-local random generator behind `rand`, `randn` and `dropout`.

use rand::rngs::StdRng;
use rand::SeedableRng;
use std::cell::RefCell;

/// The seed a thread starts from, PyTorch's default CPU seed: runs are reproducible by default.
const DEFAULT_SEED: u64 = 67_280_421_310_721;

thread_local! {
    static GENERATOR: RefCell<StdRng> = RefCell::new(StdRng::seed_from_u64(DEFAULT_SEED));
}

/// Seeds this thread's generator, as `torch.manual_seed`: the same seed gives the same
/// `rand`/`randn` values on every run.
///
/// ```
/// use autograd::{manual_seed, Tensor};
/// manual_seed(7);
/// let a = Tensor::randn(&[3]);
/// manual_seed(7);
/// assert_eq!(a.to_vec(), Tensor::randn(&[3]).to_vec());
/// ```
pub fn manual_seed(seed: u64) {
    GENERATOR.with(|g| *g.borrow_mut() = StdRng::seed_from_u64(seed));
}

/// Runs `f` with this thread's generator.
pub(crate) fn with_generator<R>(f: impl FnOnce(&mut StdRng) -> R) -> R {
    GENERATOR.with(|g| f(&mut g.borrow_mut()))
}
