//! Shrinking a failing case: delete token trees (or empty groups) while it still fails the
//! same way, so the report shows a minimal input.

use proc_macro2::{Group, TokenStream, TokenTree};

use super::check::{check, Class, Stats};

/// `stream` without its `n`-th token tree in pre-order (with that group's contents emptied
/// instead when `empty_group`); `n` becomes `None` once the tree was found.
pub fn without_nth(stream: TokenStream, n: &mut Option<usize>, empty_group: bool) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    for tree in stream {
        match *n {
            Some(0) => {
                *n = None;
                match tree {
                    TokenTree::Group(g) if empty_group => {
                        out.push(Group::new(g.delimiter(), TokenStream::new()).into())
                    }
                    other if empty_group => out.push(other),
                    _ => {}
                }
                continue;
            }
            Some(k) => *n = Some(k - 1),
            None => {}
        }
        match tree {
            TokenTree::Group(g) if n.is_some() => {
                let inner = without_nth(g.stream(), n, empty_group);
                out.push(Group::new(g.delimiter(), inner).into());
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// Deletes tokens (and empties groups) while the case still fails with `class`.
pub fn shrink(attr: &str, item: &str, class: &Class) -> (String, String) {
    let (mut attr, mut item) = (attr.to_string(), item.to_string());
    let still_fails = |a: &str, i: &str| {
        let outcome = check(a, i, &mut Stats::default(), true);
        outcome.is_err_and(|f| f.class == *class)
    };
    for _ in 0..4 {
        let mut progress = false;
        for which in [false, true] {
            for empty_group in [true, false] {
                let mut k = 0;
                loop {
                    let source = if which { &item } else { &attr };
                    let Ok(tokens) = source.parse::<TokenStream>() else {
                        break;
                    };
                    let mut n = Some(k);
                    let candidate = without_nth(tokens, &mut n, empty_group).to_string();
                    if n.is_some() {
                        break; // fewer than k + 1 trees
                    }
                    let ok = if which {
                        candidate != item && still_fails(&attr, &candidate)
                    } else {
                        candidate != attr && still_fails(&candidate, &item)
                    };
                    if ok {
                        *(if which { &mut item } else { &mut attr }) = candidate;
                        progress = true;
                    } else {
                        k += 1;
                    }
                }
            }
        }
        if !progress {
            break;
        }
    }
    (attr, item)
}
