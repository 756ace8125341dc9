//! A static body as a graph of tensor ops (single assignment: one node per op application),
//! with every non-tensor value it reads evaluated once, up front, into a hygienic local.
//!
//! The non-tensor values (`2.0`, `scale * 0.5`, a dim, `&[2, 3]`) depend on no tensor, so they
//! are computed in the prologue, in statement order, interleaved with the user's own
//! non-tensor `let`s (re-emitted verbatim, so a later `let` shadowing a name cannot change
//! what an earlier expression read). The backward closure captures the locals by value: a
//! scalar parameter gets no gradient, as a Python float in PyTorch.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Ident, Path};

use crate::analyze::{Kind, StaticBody, TExpr};
use crate::ops::{ArgKind, Layout, OpClass, Reduction, TensorOp};
use crate::parse::Function;
use crate::scalar::rules::UnaryFn;
use crate::scalar::BinaryOp;

pub type NodeId = usize;

/// An operand of an elementwise operator.
#[derive(Clone, Debug)]
pub enum Operand {
    Node(NodeId),
    /// A scalar, as the `f64` local holding it.
    Scalar(Ident),
}

impl Operand {
    pub fn node(&self) -> Option<NodeId> {
        match self {
            Operand::Node(n) => Some(*n),
            Operand::Scalar(_) => None,
        }
    }
}

/// One op application. `op` is the row of the op table it came from (for its method name).
#[derive(Clone, Debug)]
pub enum Node {
    /// The `index`-th tensor parameter.
    Input {
        index: usize,
    },
    /// `a op b`, at least one operand a tensor.
    Binary(BinaryOp, Operand, Operand),
    /// `-x`, `x.exp()`, ...: `op` is `None` for the `-` operator (which calls `neg`).
    Unary(UnaryFn, NodeId, Option<&'static TensorOp>),
    /// `x.pow(p)`, `p` an `f64` local.
    Pow(NodeId, Ident),
    /// `sum`, `mean`, `norm`, `sum_dim(dim, keepdim)`, `mean_dim(dim, keepdim)`; `args` are
    /// the locals of the arguments.
    Reduce(Reduction, NodeId, Vec<Ident>, &'static TensorOp),
    MatMul(NodeId, NodeId),
    /// `t`, `transpose(d0, d1)`, `reshape(shape)`, `unsqueeze(d)`, `squeeze(d)`.
    Layout(Layout, NodeId, Vec<Ident>, &'static TensorOp),
}

impl Node {
    /// The tensor operands, in order (a node may read one tensor twice: `x * x`).
    pub fn operands(&self) -> Vec<NodeId> {
        match self {
            Node::Input { .. } => Vec::new(),
            Node::Binary(_, a, b) => a.node().into_iter().chain(b.node()).collect(),
            Node::Unary(_, a, _)
            | Node::Pow(a, _)
            | Node::Reduce(_, a, ..)
            | Node::Layout(_, a, ..) => vec![*a],
            Node::MatMul(a, b) => vec![*a, *b],
        }
    }

    /// Whether the node fuses into an elementwise chain.
    pub fn is_elementwise(&self) -> bool {
        matches!(self, Node::Binary(..) | Node::Unary(..) | Node::Pow(..))
    }

    /// `Some` for the reductions that may end a fused chain.
    pub fn chain_end(&self) -> Option<Reduction> {
        match self {
            Node::Reduce(r @ (Reduction::Sum | Reduction::Mean), ..) => Some(*r),
            _ => None,
        }
    }
}

/// The lowered body.
pub struct Graph {
    /// Non-tensor statements, in order: the user's non-tensor `let`s and the value locals.
    pub prologue: Vec<TokenStream>,
    /// In evaluation order (every operand before its users); the inputs first.
    pub nodes: Vec<Node>,
    /// The tensor parameters, as written, in order (node `i` is parameter `i`).
    pub params: Vec<Ident>,
    /// The result: one node per returned tensor.
    pub outputs: Vec<NodeId>,
}

pub fn lower(func: &Function, body: &StaticBody, krate: &Path) -> Graph {
    let mut lowering = Lowering {
        krate,
        prologue: Vec::new(),
        nodes: Vec::new(),
        env: Vec::new(),
        locals: 0,
    };
    let mut params = Vec::new();
    for param in func.params.iter().filter(|p| p.class.is_tensor()) {
        let id = lowering.push(Node::Input {
            index: params.len(),
        });
        lowering.env.push((param.ident.clone(), id));
        params.push(param.ident.clone());
    }
    for binding in &body.lets {
        if let TExpr::Value(_, tokens) = &binding.value {
            let pat = &binding.pat;
            lowering.prologue.push(quote!(let #pat = #tokens;));
        } else {
            let id = lowering.tensor(&binding.value);
            lowering.env.push((binding.name.clone(), id));
        }
    }
    let outputs = body.result.iter().map(|e| lowering.tensor(e)).collect();
    Graph {
        prologue: lowering.prologue,
        nodes: lowering.nodes,
        params,
        outputs,
    }
}

/// A generated local's name, hygienic (it can neither capture nor shadow a user's name).
pub fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// The name of node `n`'s value in the generated code (a `Tensor`).
pub fn value(n: NodeId) -> Ident {
    format_ident!("__v{}", n, span = Span::mixed_site())
}

/// The name of node `n`'s adjoint (an `Option<Tensor>`: `None` until something flows in).
pub fn adjoint(n: NodeId) -> Ident {
    format_ident!("__a{}", n, span = Span::mixed_site())
}

/// The name of the flag saying whether node `n` leads to an input that needs a gradient.
pub fn requires(n: NodeId) -> Ident {
    format_ident!("__r{}", n, span = Span::mixed_site())
}

/// The name of node `n`'s saved shape (a `Vec<usize>`).
pub fn shape(n: NodeId) -> Ident {
    format_ident!("__sh{}", n, span = Span::mixed_site())
}

/// The name of node `n`'s saved value (a `SavedTensor`).
pub fn saved(n: NodeId) -> Ident {
    format_ident!("__sv{}", n, span = Span::mixed_site())
}

struct Lowering<'a> {
    krate: &'a Path,
    prologue: Vec<TokenStream>,
    nodes: Vec<Node>,
    /// Tensor names in scope (later ones shadow earlier ones).
    env: Vec<(Ident, NodeId)>,
    locals: usize,
}

impl Lowering<'_> {
    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// A tensor expression's node.
    ///
    /// PRECONDITION (the analysis guarantees it): `expr` is a tensor expression whose names
    /// are all in scope. A violation lowers to node 0, the first input, rather than panicking
    /// in a user's build.
    fn tensor(&mut self, expr: &TExpr) -> NodeId {
        match expr {
            TExpr::Tensor(name) => self
                .env
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or(0, |(_, id)| *id),
            TExpr::Value(..) => 0,
            TExpr::Neg(inner) => {
                let a = self.tensor(inner);
                self.push(Node::Unary(UnaryFn::Neg, a, None))
            }
            TExpr::Binary(op, a, b) => {
                let a = self.operand(a);
                let b = self.operand(b);
                self.push(Node::Binary(*op, a, b))
            }
            TExpr::Method { op, receiver, args } => {
                let x = self.tensor(receiver);
                let node = match op.class {
                    OpClass::Elementwise(f) => Node::Unary(f, x, Some(*op)),
                    OpClass::Pow => Node::Pow(x, self.arg(args, 0, ArgKind::Scalar)),
                    OpClass::Reduction(r) => Node::Reduce(r, x, self.args(op, args), op),
                    OpClass::MatMul => {
                        let b = args.first().map_or(0, |b| self.tensor(b));
                        Node::MatMul(x, b)
                    }
                    OpClass::Layout(l) => Node::Layout(l, x, self.args(op, args), op),
                    OpClass::Identity => return x,
                };
                self.push(node)
            }
        }
    }

    fn operand(&mut self, expr: &TExpr) -> Operand {
        match expr {
            TExpr::Value(Kind::Scalar, tokens) => {
                let krate = self.krate;
                Operand::Scalar(self.local(
                    quote!(f64),
                    quote!(#krate::__private::scalar_to_f64(#tokens)),
                ))
            }
            tensor => Operand::Node(self.tensor(tensor)),
        }
    }

    fn args(&mut self, op: &TensorOp, args: &[TExpr]) -> Vec<Ident> {
        (0..op.args.len())
            .map(|i| self.arg(args, i, op.args[i]))
            .collect()
    }

    /// A non-tensor argument, evaluated into a local of the type the method takes.
    fn arg(&mut self, args: &[TExpr], i: usize, kind: ArgKind) -> Ident {
        let tokens = match args.get(i) {
            Some(TExpr::Value(_, tokens)) => tokens.clone(),
            _ => quote!(::core::default::Default::default()),
        };
        match kind {
            ArgKind::Scalar => self.local(quote!(f64), tokens),
            ArgKind::Bool => self.local(quote!(bool), tokens),
            ArgKind::Shape => self.local(
                quote!(::std::vec::Vec<usize>),
                quote!(<[usize]>::to_vec(#tokens)),
            ),
            // A dim keeps the integer type the user's call would infer (`impl Dim`).
            ArgKind::Dim | ArgKind::Tensor => self.local(TokenStream::new(), tokens),
        }
    }

    /// `let __kN: ty = value;` in the prologue.
    fn local(&mut self, ty: TokenStream, value: TokenStream) -> Ident {
        let name = format_ident!("__k{}", self.locals, span = Span::mixed_site());
        self.locals += 1;
        let ty = (!ty.is_empty()).then(|| quote!(: #ty));
        self.prologue.push(quote!(let #name #ty = #value;));
        name
    }
}
