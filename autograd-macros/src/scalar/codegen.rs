//! Forward and reverse code for a [`Program`].

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::Ident;

use crate::scalar::ir::{Loop, Op, Operand, Program, Stmt, VarId, VarTy};
use crate::scalar::rules::{
    extremum_adjoints, extremum_forward, powf_adjoints, powf_forward, powi_adjoint, powi_forward,
};

/// Emits the code of one program.
pub struct Emitter<'p> {
    prog: &'p Program,
}

impl<'p> Emitter<'p> {
    pub fn new(prog: &'p Program) -> Self {
        Emitter { prog }
    }

    /// The forward code: a `let` per input and per value, a tape per loop.
    pub fn forward(&self) -> TokenStream {
        let inputs = self
            .prog
            .inputs
            .iter()
            .zip(self.prog.sources())
            .map(|(input, source)| {
                let info = self.prog.var(*input);
                let (name, ty) = (&info.name, self.type_of(*input));
                // Expands to: let __x_0: f64 = x;
                quote!(let #name: #ty = #source;)
            });
        let body = self.forward_block(&self.prog.body);
        quote!(#(#inputs)* #body)
    }

    fn type_of(&self, var: VarId) -> TokenStream {
        match &self.prog.var(var).ty {
            VarTy::Scalar => self.prog.float.to_token_stream(),
            VarTy::Array(array) => array.ty.to_token_stream(),
        }
    }

    /// The output value (an expression valid after [`Emitter::forward`]).
    pub fn value(&self) -> TokenStream {
        self.operand(&self.prog.output)
    }

    /// The reverse code: declares a zero adjoint for every input and value, adds `seed` to
    /// the output's adjoint, and runs every statement's adjoint in reverse order.
    ///
    /// PRECONDITION: emitted after [`Emitter::forward`], in the same scope (it reads the
    /// forward values and pops the loops' tapes).
    /// POSTCONDITION: [`Emitter::adjoint`] of each input holds `seed * d output / d input`.
    pub fn reverse(&self, seed: &TokenStream) -> TokenStream {
        let inputs = self.prog.inputs.iter().map(|v| self.declare_adjoint(*v));
        let values = self.declare_adjoints(&self.prog.body);
        let seed = self.accumulate(&self.prog.output, seed);
        let body = self.reverse_block(&self.prog.body);
        // Expands to:
        //     let mut __adj_x: f64 = 0.0;            // one per input and value
        //     __adj_out += 1.0;                      // the seed
        //     __adj_a += __adj_out * __b; ...        // the adjoints, last statement first
        quote! {
            #(#inputs)*
            #values
            #seed
            #body
        }
    }

    /// The name holding the adjoint of `var` after [`Emitter::reverse`].
    pub fn adjoint(&self, var: VarId) -> &Ident {
        &self.prog.var(var).adjoint
    }

    fn name(&self, var: VarId) -> &Ident {
        &self.prog.var(var).name
    }

    fn operand(&self, operand: &Operand) -> TokenStream {
        match operand {
            Operand::Var(var) => self.name(*var).to_token_stream(),
            Operand::Const(tokens) => quote!((#tokens)),
        }
    }

    // ---- forward ----

    fn forward_block(&self, stmts: &[Stmt]) -> TokenStream {
        stmts.iter().map(|stmt| self.forward_stmt(stmt)).collect()
    }

    fn forward_stmt(&self, stmt: &Stmt) -> TokenStream {
        match stmt {
            Stmt::Def { dst, op } => {
                let info = self.prog.var(*dst);
                let name = &info.name;
                let mutability = info.mutable.then(|| quote!(mut));
                let float = self.prog.float;
                let value = self.formula(op);
                // Expands to: let __t3: f64 = __x0 * __y1;
                quote!(let #mutability #name: #float = #value;)
            }
            Stmt::Verbatim(tokens) => tokens.clone(),
            Stmt::Loop(lp) => self.forward_loop(lp),
        }
    }

    fn formula(&self, op: &Op) -> TokenStream {
        match op {
            Op::Copy(a) => self.operand(a),
            Op::Unary(f, a) => f.forward(&self.operand(a), &self.prog.math),
            Op::Binary(op, a, b) => op.forward(&self.operand(a), &self.operand(b)),
            Op::Powi(a, n) => powi_forward(&self.operand(a), &quote!((#n))),
            Op::Powf(a, b) => powf_forward(&self.operand(a), &self.operand(b), &self.prog.math),
            Op::Min(a, b) => extremum_forward(false, &self.operand(a), &self.operand(b)),
            Op::Max(a, b) => extremum_forward(true, &self.operand(a), &self.operand(b)),
            Op::Index { array, index } => {
                let array = self.name(*array);
                quote!(#array[#index])
            }
        }
    }

    fn forward_loop(&self, lp: &Loop) -> TokenStream {
        let Loop {
            var, iter, tape, ..
        } = lp;
        let pat = var
            .as_ref()
            .map_or_else(|| quote!(_), ToTokens::to_token_stream);
        let saved = self.saved(lp);
        let float = self.prog.float;
        let entries = lp.carried.iter().map(|c| {
            let (entry, slot) = (self.name(c.entry), self.name(c.slot));
            quote!(let #entry: #float = #slot;)
        });
        let exits = lp.carried.iter().map(|c| {
            let (slot, exit) = (self.name(c.slot), self.operand(&c.exit));
            quote!(#slot = #exit;)
        });
        let body = self.forward_block(&lp.body);
        // Expands to:
        //     let mut __tape1 = Vec::new();
        //     for i in 0..n {
        //         let __s_in: f64 = __s;             // entry value of each carried variable
        //         __tape1.push((i, __s_in));
        //         ...body...
        //         __s = __s_out;                     // exit value
        //     }
        quote! {
            let mut #tape = ::std::vec::Vec::new();
            for #pat in #iter {
                #(#entries)*
                #tape.push(#saved);
                #body
                #(#exits)*
            }
        }
    }

    /// The tuple a loop saves per iteration: the loop variable and the carried entry values.
    fn saved(&self, lp: &Loop) -> TokenStream {
        let var = lp.var.iter();
        let entries = lp.carried.iter().map(|c| self.name(c.entry));
        quote!((#(#var,)* #(#entries,)*))
    }

    // ---- reverse ----

    fn declare_adjoint(&self, var: VarId) -> TokenStream {
        let info = self.prog.var(var);
        let adjoint = &info.adjoint;
        match &info.ty {
            VarTy::Scalar => {
                let float = self.prog.float;
                quote!(let mut #adjoint: #float = 0.0;)
            }
            VarTy::Array(array) => {
                let ty = &array.ty;
                quote!(let mut #adjoint: #ty = <#ty>::zeros();)
            }
        }
    }

    /// Zero adjoints for the values a block defines at its own level (a loop body's values
    /// are declared inside the reverse loop, once per iteration).
    fn declare_adjoints(&self, stmts: &[Stmt]) -> TokenStream {
        stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Def { dst, .. } => Some(self.declare_adjoint(*dst)),
                _ => None,
            })
            .collect()
    }

    fn accumulate(&self, operand: &Operand, contribution: &TokenStream) -> TokenStream {
        match operand {
            Operand::Var(var) => {
                let adjoint = self.adjoint(*var);
                quote!(#adjoint += #contribution;)
            }
            // A constant's adjoint is not needed.
            Operand::Const(_) => TokenStream::new(),
        }
    }

    fn reverse_block(&self, stmts: &[Stmt]) -> TokenStream {
        stmts
            .iter()
            .rev()
            .map(|stmt| self.reverse_stmt(stmt))
            .collect()
    }

    fn reverse_stmt(&self, stmt: &Stmt) -> TokenStream {
        match stmt {
            Stmt::Def { dst, op } => self.reverse_def(*dst, op),
            Stmt::Verbatim(_) => TokenStream::new(),
            Stmt::Loop(lp) => self.reverse_loop(lp),
        }
    }

    fn reverse_def(&self, dst: VarId, op: &Op) -> TokenStream {
        let y = self.name(dst).to_token_stream();
        let ybar = self.adjoint(dst).to_token_stream();
        let pair = |a: &Operand, b: &Operand, [ca, cb]: [TokenStream; 2]| {
            let (a, b) = (self.accumulate(a, &ca), self.accumulate(b, &cb));
            quote!(#a #b)
        };
        match op {
            Op::Copy(a) => self.accumulate(a, &ybar),
            Op::Unary(f, a) => {
                let contribution = f.adjoint(&self.operand(a), &y, &ybar, &self.prog.math);
                self.accumulate(a, &contribution)
            }
            Op::Binary(op, a, b) => {
                pair(a, b, op.adjoints(&self.operand(a), &self.operand(b), &ybar))
            }
            Op::Powi(a, n) => {
                let contribution =
                    powi_adjoint(&self.operand(a), &quote!((#n)), &ybar, self.prog.float);
                self.accumulate(a, &contribution)
            }
            Op::Powf(a, b) => pair(
                a,
                b,
                powf_adjoints(
                    &self.operand(a),
                    &self.operand(b),
                    &y,
                    &ybar,
                    &self.prog.math,
                ),
            ),
            Op::Min(a, b) => pair(
                a,
                b,
                extremum_adjoints(false, &self.operand(a), &self.operand(b), &ybar),
            ),
            Op::Max(a, b) => pair(
                a,
                b,
                extremum_adjoints(true, &self.operand(a), &self.operand(b), &ybar),
            ),
            Op::Index { array, index } => {
                let adjoint = self.adjoint(*array);
                // Expands to: __adj_v[i] += __adj_t;
                quote!(#adjoint[#index] += #ybar;)
            }
        }
    }

    fn reverse_loop(&self, lp: &Loop) -> TokenStream {
        let tape = &lp.tape;
        let saved = self.saved(lp);
        let recompute = self.forward_block(&lp.body);
        let entries = lp.carried.iter().map(|c| self.declare_adjoint(c.entry));
        let values = self.declare_adjoints(&lp.body);
        let exits = lp.carried.iter().map(|c| {
            let slot = self.adjoint(c.slot).to_token_stream();
            self.accumulate(&c.exit, &slot)
        });
        let body = self.reverse_block(&lp.body);
        let restore = lp.carried.iter().map(|c| {
            let (slot, entry) = (self.adjoint(c.slot), self.adjoint(c.entry));
            quote!(#slot = #entry;)
        });
        // Expands to:
        //     while let Some((i, __s_in)) = __tape1.pop() {
        //         ...body, recomputed from the saved entry values...
        //         let mut __adj_s_in: f64 = 0.0;     // and the body's values' adjoints
        //         __adj_s_out += __adj_s;            // the slot's adjoint flows to the exit value
        //         ...the body's adjoints, in reverse...
        //         __adj_s = __adj_s_in;              // and back to the previous iteration
        //     }
        quote! {
            while let ::std::option::Option::Some(#saved) = #tape.pop() {
                #recompute
                #(#entries)*
                #values
                #(#exits)*
                #body
                #(#restore)*
            }
        }
    }
}
