//! Seeded random tensors equal PyTorch's: `manual_seed(s)` followed by the same calls draws
//! the same numbers as `torch.manual_seed(s)` (mt19937, PyTorch's uniform and Box-Muller
//! steps). Expected values were printed by torch 2.15.0 (CPU) for the snippet in each comment
//! (`tolist()` gives each float32 value exactly, as a double).

use autograd::nn::Linear;
use autograd::{manual_seed, DType, Tensor};

#[test]
fn rand_draws_torch_uniforms() {
    // torch.manual_seed(0); torch.rand(5).tolist()
    manual_seed(0);
    assert_eq!(
        Tensor::rand(&[5]).to_vec(),
        [
            0.49625658988952637,
            0.7682217955589294,
            0.08847743272781372,
            0.13203048706054688,
            0.30742281675338745,
        ]
    );
}

#[test]
fn short_randn_keeps_the_second_normal_of_a_pair_for_the_next_call() {
    // torch.manual_seed(0); torch.randn(3).tolist(), torch.randn(3).tolist()
    manual_seed(0);
    assert_eq!(
        Tensor::randn(&[3]).to_vec(),
        [1.5409960746765137, -0.293428897857666, -2.1787893772125244,]
    );
    assert_eq!(
        Tensor::randn(&[3]).to_vec(),
        [0.5684312582015991, -1.0845223665237427, -1.3985954523086548,]
    );
}

#[test]
fn long_randn_uses_the_blockwise_fill_with_a_redrawn_tail() {
    // torch.manual_seed(0); torch.randn(20).tolist()
    manual_seed(0);
    assert_eq!(
        Tensor::randn(&[20]).to_vec(),
        [
            -1.1258398294448853,
            -1.152360200881958,
            -0.2505785822868347,
            -0.4338788092136383,
            0.5988394618034363,
            -1.5550950765609741,
            -0.3413603901863098,
            1.85300612449646,
            0.46809640526771545,
            -0.1577124446630478,
            1.4436601400375366,
            0.26604941487312317,
            1.3893661499023438,
            1.586334228515625,
            0.946298360824585,
            -0.843676745891571,
            0.9318265914916992,
            1.2590092420578003,
            2.0049805641174316,
            0.05373690277338028,
        ]
    );
}

#[test]
fn seeded_tensors_print_as_torch_prints_them() {
    // torch.manual_seed(7); print(torch.randn(2, 2)); print(torch.rand(2, 3))
    manual_seed(7);
    assert_eq!(
        format!("{}", Tensor::randn(&[2, 2])),
        "tensor([[-0.1468,  0.7861],\n        [ 0.9468, -1.1143]])"
    );
    assert_eq!(
        format!("{}", Tensor::rand(&[2, 3])),
        "tensor([[0.3653, 0.8513, 0.8549],\n        [0.5509, 0.2868, 0.2063]])"
    );
}

#[test]
fn linear_initialises_as_torch_nn_linear() {
    // torch.manual_seed(0); l = nn.Linear(3, 2); l.weight, l.bias
    manual_seed(0);
    let layer = Linear::new(3, 2);
    assert_eq!(
        layer.weight().to_vec(),
        [
            -0.004322517663240433,
            0.3097158372402191,
            -0.4751853346824646,
            -0.4248946011066437,
            -0.2223689705133438,
            0.15482072532176971
        ]
    );
    assert_eq!(
        layer.bias().unwrap().to_vec(),
        [-0.011439144611358643, 0.45777493715286255]
    );
}

#[test]
fn float64_linear_initialises_as_torch_nn_linear() {
    // torch.manual_seed(0); l = nn.Linear(3, 2, dtype=torch.float64); l.weight, l.bias
    manual_seed(0);
    let layer = Linear::with_options(3, 2, true, DType::F64);
    assert_eq!(
        layer.weight().to_vec(),
        [
            0.5427704542528101,
            0.23996970930833816,
            -0.046900537438113156,
            0.48583757737745076,
            0.16745942958373372,
            0.3361886278485809
        ]
    );
    assert_eq!(
        layer.bias().unwrap().to_vec(),
        [-0.3711136225274598, -0.17192610627289664]
    );
}

#[test]
fn dropout_keeps_the_elements_torch_keeps() {
    // torch.manual_seed(0); F.dropout(torch.ones(12), 0.25).tolist(): kept elements are
    // scaled by 1 / (1 - p) in float32
    manual_seed(0);
    let kept = 1.3333333730697632;
    assert_eq!(
        Tensor::ones(&[12]).dropout(0.25, true).to_vec(),
        [0.0, kept, kept, 0.0, kept, 0.0, kept, kept, kept, kept, kept, kept]
    );
}
