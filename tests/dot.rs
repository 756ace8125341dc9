//! `Tensor::to_dot`: the autograd graph as Graphviz DOT, in torchviz's `make_dot` style.

use autograd::nn::{Linear, Module};
use autograd::{no_grad, Tensor};

/// The tutorial's graph with `y` retaining its grad. torchviz draws the same boxes: the
/// output (green), MeanBackward0 <- MulBackward0 <- MulBackward0 <- AddBackward0 (twice, for
/// `y * y`) <- AccumulateGrad <- the leaf `x` (blue); edges run from inputs to their users.
const TUTORIAL: &str = r#"digraph {
	graph [size="12,12"]
	node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]
	n0 [label="out\n ()" fillcolor=darkolivegreen1]
	n1 [label="MeanBackward0\nout: ()"]
	n1 -> n0
	n2 [label="MulBackward0\nout: (2, 2)"]
	n2 -> n1
	n3 [label="MulBackward0\nout: (2, 2)\nsaved: (2, 2), (2, 2)"]
	n3 -> n2
	n4 [label="AddBackward0\nout: (2, 2)"]
	n5 [label="y\n (2, 2)\nretain_grad, grad: None" fillcolor=lightyellow]
	n4 -> n5 [style=dashed]
	n4 -> n3
	n4 -> n3
	n6 [label="AccumulateGrad"]
	n7 [label="x\n (2, 2)" fillcolor=lightblue]
	n7 -> n6
	n6 -> n4
}
"#;

#[test]
fn tutorial_graph() {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let y = &x + 2.0;
    y.retain_grad();
    let out = (&y * &y * 3.0).mean();
    let dot = out.to_dot_named([("x", &x), ("y", &y), ("out", &out)]);
    assert_eq!(dot, TUTORIAL);
}

#[test]
fn after_backward_nodes_are_marked_freed_and_retained_grads_show() {
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let y = &x + 2.0;
    y.retain_grad();
    let out = (&y * &y * 3.0).mean();
    out.backward();
    let dot = out.to_dot();
    // Only rules holding saved tensors are freed (PyTorch runs the others again): here the
    // MulBackward0 of `y * y`, which saved both factors.
    assert!(
        dot.contains("MulBackward0\\nout: (2, 2)\\nsaved: (2, 2), (2, 2)\\n(freed by backward)"),
        "{dot}"
    );
    assert!(
        !dot.contains("AddBackward0\\nout: (2, 2)\\n(freed"),
        "{dot}"
    );
    assert!(dot.contains(r#"label="\n (2, 2)\nretain_grad, grad: (2, 2)" fillcolor=lightyellow"#));
}

#[test]
fn the_output_retaining_its_grad_is_drawn_once() {
    let x = Tensor::ones(&[3]).requires_grad_(true);
    let y = &x * 2.0;
    y.retain_grad();
    let dot = y.to_dot();
    assert_eq!(dot.matches("fillcolor=darkolivegreen1").count(), 1);
    assert_eq!(dot.matches("fillcolor=lightyellow").count(), 0);
    assert!(
        dot.contains(r#"n0 [label="\n (3)\nretain_grad, grad: None" fillcolor=darkolivegreen1]"#)
    );
}

#[test]
fn a_linear_layer_shows_its_parameters_by_name() {
    let layer = Linear::new(3, 2);
    let y = layer.forward(&Tensor::ones(&[4, 3])).relu().sum();
    let dot = y.to_dot_named(layer.named_parameters());
    assert!(
        dot.contains(r#"label="weight\n (2, 3)" fillcolor=lightblue"#),
        "{dot}"
    );
    assert!(
        dot.contains(r#"label="bias\n (2)" fillcolor=lightblue"#),
        "{dot}"
    );
    assert!(dot.contains("ReluBackward0\\nout: (4, 2)"), "{dot}");
    assert!(dot.contains("SumBackward0"), "{dot}");
    // Each node is declared once: two leaves, each with its AccumulateGrad.
    assert_eq!(dot.matches("[label=\"AccumulateGrad\"]").count(), 2);
    // The input does not require grad: it is no node (only a shape the matmul saved).
    assert_eq!(dot.matches("label=\"\\n (4, 3)").count(), 0, "{dot}");
    assert!(dot.contains("saved: (4, 3)"), "{dot}");
}

#[test]
fn a_shared_subexpression_is_one_node() {
    let x = Tensor::ones(&[2]).requires_grad_(true);
    let e = x.exp();
    let out = (&e + &e.sin()).sum();
    let dot = out.to_dot();
    assert_eq!(dot.matches("ExpBackward0").count(), 1);
    let edges = dot.lines().filter(|l| l.contains("->")).count();
    // out <- Sum <- Add <- {Exp, Sin <- Exp} <- AccumulateGrad <- x
    assert_eq!(edges, 7, "{dot}");
}

#[test]
fn tensors_outside_any_graph_are_single_nodes() {
    let leaf = Tensor::ones(&[2]).requires_grad_(true);
    let dot = leaf.to_dot();
    assert!(dot.contains(r#"n0 [label="\n (2)" fillcolor=lightblue]"#));
    assert!(!dot.contains("->"));
    let plain = no_grad(|| &leaf * 2.0);
    assert!(plain
        .to_dot()
        .contains(r#"n0 [label="\n (2)" fillcolor=darkolivegreen1]"#));
}

#[test]
fn names_with_quotes_are_escaped() {
    let x = Tensor::ones(&[1]).requires_grad_(true);
    let dot = (&x * 2.0).to_dot_named([("say \"hi\"", &x)]);
    assert!(dot.contains(r#"label="say \"hi\"\n (1)""#), "{dot}");
}

#[test]
fn graphviz_accepts_the_output_when_installed() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("graphviz `dot` is not installed; skipping");
        return;
    };
    let layer = Linear::new(2, 2);
    let y = layer.forward(&Tensor::ones(&[1, 2])).tanh().mean();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(y.to_dot_named(layer.named_parameters()).as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("<svg"));
}

#[test]
fn nodes_show_the_shapes_of_the_tensors_they_saved() {
    // mul saves both operands ([2, 3] and [3]); add saves nothing.
    let a = autograd::Tensor::ones(&[2, 3]).requires_grad_(true);
    let b = autograd::Tensor::ones(&[3]).requires_grad_(true);
    let y = (&a * &b) + 1.0;
    let dot = y.to_dot();
    assert!(
        dot.contains("MulBackward0\\nout: (2, 3)\\nsaved: (2, 3), (3)"),
        "{dot}"
    );
    assert!(!dot.contains("AddBackward0\\nout: (2, 3)\\nsaved"), "{dot}");
}
