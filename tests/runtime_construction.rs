//! Issue 2 part 1 (and the readers): creating tensors, dtypes, the `tensor!` literal, random
//! values, conversions, and the cheap, shared clone.

mod runtime_support;

use autograd::{manual_seed, tensor, DType, Tensor};
use runtime_support::{assert_values, leaf};

#[test]
fn zeros_ones_full_and_scalar_are_f32_leaves() {
    let z = Tensor::zeros(&[2, 3]);
    assert_eq!(
        (z.shape(), z.dtype(), z.numel()),
        (&[2, 3][..], DType::F32, 6)
    );
    assert_eq!(z.to_vec(), vec![0.0; 6]);
    assert_eq!(Tensor::ones(&[4]).to_vec(), vec![1.0; 4]);
    let f = Tensor::full(&[2, 2], 2.5);
    assert_eq!((f.dtype(), f.to_vec()), (DType::F32, vec![2.5; 4]));
    let s = Tensor::scalar(7.0);
    assert_eq!(
        (s.shape(), s.dim(), s.numel(), s.item()),
        (&[][..], 0, 1, 7.0)
    );
    for t in [z, f, s] {
        assert!(t.is_leaf() && !t.requires_grad() && t.grad().is_none() && t.grad_fn().is_none());
    }
}

#[test]
fn full_dtype_and_like_constructors_keep_shape_and_dtype() {
    let x = Tensor::full_dtype(&[3], 1.5, DType::F64);
    assert_eq!((x.dtype(), x.to_vec()), (DType::F64, vec![1.5; 3]));
    assert_eq!(x.zeros_like().to_vec(), vec![0.0; 3]);
    assert_eq!(x.ones_like().dtype(), DType::F64);
    assert_eq!(x.full_like(-2.0).to_vec(), vec![-2.0; 3]);
    assert_eq!(Tensor::zeros(&[0, 3]).numel(), 0);
}

#[test]
fn from_vec_takes_its_dtype_from_the_element_type() {
    let a = Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]);
    assert_eq!((a.dtype(), a.shape()), (DType::F32, &[2, 3][..]));
    assert_eq!(a.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
    let b = Tensor::from_vec(vec![0.1f64, 0.2], &[2]);
    assert_eq!(b.dtype(), DType::F64);
    // f64 data are kept exactly (no round trip through f32).
    assert_eq!(b.to_vec(), vec![0.1, 0.2]);
    assert_eq!(b.to_vec_of::<f64>(), Some(vec![0.1, 0.2]));
    assert_eq!(b.to_vec_of::<f32>(), None);
    let s = Tensor::from_vec(vec![5.0f64], &[]);
    assert_eq!((s.shape(), s.item()), (&[][..], 5.0));
}

#[test]
#[should_panic(expected = "from_vec: data has 3 elements but shape [2, 2] needs 4")]
fn from_vec_with_the_wrong_length_panics_with_both_counts() {
    let _ = Tensor::from_vec(vec![1.0f32, 2.0, 3.0], &[2, 2]);
}

#[test]
fn tensor_literal_builds_f32_tensors_of_any_rank() {
    let v = tensor![1., 2., 3.];
    assert_eq!((v.shape(), v.dtype()), (&[3][..], DType::F32));
    let m = tensor![[1., 2.], [3., 4.], [5., 6.]];
    assert_eq!(m.shape(), &[3, 2]);
    assert_eq!(m.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
    let c = tensor![[[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]];
    assert_eq!(c.shape(), &[2, 2, 2]);
    assert_eq!(c.to_vec(), (1..=8).map(f64::from).collect::<Vec<_>>());
    let s = tensor!(5.);
    assert_eq!((s.shape(), s.item()), (&[][..], 5.0));
    assert_eq!(tensor![-1., 2.5].to_vec(), vec![-1.0, 2.5]);
    assert_eq!(tensor![1, 2].to_vec(), vec![1.0, 2.0]);
}

#[test]
fn tensor_literal_of_a_negative_number_is_zero_dimensional() {
    // torch.tensor(-5.) is 0-d, like torch.tensor(5.).
    let s = tensor!(-5.);
    assert_eq!((s.shape(), s.item()), (&[][..], -5.0));
}

#[test]
fn arange_counts_up_to_but_excluding_the_end() {
    let a = Tensor::arange(5.0);
    assert_eq!((a.shape(), a.dtype()), (&[5][..], DType::F32));
    assert_eq!(a.to_vec(), vec![0., 1., 2., 3., 4.]);
    assert_eq!(
        Tensor::arange_step(1.0, 2.0, 0.25).to_vec(),
        vec![1., 1.25, 1.5, 1.75]
    );
    // torch.arange(5, 0, -2) = [5, 3, 1]
    assert_eq!(
        Tensor::arange_step(5.0, 0.0, -2.0).to_vec(),
        vec![5., 3., 1.]
    );
    assert_eq!(Tensor::arange(0.0).shape(), &[0]);
}

#[test]
#[should_panic(expected = "arange")]
fn arange_with_a_zero_step_panics() {
    let _ = Tensor::arange_step(0.0, 1.0, 0.0);
}

#[test]
fn eye_is_the_identity() {
    let i = Tensor::eye(3);
    assert_eq!((i.shape(), i.dtype()), (&[3, 3][..], DType::F32));
    assert_eq!(i.to_vec(), vec![1., 0., 0., 0., 1., 0., 0., 0., 1.]);
    let m = tensor![[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]];
    assert_eq!(i.matmul(&m).to_vec(), m.to_vec());
}

#[test]
fn rand_and_randn_are_reproducible_with_manual_seed() {
    manual_seed(42);
    let (a, b) = (Tensor::rand(&[4, 5]), Tensor::randn(&[7]));
    manual_seed(42);
    assert_eq!(Tensor::rand(&[4, 5]).to_vec(), a.to_vec());
    assert_eq!(Tensor::randn(&[7]).to_vec(), b.to_vec());
    manual_seed(43);
    assert_ne!(Tensor::rand(&[4, 5]).to_vec(), a.to_vec());
    assert_eq!(
        (a.dtype(), b.dtype(), a.shape()),
        (DType::F32, DType::F32, &[4, 5][..])
    );
    // Consecutive draws differ.
    assert_ne!(Tensor::rand(&[3]).to_vec(), Tensor::rand(&[3]).to_vec());
}

#[test]
fn rand_is_uniform_in_unit_interval_and_randn_is_standard_normal() {
    manual_seed(0);
    let u = Tensor::rand(&[10_000]).to_vec();
    assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    let mean_u = u.iter().sum::<f64>() / u.len() as f64;
    assert!((mean_u - 0.5).abs() < 0.02, "uniform mean {mean_u}");
    let n = Tensor::randn(&[10_000]).to_vec();
    let mean = n.iter().sum::<f64>() / n.len() as f64;
    let var = n.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n.len() as f64;
    assert!(
        mean.abs() < 0.05 && (var - 1.0).abs() < 0.05,
        "mean {mean}, var {var}"
    );
}

#[test]
fn the_generator_is_per_thread() {
    manual_seed(5);
    let expected = Tensor::rand(&[4]).to_vec();
    manual_seed(5);
    // Seeding and drawing on another thread does not advance this thread's generator.
    std::thread::spawn(|| {
        manual_seed(99);
        let _ = Tensor::rand(&[100]);
    })
    .join()
    .unwrap();
    assert_eq!(Tensor::rand(&[4]).to_vec(), expected);
}

#[test]
fn to_dtype_double_and_float_convert() {
    let x = Tensor::from_vec(vec![0.1f64, 2.0], &[2]);
    let f = x.float();
    assert_eq!(f.dtype(), DType::F32);
    // 0.1 rounds to the nearest f32.
    assert_eq!(f.to_vec(), vec![0.1f32 as f64, 2.0]);
    let d = f.double();
    assert_eq!(
        (d.dtype(), d.to_vec()),
        (DType::F64, vec![0.1f32 as f64, 2.0])
    );
    assert_eq!(x.to_dtype(DType::F32).dtype(), DType::F32);
    let b = x.gt(1.0).to_dtype(DType::F32);
    assert_eq!((b.dtype(), b.to_vec()), (DType::F32, vec![0.0, 1.0]));
}

#[test]
fn conversion_to_the_same_dtype_is_a_no_op() {
    let x = Tensor::ones(&[2]).requires_grad_(true);
    let same = x.float();
    assert!(same.ptr_eq(&x) && same.is_leaf() && same.grad_fn().is_none());
    let y = leaf(&[1.0], &[1]);
    assert!(y.double().ptr_eq(&y));
    assert!(y.to_dtype(DType::F64).ptr_eq(&y));
}

#[test]
fn tensor_is_send_and_sync_and_usable_from_other_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Tensor>();
    let x = leaf(&[1.0, 2.0], &[2]);
    let handle = {
        let x = x.clone();
        std::thread::spawn(move || (&x * &x).sum().backward())
    };
    handle.join().unwrap();
    // d/dx sum(x^2) = 2x, accumulated into the shared tensor from the other thread.
    assert_values(&x.grad().unwrap(), &[2.0, 4.0]);
    let shared = std::sync::Arc::new(Tensor::arange(4.0));
    let sums: Vec<f64> = (0..2)
        .map(|_| {
            let s = shared.clone();
            std::thread::spawn(move || s.sum().item())
        })
        .map(|h| h.join().unwrap())
        .collect();
    assert_eq!(sums, vec![6.0, 6.0]);
}

#[test]
fn clones_share_requires_grad_and_grad() {
    let x = Tensor::ones(&[3]);
    let alias = x.clone();
    let x = x.requires_grad_(true);
    assert!(alias.requires_grad() && alias.ptr_eq(&x));
    (&x * 2.0).sum().backward();
    assert_values(&alias.grad().unwrap(), &[2.0; 3]);
    alias.zero_grad();
    assert!(x.grad().is_none());
    // A copy made with deep_clone shares nothing.
    let copy = x.deep_clone();
    assert!(!copy.ptr_eq(&x) && !copy.requires_grad());
}

#[test]
fn readers_report_shape_and_values() {
    let t = tensor![[1., 2., 3.], [4., 5., 6.]];
    assert_eq!(
        (t.shape(), t.size(), t.dim(), t.numel()),
        (&[2, 3][..], &[2, 3][..], 2, 6)
    );
    assert_eq!(tensor![[2.5]].item(), 2.5);
    assert_eq!(t.to_vec_of::<f32>(), Some(vec![1., 2., 3., 4., 5., 6.]));
}

#[test]
#[should_panic(expected = "a Tensor with 6 elements (shape [2, 3]) cannot be converted to Scalar")]
fn item_of_a_multi_element_tensor_panics() {
    let _ = Tensor::ones(&[2, 3]).item();
}

#[test]
fn nalgebra_conversions_round_trip_in_row_major_order() {
    let m = nalgebra::DMatrix::from_row_slice(2, 3, &[1.0f64, 2., 3., 4., 5., 6.]);
    let t = Tensor::from(&m);
    assert_eq!((t.shape(), t.dtype()), (&[2, 3][..], DType::F64));
    assert_eq!(t.to_vec(), vec![1., 2., 3., 4., 5., 6.]);
    assert_eq!(nalgebra::DMatrix::<f64>::from(&t), m);
    let v = nalgebra::DVector::from_vec(vec![1.0f32, 2.0]);
    assert_eq!(Tensor::from(&v).shape(), &[2]);
    let s = nalgebra::Matrix2::<f32>::new(1., 2., 3., 4.);
    assert_eq!(Tensor::from(&s).to_vec(), vec![1., 2., 3., 4.]);
}
