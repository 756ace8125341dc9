//! Losses and `nn` modules against torch 2.15: `mse_loss`, `nll_loss` and `cross_entropy`
//! (values, gradients, dtypes, node names, error texts), `Linear`, the activations and
//! `Dropout`.
//!
//! The loss table comes from torch 2.15 (CPU); the generating script is at the end of this
//! file. Each case runs the loss, then `backward_with(seed_grad)`, and compares the loss, its
//! dtype and the gradients.

mod ops_support;

use autograd::nn::{Dropout, Linear, Module, ReLU, Sequential, Sigmoid, Tanh};
use autograd::{DType, Tensor};
use ops_support::chain;

/// The loss of a case, with the class targets of `nll_loss` and `cross_entropy`.
enum Op {
    Mse,
    Nll(&'static [usize]),
    CrossEntropy(&'static [usize]),
}

/// Values, shape and dtype of a tensor.
type Data = (&'static [f64], &'static [usize], DType);

/// One loss evaluation with torch's results.
struct LossCase {
    name: &'static str,
    op: Op,
    input: Data,
    /// The target of `mse_loss` (values, shape, dtype, requires grad); unused otherwise.
    target: (&'static [f64], &'static [usize], DType, bool),
    seed_grad: f64,
    loss: (f64, DType),
    /// Empty for a bool input (no gradient).
    input_grad: &'static [f64],
    /// Empty when the target does not require grad.
    target_grad: &'static [f64],
}

/// `values` as a tensor of `shape` and `dtype` (bool: nonzero is true).
fn tensor_of(values: &[f64], shape: &[usize], dtype: DType) -> Tensor {
    let t = Tensor::from_vec(values.to_vec(), shape);
    match dtype {
        DType::Bool => t.ne(0.0),
        _ => t.to_dtype(dtype),
    }
}

/// Whether `a` and `b` agree within `tol` relative (NaN agrees with NaN).
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a.is_nan() && b.is_nan()) || (a - b).abs() <= tol * b.abs().max(1e-3)
}

/// The differences between `got` and `want`, described for a failure message.
fn compare(what: &str, got: &[f64], want: &[f64], tol: f64) -> Option<String> {
    let same = got.len() == want.len() && got.iter().zip(want).all(|(g, w)| close(*g, *w, tol));
    (!same).then(|| format!("{what}: got {got:?}, torch {want:?}"))
}

/// Runs `case`; returns what differs from torch.
fn run_loss_case(case: &LossCase) -> Vec<String> {
    let (values, shape, dtype) = case.input;
    let x = tensor_of(values, shape, dtype).requires_grad_(dtype != DType::Bool);
    let (t_values, t_shape, t_dtype, t_grad) = case.target;
    let t = matches!(case.op, Op::Mse)
        .then(|| tensor_of(t_values, t_shape, t_dtype).requires_grad_(t_grad));
    let loss = match (&case.op, &t) {
        (Op::Mse, Some(t)) => x.mse_loss(t),
        (Op::Nll(targets), _) => x.nll_loss(targets),
        (Op::CrossEntropy(targets), _) => x.cross_entropy(targets),
        (Op::Mse, None) => unreachable!("mse_loss cases have a target"),
    };
    let tol = if loss.dtype() == DType::F32 {
        1e-6
    } else {
        1e-12
    };
    let mut diffs = Vec::new();
    if loss.dtype() != case.loss.1 {
        diffs.push(format!(
            "loss dtype {} (torch {})",
            loss.dtype(),
            case.loss.1
        ));
    }
    diffs.extend(compare("loss", &[loss.item()], &[case.loss.0], tol));
    loss.backward_with(&Tensor::from_vec(vec![case.seed_grad], &[]).to_dtype(loss.dtype()));
    let mut grads = vec![("input grad", &x, case.input_grad, dtype != DType::Bool)];
    grads.extend(
        t.as_ref()
            .map(|t| ("target grad", t, case.target_grad, t_grad)),
    );
    for (what, leaf, want, has_grad) in grads {
        match (leaf.grad(), has_grad) {
            (Some(g), true) => {
                if g.dtype() != leaf.dtype() || g.shape() != leaf.shape() {
                    diffs.push(format!("{what}: dtype {} shape {:?}", g.dtype(), g.shape()));
                }
                diffs.extend(compare(what, &g.to_vec(), want, tol));
            }
            (None, false) => {}
            (got, _) => diffs.push(format!(
                "{what}: present {}, torch {has_grad}",
                got.is_some()
            )),
        }
    }
    diffs
}

#[test]
fn losses_match_torch_values_and_gradients() {
    let failures: Vec<String> = LOSS_CASES
        .iter()
        .flat_map(|case| {
            run_loss_case(case)
                .into_iter()
                .map(move |d| format!("{}: {d}", case.name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[rustfmt::skip]
const LOSS_CASES: &[LossCase] = &[
    LossCase {
        name: "mse_f32_same_shape",
        op: Op::Mse,
        input: (&[0.25, 1.793, 2.494], &[3], DType::F32),
        target: (&[2.409, 2.273, 1.068], &[3], DType::F32, true),
        seed_grad: 0.7,
        loss: (2.3083856105804443, DType::F32),
        input_grad: &[-1.007533311843872, -0.2240000069141388, 0.6654666662216187],
        target_grad: &[1.007533311843872, 0.2240000069141388, -0.6654666662216187],
    },
    LossCase {
        name: "mse_f32_batch",
        op: Op::Mse,
        input: (&[0.497, 1.958, 2.499, 1.864, 0.353, -1.325, -2.379, -2.315, -1.162, 0.538, 1.984, 2.497, 1.836, 0.311, -1.36, -2.392, -2.298, -1.124, 0.579, 2.009], &[4, 5], DType::F32),
        target: (&[2.158, 0.837, -0.877, -2.179, -2.456, -1.578, 0.042, 1.642, 2.47, 2.136, 0.798, -0.916, -2.199, -2.448, -1.545, 0.084, 1.674, 2.477, 2.114, 0.758], &[4, 5], DType::F32, true),
        seed_grad: 0.7,
        loss: (7.637793064117432, DType::F32),
        input_grad: &[-0.11627000570297241, 0.07846999913454056, 0.23631998896598816, 0.28300997614860535, 0.19663000106811523, 0.017709992825984955, -0.16946999728679657, -0.27698999643325806, -0.2542400062084198, -0.111859992146492, 0.08302000164985657, 0.2389100044965744, 0.28244999051094055, 0.1931299865245819, 0.012949995696544647, -0.1733199954032898, -0.2780400216579437, -0.25207000970840454, -0.10745000094175339, 0.08756999671459198],
        target_grad: &[0.11627000570297241, -0.07846999913454056, -0.23631998896598816, -0.28300997614860535, -0.19663000106811523, -0.017709992825984955, 0.16946999728679657, 0.27698999643325806, 0.2542400062084198, 0.111859992146492, -0.08302000164985657, -0.2389100044965744, -0.28244999051094055, -0.1931299865245819, -0.012949995696544647, 0.1733199954032898, 0.2780400216579437, 0.25207000970840454, 0.10745000094175339, -0.08756999671459198],
    },
    LossCase {
        name: "mse_f32_broadcast_target",
        op: Op::Mse,
        input: (&[0.739, 2.104, 2.479, 1.689, 0.104, -1.53], &[2, 3], DType::F32),
        target: (&[1.958, 2.499, 1.864], &[3], DType::F32, true),
        seed_grad: 0.7,
        loss: (3.2246389389038086, DType::F32),
        input_grad: &[-0.2844333052635193, -0.09216666221618652, 0.14350003004074097, -0.0627666562795639, -0.5588333606719971, -0.7919333577156067],
        target_grad: &[0.3471999764442444, 0.6510000228881836, 0.6484333276748657],
    },
    LossCase {
        name: "mse_f32_broadcast_both",
        op: Op::Mse,
        input: (&[0.974, 2.228], &[2, 1], DType::F32),
        target: (&[1.199, 2.33, 2.366], &[1, 3], DType::F32, true),
        seed_grad: 0.7,
        loss: (0.8192189335823059, DType::F32),
        input_grad: &[-0.6936999559402466, 0.18410000205039978],
        target_grad: &[-0.18759998679161072, 0.3402000069618225, 0.3569999933242798],
    },
    LossCase {
        name: "mse_f32_scalars",
        op: Op::Mse,
        input: (&[1.199], &[], DType::F32),
        target: (&[2.479], &[], DType::F32, true),
        seed_grad: 0.7,
        loss: (1.6384001970291138, DType::F32),
        input_grad: &[-1.7920000553131104],
        target_grad: &[1.7920000553131104],
    },
    LossCase {
        name: "mse_f32_empty",
        op: Op::Mse,
        input: (&[], &[0], DType::F32),
        target: (&[], &[0], DType::F32, true),
        seed_grad: 0.7,
        loss: (f64::NAN, DType::F32),
        input_grad: &[],
        target_grad: &[],
    },
    LossCase {
        name: "mse_f32_constant_target",
        op: Op::Mse,
        input: (&[1.412, 2.409, 2.273, 1.068], &[2, 2], DType::F32),
        target: (&[0.497, 1.958, 2.499, 1.864], &[2, 2], DType::F32, false),
        seed_grad: 0.7,
        loss: (0.43132948875427246, DType::F32),
        input_grad: &[0.3202499747276306, 0.157849982380867, -0.07910002022981644, -0.2786000072956085],
        target_grad: &[],
    },
    LossCase {
        name: "mse_f32_bool_target",
        op: Op::Mse,
        input: (&[1.611, 2.464, 2.158, 0.837], &[4], DType::F32),
        target: (&[1.0, 1.0, 1.0, 1.0], &[4], DType::Bool, false),
        seed_grad: 0.7,
        loss: (0.9710373878479004, DType::F32),
        input_grad: &[0.2138499766588211, 0.5123999714851379, 0.40529999136924744, -0.05704999342560768],
        target_grad: &[],
    },
    LossCase {
        name: "mse_bool_input_f32_target",
        op: Op::Mse,
        input: (&[1.0, 1.0, 1.0, 1.0], &[4], DType::Bool),
        target: (&[0.739, 2.104, 2.479, 1.689], &[4], DType::F32, true),
        seed_grad: 0.7,
        loss: (0.9872748851776123, DType::F32),
        input_grad: &[],
        target_grad: &[-0.09134998917579651, 0.3864000141620636, 0.5176500082015991, 0.24115000665187836],
    },
    LossCase {
        name: "nll_f32_batch",
        op: Op::Nll(&[2, 0, 1, 2]),
        input: (&[1.793, 2.494, 2.021, 0.598, -1.106, -2.29, -2.397, -1.377, 0.291, 1.822, 2.496, 1.996], &[4, 3], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (-0.809499979019165, DType::F32),
        input_grad: &[0.0, 0.0, -0.17499999701976776, -0.17499999701976776, 0.0, 0.0, 0.0, -0.17499999701976776, 0.0, 0.0, 0.0, -0.17499999701976776],
        target_grad: &[],
    },
    LossCase {
        name: "nll_f32_unbatched",
        op: Op::Nll(&[3]),
        input: (&[1.958, 2.499, 1.864, 0.353, -1.325], &[5], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (-0.3529999852180481, DType::F32),
        input_grad: &[0.0, 0.0, 0.0, -0.699999988079071, 0.0],
        target_grad: &[],
    },
    LossCase {
        name: "nll_f32_one_class",
        op: Op::Nll(&[0, 0, 0]),
        input: (&[2.104, 2.479, 1.689], &[3, 1], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (-2.0906667709350586, DType::F32),
        input_grad: &[-0.23333333432674408, -0.23333333432674408, -0.23333333432674408],
        target_grad: &[],
    },
    LossCase {
        name: "nll_f32_empty_batch",
        op: Op::Nll(&[]),
        input: (&[], &[0, 3], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (f64::NAN, DType::F32),
        input_grad: &[],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f32_batch",
        op: Op::CrossEntropy(&[1, 0, 2, 2]),
        input: (&[2.228, 2.435, 1.496, -0.146, -1.719, -2.484, -2.081, -0.699, 1.012, 2.247, 2.425, 1.462], &[4, 3], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (0.7548494935035706, DType::F32),
        input_grad: &[0.06455352157354355, -0.09560029208660126, 0.03104676865041256, -0.040791623294353485, 0.02783776819705963, 0.012953856959939003, 0.0064752548933029175, 0.025790028274059296, -0.03226526826620102, 0.06601419299840927, 0.07887542992830276, -0.14488962292671204],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f32_unbatched",
        op: Op::CrossEntropy(&[4]),
        input: (&[2.33, 2.366, 1.289, -0.394, -1.892], &[5], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (5.1262335777282715, DType::F32),
        input_grad: &[0.2833963930606842, 0.29378455877304077, 0.10006767511367798, 0.01859414204955101, -0.6958427429199219],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f32_wide",
        op: Op::CrossEntropy(&[6, 0]),
        input: (&[2.409, 2.273, 1.068, -0.639, -2.046, -2.49, -1.764, -0.208, 1.446, 2.42, 2.255, 1.03, -0.679, -2.07], &[2, 7], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (4.276780128479004, DType::F32),
        input_grad: &[0.15791656076908112, 0.13783632218837738, 0.041308436542749405, 0.0074937311001122, 0.0018350407481193542, 0.001177114900201559, -0.3475671410560608, -0.3402891755104065, 0.05076662451028824, 0.1344563066959381, 0.11400464922189713, 0.03348974138498306, 0.006063211243599653, 0.0015086870407685637],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f32_empty_batch",
        op: Op::CrossEntropy(&[]),
        input: (&[], &[0, 4], DType::F32),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (f64::NAN, DType::F32),
        input_grad: &[],
        target_grad: &[],
    },
    LossCase {
        name: "mse_f64_same_shape",
        op: Op::Mse,
        input: (&[0.25, 1.793, 2.494], &[3], DType::F64),
        target: (&[2.409, 2.273, 1.068], &[3], DType::F64, true),
        seed_grad: 0.7,
        loss: (2.3083856666666667, DType::F64),
        input_grad: &[-1.0075333333333332, -0.22400000000000006, 0.6654666666666667],
        target_grad: &[1.0075333333333332, 0.22400000000000006, -0.6654666666666667],
    },
    LossCase {
        name: "mse_f64_batch",
        op: Op::Mse,
        input: (&[0.497, 1.958, 2.499, 1.864, 0.353, -1.325, -2.379, -2.315, -1.162, 0.538, 1.984, 2.497, 1.836, 0.311, -1.36, -2.392, -2.298, -1.124, 0.579, 2.009], &[4, 5], DType::F64),
        target: (&[2.158, 0.837, -0.877, -2.179, -2.456, -1.578, 0.042, 1.642, 2.47, 2.136, 0.798, -0.916, -2.199, -2.448, -1.545, 0.084, 1.674, 2.477, 2.114, 0.758], &[4, 5], DType::F64, true),
        seed_grad: 0.7,
        loss: (7.6377939, DType::F64),
        input_grad: &[-0.11627000000000001, 0.07847, 0.23632000000000003, 0.28301000000000004, 0.19663000000000003, 0.017710000000000007, -0.16946999999999998, -0.27698999999999996, -0.25424, -0.11186000000000001, 0.08302, 0.23890999999999998, 0.28245, 0.19312999999999997, 0.01294999999999999, -0.17332, -0.27803999999999995, -0.25207, -0.10744999999999999, 0.08756999999999998],
        target_grad: &[0.11627000000000001, -0.07847, -0.23632000000000003, -0.28301000000000004, -0.19663000000000003, -0.017710000000000007, 0.16946999999999998, 0.27698999999999996, 0.25424, 0.11186000000000001, -0.08302, -0.23890999999999998, -0.28245, -0.19312999999999997, -0.01294999999999999, 0.17332, 0.27803999999999995, 0.25207, 0.10744999999999999, -0.08756999999999998],
    },
    LossCase {
        name: "mse_f64_broadcast_target",
        op: Op::Mse,
        input: (&[0.739, 2.104, 2.479, 1.689, 0.104, -1.53], &[2, 3], DType::F64),
        target: (&[1.958, 2.499, 1.864], &[3], DType::F64, true),
        seed_grad: 0.7,
        loss: (3.2246388333333336, DType::F64),
        input_grad: &[-0.28443333333333326, -0.09216666666666665, 0.1435, -0.06276666666666664, -0.5588333333333333, -0.7919333333333333],
        target_grad: &[0.3471999999999999, 0.6509999999999999, 0.6484333333333333],
    },
    LossCase {
        name: "mse_f64_broadcast_both",
        op: Op::Mse,
        input: (&[0.974, 2.228], &[2, 1], DType::F64),
        target: (&[1.199, 2.33, 2.366], &[1, 3], DType::F64, true),
        seed_grad: 0.7,
        loss: (0.819219, DType::F64),
        input_grad: &[-0.6937, 0.18410000000000007],
        target_grad: &[-0.1876, 0.3402, 0.35699999999999993],
    },
    LossCase {
        name: "mse_f64_scalars",
        op: Op::Mse,
        input: (&[1.199], &[], DType::F64),
        target: (&[2.479], &[], DType::F64, true),
        seed_grad: 0.7,
        loss: (1.6384, DType::F64),
        input_grad: &[-1.7919999999999998],
        target_grad: &[1.7919999999999998],
    },
    LossCase {
        name: "mse_f64_empty",
        op: Op::Mse,
        input: (&[], &[0], DType::F64),
        target: (&[], &[0], DType::F64, true),
        seed_grad: 0.7,
        loss: (f64::NAN, DType::F64),
        input_grad: &[],
        target_grad: &[],
    },
    LossCase {
        name: "mse_f64_constant_target",
        op: Op::Mse,
        input: (&[1.412, 2.409, 2.273, 1.068], &[2, 2], DType::F64),
        target: (&[0.497, 1.958, 2.499, 1.864], &[2, 2], DType::F64, false),
        seed_grad: 0.7,
        loss: (0.4313294999999999, DType::F64),
        input_grad: &[0.32025, 0.15784999999999993, -0.07909999999999999, -0.2786],
        target_grad: &[],
    },
    LossCase {
        name: "mse_f64_bool_target",
        op: Op::Mse,
        input: (&[1.611, 2.464, 2.158, 0.837], &[4], DType::F64),
        target: (&[1.0, 1.0, 1.0, 1.0], &[4], DType::Bool, false),
        seed_grad: 0.7,
        loss: (0.9710374999999999, DType::F64),
        input_grad: &[0.21384999999999998, 0.5124, 0.40529999999999994, -0.05705000000000001],
        target_grad: &[],
    },
    LossCase {
        name: "mse_bool_input_f64_target",
        op: Op::Mse,
        input: (&[1.0, 1.0, 1.0, 1.0], &[4], DType::Bool),
        target: (&[0.739, 2.104, 2.479, 1.689], &[4], DType::F64, true),
        seed_grad: 0.7,
        loss: (0.9872747500000002, DType::F64),
        input_grad: &[],
        target_grad: &[-0.09135, 0.3864, 0.51765, 0.24115],
    },
    LossCase {
        name: "nll_f64_batch",
        op: Op::Nll(&[2, 0, 1, 2]),
        input: (&[1.793, 2.494, 2.021, 0.598, -1.106, -2.29, -2.397, -1.377, 0.291, 1.822, 2.496, 1.996], &[4, 3], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (-0.8095, DType::F64),
        input_grad: &[0.0, 0.0, -0.175, -0.175, 0.0, 0.0, 0.0, -0.175, 0.0, 0.0, 0.0, -0.175],
        target_grad: &[],
    },
    LossCase {
        name: "nll_f64_unbatched",
        op: Op::Nll(&[3]),
        input: (&[1.958, 2.499, 1.864, 0.353, -1.325], &[5], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (-0.353, DType::F64),
        input_grad: &[0.0, 0.0, 0.0, -0.7, 0.0],
        target_grad: &[],
    },
    LossCase {
        name: "nll_f64_one_class",
        op: Op::Nll(&[0, 0, 0]),
        input: (&[2.104, 2.479, 1.689], &[3, 1], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (-2.090666666666667, DType::F64),
        input_grad: &[-0.2333333333333333, -0.2333333333333333, -0.2333333333333333],
        target_grad: &[],
    },
    LossCase {
        name: "nll_f64_empty_batch",
        op: Op::Nll(&[]),
        input: (&[], &[0, 3], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (f64::NAN, DType::F64),
        input_grad: &[],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f64_batch",
        op: Op::CrossEntropy(&[1, 0, 2, 2]),
        input: (&[2.228, 2.435, 1.496, -0.146, -1.719, -2.484, -2.081, -0.699, 1.012, 2.247, 2.425, 1.462], &[4, 3], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (0.7548494927597009, DType::F64),
        input_grad: &[0.06455352350057401, -0.09560029114725471, 0.031046767646680712, -0.04079162482608533, 0.02783776719001014, 0.01295385763607519, 0.006475253824247654, 0.025790025469701574, -0.032265279293949234, 0.06601419436477339, 0.07887543098794694, -0.14488962535272032],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f64_unbatched",
        op: Op::CrossEntropy(&[4]),
        input: (&[2.33, 2.366, 1.289, -0.394, -1.892], &[5], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (5.126233660128745, DType::F64),
        input_grad: &[0.2833964143489834, 0.2937845498094379, 0.10006767177968089, 0.01859414367418027, -0.6958427796122824],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f64_wide",
        op: Op::CrossEntropy(&[6, 0]),
        input: (&[2.409, 2.273, 1.068, -0.639, -2.046, -2.49, -1.764, -0.208, 1.446, 2.42, 2.255, 1.03, -0.679, -2.07], &[2, 7], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (4.2767802446753365, DType::F64),
        input_grad: &[0.157916537681082, 0.13783628646305968, 0.04130843229559497, 0.007493729850376814, 0.001835040681348383, 0.0011771151428963923, -0.34756714211435824, -0.3402891951398939, 0.050766625923910166, 0.13445629052060934, 0.11400464220744037, 0.033489741521064854, 0.006063208822978787, 0.001508686143890387],
        target_grad: &[],
    },
    LossCase {
        name: "cross_entropy_f64_empty_batch",
        op: Op::CrossEntropy(&[]),
        input: (&[], &[0, 4], DType::F64),
        target: (&[], &[], DType::F32, false),
        seed_grad: 0.7,
        loss: (f64::NAN, DType::F64),
        input_grad: &[],
        target_grad: &[],
    },
    LossCase {
        name: "mse_f32_input_f64_target",
        op: Op::Mse,
        input: (&[0.25, 1.793, 2.494], &[3], DType::F32),
        target: (&[2.409, 2.273, 1.068], &[3], DType::F64, true),
        seed_grad: 0.7,
        loss: (2.3083856322682705, DType::F64),
        input_grad: &[-1.007533311843872, -0.2240000069141388, 0.6654666662216187],
        target_grad: &[1.0075333333333332, 0.22400000801086428, -0.6654666470845539],
    },
    LossCase {
        name: "mse_f64_input_f32_target",
        op: Op::Mse,
        input: (&[0.25, 1.793, 2.494, 2.021, 0.598, -1.106], &[2, 3], DType::F64),
        target: (&[2.409, 2.273, 1.068], &[3], DType::F32, true),
        seed_grad: 0.7,
        loss: (2.4346002564665503, DType::F64),
        input_grad: &[-0.50376664797465, -0.11200000044504803, 0.3327333429018657, -0.09053331464131675, -0.3908333337783813, -0.5072666570981342],
        target_grad: &[0.5942999720573425, 0.502833366394043, 0.17453330755233765],
    },
    LossCase {
        name: "mse_f32_input_f64_scalar_target",
        op: Op::Mse,
        input: (&[0.25, 1.793, 2.494], &[3], DType::F32),
        target: (&[2.409], &[], DType::F64, true),
        seed_grad: 0.7,
        loss: (1.6826540046717329, DType::F64),
        input_grad: &[-1.007533311843872, -0.2874666750431061, 0.03966664522886276],
        target_grad: &[1.2553333609263098],
    },
];

/// First-order gradients of `out` with respect to `inputs`, recorded (`create_graph`).
fn grads_with_graph(out: &Tensor, inputs: &[&Tensor]) -> Vec<Tensor> {
    autograd::grad(&[out], inputs)
        .create_graph(true)
        .run()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}

#[track_caller]
fn assert_all_close(got: &[f64], want: &[f64], tol: f64) {
    assert!(
        compare("values", got, want, tol).is_none(),
        "{got:?} vs torch {want:?}"
    );
}

/// torch 2.15:
/// ```python
/// x = torch.tensor([1., 2., 3.], requires_grad=True); t = torch.tensor([0., 1., 1.])
/// g, = torch.autograd.grad(F.mse_loss(x, t), [x], create_graph=True)
/// # [0.6667, 0.6667, 1.3333], MseLossBackwardBackward0(None, AccumulateGrad, None)
/// t.requires_grad_()   # both gradients: MseLossBackwardBackward0(None, AccumulateGrad, AccumulateGrad)
/// t = torch.tensor(0.5, requires_grad=True)   # a 0-d target, expanded:
/// # x: [0.3333, 1., 1.6667] MseLossBackwardBackward0(None, AccumulateGrad, ExpandBackward0(AccumulateGrad))
/// # t: -3. SumBackward0(MseLossBackwardBackward0(None, ExpandBackward0(AccumulateGrad), AccumulateGrad))
/// ```
#[test]
fn mse_loss_gradients_under_create_graph_are_mse_loss_backward_backward_nodes() {
    let x = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).requires_grad_(true);
    let t = Tensor::from_vec(vec![0.0f32, 1.0, 1.0], &[3]);
    let g = grads_with_graph(&x.mse_loss(&t), &[&x]).remove(0);
    assert_eq!(
        chain(&g),
        "MseLossBackwardBackward0(None, AccumulateGrad, None)"
    );
    assert_all_close(
        &g.to_vec(),
        &[0.6666666865348816, 0.6666666865348816, 1.3333333730697632],
        1e-7,
    );

    let t = t.requires_grad_(true);
    let g = grads_with_graph(&x.mse_loss(&t), &[&x, &t]);
    for (grad, sign) in g.iter().zip([1.0, -1.0]) {
        assert_eq!(
            chain(grad),
            "MseLossBackwardBackward0(None, AccumulateGrad, AccumulateGrad)"
        );
        let want: Vec<f64> = [0.6666666865348816, 0.6666666865348816, 1.3333333730697632]
            .iter()
            .map(|v| v * sign)
            .collect();
        assert_all_close(&grad.to_vec(), &want, 1e-7);
    }

    let t = Tensor::from_vec(vec![0.5f32], &[]).requires_grad_(true);
    let g = grads_with_graph(&x.mse_loss(&t), &[&x, &t]);
    assert_eq!(
        chain(&g[0]),
        "MseLossBackwardBackward0(None, AccumulateGrad, ExpandBackward0(AccumulateGrad))"
    );
    assert_eq!(
        chain(&g[1]),
        "SumBackward0(MseLossBackwardBackward0(None, ExpandBackward0(AccumulateGrad), AccumulateGrad))"
    );
    assert_all_close(
        &g[0].to_vec(),
        &[0.3333333432674408, 1.0, 1.6666667461395264],
        1e-7,
    );
    assert_eq!(g[1].to_vec(), vec![-3.0]);
}

/// torch 2.15:
/// ```python
/// x = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)
/// t = torch.tensor([0.5, -1., 1.], dtype=torch.float64, requires_grad=True)
/// l = F.mse_loss(x, t); gx, gt = torch.autograd.grad(l * l, [x, t], create_graph=True)
/// w = torch.tensor([1., -2., 0.5], dtype=torch.float64)
/// ((gx * w).sum() + (gt * gt).sum()).backward()
/// ```
#[test]
fn mse_loss_second_derivatives_match_torch() {
    let x = Tensor::from_vec(vec![1.0f64, 2.0, 3.0], &[3]).requires_grad_(true);
    let t = Tensor::from_vec(vec![0.5f64, -1.0, 1.0], &[3]).requires_grad_(true);
    let l = x.mse_loss(&t);
    let g = grads_with_graph(&(&l * &l), &[&x, &t]);
    let gx = [2.9444444444444446, 17.666666666666668, 11.777777777777779];
    assert_all_close(&g[0].to_vec(), &gx, 1e-14);
    assert_all_close(&g[1].to_vec(), &gx.map(|v| -v), 1e-14);
    let w = Tensor::from_vec(vec![1.0f64, -2.0, 0.5], &[3]);
    ((&g[0] * &w).sum() + (&g[1] * &g[1]).sum()).backward();
    let xg = [107.92592592592594, 600.4444444444445, 411.0925925925926];
    assert_all_close(&x.grad().unwrap().to_vec(), &xg, 1e-14);
    assert_all_close(&t.grad().unwrap().to_vec(), &xg.map(|v| -v), 1e-14);
}

/// torch 2.15: an `F32` input with an `F64` target records no conversion (the kernel
/// promotes internally); the loss is `F64`, the input's gradient `F32`.
/// ```python
/// xs = torch.tensor([1., 2., 3.], requires_grad=True)
/// cs = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
/// l = F.mse_loss(xs, cs)   # MseLossBackward0(AccumulateGrad, ExpandBackward0(AccumulateGrad))
/// g = torch.autograd.grad(l * l, [xs, cs], create_graph=True)
/// # float32 [5.132, 10.834221839904785, 16.53644371032715], -32.50266666666666
/// ```
#[test]
fn mse_loss_of_mixed_dtypes_records_no_conversion() {
    let xs = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[3]).requires_grad_(true);
    let cs = Tensor::from_vec(vec![0.1f64], &[]).requires_grad_(true);
    let l = xs.mse_loss(&cs);
    assert_eq!(l.dtype(), DType::F64);
    assert_eq!(
        chain(&l),
        "MseLossBackward0(AccumulateGrad, ExpandBackward0(AccumulateGrad))"
    );
    let g = grads_with_graph(&(&l * &l), &[&xs, &cs]);
    assert_eq!((g[0].dtype(), g[1].dtype()), (DType::F32, DType::F64));
    assert_eq!(node_name(&g[0]), "MseLossBackwardBackward0");
    assert_all_close(
        &g[0].to_vec(),
        &[5.131999969482422, 10.834221839904785, 16.53644371032715],
        1e-7,
    );
    assert_all_close(&g[1].to_vec(), &[-32.50266666666666], 1e-12);
    // A bool target counts as the input's dtype: F.mse_loss(x, b) is float32.
    let b = Tensor::from_vec(vec![1.0f32, 0.0, 1.0], &[3]).ne(0.0);
    let l = xs.mse_loss(&b);
    assert_eq!(
        (l.dtype(), chain(&l).as_str()),
        (DType::F32, "MseLossBackward0(AccumulateGrad, None)")
    );
}

fn node_name(t: &Tensor) -> String {
    t.grad_fn()
        .map(|f| f.name().to_string())
        .unwrap_or_default()
}

/// torch 2.15's texts for bad loss inputs (`F.nll_loss` / `F.cross_entropy` / `F.mse_loss`),
/// e.g. `F.nll_loss(torch.zeros(3), torch.tensor([0, 1]))` -> `For 1D input, 1D target must
/// have size 1, but got target size: 2`.
#[test]
fn loss_errors_carry_torchs_messages() {
    let z = |shape: &[usize]| Tensor::zeros(shape);
    type Case = (Box<dyn FnOnce() -> Tensor>, &'static str);
    let cases: Vec<Case> = vec![
        (Box::new(move || z(&[3]).nll_loss(&[0, 1])), "For 1D input, 1D target must have size 1, but got target size: 2"),
        (Box::new(move || z(&[3]).cross_entropy(&[0, 1])), "For 1D input, 1D target must have size 1, but got target size: 2"),
        (Box::new(move || z(&[3]).nll_loss(&[5])), "Target 5 is out of bounds."),
        (Box::new(move || z(&[2, 3]).nll_loss(&[0, 5])), "Target 5 is out of bounds."),
        (Box::new(move || z(&[2, 3]).cross_entropy(&[0, 5])), "Target 5 is out of bounds."),
        (Box::new(move || z(&[2, 0]).cross_entropy(&[0, 0])), "Target 0 is out of bounds."),
        (Box::new(move || z(&[2, 3]).nll_loss(&[0, 1, 2])), "Expected input batch_size (2) to match target batch_size (3)."),
        (Box::new(move || z(&[2, 3]).cross_entropy(&[0, 1, 2])), "Expected input batch_size (2) to match target batch_size (3)."),
        (Box::new(move || z(&[2, 3, 4]).nll_loss(&[0, 1])), "Expected target size [2, 4], got [2]"),
        (Box::new(move || z(&[2, 3, 4]).cross_entropy(&[0, 1])), "Expected target size [2, 4], got [2]"),
        (Box::new(move || z(&[2, 3, 4, 5]).nll_loss(&[0, 1])), "only batches of spatial targets supported (3D tensors) but got targets of dimension: 1"),
        (Box::new(move || z(&[]).nll_loss(&[0])), "Expected 1 or more dimensions (got 0)"),
        (Box::new(move || z(&[]).cross_entropy(&[0])), "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
        (Box::new(move || z(&[2, 3]).mse_loss(&z(&[2]))), "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"),
        (Box::new(move || z(&[2, 3]).eq(0.0).nll_loss(&[0, 1])), "\"nll_loss_out_frame\" not implemented for 'Bool'"),
        (Box::new(move || z(&[2]).eq(0.0).mse_loss(&z(&[2]).eq(0.0))), "\"mse_cpu\" not implemented for 'Bool'"),
    ];
    let mut failures = Vec::new();
    for (f, torch) in cases {
        let message = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(_) => "no panic".to_string(),
            Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
        };
        if !message.contains(torch) {
            failures.push(format!("expected {torch:?} in {message:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- nn modules -----------------------------------------------------------------------------

/// torch 2.15's weight (`[3, 4]`, row-major) and bias of the Linear cases.
const WEIGHT: [f64; 12] = [
    0.1, -0.2, 0.3, 0.4, 0.5, -0.6, -0.7, 0.8, 0.9, 1.0, -1.1, 1.2,
];
const BIAS: [f64; 3] = [0.01, -0.02, 0.03];

/// `nn.Linear(4, 3)` with [`WEIGHT`] and [`BIAS`] on one input, with torch's results after
/// `y.backward(upstream)`.
struct LinearCase {
    dtype: DType,
    bias: bool,
    input: &'static [f64],
    shape: &'static [usize],
    output: &'static [f64],
    upstream: &'static [f64],
    input_grad: &'static [f64],
    weight_grad: &'static [f64],
    bias_grad: &'static [f64],
}

#[test]
fn linear_matches_torch_values_and_gradients() {
    let mut failures = Vec::new();
    for case in LINEAR_CASES {
        let tol = if case.dtype == DType::F32 {
            1e-6
        } else {
            1e-12
        };
        let weight = tensor_of(&WEIGHT, &[3, 4], case.dtype);
        let bias = case.bias.then(|| tensor_of(&BIAS, &[3], case.dtype));
        let layer = Linear::from_tensors(weight, bias);
        let x = tensor_of(case.input, case.shape, case.dtype).requires_grad_(true);
        let y = layer.forward(&x);
        let mut out_shape = case.shape.to_vec();
        *out_shape.last_mut().unwrap() = 3;
        let what = format!("{} bias {} input {:?}", case.dtype, case.bias, case.shape);
        assert_eq!(y.shape(), &out_shape[..], "{what}");
        y.backward_with(&tensor_of(case.upstream, &out_shape, case.dtype));
        let bias_grad = layer
            .bias()
            .map_or_else(Vec::new, |b| b.grad().unwrap().to_vec());
        let checks = [
            ("output", y.to_vec(), case.output),
            ("input grad", x.grad().unwrap().to_vec(), case.input_grad),
            (
                "weight grad",
                layer.weight().grad().unwrap().to_vec(),
                case.weight_grad,
            ),
            ("bias grad", bias_grad, case.bias_grad),
        ];
        for (name, got, want) in checks {
            // Relative to the largest value: the bias gradient sums the upstream over the
            // rows, with cancellation, in another order than torch's reduction.
            let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let same = got.len() == want.len()
                && got
                    .iter()
                    .zip(want)
                    .all(|(g, w)| (g - w).abs() <= tol * scale);
            if !same {
                failures.push(format!("{what}: {name}: got {got:?}, torch {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// torch 2.15: `nn.Linear(3, 2)(x).grad_fn` chains for each input rank, with and without bias
/// (`F.linear`: `addmm` over a flattened input, `matmul` without bias).
#[test]
fn linear_records_torchs_nodes() {
    let cases = [
        (true, vec![3], "UnsafeViewBackward0(AddmmBackward0(AccumulateGrad, ViewBackward0(AccumulateGrad), TBackward0(AccumulateGrad)))"),
        (true, vec![2, 3], "AddmmBackward0(AccumulateGrad, AccumulateGrad, TBackward0(AccumulateGrad))"),
        (true, vec![2, 2, 3], "UnsafeViewBackward0(AddmmBackward0(AccumulateGrad, ViewBackward0(AccumulateGrad), TBackward0(AccumulateGrad)))"),
        (true, vec![0, 3], "AddmmBackward0(AccumulateGrad, AccumulateGrad, TBackward0(AccumulateGrad))"),
        (false, vec![3], "SqueezeBackward4(MmBackward0(UnsqueezeBackward0(AccumulateGrad), TBackward0(AccumulateGrad)))"),
        (false, vec![2, 3], "MmBackward0(AccumulateGrad, TBackward0(AccumulateGrad))"),
        (false, vec![2, 1, 2, 3], "UnsafeViewBackward0(MmBackward0(ViewBackward0(AccumulateGrad), TBackward0(AccumulateGrad)))"),
    ];
    for (bias, shape, torch) in cases {
        let layer = Linear::with_options(3, 2, bias, DType::F64);
        let x = Tensor::zeros(&shape).double().requires_grad_(true);
        assert_eq!(
            chain(&layer.forward(&x)),
            torch,
            "bias {bias}, input {shape:?}"
        );
    }
}

/// torch 2.15: parameter names and shapes, in `state_dict()` and `named_parameters()` order.
/// `nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1, bias=False))`:
/// `0.weight [3, 2]`, `0.bias [3]`, `2.weight [1, 3]`; reprs `Linear(in_features=2,
/// out_features=3, bias=True)`, `ReLU()`, `Tanh()`, `Sigmoid()`, `Dropout(p=0.5, inplace=False)`.
#[test]
fn parameter_names_shapes_and_reprs_match_torch() {
    let model = Sequential::new()
        .add(Linear::new(2, 3))
        .add(ReLU::new())
        .add(Linear::with_options(3, 1, false, DType::F32));
    let named: Vec<(String, Vec<usize>)> = (model.named_parameters().into_iter())
        .map(|(n, t)| (n, t.shape().to_vec()))
        .collect();
    let torch = [
        ("0.weight", vec![3, 2]),
        ("0.bias", vec![3]),
        ("2.weight", vec![1, 3]),
    ];
    assert_eq!(named, torch.map(|(n, s)| (n.to_string(), s)).to_vec());
    let mut keys: Vec<String> = model.state_dict().into_keys().collect();
    keys.sort();
    assert_eq!(keys, ["0.bias", "0.weight", "2.weight"]);
    let linear = Linear::new(3, 2);
    let names: Vec<String> = linear
        .named_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["weight", "bias"]);
    assert_eq!(
        format!("{linear:?}"),
        "Linear(in_features=3, out_features=2, bias=True)"
    );
    assert_eq!(format!("{:?}", ReLU::new()), "ReLU()");
    assert_eq!(format!("{:?}", Tanh::new()), "Tanh()");
    assert_eq!(format!("{:?}", Sigmoid::new()), "Sigmoid()");
    assert_eq!(
        format!("{:?}", Dropout::new(0.5)),
        "Dropout(p=0.5, inplace=False)"
    );
    assert_eq!(
        format!("{:?}", Dropout::new(0.0)),
        "Dropout(p=0.0, inplace=False)"
    );
}

/// torch 2.15 on `x = torch.tensor([-1., 0., 2.], requires_grad=True)`:
/// `nn.ReLU()(x)` = `[0., 0., 2.]` (`ReluBackward0`), `nn.Tanh()(x)` =
/// `[-0.7615941762924194, 0., 0.9640275835990906]` (`TanhBackward0`), `nn.Sigmoid()(x)` =
/// `[0.2689414322376251, 0.5, 0.8807970285415649]` (`SigmoidBackward0`); gradients of `sum`:
/// `[0., 0., 1.]`, `[0.41997429728507996, 1., 0.07065081596374512]`,
/// `[0.1966119408607483, 0.25, 0.10499362647533417]`.
#[test]
fn activations_match_torch() {
    type Case = (Box<dyn Module>, &'static str, [f64; 3], [f64; 3]);
    let cases: [Case; 3] = [
        (
            Box::new(ReLU::new()),
            "ReluBackward0",
            [0.0, 0.0, 2.0],
            [0.0, 0.0, 1.0],
        ),
        (
            Box::new(Tanh::new()),
            "TanhBackward0",
            [-0.7615941762924194, 0.0, 0.9640275835990906],
            [0.41997429728507996, 1.0, 0.07065081596374512],
        ),
        (
            Box::new(Sigmoid::new()),
            "SigmoidBackward0",
            [0.2689414322376251, 0.5, 0.8807970285415649],
            [0.1966119408607483, 0.25, 0.10499362647533417],
        ),
    ];
    for (module, node, values, grads) in cases {
        let x = Tensor::from_vec(vec![-1.0f32, 0.0, 2.0], &[3]).requires_grad_(true);
        let y = module.forward(&x);
        assert_eq!(chain(&y), format!("{node}(AccumulateGrad)"));
        assert_all_close(&y.to_vec(), &values, 1e-6);
        y.sum().backward();
        assert_all_close(&x.grad().unwrap().to_vec(), &grads, 1e-6);
    }
}

/// torch 2.15 `nn.Dropout` on `x = torch.tensor([-1., 0., 2.], requires_grad=True)`:
/// `p=1.0` gives `[-0., 0., 0.]` with `MulBackward0(AccumulateGrad, None)`; `p=0.0` and eval
/// mode return `x` itself; `p=0.5` keeps each value doubled or zeroes it
/// (`MulBackward0(AccumulateGrad, None)`), with the same mask as gradient.
#[test]
fn dropout_matches_torch_in_train_and_eval() {
    let x = Tensor::from_vec(vec![-1.0f32, 0.0, 2.0], &[3]).requires_grad_(true);
    let y = Dropout::new(1.0).forward(&x);
    assert_eq!(chain(&y), "MulBackward0(AccumulateGrad, None)");
    assert_eq!(y.to_vec(), vec![0.0; 3]);
    assert!(y.to_vec()[0].is_sign_negative());
    assert!(Dropout::new(0.0).forward(&x).ptr_eq(&x));
    let mut drop = Dropout::new(0.5);
    drop.eval();
    assert!(drop.forward(&x).ptr_eq(&x));
    drop.train();
    let big = Tensor::ones(&[4000]).double().requires_grad_(true);
    let y = drop.forward(&big);
    assert_eq!(chain(&y), "MulBackward0(AccumulateGrad, None)");
    let kept = y.to_vec().iter().filter(|&&v| v == 2.0).count();
    assert!(y.to_vec().iter().all(|&v| v == 0.0 || v == 2.0));
    assert!((1800..2200).contains(&kept), "{kept} of 4000 kept");
    y.backward_with(&Tensor::ones(&[4000]).double());
    assert_eq!(big.grad().unwrap().to_vec(), y.to_vec());
    // p = 0.3 in float32: survivors scaled by float32(1 / 0.7) = 1.4285714626312256.
    let y = Dropout::new(0.3).forward(&Tensor::ones(&[1000]));
    assert!(y
        .to_vec()
        .iter()
        .all(|&v| v == 0.0 || v == 1.4285714626312256));
}

/// torch 2.15: `nn.Dropout(1.5)` and `F.dropout(x, 1.5)` raise
/// `dropout probability has to be between 0 and 1, but got 1.5` (the value as given:
/// `2.0` for a float, `-0.1`).
#[test]
fn dropout_probability_outside_zero_one_is_refused_with_torchs_message() {
    let message = |f: Box<dyn FnOnce()>| {
        let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
        err.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    for (p, torch) in [(1.5, "1.5"), (2.0, "2.0"), (-0.1, "-0.1")] {
        let want = format!("dropout probability has to be between 0 and 1, but got {torch}");
        let module = message(Box::new(move || {
            Dropout::new(p);
        }));
        let function = message(Box::new(move || drop(Tensor::ones(&[2]).dropout(p, true))));
        assert!(module.contains(&want), "{module}");
        assert!(function.contains(&want), "{function}");
    }
}

#[rustfmt::skip]
const LINEAR_CASES: &[LinearCase] = &[
    LinearCase { dtype: DType::F32, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914], shape: &[4],
        output: &[0.9865000247955322, 0.03517995402216911, 1.4194200038909912],
        upstream: &[1.0, 0.8776, 0.5403],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732],
        weight_grad: &[0.0, 0.7232000231742859, 1.3486000299453735, 1.7913999557495117, 0.0, 0.6346803307533264, 1.183531403541565, 1.5721325874328613, 0.0, 0.39074498414993286, 0.7286486029624939, 0.9678934216499329],
        bias_grad: &[1.0, 0.8776000142097473, 0.5403000116348267] },
    LinearCase { dtype: DType::F32, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481], shape: &[2, 4],
        output: &[0.9865000247955322, 0.03517995402216911, 1.4194200038909912, 0.7218299508094788, -0.4543500244617462, 3.2505300045013428],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732, -0.921970009803772, -0.5655800104141235, 1.1936900615692139, -1.2659200429916382],
        weight_grad: &[0.14082024991512299, 0.8591278195381165, 1.4612321853637695, 1.865500569343567, -0.8287879228591919, -0.16531354188919067, 0.5206425189971924, 1.13601815700531, -1.5956310033798218, -1.1494498252868652, -0.5475837588310242, 0.12826049327850342],
        bias_grad: &[1.0707000494003296, 0.46150001883506775, -0.26080000400543213] },
    LinearCase { dtype: DType::F32, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385], shape: &[2, 2, 4],
        output: &[0.9865000247955322, 0.03517995402216911, 1.4194200038909912, 0.7218299508094788, -0.4543500244617462, 3.2505300045013428, -0.8373900651931763, -0.15389002859592438, -0.7754100561141968, -0.8555201292037964, 0.3900599181652069, -3.3365399837493896],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732, -0.921970009803772, -0.5655800104141235, 1.1936900615692139, -1.2659200429916382, -1.1554899215698242, 0.10630005598068237, 1.0775099992752075, -1.9295200109481812, 0.7585999369621277, 0.5806400179862976, -1.0414000749588013, 0.9930800199508667],
        weight_grad: &[0.18929629027843475, 1.6495791673660278, 2.886676549911499, 3.732943296432495, -1.713543176651001, -0.37920546531677246, 1.0065619945526123, 2.2559032440185547, -3.1968801021575928, -2.3152785301208496, -1.1202058792114258, 0.22627514600753784],
        bias_grad: &[-0.13009996712207794, -0.19130000472068787, -0.20569998025894165] },
    LinearCase { dtype: DType::F32, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385, -0.7105, 0.0136, 0.7359, 1.3586, 1.7974, 1.993, 1.9187, 1.5849], shape: &[2, 1, 3, 4],
        output: &[0.9865000247955322, 0.03517995402216911, 1.4194200038909912, 0.7218299508094788, -0.4543500244617462, 3.2505300045013428, -0.8373900651931763, -0.15389002859592438, -0.7754100561141968, -0.8555201292037964, 0.3900599181652069, -3.3365399837493896, 0.7004400491714478, 0.18834011256694794, 0.22498002648353577, 1.0007100105285645, -0.3922699987888336, 3.4319703578948975],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087, 0.9602, 0.9766, 0.7539, 0.3466, -0.1455, -0.602],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732, -0.921970009803772, -0.5655800104141235, 1.1936900615692139, -1.2659200429916382, -1.1554899215698242, 0.10630005598068237, 1.0775099992752075, -1.9295200109481812, 0.7585999369621277, 0.5806400179862976, -1.0414000749588013, 0.9930800199508667, 1.2628300189971924, -0.024100065231323242, -1.2248499393463135, 2.070039987564087, -0.5798899531364441, -0.5840200185775757, 0.8680300712585449, -0.700160026550293],
        weight_grad: &[0.13005298376083374, 2.3534116744995117, 4.258309364318848, 5.58679723739624, -2.6689391136169434, -0.6559052467346191, 1.4460710287094116, 3.35210919380188, -4.814560890197754, -3.5048117637634277, -1.720468282699585, 0.29641401767730713],
        bias_grad: &[1.1766999959945679, 0.6397998929023743, -0.05380004644393921] },
    LinearCase { dtype: DType::F32, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914], shape: &[4],
        output: &[0.9765000343322754, 0.05517995357513428, 1.3894200325012207],
        upstream: &[1.0, 0.8776, 0.5403],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732],
        weight_grad: &[0.0, 0.7232000231742859, 1.3486000299453735, 1.7913999557495117, 0.0, 0.6346803307533264, 1.183531403541565, 1.5721325874328613, 0.0, 0.39074498414993286, 0.7286486029624939, 0.9678934216499329],
        bias_grad: &[] },
    LinearCase { dtype: DType::F32, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481], shape: &[2, 4],
        output: &[0.9765000343322754, 0.05517995357513428, 1.3894200325012207, 0.7118299603462219, -0.43435001373291016, 3.2205300331115723],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732, -0.921970009803772, -0.5655800104141235, 1.1936900615692139, -1.2659200429916382],
        weight_grad: &[0.14082024991512299, 0.8591278195381165, 1.4612321853637695, 1.865500569343567, -0.8287879228591919, -0.16531354188919067, 0.5206425189971924, 1.13601815700531, -1.5956310033798218, -1.1494498252868652, -0.5475837588310242, 0.12826049327850342],
        bias_grad: &[] },
    LinearCase { dtype: DType::F32, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385], shape: &[2, 2, 4],
        output: &[0.9765000343322754, 0.05517995357513428, 1.3894200325012207, 0.7118299603462219, -0.43435001373291016, 3.2205300331115723, -0.8473900556564331, -0.1338900327682495, -0.8054100275039673, -0.8655201196670532, 0.41005992889404297, -3.36653995513916],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732, -0.921970009803772, -0.5655800104141235, 1.1936900615692139, -1.2659200429916382, -1.1554899215698242, 0.10630005598068237, 1.0775099992752075, -1.9295200109481812, 0.7585999369621277, 0.5806400179862976, -1.0414000749588013, 0.9930800199508667],
        weight_grad: &[0.18929629027843475, 1.6495791673660278, 2.886676549911499, 3.732943296432495, -1.713543176651001, -0.37920546531677246, 1.0065619945526123, 2.2559032440185547, -3.1968801021575928, -2.3152785301208496, -1.1202058792114258, 0.22627514600753784],
        bias_grad: &[] },
    LinearCase { dtype: DType::F32, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385, -0.7105, 0.0136, 0.7359, 1.3586, 1.7974, 1.993, 1.9187, 1.5849], shape: &[2, 1, 3, 4],
        output: &[0.9765000343322754, 0.05517995357513428, 1.3894200325012207, 0.7118299603462219, -0.43435001373291016, 3.2205300331115723, -0.8473900556564331, -0.1338900327682495, -0.8054100275039673, -0.8655201196670532, 0.41005992889404297, -3.36653995513916, 0.6904400587081909, 0.2083401083946228, 0.19498002529144287, 0.9907100200653076, -0.37226998805999756, 3.401970386505127],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087, 0.9602, 0.9766, 0.7539, 0.3466, -0.1455, -0.602],
        input_grad: &[1.0250699520111084, -0.18625998497009277, -0.9086499810218811, 1.750440001487732, -0.921970009803772, -0.5655800104141235, 1.1936900615692139, -1.2659200429916382, -1.1554899215698242, 0.10630005598068237, 1.0775099992752075, -1.9295200109481812, 0.7585999369621277, 0.5806400179862976, -1.0414000749588013, 0.9930800199508667, 1.2628300189971924, -0.024100065231323242, -1.2248499393463135, 2.070039987564087, -0.5798899531364441, -0.5840200185775757, 0.8680300712585449, -0.700160026550293],
        weight_grad: &[0.13005298376083374, 2.3534116744995117, 4.258309364318848, 5.58679723739624, -2.6689391136169434, -0.6559052467346191, 1.4460710287094116, 3.35210919380188, -4.814560890197754, -3.5048117637634277, -1.720468282699585, 0.29641401767730713],
        bias_grad: &[] },
    LinearCase { dtype: DType::F64, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914], shape: &[4],
        output: &[0.9865000000000002, 0.035180000000000225, 1.41942],
        upstream: &[1.0, 0.8776, 0.5403],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998],
        weight_grad: &[0.0, 0.7232, 1.3486, 1.7914, 0.0, 0.63468032, 1.1835313600000001, 1.5721326400000002, 0.0, 0.39074496, 0.72864858, 0.9678934200000001],
        bias_grad: &[1.0, 0.8776, 0.5403] },
    LinearCase { dtype: DType::F64, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481], shape: &[2, 4],
        output: &[0.9865000000000002, 0.035180000000000225, 1.41942, 0.72183, -0.4543499999999998, 3.25053],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998, -0.9219700000000001, -0.56558, 1.1936900000000001, -1.26592],
        weight_grad: &[0.14082026, 0.85912782, 1.46123217, 1.86550067, -0.8287879800000001, -0.1653135400000001, 0.5206424500000001, 1.1360182300000001, -1.5956309800000001, -1.1494499000000002, -0.54758383, 0.12826051000000005],
        bias_grad: &[1.0707, 0.4615, -0.26080000000000003] },
    LinearCase { dtype: DType::F64, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385], shape: &[2, 2, 4],
        output: &[0.9865000000000002, 0.035180000000000225, 1.41942, 0.72183, -0.4543499999999998, 3.25053, -0.83739, -0.15388999999999983, -0.7754099999999997, -0.85552, 0.3900600000000001, -3.33654],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998, -0.9219700000000001, -0.56558, 1.1936900000000001, -1.26592, -1.15549, 0.10630000000000006, 1.07751, -1.92952, 0.7586, 0.58064, -1.0414, 0.99308],
        weight_grad: &[0.18929629999999995, 1.64957922, 2.88667641, 3.73294347, -1.71354309, -0.37920549000000014, 1.0065618900000002, 2.25590323, -3.1968801100000004, -2.3152786900000004, -1.12020602, 0.22627524],
        bias_grad: &[-0.1301, -0.19129999999999997, -0.2057] },
    LinearCase { dtype: DType::F64, bias: true, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385, -0.7105, 0.0136, 0.7359, 1.3586, 1.7974, 1.993, 1.9187, 1.5849], shape: &[2, 1, 3, 4],
        output: &[0.9865000000000002, 0.035180000000000225, 1.41942, 0.72183, -0.4543499999999998, 3.25053, -0.83739, -0.15388999999999983, -0.7754099999999997, -0.85552, 0.3900600000000001, -3.33654, 0.7004400000000001, 0.1883400000000001, 0.22497999999999993, 1.00071, -0.3922699999999997, 3.4319699999999997],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087, 0.9602, 0.9766, 0.7539, 0.3466, -0.1455, -0.602],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998, -0.9219700000000001, -0.56558, 1.1936900000000001, -1.26592, -1.15549, 0.10630000000000006, 1.07751, -1.92952, 0.7586, 0.58064, -1.0414, 0.99308, 1.2628300000000001, -0.02410000000000001, -1.22485, 2.07004, -0.5798899999999999, -0.58402, 0.86803, -0.7001599999999999],
        weight_grad: &[0.13005303999999995, 2.3534117400000003, 4.2583090100000005, 5.58679753, -2.66893909, -0.6559052300000001, 1.4460709800000004, 3.35210904, -4.81456086, -3.5048116500000006, -1.72046841, 0.29641397999999997],
        bias_grad: &[1.1766999999999999, 0.6398000000000001, -0.05379999999999996] },
    LinearCase { dtype: DType::F64, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914], shape: &[4],
        output: &[0.9765000000000001, 0.05518000000000023, 1.3894199999999999],
        upstream: &[1.0, 0.8776, 0.5403],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998],
        weight_grad: &[0.0, 0.7232, 1.3486, 1.7914, 0.0, 0.63468032, 1.1835313600000001, 1.5721326400000002, 0.0, 0.39074496, 0.72864858, 0.9678934200000001],
        bias_grad: &[] },
    LinearCase { dtype: DType::F64, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481], shape: &[2, 4],
        output: &[0.9765000000000001, 0.05518000000000023, 1.3894199999999999, 0.71183, -0.4343499999999998, 3.22053],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998, -0.9219700000000001, -0.56558, 1.1936900000000001, -1.26592],
        weight_grad: &[0.14082026, 0.85912782, 1.46123217, 1.86550067, -0.8287879800000001, -0.1653135400000001, 0.5206424500000001, 1.1360182300000001, -1.5956309800000001, -1.1494499000000002, -0.54758383, 0.12826051000000005],
        bias_grad: &[] },
    LinearCase { dtype: DType::F64, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385], shape: &[2, 2, 4],
        output: &[0.9765000000000001, 0.05518000000000023, 1.3894199999999999, 0.71183, -0.4343499999999998, 3.22053, -0.84739, -0.13388999999999984, -0.8054099999999997, -0.86552, 0.4100600000000001, -3.3665399999999996],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998, -0.9219700000000001, -0.56558, 1.1936900000000001, -1.26592, -1.15549, 0.10630000000000006, 1.07751, -1.92952, 0.7586, 0.58064, -1.0414, 0.99308],
        weight_grad: &[0.18929629999999995, 1.64957922, 2.88667641, 3.73294347, -1.71354309, -0.37920549000000014, 1.0065618900000002, 2.25590323, -3.1968801100000004, -2.3152786900000004, -1.12020602, 0.22627524],
        bias_grad: &[] },
    LinearCase { dtype: DType::F64, bias: false, input: &[0.0, 0.7232, 1.3486, 1.7914, 1.9918, 1.9226, 1.5931, 1.0481, 0.3612, -0.3746, -1.0597, -1.6013, -1.9263, -1.9905, -1.7853, -1.3385, -0.7105, 0.0136, 0.7359, 1.3586, 1.7974, 1.993, 1.9187, 1.5849], shape: &[2, 1, 3, 4],
        output: &[0.9765000000000001, 0.05518000000000023, 1.3894199999999999, 0.71183, -0.4343499999999998, 3.22053, -0.84739, -0.13388999999999984, -0.8054099999999997, -0.86552, 0.4100600000000001, -3.3665399999999996, 0.69044, 0.20834000000000008, 0.19497999999999993, 0.99071, -0.37226999999999966, 3.40197],
        upstream: &[1.0, 0.8776, 0.5403, 0.0707, -0.4161, -0.8011, -0.99, -0.9365, -0.6536, -0.2108, 0.2837, 0.7087, 0.9602, 0.9766, 0.7539, 0.3466, -0.1455, -0.602],
        input_grad: &[1.0250700000000001, -0.1862600000000001, -0.90865, 1.7504399999999998, -0.9219700000000001, -0.56558, 1.1936900000000001, -1.26592, -1.15549, 0.10630000000000006, 1.07751, -1.92952, 0.7586, 0.58064, -1.0414, 0.99308, 1.2628300000000001, -0.02410000000000001, -1.22485, 2.07004, -0.5798899999999999, -0.58402, 0.86803, -0.7001599999999999],
        weight_grad: &[0.13005303999999995, 2.3534117400000003, 4.2583090100000005, 5.58679753, -2.66893909, -0.6559052300000001, 1.4460709800000004, 3.35210904, -4.81456086, -3.5048116500000006, -1.72046841, 0.29641397999999997],
        bias_grad: &[] },
];

// The loss table was printed by this script (torch 2.15, CPU):
//
// # Generates the loss cases of tests/nn_conformance.rs with torch 2.15.
// import math, torch, torch.nn.functional as F, warnings
// warnings.simplefilter("ignore")
// DT = {"F32": torch.float32, "F64": torch.float64, "Bool": torch.bool}
// def data(shape, seed):
//     n = math.prod(shape)
//     return [round(math.sin(i * 0.7 + seed) * 2.5, 3) for i in range(n)]
// def case(name, op, dtype, shape, seed, targets=None, tdtype=None, tshape=None, tseed=None, t_grad=False, seed_grad=0.7):
//     xv = data(shape, seed)
//     if dtype == "Bool": xv = [float(v > 0) for v in xv]
//     x = torch.tensor(xv, dtype=DT[dtype]).reshape(shape)
//     if dtype != "Bool": x.requires_grad_()
//     tv, t = [], None
//     if op == "Mse":
//         tv = data(tshape, tseed)
//         if tdtype == "Bool": tv = [float(v > 0) for v in tv]
//         t = torch.tensor(tv, dtype=DT[tdtype]).reshape(tshape)
//         if t_grad: t.requires_grad_()
//         loss = F.mse_loss(x, t)
//     elif op == "Nll":
//         loss = F.nll_loss(x, torch.tensor(targets if len(shape) > 1 else targets[0], dtype=torch.long))
//     else:
//         loss = F.cross_entropy(x, torch.tensor(targets if len(shape) > 1 else targets[0], dtype=torch.long))
//     loss.backward(torch.tensor(seed_grad, dtype=loss.dtype))
//     num = lambda v: "f64::NAN" if math.isnan(v) else repr(float(v))
//     r = lambda vs: "[" + ", ".join(num(v) for v in vs) + "]"
//     flat = lambda t: t.detach().double().flatten().tolist() if t is not None else []
//     ops = {"Mse": "Op::Mse", "Nll": f"Op::Nll(&{list(targets or [])})", "CrossEntropy": f"Op::CrossEntropy(&{list(targets or [])})"}
//     print(f"""    LossCase {{
//         name: "{name}",
//         op: {ops[op]},
//         input: (&{r(xv)}, &{list(shape)}, DType::{dtype}),
//         target: (&{r(tv)}, &{list(tshape or [])}, DType::{tdtype or 'F32'}, {str(t_grad).lower()}),
//         seed_grad: {seed_grad!r},
//         loss: ({num(loss.item())}, DType::{ {torch.float32: 'F32', torch.float64: 'F64'}[loss.dtype] }),
//         input_grad: &{r(flat(x.grad))},
//         target_grad: &{r(flat(t.grad) if t is not None and t_grad else [])},
//     }},""")
// print("const LOSS_CASES: &[LossCase] = &[")
// for dt in ["F32", "F64"]:
//     d = dt.lower()
//     case(f"mse_{d}_same_shape", "Mse", dt, [3], 0.1, tdtype=dt, tshape=[3], tseed=1.3, t_grad=True)
//     case(f"mse_{d}_batch", "Mse", dt, [4, 5], 0.2, tdtype=dt, tshape=[4, 5], tseed=2.1, t_grad=True)
//     case(f"mse_{d}_broadcast_target", "Mse", dt, [2, 3], 0.3, tdtype=dt, tshape=[3], tseed=0.9, t_grad=True)
//     case(f"mse_{d}_broadcast_both", "Mse", dt, [2, 1], 0.4, tdtype=dt, tshape=[1, 3], tseed=0.5, t_grad=True)
//     case(f"mse_{d}_scalars", "Mse", dt, [], 0.5, tdtype=dt, tshape=[], tseed=1.7, t_grad=True)
//     case(f"mse_{d}_empty", "Mse", dt, [0], 0.5, tdtype=dt, tshape=[0], tseed=1.7, t_grad=True)
//     case(f"mse_{d}_constant_target", "Mse", dt, [2, 2], 0.6, tdtype=dt, tshape=[2, 2], tseed=0.2)
//     case(f"mse_{d}_bool_target", "Mse", dt, [4], 0.7, tdtype="Bool", tshape=[4], tseed=0.3)
//     case(f"mse_bool_input_{d}_target", "Mse", "Bool", [4], 0.7, tdtype=dt, tshape=[4], tseed=0.3, t_grad=True)
//     case(f"nll_{d}_batch", "Nll", dt, [4, 3], 0.8, targets=[2, 0, 1, 2])
//     case(f"nll_{d}_unbatched", "Nll", dt, [5], 0.9, targets=[3])
//     case(f"nll_{d}_one_class", "Nll", dt, [3, 1], 1.0, targets=[0, 0, 0])
//     case(f"nll_{d}_empty_batch", "Nll", dt, [0, 3], 1.0, targets=[])
//     case(f"cross_entropy_{d}_batch", "CrossEntropy", dt, [4, 3], 1.1, targets=[1, 0, 2, 2])
//     case(f"cross_entropy_{d}_unbatched", "CrossEntropy", dt, [5], 1.2, targets=[4])
//     case(f"cross_entropy_{d}_wide", "CrossEntropy", dt, [2, 7], 1.3, targets=[6, 0])
//     case(f"cross_entropy_{d}_empty_batch", "CrossEntropy", dt, [0, 4], 1.0, targets=[])
// case("mse_f32_input_f64_target", "Mse", "F32", [3], 0.1, tdtype="F64", tshape=[3], tseed=1.3, t_grad=True)
// case("mse_f64_input_f32_target", "Mse", "F64", [2, 3], 0.1, tdtype="F32", tshape=[3], tseed=1.3, t_grad=True)
// case("mse_f32_input_f64_scalar_target", "Mse", "F32", [3], 0.1, tdtype="F64", tshape=[], tseed=1.3, t_grad=True)
// print("];")

// The Linear table was printed by this script (torch 2.15, CPU):
//
// # Generates the Linear cases of tests/nn_conformance.rs with torch 2.15.
// import math, torch, torch.nn as nn
// W = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6, -0.7, 0.8, 0.9, 1.0, -1.1, 1.2]
// B = [0.01, -0.02, 0.03]
// def r(vs): return "&[" + ", ".join(repr(float(v)) for v in vs) + "]"
// print("const LINEAR_CASES: &[LinearCase] = &[")
// for dt, name in [(torch.float32, "F32"), (torch.float64, "F64")]:
//     for bias in [True, False]:
//         for shape in [[4], [2, 4], [2, 2, 4], [2, 1, 3, 4]]:
//             layer = nn.Linear(4, 3, bias=bias, dtype=dt)
//             with torch.no_grad():
//                 layer.weight.copy_(torch.tensor(W, dtype=dt).reshape(3, 4))
//                 if bias: layer.bias.copy_(torch.tensor(B, dtype=dt))
//             n = math.prod(shape)
//             xv = [round(math.sin(i * 0.37) * 2, 4) for i in range(n)]
//             x = torch.tensor(xv, dtype=dt).reshape(shape).requires_grad_()
//             y = layer(x)
//             up = [round(math.cos(i * 0.5), 4) for i in range(y.numel())]
//             y.backward(torch.tensor(up, dtype=dt).reshape(y.shape))
//             print(f"    LinearCase {{ dtype: DType::{name}, bias: {str(bias).lower()}, input: {r(xv)}, shape: &{shape},")
//             print(f"        output: {r(y.detach().double().flatten().tolist())},")
//             print(f"        upstream: {r(up)},")
//             print(f"        input_grad: {r(x.grad.double().flatten().tolist())},")
//             print(f"        weight_grad: {r(layer.weight.grad.double().flatten().tolist())},")
//             print(f"        bias_grad: {r(layer.bias.grad.double().flatten().tolist() if bias else [])} }},")
// print("];")
