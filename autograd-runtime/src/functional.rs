//! `autograd::functional`: Jacobians, Hessians and their products with vectors, as
//! `torch.autograd.functional`.
//!
//! Every entry point takes a function `f: Fn(&[Tensor]) -> Tensor` and the point `inputs` to
//! evaluate it at, and is a builder ending in `run()`, like [`crate::grad`]. `f` receives fresh
//! handles on the inputs that require grad (PyTorch's `_grad_preprocess`) and returns ONE
//! tensor; PyTorch's functions that return a tuple of outputs are out of scope (concatenate
//! the outputs, or call once per output).
//!
//! Conventions, as PyTorch's with `strict=False`:
//! - results keep the dtype of the inputs (a Jacobian block has the dtype of its input);
//! - an input the output does not depend on gets zeros, not an error (`strict=True` is not
//!   offered);
//! - without `create_graph(true)` the output and the results are detached; with it they keep
//!   their graph back to the inputs given (and to `v`), so they can be differentiated again;
//! - `v` is required: PyTorch's `v=None` for a single-element output (or input) is a tensor of
//!   ones of that shape;
//! - `jvp` and `hvp` use the double-backward trick (reverse mode twice), there is no
//!   forward-mode AD.
//!
//! Shape mismatches of `v`, non-scalar functions given to `hessian`/`hvp`/`vhp` and Jacobians
//! with no rows (a function, or a gradient given to `hessian`'s inner Jacobian, with no
//! elements: PyTorch's "stack expects a non-empty TensorList") are programming errors and panic
//! with a message naming the function and the shapes; errors of
//! the backward passes themselves (a tensor modified in place, a custom function returning a
//! bad gradient, anomaly detection) are returned as [`AutogradError`].
//!
//! ```
//! use autograd::{functional, Tensor};
//! // f(x, y) = 2 exp(x) + 3 y: the Jacobian has one block per input, each of shape
//! // output.shape + input.shape.
//! let x = Tensor::from_vec(vec![0.0f64, 1.0], &[2]);
//! let y = Tensor::from_vec(vec![5.0f64, 6.0], &[2]);
//! let jac = functional::jacobian(|v| v[0].exp() * 2.0 + &v[1] * 3.0, &[x, y]).run().unwrap();
//! assert_eq!(jac[0].shape(), &[2, 2]);
//! assert_eq!(jac[0].to_vec(), vec![2.0, 0.0, 0.0, 2.0 * 1f64.exp()]);
//! assert_eq!(jac[1].to_vec(), vec![3.0, 0.0, 0.0, 3.0]);
//! ```

mod support;

use crate::error::AutogradError;
use crate::grad_mode::enable_grad;
use crate::Tensor;
use support::{check_v, finish, grad_of, jacobian_of, prepare, scalar_output, zeros_for_none};

/// Declares a builder holding `f`, the inputs, `v` (when named) and the `create_graph` flag.
macro_rules! builder {
    ($(#[$doc:meta])* $name:ident $(, $v:ident)?) => {
        $(#[$doc])*
        #[must_use = "call .run() to compute the result"]
        pub struct $name<F> {
            f: F,
            inputs: Vec<Tensor>,
            $($v: Vec<Tensor>,)?
            create_graph: bool,
        }

        impl<F: Fn(&[Tensor]) -> Tensor> $name<F> {
            /// Compute the result in a differentiable way (PyTorch's `create_graph=True`): the
            /// output and the result keep their graph back to the inputs given and to `v`.
            /// Defaults to `false`, which detaches both.
            pub fn create_graph(mut self, create: bool) -> Self {
                self.create_graph = create;
                self
            }
        }
    };
}

builder!(
    /// `vᵀ J` at `inputs`: see [`vjp`].
    Vjp, v
);
builder!(
    /// `J v` at `inputs`: see [`jvp`].
    Jvp, v
);
builder!(
    /// The Jacobian at `inputs`: see [`jacobian`].
    Jacobian
);
builder!(
    /// The Hessian at `inputs`: see [`hessian`].
    Hessian
);
builder!(
    /// `H v` at `inputs`: see [`hvp`].
    Hvp, v
);
builder!(
    /// `vᵀ H` at `inputs`: see [`vhp`].
    Vhp, v
);

/// The vector-Jacobian product `vᵀ J` of `f` at `inputs`, as `torch.autograd.functional.vjp`.
/// `v` has the shape of `f`'s output; `run()` returns `(f(inputs), one result per input)`, each
/// result of its input's shape.
///
/// ```
/// use autograd::{functional, Tensor};
/// // f(x) = exp(x).sum(dim 1): vᵀ J puts v_i exp(x_ij) at (i, j).
/// let x = Tensor::from_vec(vec![0.0f64, 1.0, 2.0, 3.0], &[2, 2]);
/// let v = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
/// let (out, vjp) = functional::vjp(|x| x[0].exp().sum_dim(1, false), &[x], &v).run().unwrap();
/// assert_eq!(out.shape(), &[2]);
/// let e = |p: f64| p.exp();
/// assert_eq!(vjp[0].to_vec(), vec![1.0, e(1.0), 2.0 * e(2.0), 2.0 * e(3.0)]);
/// ```
pub fn vjp<F: Fn(&[Tensor]) -> Tensor>(f: F, inputs: &[Tensor], v: &Tensor) -> Vjp<F> {
    Vjp {
        f,
        inputs: inputs.to_vec(),
        v: vec![v.clone()],
        create_graph: false,
    }
}

/// The Jacobian-vector product `J v` of `f` at `inputs`, as `torch.autograd.functional.jvp`
/// with `fw_mode=False` (the double-backward trick: `J v` is the gradient of `uᵀ J v` with
/// respect to a dummy `u`). `v` holds one tensor per input, of its shape; `run()` returns
/// `(f(inputs), J v)`, the latter of the output's shape.
///
/// ```
/// use autograd::{functional, Tensor};
/// // f(x, y) = 2x + 3y: J v = 2 v_x + 3 v_y.
/// let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
/// let y = Tensor::from_vec(vec![3.0f64, 4.0], &[2]);
/// let v = [Tensor::from_vec(vec![1.0f64, 1.0], &[2]), Tensor::from_vec(vec![1.0f64, 0.0], &[2])];
/// let (out, jvp) = functional::jvp(|i| &i[0] * 2.0 + &i[1] * 3.0, &[x, y], &v).run().unwrap();
/// assert_eq!(out.to_vec(), vec![11.0, 16.0]);
/// assert_eq!(jvp.to_vec(), vec![5.0, 2.0]);
/// ```
pub fn jvp<F: Fn(&[Tensor]) -> Tensor>(f: F, inputs: &[Tensor], v: &[Tensor]) -> Jvp<F> {
    Jvp {
        f,
        inputs: inputs.to_vec(),
        v: v.to_vec(),
        create_graph: false,
    }
}

/// The Jacobian of `f` at `inputs`, as `torch.autograd.functional.jacobian`: `run()` returns one
/// block per input, block `i` of shape `output.shape + inputs[i].shape` (so `jac[0]` is
/// PyTorch's single tensor for a function of one input). Computed by one backward per output
/// element.
///
/// # Panics
/// When `f` returns a tensor with no elements, with PyTorch's "stack expects a non-empty
/// TensorList" (an input with no elements is fine: its block has no elements either).
///
/// ```
/// use autograd::{functional, Tensor};
/// // f(x) = x^2 on a [2] input: J = diag(2x), shape [2, 2].
/// let x = Tensor::from_vec(vec![1.0f64, 3.0], &[2]);
/// let jac = functional::jacobian(|x| x[0].pow(2.0), &[x]).run().unwrap();
/// assert_eq!(jac[0].to_vec(), vec![2.0, 0.0, 0.0, 6.0]);
/// ```
pub fn jacobian<F: Fn(&[Tensor]) -> Tensor>(f: F, inputs: &[Tensor]) -> Jacobian<F> {
    Jacobian {
        f,
        inputs: inputs.to_vec(),
        create_graph: false,
    }
}

/// The Hessian of the single-element function `f` at `inputs`, as
/// `torch.autograd.functional.hessian`: `run()` returns `h` with `h[i][j]` of shape
/// `inputs[i].shape + inputs[j].shape` (`h[0][0]` for a function of one input).
///
/// # Panics
/// When `f` returns more than one element, and when an input has no elements (its gradient has
/// none to differentiate: PyTorch's "stack expects a non-empty TensorList").
///
/// ```
/// use autograd::{functional, Tensor};
/// // f(x) = sum(x^3): H = diag(6x).
/// let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
/// let h = functional::hessian(|x| x[0].pow(3.0).sum(), &[x]).run().unwrap();
/// assert_eq!(h[0][0].shape(), &[2, 2]);
/// assert_eq!(h[0][0].to_vec(), vec![6.0, 0.0, 0.0, 12.0]);
/// ```
pub fn hessian<F: Fn(&[Tensor]) -> Tensor>(f: F, inputs: &[Tensor]) -> Hessian<F> {
    Hessian {
        f,
        inputs: inputs.to_vec(),
        create_graph: false,
    }
}

/// The Hessian-vector product `H v` of the single-element function `f` at `inputs`, as
/// `torch.autograd.functional.hvp` (the double-backward trick on the gradient). `v` holds one
/// tensor per input; `run()` returns `(f(inputs), one result per input)`. For a twice
/// continuously differentiable `f`, `H` is symmetric and [`vhp`] gives the same numbers with
/// one backward less.
///
/// # Panics
/// When `f` returns more than one element, or `v` does not match the inputs' shapes.
///
/// ```
/// use autograd::{functional, Tensor};
/// // f(x) = sum(x^3): H v = 6x * v.
/// let x = Tensor::from_vec(vec![1.0f64, 2.0], &[2]);
/// let v = Tensor::from_vec(vec![1.0f64, -1.0], &[2]);
/// let (out, hv) = functional::hvp(|x| x[0].pow(3.0).sum(), &[x], &[v]).run().unwrap();
/// assert_eq!((out.item(), hv[0].to_vec()), (9.0, vec![6.0, -12.0]));
/// ```
pub fn hvp<F: Fn(&[Tensor]) -> Tensor>(f: F, inputs: &[Tensor], v: &[Tensor]) -> Hvp<F> {
    Hvp {
        f,
        inputs: inputs.to_vec(),
        v: v.to_vec(),
        create_graph: false,
    }
}

/// The vector-Hessian product `vᵀ H` of the single-element function `f` at `inputs`, as
/// `torch.autograd.functional.vhp` (one double backward). Same arguments and results as [`hvp`].
///
/// # Panics
/// When `f` returns more than one element, or `v` does not match the inputs' shapes.
///
/// ```
/// use autograd::{functional, Tensor};
/// // PyTorch's pow_adder_reducer: sum(2x^2 + 3y^2), H = diag(4, 4, 6, 6).
/// let inputs = [Tensor::from_vec(vec![0.3f64, 0.8], &[2]), Tensor::from_vec(vec![0.5f64, 0.1], &[2])];
/// let v = [Tensor::zeros(&[2]).double(), Tensor::ones(&[2]).double()];
/// let f = |i: &[Tensor]| (i[0].pow(2.0) * 2.0 + i[1].pow(2.0) * 3.0).sum();
/// let (_, vh) = functional::vhp(f, &inputs, &v).run().unwrap();
/// assert_eq!((vh[0].to_vec(), vh[1].to_vec()), (vec![0.0, 0.0], vec![6.0, 6.0]));
/// ```
pub fn vhp<F: Fn(&[Tensor]) -> Tensor>(f: F, inputs: &[Tensor], v: &[Tensor]) -> Vhp<F> {
    Vhp {
        f,
        inputs: inputs.to_vec(),
        v: v.to_vec(),
        create_graph: false,
    }
}

impl<F: Fn(&[Tensor]) -> Tensor> Vjp<F> {
    /// Computes `(f(inputs), vᵀ J)`.
    ///
    /// # Panics
    /// When `v` does not have the shape of `f`'s output.
    pub fn run(self) -> Result<(Tensor, Vec<Tensor>), AutogradError> {
        let cg = self.create_graph;
        enable_grad(|| {
            let inputs = prepare("vjp", &self.inputs, cg);
            let out = (self.f)(&inputs);
            check_v(
                "vjp",
                "the output of f",
                &self.v,
                std::slice::from_ref(&out),
            );
            let grads = grad_of(&[Some(out.clone())], Some(&self.v), &inputs, cg)?;
            Ok((finish(out, cg), zeros_for_none(grads, &inputs, cg)))
        })
    }
}

impl<F: Fn(&[Tensor]) -> Tensor> Jvp<F> {
    /// Computes `(f(inputs), J v)`.
    ///
    /// # Panics
    /// When `v` does not hold one tensor of each input's shape.
    pub fn run(self) -> Result<(Tensor, Tensor), AutogradError> {
        let cg = self.create_graph;
        enable_grad(|| {
            let inputs = prepare("jvp", &self.inputs, cg);
            check_v("jvp", "the inputs", &self.v, &inputs);
            let out = (self.f)(&inputs);
            // g(u) = uᵀ J is linear in u, so d(g · v)/du = J v for any u; zeros are safe.
            let u = out.zeros_like().requires_grad_(true);
            let g = grad_of(
                &[Some(out.clone())],
                Some(std::slice::from_ref(&u)),
                &inputs,
                true,
            )?;
            let jv = grad_of(&g, Some(&self.v), std::slice::from_ref(&u), cg)?;
            let jv = zeros_for_none(jv, std::slice::from_ref(&out), cg);
            Ok((finish(out, cg), jv.into_iter().next().expect("one result")))
        })
    }
}

impl<F: Fn(&[Tensor]) -> Tensor> Jacobian<F> {
    /// Computes one Jacobian block per input.
    pub fn run(self) -> Result<Vec<Tensor>, AutogradError> {
        let cg = self.create_graph;
        enable_grad(|| {
            let inputs = prepare("jacobian", &self.inputs, cg);
            let out = (self.f)(&inputs);
            jacobian_of("jacobian", "the output of f", &out, &inputs, cg)
        })
    }
}

impl<F: Fn(&[Tensor]) -> Tensor> Hessian<F> {
    /// Computes the Hessian blocks `h[i][j]`.
    pub fn run(self) -> Result<Vec<Vec<Tensor>>, AutogradError> {
        let cg = self.create_graph;
        enable_grad(|| {
            let inputs = prepare("hessian", &self.inputs, cg);
            let out = scalar_output("hessian", &self.f, &inputs);
            let first = grad_of(&[Some(out)], None, &inputs, true)?;
            let first = zeros_for_none(first, &inputs, true);
            (first.iter().enumerate())
                .map(|(i, g)| {
                    let what = format!("the gradient of f with respect to input {i}");
                    jacobian_of("hessian", &what, g, &inputs, cg)
                })
                .collect()
        })
    }
}

impl<F: Fn(&[Tensor]) -> Tensor> Hvp<F> {
    /// Computes `(f(inputs), H v)`.
    pub fn run(self) -> Result<(Tensor, Vec<Tensor>), AutogradError> {
        let cg = self.create_graph;
        enable_grad(|| {
            let inputs = prepare("hvp", &self.inputs, cg);
            check_v("hvp", "the inputs", &self.v, &inputs);
            let out = scalar_output("hvp", &self.f, &inputs);
            let first = grad_of(&[Some(out.clone())], None, &inputs, true)?;
            // As PyTorch: vᵀ H through a dummy u is uᵀ H, linear in u; its gradient along v
            // with respect to u is H v, exact even where the computed H is not symmetric.
            let u: Vec<Tensor> = inputs
                .iter()
                .map(|x| x.zeros_like().requires_grad_(true))
                .collect();
            let uh = grad_of(&first, Some(&u), &inputs, true)?;
            let hv = grad_of(&uh, Some(&self.v), &u, cg)?;
            Ok((finish(out, cg), zeros_for_none(hv, &inputs, cg)))
        })
    }
}

impl<F: Fn(&[Tensor]) -> Tensor> Vhp<F> {
    /// Computes `(f(inputs), vᵀ H)`.
    pub fn run(self) -> Result<(Tensor, Vec<Tensor>), AutogradError> {
        let cg = self.create_graph;
        enable_grad(|| {
            let inputs = prepare("vhp", &self.inputs, cg);
            check_v("vhp", "the inputs", &self.v, &inputs);
            let out = scalar_output("vhp", &self.f, &inputs);
            let first = grad_of(&[Some(out.clone())], None, &inputs, true)?;
            let vh = grad_of(&first, Some(&self.v), &inputs, cg)?;
            Ok((finish(out, cg), zeros_for_none(vh, &inputs, cg)))
        })
    }
}
