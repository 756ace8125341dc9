//! Token-level mutations of the real cases ([`super::seeds`]) that still lex: tokens
//! deleted, duplicated, swapped, inserted or replaced, groups truncated, re-delimited or
//! emptied, and token runs spliced in from another case.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, TokenStream, TokenTree};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use super::seeds::Seed;

/// Identifiers a mutation may put in: the grammar's words, keywords, raw identifiers.
#[rustfmt::skip]
const IDENTS: &[&str] = &[
    "x", "y", "w", "Tensor", "f64", "f32", "i32", "usize", "bool", "self", "Self", "fn", "let",
    "mut", "return", "for", "in", "if", "else", "match", "loop", "while", "static", "dynamic",
    "crate", "async", "const", "unsafe", "where", "impl", "T", "SVector", "SMatrix", "Vector3",
    "Matrix2", "exp", "log", "ln", "sqrt", "tanh", "relu", "pow", "powi", "powf", "sum",
    "mean", "sum_dim", "matmul", "t", "transpose", "reshape", "squeeze", "clone", "dot",
    "norm", "min", "max", "cbrt", "true", "false", "r#in", "r#match", "r#fn", "_", "__v0",
    "__value", "differentiable", "move", "ref", "box", "dyn", "struct", "extern", "super",
];

/// Literals a mutation may put in, as source (extremes and every literal kind).
#[rustfmt::skip]
const LITERALS: &[&str] = &[
    "0", "1", "2", "3", "6", "7", "0.0", "0.5", "2.0", "-1", "1e308", "1e-320", "2.5f32",
    "3usize", "255u8", "18446744073709551615", "4294967296", "1_000", "0x10", "\"str\"",
    "'c'", "b'x'", "b\"bytes\"", "r#\"raw\"#", "1.0e10_f64", "0b101", "c\"c\"",
];

/// Punctuation a mutation may put in (several tokens each, some of them).
#[rustfmt::skip]
const PUNCTS: &[&str] = &[
    "&", "*", "-", "+", "/", "%", "!", "?", ",", ";", ":", "::", "..", "..=", "=>", "->", "=",
    "+=", "|", "<", ">", "#", "$", "@", "'a", "&mut",
];

/// `seed` with 1 to 4 random mutations (mostly one; the attribute's arguments in one case
/// out of 16), spliced with tokens from `others`.
pub fn mutate(rng: &mut StdRng, seed: &Seed, others: &[Seed]) -> (TokenStream, TokenStream) {
    let (mut attr, mut item) = (seed.attr.clone(), seed.item.clone());
    let mut own = Vec::new();
    idents(&item, &mut own);
    let count = match rng.random_range(0..20) {
        0..=13 => 1,
        14..=17 => 2,
        _ => rng.random_range(3..=4),
    };
    for _ in 0..count {
        let donor = others.choose(rng).expect("seeds");
        let donor: Vec<TokenTree> = donor.item.clone().into_iter().collect();
        let pools = Pools {
            donor: &donor,
            own: &own,
        };
        if rng.random_bool(1.0 / 16.0) {
            attr = mutate_stream(rng, attr, &pools);
        } else {
            item = mutate_stream(rng, item, &pools);
        }
    }
    (attr, item)
}

/// Where inserted tokens come from besides the fixed lists.
struct Pools<'a> {
    /// Another seed's tokens, for splicing.
    donor: &'a [TokenTree],
    /// The seed's own identifiers (a name swapped for another in scope).
    own: &'a [Ident],
}

fn idents(stream: &TokenStream, out: &mut Vec<Ident>) {
    for tree in stream.clone() {
        match tree {
            TokenTree::Ident(ident) => out.push(ident),
            TokenTree::Group(group) => idents(&group.stream(), out),
            _ => {}
        }
    }
}

/// One mutation, at a random depth of `stream` (mostly inside a group: the body and the
/// parameters, where mutations keep the function a function).
fn mutate_stream(rng: &mut StdRng, stream: TokenStream, pools: &Pools) -> TokenStream {
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let groups: Vec<usize> = (0..trees.len())
        .filter(|&i| matches!(trees[i], TokenTree::Group(_)))
        .collect();
    if !groups.is_empty() && rng.random_bool(0.8) {
        let i = *groups.choose(rng).expect("a group");
        if let TokenTree::Group(group) = &trees[i] {
            let inner = mutate_stream(rng, group.stream(), pools);
            let mut new = Group::new(group.delimiter(), inner);
            new.set_span(group.span());
            trees[i] = new.into();
        }
        return trees.into_iter().collect();
    }
    let len = trees.len();
    let at = if len == 0 {
        0
    } else {
        rng.random_range(0..len)
    };
    let position = if len == 0 {
        0
    } else {
        rng.random_range(0..=len)
    };
    match rng.random_range(0..20) {
        0..=2 if len > 0 => {
            trees.remove(at);
        }
        3 if len > 0 => {
            let copy = trees[at].clone();
            trees.insert(at, copy);
        }
        4 if len > 1 => {
            let other = rng.random_range(0..len);
            trees.swap(at, other);
        }
        5..=12 if len > 0 => trees[at] = replacement(rng, &trees[at], pools.own),
        13 if len > 0 => {
            if let TokenTree::Group(group) = &trees[at] {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                let keep = rng.random_range(0..=inner.len());
                let delimiter = if rng.random_bool(0.3) {
                    *[Delimiter::Parenthesis, Delimiter::Bracket, Delimiter::Brace]
                        .choose(rng)
                        .expect("delimiters")
                } else {
                    group.delimiter()
                };
                let new = Group::new(delimiter, inner[..keep].iter().cloned().collect());
                trees[at] = new.into();
            } else {
                trees.truncate(at + 1);
            }
        }
        14..=15 if !pools.donor.is_empty() => {
            let start = rng.random_range(0..pools.donor.len());
            let end = (start + rng.random_range(1..=4)).min(pools.donor.len());
            trees.splice(position..position, pools.donor[start..end].iter().cloned());
        }
        16 => {
            let punct: TokenStream = PUNCTS.choose(rng).expect("puncts").parse().expect("lexes");
            trees.splice(position..position, punct);
        }
        _ => {
            let fresh = fresh_token(rng);
            trees.insert(position, fresh);
        }
    }
    trees.into_iter().collect()
}

/// A token of the same class as `tree`: identifier for identifier, literal for literal.
fn replacement(rng: &mut StdRng, tree: &TokenTree, own: &[Ident]) -> TokenTree {
    let mut new = match tree {
        TokenTree::Ident(_) if !own.is_empty() && rng.random_bool(0.7) => {
            own.choose(rng).expect("identifiers").clone().into()
        }
        TokenTree::Ident(_) => ident(rng),
        TokenTree::Literal(_) => literal(rng),
        TokenTree::Punct(_) => {
            let c = *[
                '+', '-', '*', '/', '&', '!', '.', ',', ';', '<', '>', '=', '?',
            ]
            .choose(rng)
            .expect("puncts");
            Punct::new(c, Spacing::Alone).into()
        }
        TokenTree::Group(g) => Group::new(Delimiter::Parenthesis, g.stream()).into(),
    };
    new.set_span(tree.span());
    new
}

fn fresh_token(rng: &mut StdRng) -> TokenTree {
    if rng.random_bool(0.5) {
        ident(rng)
    } else {
        literal(rng)
    }
}

fn ident(rng: &mut StdRng) -> TokenTree {
    let name = *IDENTS.choose(rng).expect("idents");
    let tokens: TokenStream = name.parse().expect("an identifier lexes");
    tokens.into_iter().next().expect("one token")
}

fn literal(rng: &mut StdRng) -> TokenTree {
    let source = *LITERALS.choose(rng).expect("literals");
    let tokens: TokenStream = source.parse().expect("a literal lexes");
    // `-1` lexes as two tokens; keep the literal part and let other mutations add signs.
    tokens
        .into_iter()
        .find(|t| matches!(t, TokenTree::Literal(_)))
        .unwrap_or_else(|| Literal::u8_unsuffixed(0).into())
}
