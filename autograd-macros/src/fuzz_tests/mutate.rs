//! Mutated real cases: every `#[differentiable]` function of the workspace's trybuild cases
//! and macro tests (read at test time), with token-level mutations that still lex: tokens
//! deleted, duplicated, swapped, inserted or replaced, groups truncated, re-delimited or
//! emptied, and token runs spliced in from another case.

use std::path::Path;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

/// One annotated function: the attribute's arguments and the item, as tokens.
#[derive(Clone)]
pub struct Seed {
    pub attr: TokenStream,
    pub item: TokenStream,
}

/// The files the seeds come from, relative to the workspace root.
const FILES: &[&str] = &["tests/macro_equivalence.rs", "tests/plain_number_grad.rs"];
const DIRS: &[&str] = &["tests/ui/pass", "tests/ui/fail"];

/// Every annotated function in the seed files.
pub fn seeds() -> Vec<Seed> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths: Vec<_> = FILES.iter().map(|f| root.join(f)).collect();
    for dir in DIRS {
        let entries = std::fs::read_dir(root.join(dir)).expect("the trybuild cases");
        let mut rs: Vec<_> = entries
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        rs.sort();
        paths.extend(rs);
    }
    let mut seeds = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let tokens: TokenStream = text
            .parse()
            .unwrap_or_else(|e| panic!("{} does not lex: {e:?}", path.display()));
        collect(tokens, &mut seeds);
    }
    seeds
}

/// Finds `#[differentiable(..)] <item>` and `twins!(.., s, d, (params) -> ret { body })`
/// at any depth (inside `macro_rules!` bodies too: those seeds hold `$name` tokens).
fn collect(tokens: TokenStream, seeds: &mut Vec<Seed>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(seed) = annotated(&trees[i + 1..]) {
                    seeds.push(seed);
                }
            }
            TokenTree::Ident(name) if name == "twins" => {
                if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(args))) =
                    (trees.get(i + 1), trees.get(i + 2))
                {
                    if bang.as_char() == '!' {
                        twins(args.stream(), seeds);
                    }
                }
            }
            _ => {}
        }
        if let TokenTree::Group(group) = tree {
            collect(group.stream(), seeds);
        }
    }
}

/// After a `#`: `[differentiable(args)]` then the item, up to its body or its `;`.
fn annotated(rest: &[TokenTree]) -> Option<Seed> {
    let TokenTree::Group(attr) = rest.first()? else {
        return None;
    };
    let inside: Vec<TokenTree> = attr.stream().into_iter().collect();
    let is_ours = attr.delimiter() == Delimiter::Bracket
        && matches!(inside.first(), Some(TokenTree::Ident(i)) if i == "differentiable");
    if !is_ours {
        return None;
    }
    let args = match inside.get(1) {
        Some(TokenTree::Group(g)) => g.stream(),
        _ => TokenStream::new(),
    };
    let mut item = Vec::new();
    for tree in &rest[1..] {
        item.push(tree.clone());
        match tree {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => break,
            TokenTree::Punct(p) if p.as_char() == ';' => break,
            _ => {}
        }
    }
    Some(Seed {
        attr: args,
        item: item.into_iter().collect(),
    })
}

/// `twins!(#[doc] s, d, (params) -> ret { body })`: `fn s` static and `fn d` dynamic.
fn twins(args: TokenStream, seeds: &mut Vec<Seed>) {
    let trees: Vec<TokenTree> = args.into_iter().collect();
    let mut i = 0;
    let mut docs = Vec::new();
    while let (Some(TokenTree::Punct(p)), Some(attr)) = (trees.get(i), trees.get(i + 1)) {
        if p.as_char() != '#' {
            break;
        }
        docs.extend([trees[i].clone(), attr.clone()]);
        i += 2;
    }
    let (Some(s), Some(d)) = (trees.get(i), trees.get(i + 2)) else {
        return;
    };
    let signature: Vec<TokenTree> = trees.get(i + 4..).unwrap_or_default().to_vec();
    for (name, mode) in [(s, "static"), (d, "dynamic")] {
        let mut item: Vec<TokenTree> = docs.clone();
        item.push(Ident::new("fn", Span::call_site()).into());
        item.push(name.clone());
        item.extend(signature.iter().cloned());
        seeds.push(Seed {
            attr: mode.parse().expect("a mode lexes"),
            item: item.into_iter().collect(),
        });
    }
}

/// Identifiers a mutation may put in: the grammar's words, keywords, raw identifiers.
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
const LITERALS: &[&str] = &[
    "0", "1", "2", "3", "6", "7", "0.0", "0.5", "2.0", "-1", "1e308", "1e-320", "2.5f32",
    "3usize", "255u8", "18446744073709551615", "4294967296", "1_000", "0x10", "\"str\"",
    "'c'", "b'x'", "b\"bytes\"", "r#\"raw\"#", "1.0e10_f64", "0b101", "c\"c\"",
];

const PUNCTS: &[&str] = &[
    "&", "*", "-", "+", "/", "%", "!", "?", ",", ";", ":", "::", "..", "..=", "=>", "->", "=",
    "+=", "|", "<", ">", "#", "$", "@", "'a", "&mut",
];

/// `seed` with 1 to 4 random mutations (the attribute's arguments in one case out of 8),
/// spliced with tokens from `others`.
pub fn mutate(rng: &mut StdRng, seed: &Seed, others: &[Seed]) -> (TokenStream, TokenStream) {
    let (mut attr, mut item) = (seed.attr.clone(), seed.item.clone());
    for _ in 0..rng.random_range(1..=4) {
        let donor = others.choose(rng).expect("seeds");
        let donor: Vec<TokenTree> = donor.item.clone().into_iter().collect();
        if rng.random_bool(0.125) {
            attr = mutate_stream(rng, attr, &donor);
        } else {
            item = mutate_stream(rng, item, &donor);
        }
    }
    (attr, item)
}

/// One mutation, at a random depth of `stream`.
fn mutate_stream(rng: &mut StdRng, stream: TokenStream, donor: &[TokenTree]) -> TokenStream {
    let mut trees: Vec<TokenTree> = stream.into_iter().collect();
    let groups: Vec<usize> = (0..trees.len())
        .filter(|&i| matches!(trees[i], TokenTree::Group(_)))
        .collect();
    // Descend into a group with a probability growing with how many there are.
    if !groups.is_empty() && rng.random_bool(0.6) {
        let i = *groups.choose(rng).expect("a group");
        if let TokenTree::Group(group) = &trees[i] {
            let inner = mutate_stream(rng, group.stream(), donor);
            let mut new = Group::new(group.delimiter(), inner);
            new.set_span(group.span());
            trees[i] = new.into();
        }
        return trees.into_iter().collect();
    }
    let len = trees.len();
    let at = if len == 0 { 0 } else { rng.random_range(0..len) };
    match rng.random_range(0..10) {
        0 | 1 if len > 0 => {
            trees.remove(at);
        }
        2 if len > 0 => {
            let copy = trees[at].clone();
            trees.insert(at, copy);
        }
        3 if len > 1 => {
            let other = rng.random_range(0..len);
            trees.swap(at, other);
        }
        4 if len > 0 => trees[at] = replacement(rng, &trees[at]),
        5 if len > 0 => {
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
        6 if !donor.is_empty() => {
            let start = rng.random_range(0..donor.len());
            let end = (start + rng.random_range(1..=4)).min(donor.len());
            let position = rng.random_range(0..=len);
            trees.splice(position..position, donor[start..end].iter().cloned());
        }
        7 => {
            let punct: TokenStream = PUNCTS.choose(rng).expect("puncts").parse().expect("lexes");
            let position = if len == 0 { 0 } else { rng.random_range(0..=len) };
            trees.splice(position..position, punct);
        }
        _ => {
            let position = if len == 0 { 0 } else { rng.random_range(0..=len) };
            let fresh = fresh_token(rng);
            trees.insert(position, fresh);
        }
    }
    trees.into_iter().collect()
}

/// A token of the same class as `tree`: identifier for identifier, literal for literal.
fn replacement(rng: &mut StdRng, tree: &TokenTree) -> TokenTree {
    let mut new = match tree {
        TokenTree::Ident(_) => ident(rng),
        TokenTree::Literal(_) => literal(rng),
        TokenTree::Punct(_) => {
            let c = *['+', '-', '*', '/', '&', '!', '.', ',', ';', '<', '>', '=', '?']
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
