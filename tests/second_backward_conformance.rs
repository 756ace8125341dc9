//! A second `backward()` through the same graph without `retain_graph`: PyTorch 2.15.0 refuses
//! it exactly when a node on the way saved something for its backward (a tensor, or a number
//! or index it keeps as a tensor: `x * 2.0` saves the 2), and allows it through nodes that
//! saved nothing (`x + 2.0`, `sum`, views, `cat`). Each case below was run in torch 2.15.0:
//! `y = f(x); y.backward(); y.backward()`.

use autograd::{AutogradError, Tensor};

/// A named function of the leaf whose result is backwarded twice.
type Case = (&'static str, Box<dyn Fn(&Tensor) -> Tensor>);

fn leaf() -> Tensor {
    Tensor::from_vec(vec![1.0f64, 2.0], &[2]).requires_grad_(true)
}

/// Runs `y.backward()` twice on `f(x)`; the second's result.
fn second_backward(f: impl Fn(&Tensor) -> Tensor) -> Result<(), AutogradError> {
    let x = leaf();
    let y = f(&x);
    y.backward();
    y.try_backward()
}

fn mask() -> Tensor {
    Tensor::from_vec(vec![1.0f64, 0.0], &[2]).gt(0.5)
}

#[test]
fn nodes_that_saved_something_refuse_a_second_backward() {
    let cases: Vec<Case> = vec![
        ("x * 2.0", Box::new(|x| (x * 2.0).sum())),
        ("x / 2.0", Box::new(|x| (x / 2.0).sum())),
        ("2.0 / x", Box::new(|x| x.rdiv_scalar(2.0).sum())),
        ("x.pow(2)", Box::new(|x| x.pow(2.0).sum())),
        ("gather", Box::new(|x| x.gather(0, &[1, 0], &[2]).sum())),
        ("index_select", Box::new(|x| x.index_select(0, &[1]).sum())),
        (
            "masked_fill",
            Box::new(|x| x.masked_fill(&mask(), 0.0).sum()),
        ),
        (
            "where",
            Box::new(|x| Tensor::where_cond(&mask(), x, &(x * 0.0)).sum()),
        ),
        ("clamp", Box::new(|x| x.clamp(0.0, 1.5).sum())),
        ("relu", Box::new(|x| x.relu().sum())),
        ("max", Box::new(|x| x.max())),
        ("max_dim", Box::new(|x| x.max_dim(0, false).0)),
        ("softmax", Box::new(|x| x.softmax(0).sum())),
        (
            "mse_loss",
            Box::new(|x| x.mse_loss(&x.detach().zeros_like())),
        ),
        ("nll_loss", Box::new(|x| x.reshape(&[1, 2]).nll_loss(&[1]))),
        ("abs", Box::new(|x| x.abs().sum())),
        ("dropout", Box::new(|x| x.dropout(0.5, true).sum())),
        ("maximum", Box::new(|x| x.maximum(&(x * 0.0)).sum())),
        ("logsumexp", Box::new(|x| x.logsumexp(0, false))),
        ("norm", Box::new(|x| x.norm())),
        ("sqrt", Box::new(|x| x.sqrt().sum())),
        ("sin", Box::new(|x| x.sin().sum())),
    ];
    let accepted: Vec<&str> = cases
        .iter()
        .filter(|(_, f)| !matches!(second_backward(f), Err(AutogradError::GraphFreed { .. })))
        .map(|(name, _)| *name)
        .collect();
    assert!(
        accepted.is_empty(),
        "second backward not refused: {accepted:?}"
    );
}

#[test]
fn nodes_that_saved_nothing_allow_a_second_backward() {
    let cases: Vec<Case> = vec![
        ("x + 2.0", Box::new(|x| (x + 2.0).sum())),
        ("x - 2.0", Box::new(|x| (x - 2.0).sum())),
        ("2.0 - x", Box::new(|x| x.rsub_scalar(2.0).sum())),
        ("-x", Box::new(|x| (-x).sum())),
        ("sum", Box::new(|x| x.sum())),
        ("mean", Box::new(|x| x.mean())),
        ("expand", Box::new(|x| x.expand(&[2, 2]).sum())),
        ("narrow", Box::new(|x| x.narrow(0, 0, 1).sum())),
        ("cat", Box::new(|x| Tensor::cat(&[x, x], 0).sum())),
        ("t", Box::new(|x| x.reshape(&[2, 1]).t().sum())),
        ("sign", Box::new(|x| x.sign().sum())),
        ("reshape", Box::new(|x| x.reshape(&[2, 1]).sum())),
        ("sum_dim", Box::new(|x| x.sum_dim(0, false))),
        ("mean_dim", Box::new(|x| x.mean_dim(0, false))),
        ("split", Box::new(|x| x.split(1, 0)[0].sum())),
        ("squeeze", Box::new(|x| x.reshape(&[2, 1]).squeeze(1).sum())),
        ("float", Box::new(|x| x.float().sum())),
        ("stack", Box::new(|x| Tensor::stack(&[x, x], 0).sum())),
    ];
    for (name, f) in &cases {
        assert!(
            second_backward(f).is_ok(),
            "{name}: second backward refused"
        );
    }
}

/// The refusal names the node and says PyTorch's sentence.
#[test]
fn the_refusal_says_pytorchs_sentence() {
    let err = second_backward(|x| (x * 2.0).sum()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("Trying to backward through the graph a second time"),
        "{text}"
    );
    assert!(text.contains("MulBackward0"), "{text}");
}
