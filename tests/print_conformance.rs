//! Conformance of `Display` / `Debug` with PyTorch 2.x `print(t)` / `repr(t)` under the default
//! print options (precision 4, threshold 1000, edgeitems 3, linewidth 80, sci_mode None).
//!
//! Each test is named for one rule of `torch/_tensor_str.py` and cites it. Every expected string
//! was derived from that code and checked against the output of PyTorch 2.x for the same tensor.

use autograd::{no_grad, tensor, Tensor};

/// Asserts Display and Debug both give `expected`.
#[track_caller]
fn prints(t: &Tensor, expected: &str) {
    assert_eq!(t.to_string(), expected, "Display");
    assert_eq!(format!("{t:?}"), expected, "Debug");
}

/// An f32 tensor of `shape` from `values`.
fn f32s(values: &[f32], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape)
}

/// An f64 tensor of `shape` from `values`.
fn f64s(values: &[f64], shape: &[usize]) -> Tensor {
    Tensor::from_vec(values.to_vec(), shape)
}

/// A bool tensor of `shape` from `values` (built by a comparison, as PyTorch code would).
fn bools(values: &[bool], shape: &[usize]) -> Tensor {
    let v: Vec<f32> = values.iter().map(|&b| f32::from(u8::from(b))).collect();
    Tensor::from_vec(v, shape).gt(0.5)
}

/// `start, start + 1, ...` (`n` values) as f32.
fn range_f32(n: usize, start: f32) -> Vec<f32> {
    (0..n).map(|i| i as f32 + start).collect()
}

/// `start, start + 1, ...` (`n` values) as f64.
fn range_f64(n: usize, start: f64) -> Vec<f64> {
    (0..n).map(|i| i as f64 + start).collect()
}

// ---------------------------------------------------------------------------------------------
// 0-d tensors: `_scalar_str` formats `self.item()` with a `_Formatter` built from the one value.
// ---------------------------------------------------------------------------------------------

#[test]
fn zero_dim_uses_the_formatter_of_its_single_value() {
    // _scalar_str -> formatter.format(self.item()): fixed "{:.4f}", int mode "{:.0f}" + ".",
    // sci "{:.4e}" when the one value is < 1e-4 or > 1e8.
    prints(&Tensor::scalar(0.5), "tensor(0.5000)");
    prints(&Tensor::scalar(-2.25), "tensor(-2.2500)");
    prints(&Tensor::scalar(3.0), "tensor(3.)");
    prints(&Tensor::scalar(0.00002), "tensor(2.0000e-05)");
    prints(&Tensor::scalar(1e9), "tensor(1.0000e+09)");
    // max > 1e8 is strict: exactly 1e8 stays in int mode.
    prints(&Tensor::scalar(1e8), "tensor(100000000.)");
}

#[test]
fn zero_dim_f64_appends_the_dtype_suffix() {
    // _str_intern: `if not has_default_dtype: suffixes.append("dtype=" + str(self.dtype))`.
    prints(&f64s(&[0.5], &[]), "tensor(0.5000, dtype=torch.float64)");
    prints(
        &f64s(&[-1e-5], &[]),
        "tensor(-1.0000e-05, dtype=torch.float64)",
    );
}

#[test]
fn zero_dim_non_finite_and_negative_zero() {
    // _Formatter: no nonzero finite value -> int mode with max_width 1; format() appends "."
    // only `if not (math.isinf(value) or math.isnan(value))`; "{:.0f}" keeps the sign of -0.0.
    prints(&Tensor::scalar(f64::NAN), "tensor(nan)");
    prints(&Tensor::scalar(f64::NEG_INFINITY), "tensor(-inf)");
    prints(&Tensor::scalar(-0.0), "tensor(-0.)");
}

#[test]
fn zero_dim_with_grad_fn_or_requires_grad() {
    // _str_intern: `if inp.grad_fn is not None: suffixes.append("grad_fn=<{}>")`
    // `elif inp.requires_grad: suffixes.append("requires_grad=True")`.
    let x = tensor![1., 2., 3.].requires_grad_(true);
    prints(&(&x * &x).sum(), "tensor(14., grad_fn=<SumBackward0>)");
    prints(&(&x * &x).mean(), "tensor(4.6667, grad_fn=<MeanBackward0>)");
    prints(
        &Tensor::scalar(2.5).requires_grad_(true),
        "tensor(2.5000, requires_grad=True)",
    );
    // The dtype suffix comes before the autograd one.
    let d = f64s(&[2.5], &[]).requires_grad_(true);
    prints(
        &d,
        "tensor(2.5000, dtype=torch.float64, requires_grad=True)",
    );
    prints(
        &(&d * 2.0),
        "tensor(5., dtype=torch.float64, grad_fn=<MulBackward0>)",
    );
}

// ---------------------------------------------------------------------------------------------
// _Formatter: int mode, fixed mode, scientific mode.
// ---------------------------------------------------------------------------------------------

#[test]
fn integer_valued_floats_print_in_int_mode_with_a_trailing_dot() {
    // _Formatter: `if value != torch.ceil(value): self.int_mode = False`; int mode width is
    // len("{:.0f}") + 1 and format() appends ".".
    prints(&tensor![1., 2.], "tensor([1., 2.])");
    prints(&tensor![1., -2., 30.], "tensor([ 1., -2., 30.])");
    prints(
        &f64s(&[1.0, 2.0], &[2]),
        "tensor([1., 2.], dtype=torch.float64)",
    );
    // max / min == 1000 is not > 1000: stays in int mode (PyTorch's test_print).
    prints(&tensor![1., 1000.], "tensor([   1., 1000.])");
    // max == 1e8 is not > 1e8.
    prints(&tensor![1e8, 1e6], "tensor([100000000.,   1000000.])");
}

#[test]
fn int_mode_switches_to_scientific_above_ratio_1000_or_max_1e8() {
    // _Formatter: sci_mode = max / min > 1000.0 or max > 1.0e8 (min < 1e-4 cannot hold for
    // nonzero integers), widths then come from "{:.4e}".
    prints(&tensor![1., 1010.], "tensor([1.0000e+00, 1.0100e+03])");
    // f32(123456789) == 123456792 > 1e8.
    prints(&f32s(&[123456789.], &[1]), "tensor([1.2346e+08])");
    prints(
        &tensor![100000008., 1e6],
        "tensor([1.0000e+08, 1.0000e+06])",
    );
}

#[test]
fn fixed_mode_right_aligns_to_the_widest_value() {
    // _Formatter.format: `(self.max_width - len(ret)) * " " + ret`, max_width over
    // "{:.4f}" of the nonzero finite values.
    prints(
        &tensor![-1646.1467, -59.6569, 824.9374],
        "tensor([-1646.1467,   -59.6569,   824.9374])",
    );
    prints(&tensor![0.1, 0.7], "tensor([0.1000, 0.7000])");
    prints(
        &f64s(&[1.5, -2.0, 3.0, 4.25], &[2, 2]),
        "tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.2500]], dtype=torch.float64)",
    );
}

#[test]
fn scientific_mode_when_min_nonzero_below_1e_4() {
    // _Formatter: non-integer values with nonzero_finite_min < 1.0e-4 -> sci mode.
    prints(&f32s(&[0.00002], &[1]), "tensor([2.0000e-05])");
    prints(&tensor![-1e-5, 1.], "tensor([-1.0000e-05,  1.0000e+00])");
    // The test is strict and made in double on the stored value: f32(1e-4) == 9.99999974e-05
    // is below 1e-4 (scientific), f64 1e-4 is not (fixed); the ratio is only 500 here.
    prints(&tensor![1e-4, 0.05], "tensor([1.0000e-04, 5.0000e-02])");
    prints(
        &f64s(&[1e-4, 0.05], &[2]),
        "tensor([0.0001, 0.0500], dtype=torch.float64)",
    );
}

#[test]
fn scientific_mode_when_ratio_above_1000_is_strict() {
    // _Formatter: max / min > 1000.0 (computed in double).
    prints(&tensor![0.01, 11.], "tensor([1.0000e-02, 1.1000e+01])");
    prints(
        &tensor![204.8, 2048., 0.2048],
        "tensor([2.0480e+02, 2.0480e+03, 2.0480e-01])",
    );
    prints(&tensor![1e28, 1e-28], "tensor([1.0000e+28, 1.0000e-28])");
    // f32(0.001) is slightly above 1e-3: ratio < 1000, fixed.
    prints(&tensor![0.001, 1.], "tensor([0.0010, 1.0000])");
    prints(
        &f64s(&[0.001, 1.0], &[2]),
        "tensor([0.0010, 1.0000], dtype=torch.float64)",
    );
}

#[test]
fn scientific_mode_when_max_above_1e8() {
    // _Formatter: nonzero_finite_max > 1.0e8.
    prints(&tensor![1.5e8, 2.5e8], "tensor([1.5000e+08, 2.5000e+08])");
}

#[test]
fn scientific_exponent_has_at_least_two_digits_and_f64_extremes() {
    // Python "{:.4e}": exponent sign and >= 2 digits (3 when needed); f64 subnormals and
    // overflow to inf (PyTorch's own test_print "test dtype" case, wrapped at 80 columns).
    prints(
        &f64s(&[0.0, 1e-323, 1e-322, 1e307, 1e308, f64::INFINITY], &[6]),
        "tensor([ 0.0000e+00, 9.8813e-324, 9.8813e-323, 1.0000e+307, 1.0000e+308,\n                inf], dtype=torch.float64)",
    );
    prints(
        &f64s(&[-5e-324, 1.0], &[2]),
        "tensor([-4.9407e-324,   1.0000e+00], dtype=torch.float64)",
    );
}

#[test]
fn values_are_rounded_from_their_exact_binary_value_half_to_even() {
    // Python's "{:.4f}" is correctly rounded (ties to even on exact binary ties); f32 data is
    // widened exactly by `.tolist()` / `.item()` before formatting.
    prints(&tensor![0.03125, 0.09375], "tensor([0.0312, 0.0938])");
    prints(&f32s(&[0.12345], &[1]), "tensor([0.1235])");
    prints(
        &f64s(&[0.12345], &[1]),
        "tensor([0.1235], dtype=torch.float64)",
    );
}

// ---------------------------------------------------------------------------------------------
// nan, inf, -0.0
// ---------------------------------------------------------------------------------------------

#[test]
fn non_finite_values_do_not_affect_mode_or_width() {
    // _Formatter: only `torch.isfinite(t) & t.ne(0)` values pick the mode and width; nan/inf
    // are right-aligned to that width (PyTorch's test_print "test inf and nan" case).
    let inf = f32::INFINITY;
    prints(
        &f32s(&[4., inf, 1.5, -inf, 0., f32::NAN, 1.], &[7]),
        "tensor([4.0000,    inf, 1.5000,   -inf, 0.0000,    nan, 1.0000])",
    );
    prints(
        &f32s(&[1e-5, f32::NAN, -inf], &[3]),
        "tensor([1.0000e-05,        nan,       -inf])",
    );
}

#[test]
fn int_mode_non_finite_values_get_no_trailing_dot() {
    // _Formatter.format (int mode): `if not (math.isinf(value) or math.isnan(value)): ret += "."`.
    let inf = f32::INFINITY;
    prints(
        &f32s(&[1., f32::NAN, inf, -inf], &[4]),
        "tensor([1., nan, inf, -inf])",
    );
    // No nonzero finite value at all: the formatter returns early in int mode, width 1.
    prints(
        &f32s(&[0., f32::NAN, -inf], &[3]),
        "tensor([0., nan, -inf])",
    );
}

#[test]
fn negative_zero_keeps_its_sign_in_every_mode() {
    // Python formats -0.0 as "-0" / "-0.0000" / "-0.0000e+00"; zeros are excluded from the
    // width computation, so "-0.0000" may overflow the common width.
    prints(&tensor![0., -0.], "tensor([0., -0.])");
    prints(&tensor![-0., 1.], "tensor([-0., 1.])");
    prints(&tensor![-0., 1.5], "tensor([-0.0000, 1.5000])");
    prints(&tensor![-0., 1e-5], "tensor([-0.0000e+00, 1.0000e-05])");
}

// ---------------------------------------------------------------------------------------------
// Nesting: `_tensor_str_with_formatter` joins slices with "," + "\n" * (dim - 1) + indent.
// ---------------------------------------------------------------------------------------------

#[test]
fn two_dim_rows_are_separated_by_one_newline() {
    prints(
        &tensor![[1.5, -2.], [3., 4.25]],
        "tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.2500]])",
    );
    prints(
        &f64s(&[1., 2., 3., 4., 5., 6.], &[2, 3]),
        "tensor([[1., 2., 3.],\n        [4., 5., 6.]], dtype=torch.float64)",
    );
    prints(
        &tensor![[-1., 10.], [100., -1000.]],
        "tensor([[   -1.,    10.],\n        [  100., -1000.]])",
    );
    prints(
        &tensor![[1e-5, 1.], [-2., 3e3]],
        "tensor([[ 1.0000e-05,  1.0000e+00],\n        [-2.0000e+00,  3.0000e+03]])",
    );
}

#[test]
fn three_and_four_dim_blocks_are_separated_by_dim_minus_one_newlines() {
    let v: Vec<f32> = (0..12).map(|i| i as f32 / 4.0).collect();
    prints(
        &f32s(&v, &[2, 3, 2]),
        "tensor([[[0.0000, 0.2500],\n         [0.5000, 0.7500],\n         [1.0000, 1.2500]],\n\n        [[1.5000, 1.7500],\n         [2.0000, 2.2500],\n         [2.5000, 2.7500]]])",
    );
    prints(
        &f32s(&range_f32(16, 0.0), &[2, 2, 2, 2]),
        "tensor([[[[ 0.,  1.],\n          [ 2.,  3.]],\n\n         [[ 4.,  5.],\n          [ 6.,  7.]]],\n\n\n        [[[ 8.,  9.],\n          [10., 11.]],\n\n         [[12., 13.],\n          [14., 15.]]]])",
    );
}

// ---------------------------------------------------------------------------------------------
// Summarization: numel > threshold (1000), edgeitems 3.
// ---------------------------------------------------------------------------------------------

#[test]
fn exactly_threshold_elements_are_not_summarized() {
    // _tensor_str: `summarize = self.numel() > PRINT_OPTS.threshold` (strict).
    // Width 4 ("999."), element length 6: floor((80 - 7) / 6) = 12 per line, 84 lines.
    let s = f32s(&range_f32(1000, 0.0), &[1000]).to_string();
    assert!(!s.contains("..."), "{s}");
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 84);
    assert_eq!(
        lines[0],
        "tensor([  0.,   1.,   2.,   3.,   4.,   5.,   6.,   7.,   8.,   9.,  10.,  11.,"
    );
    assert_eq!(
        lines[1],
        "         12.,  13.,  14.,  15.,  16.,  17.,  18.,  19.,  20.,  21.,  22.,  23.,"
    );
    assert_eq!(lines[83], "        996., 997., 998., 999.])");
}

#[test]
fn summarized_1d_shows_edgeitems_around_an_ellipsis() {
    // _vector_str: first 3 + [" ..."] + last 3; the " ..." entry is wrapped like an element.
    prints(
        &f32s(&range_f32(1001, 0.0), &[1001]),
        "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])",
    );
    prints(
        &f64s(&range_f64(1001, 0.5), &[1001]),
        "tensor([5.0000e-01, 1.5000e+00, 2.5000e+00,  ..., 9.9850e+02, 9.9950e+02,\n        1.0005e+03], dtype=torch.float64)",
    );
}

#[test]
fn summarized_formatter_sees_only_the_edge_items() {
    // _tensor_str: `_Formatter(get_summarized_data(self) if summarize else self)`: a hidden
    // 1e10 in the middle neither forces scientific mode nor widens the columns.
    let mut v = range_f32(2000, 1000.0);
    v[1000] = 1e10;
    prints(
        &f32s(&v, &[2000]),
        "tensor([1000., 1001., 1002.,  ..., 2997., 2998., 2999.])",
    );
}

#[test]
fn summarized_2d_elides_rows_and_columns() {
    // _tensor_str_with_formatter: rows beyond edgeitems become a "..." slice; each row is a
    // summarized _vector_str at indent + 1.
    let v: Vec<f32> = (0..2000).map(|i| i as f32 / 100.0).collect();
    prints(
        &f32s(&v, &[40, 50]),
        "tensor([[0.0000e+00, 1.0000e-02, 2.0000e-02,  ..., 4.7000e-01, 4.8000e-01,\n         4.9000e-01],\n        [5.0000e-01, 5.1000e-01, 5.2000e-01,  ..., 9.7000e-01, 9.8000e-01,\n         9.9000e-01],\n        [1.0000e+00, 1.0100e+00, 1.0200e+00,  ..., 1.4700e+00, 1.4800e+00,\n         1.4900e+00],\n        ...,\n        [1.8500e+01, 1.8510e+01, 1.8520e+01,  ..., 1.8970e+01, 1.8980e+01,\n         1.8990e+01],\n        [1.9000e+01, 1.9010e+01, 1.9020e+01,  ..., 1.9470e+01, 1.9480e+01,\n         1.9490e+01],\n        [1.9500e+01, 1.9510e+01, 1.9520e+01,  ..., 1.9970e+01, 1.9980e+01,\n         1.9990e+01]])",
    );
}

#[test]
fn summarization_only_elides_dims_longer_than_twice_edgeitems() {
    // `if summarize and self.size(0) > 2 * PRINT_OPTS.edgeitems` is checked per dimension.
    prints(
        &f32s(&range_f32(1200, 0.0), &[2, 600]),
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 5.9700e+02, 5.9800e+02,\n         5.9900e+02],\n        [6.0000e+02, 6.0100e+02, 6.0200e+02,  ..., 1.1970e+03, 1.1980e+03,\n         1.1990e+03]])",
    );
    prints(
        &f32s(&range_f32(1200, 0.0), &[600, 2]),
        "tensor([[0.0000e+00, 1.0000e+00],\n        [2.0000e+00, 3.0000e+00],\n        [4.0000e+00, 5.0000e+00],\n        ...,\n        [1.1940e+03, 1.1950e+03],\n        [1.1960e+03, 1.1970e+03],\n        [1.1980e+03, 1.1990e+03]])",
    );
}

#[test]
fn summarized_3d_ellipsis_slice_is_followed_by_blank_line() {
    // PyTorch's test_print "non-contiguous print" case: torch.ones(100, 2, 10).
    let block = "[[1., 1., 1.,  ..., 1., 1., 1.],\n         [1., 1., 1.,  ..., 1., 1., 1.]]";
    let sep = ",\n\n        ";
    let expected = format!(
        "tensor([{block}{sep}{block}{sep}{block}{sep}...{sep}{block}{sep}{block}{sep}{block}])"
    );
    prints(&Tensor::ones(&[100, 2, 10]), &expected);
}

// ---------------------------------------------------------------------------------------------
// Line wrapping: elements_per_line = max(1, floor((linewidth - indent) / (width + 2))).
// ---------------------------------------------------------------------------------------------

#[test]
fn long_1d_wraps_at_linewidth_80() {
    // Width 8 ("-10.5000"), element length 10: floor(73 / 10) = 7 per line.
    let v: Vec<f32> = (0..20).map(|i| i as f32 - 10.5).collect();
    prints(
        &f32s(&v, &[20]),
        "tensor([-10.5000,  -9.5000,  -8.5000,  -7.5000,  -6.5000,  -5.5000,  -4.5000,\n         -3.5000,  -2.5000,  -1.5000,  -0.5000,   0.5000,   1.5000,   2.5000,\n          3.5000,   4.5000,   5.5000,   6.5000,   7.5000,   8.5000])",
    );
    // Width 6, element length 8: floor(73 / 8) = 9 per line; 9 fit exactly on one line.
    prints(
        &f32s(&range_f32(9, 0.5), &[9]),
        "tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000, 8.5000])",
    );
    // Width 7 ("-0.5000"), element length 9: floor(73 / 9) = 8 per line.
    prints(
        &f32s(&range_f32(10, -0.5), &[10]),
        "tensor([-0.5000,  0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,\n         7.5000,  8.5000])",
    );
    // Scientific width 10, element length 12: floor(73 / 12) = 6 per line.
    let v: Vec<f32> = (1..15).map(|i| i as f32 * 1e-5).collect();
    prints(
        &f32s(&v, &[14]),
        "tensor([1.0000e-05, 2.0000e-05, 3.0000e-05, 4.0000e-05, 5.0000e-05, 6.0000e-05,\n        7.0000e-05, 8.0000e-05, 9.0000e-05, 1.0000e-04, 1.1000e-04, 1.2000e-04,\n        1.3000e-04, 1.4000e-04])",
    );
    // Bool: width 5, element length 7: floor(73 / 7) = 10 per line.
    let b: Vec<bool> = (0..20).map(|i| i % 3 == 0).collect();
    prints(
        &bools(&b, &[20]),
        "tensor([ True, False, False,  True, False, False,  True, False, False,  True,\n        False, False,  True, False, False,  True, False, False,  True, False])",
    );
}

#[test]
fn nested_rows_wrap_with_their_deeper_indent() {
    // Rows of a 2-d tensor are _vector_str at indent 8: width 7, element length 9,
    // floor((80 - 8) / 9) = 8 per line.
    prints(
        &f32s(&range_f32(24, 0.5), &[2, 12]),
        "tensor([[ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n          8.5000,  9.5000, 10.5000, 11.5000],\n        [12.5000, 13.5000, 14.5000, 15.5000, 16.5000, 17.5000, 18.5000, 19.5000,\n         20.5000, 21.5000, 22.5000, 23.5000]])",
    );
    // At indent 9 (3-d), width 6: floor(71 / 8) = 8 per line, while 1-d fits 9.
    prints(
        &f32s(&range_f32(9, 0.5), &[1, 1, 9]),
        "tensor([[[0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000,\n          8.5000]]])",
    );
}

// ---------------------------------------------------------------------------------------------
// Suffixes: dtype, then grad_fn / requires_grad; `_add_suffixes` wraps them at 80 columns.
// ---------------------------------------------------------------------------------------------

#[test]
fn suffix_order_is_dtype_then_autograd() {
    // _str_intern appends "dtype=..." before "grad_fn=<...>" / "requires_grad=True".
    let x = f64s(&[1.0, 2.0], &[2]).requires_grad_(true);
    prints(
        &x,
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
    );
    prints(
        &(&x * 2.0),
        "tensor([2., 4.], dtype=torch.float64, grad_fn=<MulBackward0>)",
    );
    let y = Tensor::ones(&[2, 2]).requires_grad_(true);
    prints(
        &y,
        "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)",
    );
    prints(
        &(&y + 2.0),
        "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)",
    );
    // A grad_fn hides requires_grad=True (`elif inp.requires_grad`).
    prints(
        &(&f32s(&[123.], &[1]).requires_grad_(true) * 1.0),
        "tensor([123.], grad_fn=<MulBackward0>)",
    );
    prints(
        &f32s(&[123.], &[1]).requires_grad_(true),
        "tensor([123.], requires_grad=True)",
    );
}

#[test]
fn suffix_wraps_when_last_line_len_plus_suffix_plus_2_exceeds_80() {
    // _add_suffixes: last_line_len = len(s) - s.rfind("\n") + 1 (len + 2 with no newline);
    // wrap to ",\n" + " " * 7 when last_line_len + len(suffix) + 2 > 80.
    // "tensor([...]" is 58 chars: 58 + 2 + 18 + 2 == 80 fits...
    let x = f32s(&[-1e8, 1e6 + 0.5, 1e6 + 0.5], &[3]).requires_grad_(true);
    prints(
        &x,
        "tensor([-100000000.0000,    1000000.5000,    1000000.5000], requires_grad=True)",
    );
    // ...and a 22-char grad_fn suffix does not.
    prints(
        &(&x * 1.0),
        "tensor([-100000000.0000,    1000000.5000,    1000000.5000],\n       grad_fn=<MulBackward0>)",
    );
    prints(
        &f64s(&[-1e8, 1e6 + 0.5, 1e6 + 0.5], &[3]),
        "tensor([-100000000.0000,    1000000.5000,    1000000.5000],\n       dtype=torch.float64)",
    );
    // 59 chars: 59 + 2 + 18 + 2 > 80 wraps.
    prints(
        &f32s(&[-1e-5; 4], &[4]).requires_grad_(true),
        "tensor([-1.0000e-05, -1.0000e-05, -1.0000e-05, -1.0000e-05],\n       requires_grad=True)",
    );
    // A 79-char single line: wraps even though ", requires_grad=True" alone is short.
    prints(
        &f32s(&range_f32(9, 0.5), &[9]).requires_grad_(true),
        "tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000, 8.5000],\n       requires_grad=True)",
    );
    prints(
        &f32s(&range_f32(10, 0.5), &[10]).requires_grad_(true),
        "tensor([0.5000, 1.5000, 2.5000, 3.5000, 4.5000, 5.5000, 6.5000, 7.5000, 8.5000,\n        9.5000], requires_grad=True)",
    );
}

#[test]
fn wrapped_suffixes_continue_on_the_new_line() {
    // After a wrap last_line_len = indent + len(suffix), so the next suffix usually fits after
    // it on the same line.
    let body = "tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n         8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,\n        16.5000, 17.5000, 18.5000, 19.5000, 20.5000, 21.5000, 22.5000, 23.5000,\n        24.5000, 25.5000, 26.5000, 27.5000, 28.5000, 29.5000]";
    let x32 = f32s(&range_f32(30, 0.5), &[30]).requires_grad_(true);
    prints(
        &(&x32 + 0.0),
        &format!("{body},\n       grad_fn=<AddBackward0>)"),
    );
    let x = f64s(&range_f64(30, 0.5), &[30]);
    prints(&x, &format!("{body},\n       dtype=torch.float64)"));
    let x = x.requires_grad_(true);
    prints(
        &x,
        &format!("{body},\n       dtype=torch.float64, requires_grad=True)"),
    );
    prints(
        &(&x * 1.0),
        &format!("{body},\n       dtype=torch.float64, grad_fn=<MulBackward0>)"),
    );
}

// ---------------------------------------------------------------------------------------------
// Empty tensors
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_tensors_print_brackets_size_unless_1d_and_dtype_unless_default() {
    // _str_intern, numel == 0: `if self.dim() != 1: suffixes.append("size=" + str(tuple(shape)))`
    // then `if self.dtype != torch.get_default_dtype(): suffixes.append("dtype=...")`
    // (bool is shown here, unlike for non-empty tensors), then the autograd suffix.
    prints(&Tensor::zeros(&[0]), "tensor([])");
    prints(&Tensor::zeros(&[0, 3]), "tensor([], size=(0, 3))");
    prints(
        &Tensor::zeros(&[2, 0]).requires_grad_(true),
        "tensor([], size=(2, 0), requires_grad=True)",
    );
    prints(&f64s(&[], &[0]), "tensor([], dtype=torch.float64)");
    prints(
        &f64s(&[], &[0, 3]),
        "tensor([], size=(0, 3), dtype=torch.float64)",
    );
    prints(&bools(&[], &[0]), "tensor([], dtype=torch.bool)");
    prints(
        &bools(&[], &[0, 3]),
        "tensor([], size=(0, 3), dtype=torch.bool)",
    );
    prints(
        &(&Tensor::zeros(&[0]).requires_grad_(true) * 2.0),
        "tensor([], grad_fn=<MulBackward0>)",
    );
    prints(
        &(&f64s(&[], &[0, 3]).requires_grad_(true) * 2.0),
        "tensor([], size=(0, 3), dtype=torch.float64, grad_fn=<MulBackward0>)",
    );
}

// ---------------------------------------------------------------------------------------------
// Bool tensors
// ---------------------------------------------------------------------------------------------

#[test]
fn bool_tensors_pad_to_the_longest_of_true_false_and_show_no_dtype() {
    // _Formatter (non-floating): max_width = max(len("{}".format(v))); has_default_dtype
    // includes torch.bool, so non-empty bool tensors carry no dtype suffix.
    prints(&bools(&[true, false], &[2]), "tensor([ True, False])");
    prints(&bools(&[true, true], &[2]), "tensor([True, True])");
    prints(&bools(&[false, false], &[2]), "tensor([False, False])");
    prints(&bools(&[true], &[]), "tensor(True)");
    prints(&bools(&[false], &[]), "tensor(False)");
    prints(
        &Tensor::eye(2).eq(1.0),
        "tensor([[ True, False],\n        [False,  True]])",
    );
    let b: Vec<bool> = (0..8).map(|i| i % 3 == 0).collect();
    prints(
        &bools(&b, &[2, 2, 2]),
        "tensor([[[ True, False],\n         [False,  True]],\n\n        [[False, False],\n         [ True, False]]])",
    );
}

#[test]
fn bool_tensors_are_summarized_like_floats() {
    let b: Vec<bool> = (0..2000).map(|i| i % 2 == 0).collect();
    prints(
        &bools(&b, &[2000]),
        "tensor([ True, False,  True,  ..., False,  True, False])",
    );
}

// ---------------------------------------------------------------------------------------------
// Differential sample: randomized tensors printed by torch 2.15.
//
// torch 2.15: every expected string in this group is `repr(t)` from torch 2.15.0 for the same
// data, shape, dtype and op. The group is a sample of a differential run (25,509 randomized
// tensors: f32/f64/bool, 0-d to 10-d, empty shapes, summarized sizes, wrapped rows, integer,
// tie, subnormal, huge, nan/inf/-0.0 values, leaf/requires_grad/grad_fn/no_grad/detach/view
// ops), in which every string matched.
// ---------------------------------------------------------------------------------------------

#[test]
fn torch_f32_values_not_exact_in_decimal() {
    // 0.1f32 is 0.10000000149..., 1/3 rounds; the ratio 123.456 / 0.1 > 1000 picks sci mode.
    prints(
        &f32s(&[0.1, 0.33333334, 0.6666667, -0.7, 123.456], &[5]),
        "tensor([ 1.0000e-01,  3.3333e-01,  6.6667e-01, -7.0000e-01,  1.2346e+02])",
    );
    // Values that round to the same digits stay distinct in storage.
    prints(
        &f32s(&[1.00001, 1.000012, 0.99999, 1.0000049], &[4]),
        "tensor([1.0000, 1.0000, 1.0000, 1.0000])",
    );
}

#[test]
fn torch_exact_binary_ties_round_half_to_even() {
    // Multiples of 1/32 have five decimals: exact ties at precision 4.
    prints(
        &f64s(&[0.03125, 0.09375, 0.15625, -0.21875, 1.40625, 10.46875], &[2, 3]),
        "tensor([[ 0.0312,  0.0938,  0.1562],\n        [-0.2188,  1.4062, 10.4688]], dtype=torch.float64)",
    );
    // 1.03125e4 -> 1.0312e+04 and 1.03135e4 -> 1.0314e+04 in scientific mode.
    prints(
        &f64s(&[10312.5, 0.5, 10313.5, -0.00215625], &[4]),
        "tensor([ 1.0312e+04,  5.0000e-01,  1.0314e+04, -2.1563e-03],\n       dtype=torch.float64)",
    );
}

#[test]
fn torch_extreme_magnitudes() {
    // f32 subnormals and f32::MAX.
    prints(
        &f32s(&[1e-45, -1e-40, 3.4028235e38, 1.0], &[2, 2]),
        "tensor([[ 1.4013e-45, -9.9999e-41],\n        [ 3.4028e+38,  1.0000e+00]])",
    );
    // 1e8 + 1 > 1e8: integers switch to sci; zeros keep their sign.
    prints(
        &f64s(&[100000001.0, 0.0, -0.0, 5.0], &[4]),
        "tensor([1.0000e+08, 0.0000e+00, -0.0000e+00, 5.0000e+00], dtype=torch.float64)",
    );
}

#[test]
fn torch_non_finite_values_in_scientific_mode_and_suffix_wraps() {
    let x = f32s(
        &[
            1e-5,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -0.0,
            250.5,
            3.0,
            -1e6,
        ],
        &[2, 4],
    );
    prints(
        &x.requires_grad_(true),
        "tensor([[ 1.0000e-05,         nan,         inf,        -inf],\n        [-0.0000e+00,  2.5050e+02,  3.0000e+00, -1.0000e+06]],\n       requires_grad=True)",
    );
    // dtype fits on the last line, requires_grad then wraps.
    let v: Vec<f64> = (0..13).map(|i| f64::from(i) * 1.5 - 7.0).collect();
    prints(
        &f64s(&v, &[13]).requires_grad_(true),
        "tensor([-7.0000, -5.5000, -4.0000, -2.5000, -1.0000,  0.5000,  2.0000,  3.5000,\n         5.0000,  6.5000,  8.0000,  9.5000, 11.0000], dtype=torch.float64,\n       requires_grad=True)",
    );
    // Both suffixes wrap together after a 3-d body.
    let v: Vec<f64> = (0..24)
        .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 } * (f64::from(i) + 0.25) * 1000.0)
        .collect();
    prints(
        &(&f64s(&v, &[2, 2, 6]).requires_grad_(true) * 2.0),
        "tensor([[[   500.,  -2500.,   4500.,  -6500.,   8500., -10500.],\n         [ 12500., -14500.,  16500., -18500.,  20500., -22500.]],\n\n        [[ 24500., -26500.,  28500., -30500.,  32500., -34500.],\n         [ 36500., -38500.,  40500., -42500.,  44500., -46500.]]],\n       dtype=torch.float64, grad_fn=<MulBackward0>)",
    );
}

#[test]
fn torch_summarized_3d_and_4d() {
    // Tiny values hidden in the middle do not matter; the visible ones pick sci mode.
    let v: Vec<f32> = (0..1200_u32)
        .map(|i| {
            if i % 7 == 0 {
                (1e-6 * f64::from(i)) as f32
            } else {
                i as f32 * 0.5
            }
        })
        .collect();
    prints(
        &f32s(&v, &[2, 3, 200]),
        "tensor([[[0.0000e+00, 5.0000e-01, 1.0000e+00,  ..., 9.8500e+01,\n          9.9000e+01, 9.9500e+01],\n         [1.0000e+02, 1.0050e+02, 1.0100e+02,  ..., 1.9850e+02,\n          1.9900e+02, 3.9900e-04],\n         [2.0000e+02, 2.0050e+02, 2.0100e+02,  ..., 2.9850e+02,\n          2.9900e+02, 2.9950e+02]],\n\n        [[3.0000e+02, 3.0050e+02, 6.0200e-04,  ..., 3.9850e+02,\n          7.9800e-04, 3.9950e+02],\n         [4.0000e+02, 4.0050e+02, 4.0100e+02,  ..., 4.9850e+02,\n          4.9900e+02, 4.9950e+02],\n         [5.0000e+02, 1.0010e-03, 5.0100e+02,  ..., 1.1970e-03,\n          5.9900e+02, 5.9950e+02]]])",
    );
    // 2 * 2 * 2 * 130 = 1040 elements: only the dim of 130 is elided; -0. from negating 0.
    let v: Vec<f64> = (0..1040_u32).map(|i| f64::from(i % 11)).collect();
    prints(
        &-&f64s(&v, &[2, 2, 2, 130]).requires_grad_(true),
        "tensor([[[[ -0.,  -1.,  -2.,  ...,  -6.,  -7.,  -8.],\n          [ -9., -10.,  -0.,  ...,  -4.,  -5.,  -6.]],\n\n         [[ -7.,  -8.,  -9.,  ...,  -2.,  -3.,  -4.],\n          [ -5.,  -6.,  -7.,  ...,  -0.,  -1.,  -2.]]],\n\n\n        [[[ -3.,  -4.,  -5.,  ...,  -9., -10.,  -0.],\n          [ -1.,  -2.,  -3.,  ...,  -7.,  -8.,  -9.]],\n\n         [[-10.,  -0.,  -1.,  ...,  -5.,  -6.,  -7.],\n          [ -8.,  -9., -10.,  ...,  -3.,  -4.,  -5.]]]], dtype=torch.float64,\n       grad_fn=<NegBackward0>)",
    );
}

#[test]
fn torch_autograd_suffixes_after_ops() {
    // 5-d with size-1 dims; -0.0 + 0 is +0.
    let x = f32s(&[0.5, -1.25, 2.0, 3.75, -0.0, 8.0], &[1, 2, 1, 3, 1]).requires_grad_(true);
    prints(
        &(&x + 0.0),
        "tensor([[[[[ 0.5000],\n           [-1.2500],\n           [ 2.0000]]],\n\n\n         [[[ 3.7500],\n           [ 0.0000],\n           [ 8.0000]]]]], grad_fn=<AddBackward0>)",
    );
    // A comparison of a tensor that requires grad is a plain bool tensor.
    let x = f32s(&[1.0, -2.0, 0.0, 3.5, -0.0, f32::NAN], &[2, 3]).requires_grad_(true);
    prints(
        &x.gt(0.0),
        "tensor([[ True, False, False],\n        [ True, False, False]])",
    );
    // double() of an f32 tensor that requires grad: dtype, then ToCopyBackward0.
    let x = f32s(&[1.5, -2.25, 0.001], &[3]).requires_grad_(true);
    prints(
        &x.double(),
        "tensor([ 1.5000e+00, -2.2500e+00,  1.0000e-03], dtype=torch.float64,\n       grad_fn=<ToCopyBackward0>)",
    );
    // Computed under no_grad, or detached: no autograd suffix.
    let x = f32s(&[1.0, 2.0, 3.0], &[3]).requires_grad_(true);
    prints(&no_grad(|| &x * 2.0), "tensor([2., 4., 6.])");
    prints(&x.detach(), "tensor([1., 2., 3.])");
    prints(
        &f64s(&[], &[2, 0, 3]).requires_grad_(true),
        "tensor([], size=(2, 0, 3), dtype=torch.float64, requires_grad=True)",
    );
}

/// One row of the differential sample: the input as exact bit patterns and torch's `repr`.
struct Case {
    /// `f32`, `f64` or `bool`.
    dtype: &'static str,
    shape: &'static [usize],
    /// What is printed: the leaf itself (`none`), the leaf after `requires_grad_(true)` (`rg`),
    /// or an op applied to that leaf (see [`apply`]).
    op: &'static str,
    /// Hex bit patterns (`f32::to_bits` / `f64::to_bits`), or `0`/`1` per element for bools.
    bits: &'static str,
    /// `repr(t)` from torch 2.15.
    torch: &'static str,
}

/// Builds the leaf of a [`Case`] from its exact bit patterns.
fn leaf(case: &Case) -> Tensor {
    let words = case.bits.split_whitespace();
    match case.dtype {
        "f32" => {
            let v: Vec<f32> = words
                .map(|w| f32::from_bits(u32::from_str_radix(w, 16).unwrap()))
                .collect();
            f32s(&v, case.shape)
        }
        "f64" => {
            let v: Vec<f64> = words
                .map(|w| f64::from_bits(u64::from_str_radix(w, 16).unwrap()))
                .collect();
            f64s(&v, case.shape)
        }
        "bool" => {
            let v: Vec<bool> = case.bits.chars().map(|c| c == '1').collect();
            bools(&v, case.shape)
        }
        other => panic!("unknown dtype {other}"),
    }
}

/// Applies a [`Case`]'s op, as the torch generator did (`x` requires grad for every op but
/// `none`).
fn apply(case: &Case, x: Tensor) -> Tensor {
    if case.op == "none" {
        return x;
    }
    let x = x.requires_grad_(true);
    match case.op {
        "rg" => x,
        "mul2" => &x * 2.0,
        "add0" => &x + 0.0,
        "neg" => -&x,
        "detach" => x.detach(),
        "nograd_mul" => no_grad(|| &x * 2.0),
        "float" => x.float(),
        "slice2" => x.slice(0, 0, case.shape[0] as isize, 2),
        "reshape_flat" => x.reshape(&[x.numel()]),
        "clamp" => x.clamp(-1.0, 1.0),
        "cat" => Tensor::cat(&[&x, &x], 0),
        "max" => x.max(),
        other => panic!("unknown op {other}"),
    }
}

#[test]
fn torch_randomized_sample() {
    for case in TORCH_SAMPLE {
        let t = apply(case, leaf(case));
        assert_eq!(
            t.to_string(),
            case.torch,
            "{} {:?} {}",
            case.dtype,
            case.shape,
            case.op
        );
        assert_eq!(format!("{t:?}"), case.torch);
    }
}

const TORCH_SAMPLE: &[Case] = &[
    Case {
        dtype: "f32",
        shape: &[3, 4],
        op: "none",
        bits: "7f800000 00000000 4c386da1 51ef18f1 ff800000 4c8c3b2a 52ea796c 7f800000 41200000 c0000000 80000000 7fc00000",
        torch: "tensor([[        inf,  0.0000e+00,  4.8347e+07,  1.2836e+11],\n        [       -inf,  7.3521e+07,  5.0353e+11,         inf],\n        [ 1.0000e+01, -2.0000e+00, -0.0000e+00,         nan]])",
    },
    Case {
        dtype: "f64",
        shape: &[1, 13],
        op: "add0",
        bits: "3f9aea12eafcca0a 40c1630000000000 3fb8182c76d43884 4071c00000000000 3f957b923b49aa50 3f9e4e6265ae4e84 3f95461e90265e77 3faa54accf8d1bea 7ff8000000000000 0000000000000000 3fb5c9033ded45ed 0000000000000000 404a800000000000",
        torch: "tensor([[2.6284e-02, 8.9020e+03, 9.4119e-02, 2.8400e+02, 2.0979e-02, 2.9596e-02,\n         2.0775e-02, 5.1427e-02,        nan, 0.0000e+00, 8.5098e-02, 0.0000e+00,\n         5.3000e+01]], dtype=torch.float64, grad_fn=<AddBackward0>)",
    },
    Case {
        dtype: "f32",
        shape: &[12],
        op: "float",
        bits: "7fc00000 7fc00000 80000000 80000000 3c0eae22 7fc00000 c1de714e ff800000 386bfca9 00000000 c424851f bc097110",
        torch: "tensor([        nan,         nan, -0.0000e+00, -0.0000e+00,  8.7085e-03,\n                nan, -2.7805e+01,        -inf,  5.6264e-05,  0.0000e+00,\n        -6.5808e+02, -8.3888e-03], requires_grad=True)",
    },
    Case {
        dtype: "f32",
        shape: &[2, 5],
        op: "neg",
        bits: "1e3ce508 00000001 80000000 80000000 0020aac8 9e3ce508 80000000 0da24260 80000001 00000000",
        torch: "tensor([[-1.0000e-20, -1.4013e-45,  0.0000e+00,  0.0000e+00, -3.0000e-39],\n        [ 1.0000e-20,  0.0000e+00, -1.0000e-30,  1.4013e-45, -0.0000e+00]],\n       grad_fn=<NegBackward0>)",
    },
    Case {
        dtype: "f32",
        shape: &[2, 2, 4],
        op: "rg",
        bits: "532876f1 80000000 80000000 806ce3ee 7fc00000 80000000 c4644852 006ce3ee 7fc00000 574a512d 7f800000 ff800000 4118985f 7fc00000 7f800000 5048f131",
        torch: "tensor([[[ 7.2355e+11, -0.0000e+00, -0.0000e+00, -1.0000e-38],\n         [        nan, -0.0000e+00, -9.1313e+02,  1.0000e-38]],\n\n        [[        nan,  2.2245e+14,         inf,        -inf],\n         [ 9.5372e+00,         nan,         inf,  1.3485e+10]]],\n       requires_grad=True)",
    },
    Case {
        dtype: "f64",
        shape: &[4, 3],
        op: "rg",
        bits: "7ff0000000000000 369ff868bf4d956a 8000000000000000 0000000000000000 4016000000000000 bff3000000000000 7ff8000000000000 b696d601ad376ab9 0000000000000000 bfe7000000000000 fff0000000000000 8000000000000000",
        torch: "tensor([[        inf,  1.4000e-45, -0.0000e+00],\n        [ 0.0000e+00,  5.5000e+00, -1.1875e+00],\n        [        nan, -1.0000e-45,  0.0000e+00],\n        [-7.1875e-01,        -inf, -0.0000e+00]], dtype=torch.float64,\n       requires_grad=True)",
    },
    Case {
        dtype: "f64",
        shape: &[3, 4],
        op: "rg",
        bits: "3f2e1c9d9b20c077 bff2800000000000 c1c3902f45800000 3f15d29a3ea5b128 41a89b39f9f3bebb c2657b5db0b48000 c043800000000000 3f938e9f204605e3 3f71d7bee61b1830 424e9dea8dc40000 4021144ea9a28609 4012c00000000000",
        torch: "tensor([[ 2.2973e-04, -1.1562e+00, -6.5643e+08,  8.3247e-05],\n        [ 2.0641e+08, -7.3811e+11, -3.9000e+01,  1.9099e-02],\n        [ 4.3561e-03,  2.6300e+11,  8.5397e+00,  4.6875e+00]],\n       dtype=torch.float64, requires_grad=True)",
    },
    Case {
        dtype: "f64",
        shape: &[4, 5],
        op: "detach",
        bits: "fff0000000000000 40beb90000000000 4000000000000000 40a8400000000000 7ff0000000000000 4086200000000000 7ff8000000000000 4020000000000000 407f500000000000 0000000000000000 7ff8000000000000 0000000000000000 0000000000000000 8000000000000000 4020000000000000 403d000000000000 40a7e40000000000 0000000000000000 4055800000000000 8000000000000000",
        torch: "tensor([[      -inf, 7.8650e+03, 2.0000e+00, 3.1040e+03,        inf],\n        [7.0800e+02,        nan, 8.0000e+00, 5.0100e+02, 0.0000e+00],\n        [       nan, 0.0000e+00, 0.0000e+00, -0.0000e+00, 8.0000e+00],\n        [2.9000e+01, 3.0580e+03, 0.0000e+00, 8.6000e+01, -0.0000e+00]],\n       dtype=torch.float64)",
    },
    Case {
        dtype: "f64",
        shape: &[3],
        op: "add0",
        bits: "8000000000000000 8000000000000000 7ff0000000000000",
        torch: "tensor([0., 0., inf], dtype=torch.float64, grad_fn=<AddBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[3, 4],
        op: "slice2",
        bits: "4046d4dd2f1a9fbe bfa9e1b089a02752 bfaca771c970f7ba 3fb6fdc9c4da9004 40aac1cccccccccd 3fc8abb44e50c5eb bf7af1886df82b1f 3f70257c914b167f c01096872b020c4a 408f07d70a3d70a4 bfe49a8049667b5f c08ef2a3d70a3d71",
        torch: "tensor([[ 4.5663e+01, -5.0550e-02, -5.5965e-02,  8.9810e-02],\n        [-4.1470e+00,  9.9298e+02, -6.4386e-01, -9.9033e+02]],\n       dtype=torch.float64, grad_fn=<SliceBackward0>)",
    },
    Case {
        dtype: "f32",
        shape: &[4],
        op: "rg",
        bits: "4877161e ff800000 47242bd8 48503ee8",
        torch: "tensor([253016.4688,        -inf,  42027.8438, 213243.6250],\n       requires_grad=True)",
    },
    Case {
        dtype: "f32",
        shape: &[1, 2, 1, 12],
        op: "add0",
        bits: "00000000 7f800000 7fc00000 ff800000 80000000 00000000 ff800000 7f800000 7f800000 ff800000 80000000 7f800000 7fc00000 80000000 7fc00000 80000000 80000000 00000000 7f800000 80000000 ff800000 00000000 7fc00000 00000000",
        torch: "tensor([[[[0., inf, nan, -inf, 0., 0., -inf, inf, inf, -inf, 0., inf]],\n\n         [[nan, 0., nan, 0., 0., 0., inf, 0., -inf, 0., nan, 0.]]]],\n       grad_fn=<AddBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[1, 3, 4, 1],
        op: "mul2",
        bits: "3fb999a84b45b22d 4004002803a012d0 7ff0000000000000 fff0000000000000 7ff8000000000000 fff0000000000000 3fefffff2a603522 3ff00038c847f566 0000000000000000 fff0000000000000 3fb99ad80adf7140 7ff0000000000000",
        torch: "tensor([[[[0.2000],\n          [5.0002],\n          [   inf],\n          [  -inf]],\n\n         [[   nan],\n          [  -inf],\n          [2.0000],\n          [2.0001]],\n\n         [[0.0000],\n          [  -inf],\n          [0.2000],\n          [   inf]]]], dtype=torch.float64, grad_fn=<MulBackward0>)",
    },
    Case {
        dtype: "f32",
        shape: &[2, 3, 3],
        op: "mul2",
        bits: "80000000 00000000 40980000 40970000 40b90000 400c0000 80000000 c00a0000 00000000 7fc00000 ff800000 7fc00000 00000000 40b30000 80000000 7f800000 40b30000 80000000",
        torch: "tensor([[[-0.0000,  0.0000,  9.5000],\n         [ 9.4375, 11.5625,  4.3750],\n         [-0.0000, -4.3125,  0.0000]],\n\n        [[    nan,    -inf,     nan],\n         [ 0.0000, 11.1875, -0.0000],\n         [    inf, 11.1875, -0.0000]]], grad_fn=<MulBackward0>)",
    },
    Case {
        dtype: "bool",
        shape: &[2, 3, 4],
        op: "none",
        bits: "001110110000011110001011",
        torch: "tensor([[[False, False,  True,  True],\n         [ True, False,  True,  True],\n         [False, False, False, False]],\n\n        [[False,  True,  True,  True],\n         [ True, False, False, False],\n         [ True, False,  True,  True]]])",
    },
    Case {
        dtype: "bool",
        shape: &[2, 1, 2, 2, 1],
        op: "none",
        bits: "11111011",
        torch: "tensor([[[[[ True],\n           [ True]],\n\n          [[ True],\n           [ True]]]],\n\n\n\n        [[[[ True],\n           [False]],\n\n          [[ True],\n           [ True]]]]])",
    },
    Case {
        dtype: "f32",
        shape: &[3, 4, 0],
        op: "nograd_mul",
        bits: "",
        torch: "tensor([], size=(3, 4, 0))",
    },
    Case {
        dtype: "f32",
        shape: &[0, 0],
        op: "clamp",
        bits: "",
        torch: "tensor([], size=(0, 0), grad_fn=<ClampBackward1>)",
    },
    Case {
        dtype: "f64",
        shape: &[],
        op: "add0",
        bits: "8000000000000000",
        torch: "tensor(0., dtype=torch.float64, grad_fn=<AddBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[],
        op: "none",
        bits: "bf504d188b890e4e",
        torch: "tensor(-0.0010, dtype=torch.float64)",
    },
    Case {
        dtype: "f64",
        shape: &[2, 1],
        op: "detach",
        bits: "b69ff868bf4d956a 8000000000000000",
        torch: "tensor([[-1.4000e-45],\n        [-0.0000e+00]], dtype=torch.float64)",
    },
    Case {
        dtype: "f32",
        shape: &[3, 3, 1],
        op: "none",
        bits: "8da24260 80000000 806ce3ee 8020aac8 00000000 80000001 0020aac8 9e3ce508 00000000",
        torch: "tensor([[[-1.0000e-30],\n         [-0.0000e+00],\n         [-1.0000e-38]],\n\n        [[-3.0000e-39],\n         [ 0.0000e+00],\n         [-1.4013e-45]],\n\n        [[ 3.0000e-39],\n         [-1.0000e-20],\n         [ 0.0000e+00]]])",
    },
    Case {
        dtype: "f64",
        shape: &[],
        op: "none",
        bits: "47ec363cbf21f28a",
        torch: "tensor(3.0000e+38, dtype=torch.float64)",
    },
    Case {
        dtype: "f32",
        shape: &[1, 13],
        op: "mul2",
        bits: "7149f2ca 40a90000 7f800000 42d89a86 407c0000 ff800000 ff800000 443ea9eb 40400000 43f53a16 ccbeb73e ff61b1e6 c0a80000",
        torch: "tensor([[ 2.0000e+30,  1.0562e+01,         inf,  2.1660e+02,  7.8750e+00,\n                -inf,        -inf,  1.5253e+03,  6.0000e+00,  9.8091e+02,\n         -1.9998e+08,        -inf, -1.0500e+01]], grad_fn=<MulBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[3, 1, 1, 2, 1],
        op: "none",
        bits: "7ff0000000000000 8000000000000000 0000000000000000 fff0000000000000 7ff0000000000000 7ff0000000000000",
        torch: "tensor([[[[[inf],\n           [-0.]]]],\n\n\n\n        [[[[0.],\n           [-inf]]]],\n\n\n\n        [[[[inf],\n           [inf]]]]], dtype=torch.float64)",
    },
    Case {
        dtype: "f64",
        shape: &[1, 1, 1, 1, 1],
        op: "neg",
        bits: "7ff8000000000000",
        torch: "tensor([[[[[nan]]]]], dtype=torch.float64, grad_fn=<NegBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[2, 2, 4],
        op: "float",
        bits: "3fe4653402d84346 3f88306eb432c800 3fd4c51674b30100 3fb98caa9c3ec7c0 bfe675c76787ee2a 7ff8000000000000 3fc258ad9b7d5390 bfef89f4263b0e0e 3fdad5bce8bf7614 3fe821f7410b1f9a bfd38f89ee91cb90 3fc50a03b2b431c0 3fa3bb0ef4a69620 bfea27f4605c02d2 bfdb6340dcfcf7f4 bfcc7fa8abb4ee38",
        torch: "tensor([[[ 0.6374,  0.0118,  0.3245,  0.0998],\n         [-0.7019,     nan,  0.1433, -0.9856]],\n\n        [[ 0.4193,  0.7541, -0.3056,  0.1644],\n         [ 0.0385, -0.8174, -0.4279, -0.2226]]], grad_fn=<ToCopyBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[4],
        op: "float",
        bits: "400d400000000000 400d000000000000 4010c00000000000 bff3000000000000",
        torch: "tensor([ 3.6562,  3.6250,  4.1875, -1.1875], grad_fn=<ToCopyBackward0>)",
    },
    Case {
        dtype: "f32",
        shape: &[1, 3, 1],
        op: "reshape_flat",
        bits: "40000000 4ded88a3 cb3a7074",
        torch: "tensor([ 2.0000e+00,  4.9814e+08, -1.2218e+07], grad_fn=<ViewBackward0>)",
    },
    Case {
        dtype: "f32",
        shape: &[],
        op: "reshape_flat",
        bits: "ff800000",
        torch: "tensor([-inf], grad_fn=<ViewBackward0>)",
    },
    Case {
        dtype: "f32",
        shape: &[10],
        op: "reshape_flat",
        bits: "c2a00000 c7b81c00 c44a8c29 4ca346b6 c0000000 d2dd207e 4cbe6ef4 3f7acc4f c3da8000 3e75e204",
        torch: "tensor([-8.0000e+01, -9.4264e+04, -8.1019e+02,  8.5604e+07, -2.0000e+00,\n        -4.7487e+11,  9.9842e+07,  9.7968e-01, -4.3700e+02,  2.4012e-01],\n       grad_fn=<ViewBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[1],
        op: "clamp",
        bits: "bf8b4245f5ad96a7",
        torch: "tensor([-0.0133], dtype=torch.float64, grad_fn=<ClampBackward1>)",
    },
    Case {
        dtype: "f32",
        shape: &[5],
        op: "cat",
        bits: "43960000 44210000 c7bf9580 4c6714b7 c68bba00",
        torch: "tensor([ 3.0000e+02,  6.4400e+02, -9.8091e+04,  6.0576e+07, -1.7885e+04,\n         3.0000e+02,  6.4400e+02, -9.8091e+04,  6.0576e+07, -1.7885e+04],\n       grad_fn=<CatBackward0>)",
    },
    Case {
        dtype: "f64",
        shape: &[3, 4],
        op: "max",
        bits: "3f98c7e28240b780 3fb489b0ee49f517 4000000000000000 0000000000000000 c010c96bb98c7e28 0000000000000000 c000000000000000 0000000000000000 c058b147ae147ae1 c0466a3d70a3d70a 3fe4339c0ebedfa4 40acc23333333333",
        torch: "tensor(3681.1000, dtype=torch.float64, grad_fn=<MaxBackward1>)",
    },
];
