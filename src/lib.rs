pub use autograd_runtime::*;
