//! The forward of one node in tensor ops: exactly the runtime call the user's expression makes
//! (`x * 2.0` is `mul_scalar`, `2.0 / x` is `rdiv_scalar`, ...), so the static path computes
//! the same values as the tape. The same code serves the forward (with recording off) and the
//! backward's recomputation under `create_graph` (with recording on).

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use super::graph::{value, Graph, Node, NodeId, Operand};
use crate::ops::operator_methods;

/// The expression computing node `n` from its operands' values (`__vN`) and argument locals.
pub fn forward_expr(graph: &Graph, n: NodeId) -> TokenStream {
    match &graph.nodes[n] {
        Node::Input { index } => {
            let param = graph.params.get(*index);
            quote!(#param.clone())
        }
        Node::Binary(op, a, b) => {
            let [tensor, tensor_scalar, scalar_tensor] = operator_methods(*op);
            match (a, b) {
                (Operand::Node(a), Operand::Node(b)) => {
                    let (a, b, method) = (value(*a), value(*b), ident(tensor));
                    // Expands to: __v1.mul(&__v2)
                    quote!(#a.#method(&#b))
                }
                (Operand::Node(a), Operand::Scalar(s)) => {
                    let (a, method) = (value(*a), ident(tensor_scalar));
                    // Expands to: __v1.mul_scalar(__k0)
                    quote!(#a.#method(#s))
                }
                (Operand::Scalar(s), Operand::Node(a)) => {
                    let (a, method) = (value(*a), ident(scalar_tensor));
                    // Expands to: __v1.rsub_scalar(__k0)
                    quote!(#a.#method(#s))
                }
                // Not produced by the lowering (the analysis folds scalar-only arithmetic).
                (Operand::Scalar(a), Operand::Scalar(_)) => quote!(#a),
            }
        }
        Node::Unary(_, a, op) => {
            let a = value(*a);
            let method = ident(op.map_or("neg", |op| op.name));
            quote!(#a.#method())
        }
        Node::Pow(a, p) => {
            let a = value(*a);
            quote!(#a.pow(#p))
        }
        Node::Reduce(_, a, args, op) | Node::Layout(_, a, args, op) => {
            let a = value(*a);
            let method = ident(op.name);
            // A shape argument is a `Vec<usize>` local, passed as `&[usize]`.
            let args = args.iter().zip(op.args).map(|(arg, kind)| match kind {
                crate::ops::ArgKind::Shape => quote!(&#arg),
                _ => quote!(#arg),
            });
            // Expands to: __v3.sum_dim(__k1, __k2)
            quote!(#a.#method(#(#args),*))
        }
        Node::MatMul(a, b) => {
            let (a, b) = (value(*a), value(*b));
            quote!(#a.matmul(&#b))
        }
    }
}

/// `let __vN: Tensor = <forward of N>;` for each node in `nodes`.
pub fn forward_lets(graph: &Graph, nodes: &[NodeId], tensor: &TokenStream) -> TokenStream {
    nodes
        .iter()
        .map(|&n| {
            let (name, expr) = (value(n), forward_expr(graph, n));
            quote!(let #name: #tensor = #expr;)
        })
        .collect()
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}
