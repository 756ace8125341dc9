//! Each node's adjoint in tensor ops, with PyTorch's rules (the ones the runtime's own nodes
//! apply, so the static and dynamic gradients agree): given the node's incoming gradient `g`,
//! the contribution to each operand that leads to an input needing a gradient, reduced to the
//! operand's shape when it was broadcast, added to the operand's adjoint.
//!
//! The code reads values (`__vN`) and shapes through a [`Scope`], so the same text serves the
//! backward from saved values and the recomputing one of `create_graph`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Ident, Path};

use super::graph::{adjoint, local, requires, shape, value, Graph, Node, NodeId, Operand};
use crate::ops::{Layout, Reduction};
use crate::scalar::rules::UnaryFn;
use crate::scalar::BinaryOp;

/// Where the adjoint code finds shapes, and which backward it is part of.
pub struct Scope<'a> {
    /// Nodes whose shape was saved alone (`__shN`); every other node's value is in scope.
    pub shape_only: &'a BTreeSet<NodeId>,
    /// The backward under `create_graph` (its adjoints must be differentiable themselves).
    pub create_graph: bool,
}

impl Scope<'_> {
    fn shape(&self, n: NodeId) -> TokenStream {
        if self.shape_only.contains(&n) {
            let name = shape(n);
            quote!(&#name[..])
        } else {
            let name = value(n);
            quote!(#name.shape())
        }
    }
}

/// Expands to:
/// ```text
/// if let Some(__g) = __a3.take() {
///     if __r1 { accumulate(&mut __a1, __g.mul(&__v2).sum_to_size(__v1.shape())); }
///     if __r2 { accumulate(&mut __a2, __g.mul(&__v1).sum_to_size(__v2.shape())); }
/// }
/// ```
pub fn adjoint_code(graph: &Graph, n: NodeId, scope: &Scope, krate: &Path) -> TokenStream {
    let g = local("__g");
    let add = |m: NodeId, contribution: TokenStream| {
        let (flag, adj) = (requires(m), adjoint(m));
        quote! {
            if #flag {
                #krate::__private::accumulate(&mut #adj, #contribution);
            }
        }
    };
    let body = match &graph.nodes[n] {
        Node::Input { .. } => return TokenStream::new(),
        Node::Binary(op, Operand::Node(a), Operand::Node(b)) => {
            let (va, vb) = (value(*a), value(*b));
            let (sa, sb) = (scope.shape(*a), scope.shape(*b));
            let [ca, cb] = match op {
                // d(a + b) = da + db
                BinaryOp::Add => [quote!(#g.clone()), quote!(#g.clone())],
                // d(a - b) = da - db
                BinaryOp::Sub => [quote!(#g.clone()), quote!(#g.neg())],
                // d(a b) = b da + a db
                BinaryOp::Mul => [quote!(#g.mul(&#vb)), quote!(#g.mul(&#va))],
                // d(a / b) = da / b - a db / b^2
                BinaryOp::Div => [
                    quote!(#g.div(&#vb)),
                    quote!(#g.neg().mul(&#va).div(&#vb.mul(&#vb))),
                ],
            };
            let (ca, cb) = (
                add(*a, quote!(#ca.sum_to_size(#sa))),
                add(*b, quote!(#cb.sum_to_size(#sb))),
            );
            quote!(#ca #cb)
        }
        Node::Binary(op, Operand::Node(a), Operand::Scalar(s)) => {
            let c = match op {
                BinaryOp::Add | BinaryOp::Sub => quote!(#g.clone()),
                BinaryOp::Mul => quote!(#g.mul_scalar(#s)),
                BinaryOp::Div => quote!(#g.div_scalar(#s)),
            };
            add(*a, c)
        }
        Node::Binary(op, Operand::Scalar(s), Operand::Node(a)) => {
            let va = value(*a);
            let c = match op {
                BinaryOp::Add => quote!(#g.clone()),
                BinaryOp::Sub => quote!(#g.neg()),
                BinaryOp::Mul => quote!(#g.mul_scalar(#s)),
                // d(s / a) = -s da / a^2
                BinaryOp::Div => quote!(#g.mul_scalar(#s).neg().div(&#va.mul(&#va))),
            };
            add(*a, c)
        }
        Node::Binary(_, Operand::Scalar(_), Operand::Scalar(_)) => TokenStream::new(),
        Node::Unary(f, a, _) => add(*a, unary(*f, &g, &value(*a), &value(n), scope, krate)),
        Node::Pow(a, p) => {
            let va = value(*a);
            // d x^p = p x^(p-1), 0 when p = 0
            add(
                *a,
                quote! {
                    if #p == 0.0 {
                        #g.zeros_like()
                    } else {
                        #g.mul(&#va.pow(#p - 1.0).mul_scalar(#p))
                    }
                },
            )
        }
        Node::Reduce(r, a, args, _) => {
            let (va, sa, vn) = (value(*a), scope.shape(*a), value(n));
            let c = match r {
                Reduction::Sum => quote!(#g.expand(#sa)),
                Reduction::Mean => quote!(#krate::__private::mean_backward(&#g, #sa)),
                Reduction::Norm => quote!(#krate::__private::norm_backward(&#g, &#va, &#vn)),
                Reduction::SumDim => {
                    quote!(#krate::__private::sum_dim_backward(&#g, #sa, #(#args),*))
                }
                Reduction::MeanDim => {
                    quote!(#krate::__private::mean_dim_backward(&#g, #sa, #(#args),*))
                }
            };
            add(*a, c)
        }
        Node::MatMul(a, b) => {
            let (va, vb, ra, rb) = (value(*a), value(*b), requires(*a), requires(*b));
            let (ga, gb) = (local("__ga"), local("__gb"));
            let (add_a, add_b) = (add(*a, quote!(#ga)), add(*b, quote!(#gb)));
            quote! {
                let [#ga, #gb] = #krate::__private::matmul_backward(&#g, &#va, &#vb, [#ra, #rb]);
                if let ::core::option::Option::Some(#ga) = #ga { #add_a }
                if let ::core::option::Option::Some(#gb) = #gb { #add_b }
            }
        }
        Node::Layout(l, a, args, _) => {
            let c = match l {
                Layout::T => quote!(#g.t()),
                Layout::Transpose => quote!(#g.transpose(#(#args),*)),
                Layout::Reshape | Layout::Unsqueeze | Layout::Squeeze => {
                    let sa = scope.shape(*a);
                    quote!(#g.reshape(#sa))
                }
            };
            add(*a, c)
        }
    };
    let adj = adjoint(n);
    quote! {
        if let ::core::option::Option::Some(#g) = #adj.take() {
            #body
        }
    }
}

/// The contribution of `y = f(x)` to `x`'s adjoint, in the runtime's own formulas.
fn unary(f: UnaryFn, g: &Ident, x: &Ident, y: &Ident, scope: &Scope, krate: &Path) -> TokenStream {
    match f {
        UnaryFn::Neg => quote!(#g.neg()),
        // Not recorded: the one-pass kernels of the tape's own rules.
        UnaryFn::Exp if !scope.create_graph => quote!(#krate::__private::exp_backward(&#g, &#y)),
        UnaryFn::Ln if !scope.create_graph => quote!(#krate::__private::ln_backward(&#g, &#x)),
        UnaryFn::Sin if !scope.create_graph => quote!(#krate::__private::sin_backward(&#g, &#x)),
        UnaryFn::Cos if !scope.create_graph => quote!(#krate::__private::cos_backward(&#g, &#x)),
        UnaryFn::Tanh if !scope.create_graph => {
            quote!(#krate::__private::tanh_backward(&#g, &#y))
        }
        UnaryFn::Sigmoid if !scope.create_graph => {
            quote!(#krate::__private::sigmoid_backward(&#g, &#y))
        }
        // d e^x = e^x = y
        UnaryFn::Exp => quote!(#g.mul(&#y)),
        // d ln x = 1 / x
        UnaryFn::Ln => quote!(#g.div(&#x)),
        // d sqrt(x) = 1 / (2 y)
        UnaryFn::Sqrt => quote!(#g.div(&#y.mul_scalar(2.0))),
        UnaryFn::Sin => quote!(#g.mul(&#x.cos())),
        UnaryFn::Cos => quote!(#g.mul(&#x.sin().neg())),
        // d tanh(x) = 1 - y^2
        UnaryFn::Tanh => quote!(#g.mul(&#y.mul(&#y).rsub_scalar(1.0))),
        // d sigmoid(x) = y (1 - y)
        UnaryFn::Sigmoid => quote!(#g.mul(&#y.mul(&#y.rsub_scalar(1.0)))),
        // d |x| = sign(x), 0 at 0
        UnaryFn::Abs => quote!(#g.mul(&#x.sign())),
        // d relu(x) = 0 where relu(x) <= 0, else 1 (0 at 0, the gradient passes at NaN), as
        // the runtime's ReluBackward0; under create_graph recorded as PyTorch's
        // ThresholdBackwardBackward0, so a second derivative through the mask is 0
        UnaryFn::Relu if scope.create_graph => {
            quote!(#krate::__private::relu_backward_recorded(&#g, &#x))
        }
        UnaryFn::Relu => quote!(#krate::__private::relu_backward(&#g, &#x)),
    }
}
