//! Optimizers against torch 2.15, differentially: every option of `Sgd`, `Adam` and `AdamW`,
//! f32 and f64, with `zero_grad()` between steps and with gradients accumulated across steps,
//! on two parameters of which one has no gradient at some steps; and the error texts.
//!
//! The expected parameters come from torch 2.15 (CPU), running the same loop as [`run`]; the
//! generating script is at the end of this file.

mod ops_support;

use autograd::optim::{Adam, AdamW, Optimizer, Sgd};
use autograd::{DType, Tensor};
use ops_support::panic_message;

/// Steps per run.
const STEPS: usize = 7;

/// One optimizer configuration with torch's parameters (`p1` then `p2`, flattened) after
/// [`STEPS`] steps, for each dtype and gradient mode.
struct Case {
    name: &'static str,
    make: fn(Vec<Tensor>) -> Box<dyn Optimizer>,
    f32_zero_grad: [f64; 7],
    f32_accumulate: [f64; 7],
    f64_zero_grad: [f64; 7],
    f64_accumulate: [f64; 7],
}

/// Whether `p2` takes part in the loss at `step` (1-based): with `zero_grad()` between steps,
/// its gradient is `None` at steps 2 and 3; when gradients accumulate, before step 3.
fn uses_p2(step: usize, accumulate: bool) -> bool {
    if accumulate {
        step >= 3
    } else {
        step != 2 && step != 3
    }
}

/// A leaf of `dtype` holding `values`.
fn leaf(values: &[f64], shape: &[usize], dtype: DType) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape)
        .to_dtype(dtype)
        .requires_grad_(true)
}

/// Runs `case` for [`STEPS`] steps on `loss = sum(c1 * p1^2) [+ 0.1 * sum(p2^3)]` and returns
/// `p1` and `p2`, flattened.
fn run(case: &Case, dtype: DType, accumulate: bool) -> Vec<f64> {
    let p1 = leaf(&[0.5, -1.5, 2.0], &[3], dtype);
    let p2 = leaf(&[0.3, -0.7, 1.2, 0.1], &[2, 2], dtype);
    let c1 = Tensor::from_vec(vec![1.0, 0.5, 2.0], &[3]).to_dtype(dtype);
    let mut opt = (case.make)(vec![p1.clone(), p2.clone()]);
    for step in 1..=STEPS {
        if !accumulate {
            opt.zero_grad();
        }
        let mut loss = (&c1 * &p1 * &p1).sum();
        if uses_p2(step, accumulate) {
            loss = loss + (&p2 * &p2 * &p2).sum() * 0.1;
        }
        loss.backward();
        opt.step();
    }
    assert_eq!((p1.dtype(), p2.dtype()), (dtype, dtype));
    [p1.to_vec(), p2.to_vec()].concat()
}

/// The largest relative difference, `|a - e| / max(|e|, 1e-3)`.
fn max_relative_difference(actual: &[f64], expected: &[f64]) -> f64 {
    actual
        .iter()
        .zip(expected)
        .map(|(a, e)| (a - e).abs() / e.abs().max(1e-3))
        .fold(0.0, f64::max)
}

#[test]
fn optimizers_match_torch_step_by_step() {
    let mut failures = Vec::new();
    for case in CASES {
        let runs = [
            (
                "f32 zero_grad",
                DType::F32,
                false,
                &case.f32_zero_grad,
                1e-6,
            ),
            (
                "f32 accumulate",
                DType::F32,
                true,
                &case.f32_accumulate,
                1e-6,
            ),
            (
                "f64 zero_grad",
                DType::F64,
                false,
                &case.f64_zero_grad,
                1e-12,
            ),
            (
                "f64 accumulate",
                DType::F64,
                true,
                &case.f64_accumulate,
                1e-12,
            ),
        ];
        for (mode, dtype, accumulate, expected, tol) in runs {
            let got = run(case, dtype, accumulate);
            let diff = max_relative_difference(&got, expected);
            if diff > tol {
                failures.push(format!(
                    "{} ({mode}): relative difference {diff:e}\n  got   {got:?}\n  torch {expected:?}",
                    case.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn one() -> Tensor {
    Tensor::from_vec(vec![1.0f64], &[1]).requires_grad_(true)
}

/// torch 2.15's `ValueError` texts, e.g. `torch.optim.SGD([p], lr=-1.0)` ->
/// `Invalid learning rate: -1.0` (the numbers printed as Python prints floats).
#[test]
fn invalid_hyperparameters_are_refused_with_torchs_messages() {
    type Make = Box<dyn FnOnce()>;
    let cases: Vec<(Make, &str)> = vec![
        (
            Box::new(|| drop(Sgd::new([one()], -0.1))),
            "Invalid learning rate: -0.1",
        ),
        (
            Box::new(|| drop(Sgd::new([one()], -1.0))),
            "Invalid learning rate: -1.0",
        ),
        (
            Box::new(|| drop(Sgd::new([one()], 0.1).momentum(-0.5))),
            "Invalid momentum value: -0.5",
        ),
        (
            Box::new(|| drop(Sgd::new([one()], 0.1).weight_decay(-1e-8))),
            "Invalid weight_decay value: -1e-08",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).lr(-0.1))),
            "Invalid learning rate: -0.1",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).lr(-1e20))),
            "Invalid learning rate: -1e+20",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).lr(f64::NAN))),
            "Invalid learning rate: nan",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).eps(-1e-8))),
            "Invalid epsilon value: -1e-08",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).eps(f64::NAN))),
            "Invalid epsilon value: nan",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).betas((1.0, 0.9)))),
            "Invalid beta parameter at index 0: 1.0",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).betas((-0.1, 0.9)))),
            "Invalid beta parameter at index 0: -0.1",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).betas((0.9, f64::NAN)))),
            "Invalid beta parameter at index 1: nan",
        ),
        (
            Box::new(|| drop(Adam::new([one()]).weight_decay(-0.01))),
            "Invalid weight_decay value: -0.01",
        ),
        (
            Box::new(|| drop(AdamW::new([one()]).lr(-0.1))),
            "Invalid learning rate: -0.1",
        ),
        (
            Box::new(|| drop(AdamW::new([one()]).betas((0.9, 1.0)))),
            "Invalid beta parameter at index 1: 1.0",
        ),
        (
            Box::new(|| drop(AdamW::new([one()]).eps(-1e-8))),
            "Invalid epsilon value: -1e-08",
        ),
        (
            Box::new(|| drop(AdamW::new([one()]).weight_decay(-0.01))),
            "Invalid weight_decay value: -0.01",
        ),
        (
            Box::new(|| drop(Adam::new(Vec::new()))),
            "optimizer got an empty parameter list",
        ),
        (
            Box::new(|| drop(Sgd::new([&one() * 2.0], 0.1))),
            "can't optimize a non-leaf Tensor",
        ),
        (
            Box::new(|| drop(AdamW::new([&one() * 2.0]))),
            "can't optimize a non-leaf Tensor",
        ),
        (
            Box::new(|| Sgd::new([one()], 0.1).nesterov(true).step()),
            "Nesterov momentum requires a momentum and zero dampening",
        ),
        (
            Box::new(|| {
                Sgd::new([one()], 0.1)
                    .momentum(0.9)
                    .dampening(0.1)
                    .nesterov(true)
                    .step()
            }),
            "Nesterov momentum requires a momentum and zero dampening",
        ),
    ];
    let mut failures = Vec::new();
    for (make, torch) in cases {
        let message = panic_message(make);
        if !message.contains(torch) {
            failures.push(format!("expected {torch:?} in {message:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// torch 2.15 checks SGD's hyperparameters with `< 0.0`: a NaN learning rate or momentum and
/// a negative dampening are accepted.
#[test]
fn sgd_accepts_what_torch_accepts() {
    let _ = Sgd::new([one()], f64::NAN).momentum(f64::NAN);
    let p = one();
    let mut opt = Sgd::new([p.clone()], 0.1).momentum(0.5).dampening(-1.0);
    for _ in 0..2 {
        p.set_grad(Some(Tensor::from_vec(vec![1.0f64], &[1])));
        opt.step();
    }
    // torch: b = 1, p = 0.9; b = 0.5 * 1 + 2 * 1 = 2.5, p = 0.9 - 0.25 = 0.65
    assert!((p.item() - 0.65).abs() < 1e-15);
}

/// torch 2.15 optimizes a non-leaf that retains its gradient:
/// ```python
/// p = torch.tensor([1.], requires_grad=True); q = p * 2; q.retain_grad()
/// o = torch.optim.SGD([q], lr=0.1); (q * q).sum().backward(); o.step()
/// # q: tensor([1.6000], grad_fn=<MulBackward0>), p.grad: tensor([8.])
/// ```
#[test]
fn a_non_leaf_that_retains_its_gradient_can_be_optimized() {
    let p = Tensor::from_vec(vec![1.0f32], &[1]).requires_grad_(true);
    let q = &p * 2.0;
    q.retain_grad();
    let mut opt = Sgd::new([q.clone()], 0.1);
    (&q * &q).sum().backward();
    opt.step();
    assert_eq!(q.to_vec(), vec![1.600000023841858]);
    assert_eq!(q.grad_fn().unwrap().name(), "MulBackward0");
    assert_eq!(p.grad().unwrap().to_vec(), vec![8.0]);
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case {
        name: "sgd_plain",
        make: |p| Box::new(Sgd::new(p, 0.1)),
        f32_zero_grad: [0.10485758632421494, -0.7174453139305115, 0.05598720163106918, 0.2869710922241211, -0.7801596522331238, 1.0115865468978882, 0.09851782023906708],
        f32_accumulate: [-0.49815040826797485, 1.1012206077575684, 0.2395392209291458, 0.26113423705101013, -0.9443133473396301, 0.6452324986457825, 0.0955621600151062],
        f64_zero_grad: [0.10485760000000001, -0.7174453500000001, 0.055987199999999994, 0.2869711131241132, -0.7801596448922583, 1.011586578754278, 0.09851781276681086],
        f64_accumulate: [-0.49815040000000005, 1.1012206499999997, 0.23953920000000045, 0.2611342360464837, -0.9443133862023303, 0.6452325512306388, 0.09556215842041678],
    },
    Case {
        name: "sgd_momentum",
        make: |p| Box::new(Sgd::new(p, 0.1).momentum(0.9)),
        f32_zero_grad: [-0.3414389193058014, 0.6534755229949951, 0.21869997680187225, 0.2659604847431183, -0.914253830909729, 0.7151840925216675, 0.09611186385154724],
        f32_accumulate: [-0.9665058255195618, 4.266237258911133, 9.806099891662598, 0.21795471012592316, -1.2199888229370117, 0.025144195184111595, 0.09062536805868149],
        f64_zero_grad: [-0.3414389, 0.6534756000000003, 0.2187000000000004, 0.26596047014381363, -0.914253904562072, 0.7151841198133605, 0.09611185793594929],
        f64_accumulate: [-0.9665059000000001, 4.266237600000001, 9.806100000000004, 0.21795471111311637, -1.2199889179973453, 0.025144188149587608, 0.09062536326519106],
    },
    Case {
        name: "sgd_dampening",
        make: |p| Box::new(Sgd::new(p, 0.05).momentum(0.8).dampening(0.3)),
        f32_zero_grad: [-0.01785847172141075, -0.5740646719932556, -0.8544327020645142, 0.2879180908203125, -0.7694963216781616, 1.0156339406967163, 0.0986429899930954],
        f32_accumulate: [-0.9388784766197205, 1.2435373067855835, -4.412298202514648, 0.2719174325466156, -0.862032413482666, 0.772085964679718, 0.09684428572654724],
        f64_zero_grad: [-0.017858462279950034, -0.5740646683059972, -0.8544326431744002, 0.28791807914463574, -0.7694963179413712, 1.0156339778407977, 0.09864299450748938],
        f64_accumulate: [-0.9388784189304501, 1.2435373143955886, -4.412298198502401, 0.2719174284355693, -0.8620323698605341, 0.7720859351781149, 0.096844292589899],
    },
    Case {
        name: "sgd_nesterov",
        make: |p| Box::new(Sgd::new(p, 0.05).momentum(0.9).nesterov(true)),
        f32_zero_grad: [-0.17557011544704437, -0.041207455098629, -0.6113417148590088, 0.27808576822280884, -0.8351463675498962, 0.8834538459777832, 0.09750604629516602],
        f32_accumulate: [-0.9698453545570374, 2.701878070831299, 2.054405927658081, 0.24347946047782898, -1.0531015396118164, 0.38648417592048645, 0.09355581551790237],
        f64_zero_grad: [-0.17557014103699506, -0.041207432037883476, -0.61134181105664, 0.2780857406624382, -0.8351463330245307, 0.883453842277682, 0.09750604501416002],
        f64_accumulate: [-0.9698454872689951, 2.701877739779632, 2.0544060335513614, 0.24347945481084743, -1.0531016404068485, 0.38648419871655165, 0.09355581611704746],
    },
    Case {
        name: "sgd_weight_decay",
        make: |p| Box::new(Sgd::new(p, 0.1).weight_decay(0.05)),
        f32_zero_grad: [0.10035520792007446, -0.690005362033844, 0.052801791578531265, 0.2799292206764221, -0.76042640209198, 0.9873424172401428, 0.09608647972345352],
        f32_accumulate: [-0.48894640803337097, 1.0945018529891968, 0.256270170211792, 0.2544686198234558, -0.9220068454742432, 0.6259861588478088, 0.0931745171546936],
        f64_zero_grad: [0.10035520557904372, -0.6900054265594756, 0.052801803402881084, 0.2799292145475704, -0.7604264412267547, 0.9873424186352768, 0.09608647998578057],
        f64_accumulate: [-0.4889463912315813, 1.0945017964377124, 0.2562699519178814, 0.25446863712726364, -0.9220068385167536, 0.6259861334390844, 0.09317450789640978],
    },
    Case {
        name: "sgd_all",
        make: |p| Box::new(Sgd::new(p, 0.03).momentum(0.5).weight_decay(0.1).nesterov(true).maximize(true)),
        f32_zero_grad: [0.9928654432296753, -2.1028690338134766, 7.453293800354004, 0.2991810441017151, -0.6439903974533081, 1.2897658348083496, 0.09811067581176758],
        f32_accumulate: [2.684558153152466, -4.158636093139648, 27.276145935058594, 0.3129919171333313, -0.5736274719238281, 1.5253385305404663, 0.0996243879199028],
        f64_zero_grad: [0.9928655068630176, -2.1028689619964918, 7.453294083820175, 0.2991810070647456, -0.6439903881711908, 1.2897657604790629, 0.09811067989762826],
        f64_accumulate: [2.6845582191049977, -4.158636050924819, 27.27614656367111, 0.31299189452425213, -0.5736275228624228, 1.5253384509613115, 0.09962438880932659],
    },
    Case {
        name: "sgd_maximize_dampening",
        make: |p| Box::new(Sgd::new(p, 0.02).momentum(0.7).dampening(0.9).maximize(true)),
        f32_zero_grad: [0.5899319052696228, -1.633028268814087, 2.739683151245117, 0.3019009828567505, -0.689698338508606, 1.2305450439453125, 0.1002110168337822],
        f32_accumulate: [0.6736510992050171, -1.7548173666000366, 3.4504971504211426, 0.3027685284614563, -0.685026228427887, 1.244563102722168, 0.10030721127986908],
        f64_zero_grad: [0.589931953617107, -1.6330283209635938, 2.7396832349847315, 0.30190098139621857, -0.6896983226075322, 1.2305448368980878, 0.10021102256526858],
        f64_accumulate: [0.6736511721559634, -1.7548175093576068, 3.4504970867557265, 0.3027685200099773, -0.6850262517810256, 1.2445629110700394, 0.10030720545872589],
    },
    Case {
        name: "adam_default",
        make: |p| Box::new(Adam::new(p)),
        f32_zero_grad: [0.493002325296402, -1.493000864982605, 1.9930006265640259, 0.2950030565261841, -0.7050011157989502, 1.1950006484985352, 0.09500966966152191],
        f32_accumulate: [0.4931844174861908, -1.49318528175354, 1.9931854009628296, 0.29514673352241516, -0.7048497796058655, 1.1951485872268677, 0.09514173120260239],
        f64_zero_grad: [0.4930023311725436, -1.4930007697742365, 1.993000576623114, 0.2950029981423253, -0.705001217955613, 1.1950007289184221, 0.09500966820852268],
        f64_accumulate: [0.4931844064280894, -1.4931852842765747, 1.9931853939045456, 0.2951466788658824, -0.7048497611878467, 1.1951485457118696, 0.09514172530776327],
    },
    Case {
        name: "adam_lr",
        make: |p| Box::new(Adam::new(p).lr(0.05)),
        f32_zero_grad: [0.16171038150787354, -1.1524269580841064, 1.6517153978347778, 0.07266911119222641, -0.9510656595230103, 0.95271897315979, -0.08172386139631271],
        f32_accumulate: [0.15588665008544922, -1.1581724882125854, 1.6584539413452148, 0.05220215767621994, -0.9398354291915894, 0.9559324979782104, -0.14973874390125275],
        f64_zero_grad: [0.16171035433943548, -1.1524268964652349, 1.6517153499560733, 0.0726691058414542, -0.9510656588417317, 0.9527187799093223, -0.08172386176780569],
        f64_accumulate: [0.15588663033551178, -1.1581724164515088, 1.6584539605449735, 0.05220214581868878, -0.9398353572047038, 0.9559324953795841, -0.14973874836903692],
    },
    Case {
        name: "adam_small_beta1",
        make: |p| Box::new(Adam::new(p).lr(0.05).betas((0.3, 0.8))),
        f32_zero_grad: [0.19030247628688812, -1.160819411277771, 1.6579045057296753, 0.11054539680480957, -0.9657881855964661, 0.9624821543693542, -0.0013531323056668043],
        f32_accumulate: [0.0995236188173294, -1.0924181938171387, 1.591713309288025, 0.027726568281650543, -0.9877855777740479, 0.918136477470398, -0.17218205332756042],
        f64_zero_grad: [0.19030244222528186, -1.1608192380479352, 1.657904413558063, 0.11054539246641887, -0.9657881486866982, 0.9624819660066252, -0.0013531321324793458],
        f64_accumulate: [0.09952360174361077, -1.0924180801708816, 1.5917132356456019, 0.027726545616184137, -0.9877855930468702, 0.9181363150776859, -0.17218204986183294],
    },
    Case {
        name: "adam_beta1_half",
        make: |p| Box::new(Adam::new(p).lr(0.05).betas((0.5, 0.5))),
        f32_zero_grad: [0.15369270741939545, -1.1502084732055664, 1.6501095294952393, 0.06913325190544128, -0.9490305185317993, 0.950617790222168, -0.0713941901922226],
        f32_accumulate: [0.15766388177871704, -1.1591901779174805, 1.6593676805496216, 0.05360867828130722, -0.9407368898391724, 0.9564635753631592, -0.14729094505310059],
        f64_zero_grad: [0.1536927050893072, -1.1502083736696012, 1.6501095326200421, 0.06913323662902943, -0.9490305102196517, 0.9506177126900749, -0.07139419683586362],
        f64_accumulate: [0.15766390276835973, -1.1591900692378936, 1.6593675728682091, 0.053608677045707265, -0.9407368707750945, 0.9564634865396191, -0.14729093708191895],
    },
    Case {
        name: "adam_zero_betas",
        make: |p| Box::new(Adam::new(p).lr(0.05).betas((0.0, 0.0))),
        f32_zero_grad: [0.1499999612569809, -1.1500003337860107, 1.6500003337860107, 0.05000033974647522, -0.9500000476837158, 0.9500002264976501, -3.7414955045278475e-07],
        f32_accumulate: [0.1499999612569809, -1.1500003337860107, 1.6500003337860107, 0.05000007525086403, -0.9500000476837158, 0.9500002264976501, -0.14999940991401672],
        f64_zero_grad: [0.1500000054781745, -1.1500000026069563, 1.6500000004743618, 0.05000032759122651, -0.9499999866670921, 0.9500000069734396, -3.8546339586146167e-07],
        f64_accumulate: [0.1500000014335538, -1.1500000008904314, 1.6500000001656683, 0.05000005326481711, -0.9499999928234448, 0.9500000027830323, -0.1499993888902879],
    },
    Case {
        name: "adam_eps",
        make: |p| Box::new(Adam::new(p).lr(0.05).eps(0.1)),
        f32_zero_grad: [0.19498473405838013, -1.1749670505523682, 1.6561533212661743, 0.25002866983413696, -0.8546616435050964, 1.00121009349823, 0.09293705970048904],
        f32_accumulate: [0.17237141728401184, -1.1686500310897827, 1.6604673862457275, 0.21708711981773376, -0.8797499537467957, 0.9843648076057434, 0.08584027737379074],
        f64_zero_grad: [0.19498473026925286, -1.174967203089792, 1.6561531738344724, 0.25002867073716617, -0.8546616521432171, 1.001210084237385, 0.09293705842908326],
        f64_accumulate: [0.17237142387833806, -1.168649820175999, 1.6604673697830759, 0.21708712984961442, -0.879749959809841, 0.9843647220498597, 0.08584027194254681],
    },
    Case {
        name: "adam_weight_decay",
        make: |p| Box::new(Adam::new(p).lr(0.05).weight_decay(0.1)),
        f32_zero_grad: [0.16171038150787354, -1.1524269580841064, 1.6517153978347778, 0.0647452175617218, -0.9506182074546814, 0.9523318409919739, -0.06582005321979523],
        f32_accumulate: [0.15529268980026245, -1.157014012336731, 1.6581506729125977, 0.0492447167634964, -0.9332805275917053, 0.953852653503418, -0.10645043849945068],
        f64_zero_grad: [0.16171035416135116, -1.1524268962453919, 1.6517153499451043, 0.06474519246327003, -0.9506182032154449, 0.9523318097752973, -0.06582005711408775],
        f64_accumulate: [0.15529268304211463, -1.157013944410509, 1.6581505104265744, 0.04924471579822097, -0.9332805153965451, 0.953852676741467, -0.10645043823129327],
    },
    Case {
        name: "adam_amsgrad",
        make: |p| Box::new(Adam::new(p).lr(0.05).betas((0.9, 0.5)).amsgrad(true)),
        f32_zero_grad: [0.1659657061100006, -1.1477129459381104, 1.6473524570465088, 0.08193198591470718, -0.9372604489326477, 0.9481702446937561, -0.0483575314283371],
        f32_accumulate: [0.20885975658893585, -1.2146141529083252, 1.7152336835861206, 0.07562102377414703, -0.906366765499115, 0.9860280156135559, -0.1325562745332718],
        f64_zero_grad: [0.16596571140300834, -1.1477129283411913, 1.6473522671393679, 0.0819319789190456, -0.9372604973022414, 0.9481700439846588, -0.048357513355227894],
        f64_accumulate: [0.20885978970604097, -1.214614176950851, 1.7152336154797487, 0.07562101465708367, -0.90636683099452, 0.986027907908809, -0.13255626441705345],
    },
    Case {
        name: "adam_maximize",
        make: |p| Box::new(Adam::new(p).lr(0.05).maximize(true)),
        f32_zero_grad: [0.8528215289115906, -1.8515126705169678, 2.351203441619873, 0.5488225817680359, -0.4559036195278168, 1.451054573059082, 0.3370414972305298],
        f32_accumulate: [0.8376222252845764, -1.839638590812683, 2.3399033546447754, 0.5363239049911499, -0.45490264892578125, 1.4409661293029785, 0.3266851305961609],
        f64_zero_grad: [0.8528215379168302, -1.8515128933545086, 2.3512035428331424, 0.5488225719575823, -0.4559036682489532, 1.4510546378480786, 0.33704151144489736],
        f64_accumulate: [0.8376222263235082, -1.8396386747279727, 2.339903484755618, 0.5363239252081227, -0.4549026797015797, 1.440966141415954, 0.32668511793532107],
    },
    Case {
        name: "adam_all",
        make: |p| Box::new(Adam::new(p).lr(0.02).betas((0.4, 0.7)).eps(1e-4).weight_decay(0.2).amsgrad(true).maximize(true)),
        f32_zero_grad: [0.6424598693847656, -1.6408973932266235, 2.140688419342041, 0.20120258629322052, -0.6015967726707458, 1.3015397787094116, 0.015831749886274338],
        f32_accumulate: [0.65251624584198, -1.6523675918579102, 2.152223587036133, 0.3160600960254669, -0.5945044755935669, 1.3064675331115723, 0.03467850014567375],
        f64_zero_grad: [0.6424598154444925, -1.6408976367918522, 2.1406887257735985, 0.20120257120996396, -0.6015967982981192, 1.3015397144177392, 0.015831751201328598],
        f64_accumulate: [0.6525162435228687, -1.6523676771379032, 2.1522233650977753, 0.31606005548478355, -0.5945044275359487, 1.3064674084713783, 0.03467849722023459],
    },
    Case {
        name: "adamw_default",
        make: |p| Box::new(AdamW::new(p)),
        f32_zero_grad: [0.49296748638153076, -1.4928958415985107, 1.9928605556488037, 0.29498815536499023, -0.7049659490585327, 1.1949405670166016, 0.09500478208065033],
        f32_accumulate: [0.4931495487689972, -1.4930801391601562, 1.9930452108383179, 0.2951318323612213, -0.7048146724700928, 1.1950883865356445, 0.09513681381940842],
        f64_zero_grad: [0.492967553966701, -1.4928959944974296, 1.992860802375053, 0.2949881077008566, -0.7049661102420451, 1.194940838930906, 0.09500477878148315],
        f64_accumulate: [0.49314960526955043, -1.4930804851988475, 1.9930455958744149, 0.2951317693273585, -0.7048146718253552, 1.1950886370210727, 0.09513681571179426],
    },
    Case {
        name: "adamw_decay",
        make: |p| Box::new(AdamW::new(p).lr(0.05).weight_decay(0.3)),
        f32_zero_grad: [0.1292237639427185, -1.018484354019165, 1.4674756526947021, 0.06074197217822075, -0.8927719593048096, 0.8741025924682617, -0.08210724592208862],
        f32_accumulate: [0.12030552327632904, -1.0220973491668701, 1.4721729755401611, 0.03738712519407272, -0.8823138475418091, 0.8753324747085571, -0.14953792095184326],
        f64_zero_grad: [0.12922373233797935, -1.0184842934927043, 1.467475403053276, 0.06074196460614198, -0.8927719360371283, 0.8741023720365702, -0.0821072475799093],
        f64_accumulate: [0.12030547714135481, -1.0220971626385704, 1.472172774328122, 0.037387086249853874, -0.8823138505167135, 0.8753321222299146, -0.14953793576734295],
    },
    Case {
        name: "adamw_all",
        make: |p| Box::new(AdamW::new(p).lr(0.02).betas((0.2, 0.6)).eps(1e-3).weight_decay(0.5).amsgrad(true).maximize(true)),
        f32_zero_grad: [0.6039401888847351, -1.5341402292251587, 1.9999829530715942, 0.38402050733566284, -0.5728908777236938, 1.2395318746566772, 0.18141917884349823],
        f32_accumulate: [0.6184712052345276, -1.5500905513763428, 2.0160934925079346, 0.3927287459373474, -0.5583586692810059, 1.2495895624160767, 0.1928376406431198],
        f64_zero_grad: [0.6039402294379902, -1.534140357612461, 1.9999829183637587, 0.38402048324606886, -0.5728907630269223, 1.2395315940287912, 0.18141917835213062],
        f64_accumulate: [0.6184711883333869, -1.5500903445339487, 2.0160931880644863, 0.39272867503341213, -0.5583586578286727, 1.2495893117152967, 0.1928376249907099],
    },
];

// The expected values above were printed by this script (torch 2.15, CPU):
//
// # Generates the expected values of tests/optim_conformance.rs with torch 2.15.
// import torch
// S, A, W = torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW
// CASES = [  # (name, torch constructor, Rust constructor)
//     ("sgd_plain", lambda p: S(p, lr=0.1), "Sgd::new(p, 0.1)"),
//     ("sgd_momentum", lambda p: S(p, lr=0.1, momentum=0.9), "Sgd::new(p, 0.1).momentum(0.9)"),
//     ("sgd_dampening", lambda p: S(p, lr=0.05, momentum=0.8, dampening=0.3), "Sgd::new(p, 0.05).momentum(0.8).dampening(0.3)"),
//     ("sgd_nesterov", lambda p: S(p, lr=0.05, momentum=0.9, nesterov=True), "Sgd::new(p, 0.05).momentum(0.9).nesterov(true)"),
//     ("sgd_weight_decay", lambda p: S(p, lr=0.1, weight_decay=0.05), "Sgd::new(p, 0.1).weight_decay(0.05)"),
//     ("sgd_all", lambda p: S(p, lr=0.03, momentum=0.5, weight_decay=0.1, nesterov=True, maximize=True), "Sgd::new(p, 0.03).momentum(0.5).weight_decay(0.1).nesterov(true).maximize(true)"),
//     ("sgd_maximize_dampening", lambda p: S(p, lr=0.02, momentum=0.7, dampening=0.9, maximize=True), "Sgd::new(p, 0.02).momentum(0.7).dampening(0.9).maximize(true)"),
//     ("adam_default", lambda p: A(p), "Adam::new(p)"),
//     ("adam_lr", lambda p: A(p, lr=0.05), "Adam::new(p).lr(0.05)"),
//     ("adam_small_beta1", lambda p: A(p, lr=0.05, betas=(0.3, 0.8)), "Adam::new(p).lr(0.05).betas((0.3, 0.8))"),
//     ("adam_beta1_half", lambda p: A(p, lr=0.05, betas=(0.5, 0.5)), "Adam::new(p).lr(0.05).betas((0.5, 0.5))"),
//     ("adam_zero_betas", lambda p: A(p, lr=0.05, betas=(0.0, 0.0)), "Adam::new(p).lr(0.05).betas((0.0, 0.0))"),
//     ("adam_eps", lambda p: A(p, lr=0.05, eps=0.1), "Adam::new(p).lr(0.05).eps(0.1)"),
//     ("adam_weight_decay", lambda p: A(p, lr=0.05, weight_decay=0.1), "Adam::new(p).lr(0.05).weight_decay(0.1)"),
//     ("adam_amsgrad", lambda p: A(p, lr=0.05, betas=(0.9, 0.5), amsgrad=True), "Adam::new(p).lr(0.05).betas((0.9, 0.5)).amsgrad(true)"),
//     ("adam_maximize", lambda p: A(p, lr=0.05, maximize=True), "Adam::new(p).lr(0.05).maximize(true)"),
//     ("adam_all", lambda p: A(p, lr=0.02, betas=(0.4, 0.7), eps=1e-4, weight_decay=0.2, amsgrad=True, maximize=True), "Adam::new(p).lr(0.02).betas((0.4, 0.7)).eps(1e-4).weight_decay(0.2).amsgrad(true).maximize(true)"),
//     ("adamw_default", lambda p: W(p), "AdamW::new(p)"),
//     ("adamw_decay", lambda p: W(p, lr=0.05, weight_decay=0.3), "AdamW::new(p).lr(0.05).weight_decay(0.3)"),
//     ("adamw_all", lambda p: W(p, lr=0.02, betas=(0.2, 0.6), eps=1e-3, weight_decay=0.5, amsgrad=True, maximize=True), "AdamW::new(p).lr(0.02).betas((0.2, 0.6)).eps(1e-3).weight_decay(0.5).amsgrad(true).maximize(true)"),
// ]
// STEPS = 7
// def uses_p2(step, accumulate):
//     return step >= 3 if accumulate else step not in (2, 3)
// def run(make, dtype, accumulate):
//     p1 = torch.tensor([0.5, -1.5, 2.0], dtype=dtype, requires_grad=True)
//     p2 = torch.tensor([[0.3, -0.7], [1.2, 0.1]], dtype=dtype, requires_grad=True)
//     c1 = torch.tensor([1.0, 0.5, 2.0], dtype=dtype)
//     opt = make([p1, p2])
//     for step in range(1, STEPS + 1):
//         if not accumulate:
//             opt.zero_grad()
//         loss = (c1 * p1 * p1).sum()
//         if uses_p2(step, accumulate):
//             loss = loss + (p2 * p2 * p2).sum() * 0.1
//         loss.backward()
//         opt.step()
//     return [v.item() for v in torch.cat([p1.detach().flatten(), p2.detach().flatten()])]
// print("const CASES: &[Case] = &[")
// for name, make, rust in CASES:
//     print(f"    Case {{\n        name: \"{name}\",\n        make: |p| Box::new({rust}),")
//     for field, dtype, acc in [("f32_zero_grad", torch.float32, False), ("f32_accumulate", torch.float32, True), ("f64_zero_grad", torch.float64, False), ("f64_accumulate", torch.float64, True)]:
//         vals = ", ".join(repr(v) for v in run(make, dtype, acc))
//         print(f"        {field}: [{vals}],")
//     print("    },")
// print("];")
