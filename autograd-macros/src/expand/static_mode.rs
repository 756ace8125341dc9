//! The static expansion: the forward runs with recording off, and ONE graph node named after
//! the function (`fn two_layer_loss` records `TwoLayerLossBackward`) holds the generated
//! backward (DESIGN.md, "Static expansion").
//!
//! The pipeline: [`graph::lower`] (the body as single-assignment tensor ops), [`plan::plan`]
//! (fused chains, liveness, what to save), then the code: [`forward`] (each op as the
//! runtime call the user wrote), [`fused`] (a chain's two loops, through the scalar engine)
//! and [`adjoint`] (each op's adjoint in tensor ops). The backward has two branches:
//! - usually, from the saved values: each chain by its fused loop (or op by op if it ran
//!   that way), every other node by its adjoint, in reverse order;
//! - under `create_graph`, the forward is recomputed from the inputs with recording on and
//!   every adjoint runs as recorded tensor ops, so a second derivative sees through it.

mod adjoint;
mod backward;
mod forward;
mod fused;
mod graph;
mod plan;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Path};

use self::forward::forward_lets;
use self::graph::{local, saved, shape, value, Graph, NodeId};
use self::plan::{Chain, Plan, Unit};
use crate::analyze::StaticBody;
use crate::attr::Args;
use crate::parse::{FnKind, Function};
use crate::types::ReturnTy;

pub fn expand(args: &Args, func: &Function, body: &StaticBody) -> TokenStream {
    let krate = &args.krate;
    let graph = graph::lower(func, body, krate);
    let plan = plan::plan(&graph);
    let gen = Gen {
        graph: &graph,
        plan: &plan,
        krate,
        tensor: quote!(#krate::Tensor),
        tuple: matches!(func.kind, FnKind::Tensor(ReturnTy::TensorTuple(_))),
    };
    let item = &func.item;
    let (attrs, vis, sig) = (&item.attrs, &item.vis, &item.sig);
    let body = gen.body(&node_name(&sig.ident));
    quote! {
        #(#attrs)*
        #vis #sig {
            #body
        }
    }
}

/// `two_layer_loss` -> `TwoLayerLossBackward`.
pub fn node_name(ident: &Ident) -> String {
    let name = ident.to_string();
    let mut out = String::new();
    for part in name.trim_start_matches("r#").split('_') {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out + "Backward"
}

struct Gen<'a> {
    graph: &'a Graph,
    plan: &'a Plan,
    krate: &'a Path,
    tensor: TokenStream,
    tuple: bool,
}

impl Gen<'_> {
    fn inputs(&self) -> std::ops::Range<NodeId> {
        0..self.graph.params.len()
    }

    /// The function's new body.
    fn body(&self, name: &str) -> TokenStream {
        let (krate, tensor) = (self.krate, &self.tensor);
        let inputs: Vec<NodeId> = self.inputs().collect();
        let input_lets = forward_lets(self.graph, &inputs, tensor);
        // Only inputs a computed result depends on decide whether to record (as on the tape,
        // where an unused input, or one returned as it is, leaves no trace on the results).
        let values: Vec<Ident> = inputs
            .iter()
            .filter(|&&i| self.plan.read[i])
            .map(|&i| value(i))
            .collect();
        let prologue = &self.graph.prologue;
        let units = self.plan.units.iter().map(|unit| self.unit_forward(unit));
        let (record, guard) = (local("__record"), local("__guard"));
        let plain = self.result(value);
        let recording = self.recording(name);
        // Expands to:
        //     let __v0: Tensor = x.clone();                  // each tensor parameter
        //     let __record: bool = needs_grad(&[&__v0]);
        //     let __guard = NoGradGuard::new();
        //     let __k0: f64 = scalar_to_f64(2.0);            // every non-tensor value, once
        //     let __v1: Tensor = __v0.add_scalar(__k0); ...  // the ops, or a chain's loop
        //     drop(__guard);
        //     if !__record { return __v3.clone(); }
        //     ...save, build the backward, record ONE node...
        quote! {
            #input_lets
            let #record: bool = #krate::__private::needs_grad(&[#(&#values),*]);
            let #guard = #krate::__private::NoGradGuard::new();
            #(#prologue)*
            #(#units)*
            ::core::mem::drop(#guard);
            if !#record {
                return #plain;
            }
            #recording
        }
    }

    /// The returned value, `name_of` giving each output node's local: moved at its last use,
    /// cloned before (a tuple may return one value twice).
    fn result(&self, name_of: impl Fn(NodeId) -> Ident) -> TokenStream {
        let outputs = &self.graph.outputs;
        let elems = outputs.iter().enumerate().map(|(i, &n)| {
            let name = name_of(n);
            if outputs[i + 1..].contains(&n) {
                quote!(#name.clone())
            } else {
                quote!(#name)
            }
        });
        if self.tuple {
            quote!((#(#elems,)*))
        } else {
            quote!(#(#elems)*)
        }
    }

    fn unit_forward(&self, unit: &Unit) -> TokenStream {
        match unit {
            Unit::Single(n) => forward_lets(self.graph, &[*n], &self.tensor),
            Unit::Chain(chain) => {
                let krate = self.krate;
                let root = value(chain.root);
                let inner = inner(chain);
                let leaves = chain.leaves.iter().map(|&l| value(l));
                let fused = fused::forward(self.graph, chain, krate);
                let ops = forward_lets(self.graph, &chain.members, &self.tensor);
                let kept = chain.fallback_saves.iter().map(|&n| value(n));
                let kept_name = local("__kept");
                // Expands to:
                //     let (__v4, __inner4) = if fusable(&[&__v0]) {
                //         (fused_forward(..), None)
                //     } else {
                //         let __v1 = ..; let __v4 = ..;              // op by op
                //         let __kept = Some((__v1.clone(),));        // what its adjoints read
                //         (__v4, __kept)
                //     };
                quote! {
                    let (#root, #inner) = if #krate::__private::fusable(&[#(&#leaves),*]) {
                        (#fused, ::core::option::Option::None)
                    } else {
                        #ops
                        let #kept_name = ::core::option::Option::Some((#(#kept.clone(),)*));
                        (#root, #kept_name)
                    };
                }
            }
        }
    }

    /// Saving, the backward closure and the node.
    fn recording(&self, name: &str) -> TokenStream {
        let (krate, tensor) = (self.krate, &self.tensor);
        let p = quote!(#krate::__private);
        let recorded = self.recorded();
        let outs: Vec<Ident> = (0..recorded.len())
            .map(|k| local(&format!("__out{k}")))
            .collect();
        // A parameter returned as it is (`x.clone()`) is the same tensor, as on the tape.
        let result = self.result(|n| match recorded.iter().position(|&r| r == n) {
            Some(k) => outs[k].clone(),
            None => value(n),
        });
        if recorded.is_empty() {
            return result;
        }
        let inputs: Vec<Ident> = self.inputs().map(value).collect();
        let kept_lets = self.inputs().filter(|&i| self.plan.read[i]).map(|i| {
            let (k, v) = (kept(i), value(i));
            quote!(let #k = #p::Kept::new(&#v);)
        });
        let saved_lets = self.plan.saved_values.iter().map(|&n| {
            let (s, v) = (saved(n), value(n));
            quote!(let #s = #p::SavedTensor::new(&#v);)
        });
        let shape_lets = self.plan.saved_shapes.iter().map(|&n| {
            let (s, v) = (shape(n), value(n));
            quote!(let #s: ::std::vec::Vec<usize> = #v.shape().to_vec();)
        });
        let inner_lets = self.live_chains().map(|chain| {
            let inner = inner(chain);
            let ts: Vec<Ident> = (0..chain.fallback_saves.len())
                .map(|j| local(&format!("__t{j}")))
                .collect();
            quote! {
                let #inner = #inner.map(|(#(#ts,)*)| (#(#p::SavedTensor::new(&#ts),)*));
            }
        });
        // Kept inputs do not count: a node that saves nothing may run its backward again.
        let saves = !self.plan.saved_values.is_empty()
            || self.live_chains().any(|c| !c.fallback_saves.is_empty());
        let backward = self.backward();
        let rec_values = recorded.iter().map(|&n| value(n));
        let (bw, ctx, grads) = (local("__backward"), local("__ctx"), local("__grads"));
        // Expands to:
        //     let __kept0 = Kept::new(&__v0);                    // for create_graph
        //     let __sv0 = SavedTensor::new(&__v0);               // what the adjoints read
        //     let __backward: BackwardFn = Box::new(move |__ctx, __grads| { ... });
        //     let [__out0] = record_outputs("OutBackward", &[&__v0], [__v3], __backward, true);
        //     __out0.clone()
        quote! {
            #(#kept_lets)*
            #(#saved_lets)*
            #(#shape_lets)*
            #(#inner_lets)*
            #[allow(unused_mut, unused_variables, unused_parens, clippy::all)]
            let #bw: #p::BackwardFn = ::std::boxed::Box::new(
                move |#ctx: &#p::BackwardCtx<'_>, #grads: &[#tensor]|
                      -> ::core::result::Result<#p::InputGrads, #p::AutogradError> {
                    #backward
                },
            );
            let [#(#outs),*] =
                #p::record_outputs(#name, &[#(&#inputs),*], [#(#rec_values),*], #bw, #saves);
            #result
        }
    }

    /// The outputs of the node: the returned values, once each, except parameters returned
    /// as they are.
    fn recorded(&self) -> Vec<NodeId> {
        let mut recorded: Vec<NodeId> = Vec::new();
        for &o in &self.graph.outputs {
            if o >= self.graph.params.len() && !recorded.contains(&o) {
                recorded.push(o);
            }
        }
        recorded
    }

    fn live_chains(&self) -> impl Iterator<Item = &Chain> {
        self.plan.units.iter().filter_map(|u| match u {
            Unit::Chain(c) if self.plan.live[c.root] => Some(c),
            _ => None,
        })
    }
}

/// The local holding a chain's op-by-op values (`None` when it ran fused).
fn inner(chain: &Chain) -> Ident {
    format_ident!(
        "__inner{}",
        chain.root,
        span = proc_macro2::Span::mixed_site()
    )
}

/// The local keeping input `i` for `create_graph`.
fn kept(i: NodeId) -> Ident {
    format_ident!("__kept{}", i, span = proc_macro2::Span::mixed_site())
}

#[cfg(test)]
mod tests;
