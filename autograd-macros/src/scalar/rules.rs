//! Every operation's forward formula and, right beside it, its adjoint (burn's co-location):
//! adding an operation touches this file only.
//!
//! PRECONDITION (for every function here): operands that receive a method call (`x` of a
//! unary function, `powi`, `powf`, `min`, `max`) are typed variables, never bare literals,
//! whose type rustc could not infer (`2.0.ln()` is E0689). The front-ends bind constants to
//! typed temporaries first.

use proc_macro2::TokenStream;
use quote::quote;

use crate::scalar::ir::BinaryOp;
use crate::types::FloatTy;

/// Elementwise functions of one argument: the scalar form of the tensor ops that fuse, and
/// the float methods of plain-number functions.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UnaryFn {
    Neg,
    Exp,
    /// Natural log (`f64::ln`, `Tensor::log`).
    Ln,
    Sqrt,
    Sin,
    Cos,
    Tanh,
    Abs,
    Sigmoid,
    Relu,
}

/// Where the transcendental functions come from.
#[derive(Clone, Debug, Default)]
pub enum Math {
    /// The float's own methods (`x.tanh()`): plain-number functions, exact as `std`.
    #[default]
    Std,
    /// A type's associated functions (`<f32 as ::autograd::__private::FusedMath>::tanh(x)`):
    /// the fused tensor loops, whose f32 instance uses the runtime's vectorisable kernels.
    Kernel(TokenStream),
}

impl Math {
    /// `name(x)` from this library (`exp`, `ln`, `sin`, `cos`, `tanh`).
    pub fn call(&self, name: &str, x: &TokenStream) -> TokenStream {
        let name = syn::Ident::new(name, proc_macro2::Span::call_site());
        match self {
            Math::Std => quote!(#x.#name()),
            Math::Kernel(path) => quote!(#path::#name(#x)),
        }
    }

    /// `1 / (1 + e^-x)`.
    fn sigmoid(&self, x: &TokenStream) -> TokenStream {
        match self {
            Math::Std => quote!(1.0 / (1.0 + (-#x).exp())),
            Math::Kernel(path) => quote!(#path::sigmoid(#x)),
        }
    }
}

impl UnaryFn {
    /// `y = f(x)`.
    pub fn forward(self, x: &TokenStream, math: &Math) -> TokenStream {
        match self {
            UnaryFn::Neg => quote!(-#x),
            UnaryFn::Exp => math.call("exp", x),
            UnaryFn::Ln => math.call("ln", x),
            UnaryFn::Sqrt => quote!(#x.sqrt()),
            UnaryFn::Sin => math.call("sin", x),
            UnaryFn::Cos => math.call("cos", x),
            UnaryFn::Tanh => math.call("tanh", x),
            UnaryFn::Abs => quote!(#x.abs()),
            UnaryFn::Sigmoid => math.sigmoid(x),
            // Negatives become 0; NaN and -0 stay, as in PyTorch (and the runtime's `relu`).
            UnaryFn::Relu => quote!(if #x < 0.0 { 0.0 } else { #x }),
        }
    }

    /// The contribution to `x̄` of `y = f(x)`, given `ȳ`.
    pub fn adjoint(
        self,
        x: &TokenStream,
        y: &TokenStream,
        ybar: &TokenStream,
        math: &Math,
    ) -> TokenStream {
        match self {
            // d(-x) = -1
            UnaryFn::Neg => quote!(-#ybar),
            // d exp(x) = exp(x) = y
            UnaryFn::Exp => quote!(#ybar * #y),
            // d ln(x) = 1 / x
            UnaryFn::Ln => quote!(#ybar / #x),
            // d sqrt(x) = 1 / (2 sqrt(x)) = 1 / (2y)
            UnaryFn::Sqrt => quote!(#ybar / (2.0 * #y)),
            // d sin(x) = cos(x)
            UnaryFn::Sin => {
                let cos = math.call("cos", x);
                quote!(#ybar * #cos)
            }
            // d cos(x) = -sin(x)
            UnaryFn::Cos => {
                let sin = math.call("sin", x);
                quote!(-(#ybar * #sin))
            }
            // d tanh(x) = 1 - tanh(x)^2 = 1 - y^2
            UnaryFn::Tanh => quote!(#ybar * (1.0 - #y * #y)),
            // d |x| = sgn(x), with sgn(0) = 0 and sgn(NaN) = 0 as PyTorch (f64::signum(0.0) is
            // 1: not used)
            UnaryFn::Abs => quote! {
                if #x > 0.0 { #ybar } else if #x < 0.0 { -#ybar } else { 0.0 }
            },
            // d sigmoid(x) = y (1 - y)
            UnaryFn::Sigmoid => quote!(#ybar * #y * (1.0 - #y)),
            // d relu(x) = 0 where y <= 0, else 1 (PyTorch's threshold_backward on the result:
            // 0 at 0, and the gradient passes at NaN)
            UnaryFn::Relu => quote!(if #y <= 0.0 { 0.0 } else { #ybar }),
        }
    }
}

impl BinaryOp {
    pub fn forward(self, a: &TokenStream, b: &TokenStream) -> TokenStream {
        match self {
            BinaryOp::Add => quote!(#a + #b),
            BinaryOp::Sub => quote!(#a - #b),
            BinaryOp::Mul => quote!(#a * #b),
            BinaryOp::Div => quote!(#a / #b),
        }
    }

    /// The contributions to `ā` and `b̄` of `y = a op b`, given `ȳ`.
    pub fn adjoints(
        self,
        a: &TokenStream,
        b: &TokenStream,
        ybar: &TokenStream,
    ) -> [TokenStream; 2] {
        match self {
            // d(a + b) = da + db
            BinaryOp::Add => [quote!(#ybar), quote!(#ybar)],
            // d(a - b) = da - db
            BinaryOp::Sub => [quote!(#ybar), quote!(-#ybar)],
            // d(a b) = b da + a db
            BinaryOp::Mul => [quote!(#ybar * #b), quote!(#ybar * #a)],
            // d(a / b) = da / b - (a / b) / b db, in PyTorch's order (`(a / b) / b` neither
            // overflows nor underflows where `b * b` would)
            BinaryOp::Div => [quote!(#ybar / #b), quote!(-(#ybar * ((#a / #b) / #b)))],
        }
    }
}

/// `y = x.powi(n)`.
pub fn powi_forward(x: &TokenStream, n: &TokenStream) -> TokenStream {
    quote!(#x.powi(#n))
}

/// d x^n = n x^(n-1); 0 when n = 0 (so x = 0 gives 0, not 0 * inf).
pub fn powi_adjoint(
    x: &TokenStream,
    n: &TokenStream,
    ybar: &TokenStream,
    float: FloatTy,
) -> TokenStream {
    quote!({
        let __n: i32 = #n;
        if __n == 0 { 0.0 } else { #ybar * (__n as #float) * #x.powi(__n - 1) }
    })
}

/// `y = a.powf(b)`.
pub fn powf_forward(a: &TokenStream, b: &TokenStream, math: &Math) -> TokenStream {
    match math {
        Math::Std => quote!(#a.powf(#b)),
        Math::Kernel(path) => quote!(#path::powf(#a, #b)),
    }
}

/// d a^b = b a^(b-1) da + a^b ln(a) db, with PyTorch's masks: 0 for `da` where b = 0, 0 for
/// `db` where a = 0 and b >= 0.
pub fn powf_adjoints(
    a: &TokenStream,
    b: &TokenStream,
    y: &TokenStream,
    ybar: &TokenStream,
    math: &Math,
) -> [TokenStream; 2] {
    let power = powf_forward(a, &quote!(#b - 1.0), math);
    let ln = math.call("ln", a);
    [
        quote!(if #b == 0.0 { 0.0 } else { #ybar * #b * #power }),
        quote!(if #a == 0.0 && #b >= 0.0 { 0.0 } else { #ybar * #y * #ln }),
    ]
}

/// `y = a.min(b)` or `y = a.max(b)`.
pub fn extremum_forward(max: bool, a: &TokenStream, b: &TokenStream) -> TokenStream {
    if max {
        quote!(#a.max(#b))
    } else {
        quote!(#a.min(#b))
    }
}

/// The gradient goes to the operand that was selected and is split equally on a tie, as
/// PyTorch's `maximum`/`minimum` do. A NaN operand is never selected by `f64::max`/`min`.
pub fn extremum_adjoints(
    max: bool,
    a: &TokenStream,
    b: &TokenStream,
    ybar: &TokenStream,
) -> [TokenStream; 2] {
    let wins = |x: &TokenStream, other: &TokenStream| {
        if max {
            quote!(#x > #other || #other.is_nan())
        } else {
            quote!(#x < #other || #other.is_nan())
        }
    };
    let (a_wins, b_wins) = (wins(a, b), wins(b, a));
    [
        quote!(if #a_wins { #ybar } else if #b_wins { 0.0 } else { 0.5 * #ybar }),
        quote!(if #b_wins { #ybar } else if #a_wins { 0.0 } else { 0.5 * #ybar }),
    ]
}
