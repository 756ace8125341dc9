//! Signatures: the attribute's arguments, outer attributes and qualifiers, parameters,
//! and items that are not functions.

use super::{Gen, Kind};

impl Gen<'_> {
    /// The tokens inside `#[differentiable(...)]`.
    pub(super) fn attr(&mut self) -> String {
        if self.chance(0.6) {
            return String::new();
        }
        let parts = if self.chance(0.7) {
            1
        } else {
            2 + self.below(2)
        };
        let mut args: Vec<String> = Vec::new();
        for _ in 0..parts {
            let arg = match self.below(26) {
                0..=8 => "static",
                9..=12 => "dynamic",
                13..=14 => "crate = ::autograd",
                15 => "crate = \"my_autograd\"",
                16..=18 => "crate = my::ad",
                19 => self.pick(&["fast", "fast = 1", "Static", "unroll = \"yes\""]),
                20 => self.pick(&["static = true", "dynamic(1)", "crate", "crate ="]),
                21 => self.pick(&["crate = 1", "crate = \"not a path\"", "crate = \"\""]),
                22 => self.pick(&["= =", ",", "1 + 2", "(static)", "#", "'a", "self"]),
                23 => self.pick(&["crate = ::a::<T>", "crate = super", "static dynamic"]),
                _ => self.pick(&["r#static", "crate = r#fn", "crate = \"a::b\", static"]),
            };
            args.push(arg.to_string());
        }
        let mut attr = args.join(", ");
        if self.chance(0.05) {
            attr.push(',');
        }
        attr
    }

    /// Outer attributes, qualifiers and generics: mostly none.
    pub(super) fn preamble(&mut self) -> (String, String, String) {
        let mut attrs = String::new();
        if self.chance(0.1) {
            attrs = self
                .pick(&[
                    "/// Documented.\n",
                    "#[inline]\n",
                    "#[cfg(test)]\n",
                    "#[allow(unused)] #[must_use]\n",
                    "#[differentiable]\n",
                    "#[doc = \"x\"] #[cfg_attr(test, inline)]\n",
                ])
                .to_string();
        }
        let qualifiers = match self.below(80) {
            0..=3 => "pub",
            4 => "pub(crate)",
            5 => "async",
            6 => "const",
            7 => "unsafe",
            8 => "extern \"C\"",
            9 => "pub const unsafe",
            _ => "",
        };
        let generics = match self.below(80) {
            0..=1 => "<'a>",
            2 => "<T>",
            3 => "<const N: usize>",
            4 => "<T: Copy>",
            5 => "<'a, T>",
            _ => "",
        };
        (attrs, qualifiers.to_string(), generics.to_string())
    }

    /// A parameter: `(source, name bound, kind)`.
    fn param(&mut self, tensor_fn: bool, index: usize) -> (String, Option<(String, Kind)>) {
        let name = self.pick(&["x", "w", "v", "b", "s", "input", "r#in", "m"]);
        let name = format!("{name}{index}");
        let roll = if tensor_fn && index == 0 && self.chance(0.9) {
            self.below(60)
        } else {
            self.below(100)
        };
        let (ty, kind) = match (tensor_fn, roll) {
            (true, 0..=44) => ("&Tensor", Kind::Tensor),
            (true, 45..=59) => ("Tensor", Kind::Tensor),
            (true, 60..=62) => ("autograd::Tensor", Kind::Tensor),
            (true, 63..=70) => ("f64", Kind::Float),
            (true, 71..=75) => ("f32", Kind::Float),
            (true, 76..=79) => ("i64", Kind::Int),
            (true, 80..=83) => ("usize", Kind::Int),
            (true, 84..=88) => ("bool", Kind::Bool),
            (true, 89..=91) => ("SVector<f64, 3>", Kind::Other),
            (false, 0..=69) => (self.float, Kind::Float),
            (false, 70..=76) => ("SVector<FLOAT, 3>", Kind::Array { rows: 3, cols: 1 }),
            (false, 77..=81) => ("SMatrix<FLOAT, 2, 2>", Kind::Array { rows: 2, cols: 2 }),
            (false, 82..=85) => ("Vector3<FLOAT>", Kind::Array { rows: 3, cols: 1 }),
            (false, 86..=87) => ("Matrix2x3<FLOAT>", Kind::Array { rows: 2, cols: 3 }),
            (false, 88..=89) => ("nalgebra::Vector2<FLOAT>", Kind::Array { rows: 2, cols: 1 }),
            (false, 90..=91) => ("i32", Kind::Int),
            (false, 92) => ("f32", Kind::Float),
            (false, 93) => ("f64", Kind::Float),
            _ => {
                return match self.below(16) {
                    0 if index == 0 => ("self".into(), None),
                    1 if index == 0 => ("&self".into(), None),
                    2 if index == 0 => ("mut self: Box<Self>".into(), None),
                    3 => (format!("(a{index}, b{index}): (Tensor, Tensor)"), None),
                    4 => (format!("mut {name}: Tensor"), Some((name, Kind::Tensor))),
                    5 => ("_: f64".into(), None),
                    6 => (format!("ref {name}: f64"), None),
                    7 => (format!("{name}: &mut Tensor"), Some((name, Kind::Other))),
                    8 => (format!("{name}: T"), Some((name, Kind::Other))),
                    9 => (format!("{name}: &f64"), Some((name, Kind::Other))),
                    10 => (format!("{name}: impl Fn(f64) -> f64"), None),
                    11 => (format!("{name}: SVector<f64, N>"), None),
                    12 => (format!("{name}: SMatrix<f32, 0, 2>"), None),
                    13 => (format!("{name}: Vec<Tensor>"), Some((name, Kind::Other))),
                    14 => (format!("{name}: (Tensor)"), Some((name, Kind::Tensor))),
                    _ => (format!("{name}: Option<f64>"), Some((name, Kind::Other))),
                };
            }
        };
        let ty = ty.replace("FLOAT", self.float);
        (format!("{name}: {ty}"), Some((name, kind)))
    }

    pub(super) fn params(&mut self, tensor_fn: bool) -> String {
        let count = if self.chance(0.03) {
            0
        } else {
            1 + self.below(4) as usize
        };
        let mut sources = Vec::new();
        for index in 0..count {
            let (source, binding) = self.param(tensor_fn, index);
            sources.push(source);
            if let Some((name, kind)) = binding {
                self.bind(&name, kind);
            }
        }
        let mut params = sources.join(", ");
        if self.chance(0.05) {
            params.push(',');
        }
        params
    }

    pub(super) fn fn_name(&mut self) -> String {
        let name = self.pick(&[
            "f",
            "loss",
            "two_layer_loss",
            "r#match",
            "Energy",
            "_f",
            "f2",
        ]);
        name.to_string()
    }

    /// Something that is not a function, or barely one.
    pub(super) fn other_item(&mut self) -> String {
        self.pick(&[
            "struct Point { x: f64 }",
            "enum E { A, B(f64) }",
            "const C: f64 = 1.0;",
            "static S: f64 = 1.0;",
            "impl S { fn f(&self, x: f64) -> f64 { x } }",
            "trait T { fn f(x: f64) -> f64; }",
            "mod m { pub fn f(x: f64) -> f64 { x } }",
            "type T = f64;",
            "use autograd::Tensor;",
            "fn f(x: f64) -> f64;",
            "macro_rules! m { () => {} }",
            "extern \"C\" { fn f(x: f64) -> f64; }",
            "union U { a: f64, b: u64 }",
            "",
            "fn",
            "1 + 2",
            "fn f(x: f64) -> f64 { x } fn g(x: f64) -> f64 { x }",
            "f64",
            "#[differentiable] fn f(x: f64) -> f64 { x }",
            "fn f(x: f64, ...) -> f64 { x }",
            "unsafe extern \"C\" fn f(x: f64, ...) -> f64 { x }",
            "fn f(x: f64) -> f64 where f64: Copy { x }",
            "fn f(x: f64) -> f64 { x } ;",
            "pub(in crate::a) fn f(x: &Tensor) -> Tensor { x.exp() }",
            "default fn f(x: f64) -> f64 { x }",
        ])
        .to_string()
    }
}
