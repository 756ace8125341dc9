//! One case and what it must do: run the entry point under `catch_unwind`, and check the
//! expansion (it parses as a Rust file) or the error (messages, each non-empty and spanned on
//! the input; what the attribute emits beside the item parses too).

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use proc_macro2::{Span, TokenStream, TokenTree};

use crate::expand::{differentiable, differentiable_or_fallback};

/// Threads whose panics the hook records instead of printing.
pub const THREAD: &str = "macro-fuzz";

/// What one case did.
#[derive(Default, Debug)]
pub struct Stats {
    pub cases: usize,
    /// Inputs a mutation left unlexable (not passed to the macro).
    pub unlexable: usize,
    pub static_nodes: usize,
    pub plain_number: usize,
    /// Expansions that run on the tape (the function as written).
    pub tape: usize,
    pub errors: usize,
    /// Errors at the call site because the input ended early (syn's "unexpected end").
    pub at_call_site: usize,
    /// Inputs not run: an nalgebra array with a dimension over [`MAX_DIM`] (see
    /// [`huge_array`]).
    pub huge_arrays: usize,
}

impl Stats {
    pub fn add(&mut self, other: &Stats) {
        self.cases += other.cases;
        self.unlexable += other.unlexable;
        self.static_nodes += other.static_nodes;
        self.plain_number += other.plain_number;
        self.tape += other.tape;
        self.errors += other.errors;
        self.at_call_site += other.at_call_site;
        self.huge_arrays += other.huge_arrays;
    }

    pub fn expansions(&self) -> usize {
        self.static_nodes + self.plain_number + self.tape
    }
}

/// A broken promise, by class (shrinking keeps the class).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    Panic,
    ExpansionNotRust,
    NoErrorMessage,
    InternalError,
    CallSiteSpan,
    FallbackNotRust,
}

pub struct Failure {
    pub class: Class,
    pub detail: String,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records panics of the fuzz threads (message and location) instead of printing them.
pub fn install_hook() {
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

pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Failure> {
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

/// Whether `span` is `Span::call_site()` (proc-macro2's fallback spans are byte offsets into
/// one per-thread source map, where only the call site is `0..0`).
pub fn is_call_site(span: Span) -> bool {
    format!("{span:?}") == "bytes(0..0)"
}

/// syn's errors for an input that ended before the parser's next token, which syn spans on
/// the call site (`unexpected end of input, ...`, or `expected `=`` for a missing
/// punctuation): the attribute is the only place there is to point at.
pub fn ended_early(message: &str) -> bool {
    let token = message
        .strip_prefix("expected `")
        .and_then(|rest| rest.strip_suffix('`'));
    message.starts_with("unexpected end of input") || token.is_some_and(|t| !t.contains(' '))
}

/// The largest nalgebra dimension a case may name.
pub const MAX_DIM: u128 = 16;

/// The macro unrolls `sum`, `norm`, `norm_squared` and `dot` of an nalgebra array over its
/// elements at compile time and takes dimensions up to `types::MAX_ARRAY_DIM`; cases naming
/// `SVector`/`SMatrix` with a literal dimension over [`MAX_DIM`] are not run, only to keep
/// the debug run fast (`huge_nalgebra_dims_are_an_error_not_a_panic` covers huge ones).
pub fn huge_array(item: &TokenStream) -> bool {
    // `SMatrix < f64 , R , C >`: the dimensions are within the next 12 tokens.
    let mut window = 0;
    for tree in item.clone() {
        window = usize::saturating_sub(window, 1);
        match &tree {
            TokenTree::Group(group) if huge_array(&group.stream()) => return true,
            TokenTree::Ident(ident) if ident == "SVector" || ident == "SMatrix" => window = 12,
            TokenTree::Literal(literal) if window > 0 => {
                let value = syn::parse_str::<syn::LitInt>(&literal.to_string())
                    .and_then(|int| int.base10_parse::<u128>());
                if value.is_ok_and(|n| n > MAX_DIM) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Runs one case: `#[differentiable(attr)] item`, both as source text; on an error, also
/// what the attribute emits when `fallback` (it runs the macro again, and parsing is most
/// of the time a case takes, so the fuzz tests check it for one case in three).
pub fn check(attr: &str, item: &str, stats: &mut Stats, fallback: bool) -> Result<(), Failure> {
    let (Ok(attr), Ok(item)) = (attr.parse::<TokenStream>(), item.parse::<TokenStream>()) else {
        stats.unlexable += 1;
        return Ok(());
    };
    if huge_array(&item) {
        stats.huge_arrays += 1;
        return Ok(());
    }
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
        if is_call_site(message.span()) {
            if ended_early(&text) {
                stats.at_call_site += 1;
            } else {
                return fail(Class::CallSiteSpan, text);
            }
        }
    }
    if !fallback {
        return Ok(());
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
