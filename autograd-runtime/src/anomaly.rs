//! Anomaly detection: fail a backward at the first node that produces NaN.

use crate::error::AutogradError;
use crate::graph::Node;
use crate::tensor::Tensor;
use std::cell::Cell;

thread_local! {
    static ANOMALY_MODE: Cell<bool> = const { Cell::new(false) };
}

/// Whether anomaly detection is on for this thread.
pub fn is_anomaly_enabled() -> bool {
    ANOMALY_MODE.with(Cell::get)
}

struct AnomalyGuard(bool);

impl Drop for AnomalyGuard {
    fn drop(&mut self) {
        ANOMALY_MODE.with(|m| m.set(self.0));
    }
}

/// Runs `f` with anomaly detection on, as `torch.autograd.detect_anomaly()`: a backward inside
/// that produces NaN fails with the node's name and where its forward op was called.
///
/// ```
/// use autograd::{detect_anomaly, Tensor};
/// let x = Tensor::from_vec(vec![0.0f64], &[1]).requires_grad_(true);
/// // sqrt'(0) = inf, times the 0 flowing back from `* 0.0`, is NaN.
/// let err = detect_anomaly(|| (x.sqrt() * 0.0).sum().try_backward()).unwrap_err();
/// assert!(err.to_string().contains("SqrtBackward0"));
/// ```
pub fn detect_anomaly<R>(f: impl FnOnce() -> R) -> R {
    let _guard = AnomalyGuard(ANOMALY_MODE.with(|m| m.replace(true)));
    f()
}

/// PRECONDITION: called by the engine on the gradients a node just returned.
pub(crate) fn check_gradients(node: &Node, grads: &[Option<Tensor>]) -> Result<(), AutogradError> {
    if !is_anomaly_enabled() {
        return Ok(());
    }
    for (index, grad) in grads.iter().enumerate() {
        if let Some(g) = grad {
            // As PyTorch: NaN is an anomaly, infinity is not (sqrt'(0) = inf is legitimate).
            if g.to_vec().iter().any(|v| v.is_nan()) {
                return Err(AutogradError::Anomaly {
                    node: node.name.to_string(),
                    index,
                    location: node.location.to_string(),
                });
            }
        }
    }
    Ok(())
}
