//! The real cases the mutations start from: every `#[differentiable]` function of the
//! workspace's trybuild cases and macro tests, read at test time.

use std::path::Path;

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};

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
