//! Runtime dispatch to wider vectors: hot loops run compiled for AVX2 when the CPU has it.
//!
//! The crate's loops are plain Rust that LLVM vectorises for the build's baseline (SSE2, four
//! `f32` lanes, on `x86_64`). PyTorch picks AVX2 or AVX-512 kernels at run time; this does the
//! same for the elementwise kernels and the macro's fused loops: the same source, inlined into a
//! function compiled with AVX2 (eight lanes), chosen once the CPU is known to support it. The
//! arithmetic is unchanged (no fused multiply-add, no reassociation), so results are bit for
//! bit the same on every path.

/// Runs `body`, compiled for AVX2 when the CPU supports it.
///
/// `body` should be a closure holding the whole loop (its callees `#[inline]`), so that it is
/// inlined into the AVX2 instance.
#[inline(always)]
pub(crate) fn with_wide_vectors<R>(body: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: `avx2` only requires the CPU to support AVX2, which was checked just above.
        return unsafe { avx2(body) };
    }
    body()
}

/// `body()` compiled with AVX2 enabled.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2<R>(body: impl FnOnce() -> R) -> R {
    body()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_result_is_the_bodys() {
        let x: Vec<f32> = (0..1000).map(|i| i as f32 * 0.37).collect();
        let wide = with_wide_vectors(|| x.iter().map(|v| v * 2.0 + 1.0).collect::<Vec<_>>());
        let plain: Vec<f32> = x.iter().map(|v| v * 2.0 + 1.0).collect();
        assert_eq!(wide, plain);
    }

    /// The slice kernels (wide on a CPU with AVX2) agree bit for bit with their element
    /// functions called one at a time (baseline code).
    #[test]
    fn wide_kernels_match_the_element_functions() {
        use crate::kernels::fast_math::*;
        let x: Vec<f32> = (0..4099).map(|i| (i as f32 - 2049.0) * 0.0123).collect();
        type SliceKernel = fn(&[f32], &mut [f32]);
        type ElementFn = fn(f32) -> f32;
        let kernels: [(SliceKernel, ElementFn); 4] = [
            (exp_f32, exp_one),
            (ln_f32, ln_one),
            (tanh_f32, tanh_one),
            (sigmoid_f32, sigmoid_one),
        ];
        for (slice_kernel, element) in kernels {
            let mut out = vec![0.0f32; x.len()];
            slice_kernel(&x, &mut out);
            for (&xi, &o) in x.iter().zip(&out) {
                let expected = std::hint::black_box(element)(xi);
                assert!(
                    o.to_bits() == expected.to_bits() || (o.is_nan() && expected.is_nan()),
                    "{xi}: {o} vs {expected}"
                );
            }
        }
    }
}
