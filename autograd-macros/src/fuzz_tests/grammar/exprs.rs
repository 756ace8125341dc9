//! Expressions: tensor expressions over the op table (`crate::ops::TENSOR_OPS`) and the
//! operators, the scalars, dims, flags and shapes they take, and plain-number expressions;
//! each with a small share of what the macro does not accept.

use super::{Gen, Kind};
use crate::ops::{ArgKind, TENSOR_OPS};

impl Gen<'_> {
    /// A tensor expression, at most `depth` levels deep.
    pub(super) fn tensor(&mut self, depth: u32) -> String {
        if depth == 0 || self.chance(0.25) {
            return self.tensor_leaf();
        }
        match self.below(100) {
            0..=41 => self.tensor_method(depth),
            42..=79 => {
                let op = self.pick(&["+", "-", "*", "/"]);
                let (a, b) = match self.below(4) {
                    0 | 1 => (self.tensor(depth - 1), self.tensor(depth - 1)),
                    2 => (self.tensor(depth - 1), self.scalar(1)),
                    _ => (self.scalar(1), self.tensor(depth - 1)),
                };
                let (a, b) = (self.wrap(a), self.wrap(b));
                format!("{a} {op} {b}")
            }
            80..=84 => {
                let a = self.tensor(depth - 1);
                format!("-{}", self.wrap(a))
            }
            85..=91 => {
                let a = self.tensor(depth - 1);
                match self.below(3) {
                    0 => format!("({a})"),
                    1 => format!("&({a})"),
                    _ => format!("({a}).clone()"),
                }
            }
            _ => self.odd_tensor(depth),
        }
    }

    /// Parentheses around a compound operand (mostly), so the tree is the one intended.
    fn wrap(&mut self, e: String) -> String {
        let simple = e.chars().all(|c| c.is_alphanumeric() || "_.#&".contains(c));
        if simple || self.chance(0.1) {
            e
        } else {
            format!("({e})")
        }
    }

    fn tensor_leaf(&mut self) -> String {
        let Some(name) = self.var(Kind::Tensor) else {
            return self.pick(&["Tensor::ones(&[2])", "x0", "undefined"]).into();
        };
        match self.below(10) {
            0..=5 => name,
            6..=7 => format!("&{name}"),
            8 => format!("{name}.clone()"),
            _ => format!("({name})"),
        }
    }

    /// A method of the op table with arguments of the right kinds (mostly).
    fn tensor_method(&mut self, depth: u32) -> String {
        let op = &TENSOR_OPS[self.below(TENSOR_OPS.len() as u32) as usize];
        let receiver = self.tensor(depth - 1);
        let receiver = self.wrap(receiver);
        let receiver = if receiver.starts_with('&') || receiver.starts_with('-') {
            format!("({receiver})")
        } else {
            receiver
        };
        let mut args: Vec<String> = op
            .args
            .iter()
            .map(|kind| match kind {
                ArgKind::Tensor => format!("&{}", self.tensor(depth - 1)),
                ArgKind::Scalar => self.scalar(1),
                ArgKind::Dim => self.dim(),
                ArgKind::Bool => self.boolean(),
                ArgKind::Shape => self.shape(),
            })
            .collect();
        match self.below(40) {
            0 => args.push(self.dim()),
            1 => {
                args.pop();
            }
            2 if !args.is_empty() => args[0] = self.pick(&["\"two\"", "x0", "'c'", "2.0"]).into(),
            _ => {}
        }
        format!("{receiver}.{}({})", op.name, args.join(", "))
    }

    /// A tensor expression the static path does not accept.
    fn odd_tensor(&mut self, depth: u32) -> String {
        let e = self.tensor(depth - 1);
        let leaf = self.tensor_leaf();
        match self.below(20) {
            0 => format!("if {leaf}.numel() > 2 {{ {e} }} else {{ {leaf}.clone() }}"),
            1 => format!("match {} {{ 0 => {e}, _ => {leaf}.exp() }}", self.dim()),
            2 => format!("(|t: &Tensor| t.tanh())(&{e})"),
            3 => format!("dbg!({e})"),
            4 => format!("helper(&{e})"),
            5 => format!("{}.atan2(&{e})", self.wrap(leaf)),
            6 => format!("{{ let q = {e}; q * 2.0 }}"),
            7 => format!("{}.data", self.wrap(e)),
            8 => format!("{}[0]", self.wrap(e)),
            9 => format!("{}?", self.wrap(e)),
            10 => format!("unsafe {{ {e} }}"),
            11 => format!("loop {{ break {e}; }}"),
            12 => format!("{} as Tensor", self.wrap(e)),
            13 => format!("{}.sum::<f64>()", self.wrap(e)),
            14 => format!("Tensor::exp(&{e})"),
            15 => format!("{}.pow({})", self.wrap(e), self.wrap(leaf)),
            16 => format!("{}.softmax({})", self.wrap(e), self.dim()),
            17 => format!("{} % 2.0", self.wrap(e)),
            18 => format!("!{}", self.wrap(e)),
            _ => format!(
                "{}.reshape(&[{}, {}])",
                self.wrap(e),
                self.dim(),
                self.scalar(0)
            ),
        }
    }

    /// A scalar of a tensor function: literals, float parameters and lets, constants.
    pub(super) fn scalar(&mut self, depth: u32) -> String {
        if depth > 0 && self.chance(0.2) {
            let (a, b) = (self.scalar(depth - 1), self.scalar(depth - 1));
            let op = self.pick(&["+", "-", "*", "/"]);
            return format!("({a} {op} {b})");
        }
        if self.chance(0.3) {
            if let Some(name) = self.var(Kind::Float) {
                return name;
            }
        }
        self.pick(&[
            "2.0",
            "0.5",
            "1e-3",
            "3.0f32",
            "1.5_f64",
            "0.0",
            "-1.0",
            "f64::MAX",
            "std::f64::consts::PI",
            "f32::EPSILON",
            "2",
            "1e308",
            "f64::NAN",
            "-(0.25)",
        ])
        .into()
    }

    /// A dim: an integer literal (negative too) or an integer parameter or `let`.
    pub(super) fn dim(&mut self) -> String {
        if self.chance(0.25) {
            if let Some(name) = self.var(Kind::Int) {
                return name;
            }
        }
        self.pick(&[
            "0",
            "1",
            "-1",
            "2",
            "0usize",
            "-2",
            "i64::MAX",
            "9223372036854775808",
            "(1)",
        ])
        .into()
    }

    pub(super) fn boolean(&mut self) -> String {
        if self.chance(0.25) {
            if let Some(name) = self.var(Kind::Bool) {
                return name;
            }
        }
        self.pick(&["true", "false", "!true"]).into()
    }

    pub(super) fn shape(&mut self) -> String {
        if self.chance(0.2) {
            if let Some(name) = self.var(Kind::Shape) {
                return name;
            }
        }
        let int = self.var(Kind::Int).unwrap_or_else(|| "3".into());
        match self.below(9) {
            0..=2 => "&[2, 3]".into(),
            3 => "&[6]".into(),
            4 => "&[-1, 2]".into(),
            5 => "&[]".into(),
            6 => format!("&[{int}, 2]"),
            7 => "&[2.0]".into(),
            _ => "&vec![2, 3]".into(),
        }
    }

    /// An expression of a plain-number function, at most `depth` levels deep.
    pub(super) fn float_expr(&mut self, depth: u32) -> String {
        if depth == 0 || self.chance(0.25) {
            return self.float_leaf();
        }
        let float = self.float;
        let a = self.float_expr(depth - 1);
        let a = self.wrap(a);
        match self.below(100) {
            0..=34 => {
                let op = self.pick(&["+", "-", "*", "/"]);
                let b = self.float_expr(depth - 1);
                format!("{a} {op} {}", self.wrap(b))
            }
            35..=39 => format!("-{a}"),
            40..=59 => {
                let method = self.pick(&["exp", "ln", "sqrt", "sin", "cos", "tanh", "abs"]);
                if self.chance(0.2) {
                    format!("{float}::{method}({a})")
                } else {
                    format!("{a}.{method}()")
                }
            }
            60..=67 => {
                let n = match self.var(Kind::Int) {
                    Some(n) if self.chance(0.3) => n,
                    _ => self.pick(&["2", "3", "-1", "0", "i32::MAX"]).into(),
                };
                format!("{a}.powi({n})")
            }
            68..=75 => {
                let method = self.pick(&["powf", "min", "max"]);
                let b = self.float_expr(depth - 1);
                if self.chance(0.2) {
                    format!("{float}::{method}({a}, {b})")
                } else {
                    format!("{a}.{method}({b})")
                }
            }
            76..=83 => format!("({a})"),
            84..=85 => format!("{a} as {float}"),
            86..=93 => {
                let b = self.float_expr(depth - 1);
                format!("{a} * {}", self.wrap(b))
            }
            _ => self.odd_float(a),
        }
    }

    fn float_leaf(&mut self) -> String {
        let float = self.float;
        if self.chance(0.2) {
            if let Some((name, rows, cols)) = self.array() {
                return self.array_read(&name, rows, cols);
            }
        }
        if self.chance(0.6) {
            if let Some(name) = self.var(Kind::Float) {
                return name;
            }
        }
        match self.below(12) {
            0 => format!("std::{float}::consts::PI"),
            1 => "i as f64".into(),
            2 => format!("{float}::EPSILON"),
            3 => "3".into(),
            4 => "1e-300".into(),
            _ => self.pick(&["2.0", "0.5", "1.0", "-3.25", "0.0"]).into(),
        }
    }

    /// An element or a reduction of an array parameter.
    fn array_read(&mut self, name: &str, rows: usize, cols: usize) -> String {
        let other = self
            .array()
            .map(|(n, _, _)| n)
            .unwrap_or_else(|| "w9".into());
        match self.below(12) {
            0..=2 => format!("{name}[{}]", self.below((rows * cols) as u32 + 1)),
            3 => format!(
                "{name}[({}, {})]",
                self.below(rows as u32),
                self.below(cols as u32)
            ),
            4..=5 => format!("{name}.{}", self.pick(&["x", "y", "z", "w", "a", "b", "q"])),
            6 => format!("{name}.dot(&{other})"),
            7 => format!("{name}.norm()"),
            8 => format!("{name}.norm_squared()"),
            9 => format!("{name}.sum()"),
            10 => format!("{name}.dot({name}, {other})"),
            _ => format!("{name}.transpose().sum()"),
        }
    }

    /// A plain-number expression the macro reports as unsupported.
    fn odd_float(&mut self, a: String) -> String {
        match self.below(12) {
            0 => format!("{a}.cbrt()"),
            1 => format!("if {a} > 0.0 {{ {a} }} else {{ -{a} }}"),
            2 => format!("(|t: f64| t * 2.0)({a})"),
            3 => format!("dbg!({a})"),
            4 => format!("helper({a})"),
            5 => format!("{a} % 2.0"),
            6 => format!("{{ let q = {a}; q }}"),
            7 => format!("{a} as i32"),
            8 => format!("match 1 {{ _ => {a} }}"),
            9 => format!("{a}.powi({a} as i32)"),
            10 => format!("{a}.max()"),
            _ => format!("*&{a}"),
        }
    }
}
