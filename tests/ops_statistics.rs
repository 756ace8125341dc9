//! prod, var, std, cumsum, argmax and argmin: values and gradients against torch 2.15 (zeros in
//! prod's input, degrees of freedom <= 0 in var/std), gradcheck, node names and errors.

// The cases are tables of torch's values, one tuple per case.
#![allow(clippy::type_complexity)]

mod ops_support;

use autograd::{tensor, Tensor};
use ops_support::*;

/// The f32 matrix most cases below use (`torch.tensor([[0.3, -1.7, 2.5], [1.1, 0.9, -0.4]])`).
fn x32() -> Tensor {
    tensor![[0.3, -1.7, 2.5], [1.1, 0.9, -0.4]].requires_grad_(true)
}

/// `1, 2, .., n` in `like`'s shape and dtype: weights that tell the output elements apart
/// (torch: `torch.arange(1., n + 1).reshape(y.shape)`).
fn ramp(like: &Tensor) -> Tensor {
    let n = like.numel();
    Tensor::arange_step(1.0, n as f64 + 1.0, 1.0)
        .reshape(like.shape())
        .to_dtype(like.dtype())
}

/// f32 agreement: relative 1e-6 (a few ulps), or exact for NaN/inf/0.
#[track_caller]
fn assert_f32(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let ok = (a.is_nan() && e.is_nan()) || a == e || (a - e).abs() <= 1e-6 * e.abs();
        assert!(
            ok,
            "element {i}: got {a}, torch gives {e} (all: {actual:?})"
        );
    }
}

/// The gradient of `(y * ramp(y)).sum()` with respect to `x`.
fn weighted_grad(x: &Tensor, y: &Tensor) -> Vec<f64> {
    x.zero_grad();
    (y * &ramp(y)).sum().backward();
    x.grad().unwrap().to_vec()
}

// ---- prod ----------------------------------------------------------------------------------

#[test]
fn prod_values_and_gradient_match_torch() {
    // torch 2.15: x.prod() = 0.5049000382423401 (ProdBackward0); the gradient is prod / x_i.
    let x = x32();
    let p = x.prod();
    assert_eq!(p.shape(), &[] as &[usize]);
    assert_eq!(node(&p), "ProdBackward0");
    assert_f32(&p.to_vec(), &[0.5049000382423401]);
    p.backward();
    assert_f32(
        &x.grad().unwrap().to_vec(),
        &[
            1.683000087738037,
            -0.2970000207424164,
            0.2019600123167038,
            0.45900002121925354,
            0.5610000491142273,
            -1.2622500658035278,
        ],
    );
}

#[test]
fn prod_dim_values_shapes_and_gradients_match_torch() {
    // torch 2.15: x.prod(0) = [0.33, -1.53, -1.0]; x.prod(1, keepdim=True) = [[-1.275], [-0.396]]
    let x = x32();
    let y = x.prod_dim(0, false);
    assert_eq!((y.shape(), node(&y).as_str()), (&[3][..], "ProdBackward1"));
    assert_f32(
        &y.to_vec(),
        &[0.33000001311302185, -1.5299999713897705, -1.0],
    );
    assert_f32(
        &weighted_grad(&x, &y),
        &[
            1.100000023841858,
            1.7999999523162842,
            -1.2000000476837158,
            0.30000001192092896,
            -3.4000000953674316,
            7.5,
        ],
    );
    let expected_1 = [
        -4.25,
        0.7500000596046448,
        -0.5100000500679016,
        -0.7199999690055847,
        -0.8799999952316284,
        1.9800000190734863,
    ];
    for (dim, keepdim, shape) in [(1, true, &[2, 1][..]), (-1, false, &[2][..])] {
        let y = x.prod_dim(dim, keepdim);
        assert_eq!(y.shape(), shape);
        assert_f32(&y.to_vec(), &[-1.2750000953674316, -0.3959999978542328]);
        assert_f32(&weighted_grad(&x, &y), &expected_1);
    }
}

#[test]
fn prod_gradient_with_one_zero_goes_to_the_zero_only() {
    // torch 2.15: grad of prod([2, 0, 3, -1.5]) = [-0., -9., -0., 0.] (the product of the
    // others at the zero, signed zeros elsewhere from prod_safe_zeros_backward).
    let x = leaf(&[2.0, 0.0, 3.0, -1.5], &[4]);
    x.prod().backward();
    let g = x.grad().unwrap().to_vec();
    assert_eq!(g, vec![0.0, -9.0, 0.0, 0.0]);
    let signs: Vec<bool> = g.iter().map(|v| v.is_sign_negative()).collect();
    assert_eq!(signs, vec![true, true, true, false]);
}

#[test]
fn prod_gradient_with_several_zeros_is_zero() {
    // torch 2.15: every product of the others holds a zero.
    let x = leaf(&[2.0, 0.0, 3.0, 0.0, 0.0, 5.0, 4.0, 1.5, -2.0], &[3, 3]);
    x.prod().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0; 9]);
}

#[test]
fn prod_dim_gradient_with_zeros_in_columns() {
    // torch 2.15, z = [[2, 0, 3], [0, 0, 5], [4, 1.5, -2]], weights [1, 2, 3]:
    //   z.prod(0) = [0, 0, -30], grad [0, 0, -30, 8, 0, -18, 0, 0, 45]
    //   z.prod(1) = [0, 0, -12], grad [0, 6, 0, 0, 0, 0, -9, -24, 18]
    let z = leaf(&[2.0, 0.0, 3.0, 0.0, 0.0, 5.0, 4.0, 1.5, -2.0], &[3, 3]);
    let y = z.prod_dim(0, false);
    assert_eq!(y.to_vec(), vec![0.0, 0.0, -30.0]);
    assert_eq!(
        weighted_grad(&z, &y),
        vec![0.0, 0.0, -30.0, 8.0, 0.0, -18.0, 0.0, 0.0, 45.0]
    );
    let y = z.prod_dim(1, false);
    assert_eq!(y.to_vec(), vec![0.0, 0.0, -12.0]);
    assert_eq!(
        weighted_grad(&z, &y),
        vec![0.0, 6.0, 0.0, 0.0, 0.0, 0.0, -9.0, -24.0, 18.0]
    );
}

#[test]
fn prod_gradcheck_without_with_one_and_with_two_zeros() {
    let inputs = [
        sample(&[2, 3], 0.2),
        leaf(&[1.5, 0.0, -0.7, 1.2, 0.9, -1.1], &[2, 3]),
        leaf(&[1.5, 0.0, -0.7, 0.0, 0.9, -1.1], &[2, 3]),
    ];
    for x in inputs {
        check(|v| v[0].prod(), std::slice::from_ref(&x));
        for dim in [0, 1, -1] {
            check(|v| v[0].prod_dim(dim, false), std::slice::from_ref(&x));
            check(|v| v[0].prod_dim(dim, true), std::slice::from_ref(&x));
        }
        check_second_order(|v| v[0].prod(), std::slice::from_ref(&x));
        check_second_order(|v| v[0].prod_dim(1, false), std::slice::from_ref(&x));
    }
    check(|v| v[0].prod(), &[sample(&[], 0.4)]);
    check(|v| v[0].prod_dim(0, false), &[sample(&[], 0.4)]);
}

#[test]
fn prod_second_derivative_through_a_zero_matches_torch() {
    // torch 2.15: g = grad(z.prod(), z, create_graph=True) with z = [2, 0, 3, -1.5] is
    // [-0, -9, -0, 0] (grad_fn ViewBackward0); grad((g * [1, 2, 3, 4]).sum(), z) is
    // [-9, 10.5, -6, 12].
    let z = leaf(&[2.0, 0.0, 3.0, -1.5], &[4]);
    let g = autograd::grad(&[&z.prod()], &[&z])
        .create_graph(true)
        .run()
        .unwrap();
    let g = g[0].clone().unwrap();
    assert_eq!(g.to_vec(), vec![0.0, -9.0, 0.0, 0.0]);
    assert_eq!(node(&g), "ViewBackward0");
    let w = Tensor::from_vec(vec![1.0f64, 2.0, 3.0, 4.0], &[4]);
    (&g * &w).sum().backward();
    assert_eq!(z.grad().unwrap().to_vec(), vec![-9.0, 10.5, -6.0, 12.0]);
}

#[test]
fn prod_of_empty_and_zero_dim_tensors() {
    // torch 2.15: torch.zeros(0).prod() = 1; torch.zeros(2, 0).prod(1) = [1, 1];
    // torch.tensor(2.).prod(0) = 2.
    assert_eq!(Tensor::zeros(&[0]).prod().item(), 1.0);
    assert_eq!(
        Tensor::zeros(&[2, 0]).prod_dim(1, false).to_vec(),
        vec![1.0, 1.0]
    );
    let s = Tensor::scalar(2.0).requires_grad_(true);
    let y = s.prod_dim(0, false);
    assert_eq!((y.item(), y.shape()), (2.0, &[] as &[usize]));
    y.backward();
    assert_eq!(s.grad().unwrap().item(), 1.0);
}

// ---- var / std -----------------------------------------------------------------------------

/// torch 2.15 on `x32()` for correction 1, 0, 0.5: (correction, var, std, var grad, std grad)
/// over everything.
#[rustfmt::skip]
const FULL: [(f64, f64, f64, [f64; 6], [f64; 6]); 3] = [
    (1.0, 2.0390000343322754, 1.4279356002807617,
     [-0.06000000238418579, -0.8600000739097595, 0.8199999928474426, 0.25999999046325684, 0.17999999225139618, -0.3400000035762787],
     [-0.021009352058172226, -0.30113404989242554, 0.2871277928352356, 0.09104052186012268, 0.06302805244922638, -0.11905299872159958]),
    (0.0, 1.6991666555404663, 1.303520917892456,
     [-0.05000000447034836, -0.7166666984558105, 0.6833333373069763, 0.21666666865348816, 0.14999999105930328, -0.28333336114883423],
     [-0.019178828224539757, -0.2748965322971344, 0.2621106207370758, 0.08310824632644653, 0.057536475360393524, -0.10868002474308014]),
    (0.5, 1.853636384010315, 1.3614832162857056,
     [-0.054545458406209946, -0.7818182110786438, 0.7454545497894287, 0.23636363446712494, 0.16363635659217834, -0.30909091234207153],
     [-0.020031630992889404, -0.2871200442314148, 0.2737656235694885, 0.08680373430252075, 0.060094889253377914, -0.11351257562637329]),
];

#[test]
fn var_and_std_over_everything_match_torch() {
    for (c, var, std, var_grad, std_grad) in FULL {
        let x = x32();
        let v = x.var(c);
        assert_eq!(node(&v), "VarBackward0");
        assert_eq!(v.shape(), &[] as &[usize]);
        assert_f32(&v.to_vec(), &[var]);
        v.backward();
        assert_f32(&x.grad().unwrap().to_vec(), &var_grad);
        let x = x32();
        let s = x.std(c);
        assert_eq!(node(&s), "StdBackward0");
        assert_f32(&s.to_vec(), &[std]);
        s.backward();
        assert_f32(&x.grad().unwrap().to_vec(), &std_grad);
    }
    // The correction may be given as an integer.
    assert_eq!(x32().var(1).item(), x32().var(1.0).item());
}

/// torch 2.15 on `x32()` along dims, weighted by `ramp`: (correction, dim, var, std, var grad,
/// std grad).
#[rustfmt::skip]
const ALONG: [(f64, isize, &[f64], &[f64], [f64; 6], [f64; 6]); 4] = [
    (1.0, 0, &[0.320000022649765, 3.380000114440918, 4.204999923706055], &[0.5656854510307312, 1.838477611541748, 2.050609588623047],
     [-0.8000000715255737, -5.199999809265137, 8.700000762939453, 0.7999999523162842, 5.199999809265137, -8.699999809265137],
     [-0.7071067690849304, -1.4142135381698608, 2.1213204860687256, 0.7071067094802856, 1.4142135381698608, -2.1213202476501465]),
    (1.0, -1, &[4.413333415985107, 0.6633333563804626], &[2.1007936000823975, 0.8144527673721313],
     [-0.0666666328907013, -2.066666603088379, 2.133333444595337, 1.1333333253860474, 0.7333332300186157, -1.8666667938232422],
     [-0.01586701162159443, -0.49187758564949036, 0.5077446699142456, 0.6957636475563049, 0.4501999616622925, -1.1459637880325317]),
    (0.0, 0, &[0.1600000113248825, 1.690000057220459, 2.1024999618530273], &[0.4000000059604645, 1.2999999523162842, 1.4500000476837158],
     [-0.40000003576278687, -2.5999999046325684, 4.350000381469727, 0.3999999761581421, 2.5999999046325684, -4.349999904632568],
     [-0.5000000596046448, -1.0, 1.5, 0.4999999701976776, 1.0, -1.4999998807907104]),
    (0.5, 1, &[3.5306668281555176, 0.5306666493415833], &[1.8790068626403809, 0.7284687161445618],
     [-0.053333308547735214, -1.653333306312561, 1.7066668272018433, 0.9066666960716248, 0.5866665840148926, -1.4933334589004517],
     [-0.014191887341439724, -0.4399487376213074, 0.45414066314697266, 0.6223099231719971, 0.40267106890678406, -1.024981141090393]),
];

#[test]
fn var_dim_and_std_dim_match_torch_with_and_without_keepdim() {
    for (c, dim, var, std, var_grad, std_grad) in ALONG {
        for keepdim in [false, true] {
            let x = x32();
            let v = x.var_dim(dim, c, keepdim);
            let s = x.std_dim(dim, c, keepdim);
            assert_eq!(
                (node(&v).as_str(), node(&s).as_str()),
                ("VarBackward0", "StdBackward0")
            );
            let d = if dim < 0 { 1 } else { dim as usize };
            let shape: Vec<usize> = match (d, keepdim) {
                (0, false) => vec![3],
                (0, true) => vec![1, 3],
                (_, false) => vec![2],
                (_, true) => vec![2, 1],
            };
            assert_eq!(v.shape(), &shape[..]);
            assert_f32(&v.to_vec(), var);
            assert_f32(&s.to_vec(), std);
            assert_f32(&weighted_grad(&x, &v), &var_grad);
            assert_f32(&weighted_grad(&x, &s), &std_grad);
        }
    }
}

#[test]
fn var_and_std_with_no_degrees_of_freedom_match_torch() {
    // torch 2.15 (which also warns "var(): degrees of freedom is <= 0"):
    //   correction 1: [5] -> var nan, grad [nan]; std nan, grad [nan]
    //   correction 2: [5, 7] -> var inf, grad [inf, inf]; std inf, grad [nan, nan]
    //   correction 2: [5, 5] -> var nan, grad [nan, nan]; std nan, grad [nan, nan]
    let nan = f64::NAN;
    let inf = f64::INFINITY;
    let cases: [(&[f64], f64, f64, &[f64], f64, &[f64]); 4] = [
        (&[5.0], 1.0, nan, &[nan], nan, &[nan]),
        (&[5.0, 7.0], 2.0, inf, &[inf, inf], inf, &[nan, nan]),
        (&[5.0, 5.0], 2.0, nan, &[nan, nan], nan, &[nan, nan]),
        (&[5.0, 7.0], 3.0, inf, &[inf, inf], inf, &[nan, nan]),
    ];
    for (data, c, var, var_grad, std, std_grad) in cases {
        let x = leaf(data, &[data.len()]);
        let v = x.var(c);
        assert_close(&v.to_vec(), &[var], 0.0);
        v.backward();
        assert_close(&x.grad().unwrap().to_vec(), var_grad, 0.0);
        let x = leaf(data, &[data.len()]);
        let s = x.std(c);
        assert_close(&s.to_vec(), &[std], 0.0);
        s.backward();
        assert_close(&x.grad().unwrap().to_vec(), std_grad, 0.0);
    }
    // Along a dim: torch.tensor([[5., 7.], [1., 1.]]).var(1, correction=2) = [inf, nan],
    // gradient (of the sum) [-inf, inf, nan, nan]; std: [inf, nan], gradient all nan.
    let x = leaf(&[5.0, 7.0, 1.0, 1.0], &[2, 2]);
    let v = x.var_dim(1, 2, false);
    assert_close(&v.to_vec(), &[inf, nan], 0.0);
    v.sum().backward();
    assert_close(&x.grad().unwrap().to_vec(), &[-inf, inf, nan, nan], 0.0);
    let x = leaf(&[5.0, 7.0, 1.0, 1.0], &[2, 2]);
    let s = x.std_dim(1, 2, false);
    assert_close(&s.to_vec(), &[inf, nan], 0.0);
    s.sum().backward();
    assert_close(&x.grad().unwrap().to_vec(), &[nan; 4], 0.0);
}

#[test]
fn std_of_constant_input_has_zero_gradient() {
    // torch 2.15: torch.tensor([2., 2., 2.]).std() = 0, gradient [0, 0, 0] (masked, not nan).
    let x = leaf(&[2.0, 2.0, 2.0], &[3]);
    let s = x.std(1);
    assert_eq!(s.item(), 0.0);
    s.backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![0.0; 3]);
}

#[test]
fn var_of_empty_and_zero_dim_tensors_is_nan() {
    // torch 2.15: torch.zeros(0).var() = nan, torch.zeros(2, 0).var(1) = [nan, nan],
    // torch.tensor(2.).var() = nan; var(0, correction=0) of a 0-d tensor is 0.
    assert!(Tensor::zeros(&[0]).var(1).item().is_nan());
    let v = Tensor::zeros(&[2, 0]).var_dim(1, 1, false).to_vec();
    assert!(v.len() == 2 && v.iter().all(|e| e.is_nan()));
    assert!(Tensor::scalar(2.0).var(1).item().is_nan());
    let s = Tensor::scalar(2.0).requires_grad_(true);
    let v = s.var_dim(0, 0, false);
    assert_eq!((v.item(), node(&v).as_str()), (0.0, "VarBackward0"));
}

#[test]
fn var_and_std_gradcheck_first_and_second_order() {
    let x = sample(&[3, 4], 0.6);
    for c in [0.0, 1.0, 0.5] {
        check(|v| v[0].var(c), std::slice::from_ref(&x));
        check(|v| v[0].std(c), std::slice::from_ref(&x));
        for dim in [0, 1, -1] {
            check(|v| v[0].var_dim(dim, c, false), std::slice::from_ref(&x));
            check(|v| v[0].std_dim(dim, c, true), std::slice::from_ref(&x));
        }
        check_second_order(|v| v[0].var(c), std::slice::from_ref(&x));
        check_second_order(|v| v[0].std(c), std::slice::from_ref(&x));
        check_second_order(|v| v[0].var_dim(1, c, false), std::slice::from_ref(&x));
        check_second_order(|v| v[0].std_dim(0, c, true), std::slice::from_ref(&x));
    }
}

// ---- cumsum --------------------------------------------------------------------------------

#[test]
fn cumsum_values_and_gradients_match_torch() {
    // torch 2.15: x.cumsum(0), x.cumsum(1) and their gradients under the ramp weights.
    let x = x32();
    let y = x.cumsum(0);
    assert_eq!(node(&y), "CumsumBackward0");
    assert_f32(
        &y.to_vec(),
        &[
            0.30000001192092896,
            -1.7000000476837158,
            2.5,
            1.4000000953674316,
            -0.8000000715255737,
            2.0999999046325684,
        ],
    );
    assert_eq!(weighted_grad(&x, &y), vec![5.0, 7.0, 9.0, 4.0, 5.0, 6.0]);
    for dim in [1, -1] {
        let y = x.cumsum(dim);
        assert_f32(
            &y.to_vec(),
            &[
                0.30000001192092896,
                -1.4000000953674316,
                1.0999999046325684,
                1.100000023841858,
                2.0,
                1.600000023841858,
            ],
        );
        assert_eq!(weighted_grad(&x, &y), vec![6.0, 5.0, 3.0, 15.0, 11.0, 6.0]);
    }
}

#[test]
fn cumsum_accumulates_float32_in_double_as_torch() {
    // torch 2.15: torch.tensor([1e8, 1., 1., 3.]).cumsum(0) = [1e8, 1e8, 1e8, 100000008]
    // (an f32 accumulator would give 1e8 at the end); the gradient of
    // (y * [1, 1e-8, 1, 1]).sum() is [3, 2, 2, 1].
    let x = tensor![1e8, 1., 1., 3.].requires_grad_(true);
    let y = x.cumsum(0);
    assert_eq!(y.to_vec(), vec![1e8, 1e8, 1e8, 100000008.0]);
    (&y * &tensor![1., 1e-8, 1., 1.]).sum().backward();
    assert_eq!(x.grad().unwrap().to_vec(), vec![3.0, 2.0, 2.0, 1.0]);
}

#[test]
fn cumsum_gradcheck_and_zero_dim() {
    let x = sample(&[3, 4], 0.8);
    for dim in [0, 1, -2] {
        check(|v| v[0].cumsum(dim), std::slice::from_ref(&x));
        check_second_order(|v| v[0].cumsum(dim).mul(&v[0]), std::slice::from_ref(&x));
    }
    // torch 2.15: torch.tensor(3.).cumsum(0) is tensor(3.) with CumsumBackward0.
    let s = Tensor::scalar(3.0).requires_grad_(true);
    let y = s.cumsum(0);
    assert_eq!(
        (y.item(), y.shape(), node(&y).as_str()),
        (3.0, &[] as &[usize], "CumsumBackward0")
    );
    assert!(Tensor::zeros(&[0]).cumsum(0).to_vec().is_empty());
}

// ---- argmax / argmin -----------------------------------------------------------------------

#[test]
fn argmax_and_argmin_take_the_first_extremum_and_nan_wins() {
    // torch 2.15: tensor([1., 3., 3., nan, nan]).argmax() = 3;
    // tensor([1., 3., -1., -1., nan]).argmin() = 4; tensor(2.).argmax() = 0.
    let nan = f64::NAN;
    assert_eq!(
        Tensor::from_vec(vec![1.0, 3.0, 3.0, nan, nan], &[5]).argmax(),
        3
    );
    assert_eq!(
        Tensor::from_vec(vec![1.0, 3.0, -1.0, -1.0, nan], &[5]).argmin(),
        4
    );
    assert_eq!(
        Tensor::from_vec(vec![1.0f32, 3.0, 3.0, 2.0], &[2, 2]).argmax(),
        1
    );
    assert_eq!(
        Tensor::from_vec(vec![1.0f32, -3.0, 3.0, -3.0], &[2, 2]).argmin(),
        1
    );
    assert_eq!(Tensor::scalar(2.0).argmax(), 0);
}

#[test]
fn argmax_dim_and_argmin_dim_match_torch() {
    // torch 2.15: t = tensor([[1., 5, 5], [7, 2, 7]]); t.argmax(1) = [1, 0];
    // t.argmin(0, keepdim=True) = [[0, 1, 0]]; t.argmax(1, keepdim=True) = [[1], [0]].
    let t = tensor![[1., 5., 5.], [7., 2., 7.]];
    assert_eq!(t.argmax_dim(1, false), vec![1, 0]);
    assert_eq!(t.argmax_dim(-1, true), vec![1, 0]);
    assert_eq!(t.argmin_dim(0, true), vec![0, 1, 0]);
    assert_eq!(t.argmax_dim(0, false), vec![1, 0, 1]);
    // torch.tensor(2.).argmax(0) = 0; torch.zeros(0, 2).argmax(1) is empty.
    assert_eq!(Tensor::scalar(2.0).argmax_dim(0, false), vec![0]);
    assert!(Tensor::zeros(&[0, 2]).argmax_dim(1, false).is_empty());
    // A NaN along the dim wins.
    let n = Tensor::from_vec(vec![1.0, f64::NAN, 0.5, 2.0], &[2, 2]);
    assert_eq!(n.argmax_dim(0, false), vec![0, 0]);
    assert_eq!(n.argmin_dim(1, false), vec![1, 0]);
}

// ---- errors --------------------------------------------------------------------------------

#[test]
fn bad_dims_panic_with_torchs_sentence() {
    // torch 2.15: "Dimension out of range (expected to be in range of [-1, 0], but got 2)".
    let x = Tensor::ones(&[3]);
    let sentence = "Dimension out of range (expected to be in range of [-1, 0], but got 2)";
    let cases: [(&str, Box<dyn FnOnce()>); 6] = [
        ("prod", Box::new(|| drop(x.prod_dim(2, false)))),
        ("var", Box::new(|| drop(x.var_dim(2, 1, false)))),
        ("std", Box::new(|| drop(x.std_dim(2, 1, false)))),
        ("cumsum", Box::new(|| drop(x.cumsum(2)))),
        ("argmax", Box::new(|| drop(x.argmax_dim(2, false)))),
        ("argmin", Box::new(|| drop(x.argmin_dim(2, false)))),
    ];
    for (op, f) in cases {
        assert_eq!(panic_message(f), format!("{op}: {sentence}"));
    }
}

#[test]
fn bool_and_empty_inputs_panic_as_torch() {
    let b = Tensor::ones(&[2]).gt(0.0);
    // torch 2.15: "std and var only support floating point and complex dtypes".
    for f in [
        |b: &Tensor| drop(b.var(1)),
        |b: &Tensor| drop(b.std_dim(0, 1, false)),
    ] {
        let message = panic_message(|| f(&b));
        assert!(
            message.contains("std and var only support floating point and complex dtypes"),
            "{message}"
        );
    }
    // torch 2.15: "argmax(): does not support bool input".
    assert!(panic_message(|| {
        let _ = b.argmax();
    })
    .starts_with("argmax(): does not support bool input"));
    // torch gives int64 for prod and cumsum of bool, a dtype this library lacks.
    assert!(panic_message(|| drop(b.prod())).starts_with("prod: expected a floating point tensor"));
    assert!(
        panic_message(|| drop(b.cumsum(0))).starts_with("cumsum: expected a floating point tensor")
    );
    // torch 2.15: "argmax(): Expected reduction dim to be specified for input.numel() == 0."
    // and "argmax(): Expected reduction dim 1 to have non-zero size."
    assert!(panic_message(|| {
        let _ = Tensor::zeros(&[0]).argmax();
    })
    .starts_with("argmax(): Expected reduction dim to be specified for input.numel() == 0."));
    assert!(
        panic_message(|| drop(Tensor::zeros(&[2, 0]).argmin_dim(1, false)))
            .starts_with("argmin(): Expected reduction dim 1 to have non-zero size.")
    );
}
