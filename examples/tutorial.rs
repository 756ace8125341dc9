//! PyTorch's autograd tutorial ("Autograd: automatic differentiation"), step by step in Rust.
//!
//! Every step prints what PyTorch prints. Random tensors come from `manual_seed(0)`, so the
//! output is the same on every run and the random values are the ones PyTorch draws after
//! `torch.manual_seed(0)` (the same generator); every gradient is checked against its closed
//! form.
//!
//! Run with `cargo run --release --example tutorial`.

use autograd::{manual_seed, no_grad, Tensor};

/// Python's spelling of a bool, as `print(x.requires_grad)` shows it.
fn py(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Python's spelling of an optional tensor (`None` when unset).
fn py_opt(t: Option<Tensor>) -> String {
    t.map_or_else(|| "None".to_string(), |t| t.to_string())
}

fn section(title: &str) {
    println!("\n== {title} ==");
}

/// Panics unless every element of `actual` is within 1e-4 (relative) of `expected`.
fn check(what: &str, actual: &Tensor, expected: &[f64]) {
    let got = actual.to_vec();
    assert_eq!(
        got.len(),
        expected.len(),
        "{what}: wrong number of elements"
    );
    for (g, e) in got.iter().zip(expected) {
        assert!(
            (g - e).abs() <= 1e-4 * e.abs().max(1.0),
            "{what}: got {got:?}, expected {expected:?}"
        );
    }
    println!("# checked: {what}");
}

fn main() {
    manual_seed(0);

    section("Tensor");
    // x = torch.ones(2, 2, requires_grad=True)
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    println!("{x}");
    // y = x + 2
    let y = &x + 2.0;
    println!("{y}");
    // y was created as a result of an operation, so it has a grad_fn.
    println!("{}", y.grad_fn().expect("y has a grad_fn"));
    // z = y * y * 3; out = z.mean()
    let z = &y * &y * 3.0;
    let out = z.mean();
    println!("{z} {out}");

    section("requires_grad_");
    // a = torch.randn(2, 2); a = ((a * 3) / (a - 1))
    let a = Tensor::randn(&[2, 2]);
    let a = (&a * 3.0) / (&a - 1.0);
    println!("{}", py(a.requires_grad()));
    let a = a.requires_grad_(true);
    println!("{}", py(a.requires_grad()));
    let b = (&a * &a).sum();
    println!("{}", b.grad_fn().expect("b has a grad_fn"));

    section("Gradients");
    // out.backward(); print(x.grad): d(out)/dx_i = 3/2 (x_i + 2) = 4.5 at x_i = 1
    out.backward();
    let grad = x.grad().expect("x.grad is set");
    println!("{grad}");
    check("d(out)/dx = 4.5", &grad, &[4.5; 4]);

    // The 0.4 variant: z = 3*y*y + 4*y; d(out)/dx_i = 3/2 (x_i + 2) + 1 = 5.5
    let x = Tensor::ones(&[2, 2]).requires_grad_(true);
    let y = &x + 2.0;
    let z = 3.0 * &y * &y + 4.0 * &y;
    let out = z.mean();
    println!("{z} {out}");
    out.backward();
    let grad = x.grad().expect("x.grad is set");
    println!("{grad}");
    check("d(out)/dx = 5.5", &grad, &[5.5; 4]);

    section("Vector-Jacobian product");
    // x = torch.randn(3, requires_grad=True); y = x * 2; while y.data.norm() < 1000: y = y * 2
    let x = Tensor::randn(&[3]).requires_grad_(true);
    let mut y = &x * 2.0;
    let mut doublings = 1;
    while y.data().norm().item() < 1000.0 {
        y = y * 2.0;
        doublings += 1;
    }
    println!("{y}");
    // v = torch.tensor([0.1, 1.0, 0.0001]); y.backward(v); print(x.grad)
    let v = Tensor::from_vec(vec![0.1f32, 1.0, 0.0001], &[3]);
    y.backward_with(&v);
    let grad = x.grad().expect("x.grad is set");
    println!("{grad}");
    let scale = 2f64.powi(doublings);
    check(
        "x.grad = 2^k * v",
        &grad,
        &[0.1 * scale, scale, 0.0001 * scale],
    );

    section("Stopping autograd");
    println!("{}", py(x.requires_grad()));
    println!("{}", py(x.pow(2.0).requires_grad()));
    no_grad(|| println!("{}", py(x.pow(2.0).requires_grad())));
    println!("{}", py(x.requires_grad()));
    let y = x.detach();
    println!("{}", py(y.requires_grad()));
    println!("{}", x.eq(&y).all());

    section("Walking grad_fn back to the leaf (PyTorch 0.3)");
    // v = Variable(torch.randn(3, 3), requires_grad=True); y = v**2; z = y + 3
    let v = Tensor::randn(&[3, 3]).requires_grad_(true);
    println!("{v}");
    let y = v.pow(2.0);
    println!("{y}");
    println!("{}", y.grad_fn().expect("y has a grad_fn"));
    let z = &y + 3.0;
    let pow_node = z.grad_fn().expect("z has a grad_fn").next_functions()[0]
        .0
        .clone()
        .expect("edge to y");
    println!("{pow_node}");
    let leaf_node = pow_node.next_functions()[0].0.clone().expect("edge to v");
    println!("{leaf_node}");
    let leaf = leaf_node.variable().expect("AccumulateGrad holds the leaf");
    println!("{leaf}");
    assert!(
        leaf.ptr_eq(&v),
        "the AccumulateGrad node gives back v itself"
    );
    println!("{z}");
    // f = z.mean(); f.backward(); v.grad = 2 v / 9
    let f = z.mean();
    println!("{f}");
    f.backward();
    let grad = v.grad().expect("v.grad is set");
    println!("{grad}");
    let expected: Vec<f64> = v.to_vec().iter().map(|v| 2.0 * v / 9.0).collect();
    check("v.grad = 2v/9", &grad, &expected);

    // x = randn(2, 2) requiring grad; y = x**2; y.backward(ones(2, 2)); x.grad = 2x
    let x = Tensor::randn(&[2, 2]).requires_grad_(true);
    println!("{x}");
    let y = x.pow(2.0);
    println!("{y}");
    y.backward_with(&Tensor::ones(&[2, 2]));
    let grad = x.grad().expect("x.grad is set");
    println!("{grad}");
    let expected: Vec<f64> = x.to_vec().iter().map(|x| 2.0 * x).collect();
    check("x.grad = 2x", &grad, &expected);

    section("retain_grad on every intermediate");
    // x -> x * 2 -> sum, each new variable calling retain_grad()
    let x = Tensor::randn(&[3]).requires_grad_(true);
    let y = &x * 2.0;
    y.retain_grad();
    let s = y.sum();
    s.retain_grad();
    println!(
        "{} {} {}",
        py_opt(x.grad()),
        py_opt(y.grad()),
        py_opt(s.grad())
    );
    s.backward();
    for (name, t) in [("x", &x), ("y", &y), ("s", &s)] {
        println!("{name}.grad = {}", t.grad().expect("grad retained"));
    }
    check("s.grad = 1", &s.grad().unwrap(), &[1.0]);
    check("y.grad = 1", &y.grad().unwrap(), &[1.0; 3]);
    check("x.grad = 2", &x.grad().unwrap(), &[2.0; 3]);
}
