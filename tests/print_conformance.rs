//! Conformance of `Display` / `Debug` with PyTorch 2.x `print(t)` / `repr(t)` under the default
//! print options (precision 4, threshold 1000, edgeitems 3, linewidth 80, sci_mode None).
//!
//! Each test is named for one rule of `torch/_tensor_str.py` and cites it. Every expected string
//! was derived from that code and checked against the output of PyTorch 2.x for the same tensor.

use autograd::{tensor, Tensor};

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
