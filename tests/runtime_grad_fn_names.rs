//! Issue 2 parts 3-4: every op's `grad_fn` carries PyTorch's node name, and
//! `next_functions` walks back to the leaves as in PyTorch.

mod runtime_support;

use autograd::{tensor, Tensor};
use runtime_support::leaf;

/// The name of `t.grad_fn()`, failing if there is none.
#[track_caller]
fn name(t: &Tensor) -> String {
    t.grad_fn()
        .expect("an op output requiring grad has a grad_fn")
        .name()
        .to_string()
}

#[test]
fn arithmetic_node_names() {
    let (a, b) = (leaf(&[1., 2.], &[2]), leaf(&[3., 4.], &[2]));
    assert_eq!(name(&(&a + &b)), "AddBackward0");
    assert_eq!(name(&(&a - &b)), "SubBackward0");
    assert_eq!(name(&(&a * &b)), "MulBackward0");
    assert_eq!(name(&(&a / &b)), "DivBackward0");
    assert_eq!(name(&(-&a)), "NegBackward0");
    assert_eq!(name(&a.neg()), "NegBackward0");
}

#[test]
fn scalar_arithmetic_node_names() {
    // PyTorch: x + 2 -> AddBackward0, x - 2 -> SubBackward0, 2 - x -> RsubBackward1,
    // x * 2 -> MulBackward0, x / 2 -> DivBackward0, 2 / x = x.reciprocal() * 2 -> MulBackward0
    let x = leaf(&[1., 2.], &[2]);
    assert_eq!(name(&(&x + 2.0)), "AddBackward0");
    assert_eq!(name(&(2.0 + &x)), "AddBackward0");
    assert_eq!(name(&(&x - 2.0)), "SubBackward0");
    assert_eq!(name(&(2.0 - &x)), "RsubBackward1");
    assert_eq!(name(&(&x * 2.0)), "MulBackward0");
    assert_eq!(name(&(2.0 * &x)), "MulBackward0");
    assert_eq!(name(&(&x / 2.0)), "DivBackward0");
    assert_eq!(name(&(2.0 / &x)), "MulBackward0");
}

#[test]
fn unary_node_names() {
    let x = leaf(&[0.5, 2.], &[2]);
    let cases = [
        (x.pow(2.0), "PowBackward0"),
        (x.exp(), "ExpBackward0"),
        (x.log(), "LogBackward0"),
        (x.sqrt(), "SqrtBackward0"),
        (x.abs(), "AbsBackward0"),
        (x.sin(), "SinBackward0"),
        (x.cos(), "CosBackward0"),
        (x.tanh(), "TanhBackward0"),
        (x.sigmoid(), "SigmoidBackward0"),
        (x.relu(), "ReluBackward0"),
    ];
    for (t, expected) in cases {
        assert_eq!(name(&t), expected);
    }
}

#[test]
fn reduction_node_names() {
    let x = leaf(&[1., 2., 3., 4.], &[2, 2]);
    assert_eq!(name(&x.sum()), "SumBackward0");
    assert_eq!(name(&x.sum_dim(0, false)), "SumBackward1");
    assert_eq!(name(&x.sum_dim(-1, true)), "SumBackward1");
    assert_eq!(name(&x.mean()), "MeanBackward0");
    assert_eq!(name(&x.mean_dim(1, false)), "MeanBackward1");
    assert_eq!(name(&x.norm()), "LinalgVectorNormBackward0");
}

#[test]
fn matmul_node_names() {
    let m = leaf(&[1., 2., 3., 4.], &[2, 2]);
    let v = leaf(&[1., 2.], &[2]);
    assert_eq!(name(&m.matmul(&m)), "MmBackward0");
    assert_eq!(name(&m.mm(&m)), "MmBackward0");
    assert_eq!(name(&v.matmul(&v)), "DotBackward0");
    assert_eq!(name(&v.dot(&v)), "DotBackward0");
    // 1-d x 2-d is mm on an unsqueezed vector, squeezed back (PyTorch's matmul does the same);
    // an MmBackward0 node is in the chain.
    let vm = v.matmul(&m);
    let mut names = Vec::new();
    let mut node = vm.grad_fn();
    while let Some(n) = node {
        names.push(n.name().to_string());
        node = n.next_functions().into_iter().find_map(|(f, _)| f);
    }
    assert!(names.contains(&"MmBackward0".to_string()), "{names:?}");
}

#[test]

fn matmul_matrix_vector_is_mv_backward() {
    // PyTorch: (torch.ones(2, 2, requires_grad=True) @ torch.ones(2)).grad_fn -> MvBackward0
    let m = leaf(&[1., 2., 3., 4.], &[2, 2]);
    let v = leaf(&[1., 2.], &[2]);
    assert_eq!(name(&m.matmul(&v)), "MvBackward0");
}

#[test]
fn shape_op_node_names() {
    let x = leaf(&[1., 2., 3., 4., 5., 6.], &[2, 3]);
    assert_eq!(name(&x.t()), "TBackward0");
    assert_eq!(name(&x.transpose(0, 1)), "TransposeBackward0");
    assert_eq!(name(&x.reshape(&[3, 2])), "ViewBackward0");
    assert_eq!(name(&x.view(&[6])), "ViewBackward0");
    assert_eq!(name(&x.unsqueeze(0)), "UnsqueezeBackward0");
    assert_eq!(name(&x.unsqueeze(0).squeeze(0)), "SqueezeBackward1");
    assert_eq!(name(&x.sum_dim(1, true).expand(&[2, 3])), "ExpandBackward0");
    // x is F64: float() converts, double() of that converts back.
    assert_eq!(name(&x.float()), "ToCopyBackward0");
    assert_eq!(name(&x.float().double()), "ToCopyBackward0");
}

#[test]
fn leaves_and_constants_have_no_grad_fn() {
    let x = leaf(&[1.], &[1]);
    assert!(x.grad_fn().is_none());
    // No input requires grad: no node, and the result is a leaf.
    let c = tensor![1., 2.];
    let y = (&c * 2.0).exp();
    assert!(y.grad_fn().is_none() && y.is_leaf() && !y.requires_grad());
}

#[test]
fn next_functions_reach_accumulate_grad_of_the_leaf() {
    // y = x * c with c a constant: MulBackward0 -> [(AccumulateGrad, 0), (None, 0)]
    let x = leaf(&[1., 2.], &[2]);
    let c = Tensor::from_vec(vec![3.0f64, 4.0], &[2]);
    let y = &x * &c;
    let next = y.grad_fn().unwrap().next_functions();
    assert_eq!(next.len(), 2);
    let (acc, slot) = &next[0];
    let acc = acc.as_ref().expect("x has an AccumulateGrad node");
    assert_eq!((acc.name(), *slot), ("AccumulateGrad", 0));
    assert!(acc
        .variable()
        .expect("AccumulateGrad has a variable")
        .ptr_eq(&x));
    assert!(acc.next_functions().is_empty());
    assert!(next[1].0.is_none() && next[1].1 == 0);
    // Function nodes have no variable.
    assert!(y.grad_fn().unwrap().variable().is_none());
}

#[test]
fn tutorial_walk_from_z_back_to_v() {
    // y = v ** 2; z = y + 3: z.grad_fn = AddBackward0 -> PowBackward0 -> AccumulateGrad(v)
    let v = leaf(&[1., 2.], &[2]);
    let y = v.pow(2.0);
    let z = &y + 3.0;
    let add = z.grad_fn().unwrap();
    assert_eq!(add.name(), "AddBackward0");
    let pow = add.next_functions()[0].0.clone().unwrap();
    assert_eq!(pow.name(), "PowBackward0");
    assert!(pow.ptr_eq(&y.grad_fn().unwrap()));
    let acc = pow.next_functions()[0].0.clone().unwrap();
    assert_eq!(acc.name(), "AccumulateGrad");
    assert!(acc.variable().unwrap().ptr_eq(&v));
}

#[test]
fn one_leaf_used_twice_has_one_accumulate_grad_node() {
    let x = leaf(&[1.], &[1]);
    let (a, b) = (x.exp(), x.sin());
    let acc_a = a.grad_fn().unwrap().next_functions()[0].0.clone().unwrap();
    let acc_b = b.grad_fn().unwrap().next_functions()[0].0.clone().unwrap();
    assert!(acc_a.ptr_eq(&acc_b));
    // x * x: both edges of the MulBackward0 point at the same node.
    let sq = &x * &x;
    let next = sq.grad_fn().unwrap().next_functions();
    assert!(next[0]
        .0
        .as_ref()
        .unwrap()
        .ptr_eq(next[1].0.as_ref().unwrap()));
}

#[test]
fn grad_fn_displays_like_pytorch() {
    let x = leaf(&[1.], &[1]);
    let y = &x + 2.0;
    let shown = y.grad_fn().unwrap().to_string();
    assert!(shown.starts_with("<AddBackward0 object at 0x"), "{shown}");
    assert!(shown.ends_with('>'));
    assert_eq!(format!("{:?}", y.grad_fn().unwrap()), shown);
}
