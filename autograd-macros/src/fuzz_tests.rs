//! Issue 6 part 6: the macro never panics. The `proc_macro2` entry point
//! ([`differentiable`]) gets 10,000 inputs, 5,000 per test (`AUTOGRAD_FUZZ_CASES` sets the
//! count per test, `AUTOGRAD_FUZZ_SEED` the seed), from two sources: functions built from
//! the macro's grammar ([`grammar`]) and real cases ([`seeds`]) mutated ([`mutate`]). For
//! each, under `catch_unwind` ([`check`]):
//! - it returns an expansion, which parses as a Rust file, or a `syn::Error` holding at
//!   least one message, none empty, none the "internal error" one, each spanned on the
//!   input's tokens (only syn's "unexpected end of input" may point at the call site, which
//!   is the attribute itself);
//! - on an error, what the attribute emits (`differentiable_or_fallback`: the errors beside
//!   the user's item) does not panic either, and parses when the item does.
//!
//! A failing case is shrunk ([`shrink`]: tokens deleted while it still fails the same way)
//! and printed with the original, so it reproduces as a unit test. Run with `--nocapture`
//! for the counts.

mod check;
mod grammar;
mod mutate;
mod seeds;
mod shrink;

use std::time::Instant;

use proc_macro2::{Span, TokenStream};
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::expand::differentiable;
use check::{catch, check, ended_early, huge_array, install_hook, is_call_site, Stats, THREAD};
use shrink::{shrink, without_nth};

/// Per test: 10,000 in all by default.
const DEFAULT_CASES: usize = 5_000;
const DEFAULT_SEED: u64 = 0x6175_746f_6772_6164;
/// Cases per worker thread: proc-macro2's source map (per thread) grows with every input.
const CHUNK: usize = 2_500;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
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
                    if let Err(f) = check(&attr, &item, &mut stats, case % 3 == 0) {
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
        "{name}: {} cases in {:.2?} ({} did not lex): {} expansions ({} static nodes, {} plain-number, {} tape), {} errors ({} at the call site: unexpected end of input); {} not run (huge nalgebra array)",
        total.cases,
        start.elapsed(),
        total.unlexable,
        total.expansions(),
        total.static_nodes,
        total.plain_number,
        total.tape,
        total.errors,
        total.at_call_site,
        total.huge_arrays,
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
    assert_eq!(
        stats.cases + stats.unlexable + stats.huge_arrays,
        case_count()
    );
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
            static SEEDS: Vec<seeds::Seed> = seeds::seeds();
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
    let seeds = seeds::seeds();
    // Two functions per `twins!` of macro_equivalence.rs, the functions of
    // plain_number_grad.rs, one or more per trybuild case: 112 when this was written.
    assert!(seeds.len() >= 60, "{} seeds", seeds.len());
    let mut stats = Stats::default();
    for seed in &seeds {
        let (attr, item) = (seed.attr.to_string(), seed.item.to_string());
        if let Err(f) = check(&attr, &item, &mut stats, true) {
            panic!(
                "{:?}: {}\n#[differentiable({attr})] {item}",
                f.class, f.detail
            );
        }
    }
    assert!(
        stats.static_nodes > 20 && stats.plain_number > 20,
        "{stats:?}"
    );
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

#[test]
fn call_site_is_told_apart_from_real_spans() {
    assert!(is_call_site(Span::call_site()));
    let tokens: TokenStream = "x".parse().unwrap();
    let first = tokens.into_iter().next().unwrap();
    assert!(!is_call_site(first.span()));
    assert!(ended_early("expected `=`"));
    assert!(ended_early(
        "unexpected end of input, expected curly braces"
    ));
    assert!(!ended_early("expected one of: `static`, `dynamic`"));
}

#[test]
fn huge_arrays_are_recognised() {
    let item = |s: &str| s.parse::<TokenStream>().unwrap();
    assert!(huge_array(&item(
        "fn f(m: SMatrix<f64, 4294967296, 2>) -> f64 { m.sum() }"
    )));
    assert!(huge_array(&item(
        "fn f(v: na::SVector<f64, 0x100>) -> f64 { v.sum() }"
    )));
    assert!(!huge_array(&item(
        "fn f(v: SVector<f64, 3>, w: [f64; 100]) -> f64 { v.sum() }"
    )));
}

/// Dimensions above `types::MAX_ARRAY_DIM` are a spanned error, not an overflow panic.
#[test]
fn huge_nalgebra_dims_are_an_error_not_a_panic() {
    install_hook();
    let result = std::thread::Builder::new()
        .name(THREAD.into())
        .spawn(|| {
            let item = "fn f(m: SMatrix<f64, 4294967296, 4294967296>) -> f64 { m.sum() }";
            let result = catch(|| differentiable(TokenStream::new(), item.parse().unwrap()));
            result.map(|r| r.is_err()).map_err(|f| f.detail)
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(result, Ok(true));
}
