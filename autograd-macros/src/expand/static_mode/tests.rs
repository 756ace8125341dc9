//! The lowering and the fusion plan on small bodies.

use proc_macro2::TokenStream;

use super::graph::{lower, Graph};
use super::plan::{plan, Plan, Unit};
use crate::analyze::analyze;
use crate::diagnostics::Ctxt;
use crate::parse::{parse, FnKind};

fn planned(item: &str) -> (Graph, Plan) {
    let cx = Ctxt::new();
    let func = parse(&cx, item.parse::<TokenStream>().unwrap());
    cx.check().unwrap();
    let func = func.unwrap();
    let FnKind::Tensor(ret) = &func.kind else {
        panic!("a tensor function")
    };
    let body = analyze(&func, ret).unwrap();
    let graph = lower(&func, &body, &syn::parse_quote!(::autograd));
    let plan = plan(&graph);
    (graph, plan)
}

/// Each unit as `n` (a node) or `[members] <- [leaves]` (a chain).
fn units(plan: &Plan) -> Vec<String> {
    plan.units
        .iter()
        .map(|u| match u {
            Unit::Single(n) => n.to_string(),
            Unit::Chain(c) => format!("{:?} <- {:?}", c.members, c.leaves),
        })
        .collect()
}

#[test]
fn the_tutorial_is_one_chain_over_its_input() {
    let (graph, plan) = planned(
        "fn out(x: &Tensor) -> Tensor { let y = x + 2.0; let z = &y * &y * 3.0; z.mean() }",
    );
    assert_eq!(graph.nodes.len(), 5);
    assert_eq!(units(&plan), ["[1, 2, 3, 4] <- [0]"]);
    // The fused loops read only the input; op by op, the product reads `y` and the mean the
    // shape of `z`.
    assert_eq!(plan.saved_values.iter().copied().collect::<Vec<_>>(), [0]);
    let Unit::Chain(chain) = &plan.units[0] else {
        unreachable!()
    };
    assert_eq!(chain.fallback_saves, [1, 3]);
}

#[test]
fn chains_stop_at_other_ops_and_at_returned_values() {
    let (_, plan) = planned(
        "fn f(x: &Tensor, w: &Tensor, b: &Tensor) -> (Tensor, Tensor) {
            let h = (x.matmul(w) + b).relu();
            let d = h.matmul(w) - 1.0;
            (h, (&d * &d).sum())
        }",
    );
    // 3 = x w, 4 = + b, 5 = relu (returned: a chain root), 6 = h w, 7..9 = the loss chain.
    assert_eq!(
        units(&plan),
        ["3", "[4, 5] <- [3, 2]", "6", "[7, 8, 9] <- [6]"]
    );
    // The products read their operands; the chains their leaves.
    assert_eq!(
        plan.saved_values.iter().copied().collect::<Vec<_>>(),
        [0, 1, 2, 3, 5, 6]
    );
}

#[test]
fn a_value_read_by_two_chains_ends_its_own() {
    let (_, plan) =
        planned("fn f(x: &Tensor) -> Tensor { let y = x.exp(); y.sin().sum() + y.cos().sum() }");
    // 1 = exp (read by both sums' chains), 2..3 and 4..5 the chains, 6 = the sum of sums.
    assert_eq!(
        units(&plan),
        [
            "[1] <- [0]",
            "[2, 3] <- [1]",
            "[4, 5] <- [1]",
            "[6] <- [3, 5]"
        ]
    );
}

#[test]
fn a_sum_of_something_else_is_a_plain_node_and_dead_code_is_not_live() {
    let (_, plan) =
        planned("fn f(x: &Tensor, y: &Tensor) -> Tensor { let unused = y.exp(); x.t().sum() }");
    assert_eq!(units(&plan), ["[2] <- [1]", "3", "4"]);
    assert_eq!(plan.live, [true, false, false, true, true]);
    // The dead chain saves nothing; `t` reads nothing; `sum` reads the shape of `x.t()`.
    assert!(plan.saved_values.is_empty());
    assert_eq!(plan.saved_shapes.iter().copied().collect::<Vec<_>>(), [3]);
}
