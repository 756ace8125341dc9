//! Thread-local grad mode: whether ops record graph nodes.

use std::cell::Cell;

thread_local! {
    static GRAD_ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Whether ops on this thread currently record the graph (true unless inside `no_grad`).
pub fn is_grad_enabled() -> bool {
    GRAD_ENABLED.with(Cell::get)
}

/// Sets grad mode for this thread. Prefer [`no_grad`] or [`NoGradGuard`], which restore it.
pub fn set_grad_enabled(enabled: bool) {
    GRAD_ENABLED.with(|g| g.set(enabled));
}

/// Restores the previous grad mode when dropped, also when a panic unwinds through it.
#[must_use = "grad mode is restored as soon as the guard is dropped"]
pub struct GradModeGuard {
    previous: bool,
}

impl GradModeGuard {
    /// Sets grad mode to `enabled` until the guard is dropped.
    pub fn new(enabled: bool) -> GradModeGuard {
        let previous = is_grad_enabled();
        set_grad_enabled(enabled);
        GradModeGuard { previous }
    }
}

impl Drop for GradModeGuard {
    fn drop(&mut self) {
        set_grad_enabled(self.previous);
    }
}

/// Disables grad mode until dropped, like `with torch.no_grad():`.
///
/// ```
/// use autograd::{NoGradGuard, Tensor};
/// let x = Tensor::ones(&[2]).requires_grad_(true);
/// {
///     let _guard = NoGradGuard::new();
///     assert!(!(&x * 2.0).requires_grad());
/// }
/// assert!((&x * 2.0).requires_grad());
/// ```
#[must_use = "grad mode is restored as soon as the guard is dropped"]
pub struct NoGradGuard {
    _restore: GradModeGuard,
}

impl NoGradGuard {
    /// Disables grad mode on this thread until the guard is dropped.
    #[allow(clippy::new_without_default)]
    pub fn new() -> NoGradGuard {
        NoGradGuard {
            _restore: GradModeGuard::new(false),
        }
    }
}

/// Runs `f` with grad mode off: nothing inside records a graph.
///
/// ```
/// use autograd::{no_grad, Tensor};
/// let x = Tensor::ones(&[3]).requires_grad_(true);
/// assert!(!no_grad(|| x.pow(2.0)).requires_grad());
/// ```
pub fn no_grad<R>(f: impl FnOnce() -> R) -> R {
    let _guard = GradModeGuard::new(false);
    f()
}

/// Runs `f` with grad mode on, even inside [`no_grad`].
pub fn enable_grad<R>(f: impl FnOnce() -> R) -> R {
    let _guard = GradModeGuard::new(true);
    f()
}
