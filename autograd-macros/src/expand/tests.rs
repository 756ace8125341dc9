//! Unit tests of the whole pipeline through its `proc_macro2` entry point: what expands,
//! what is rejected, with which message, and where the error points (the dev-dependency
//! on proc-macro2's `span-locations` gives spans real lines and columns here).

use proc_macro2::{LineColumn, TokenStream};

use super::{differentiable, differentiable_or_fallback};

fn tokens(source: &str) -> TokenStream {
    source.parse().expect("test input tokenizes")
}

fn expand(attr: &str, item: &str) -> String {
    match differentiable(tokens(attr), tokens(item)) {
        Ok(expanded) => expanded.to_string(),
        Err(error) => panic!("expected an expansion of {item}, got: {error}"),
    }
}

/// Every error: its message and where it starts.
fn errors(attr: &str, item: &str) -> Vec<(String, LineColumn)> {
    match differentiable(tokens(attr), tokens(item)) {
        Ok(expanded) => panic!("expected errors, got {expanded}"),
        Err(error) => error
            .into_iter()
            .map(|e| (e.to_string(), e.span().start()))
            .collect(),
    }
}

/// Where `needle` starts in `source` (1-based line, 0-based column, as proc-macro2 counts).
fn position(source: &str, needle: &str) -> LineColumn {
    let offset = source
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {source}"));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.len(), |n| offset - n - 1);
    LineColumn { line, column }
}

/// Asserts exactly one error, whose message contains `message`, starting at the first
/// occurrence of `at` in the item (or in the attribute with `in_attr`).
fn assert_error(attr: &str, item: &str, at: &str, message: &str) {
    let found = errors(attr, item);
    assert_eq!(found.len(), 1, "{found:?}");
    let (text, start) = &found[0];
    assert!(
        text.contains(message),
        "{text:?} does not contain {message:?}"
    );
    let source = if attr.contains(at) { attr } else { item };
    assert_eq!(
        *start,
        position(source, at),
        "{text}: span at {start:?}, expected at {at:?}"
    );
}

fn assert_not_static(item: &str, at: &str, reason: &str) {
    assert_error("static", item, at, reason);
    assert!(found_message(item)
        .starts_with("#[differentiable(static)]: this function is not a static path"));
    // Without `static`, the same body falls back to the tape: the function, unchanged.
    assert_eq!(expand("", item), tokens(item).to_string());
}

fn found_message(item: &str) -> String {
    errors("static", item).remove(0).0
}

// ---------------------------------------------------------------- plain numbers

#[test]
fn plain_function_keeps_the_original_and_adds_the_gradient() {
    let out = expand("", "pub fn f(x: f64, y: f64) -> f64 { x * y }");
    assert!(
        out.starts_with("pub fn f (x : f64 , y : f64) -> f64 { x * y }"),
        "{out}"
    );
    assert!(
        out.contains("pub fn f_grad (x : f64 , y : f64) -> (f64 , (f64 , f64 ,))"),
        "{out}"
    );
}

#[test]
fn one_parameter_still_gets_a_tuple() {
    let out = expand("", "fn g(x: f32) -> f32 { x.exp() }");
    assert!(
        out.contains("fn g_grad (x : f32) -> (f32 , (f32 ,))"),
        "{out}"
    );
}

#[test]
fn cfg_and_lint_attributes_follow_the_function() {
    let out = expand("", "#[cfg(test)] #[doc = \"d\"] fn f(x: f64) -> f64 { x }");
    let grad = &out[out
        .find("# [doc = \" The value")
        .expect("doc on the gradient")
        - 15..];
    assert!(grad.contains("# [cfg (test)]"), "{out}");
    assert_eq!(out.matches("# [doc = \"d\"]").count(), 1, "{out}");
}

#[test]
fn static_is_accepted_on_plain_functions() {
    expand("static", "fn f(x: f64) -> f64 { x * 2.0 }");
}

#[test]
fn dynamic_is_rejected_on_plain_functions() {
    assert_error(
        "dynamic",
        "fn f(x: f64) -> f64 { x }",
        "dynamic",
        "`dynamic` applies to tensor functions",
    );
}

#[test]
fn unsupported_method_lists_what_is_supported() {
    let item = "fn f(x: f64, y: f64) -> f64 {\n    x.atan2(y)\n}";
    assert_error(
        "",
        item,
        "atan2",
        "the method `atan2` is not supported in a plain-number function",
    );
    assert!(errors("", item)[0]
        .0
        .contains("`powi`, `powf`, `exp`, `ln`"));
}

#[test]
fn unsupported_constructs_in_plain_functions() {
    let cases = [
        (
            "fn f(x: f64) -> f64 { if x > 0.0 { x } else { -x } }",
            "if x",
            "`if`",
        ),
        (
            "fn f(x: f64) -> f64 { let g = |t: f64| t * x; g(1.0) }",
            "|t",
            "a closure",
        ),
        (
            "fn f(x: f64) -> f64 { helper(x) }",
            "helper",
            "a call to a function",
        ),
        (
            "fn f(x: f64) -> f64 { println!(\"{}\", x); x }",
            "println",
            "a macro call",
        ),
        (
            "fn f(x: f64) -> f64 { let (a, b) = (x, x); a }",
            "(a, b)",
            "this pattern",
        ),
        ("fn f(x: f64) -> f64 { x % 2.0 }", "%", "this operator"),
        (
            "fn f(x: f64) -> f64 { while x > 0.0 {} x }",
            "while",
            "a `while` loop",
        ),
        (
            "fn f(x: f64) -> f64 { x.powi(x as i32) }",
            "x as",
            "exponent of `powi`",
        ),
    ];
    for (item, at, message) in cases {
        assert_error("", item, at, message);
    }
}

#[test]
fn a_loop_range_must_not_depend_on_differentiable_values() {
    let item = "fn f(x: f64) -> f64 { let mut s = x; for _ in 0..(x as usize) { s = s * x; } s }";
    assert_error(
        "",
        item,
        "0..(x",
        "the loop's range must not depend on differentiable values",
    );
}

#[test]
fn every_unsupported_expression_is_reported_at_once() {
    let found = errors(
        "",
        "fn f(x: f64) -> f64 { let a = x.atan(); let b = x.cbrt(); a + b }",
    );
    let messages: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("`atan`") && messages[1].contains("`cbrt`"));
}

#[test]
fn a_body_without_a_value_is_rejected() {
    let found = errors("", "fn f(x: f64) -> f64 { let y = x; }");
    assert!(
        found[0].0.contains("must end with the value it returns"),
        "{found:?}"
    );
}

// ---------------------------------------------------------------- signatures

#[test]
fn signature_errors_point_at_the_offending_tokens() {
    let cases = [
        (
            "struct S;",
            "struct",
            "can only be applied to a function, not to a struct",
        ),
        ("async fn f(x: f64) -> f64 { x }", "async", "`async fn`"),
        ("const fn f(x: f64) -> f64 { x }", "const", "`const fn`"),
        ("unsafe fn f(x: f64) -> f64 { x }", "unsafe", "`unsafe fn`"),
        ("fn f<T>(x: f64) -> f64 { x }", "T", "generic parameters"),
        (
            "fn f((a, b): (f64, f64)) -> f64 { a }",
            "(a, b)",
            "parameter pattern",
        ),
        (
            "fn f(x: f64) -> String { x }",
            "String",
            "unsupported return type",
        ),
        (
            "fn f(n: usize) -> f64 { 1.0 }",
            "(n",
            "no differentiable parameter",
        ),
        (
            "fn f(x: f64, n: usize) -> f64 { x }",
            "usize",
            "unsupported parameter type",
        ),
        (
            "fn f(x: &Tensor) -> f64 { 1.0 }",
            "f64 {",
            "a tensor function returns `Tensor`",
        ),
        (
            "fn f(&self, x: f64) -> f64 { x }",
            "&self",
            "`self` receivers",
        ),
    ];
    for (item, at, message) in cases {
        assert_error("", item, at, message);
    }
}

#[test]
fn argument_errors_point_at_the_argument() {
    let item = "fn f(x: &Tensor) -> Tensor { x.exp() }";
    assert_error(
        "fast",
        item,
        "fast",
        "unknown argument `fast`; expected one of: `static`, `dynamic`, `crate = path`",
    );
    let found = errors("static, static", item);
    assert_eq!(found[0].1, LineColumn { line: 1, column: 8 });
    let found = errors("static, dynamic", item);
    assert!(found[0].0.contains("cannot be used together"));
    assert_eq!(found[0].1, position("static, dynamic", "dynamic"));
}

// ---------------------------------------------------------------- tensor functions

const TUTORIAL: &str =
    "fn out(x: &Tensor) -> Tensor { let y = x + 2.0; let z = &y * &y * 3.0; z.mean() }";

#[test]
fn static_tensor_bodies_are_accepted() {
    // `dynamic` keeps the function as written; a static body otherwise gets one node.
    assert_eq!(expand("dynamic", TUTORIAL), tokens(TUTORIAL).to_string());
    for attr in ["", "static", "static, crate = ::autograd"] {
        let out = expand(attr, TUTORIAL);
        assert!(
            out.starts_with("fn out (x : & Tensor) -> Tensor {"),
            "{out}"
        );
        assert!(out.contains("\"OutBackward\""), "{out}");
        assert!(out.contains("record_outputs"), "{out}");
    }
    let cases = [
        "fn f(x: &Tensor, w: &Tensor, b: &Tensor) -> Tensor { let h = (x.matmul(w) + b).tanh(); (&h * &h).mean() }",
        "fn f(x: Tensor, s: f64) -> (Tensor, Tensor) { (x.exp() * s, -x.clone()) }",
        "fn f(x: &Tensor, d: usize) -> Tensor { x.sum_dim(d, true).reshape(&[2, 3]).unsqueeze(0).pow(2.0) }",
        "fn f(x: &Tensor) -> Tensor { 2.0 * x.t().transpose(0, 1).squeeze(1).sigmoid().relu().norm() }",
        "fn f(x: &Tensor, a: f64) -> Tensor { let s = a * 2.0 + std::f64::consts::PI; x / s - 1.0 }",
    ];
    for item in cases {
        expand("static", item);
    }
}

#[test]
fn the_node_is_named_after_the_function() {
    use super::static_mode::node_name;
    let name = |s: &str| node_name(&syn::parse_str(s).unwrap());
    assert_eq!(name("two_layer_loss"), "TwoLayerLossBackward");
    assert_eq!(name("out"), "OutBackward");
    assert_eq!(name("_private_f2"), "PrivateF2Backward");
    assert_eq!(name("r#loop"), "LoopBackward");
    assert_eq!(name("already_CamelCase"), "AlreadyCamelCaseBackward");
}

#[test]
fn the_expansion_names_the_crate_path_it_is_given() {
    let out = expand("crate = ::my::ad", TUTORIAL);
    assert!(
        out.contains(":: my :: ad :: __private :: record_outputs"),
        "{out}"
    );
    assert!(!out.contains(":: autograd ::"), "{out}");
}

#[test]
fn a_chain_becomes_two_loops_and_its_backward_makes_no_tensor() {
    let out = expand(
        "static",
        "fn f(x: &Tensor) -> Tensor { ((x * 2.0 + 1.0).tanh() * x).sum() }",
    );
    assert_eq!(out.matches("fused_forward").count(), 1, "{out}");
    assert_eq!(out.matches("fused_backward").count(), 1, "{out}");
    // One instance per dtype, through the fused loops' math.
    assert!(
        out.contains("< f32 as :: autograd :: __private :: FusedMath > :: tanh"),
        "{out}"
    );
    assert!(
        out.contains("< f64 as :: autograd :: __private :: FusedMath > :: tanh"),
        "{out}"
    );
    // The fused branch of the backward: the loops, then only adding into the leaf's adjoint.
    let fused_branch = out
        .split(":: core :: option :: Option :: None =>")
        .nth(1)
        .and_then(|rest| rest.split(":: core :: option :: Option :: Some ((").next())
        .expect("the fused branch");
    for op in [". mul (", ". tanh ()", ". add (", ". sum ()", "Tensor :: "] {
        assert!(!fused_branch.contains(op), "{op} in {fused_branch}");
    }
}

#[test]
fn ops_outside_chains_are_not_fused() {
    let out = expand(
        "static",
        "fn f(x: &Tensor, w: &Tensor) -> Tensor { x.matmul(w).t().sum() }",
    );
    assert!(!out.contains("fused_forward"), "{out}");
    assert!(out.contains("matmul_backward"), "{out}");
}

#[test]
fn static_on_a_dynamic_body_points_at_the_first_offending_expression() {
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor {\n    let mut y = x.exp();\n    for _ in 0..3 { y = &y * 2.0; }\n    y\n}",
        "for _",
        "a `for` loop is a loop",
    );
    assert_not_static(
        "fn f(x: &Tensor, c: bool) -> Tensor { if c { x.exp() } else { x.sin() } }",
        "if c",
        "`if` branches on a run-time value",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { let y = helper(x); y.exp() }",
        "helper",
        "`helper` is a function the macro does not know",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { let mut y = x.exp(); y = y.sin(); y }",
        "y = y",
        "an assignment mutates a value",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { let y = x.exp(); y += 1.0; y }",
        "y +=",
        "a compound assignment mutates a value",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { println!(\"{x}\"); x.exp() }",
        "println",
        "the macro call `println!`",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { let g = |t: &Tensor| t.exp(); g(x) }",
        "|t",
        "a closure",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { x.exp().softplus() }",
        "softplus",
        "`softplus` is not one of the runtime's tensor ops",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { match 1 { _ => x.exp() } }",
        "match",
        "`match` branches",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { let y = x.exp(); return y; }",
        "return",
        "`return` is an early return",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { x.sum_dim(1.5, true) }",
        "1.5",
        "`sum_dim` expects an integer",
    );
    assert_not_static(
        "fn f(x: &Tensor) -> Tensor { x.exp() % 2.0 }",
        "%",
        "the operator `%`",
    );
}

#[test]
fn the_first_offence_in_source_order_wins() {
    let item = "fn f(x: &Tensor) -> Tensor { let a = x.foo(); for _ in 0..2 {} a }";
    let found = errors("static", item);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, position(item, "foo"));
}

// ---------------------------------------------------------------- fallback

#[test]
fn errors_come_with_the_function_unchanged_and_a_gradient_stub() {
    let item = "fn f(x: f64) -> f64 { x.atan() }";
    let out = differentiable_or_fallback(tokens(""), tokens(item)).to_string();
    assert!(out.contains("compile_error"), "{out}");
    assert!(out.contains(&tokens(item).to_string()), "{out}");
    assert!(
        out.contains("fn f_grad (x : f64) -> (f64 , (f64 ,))"),
        "{out}"
    );
    // No stub when the signature itself is wrong.
    let out =
        differentiable_or_fallback(tokens(""), tokens("fn f<T>(x: T) -> f64 { 1.0 }")).to_string();
    assert!(!out.contains("f_grad"), "{out}");
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        ("", ""),
        ("", "fn"),
        ("", "1 + 2"),
        ("static =", "fn f(x: f64) -> f64 { x }"),
        ("crate", "fn f(x: f64) -> f64 { x }"),
        ("crate = 1", "fn f(x: f64) -> f64 { x }"),
        (",,", "fn f(x: f64) -> f64 { x }"),
        ("", "fn f(x: f64) -> f64 {}"),
        ("", "fn f(x: f64) -> f64 { return; }"),
        ("", "fn f(x: f64) -> f64 { for i in 0..3 { } }"),
        ("", "fn f(x: f64) -> f64 { x = 1.0; x }"),
        ("", "fn f(x: f64) -> f64 { let y; y }"),
        ("", "fn f(v: Vector3<f64>) -> f64 { v }"),
        ("", "fn f(v: Vector3<f64>) -> f64 { v.dot(1.0) }"),
        ("static", "fn f(x: &Tensor) -> Tensor {}"),
        (
            "static",
            "fn f(x: &Tensor) -> (Tensor, Tensor) { (x.exp(),) }",
        ),
        ("static", "fn f(x: &Tensor) -> Tensor { x.exp(); }"),
        ("", "fn f(x: &Tensor) -> (Tensor, Tensor) { (x.clone(), x.clone()) }"),
        ("", "fn f(x: &Tensor, y: &Tensor) -> Tensor { let y = x; y }"),
        ("", "fn f(x: &Tensor) -> Tensor { let s = 2.0; s * x * s }"),
        ("", "fn f(x: &Tensor) -> Tensor { x.matmul(x).matmul(x) }"),
        ("", "fn f(x: &Tensor) -> Tensor { x.sum_dim(0, false).sum_dim(0, false) }"),
        ("", "fn f(x: Tensor, y: Tensor) -> (Tensor, Tensor, Tensor) { (y.clone(), x.exp(), x.exp()) }"),
    ];
    for (attr, item) in inputs {
        let _ = differentiable_or_fallback(tokens(attr), tokens(item));
    }
}

/// A debugging aid, not a check: `AUTOGRAD_DUMP=f.rs cargo test -p autograd-macros --
/// --ignored dump_expansion` writes the expansion of the function in `f.rs` (with
/// `AUTOGRAD_ATTR` as the attribute's arguments) to `f.rs.out.rs`; `rustfmt` makes it legible.
#[test]
#[ignore]
fn dump_expansion() {
    let Ok(path) = std::env::var("AUTOGRAD_DUMP") else {
        return;
    };
    let attr = std::env::var("AUTOGRAD_ATTR").unwrap_or_default();
    let item = std::fs::read_to_string(&path).expect("AUTOGRAD_DUMP names a readable file");
    let out = differentiable_or_fallback(tokens(&attr), tokens(&item));
    std::fs::write(format!("{path}.out.rs"), out.to_string()).expect("writable");
}
