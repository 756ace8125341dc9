//! Inputs built from the macro's grammar: attribute arguments, and functions whose
//! signatures and bodies mostly follow what the macro accepts (tensor functions over the op
//! table, plain-number functions over floats and nalgebra arrays) with every construct it
//! must reject or send to the tape mixed in. Everything is built as source text, so a
//! failing case prints as code that reproduces it.

mod exprs;
mod signature;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

/// What a name in scope holds.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Tensor,
    /// `f32`/`f64`.
    Float,
    Int,
    Bool,
    /// `&[2, 3]`.
    Shape,
    /// A nalgebra fixed-size array.
    Array {
        rows: usize,
        cols: usize,
    },
    /// Anything else (a pattern's bindings, a loop variable, an unsupported type).
    Other,
}

/// The generator: a random source and the names in scope.
pub struct Gen<'r> {
    rng: &'r mut StdRng,
    env: Vec<(String, Kind)>,
    /// The float type of a plain-number function.
    float: &'static str,
    fresh: usize,
}

/// `#[differentiable(attr)] item`, as source text.
pub fn case(rng: &mut StdRng) -> (String, String) {
    let mut g = Gen {
        rng,
        env: Vec::new(),
        float: "f64",
        fresh: 0,
    };
    let attr = g.attr();
    let item = match g.below(100) {
        0..=54 => g.tensor_fn(),
        55..=93 => g.plain_fn(),
        _ => g.other_item(),
    };
    (attr, item)
}

impl Gen<'_> {
    fn below(&mut self, n: u32) -> u32 {
        self.rng.random_range(0..n)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *items.choose(self.rng).expect("a non-empty choice")
    }

    /// A name in scope of `kind` (the latest one of a name wins, as in Rust).
    fn var(&mut self, kind: Kind) -> Option<String> {
        let names: Vec<&String> = self
            .env
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(n, _)| n)
            .collect();
        names.choose(self.rng).map(|n| n.to_string())
    }

    /// An array in scope, with its dimensions.
    fn array(&mut self) -> Option<(String, usize, usize)> {
        let arrays: Vec<(String, usize, usize)> = self
            .env
            .iter()
            .filter_map(|(n, k)| match k {
                Kind::Array { rows, cols } => Some((n.clone(), *rows, *cols)),
                _ => None,
            })
            .collect();
        arrays.choose(self.rng).cloned()
    }

    /// A new name, or (sometimes) one in scope, to shadow it.
    fn binding_name(&mut self) -> String {
        if !self.env.is_empty() && self.chance(0.15) {
            let k = self.below(self.env.len() as u32) as usize;
            return self.env[k].0.clone();
        }
        self.fresh += 1;
        let stem = self.pick(&["a", "h", "z", "loss", "tmp", "r#in", "_q", "acc", "__v0"]);
        format!("{stem}{}", self.fresh)
    }

    fn bind(&mut self, name: &str, kind: Kind) {
        self.env.push((name.to_string(), kind));
    }

    /// `#[differentiable] fn f(x: &Tensor, ...) -> Tensor { ... }`.
    fn tensor_fn(&mut self) -> String {
        let (attrs, qualifiers, generics) = self.preamble();
        let name = self.fn_name();
        let params = self.params(true);
        let (ret, arity) = match self.below(100) {
            0..=64 => (" -> Tensor", 1),
            65..=74 => (" -> (Tensor, Tensor)", 2),
            75..=77 => (" -> (Tensor,)", 1),
            78..=80 => (" -> (Tensor, Tensor, Tensor)", 3),
            81..=83 => (" -> autograd::Tensor", 1),
            84..=86 => (" -> f64", 1),
            87..=88 => (" -> ()", 1),
            89..=91 => ("", 1),
            92 => (" -> (Tensor, f64)", 2),
            93 => (" -> Vec<Tensor>", 1),
            94 => (" -> impl Into<Tensor>", 1),
            95 => (" -> Result<Tensor, String>", 1),
            _ => (" -> (Tensor)", 1),
        };
        let mut body = Vec::new();
        for _ in 0..self.below(5) {
            body.push(self.tensor_stmt());
        }
        body.push(self.tensor_tail(arity));
        let body = body.join("\n    ");
        format!("{attrs}{qualifiers} fn {name}{generics}({params}){ret} {{\n    {body}\n}}")
    }

    fn tensor_stmt(&mut self) -> String {
        match self.below(100) {
            0..=64 => {
                let value = self.tensor(2);
                let name = self.binding_name();
                let mutable = if self.chance(0.05) { "mut " } else { "" };
                let ty = if self.chance(0.05) { ": Tensor" } else { "" };
                self.bind(&name, Kind::Tensor);
                format!("let {mutable}{name}{ty} = {value};")
            }
            65..=72 => {
                let value = self.scalar(2);
                let name = self.binding_name();
                let ty = self.pick(&["", "", ": f64", ": f32"]);
                self.bind(&name, Kind::Float);
                format!("let {name}{ty} = {value};")
            }
            73..=75 => {
                let (name, value) = (self.binding_name(), self.shape());
                self.bind(&name, Kind::Shape);
                format!("let {name} = {value};")
            }
            76..=78 => {
                let (name, value) = (self.binding_name(), self.dim());
                self.bind(&name, Kind::Int);
                format!("let {name} = {value};")
            }
            79..=89 => {
                let value = self.tensor(2);
                let name = self.binding_name();
                self.bind(&name, Kind::Tensor);
                format!("let {name} = {value};")
            }
            _ => self.odd_stmt(),
        }
    }

    /// A statement that is never static: mutation, loops, branches, macros, items.
    fn odd_stmt(&mut self) -> String {
        let e = self.tensor(2);
        let var = self.var(Kind::Tensor).unwrap_or_else(|| "x0".into());
        match self.below(14) {
            0 => format!("let mut {var} = {e};\n    {var} = {var} * 2.0;"),
            1 => format!("{var} += &{e};"),
            2 => format!("for i in 0..3 {{ let _ = {e}; }}"),
            3 => format!("while {var}.norm().item() < 1.0 {{ {var} = {e}; }}"),
            4 => format!("if {var}.numel() > 1 {{ return {e}; }}"),
            5 => format!("{e};"),
            6 => format!("println!(\"{{:?}}\", {e});"),
            7 => "fn inner(t: &Tensor) -> Tensor { t.exp() }".into(),
            8 => format!("let (p, q) = ({e}, {var}.clone());"),
            9 => format!("let Some(z) = Some({e}) else {{ panic!() }};"),
            10 => "let uninit;".into(),
            11 => format!("return {e};"),
            12 => format!("let f = |t: &Tensor| t.sin(); let {var} = f(&{e});"),
            _ => format!("{var}.backward();"),
        }
    }

    fn tensor_tail(&mut self, arity: usize) -> String {
        match self.below(100) {
            0..=84 if arity == 1 => self.tensor(3),
            0..=84 => {
                let elems: Vec<String> = (0..arity).map(|_| self.tensor(2)).collect();
                format!("({})", elems.join(", "))
            }
            85..=87 => format!("({}, {})", self.tensor(2), self.tensor(2)),
            88..=89 => self.scalar(1),
            90..=91 => format!("return {};", self.tensor(2)),
            92..=93 => format!("{};", self.tensor(2)),
            94 => String::new(),
            95 => "todo!()".into(),
            96 => format!("({},)", self.tensor(2)),
            _ => format!("{{ {} }}", self.tensor(2)),
        }
    }

    /// `#[differentiable] fn f(x: f64, ...) -> f64 { ... }`.
    fn plain_fn(&mut self) -> String {
        self.float = if self.chance(0.8) { "f64" } else { "f32" };
        let (attrs, qualifiers, generics) = self.preamble();
        let name = self.fn_name();
        let params = self.params(false);
        let ret = match self.below(100) {
            0..=86 => format!(" -> {}", self.float),
            87..=89 => " -> f32".into(),
            90..=91 => String::new(),
            92..=93 => " -> ()".into(),
            94..=95 => format!(" -> ({0}, {0})", self.float),
            96 => " -> Tensor".into(),
            97 => format!(" -> SVector<{}, 3>", self.float),
            _ => " -> i32".into(),
        };
        let mut body = Vec::new();
        for _ in 0..self.below(6) {
            body.push(self.plain_stmt(1));
        }
        body.push(match self.below(100) {
            0..=89 => self.float_expr(4),
            90..=92 => format!("return {};", self.float_expr(2)),
            93..=94 => format!("{};", self.float_expr(2)),
            95 => String::new(),
            96 => self.pick(&["x0 = 1.0", "for i in 0..2 {}"]).into(),
            _ => format!("if x0 > 0.0 {{ {} }} else {{ 0.0 }}", self.float_expr(2)),
        });
        let body = body.join("\n    ");
        format!("{attrs}{qualifiers} fn {name}{generics}({params}){ret} {{\n    {body}\n}}")
    }

    fn plain_stmt(&mut self, depth: u32) -> String {
        let float = self.float;
        match self.below(100) {
            0..=54 => {
                let value = self.float_expr(3);
                let name = self.binding_name();
                let ty = match self.below(10) {
                    0 => format!(": {float}"),
                    1 => ": f32".into(),
                    _ => String::new(),
                };
                self.bind(&name, Kind::Float);
                format!("let {name}{ty} = {value};")
            }
            55..=69 => {
                let Some(var) = self.var(Kind::Float) else {
                    return "let k = 2;".into();
                };
                let op = self.pick(&["=", "+=", "-=", "*=", "/=", "%=", "^="]);
                format!("{var} {op} {};", self.float_expr(2))
            }
            70..=81 if depth > 0 => {
                let range = match self.below(10) {
                    0..=5 => "0..3".to_string(),
                    6 => "(0..4).rev()".into(),
                    7 => "0..=2".into(),
                    8 => format!("0..{}", self.var(Kind::Int).unwrap_or_else(|| "5".into())),
                    _ => format!("0..({} as usize)", self.float_expr(1)),
                };
                let var = self.pick(&["i", "_", "k", "(i, j)"]);
                if var != "_" {
                    self.bind(var, Kind::Other);
                }
                let inner: Vec<String> = (0..1 + self.below(3))
                    .map(|_| self.plain_stmt(depth - 1))
                    .collect();
                format!("for {var} in {range} {{ {} }}", inner.join(" "))
            }
            82..=93 => {
                let name = self.binding_name();
                self.bind(&name, Kind::Int);
                format!("let {name}: i32 = {};", self.pick(&["2", "-1", "i32::MAX"]))
            }
            _ => {
                let e = self.float_expr(2);
                match self.below(8) {
                    0 => format!("while x0 < 1.0 {{ x0 = {e}; }}"),
                    1 => format!("if x0 > 0.0 {{ return {e}; }}"),
                    2 => format!("{e};"),
                    3 => format!("assert!({e} > 0.0);"),
                    4 => format!("let (p, q) = ({e}, 1.0);"),
                    5 => format!("let mut acc = vec![{e}];"),
                    6 => "const K: f64 = 2.0;".into(),
                    _ => format!("let r = loop {{ break {e}; }};"),
                }
            }
        }
    }
}
