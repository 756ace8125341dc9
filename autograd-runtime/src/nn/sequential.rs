//! A chain of modules applied one after the other.

use super::Module;
use crate::Tensor;

/// Modules applied in order, the output of each the input of the next, as
/// `torch.nn.Sequential`. Parameter names are prefixed with the module's index (`"0.weight"`),
/// as PyTorch names them, so state dicts move between the two.
///
/// ```
/// use autograd::nn::{Linear, Module, Sequential, Tanh};
/// use autograd::Tensor;
///
/// let mut model = Sequential::new().add(Linear::new(2, 3)).add(Tanh::new());
/// assert_eq!(model.len(), 2);
/// assert_eq!(model.parameters().len(), 2);
/// model.eval();
/// assert!(!model.is_training() && !model.get(0).unwrap().is_training());
/// let y = model.forward(&Tensor::zeros(&[4, 2]));
/// assert_eq!(y.shape(), &[4, 3]);
/// ```
pub struct Sequential {
    modules: Vec<Box<dyn Module>>,
    training: bool,
}

impl Sequential {
    /// An empty chain (its forward is the identity).
    pub fn new() -> Sequential {
        Sequential {
            modules: Vec::new(),
            training: true,
        }
    }

    /// The chain with `module` appended (builder style).
    // `add` as in tch's and candle's `seq().add(..)`; it is no arithmetic, so no `Add` impl.
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, module: impl Module + 'static) -> Sequential {
        self.push(module);
        self
    }

    /// Appends `module`.
    pub fn push(&mut self, module: impl Module + 'static) {
        self.modules.push(Box::new(module));
    }

    /// The number of modules.
    pub fn len(&self) -> usize {
        self.modules.len()
    }

    /// Whether there are no modules.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The module at `index`.
    pub fn get(&self, index: usize) -> Option<&dyn Module> {
        self.modules.get(index).map(|m| &**m)
    }
}

impl Default for Sequential {
    fn default() -> Sequential {
        Sequential::new()
    }
}

impl From<Vec<Box<dyn Module>>> for Sequential {
    fn from(modules: Vec<Box<dyn Module>>) -> Sequential {
        Sequential {
            modules,
            training: true,
        }
    }
}

impl Module for Sequential {
    fn forward(&self, input: &Tensor) -> Tensor {
        self.modules
            .iter()
            .fold(input.clone(), |x, m| m.forward(&x))
    }

    fn named_parameters(&self) -> Vec<(String, Tensor)> {
        self.modules
            .iter()
            .enumerate()
            .flat_map(|(i, m)| {
                m.named_parameters()
                    .into_iter()
                    .map(move |(name, t)| (format!("{i}.{name}"), t))
            })
            .collect()
    }

    fn set_training(&mut self, training: bool) {
        self.training = training;
        for m in &mut self.modules {
            m.set_training(training);
        }
    }

    fn is_training(&self) -> bool {
        self.training
    }
}

impl std::fmt::Debug for Sequential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sequential({} modules)", self.modules.len())
    }
}
