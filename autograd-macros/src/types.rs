//! What the macro recognises in a signature: floats, nalgebra fixed-size arrays, tensors.
//!
//! Types are recognised by name (a proc macro sees tokens, not resolved types): the last
//! path segment decides, so `nalgebra::SVector<f64, 3>` and `SVector<f64, 3>` are the same.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::{GenericArgument, PathArguments, Type};

use crate::symbol::{
    Symbol, BOOL, F32, F64, INTEGERS, MATRIX_ALIAS, SMATRIX, SVECTOR, TENSOR, VECTOR_ALIAS,
};

/// The float type of a plain-number function.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FloatTy {
    F32,
    F64,
}

impl FloatTy {
    pub fn symbol(self) -> Symbol {
        match self {
            FloatTy::F32 => F32,
            FloatTy::F64 => F64,
        }
    }
}

impl ToTokens for FloatTy {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(match self {
            FloatTy::F32 => quote!(f32),
            FloatTy::F64 => quote!(f64),
        });
    }
}

/// A nalgebra fixed-size vector or matrix whose dimensions are literals.
#[derive(Clone, Debug)]
pub struct ArrayTy {
    /// The type as the user wrote it (the gradient has the same type).
    pub ty: Box<Type>,
    pub elem: FloatTy,
    pub rows: usize,
    pub cols: usize,
}

impl ArrayTy {
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }
}

/// What one parameter's type is, as far as the macro is concerned.
#[derive(Clone, Debug)]
pub enum ParamTy {
    Float(FloatTy),
    Array(ArrayTy),
    /// `Tensor`, taken by value.
    Tensor,
    /// `&Tensor`.
    TensorRef,
    /// An integer: a non-differentiable argument of a tensor function (a dim, a size).
    Int,
    Bool,
    Unsupported,
}

impl ParamTy {
    pub fn is_tensor(&self) -> bool {
        matches!(self, ParamTy::Tensor | ParamTy::TensorRef)
    }
}

/// What a return type is.
#[derive(Clone, Debug)]
pub enum ReturnTy {
    Float(FloatTy),
    Tensor,
    /// `(Tensor, Tensor, ...)`, with this many elements.
    TensorTuple(usize),
    Unsupported,
}

pub fn classify_param(ty: &Type) -> ParamTy {
    match ty {
        Type::Paren(inner) => classify_param(&inner.elem),
        Type::Group(inner) => classify_param(&inner.elem),
        Type::Reference(r) if r.mutability.is_none() && is_tensor(&r.elem) => ParamTy::TensorRef,
        _ if is_tensor(ty) => ParamTy::Tensor,
        _ => {
            if let Some(float) = float_ty(ty) {
                ParamTy::Float(float)
            } else if let Some(array) = array_ty(ty) {
                ParamTy::Array(array)
            } else if INTEGERS.iter().any(|int| last_ident_is(ty, *int)) {
                ParamTy::Int
            } else if last_ident_is(ty, BOOL) {
                ParamTy::Bool
            } else {
                ParamTy::Unsupported
            }
        }
    }
}

pub fn classify_return(ty: &Type) -> ReturnTy {
    match ty {
        Type::Paren(inner) => classify_return(&inner.elem),
        // A type passed through a `macro_rules!` fragment (`$ret:ty`) arrives grouped.
        Type::Group(inner) => classify_return(&inner.elem),
        Type::Tuple(tuple) if !tuple.elems.is_empty() && tuple.elems.iter().all(is_tensor) => {
            ReturnTy::TensorTuple(tuple.elems.len())
        }
        _ if is_tensor(ty) => ReturnTy::Tensor,
        _ => float_ty(ty).map_or(ReturnTy::Unsupported, ReturnTy::Float),
    }
}

/// `f32` or `f64`, written as a bare path.
pub fn float_ty(ty: &Type) -> Option<FloatTy> {
    if let Type::Group(inner) = ty {
        return float_ty(&inner.elem);
    }
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    if path.path.is_ident(F32.as_str()) {
        Some(FloatTy::F32)
    } else if path.path.is_ident(F64.as_str()) {
        Some(FloatTy::F64)
    } else {
        None
    }
}

fn is_tensor(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|seg| seg.ident == TENSOR && seg.arguments.is_none())
}

fn last_ident_is(ty: &Type, symbol: Symbol) -> bool {
    last_segment(ty).is_some_and(|seg| seg.ident == symbol && seg.arguments.is_none())
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last(),
        Type::Group(inner) => last_segment(&inner.elem),
        _ => None,
    }
}

/// `SVector<T, N>`, `SMatrix<T, R, C>`, `VectorN<T>`, `MatrixN<T>`, `MatrixRxC<T>` (N, R, C
/// from 1 to 6 as nalgebra defines them), with `T` a float and the dimensions literals.
fn array_ty(ty: &Type) -> Option<ArrayTy> {
    let segment = last_segment(ty)?;
    let PathArguments::AngleBracketed(generics) = &segment.arguments else {
        return None;
    };
    let args: Vec<&GenericArgument> = generics.args.iter().collect();
    let elem = match args.first()? {
        GenericArgument::Type(elem) => float_ty(elem)?,
        _ => return None,
    };
    let name = segment.ident.to_string();
    let (rows, cols) = if segment.ident == SVECTOR && args.len() == 2 {
        (dim(args[1])?, 1)
    } else if segment.ident == SMATRIX && args.len() == 3 {
        (dim(args[1])?, dim(args[2])?)
    } else if args.len() == 1 {
        alias_dims(&name)?
    } else {
        return None;
    };
    Some(ArrayTy {
        ty: Box::new(ty.clone()),
        elem,
        rows,
        cols,
    })
}

fn dim(arg: &GenericArgument) -> Option<usize> {
    let expr = match arg {
        GenericArgument::Const(expr) => expr,
        // `SVector<f64, N>` with `N` a const parses as a type: its size is unknown here.
        _ => return None,
    };
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int
            .base10_parse()
            .ok()
            .filter(|n| (1..=MAX_ARRAY_DIM).contains(n)),
        _ => None,
    }
}

/// The largest nalgebra dimension a plain-number function takes: gradients of arrays are
/// unrolled element by element at compile time, so sizes stay small (and `rows * cols`
/// cannot overflow).
pub const MAX_ARRAY_DIM: usize = 64;

/// `Vector3` -> (3, 1), `Matrix3` -> (3, 3), `Matrix2x3` -> (2, 3).
fn alias_dims(name: &str) -> Option<(usize, usize)> {
    let digit = |s: &str| -> Option<usize> {
        let n: usize = s.parse().ok()?;
        (1..=6).contains(&n).then_some(n)
    };
    if let Some(n) = name.strip_prefix(VECTOR_ALIAS.as_str()) {
        return Some((digit(n)?, 1));
    }
    let dims = name.strip_prefix(MATRIX_ALIAS.as_str())?;
    match dims.split_once('x') {
        Some((r, c)) => Some((digit(r)?, digit(c)?)),
        None => digit(dims).map(|n| (n, n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn array(ty: Type) -> Option<(FloatTy, usize, usize)> {
        match classify_param(&ty) {
            ParamTy::Array(a) => Some((a.elem, a.rows, a.cols)),
            _ => None,
        }
    }

    #[test]
    fn floats_tensors_and_integers() {
        assert!(matches!(
            classify_param(&parse_quote!(f64)),
            ParamTy::Float(FloatTy::F64)
        ));
        assert!(matches!(
            classify_param(&parse_quote!(f32)),
            ParamTy::Float(FloatTy::F32)
        ));
        assert!(matches!(
            classify_param(&parse_quote!(&Tensor)),
            ParamTy::TensorRef
        ));
        assert!(matches!(
            classify_param(&parse_quote!(autograd::Tensor)),
            ParamTy::Tensor
        ));
        assert!(matches!(
            classify_param(&parse_quote!(&mut Tensor)),
            ParamTy::Unsupported
        ));
        assert!(matches!(classify_param(&parse_quote!(usize)), ParamTy::Int));
        assert!(matches!(
            classify_param(&parse_quote!(&f64)),
            ParamTy::Unsupported
        ));
    }

    #[test]
    fn nalgebra_arrays() {
        assert_eq!(
            array(parse_quote!(SVector<f64, 3>)),
            Some((FloatTy::F64, 3, 1))
        );
        assert_eq!(
            array(parse_quote!(na::SMatrix<f32, 2, 4>)),
            Some((FloatTy::F32, 2, 4))
        );
        assert_eq!(
            array(parse_quote!(Vector3<f64>)),
            Some((FloatTy::F64, 3, 1))
        );
        assert_eq!(
            array(parse_quote!(Matrix2<f64>)),
            Some((FloatTy::F64, 2, 2))
        );
        assert_eq!(
            array(parse_quote!(Matrix2x3<f64>)),
            Some((FloatTy::F64, 2, 3))
        );
        assert_eq!(array(parse_quote!(SVector<f64, N>)), None);
        assert_eq!(array(parse_quote!(DVector<f64>)), None);
        assert_eq!(array(parse_quote!(Vector7<f64>)), None);
    }

    #[test]
    fn returns() {
        assert!(matches!(
            classify_return(&parse_quote!(f64)),
            ReturnTy::Float(_)
        ));
        assert!(matches!(
            classify_return(&parse_quote!(Tensor)),
            ReturnTy::Tensor
        ));
        assert!(matches!(
            classify_return(&parse_quote!((Tensor, Tensor))),
            ReturnTy::TensorTuple(2)
        ));
        assert!(matches!(
            classify_return(&parse_quote!(Vec<f64>)),
            ReturnTy::Unsupported
        ));
    }
}
