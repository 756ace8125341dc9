//! A chain's loops: its members become a program of the scalar adjoint engine (the same one
//! behind plain-number functions) over one element of each leaf, emitted once per dtype as
//! the closures that `__private::fused_forward` and `fused_backward` run over the buffers.

use std::collections::HashMap;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::{Ident, Path};

use super::graph::{adjoint, local, requires, value, Graph, Node, NodeId, Operand};
use super::plan::Chain;
use crate::ops::Reduction;
use crate::scalar::ir::{self, Op, Program, Stmt, VarId, VarTy};
use crate::scalar::rules::Math;
use crate::scalar::Emitter;
use crate::types::FloatTy;

/// The chain's value by one loop (an expression).
///
/// Expands to:
/// ```text
/// {
///     let __value_f32 = |[__e0]: [f32; 1]| -> f32 { let __x_0: f32 = __e0; ...; __t_3 };
///     let __value_f64 = |[__e0]: [f64; 1]| -> f64 { ... };
///     fused_forward([&__v0], Reduce::Sum, __value_f32, __value_f64)
/// }
/// ```
pub fn forward(graph: &Graph, chain: &Chain, krate: &Path) -> TokenStream {
    let closures = [FloatTy::F32, FloatTy::F64].map(|float| {
        let (prog, elems) = program(graph, chain, float, krate);
        let emitter = Emitter::new(&prog);
        let (body, result) = (emitter.forward(), emitter.value());
        let k = Literal::usize_unsuffixed(elems.len());
        quote!(|[#(#elems),*]: [#float; #k]| -> #float { #body #result })
    });
    let [value_f32, value_f64] = closures;
    let (f32_name, f64_name) = (local("__value_f32"), local("__value_f64"));
    let leaves = chain.leaves.iter().map(|&l| value(l));
    let reduce = reduce(chain, krate);
    quote! {{
        #[allow(unused_mut, unused_variables, unused_parens, clippy::all)]
        let #f32_name = #value_f32;
        #[allow(unused_mut, unused_variables, unused_parens, clippy::all)]
        let #f64_name = #value_f64;
        #krate::__private::fused_forward([#(&#leaves),*], #reduce, #f32_name, #f64_name)
    }}
}

/// The chain's backward by one loop (statements), given its root's gradient `__g`: every
/// leaf that needs it gets its contribution, no intermediate tensor is created.
///
/// Expands to:
/// ```text
/// let __grad_f32 = |[__e0]: [f32; 1], __seed: f32| -> [f32; 1] {
///     ...forward...; let mut __x_0_adj: f32 = 0.0; ...; __t_3_adj += __seed; ...; [__x_0_adj]
/// };
/// let __grad_f64 = ...;
/// let [__c0] = fused_backward([&__v0], Reduce::Sum, &__g, [__r0], __grad_f32, __grad_f64);
/// if let Some(__c0) = __c0 { accumulate(&mut __a0, __c0); }
/// ```
pub fn backward(graph: &Graph, chain: &Chain, krate: &Path) -> TokenStream {
    let seed = local("__seed");
    let closures = [FloatTy::F32, FloatTy::F64].map(|float| {
        let (prog, elems) = program(graph, chain, float, krate);
        let emitter = Emitter::new(&prog);
        let body = emitter.forward();
        let reverse = emitter.reverse(&quote!(#seed));
        let adjoints = prog.inputs.iter().map(|&input| emitter.adjoint(input));
        let k = Literal::usize_unsuffixed(elems.len());
        quote! {
            |[#(#elems),*]: [#float; #k], #seed: #float| -> [#float; #k] {
                #body
                #reverse
                [#(#adjoints),*]
            }
        }
    });
    let [grad_f32, grad_f64] = closures;
    let (f32_name, f64_name) = (local("__grad_f32"), local("__grad_f64"));
    let leaves = chain.leaves.iter().map(|&l| value(l));
    let flags = chain.leaves.iter().map(|&l| requires(l));
    let contributions: Vec<Ident> = (0..chain.leaves.len())
        .map(|j| local(&format!("__c{j}")))
        .collect();
    let adds = chain.leaves.iter().zip(&contributions).map(|(&l, c)| {
        let adj = adjoint(l);
        quote! {
            if let ::core::option::Option::Some(#c) = #c {
                #krate::__private::accumulate(&mut #adj, #c);
            }
        }
    });
    let reduce = reduce(chain, krate);
    let g = local("__g");
    quote! {
        #[allow(unused_mut, unused_variables, unused_parens, unused_assignments, clippy::all)]
        let #f32_name = #grad_f32;
        #[allow(unused_mut, unused_variables, unused_parens, unused_assignments, clippy::all)]
        let #f64_name = #grad_f64;
        let [#(#contributions),*] = #krate::__private::fused_backward(
            [#(&#leaves),*], #reduce, &#g, [#(#flags),*], #f32_name, #f64_name,
        );
        #(#adds)*
    }
}

fn reduce(chain: &Chain, krate: &Path) -> TokenStream {
    let variant = match chain.end {
        Some(Reduction::Sum) => quote!(Sum),
        Some(Reduction::Mean) => quote!(Mean),
        _ => quote!(Elementwise),
    };
    quote!(#krate::__private::Reduce::#variant)
}

/// The chain as a scalar program over one element of each leaf (`__e0`, `__e1`, ...), with
/// the fused loops' math library.
fn program(graph: &Graph, chain: &Chain, float: FloatTy, krate: &Path) -> (Program, Vec<Ident>) {
    let mut prog = Program::new(float);
    prog.math = Math::Kernel(quote!(<#float as #krate::__private::FusedMath>));
    let mut vars: HashMap<NodeId, VarId> = HashMap::new();
    let mut elems = Vec::new();
    for (j, &leaf) in chain.leaves.iter().enumerate() {
        let elem = local(&format!("__e{j}"));
        vars.insert(leaf, prog.input(quote!(#elem), "x", VarTy::Scalar));
        elems.push(elem);
    }
    let scalar = |s: &Ident| ir::Operand::Const(quote!(#s as #float));
    let var = |vars: &HashMap<NodeId, VarId>, n: &NodeId| match vars.get(n) {
        Some(v) => ir::Operand::Var(*v),
        // Unreachable: every operand is a leaf or an earlier member.
        None => ir::Operand::Const(quote!(0.0)),
    };
    let mut output = None;
    for &m in &chain.members {
        let op = match &graph.nodes[m] {
            Node::Binary(op, a, b) => {
                let operand = |o: &Operand| match o {
                    Operand::Node(n) => var(&vars, n),
                    Operand::Scalar(s) => scalar(s),
                };
                Op::Binary(*op, operand(a), operand(b))
            }
            Node::Unary(f, a, _) => Op::Unary(*f, var(&vars, a)),
            Node::Pow(a, p) => Op::Powf(var(&vars, a), scalar(p)),
            // The chain's reduction: the loop sums its operand's value.
            Node::Reduce(_, a, ..) => {
                output = Some(var(&vars, a));
                continue;
            }
            Node::Input { .. } | Node::MatMul(..) | Node::Layout(..) => continue,
        };
        let dst = prog.temp("t");
        prog.body.push(Stmt::Def { dst, op });
        vars.insert(m, dst);
        output = Some(ir::Operand::Var(dst));
    }
    prog.output = output.unwrap_or_else(|| ir::Operand::Const(quote!(0.0)));
    (prog, elems)
}
