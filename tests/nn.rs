//! `autograd::nn`: Linear (PyTorch's init, forward, gradients), Sequential, activations,
//! train/eval, state dicts, and a small network trained end to end.

use autograd::nn::{Dropout, Linear, Module, ReLU, Sequential, Sigmoid, Tanh};
use autograd::optim::{Adam, Optimizer};
use autograd::{gradcheck, manual_seed, tensor, DType, Tensor};
use std::collections::HashMap;

fn f64_leaf(values: Vec<f64>, shape: &[usize]) -> Tensor {
    Tensor::from_vec(values, shape).requires_grad_(true)
}

#[test]
fn linear_init_is_uniform_within_one_over_sqrt_fan_in() {
    // PyTorch: kaiming_uniform_(W, a=sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in)); the bias uses
    // the same bound. For in = 100: bound 0.1, mean 0, variance bound^2 / 3 = 1/300.
    manual_seed(1);
    let layer = Linear::new(100, 200);
    let w = layer.weight().to_vec();
    let b = layer.bias().unwrap().to_vec();
    assert_eq!(layer.weight().shape(), &[200, 100]);
    assert_eq!(layer.bias().unwrap().shape(), &[200]);
    assert!(w.iter().chain(&b).all(|v| v.abs() <= 0.1));
    let n = w.len() as f64;
    let mean = w.iter().sum::<f64>() / n;
    let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    assert!(mean.abs() < 2e-3, "mean {mean}");
    assert!((var - 1.0 / 300.0).abs() < 1e-4, "variance {var}");
    assert!(
        b.iter().any(|v| v.abs() > 0.05),
        "the bias is not zero-initialised"
    );
    assert!(layer.weight().is_leaf() && layer.weight().requires_grad());
    assert_eq!(layer.weight().dtype(), DType::F32);
}

#[test]
fn linear_init_follows_the_seed() {
    manual_seed(42);
    let a = Linear::new(3, 4);
    manual_seed(42);
    let b = Linear::new(3, 4);
    assert_eq!(a.weight().to_vec(), b.weight().to_vec());
    assert_eq!(a.bias().unwrap().to_vec(), b.bias().unwrap().to_vec());
    let c = Linear::new(3, 4);
    assert_ne!(a.weight().to_vec(), c.weight().to_vec());
}

#[test]
fn linear_options_dtype_and_no_bias() {
    let layer = Linear::with_options(3, 2, false, DType::F64);
    assert!(layer.bias().is_none());
    assert_eq!(layer.weight().dtype(), DType::F64);
    assert_eq!(layer.parameters().len(), 1);
    assert_eq!(
        format!("{layer:?}"),
        "Linear(in_features=3, out_features=2, bias=False)"
    );
    let empty = Linear::new(0, 2);
    assert_eq!(empty.weight().shape(), &[2, 0]);
    assert_eq!(empty.bias().unwrap().to_vec(), vec![0.0, 0.0]);
}

#[test]
fn linear_forward_known_values() {
    // W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -0.5, 1]; x W^T + b:
    // x = [1, 0] -> [1, 3, 5] + b = [1.5, 2.5, 6];  x = [1, 1] -> [3, 7, 11] + b = [3.5, 6.5, 12]
    let layer = Linear::from_tensors(
        tensor![[1., 2.], [3., 4.], [5., 6.]],
        Some(tensor![0.5, -0.5, 1.]),
    );
    assert_eq!((layer.in_features(), layer.out_features()), (2, 3));
    let y = layer.forward(&tensor![[1., 0.], [1., 1.]]);
    assert_eq!(y.shape(), &[2, 3]);
    assert_eq!(y.to_vec(), vec![1.5, 2.5, 6., 3.5, 6.5, 12.]);
    // One sample without a batch dim, and a [2, 1, 2] batch.
    assert_eq!(
        layer.forward(&tensor![1., 1.]).to_vec(),
        vec![3.5, 6.5, 12.]
    );
    let y3 = layer.forward(&tensor![[1., 0.], [1., 1.]].reshape(&[2, 1, 2]));
    assert_eq!(y3.shape(), &[2, 1, 3]);
    assert_eq!(y3.to_vec(), y.to_vec());
}

#[test]
fn linear_gradients() {
    // loss = sum(x W^T + b): dW[o, i] = sum_n x[n, i], db[o] = N.
    let layer = Linear::from_tensors(tensor![[1., 2.], [3., 4.]], Some(tensor![0., 0.]));
    let x = tensor![[1., 2.], [3., 4.], [5., 6.]];
    layer.forward(&x).sum().backward();
    assert_eq!(
        layer.weight().grad().unwrap().to_vec(),
        vec![9., 12., 9., 12.]
    );
    assert_eq!(layer.bias().unwrap().grad().unwrap().to_vec(), vec![3., 3.]);
}

#[test]
fn linear_gradcheck() {
    for (batch, lead) in [(vec![4, 3], 4), (vec![3], 1), (vec![2, 1, 3], 2)] {
        let n: usize = batch.iter().product();
        let x = f64_leaf((0..n).map(|i| (i as f64 * 0.37).sin()).collect(), &batch);
        let w = f64_leaf((0..6).map(|i| (i as f64 * 0.71).cos()).collect(), &[2, 3]);
        let b = f64_leaf(vec![0.1, -0.2], &[2]);
        gradcheck(
            |v| {
                let layer = Linear::from_tensors(v[1].clone(), Some(v[2].clone()));
                layer.forward(&v[0]).tanh()
            },
            &[x, w, b],
        )
        .unwrap_or_else(|e| panic!("batch {batch:?} ({lead} rows): {e}"));
    }
}

#[test]
fn activations_as_modules() {
    let x = tensor![-1., 0., 2.];
    assert_eq!(ReLU::new().forward(&x).to_vec(), vec![0., 0., 2.]);
    let t = Tanh::default().forward(&x).to_vec();
    assert!((t[2] - 2f64.tanh()).abs() < 1e-6);
    // sigmoid(0) = 1/2
    assert_eq!(Sigmoid::new().forward(&x).to_vec()[1], 0.5);
    assert!(ReLU::new().parameters().is_empty());
}

#[test]
fn sequential_composes_and_names_parameters_like_pytorch() {
    manual_seed(0);
    let model = Sequential::new()
        .add(Linear::new(3, 4))
        .add(Tanh::new())
        .add(Linear::new(4, 2))
        .add(Sigmoid::new());
    let names: Vec<String> = model
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["0.weight", "0.bias", "2.weight", "2.bias"]);
    let x = Tensor::randn(&[5, 3]);
    let p = model.parameters();
    let by_hand = (x.matmul(&p[0].t()) + &p[1])
        .tanh()
        .matmul(&p[2].t())
        .add(&p[3])
        .sigmoid();
    assert_eq!(model.forward(&x).to_vec(), by_hand.to_vec());
    assert_eq!(Sequential::new().forward(&x).to_vec(), x.to_vec());
    assert_eq!(format!("{model:?}"), "Sequential(4 modules)");
}

#[test]
fn nested_sequential_prefixes_names() {
    let inner = Sequential::new().add(Linear::new(2, 2));
    let outer = Sequential::from(vec![
        Box::new(inner) as Box<dyn Module>,
        Box::new(ReLU::new()),
    ]);
    let names: Vec<String> = outer
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["0.0.weight", "0.0.bias"]);
}

#[test]
fn train_and_eval_reach_every_module() {
    let mut model = Sequential::new().add(Linear::new(2, 2)).add(ReLU::new());
    assert!(model.is_training());
    model.eval();
    assert!(!model.is_training());
    assert!((0..2).all(|i| !model.get(i).unwrap().is_training()));
    model.train();
    assert!((0..2).all(|i| model.get(i).unwrap().is_training()));
}

#[test]
fn zero_grad_clears_every_parameter() {
    let model = Sequential::new().add(Linear::new(2, 2));
    model.forward(&Tensor::ones(&[1, 2])).sum().backward();
    assert!(model.parameters().iter().all(|p| p.grad().is_some()));
    model.zero_grad();
    assert!(model.parameters().iter().all(|p| p.grad().is_none()));
}

#[test]
fn state_dict_round_trip_into_another_model() {
    manual_seed(5);
    let a = Sequential::new().add(Linear::new(3, 2));
    let b = Sequential::new().add(Linear::with_options(3, 2, true, DType::F64));
    let x = Tensor::randn(&[4, 3]);
    b.load_state_dict(&a.state_dict()).unwrap();
    // b keeps its dtype (values converted) and now computes what a computes.
    assert_eq!(b.parameters()[0].dtype(), DType::F64);
    let ya = a.forward(&x).to_vec();
    let yb = b.forward(&x.double()).to_vec();
    assert!(ya.iter().zip(&yb).all(|(p, q)| (p - q).abs() < 1e-6));
}

#[test]
fn load_state_dict_lists_every_problem_and_changes_nothing() {
    let model = Sequential::new().add(Linear::new(3, 2));
    let before = model.parameters()[0].to_vec();
    let mut state = HashMap::new();
    state.insert("0.weight".to_string(), Tensor::zeros(&[3, 3]));
    state.insert("extra".to_string(), Tensor::zeros(&[1]));
    let err = model.load_state_dict(&state).unwrap_err();
    assert_eq!(err.missing, ["0.bias"]);
    assert_eq!(err.unexpected, ["extra"]);
    assert_eq!(
        err.to_string(),
        "Error(s) in loading state_dict:\n\tMissing key(s) in state_dict: \"0.bias\".\n\tUnexpected key(s) in state_dict: \"extra\".\n\tsize mismatch for 0.weight: copying a param with shape [3, 3] from checkpoint, the shape in current model is [2, 3]."
    );
    assert_eq!(model.parameters()[0].to_vec(), before);
}

#[test]
fn module_trait_objects_work() {
    let boxed: Box<dyn Module> = Box::new(Linear::new(2, 3));
    assert_eq!(boxed.forward(&Tensor::ones(&[2])).shape(), &[3]);
    assert_eq!(boxed.parameters().len(), 2);
}

#[test]
fn a_small_network_learns_xor() {
    // 2-8-1 tanh network with a sigmoid output, Adam lr 0.05, 500 full-batch steps on the four
    // XOR points with the mean squared error.
    manual_seed(3);
    let model = Sequential::new()
        .add(Linear::new(2, 8))
        .add(Tanh::new())
        .add(Linear::new(8, 1))
        .add(Sigmoid::new());
    let x = tensor![[0., 0.], [0., 1.], [1., 0.], [1., 1.]];
    let y = tensor![[0.], [1.], [1.], [0.]];
    let mut opt = Adam::new(model.parameters()).lr(0.05);
    for _ in 0..500 {
        opt.zero_grad();
        let err = model.forward(&x) - &y;
        (&err * &err).mean().backward();
        opt.step();
    }
    let out = model.forward(&x).to_vec();
    for (o, t) in out.iter().zip([0., 1., 1., 0.]) {
        assert!((o - t).abs() < 0.2, "{out:?}");
    }
}

#[test]
#[should_panic(
    expected = "Linear: expected an input with in_features = 3 in its last dim, got shape [2, 4] (weight shape [2, 3])"
)]
fn linear_rejects_the_wrong_input_width() {
    Linear::new(3, 2).forward(&Tensor::ones(&[2, 4]));
}

#[test]
#[should_panic(
    expected = "Linear::from_tensors: expected a bias of shape [2] and dtype torch.float32 for a weight of shape [2, 3], got shape [3]"
)]
fn linear_from_tensors_checks_the_bias() {
    Linear::from_tensors(Tensor::ones(&[2, 3]), Some(Tensor::ones(&[3])));
}

#[test]
fn dropout_follows_train_and_eval_inside_a_sequential() {
    // p = 0.5: in training, every element is 0 or 1 / (1 - 0.5) = 2; in eval, the identity.
    manual_seed(9);
    let mut model = Sequential::new().add(Dropout::new(0.5));
    let x = Tensor::ones(&[1000]);
    let y = model.forward(&x).to_vec();
    assert!(y.iter().all(|&v| v == 0.0 || v == 2.0));
    let kept = y.iter().filter(|&&v| v == 2.0).count();
    assert!((400..600).contains(&kept), "{kept} kept");
    model.eval();
    assert_eq!(model.forward(&x).to_vec(), x.to_vec());
    model.train();
    assert_ne!(model.forward(&x).to_vec(), x.to_vec());
}

#[test]
fn dropout_gradient_is_the_mask() {
    manual_seed(2);
    let x = Tensor::ones(&[50]).requires_grad_(true);
    let y = Dropout::new(0.3).forward(&x);
    y.sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), y.to_vec());
}

#[test]
#[should_panic(expected = "Dropout: dropout probability has to be between 0 and 1, but got 1.5")]
fn dropout_rejects_a_bad_probability() {
    Dropout::new(1.5);
}
