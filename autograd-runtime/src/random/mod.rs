//! The thread-local random generator behind `rand`, `randn`, `Linear`'s initialisation and
//! `dropout` masks: PyTorch's CPU generator, so that `manual_seed(s)` followed by the same calls gives
//! the numbers `torch.manual_seed(s)` gives.
//!
//! PyTorch's CPU generator is a 32-bit Mersenne Twister (mt19937) seeded with the low 32 bits of
//! the seed, plus a cached second normal sample (Box-Muller makes two at a time). Uniform floats
//! take 24 random bits of one draw, uniform doubles 53 bits of two draws (first draw high).

mod box_muller_f32;

use crate::dtype::DType;
use crate::storage::Buffer;
use rand_mt::Mt;
use std::cell::RefCell;

/// The seed a thread starts from, PyTorch's default CPU seed: runs are reproducible by default.
const DEFAULT_SEED: u64 = 67_280_421_310_721;

thread_local! {
    static GENERATOR: RefCell<TorchGenerator> = RefCell::new(TorchGenerator::new(DEFAULT_SEED));
}

/// Seeds this thread's generator, as `torch.manual_seed`: the same seed gives the same
/// `rand`/`randn` values on every run, and the values PyTorch gives after the same seed.
///
/// ```
/// use autograd::{manual_seed, Tensor};
/// manual_seed(0);
/// let a = Tensor::randn(&[3]);
/// // torch.manual_seed(0); torch.randn(3) -> tensor([ 1.5410, -0.2934, -2.1788])
/// assert_eq!(format!("{a}"), "tensor([ 1.5410, -0.2934, -2.1788])");
/// manual_seed(0);
/// assert_eq!(a.to_vec(), Tensor::randn(&[3]).to_vec());
/// ```
pub fn manual_seed(seed: u64) {
    GENERATOR.with(|g| *g.borrow_mut() = TorchGenerator::new(seed));
}

/// Runs `f` with this thread's generator.
pub(crate) fn with_generator<R>(f: impl FnOnce(&mut TorchGenerator) -> R) -> R {
    GENERATOR.with(|g| f(&mut g.borrow_mut()))
}

/// PyTorch's CPU generator (`CPUGeneratorImpl`): mt19937 and the cached normal sample.
pub(crate) struct TorchGenerator {
    engine: Mt,
    /// The second value of the last Box-Muller pair drawn by [`TorchGenerator::normal_f64`].
    next_normal: Option<f64>,
}

impl TorchGenerator {
    fn new(seed: u64) -> TorchGenerator {
        TorchGenerator {
            // mt19937 takes the seed's low 32 bits, as PyTorch's does.
            engine: Mt::new(seed as u32),
            next_normal: None,
        }
    }

    /// One 32-bit draw (PyTorch's `random()`).
    fn random(&mut self) -> u32 {
        self.engine.next_u32()
    }

    /// Two draws as one 64-bit value, the first in the high half (PyTorch's `random64()`).
    fn random64(&mut self) -> u64 {
        let high = u64::from(self.random());
        let low = u64::from(self.random());
        (high << 32) | low
    }

    /// A float uniform in `[from, to)`: 24 random bits of one draw, scaled in `f32` with one
    /// fused multiply-add (as PyTorch's compiled kernel does).
    pub(crate) fn uniform_f32(&mut self, from: f32, to: f32) -> f32 {
        let unit = (self.random() & ((1 << 24) - 1)) as f32 * (1.0 / (1u32 << 24) as f32);
        unit.mul_add(to - from, from)
    }

    /// A double uniform in `[from, to)`: 53 random bits of two draws, scaled in `f64` with one
    /// fused multiply-add.
    pub(crate) fn uniform_f64(&mut self, from: f64, to: f64) -> f64 {
        let unit = (self.random64() & ((1 << 53) - 1)) as f64 * (1.0 / (1u64 << 53) as f64);
        unit.mul_add(to - from, from)
    }

    /// `n` values uniform in `[from, to)` in `dtype` (`F32` or `F64`), as `tensor.uniform_(from,
    /// to)`: the bounds are first rounded to the dtype.
    pub(crate) fn uniform_buffer(&mut self, dtype: DType, n: usize, from: f64, to: f64) -> Buffer {
        match dtype {
            DType::F64 => Buffer::from_vec((0..n).map(|_| self.uniform_f64(from, to)).collect()),
            _ => {
                let (from, to) = (from as f32, to as f32);
                Buffer::from_vec((0..n).map(|_| self.uniform_f32(from, to)).collect())
            }
        }
    }

    /// A standard normal double by Box-Muller, as PyTorch's `normal_distribution<double>`: two
    /// uniform doubles give two samples, the second is kept for the next call.
    pub(crate) fn normal_f64(&mut self) -> f64 {
        if let Some(cached) = self.next_normal.take() {
            return cached;
        }
        let u1 = self.uniform_f64(0.0, 1.0);
        let u2 = self.uniform_f64(0.0, 1.0);
        let radius = (-2.0 * (-u2).ln_1p()).sqrt();
        let theta = 2.0 * std::f64::consts::PI * u1;
        self.next_normal = Some(radius * theta.sin());
        radius * theta.cos()
    }

    /// `n` standard normal floats as `torch.randn(n)` makes them: one at a time through
    /// [`TorchGenerator::normal_f64`] below 16 values, otherwise PyTorch's vectorised fill (all
    /// uniforms first, then Box-Muller on blocks of 16 in `f32`; see [`box_muller_f32`]).
    pub(crate) fn standard_normal_f32(&mut self, n: usize) -> Vec<f32> {
        if n < box_muller_f32::BLOCK {
            return (0..n).map(|_| self.normal_f64() as f32).collect();
        }
        let mut values: Vec<f32> = (0..n).map(|_| self.uniform_f32(0.0, 1.0)).collect();
        for block in values.chunks_exact_mut(box_muller_f32::BLOCK) {
            box_muller_f32::transform_block(block);
        }
        if !n.is_multiple_of(box_muller_f32::BLOCK) {
            // As PyTorch: the last 16 values are drawn again and transformed as one block.
            let tail = &mut values[n - box_muller_f32::BLOCK..];
            for v in tail.iter_mut() {
                *v = self.uniform_f32(0.0, 1.0);
            }
            box_muller_f32::transform_block(tail);
        }
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values printed by torch 2.15 (`torch.manual_seed(0); torch.rand(3)` etc.).

    #[test]
    fn uniform_floats_match_torch_rand() {
        let mut g = TorchGenerator::new(0);
        let values: Vec<f32> = (0..3).map(|_| g.uniform_f32(0.0, 1.0)).collect();
        assert_eq!(values, [0.496_256_6, 0.768_221_8, 0.088_477_43]);
    }

    #[test]
    fn uniform_doubles_match_torch_rand_float64() {
        let mut g = TorchGenerator::new(0);
        let values: Vec<f64> = (0..3).map(|_| g.uniform_f64(0.0, 1.0)).collect();
        assert_eq!(
            values,
            [0.9700530018065531, 0.707819864399788, 0.45938294312745087]
        );
    }

    #[test]
    fn normals_keep_the_second_sample_of_a_pair() {
        // torch.randn(5, dtype=torch.float64)
        let mut g = TorchGenerator::new(0);
        let values: Vec<f64> = (0..5).map(|_| g.normal_f64()).collect();
        assert_eq!(
            values,
            [
                1.5409961082440433,
                -0.2934289057609464,
                -2.1787893820745574,
                0.5684312772806678,
                -1.084522342424021
            ]
        );
    }

    #[test]
    fn seeds_use_their_low_32_bits() {
        let mut a = TorchGenerator::new(5);
        let mut b = TorchGenerator::new(5 + (1 << 32));
        assert_eq!(a.random64(), b.random64());
    }
}
