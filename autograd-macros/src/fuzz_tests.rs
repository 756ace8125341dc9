//! Issue 6 part 6: the macro never panics. The `proc_macro2` entry point
//! ([`differentiable`]) gets 10,000 inputs per test (`AUTOGRAD_FUZZ_CASES` raises it,
//! `AUTOGRAD_FUZZ_SEED` changes the seed) from two sources: functions built from the macro's
//! grammar ([`grammar`]) and mutated real cases ([`mutate`]). For each, under
//! `catch_unwind`:
//! - it returns an expansion, which parses as a Rust file, or a `syn::Error` holding at
//!   least one message, none empty, none the "internal error" one, each spanned on the
//!   input's tokens (only syn's "unexpected end of input" may point at the call site, which
//!   is the attribute itself);
//! - on an error, what the attribute emits (`differentiable_or_fallback`: the errors beside
//!   the user's item) does not panic either, and parses when the item does.
//!
//! A failing case is shrunk (tokens deleted while it still fails the same way) and printed
//! with the original, so it reproduces as a unit test. Run with `--nocapture` for the counts.

mod grammar;
mod mutate;

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;
use std::time::Instant;

use proc_macro2::{Group, TokenStream, TokenTree};
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::expand::{differentiable, differentiable_or_fallback};

const DEFAULT_CASES: usize = 10_000;
const DEFAULT_SEED: u64 = 0x6175_746f_6772_6164;
/// Cases per worker thread: proc-macro2's source map (per thread) grows with every input.
const CHUNK: usize = 2_500;
/// Threads whose panics the hook records instead of printing.
const THREAD: &str = "macro-fuzz";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// What one case did.
#[derive(Default, Debug)]
struct Stats {
    cases: usize,
    /// Inputs a mutation left unlexable (not passed to the macro).
    unlexable: usize,
    static_nodes: usize,
    plain_number: usize,
    /// Expansions that run on the tape (the function as written).
    tape: usize,
    errors: usize,
    /// Errors at the call site because the input ended early (syn's "unexpected end").
    at_call_site: usize,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.cases += other.cases;
        self.unlexable += other.unlexable;
        self.static_nodes += other.static_nodes;
        self.plain_number += other.plain_number;
        self.tape += other.tape;
        self.errors += other.errors;
        self.at_call_site += other.at_call_site;
    }

    fn expansions(&self) -> usize {
        self.static_nodes + self.plain_number + self.tape
    }
}

/// A broken promise, by class (shrinking keeps the class).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Class {
    Panic,
    ExpansionNotRust,
    NoErrorMessage,
    InternalError,
    CallSiteSpan,
    FallbackNotRust,
}

struct Failure {
    class: Class,
    detail: String,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records panics of the fuzz threads (message and location) instead of printing them.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(THREAD) {
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| Failure {
        class: Class::Panic,
        detail: LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| "a panic".into()),
    })
}

fn fail<T>(class: Class, detail: String) -> Result<T, Failure> {
    Err(Failure { class, detail })
}

/// Runs one case: `#[differentiable(attr)] item`, both as source text.
fn check(attr: &str, item: &str, stats: &mut Stats) -> Result<(), Failure> {
    let (Ok(attr), Ok(item)) = (attr.parse::<TokenStream>(), item.parse::<TokenStream>()) else {
        stats.unlexable += 1;
        return Ok(());
    };
    stats.cases += 1;
    let error = match catch(|| differentiable(attr.clone(), item.clone()))? {
        Ok(expansion) => {
            let text = expansion.to_string();
            if let Err(e) = syn::parse2::<syn::File>(expansion) {
                return fail(Class::ExpansionNotRust, format!("{e}\nexpansion: {text}"));
            }
            if text.contains("record_outputs") {
                stats.static_nodes += 1;
            } else if text.contains("__value") {
                stats.plain_number += 1;
            } else {
                stats.tape += 1;
            }
            return Ok(());
        }
        Err(error) => error,
    };
    stats.errors += 1;
    let messages: Vec<syn::Error> = error.into_iter().collect();
    if messages.is_empty() || messages.iter().any(|m| m.to_string().trim().is_empty()) {
        return fail(Class::NoErrorMessage, format!("{messages:?}"));
    }
    for message in &messages {
        let text = message.to_string();
        if text.contains("internal error") {
            return fail(Class::InternalError, text);
        }
        if message.span().byte_range() == (0..0) {
            if !text.starts_with("unexpected end of input") {
                return fail(Class::CallSiteSpan, text);
            }
            stats.at_call_site += 1;
        }
    }
    let emitted = catch(|| differentiable_or_fallback(attr, item.clone()))?;
    if syn::parse2::<syn::Item>(item).is_ok() {
        let text = emitted.to_string();
        if let Err(e) = syn::parse2::<syn::File>(emitted) {
            return fail(Class::FallbackNotRust, format!("{e}\nemitted: {text}"));
        }
    }
    Ok(())
}

/// `stream` without its `n`-th token tree in pre-order (with that group's contents emptied
/// instead when `empty_group`); `n` becomes `None` once the tree was found.
fn without_nth(stream: TokenStream, n: &mut Option<usize>, empty_group: bool) -> TokenStream {
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
fn shrink(attr: &str, item: &str, class: &Class) -> (String, String) {
    let (mut attr, mut item) = (attr.to_string(), item.to_string());
    let still_fails = |a: &str, i: &str| {
        matches!(check(a, i, &mut Stats::default()), Err(f) if f.class == *class)
    };
    for _ in 0..4 {
        let mut progress = false;
        for which in [false, true] {
            for empty_group in [true, false] {
                let mut k = 0;
                loop {
                    let source = if which { &item } else { &attr };
                    let Ok(tokens) = source.parse::<TokenStream>() else { break };
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

/// Runs `cases` inputs from `source` (given the chunk's RNG and the case number) in chunks,
/// each on a fresh thread; panics with every failure, shrunk.
fn run(name: &str, cases: usize, source: fn(&mut StdRng, usize) -> (String, String)) -> Stats {
    install_hook();
    let seed = env_number("AUTOGRAD_FUZZ_SEED", DEFAULT_SEED);
    let start = Instant::now();
    let mut total = Stats::default();
    let mut failures: Vec<String> = Vec::new();
    for (chunk, first) in (0..cases).step_by(CHUNK).enumerate() {
        let count = CHUNK.min(cases - first);
        let worker = std::thread::Builder::new()
            .name(THREAD.into())
            .stack_size(256 << 20)
            .spawn(move || {
                let mut rng = StdRng::seed_from_u64(seed ^ (chunk as u64).wrapping_mul(0x9e37));
                let mut stats = Stats::default();
                let mut failures = Vec::new();
                for case in first..first + count {
                    let (attr, item) = source(&mut rng, case);
                    if let Err(f) = check(&attr, &item, &mut stats) {
                        if failures.len() < 5 {
                            let (a, i) = shrink(&attr, &item, &f.class);
                            failures.push(format!(
                                "case {case} (seed {seed:#x}): {:?}: {}\n  input: #[differentiable({attr})] {item}\n  shrunk: #[differentiable({a})] {i}",
                                f.class, f.detail
                            ));
                        }
                    }
                }
                (stats, failures)
            })
            .expect("spawning a fuzz thread");
        let (stats, found) = worker.join().expect("the fuzz thread does not panic");
        total.add(&stats);
        failures.extend(found);
    }
    println!(
        "{name}: {} cases in {:.2?} ({} did not lex): {} expansions ({} static nodes, {} plain-number, {} tape), {} errors ({} at the call site: unexpected end of input)",
        total.cases,
        start.elapsed(),
        total.unlexable,
        total.expansions(),
        total.static_nodes,
        total.plain_number,
        total.tape,
        total.errors,
        total.at_call_site,
    );
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
    total
}

fn case_count() -> usize {
    env_number("AUTOGRAD_FUZZ_CASES", DEFAULT_CASES as u64) as usize
}

#[test]
fn fuzz_grammar_inputs_expand_or_error_never_panic() {
    let stats = run("grammar", case_count(), |rng, _| grammar::case(rng));
    assert_eq!(stats.cases + stats.unlexable, case_count());
    // The generator reaches every expansion, and the errors.
    assert!(stats.static_nodes * 20 > stats.cases, "{stats:?}");
    assert!(stats.plain_number * 20 > stats.cases, "{stats:?}");
    assert!(stats.tape * 20 > stats.cases, "{stats:?}");
    assert!(stats.errors * 5 > stats.cases, "{stats:?}");
}

#[test]
fn fuzz_mutated_real_cases_expand_or_error_never_panic() {
    let stats = run("mutated", case_count(), |rng, case| {
        thread_local! {
            static SEEDS: Vec<mutate::Seed> = mutate::seeds();
        }
        SEEDS.with(|seeds| {
            let seed = &seeds[case % seeds.len()];
            // The first round is the real cases themselves.
            let (attr, item) = if case < seeds.len() {
                (seed.attr.clone(), seed.item.clone())
            } else {
                mutate::mutate(rng, seed, seeds)
            };
            (attr.to_string(), item.to_string())
        })
    });
    assert!(stats.expansions() * 10 > stats.cases, "{stats:?}");
    assert!(stats.errors * 5 > stats.cases, "{stats:?}");
}

#[test]
fn fuzz_seeds_cover_the_real_cases() {
    let seeds = mutate::seeds();
    // 5 twins in macro_equivalence.rs's 20-odd `twins!` (two functions each), 28 in
    // plain_number_grad.rs, one or more per trybuild case.
    assert!(seeds.len() >= 60, "{} seeds", seeds.len());
    let mut stats = Stats::default();
    for seed in &seeds {
        let (attr, item) = (seed.attr.to_string(), seed.item.to_string());
        if let Err(f) = check(&attr, &item, &mut stats) {
            panic!("{:?}: {}\n#[differentiable({attr})] {item}", f.class, f.detail);
        }
    }
    assert!(stats.static_nodes > 20 && stats.plain_number > 20, "{stats:?}");
}

#[test]
fn shrinking_deletes_tokens_and_empties_groups() {
    let item: TokenStream = "fn f(x: f64) -> f64 { x * 2.0 }".parse().unwrap();
    let without = |n: usize, empty_group: bool| {
        let mut n = Some(n);
        let out = without_nth(item.clone(), &mut n, empty_group).to_string();
        (out, n)
    };
    // Pre-order: `fn` 0, `f` 1, `(..)` 2, `x` 3, .., `{..}` 9, `x` 10, `*` 11, `2.0` 12.
    assert_eq!(without(0, false).0, "f (x : f64) -> f64 { x * 2.0 }");
    assert_eq!(without(9, true).0, "fn f (x : f64) -> f64 { }");
    assert_eq!(without(10, false).0, "fn f (x : f64) -> f64 { * 2.0 }");
    assert_eq!(without(13, false).1, Some(0));
}
