//! The backward closure of the static node: which inputs need a gradient, then one of two
//! branches (from the saved values, or recomputing under `create_graph`), each running the
//! adjoints in reverse order and returning one gradient per tensor parameter.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use syn::Ident;

use super::adjoint::{adjoint_code, Scope};
use super::forward::forward_lets;
use super::graph::{adjoint, local, requires, saved, value, NodeId};
use super::plan::{Chain, Unit};
use super::{fused, inner, kept, Gen};

impl Gen<'_> {
    /// The backward closure's body.
    pub(super) fn backward(&self) -> TokenStream {
        let ctx = local("__ctx");
        let live: Vec<NodeId> = (self.graph.params.len()..self.graph.nodes.len())
            .filter(|&n| self.plan.live[n])
            .collect();
        let input_flags = self.inputs().map(|i| {
            let (r, index) = (requires(i), Literal::usize_unsuffixed(i));
            quote!(let #r: bool = #ctx.needs_input_grad(#index);)
        });
        let flags = live.iter().map(|&n| {
            let operands = self.graph.nodes[n].operands();
            let ors = operands.iter().map(|&a| requires(a));
            let r = requires(n);
            quote!(let #r: bool = false #(|| #ors)*;)
        });
        let create_graph = self.recompute_backward(&live);
        let from_saved = self.saved_backward();
        // Expands to:
        //     let __r0: bool = __ctx.needs_input_grad(0);       // per input
        //     let __r1: bool = false || __r0;                   // per node: leads to one?
        //     if __ctx.create_graph() { ...recompute, recorded adjoints... }
        //     else { ...saved values, fused loops... }
        quote! {
            #(#input_flags)*
            #(#flags)*
            if #ctx.create_graph() {
                #create_graph
            } else {
                #from_saved
            }
        }
    }

    /// Declares the adjoints of `nodes` and seeds the outputs' with the incoming gradients.
    fn adjoint_decls(&self, nodes: impl Iterator<Item = NodeId>) -> TokenStream {
        let (krate, tensor) = (self.krate, &self.tensor);
        let grads = local("__grads");
        let decls = nodes.map(|n| {
            let a = adjoint(n);
            quote!(let mut #a: ::core::option::Option<#tensor> = ::core::option::Option::None;)
        });
        let recorded = self.recorded();
        let seeds = recorded.iter().enumerate().map(|(k, &o)| {
            let (a, k) = (adjoint(o), Literal::usize_unsuffixed(k));
            quote!(#krate::__private::accumulate(&mut #a, #grads[#k].clone());)
        });
        quote!(#(#decls)* #(#seeds)*)
    }

    fn gradients(&self) -> TokenStream {
        let adjoints = self.inputs().map(adjoint);
        let krate = &self.krate;
        quote!(::core::result::Result::Ok(
            <#krate::__private::InputGrads as ::core::iter::FromIterator<_>>::from_iter([#(#adjoints),*])
        ))
    }

    /// Under `create_graph`: the forward again, recorded, and every adjoint as recorded ops.
    fn recompute_backward(&self, live: &[NodeId]) -> TokenStream {
        let ctx = local("__ctx");
        let tensor = &self.tensor;
        let inputs = self.inputs().filter(|&i| self.plan.read[i]).map(|i| {
            let (v, k) = (value(i), kept(i));
            quote!(let #v: #tensor = #k.get(#ctx)?;)
        });
        let forward = forward_lets(self.graph, live, tensor);
        let decls = self.adjoint_decls(self.inputs().chain(live.iter().copied()));
        let none = Default::default();
        let scope = Scope {
            shape_only: &none,
            create_graph: true,
        };
        let adjoints = live
            .iter()
            .rev()
            .map(|&n| adjoint_code(self.graph, n, &scope, self.krate));
        let gradients = self.gradients();
        quote! {
            #(#inputs)*
            #forward
            #decls
            #(#adjoints)*
            #gradients
        }
    }

    /// The usual backward: saved values, each chain by its loop (or op by op), in reverse.
    fn saved_backward(&self) -> TokenStream {
        let (ctx, tensor) = (local("__ctx"), &self.tensor);
        let restore = self.plan.saved_values.iter().map(|&n| {
            let (v, s) = (value(n), saved(n));
            quote!(let #v: #tensor = #s.get(#ctx)?;)
        });
        let top: Vec<NodeId> = self
            .plan
            .units
            .iter()
            .map(|u| match u {
                Unit::Single(n) => *n,
                Unit::Chain(c) => c.root,
            })
            .filter(|&n| self.plan.live[n])
            .collect();
        let decls = self.adjoint_decls(self.inputs().chain(top.iter().copied()));
        let scope = Scope {
            shape_only: &self.plan.saved_shapes,
            create_graph: false,
        };
        let units = self.plan.units.iter().rev().map(|unit| match unit {
            Unit::Single(n) if self.plan.live[*n] => {
                adjoint_code(self.graph, *n, &scope, self.krate)
            }
            Unit::Chain(chain) if self.plan.live[chain.root] => self.chain_backward(chain),
            _ => TokenStream::new(),
        });
        let gradients = self.gradients();
        quote! {
            #(#restore)*
            #decls
            #(#units)*
            #gradients
        }
    }

    /// A chain's backward: its loop when it ran fused, else its members' adjoints.
    ///
    /// Expands to:
    /// ```text
    /// if let Some(__g) = __a4.take() {
    ///     match &__inner4 {
    ///         None => { ...fused_backward... }
    ///         Some((__t0,)) => {
    ///             let __v1 = __t0.get(__ctx)?;
    ///             let mut __a4 = Some(__g); let mut __a1 = None;
    ///             ...each member's adjoint, root first...
    ///         }
    ///     }
    /// }
    /// ```
    fn chain_backward(&self, chain: &Chain) -> TokenStream {
        let (ctx, tensor, g) = (local("__ctx"), &self.tensor, local("__g"));
        let inner = inner(chain);
        let fused = fused::backward(self.graph, chain, self.krate);
        let ts: Vec<Ident> = (0..chain.fallback_saves.len())
            .map(|j| local(&format!("__t{j}")))
            .collect();
        let restore = chain.fallback_saves.iter().zip(&ts).map(|(&n, t)| {
            let v = value(n);
            quote!(let #v: #tensor = #t.get(#ctx)?;)
        });
        let members = chain
            .members
            .iter()
            .filter(|&&m| m != chain.root)
            .map(|&m| {
                let a = adjoint(m);
                quote!(let mut #a: ::core::option::Option<#tensor> = ::core::option::Option::None;)
            });
        let none = Default::default();
        let scope = Scope {
            shape_only: &none,
            create_graph: false,
        };
        let adjoints = chain
            .members
            .iter()
            .rev()
            .map(|&m| adjoint_code(self.graph, m, &scope, self.krate));
        let root = adjoint(chain.root);
        quote! {
            if let ::core::option::Option::Some(#g) = #root.take() {
                match &#inner {
                    ::core::option::Option::None => {
                        #fused
                    }
                    ::core::option::Option::Some((#(#ts,)*)) => {
                        #(#restore)*
                        let mut #root: ::core::option::Option<#tensor> =
                            ::core::option::Option::Some(#g);
                        #(#members)*
                        #(#adjoints)*
                    }
                }
            }
        }
    }
}
