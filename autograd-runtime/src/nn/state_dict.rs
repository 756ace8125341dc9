//! Loading named tensors into a module's parameters, as PyTorch's strict `load_state_dict`.

use crate::Tensor;
use std::collections::HashMap;
use std::fmt;

/// Why [`super::Module::load_state_dict`] refused a state dict; lists every problem, in
/// PyTorch's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateDictError {
    /// Parameters of the module absent from the state dict.
    pub missing: Vec<String>,
    /// Names in the state dict that are no parameter of the module.
    pub unexpected: Vec<String>,
    /// `(name, shape in the state dict, shape of the parameter)` for each shape mismatch.
    pub size_mismatch: Vec<(String, Vec<usize>, Vec<usize>)>,
}

impl fmt::Display for StateDictError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |names: &[String]| {
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        write!(f, "Error(s) in loading state_dict:")?;
        if !self.missing.is_empty() {
            write!(
                f,
                "\n\tMissing key(s) in state_dict: {}.",
                quoted(&self.missing)
            )?;
        }
        if !self.unexpected.is_empty() {
            write!(
                f,
                "\n\tUnexpected key(s) in state_dict: {}.",
                quoted(&self.unexpected)
            )?;
        }
        for (name, found, expected) in &self.size_mismatch {
            write!(
                f,
                "\n\tsize mismatch for {name}: copying a param with shape {found:?} from checkpoint, the shape in current model is {expected:?}."
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for StateDictError {}

/// Checks `state` against `params`, then copies every value into its parameter's storage
/// (converted to the parameter's dtype; bumps the version, as an in-place copy does).
/// POSTCONDITION: on `Err`, no parameter changed.
pub(crate) fn load_into(
    params: &[(String, Tensor)],
    state: &HashMap<String, Tensor>,
) -> Result<(), StateDictError> {
    let mut error = StateDictError {
        missing: Vec::new(),
        unexpected: Vec::new(),
        size_mismatch: Vec::new(),
    };
    for (name, param) in params {
        match state.get(name) {
            None => error.missing.push(name.clone()),
            Some(t) if t.shape() != param.shape() => {
                error
                    .size_mismatch
                    .push((name.clone(), t.shape().to_vec(), param.shape().to_vec()))
            }
            Some(_) => {}
        }
    }
    error.unexpected = state
        .keys()
        .filter(|k| !params.iter().any(|(name, _)| name == *k))
        .cloned()
        .collect();
    error.unexpected.sort();
    if !(error.missing.is_empty() && error.unexpected.is_empty() && error.size_mismatch.is_empty())
    {
        return Err(error);
    }
    for (name, param) in params {
        let source = &state[name];
        if triomphe::Arc::ptr_eq(&source.inner.storage, &param.inner.storage) {
            continue;
        }
        let values = source.buffer().to_dtype(param.dtype());
        *param.inner.storage.write() = values;
    }
    Ok(())
}
