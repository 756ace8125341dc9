//! The nodes of gradients computed with `create_graph`, against PyTorch 2.15.0.
//!
//! PyTorch differentiates a backward formula as ONE node named after the backward function
//! (`tanh_backward(grad, result)` is `TanhBackwardBackward0`, with edges to the incoming
//! gradient's node and the saved output's node), or as the ATen ops the formula calls
//! (`grad.expand(sizes) / numel` is `DivBackward1(ExpandBackward0(..))`, `div` by a number).
//! Each expected tree below was printed by torch 2.15.0 for the Python call in the comment,
//! as `Node(input0, input1, ...)` down to the depth given, `None` for an input without
//! gradient; torch's `name()` spells the leaf sink `torch::autograd::AccumulateGrad`, its
//! Python class name (used here, as in the library) is `AccumulateGrad`.
//!
//! The probe, in Python (float64 throughout):
//! ```python
//! x = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
//! y = f(x)
//! go = torch.randn_like(y).requires_grad_()
//! g, = torch.autograd.grad(y, x, go, create_graph=True)
//! ```

use autograd::{GradFn, Tensor};

/// An op applied to a tensor.
type Op = fn(&Tensor) -> Tensor;

/// `t`'s `grad_fn` as a `next_functions` tree, `depth` levels below the root.
fn tree(t: &Tensor, depth: usize) -> String {
    fn node(f: Option<GradFn>, depth: usize) -> String {
        let Some(f) = f else {
            return "None".to_string();
        };
        let next = f.next_functions();
        if depth == 0 || next.is_empty() {
            return f.name().to_string();
        }
        let inputs: Vec<String> = (next.into_iter())
            .map(|(n, _)| node(n, depth - 1))
            .collect();
        format!("{}({})", f.name(), inputs.join(", "))
    }
    node(t.grad_fn(), depth)
}

/// A float64 leaf requiring grad: `shape` filled with distinct values of mixed signs (no
/// ties, no zeros), shifted by `shift`.
fn input(shape: &[usize], shift: f64) -> Tensor {
    let n: usize = shape.iter().product();
    let data = (0..n).map(|i| ((i as f64) * 1.7 + 0.4).sin() * 1.5 + shift);
    Tensor::from_vec(data.collect::<Vec<f64>>(), shape).requires_grad_(true)
}

/// `d y / d x` against a grad_output `go` that requires grad, recorded (`create_graph`).
fn first_grad(y: &Tensor, x: &Tensor, go: &Tensor) -> Tensor {
    autograd::grad(&[y], &[x])
        .grad_outputs(&[go])
        .create_graph(true)
        .run()
        .expect("first backward succeeds")[0]
        .clone()
        .expect("x is used")
}

/// The recorded gradient of `f` at an input of `shape` (shifted by `shift`), and the
/// grad_output leaf it was computed against.
fn probe(shape: &[usize], shift: f64, f: impl Fn(&Tensor) -> Tensor) -> (Tensor, Tensor) {
    let x = input(shape, shift);
    let y = f(&x);
    let go = input(y.shape(), 0.25);
    (first_grad(&y, &x, &go), go)
}

/// The tree of the recorded gradient of `f`, `depth` levels deep.
fn grad_tree(shape: &[usize], depth: usize, f: impl Fn(&Tensor) -> Tensor) -> String {
    tree(&probe(shape, 0.0, f).0, depth)
}

#[test]
fn activations_record_their_backward_function_as_one_node() {
    // f = torch.tanh: TanhBackwardBackward0(AccumulateGrad, TanhBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[3], 2, |x| x.tanh()),
        "TanhBackwardBackward0(AccumulateGrad, TanhBackward0(AccumulateGrad))"
    );
    // f = torch.sigmoid: SigmoidBackwardBackward0(AccumulateGrad, SigmoidBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[3], 2, |x| x.sigmoid()),
        "SigmoidBackwardBackward0(AccumulateGrad, SigmoidBackward0(AccumulateGrad))"
    );
    // f = torch.relu: ThresholdBackwardBackward0(AccumulateGrad, ReluBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[3], 2, |x| x.relu()),
        "ThresholdBackwardBackward0(AccumulateGrad, ReluBackward0(AccumulateGrad))"
    );
}

#[test]
fn softmax_and_log_softmax_record_their_backward_data_node() {
    // f = lambda x: x.softmax(1), x [2, 3]:
    // SoftmaxBackwardDataBackward0(AccumulateGrad, SoftmaxBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.softmax(1)),
        "SoftmaxBackwardDataBackward0(AccumulateGrad, SoftmaxBackward0(AccumulateGrad))"
    );
    // f = lambda x: x.log_softmax(1):
    // LogSoftmaxBackwardDataBackward0(AccumulateGrad, LogSoftmaxBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.log_softmax(1)),
        "LogSoftmaxBackwardDataBackward0(AccumulateGrad, LogSoftmaxBackward0(AccumulateGrad))"
    );
}

#[test]
fn picks_scatter_their_gradient_back_as_torch_op() {
    // f = lambda x: x.narrow(1, 1, 2), x [2, 3]: SliceBackwardBackward0(AccumulateGrad)
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.narrow(1, 1, 2)),
        "SliceBackwardBackward0(AccumulateGrad)"
    );
    // f = lambda x: x[:, ::2]: SliceBackwardBackward0(AccumulateGrad)
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.slice(1, 0, isize::MAX, 2)),
        "SliceBackwardBackward0(AccumulateGrad)"
    );
    // f = lambda x: x.index_select(0, torch.tensor([2, 0, 2])), x [3, 2]:
    // IndexAddBackward0(None, AccumulateGrad) (the zeros it adds into need no gradient)
    assert_eq!(
        grad_tree(&[3, 2], 2, |x| x.index_select(0, &[2, 0, 2])),
        "IndexAddBackward0(None, AccumulateGrad)"
    );
    // f = lambda x: x.gather(1, torch.tensor([[0, 0], [1, 0]])): ScatterAddBackward0(None, AccumulateGrad)
    assert_eq!(
        grad_tree(&[2, 2], 2, |x| x.gather(1, &[0, 0, 1, 0], &[2, 2])),
        "ScatterAddBackward0(None, AccumulateGrad)"
    );
}

#[test]
fn reductions_distribute_their_gradient_as_torch() {
    // f = lambda x: x.max(1)[0], x [2, 3]: ScatterBackward0(None, UnsqueezeBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.max_dim(1, false).0),
        "ScatterBackward0(None, UnsqueezeBackward0(AccumulateGrad))"
    );
    // f = lambda x: x.min(1)[0]: the same
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.min_dim(1, false).0),
        "ScatterBackward0(None, UnsqueezeBackward0(AccumulateGrad))"
    );
    // f = lambda x: x.max(1, keepdim=True)[0]: ScatterBackward0(None, AccumulateGrad)
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.max_dim(1, true).0),
        "ScatterBackward0(None, AccumulateGrad)"
    );
    // f = lambda x: x.max() (evenly_distribute_backward):
    // MaskedFillBackward1(None, DivBackward0(AccumulateGrad, None))
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.max()),
        "MaskedFillBackward1(None, DivBackward0(AccumulateGrad, None))"
    );
    // f = lambda x: x.min(): the same
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.min()),
        "MaskedFillBackward1(None, DivBackward0(AccumulateGrad, None))"
    );
    // f = lambda x: x.mean(): DivBackward1(ExpandBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.mean()),
        "DivBackward1(ExpandBackward0(AccumulateGrad))"
    );
    // f = lambda x: x.mean(1): DivBackward1(ExpandBackward0(UnsqueezeBackward0))
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.mean_dim(1, false)),
        "DivBackward1(ExpandBackward0(UnsqueezeBackward0))"
    );
    // f = lambda x: x.norm(): MulBackward0(AccumulateGrad, MaskedFillBackward0(DivBackward0))
    assert_eq!(
        grad_tree(&[2, 3], 2, |x| x.norm()),
        "MulBackward0(AccumulateGrad, MaskedFillBackward0(DivBackward0))"
    );
}

#[test]
fn formulas_multiply_by_numbers_through_the_scalar_overloads() {
    // f = lambda x: x.pow(2.5), x > 0: MulBackward0(AccumulateGrad, MulBackward1(PowBackward0))
    assert_eq!(
        tree(&probe(&[3], 2.0, |x| x.pow(2.5)).0, 2),
        "MulBackward0(AccumulateGrad, MulBackward1(PowBackward0))"
    );
    // f = torch.sqrt, x > 0: DivBackward0(AccumulateGrad, MulBackward1(SqrtBackward0))
    assert_eq!(
        tree(&probe(&[3], 2.0, |x| x.sqrt()).0, 2),
        "DivBackward0(AccumulateGrad, MulBackward1(SqrtBackward0))"
    );
    // f = torch.abs: MulBackward0(AccumulateGrad, SgnBackward0(AccumulateGrad))
    assert_eq!(
        grad_tree(&[3], 2, |x| x.abs()),
        "MulBackward0(AccumulateGrad, SgnBackward0(AccumulateGrad))"
    );
    // f = lambda x: x.maximum(torch.zeros(3, dtype=torch.float64)):
    // MaskedFillBackward0(WhereBackward0(DivBackward1, AccumulateGrad))
    let zeros = Tensor::zeros(&[3]).double();
    assert_eq!(
        grad_tree(&[3], 2, |x| x.maximum(&zeros)),
        "MaskedFillBackward0(WhereBackward0(DivBackward1, AccumulateGrad))"
    );
}

/// The recorded gradient of `g` against `gg`, with respect to `wrt`.
fn second_grad(g: &Tensor, wrt: &Tensor, gg: &Tensor) -> Tensor {
    autograd::grad(&[g], &[wrt])
        .grad_outputs(&[gg])
        .create_graph(true)
        .run()
        .expect("second backward succeeds")[0]
        .clone()
        .expect("used")
}

#[test]
fn the_new_nodes_are_differentiated_as_torch_differentiates_them() {
    // Python, after the probe: gg = torch.randn_like(g).requires_grad_()
    //   d_go, = torch.autograd.grad(g, go, gg, create_graph=True)   # the node's own backward
    let cases: [(&str, &[usize], Op, &str); 7] = [
        // narrow: d_go = SliceBackward0(AccumulateGrad)
        (
            "narrow",
            &[2, 3],
            |x| x.narrow(1, 1, 2),
            "SliceBackward0(AccumulateGrad)",
        ),
        // index_select: d_go = ExpandBackward0(IndexSelectBackward0(AccumulateGrad))
        (
            "index_select",
            &[3, 2],
            |x| x.index_select(0, &[2, 0, 2]),
            "ExpandBackward0(IndexSelectBackward0(AccumulateGrad))",
        ),
        // gather: d_go = GatherBackward0(AccumulateGrad)
        (
            "gather",
            &[2, 2],
            |x| x.gather(1, &[0, 0, 1, 0], &[2, 2]),
            "GatherBackward0(AccumulateGrad)",
        ),
        // x.max(1)[0]: d_go = SqueezeBackward1(GatherBackward0(AccumulateGrad))
        (
            "max_dim",
            &[2, 3],
            |x| x.max_dim(1, false).0,
            "SqueezeBackward1(GatherBackward0(AccumulateGrad))",
        ),
        // x.max(): d_go = DivBackward0(SumBackward0(MaskedSelectBackward0(AccumulateGrad)), None)
        (
            "max",
            &[2, 3],
            |x| x.max(),
            "DivBackward0(SumBackward0(MaskedSelectBackward0(AccumulateGrad)), None)",
        ),
        // x.mean(): d_go = SumBackward0(DivBackward1(AccumulateGrad))
        (
            "mean",
            &[2, 3],
            |x| x.mean(),
            "SumBackward0(DivBackward1(AccumulateGrad))",
        ),
        // torch.tanh: d_go = TanhBackwardBackward0(AccumulateGrad, TanhBackward0(AccumulateGrad))
        (
            "tanh",
            &[3],
            |x| x.tanh(),
            "TanhBackwardBackward0(AccumulateGrad, TanhBackward0(AccumulateGrad))",
        ),
    ];
    for (name, shape, f, expected) in cases {
        let (g, go) = probe(shape, 0.0, f);
        let gg = input(g.shape(), -0.5);
        assert_eq!(tree(&second_grad(&g, &go, &gg), 3), expected, "{name}");
    }
}

#[test]
fn second_derivatives_through_the_saved_output_follow_torch_formulas() {
    // Python, after the probe: gg = torch.randn_like(g)
    //   d_x, = torch.autograd.grad(g, x, gg, create_graph=True)
    // The gradient to the saved output is derivatives.yaml's formula, op by op; it then flows
    // into the op's own node, whose backward records the one node again.
    let cases: [(&[usize], Op, &str); 4] = [
        // torch.tanh: grad * (-2 * output * grad_output)
        (
            &[3],
            |x| x.tanh(),
            "TanhBackwardBackward0(MulBackward0(None, MulBackward0(MulBackward1, AccumulateGrad)), TanhBackward0(AccumulateGrad))",
        ),
        // torch.sigmoid: grad * grad_output * (-2 * output + 1)
        (
            &[3],
            |x| x.sigmoid(),
            "SigmoidBackwardBackward0(MulBackward0(MulBackward0(None, AccumulateGrad), AddBackward1(MulBackward1)), SigmoidBackward0(AccumulateGrad))",
        ),
        // softmax(1): softmax_double_backward
        (
            &[2, 3],
            |x| x.softmax(1),
            "SoftmaxBackwardDataBackward0(SubBackward0(SubBackward0(MulBackward0, MulBackward0), MulBackward0(AccumulateGrad, SumBackward1)), SoftmaxBackward0(AccumulateGrad))",
        ),
        // log_softmax(1): -grad_output.sum(dim, true) * output.exp() * grad
        (
            &[2, 3],
            |x| x.log_softmax(1),
            "LogSoftmaxBackwardDataBackward0(MulBackward0(MulBackward0(NegBackward0, ExpBackward0), None), LogSoftmaxBackward0(AccumulateGrad))",
        ),
    ];
    for (shape, f, expected) in cases {
        let x = input(shape, 0.0);
        let y = f(&x);
        let go = input(y.shape(), 0.25);
        let g = first_grad(&y, &x, &go);
        let gg = input(g.shape(), -0.5).detach();
        assert_eq!(tree(&second_grad(&g, &x, &gg), 3), expected);
    }
}

/// `g = d f(x)/dx . go`, `g2 = d g/d(x, go) . gg` (recorded), `g3 = d g2_x/d(x, go) . ggg`:
/// the third derivatives run the backward of the node recording `g` and of the nodes its own
/// backward records.
struct ThirdOrder {
    g: Vec<f64>,
    g2x: Vec<f64>,
    g2go: Vec<f64>,
    g3x: Vec<f64>,
    g3go: Vec<f64>,
}

fn third_order(f: impl Fn(&Tensor) -> Tensor, shape: &[usize], data: [&[f64]; 4]) -> ThirdOrder {
    let leaf = |v: &[f64], grad: bool| Tensor::from_vec(v.to_vec(), shape).requires_grad_(grad);
    let (x, go) = (leaf(data[0], true), leaf(data[1], true));
    let g = first_grad(&f(&x), &x, &go);
    let g2 = autograd::grad(&[&g], &[&x, &go])
        .grad_outputs(&[&leaf(data[2], false)])
        .create_graph(true)
        .run()
        .expect("second backward succeeds");
    let g2x = g2[0].clone().expect("x is used");
    let g3 = autograd::grad(&[&g2x], &[&x, &go])
        .grad_outputs(&[&leaf(data[3], false)])
        .run()
        .expect("third backward succeeds");
    let values = |t: &Option<Tensor>| t.as_ref().expect("used").to_vec();
    ThirdOrder {
        g: g.to_vec(),
        g2x: g2x.to_vec(),
        g2go: values(&g2[1]),
        g3x: values(&g3[0]),
        g3go: values(&g3[1]),
    }
}

#[track_caller]
fn assert_close(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a - e).abs() <= 1e-12 * (1.0 + e.abs()),
            "{actual:?} != {expected:?}"
        );
    }
}

#[track_caller]
fn assert_third_order(got: ThirdOrder, expected: [&[f64]; 5]) {
    assert_close(&got.g, expected[0]);
    assert_close(&got.g2x, expected[1]);
    assert_close(&got.g2go, expected[2]);
    assert_close(&got.g3x, expected[3]);
    assert_close(&got.g3go, expected[4]);
}

// Python (float64), for f and the four lists below:
//   x = torch.tensor(X, requires_grad=True); go = torch.tensor(GO, requires_grad=True)
//   g, = torch.autograd.grad(f(x), x, go, create_graph=True)
//   g2x, g2go = torch.autograd.grad(g, (x, go), torch.tensor(GG), create_graph=True)
//   g3x, g3go = torch.autograd.grad(g2x, (x, go), torch.tensor(GGG))
const X: [f64; 3] = [0.3, -1.2, 0.8];
const GO: [f64; 3] = [0.5, -1.0, 2.0];
const GG: [f64; 3] = [1.0, 0.25, -0.5];
const GGG: [f64; 3] = [0.7, -0.3, 1.1];
const X2: [f64; 6] = [0.3, -1.2, 0.8, 1.5, 0.1, -0.4];
const GO2: [f64; 6] = [0.5, -1.0, 2.0, 0.2, 0.9, -0.6];
const GG2: [f64; 6] = [1.0, 0.25, -0.5, -0.8, 0.4, 0.3];
const GGG2: [f64; 6] = [0.7, -0.3, 1.1, 0.6, -1.4, 0.2];

#[test]
fn third_derivative_through_tanh_backward_backward_matches_torch() {
    // g, g2x and g2go all have grad_fn TanhBackwardBackward0 in torch 2.15.
    let got = third_order(|x| x.tanh(), &[3], [&X, &GO, &GG, &GGG]);
    assert_third_order(
        got,
        [
            &[0.4575684809133146, -0.30501999620740905, 1.118110335464488],
            &[
                -0.2665909391007272,
                -0.12714066253456832,
                0.7424663759649398,
            ],
            &[0.9151369618266292, 0.07625499905185226, -0.279527583866122],
            &[
                -0.4775071371353933,
                0.049639259723357185,
                -0.39706104627223265,
            ],
            &[
                -0.37322731474101806,
                -0.0381421987603705,
                0.4083565067807169,
            ],
        ],
    );
}

#[test]
fn third_derivative_through_sigmoid_backward_backward_matches_torch() {
    let got = third_order(|x| x.sigmoid(), &[3], [&X, &GO, &GG, &GGG]);
    assert_third_order(
        got,
        [
            &[0.12222915584537293, -0.1778944406468057, 0.4278193930405888],
            &[
                -0.01819809197778813,
                -0.023884533080181174,
                0.08127476720921598,
            ],
            &[
                0.24445831169074586,
                0.04447361016170143,
                -0.1069548482601472,
            ],
            &[
                -0.039935309833087636,
                -0.000898811357357517,
                0.06669789837934553,
            ],
            &[
                -0.02547732876890338,
                -0.007165359924054352,
                0.04470112196506879,
            ],
        ],
    );
}

#[test]
fn third_derivative_through_softmax_backward_data_backward_matches_torch() {
    let got = third_order(|x| x.softmax(1), &[2, 3], [&X2, &GO2, &GG2, &GGG2]);
    assert_third_order(
        got,
        [
            &[
                -0.25927598925570994,
                -0.17439566172812507,
                0.433671650983835,
                -0.02717055764351817,
                0.11693693081002648,
                -0.08976637316650826,
            ],
            &[
                -0.05741566067961009,
                0.010833606035813442,
                0.04658205464379659,
                -0.020821917788233744,
                0.09441537891525457,
                -0.0735934611270208,
            ],
            &[
                0.320147889245547,
                0.013162965437112735,
                -0.33331085468265975,
                -0.23621143756783358,
                0.15370030436209303,
                0.08251113320574054,
            ],
            &[
                -0.14334049461865253,
                -0.043211340532049926,
                0.18655183515070248,
                0.04990638956700061,
                -0.05304648890255066,
                0.0031400993355500516,
            ],
            &[
                0.0023636679558867784,
                -0.0037815725851784764,
                0.00141790462929171,
                0.1502508659477096,
                -0.18639604409191227,
                0.036145178144202685,
            ],
        ],
    );
}

#[test]
fn third_derivative_through_log_softmax_backward_data_backward_matches_torch() {
    let got = third_order(|x| x.log_softmax(1), &[2, 3], [&X2, &GO2, &GG2, &GGG2]);
    assert_third_order(
        got,
        [
            &[
                -0.022311141825602315,
                -1.1165433687228559,
                1.1388545105484582,
                -0.15812371113375404,
                0.8116877801189154,
                -0.6535640689851614,
            ],
            &[
                -0.4802218338683205,
                -0.019744448155669093,
                0.4999662820239896,
                0.11810571878391682,
                -0.07685015218104652,
                -0.04125556660287028,
            ],
            &[
                0.9194171738129697,
                0.16941717381296978,
                -0.5805828261870303,
                -0.3297902794819583,
                0.8702097205180417,
                0.7702097205180417,
            ],
            &[
                -0.0035455019338301867,
                0.005672358877767704,
                -0.00212685694393756,
                -0.07512543297385481,
                0.09319802204595616,
                -0.01807258907210135,
            ],
            &[
                0.14648730731017667,
                0.14648730731017667,
                0.14648730731017667,
                0.3404050620064823,
                0.3404050620064823,
                0.3404050620064823,
            ],
        ],
    );
}
