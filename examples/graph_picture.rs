//! A picture of the autograd graph, as torchviz's `make_dot` draws it: a two-layer network's
//! loss, its nodes (`AddmmBackward0`, `ReluBackward0`, ...), the parameters by name and shape,
//! and a hidden activation that retains its grad.
//!
//! ```text
//! cargo run --example graph_picture              # target/graph.dot (+ target/graph.svg)
//! cargo run --example graph_picture -- out_dir   # out_dir/graph.dot (+ out_dir/graph.svg)
//! ```
//!
//! The SVG is rendered when Graphviz's `dot` program is installed
//! (`apt-get install graphviz`, `brew install graphviz`).

use autograd::nn::{Linear, Module};
use autograd::{manual_seed, Tensor};
use std::error::Error;
use std::path::PathBuf;
use std::process::Command;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target")));
    std::fs::create_dir_all(&dir)?;

    manual_seed(0);
    let hidden = Linear::new(3, 4);
    let output = Linear::new(4, 2);
    let x = Tensor::randn(&[5, 3]);
    let h = hidden.forward(&x).relu();
    h.retain_grad();
    let loss = output.forward(&h).cross_entropy(&[0, 1, 1, 0, 1]);

    // Name the parameters as `model.named_parameters()` would, plus the activation and loss.
    let mut names: Vec<(String, Tensor)> = Vec::new();
    for (prefix, layer) in [("hidden", &hidden), ("output", &output)] {
        for (name, p) in layer.named_parameters() {
            names.push((format!("{prefix}.{name}"), p));
        }
    }
    names.push(("h".to_string(), h.clone()));
    names.push(("loss".to_string(), loss.clone()));

    let dot_path = dir.join("graph.dot");
    std::fs::write(&dot_path, loss.to_dot_named(&names))?;
    println!("wrote {}", dot_path.display());

    let svg_path = dir.join("graph.svg");
    match Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_path)
        .arg("-o")
        .arg(&svg_path)
        .status()
    {
        Ok(status) if status.success() => println!("wrote {}", svg_path.display()),
        Ok(status) => eprintln!("dot failed ({status}); graph.dot is still there"),
        Err(_) => println!(
            "Graphviz's `dot` is not installed: render it with `dot -Tsvg {} -o graph.svg`",
            dot_path.display()
        ),
    }
    Ok(())
}
